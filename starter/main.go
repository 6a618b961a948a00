// Command starter is the operators' command line: start a case with the OPD proposals, watch
// every case, list inboxes and officials, record a decision, cancel a case, and print the
// auditors' report. Every command takes --json; a failure prints one plain line and exits 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/tclient"
	"github.com/skflow/skflow/worktime"
)

func main() {
	p := startupPrinter(os.Args[1:])
	if err := newRoot(os.Stdout, p).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "starter:", plainCommandError(p, err))
		os.Exit(1)
	}
}

// startupPrinter speaks the configured language before the command line is parsed, so that
// help follows the configuration too: only --config is read here.
func startupPrinter(args []string) *i18n.Printer {
	fs := pflag.NewFlagSet("starter", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.SetOutput(io.Discard)
	file := fs.String("config", "", "")
	_ = fs.Parse(args) // anything wrong is reported by the real parse
	cfg, err := config.Load(*file)
	if err != nil {
		cfg = &config.Config{} // the locale's language; the command itself reports the file
	}
	return cfg.Printer()
}

// app holds what commands share; connections open on first use.
type app struct {
	out      io.Writer
	p        *i18n.Printer
	file     string
	asJSON   bool
	timeout  time.Duration
	cfg      *config.Config
	cal      *worktime.Calendar
	def      *sop.Definition
	st       *store.Store
	tc       client.Client
	ops      *caseops.Ops
	ctx      context.Context
	cancelFn context.CancelFunc
}

func newRoot(out io.Writer, p *i18n.Printer) *cobra.Command {
	a := &app{out: out, p: p}
	root := &cobra.Command{
		Use:           "starter",
		Short:         a.t("cli.root.short"),
		Long:          a.t("cli.root.long"),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.init()
		},
		PersistentPostRun: func(*cobra.Command, []string) { a.close() },
	}
	root.PersistentFlags().StringVar(&a.file, "config", "", a.t("cli.flag.config", config.DefaultFile))
	root.PersistentFlags().BoolVar(&a.asJSON, "json", false, a.t("cli.flag.json"))
	root.PersistentFlags().DurationVar(&a.timeout, "timeout", 30*time.Second, a.t("cli.flag.timeout"))
	root.AddCommand(a.startCmd(), a.listCmd(), a.statusCmd(), a.tasksCmd(), a.officialsCmd(), a.decideCmd(),
		a.cancelCmd(), a.reportCmd(), a.auditCmd(), a.candidatesCmd(), a.proposalsCmd(), a.skCmd(), a.correctCmd(), a.reviseCmd(),
		a.reconcileCmd(), a.calendarCmd(), a.trainingCmd())
	a.localize(root)
	return root
}

// t is the catalogue's message for key in the command line's language.
func (a *app) t(key string, args ...any) string { return a.p.T(key, args...) }

func (a *app) init() error {
	cfg, err := config.Load(a.file)
	if err != nil {
		return err
	}
	a.cfg = cfg
	if a.cal, err = worktime.New(cfg.Calendar); err != nil {
		return err
	}
	if a.def, err = cfg.Definition(); err != nil {
		return err
	}
	a.ctx, a.cancelFn = context.WithTimeout(context.Background(), a.timeout)
	return nil
}

func (a *app) close() {
	if a.tc != nil {
		a.tc.Close()
	}
	if a.st != nil {
		a.st.Close()
	}
	if a.cancelFn != nil {
		a.cancelFn()
	}
}

// store opens the database, reading times back in the calendar's zone.
func (a *app) store() (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	st, err := store.Open(a.ctx, a.cfg.DatabaseURL())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.t("cli.err.database"), err)
	}
	a.st = st
	return st, nil
}

func (a *app) temporal() (*caseops.Ops, error) {
	if a.ops != nil {
		return a.ops, nil
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tc, err := tclient.Dial(a.cfg, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.t("cli.err.temporal"), err)
	}
	a.tc = tc
	a.ops = caseops.New(tc, a.cfg.Temporal.TaskQueue)
	return a.ops, nil
}

// emit prints v as JSON with --json, otherwise calls text.
func (a *app) emit(v any, text func(io.Writer) error) error {
	if a.asJSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return text(a.out)
}

// wita formats an instant for people, in the calendar's zone.
func (a *app) wita(t time.Time) string {
	return a.p.DateTime(t.In(a.cal.Location()))
}

func (a *app) witaPtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return a.wita(*t)
}
