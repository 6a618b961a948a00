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
	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/tclient"
	"github.com/skflow/skflow/worktime"
)

func main() {
	if err := newRoot(os.Stdout).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "starter:", err)
		os.Exit(1)
	}
}

// app holds what commands share; connections open on first use.
type app struct {
	out      io.Writer
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

func newRoot(out io.Writer) *cobra.Command {
	a := &app{out: out}
	root := &cobra.Command{
		Use:   "starter",
		Short: "Operate skflow cases from the command line",
		Long: `starter is the operators' command line for skflow. It talks to the same Temporal
workflows and PostgreSQL records as the web app: decisions go through the case's
validated Update, so the rules (right step, right role, a reason for a return) hold here too.

It reads the same configuration as the worker (--config FILE, ./skflow.yaml, SKFLOW_* variables).
Times are shown in the calendar's time zone (WITA by default); --json prints RFC 3339 with offset.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.init()
		},
		PersistentPostRun: func(*cobra.Command, []string) { a.close() },
	}
	root.PersistentFlags().StringVar(&a.file, "config", "", "configuration file (default: ./"+config.DefaultFile+" if present)")
	root.PersistentFlags().BoolVar(&a.asJSON, "json", false, "print JSON instead of text")
	root.PersistentFlags().DurationVar(&a.timeout, "timeout", 30*time.Second, "give up waiting after this long")
	root.AddCommand(a.startCmd(), a.listCmd(), a.statusCmd(), a.tasksCmd(), a.officialsCmd(), a.decideCmd(),
		a.cancelCmd(), a.reportCmd(), a.auditCmd(), a.candidatesCmd(), a.proposalsCmd(), a.skCmd(), a.correctCmd(), a.reviseCmd(),
		a.reconcileCmd(), a.calendarCmd(), a.trainingCmd())
	return root
}

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
		return nil, fmt.Errorf("basis data tidak dapat dihubungi: %w (periksa database.url; basis data bawaan hidup "+
			"bersama worker: go run ./worker)", err)
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
		return nil, fmt.Errorf("tidak dapat menghubungi Temporal: %w (apakah worker berjalan? go run ./worker)", err)
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
	return idfmt.DateTime(t.In(a.cal.Location()))
}

func (a *app) witaPtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return a.wita(*t)
}
