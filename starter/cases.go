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
		Use:     a.t("cli.start.use"),
		Short:   a.t("cli.start.short"),
		Long:    a.t("cli.start.long"),
		Example: `  starter start --title "Latsar CPNS 2026 angkatan I" --proposals usulan-opd.xlsx`,
		Args:    a.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			title = strings.TrimSpace(title)
			if title == "" {
				return errors.New(a.t("cli.start.no_title"))
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
				b, err := a.readFile(proposals, 10<<20, a.t("cli.file.proposals"))
				if err != nil {
					return err
				}
				ds, err := intake.Duplicates(a.ctx, st, b)
				if err != nil {
					return err
				}
				if len(ds) > 0 {
					return errors.New(a.t("cli.start.duplicate", intake.DuplicatesText(a.p, ds)))
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
				fmt.Fprintln(cmd.ErrOrStderr(), a.t("cli.start.queued", id, err))
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
	cmd.Flags().StringVar(&title, "title", "", a.t("cli.start.flag.title"))
	cmd.Flags().StringVar(&proposals, "proposals", "", a.t("cli.start.flag.proposals"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.start.flag.as"))
	cmd.Flags().StringVar(&id, "id", "", a.t("cli.start.flag.id"))
	cmd.Flags().BoolVar(&force, "force", false, a.t("cli.start.flag.force"))
	_ = cmd.MarkFlagRequired("title")
	return cmd
}

// takeProposals reads, checks and classifies the proposals file and stores it for the case,
// telling the operator (on stderr, so stdout stays the case ID) what it found.
func (a *app) takeProposals(log io.Writer, st *store.Store, caseID, path, by string) (intake.Summary, error) {
	b, err := a.readFile(path, proposals.MaxBytes, a.t("cli.file.proposals"))
	if err != nil {
		return intake.Summary{}, err
	}
	progress := func(done, total int) {
		if total >= 1000 {
			fmt.Fprint(log, "\r"+a.t("cli.start.reading", done, total))
			if done == total {
				fmt.Fprintln(log)
			}
		}
	}
	sum, err := intake.Take(a.ctx, st, caseID, filepath.Base(path), b, by, a.cfg.Training.BatchSize, progress)
	if err != nil {
		return sum, err
	}
	fmt.Fprintln(log, sum.Text(a.p))
	for i, p := range sum.Problems {
		if i == 20 {
			fmt.Fprintln(log, a.t("cli.start.more_problems", len(sum.Problems)-20, caseID))
			break
		}
		fmt.Fprintln(log, a.t("cli.row_problem", p.Row, p.Column, p.Message))
	}
	return sum, nil
}

func (a *app) listCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: a.t("cli.list.short"),
		Args:  a.noArgs,
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
					_, err := fmt.Fprintln(w, a.t("cli.list.none"))
					return err
				}
				return table(w, a.t("cli.list.header"), func(tw io.Writer) {
					for _, c := range cases {
						step, role := "-", "-"
						if c.OpenStep != nil {
							step, role = fmt.Sprint(*c.OpenStep), a.def.RoleName(*c.OpenRole)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s/%d\t%s\n", c.ID, a.p.Label(c.State), step, role,
							a.witaPtr(c.OpenDue), report.YesNo(a.p, c.StepLate(now)), a.p.Decimal(c.DaysUsed(now), 1), c.DeadlineDays, c.Title)
					}
				})
			})
		},
	}
}

func (a *app) statusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.t("cli.status.use"),
		Short: a.t("cli.status.short"),
		Args:  a.exactArgs(1),
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
				fmt.Fprintln(w, a.t("cli.status.case", c.ID, c.Title))
				fmt.Fprintln(w, a.t("cli.status.sop", c.DefinitionID, fmt.Sprint(c.DefinitionVersion), a.wita(c.StartedAt), c.StartedBy))
				fmt.Fprint(w, a.t("cli.status.deadline", a.wita(c.Deadline), c.DeadlineDays))
				if c.DeadlineBreachedAt != nil {
					fmt.Fprint(w, a.t("cli.status.missed", a.wita(*c.DeadlineBreachedAt)))
				}
				fmt.Fprintln(w)
				switch {
				case c.OpenStep != nil:
					fmt.Fprintln(w, a.t("cli.status.open", *c.OpenStep, *c.OpenAttempt, a.def.RoleName(*c.OpenRole), a.witaPtr(c.OpenDue)))
				case c.State == string(chain.Cancelled):
					fmt.Fprintln(w, a.t("cli.status.cancelled", a.witaPtr(c.EndedAt), deref(c.CancelReason)))
				default:
					fmt.Fprintf(w, "  %s %s\n", a.p.Label(c.State), a.witaPtr(c.EndedAt))
				}
				fmt.Fprintln(w)
				return table(w, a.t("cli.status.header"), func(tw io.Writer) {
					for _, t := range tasks {
						decision, minutes := "open", "-"
						if t.Decision != nil {
							decision, minutes = *t.Decision, fmt.Sprint(deref(intStr(t.WorkingMinutes)))
						}
						fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Step, t.Attempt, t.Role,
							a.wita(t.OpenedAt), a.witaPtr(t.DecidedAt), minutes, deref(intStr(t.StandardMinutes)),
							report.YesNo(a.p, t.Late), a.p.Label(decision), deref(t.ActorNIP), deref(t.Reason))
					}
				})
			})
		},
	}
}

func (a *app) cancelCmd() *cobra.Command {
	var reason, as string
	cmd := &cobra.Command{
		Use:   a.t("cli.cancel.use"),
		Short: a.t("cli.cancel.short"),
		Args:  a.exactArgs(1),
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
				_, err := fmt.Fprintln(w, a.t("cli.cancel.done", s.CaseID, s.CancelReason))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", a.t("cli.cancel.flag.reason"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.cancel.flag.as"))
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

// plainCaseError says a case's refusal or absence in one line.
func (a *app) plainCaseError(caseID string, err error) error {
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		return errors.New(a.t("cli.err.refused", rej.Text(a.p)))
	case errors.Is(err, caseops.ErrNoCase):
		return errors.New(a.t("cli.err.no_running_case", caseID))
	}
	return err
}

func (a *app) reconcileCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reconcile",
		Short: a.t("cli.reconcile.short"),
		Long:  a.t("cli.reconcile.long"),
		Args:  a.noArgs,
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
				_, err := fmt.Fprintln(w, a.t("cli.reconcile.done", len(stopped)))
				return err
			})
		},
	}
}
