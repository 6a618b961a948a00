package main

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/i18n"
)

// english are words of the command line's old English, and cobra's own, that an Indonesian
// reader must not meet.
var english = regexp.MustCompile(`\b(Usage|Flags|Available|Commands|Examples|help for|default|string|duration|running|completed|` +
	`cancelled|reminder|escalation|delivery|required|yes|no|case|step|attempt|the|and|with|of|not|refused|LATE|min)\b`)

// names are what stays as it is typed: flags and commands, which are identifiers.
var names = regexp.MustCompile(`--[a-z-]+|starter( [a-z-]+)*`)

// helpPaths are every command's path, for asking each for its help.
func helpPaths(c *cobra.Command, prefix []string) [][]string {
	var out [][]string
	for _, sub := range c.Commands() {
		path := append(append([]string(nil), prefix...), sub.Name())
		out = append(out, path)
		out = append(out, helpPaths(sub, path)...)
	}
	return out
}

// Every help, table and message of the command line is in Bahasa Indonesia by default, with
// no raw catalogue key; English by configuration says the same in English.
func TestCLISpeaksTheConfiguredLanguage(t *testing.T) {
	run, _ := cliEnv(t)
	id, _ := startExample(t, run)
	var seen []string
	say := func(args ...string) {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			out += err.Error()
		}
		seen = append(seen, out)
		if strings.TrimSpace(out) == "" {
			t.Errorf("%v printed nothing", args)
		}
	}
	say("--help")
	for _, path := range helpPaths(newRoot(io.Discard, i18n.New(i18n.Indonesian)), nil) {
		say(append(path, "--help")...)
	}
	say("list")
	say("status", id)
	say("tasks")
	say("officials")
	say("candidates", id)
	say("report", "--case", id)
	say("decide", id, "--step", "1", "--as", analis, "--agree")
	say("decide", id, "--step", "1", "--as", kabid, "--agree", "--note", "Segera proses")
	say("calendar", "list", "--year", "2026")
	say("calendar", "history")
	say("audit", "verify")
	say("training", "list")
	say("status", "tidak-ada")
	say("cancel", id)
	keys := i18n.Keys()
	for _, out := range seen {
		if m := english.FindString(names.ReplaceAllString(out, "")); m != "" {
			t.Errorf("English %q in:\n%s", m, out)
		}
		for _, k := range keys {
			if strings.Contains(out, k) {
				t.Errorf("raw catalogue key %s in:\n%s", k, out)
			}
		}
	}

	en, _ := cliEnvIn(t, i18n.New(i18n.English))
	if _, err := en("status", "nope"); err == nil || err.Error() != "no case nope (see: starter list)" {
		t.Errorf("English status: %v", err)
	}
	if out, err := en("decide", "--help"); err != nil || !strings.Contains(out, "Usage:\n  starter decide CASE --step N") ||
		!regexp.MustCompile(`--step number +the step being decided \(required\)`).MatchString(out) {
		t.Errorf("English help: %q %v", out, err)
	}
}
