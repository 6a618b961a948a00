package main

// The command line in the catalogue's language: cobra's help, usage and parse errors are
// English and have no catalogue of their own, so they are replaced here.

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/skflow/skflow/i18n"
)

// localize gives the tree its usage template, help command and flag, and plain errors for
// missing arguments and flags.
func (a *app) localize(root *cobra.Command) {
	cobra.AddTemplateFunc("flagUsages", a.flagUsages)
	root.SetUsageTemplate(a.t("cli.usage"))
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().BoolP("help", "h", false, a.t("cli.flag.help"))
	root.SetHelpCommand(&cobra.Command{
		Use:   a.t("cli.help.use"),
		Short: a.t("cli.help.short"),
		// Help needs no configuration, database or Temporal.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		PersistentPostRun: func(*cobra.Command, []string) {},
		Run: func(c *cobra.Command, args []string) {
			if cmd, _, err := c.Root().Find(args); err == nil && cmd != nil {
				_ = cmd.Help()
				return
			}
			_ = c.Root().Help()
		},
	})
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return a.flagError(c, err) })
	required := map[*cobra.Command][]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableFlagsInUseLine = true // "[flags]" is English; the usage lists them anyway
		// cobra checks required flags before any hook and says so in English; the check moves
		// into the root's hook.
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, ok := f.Annotations[cobra.BashCompOneRequiredFlag]; ok {
				delete(f.Annotations, cobra.BashCompOneRequiredFlag)
				required[c] = append(required[c], f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	init := root.PersistentPreRunE
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		var missing []string
		for _, name := range required[c] {
			if !c.Flags().Changed(name) {
				missing = append(missing, "--"+name)
			}
		}
		if len(missing) > 0 {
			return errors.New(a.t("cli.err.required", strings.Join(missing, ", "), c.CommandPath()))
		}
		return init(c, args)
	}
}

func (a *app) flagError(c *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	var noValue *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		return errors.New(a.t("cli.err.unknown_flag", flagName(notExist.GetSpecifiedName(), notExist.GetSpecifiedShortnames()), c.CommandPath()))
	case errors.As(err, &noValue):
		return errors.New(a.t("cli.err.flag_value", flagName(noValue.GetSpecifiedName(), noValue.GetSpecifiedShortnames())))
	case errors.As(err, &invalid):
		return errors.New(a.t("cli.err.flag_invalid", invalid.GetValue(), "--"+invalid.GetFlag().Name, errors.Unwrap(invalid)))
	}
	return err
}

// flagUsages lists flags as pflag does, with the value's kind and the default in the
// catalogue's words (pflag writes "string", "duration", "(default …)").
func (a *app) flagUsages(fs *pflag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		line := "      --" + f.Name
		if f.Shorthand != "" {
			line = "  -" + f.Shorthand + ", --" + f.Name
		}
		if name != "" {
			if a.p.Has("cli.kind." + name) {
				name = a.t("cli.kind." + name)
			}
			line += " " + name
		}
		line += "\t" + usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			line += " " + a.t("cli.default", f.DefValue)
		}
		b.WriteString(line + "\n")
	})
	var out strings.Builder
	tw := tabwriter.NewWriter(&out, 0, 4, 3, ' ', 0)
	_, _ = tw.Write([]byte(b.String()))
	_ = tw.Flush()
	return strings.TrimRight(out.String(), "\n")
}

func flagName(long, short string) string {
	if long != "" {
		return "--" + long
	}
	return "-" + short
}

// noArgs and exactArgs say a wrong number of arguments as the catalogue does.
func (a *app) noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return errors.New(a.t("cli.err.no_args", args[0], c.UseLine()))
	}
	return nil
}

func (a *app) exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return errors.New(a.t("cli.err.args", n, len(args), c.UseLine()))
		}
		return nil
	}
}

// plainCommandError says an unknown command plainly: cobra finds it before any hook runs.
func plainCommandError(p *i18n.Printer, err error) error {
	if m := strings.TrimPrefix(err.Error(), "unknown command "); m != err.Error() {
		name, _, _ := strings.Cut(m, " for ")
		return fmt.Errorf("%s", p.T("cli.err.unknown_command", strings.Trim(name, `"`)))
	}
	return err
}
