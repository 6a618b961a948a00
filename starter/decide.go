package main

// The decide command: an official agrees to or returns the open step, on the version the case
// holds, and a repeat says it was recorded already.

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
)

func (a *app) decideCmd() *cobra.Command {
	var step, attempt int
	var nip, reason, note string
	var agree, ret bool
	cmd := &cobra.Command{
		Use:   a.t("cli.decide.use"),
		Short: a.t("cli.decide.short"),
		Long:  a.t("cli.decide.long"),
		Example: `  starter decide latsar-20261122-3f9a1c --step 1 --as 197811052005011002 --agree --note "Segera proses usulan dari 5 OPD"
  starter decide latsar-20261122-3f9a1c --step 7 --as 197811052005011002 --return --reason "lampiran belum lengkap"`,
		Args: a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			caseID := args[0]
			if agree == ret {
				return errors.New(a.t("cli.decide.either"))
			}
			action := chain.Agree
			if ret {
				action = chain.Return
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			o, err := st.Official(a.ctx, nip)
			if errors.Is(err, store.ErrNotFound) {
				return errors.New(a.t("cli.err.no_official", nip))
			}
			if err != nil {
				return err
			}
			if !o.Active {
				return errors.New(a.t("cli.decide.inactive", o.NIP, o.Name))
			}
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			// The key names the attempt the workflow has open now, so the same command run again
			// is recognised as a repeat by the workflow itself, whatever the database says.
			status, err := ops.Status(a.ctx, caseID)
			if err != nil {
				return a.plainCaseError(caseID, err)
			}
			if attempt == 0 {
				if status.Open != nil && status.Open.Step == step {
					attempt = status.Open.Attempt
				} else if rec := lastDecision(status, step, o.NIP, action); rec != nil {
					attempt = rec.Attempt
				}
			}
			var doc string
			if c, err := st.Case(a.ctx, caseID); err == nil {
				dr, err := a.drafts(st, ops)
				if err != nil {
					return err
				}
				// The step's output goes to the case before its agreement; the decision names the
				// draft version the case holds.
				if action == chain.Agree {
					if err := dr.Produce(a.ctx, c, step, o.NIP, o.Role); err != nil {
						return a.explain(caseID, err)
					}
				}
				if doc, err = dr.ForDecision(a.ctx, c, o.NIP, time.Now().In(a.cal.Location())); err != nil {
					return err
				}
			}
			d := chain.Decision{Step: step, Attempt: attempt, Action: action, Reason: reason, Document: doc, Note: note,
				Actor: chain.Actor{NIP: o.NIP, Name: o.Name, Role: o.Role}}
			if err := chain.CheckDecision(d); err != nil {
				return err
			}
			updateID := fmt.Sprintf("cli:%s:%d:%d:%s:%s", caseID, step, attempt, o.NIP, action)
			res, err := ops.DecideOnce(a.ctx, caseID, updateID, d)
			if err != nil {
				return a.explain(caseID, err)
			}
			if res.Repeat {
				return a.emit(res, func(w io.Writer) error {
					_, err := fmt.Fprintln(w, a.t("cli.decide.repeat", step, attempt, caseID, a.p.Label(string(res.Record.Action)),
						res.Record.Actor.Name, a.wita(res.Record.DecidedAt)))
					return err
				})
			}
			return a.emit(res, func(w io.Writer) error {
				stepDef, _ := a.def.Step(step)
				verb := a.p.Label(string(stepDef.Kind))
				if action == chain.Return {
					verb = a.p.Label("return")
				}
				fmt.Fprintln(w, a.t("cli.decide.done", step, caseID, verb, o.Name, res.Record.WorkingMinutes))
				if res.Next == nil {
					_, err := fmt.Fprintln(w, a.t("cli.decide.ended", a.p.Label(string(res.State))))
					return err
				}
				_, err := fmt.Fprintln(w, a.t("cli.decide.next", res.Next.Step, res.Next.Attempt,
					a.def.RoleName(res.Next.Role), a.witaPtr(res.Next.DueAt)))
				return err
			})
		},
	}
	cmd.Flags().IntVar(&step, "step", 0, a.t("cli.decide.flag.step"))
	cmd.Flags().StringVar(&nip, "as", "", a.t("cli.decide.flag.as"))
	cmd.Flags().BoolVar(&agree, "agree", false, a.t("cli.decide.flag.agree"))
	cmd.Flags().BoolVar(&ret, "return", false, a.t("cli.decide.flag.return"))
	cmd.Flags().StringVar(&reason, "reason", "", a.t("cli.decide.flag.reason"))
	cmd.Flags().StringVar(&note, "note", "", a.t("cli.decide.flag.note"))
	cmd.Flags().IntVar(&attempt, "attempt", 0, a.t("cli.decide.flag.attempt"))
	_ = cmd.MarkFlagRequired("step")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// explain names the real cause of a request that was taken but not recorded in time: the
// database, when it does not answer.
func (a *app) explain(caseID string, err error) error {
	if errors.Is(err, caseops.ErrNotYetRecorded) && a.st != nil {
		if perr := a.st.Ping(a.ctx); perr != nil {
			return fmt.Errorf("%w; %s: %v", err, a.t("cli.err.database"), perr)
		}
	}
	return a.plainCaseError(caseID, err)
}

// lastDecision is the latest decision of a step by an official with an action, if any.
func lastDecision(s chain.State, step int, nip string, action chain.Action) *chain.DecisionRecord {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		if d := s.Decisions[i]; d.Step == step && d.Actor.NIP == nip && d.Action == action {
			return &d
		}
	}
	return nil
}
