package main

// Commands on cases: start, list, status, decide and cancel.

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/reconcile"
	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
)

func (a *app) startCmd() *cobra.Command {
	var title, proposals, as, id string
	var force bool
	cmd := &cobra.Command{
		Use:   "start --title TEXT [--proposals FILE]",
		Short: "Start a case and print its ID",
		Long: `Start a case of the SOP (the configured definition, or the embedded Wajo Latsar one).
The case keeps this definition version and calendar for its whole life. The proposals file
(the OPD spreadsheet) is stored with the case and its SHA-256.`,
		Example: `  starter start --title "Latsar CPNS 2026 angkatan I" --proposals usulan-opd.xlsx`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			title = strings.TrimSpace(title)
			if title == "" {
				return errors.New("--title must not be empty")
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			if id == "" {
				id = caseops.NewCaseID(a.def.ID, time.Now().In(a.cal.Location()))
			}
			kept, _, err := a.calendars(st, ops).Current(a.ctx)
			if err != nil {
				return err
			}
			in := chain.CaseInput{CaseID: id, Title: title, StartedBy: as, Definition: *a.def, Calendar: kept.Spec,
				CalendarVersion: kept.Version, Register: &chain.Register{Agency: a.def.Agency, Format: a.cfg.Decree.NumberFormat}}
			// Checked before the proposals are stored, so a refused start leaves nothing behind.
			if err := chain.CheckStart(in); err != nil {
				return err
			}
			var intook *intake.Summary
			if proposals != "" && !force {
				b, err := readFile(proposals, 10<<20, "proposals file")
				if err != nil {
					return err
				}
				ds, err := intake.Duplicates(a.ctx, st, b)
				if err != nil {
					return err
				}
				if len(ds) > 0 {
					return fmt.Errorf("%s (start it anyway with --force)", intake.DuplicatesText(ds))
				}
			}
			if proposals != "" {
				sum, err := a.takeProposals(cmd.ErrOrStderr(), st, id, proposals, as)
				if err != nil {
					return err
				}
				intook = &sum
				in.Proposals = sum.SHA256
			}
			if err := ops.Start(a.ctx, in); err != nil {
				return err
			}
			c, err := st.WaitCase(a.ctx, id, 10*time.Second)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: case %s is queued but not recorded yet; is the worker running? (%v)\n", id, err)
				return a.emit(map[string]any{"case_id": id, "state": "queued", "proposals": intook}, func(w io.Writer) error {
					_, err := fmt.Fprintln(w, id)
					return err
				})
			}
			return a.emit(map[string]any{"case": c, "proposals": intook}, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, id)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&title, "title", "", "what the case is about, e.g. the intake period (required)")
	cmd.Flags().StringVar(&proposals, "proposals", "", "the OPD proposals file (CSV or XLSX) to store with the case")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who starts the case (operator's NIP or name)")
	cmd.Flags().StringVar(&id, "id", "", "case ID to use instead of a generated one")
	cmd.Flags().BoolVar(&force, "force", false, "start even when a running case has the same proposals")
	_ = cmd.MarkFlagRequired("title")
	return cmd
}

// takeProposals reads, checks and classifies the proposals file and stores it for the case,
// telling the operator (on stderr, so stdout stays the case ID) what it found.
func (a *app) takeProposals(log io.Writer, st *store.Store, caseID, path, by string) (intake.Summary, error) {
	b, err := readFile(path, proposals.MaxBytes, "proposals file")
	if err != nil {
		return intake.Summary{}, err
	}
	progress := func(done, total int) {
		if total >= 1000 {
			fmt.Fprintf(log, "\rreading proposals: %d/%d rows", done, total)
			if done == total {
				fmt.Fprintln(log)
			}
		}
	}
	sum, err := intake.Take(a.ctx, st, caseID, filepath.Base(path), b, by, a.cfg.Training.BatchSize, progress)
	if err != nil {
		return sum, err
	}
	fmt.Fprintln(log, sum)
	for i, p := range sum.Problems {
		if i == 20 {
			fmt.Fprintf(log, "  ... and %d more (see: starter candidates %s)\n", len(sum.Problems)-20, caseID)
			break
		}
		fmt.Fprintf(log, "  row %d, %s: %s\n", p.Row, p.Column, p.Message)
	}
	return sum, nil
}

func (a *app) listCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every case with its open step, role, due time and lateness",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			cases, err := st.Cases(a.ctx)
			if err != nil {
				return err
			}
			now := time.Now()
			return a.emit(cases, func(w io.Writer) error {
				if len(cases) == 0 {
					_, err := fmt.Fprintln(w, "No cases yet. Start one with: starter start --title TEXT")
					return err
				}
				return table(w, "CASE\tSTATE\tSTEP\tROLE\tDUE\tLATE\tDAYS\tTITLE", func(tw io.Writer) {
					for _, c := range cases {
						step, role := "-", "-"
						if c.OpenStep != nil {
							step, role = fmt.Sprint(*c.OpenStep), a.def.RoleName(*c.OpenRole)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.1f/%d\t%s\n", c.ID, c.State, step, role,
							a.witaPtr(c.OpenDue), report.YesNo(c.StepLate(now)), c.DaysUsed(now), c.DeadlineDays, c.Title)
					}
				})
			})
		},
	}
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status CASE",
		Short: "Show one case: where it is and every step attempt so far",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			c, err := a.loadCase(st, args[0])
			if err != nil {
				return err
			}
			tasks, err := st.Tasks(a.ctx, c.ID)
			if err != nil {
				return err
			}
			out := struct {
				Case  store.Case   `json:"case"`
				Tasks []store.Task `json:"tasks"`
			}{c, tasks}
			return a.emit(out, func(w io.Writer) error {
				fmt.Fprintf(w, "Case %s: %s\n", c.ID, c.Title)
				fmt.Fprintf(w, "  SOP %s v%d, started %s by %s\n", c.DefinitionID, c.DefinitionVersion, a.wita(c.StartedAt), c.StartedBy)
				fmt.Fprintf(w, "  Deadline %s (%d days)", a.wita(c.Deadline), c.DeadlineDays)
				if c.DeadlineBreachedAt != nil {
					fmt.Fprintf(w, ", MISSED at %s", a.wita(*c.DeadlineBreachedAt))
				}
				fmt.Fprintln(w)
				switch {
				case c.OpenStep != nil:
					fmt.Fprintf(w, "  Now at step %d (attempt %d), %s, due %s\n", *c.OpenStep, *c.OpenAttempt, a.def.RoleName(*c.OpenRole), a.witaPtr(c.OpenDue))
				case c.State == string(chain.Cancelled):
					fmt.Fprintf(w, "  Cancelled %s: %s\n", a.witaPtr(c.EndedAt), deref(c.CancelReason))
				default:
					fmt.Fprintf(w, "  %s %s\n", c.State, a.witaPtr(c.EndedAt))
				}
				fmt.Fprintln(w)
				return table(w, "STEP\tTRY\tROLE\tOPENED\tDECIDED\tMINUTES\tMUTU BAKU\tLATE\tDECISION\tBY\tREASON", func(tw io.Writer) {
					for _, t := range tasks {
						decision, minutes := "open", "-"
						if t.Decision != nil {
							decision, minutes = *t.Decision, fmt.Sprint(deref(intStr(t.WorkingMinutes)))
						}
						fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Step, t.Attempt, t.Role,
							a.wita(t.OpenedAt), a.witaPtr(t.DecidedAt), minutes, deref(intStr(t.StandardMinutes)),
							report.YesNo(t.Late), decision, deref(t.ActorNIP), deref(t.Reason))
					}
				})
			})
		},
	}
}

func (a *app) cancelCmd() *cobra.Command {
	var reason, as string
	cmd := &cobra.Command{
		Use:   "cancel CASE --reason TEXT",
		Short: "Cancel a running case, with a reason",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			c := chain.Cancellation{Reason: reason, By: as}
			if err := chain.CheckCancellation(c); err != nil {
				return err
			}
			s, err := ops.Cancel(a.ctx, args[0], "cli:cancel:"+args[0], c)
			if err != nil {
				return a.explain(args[0], err)
			}
			return a.emit(s, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Case %s cancelled: %s\n", s.CaseID, s.CancelReason)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the case is cancelled (required)")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who cancels (operator's NIP or name)")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

// plainCaseError says a case's refusal or absence in one line.
func plainCaseError(caseID string, err error) error {
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		return fmt.Errorf("refused: %s", rej.Message)
	case errors.Is(err, caseops.ErrNoCase):
		return fmt.Errorf("no running case %s (see: starter list)", caseID)
	}
	return err
}

func (a *app) reconcileCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reconcile",
		Short: "Record cases whose workflow was closed outside skflow (the worker does this every 5 minutes)",
		Long: `Compare every case the records call running with its workflow in Temporal. A case whose
workflow was terminated, timed out, failed or is gone from Temporal is recorded as stopped
("dihentikan di luar skflow"), with the reason in the audit log, and its task leaves the inbox.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			if _, err := a.temporal(); err != nil {
				return err
			}
			stopped, err := (&reconcile.Reconciler{Store: st, Client: a.tc, Grace: time.Minute}).Once(a.ctx)
			if err != nil {
				return err
			}
			return a.emit(stopped, func(w io.Writer) error {
				for _, c := range stopped {
					fmt.Fprintf(w, "%s: %s\n", c.CaseID, c.Reason)
				}
				_, err := fmt.Fprintf(w, "%d berkas dicatat berhenti di luar skflow.\n", len(stopped))
				return err
			})
		},
	}
}
