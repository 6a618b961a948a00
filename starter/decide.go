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
		Use:   "decide CASE --step N --as NIP (--agree | --return --reason TEXT)",
		Short: "Agree to (paraf, sign, forward) or return the open step of a case",
		Long: `Record an official's decision on the open step of a case. It goes through the case's
workflow Update, which refuses a step that is not open, an official of another role, a return
without a reason and a return on a step that has none; the refusal is printed and nothing is
recorded. Running the same command twice records one decision.`,
		Example: `  starter decide latsar-20261122-3f9a1c --step 1 --as 197811052005011002 --agree --note "Segera proses usulan dari 5 OPD"
  starter decide latsar-20261122-3f9a1c --step 7 --as 197811052005011002 --return --reason "lampiran belum lengkap"`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			caseID := args[0]
			if agree == ret {
				return errors.New("say either --agree or --return")
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
				return fmt.Errorf("no official with NIP %s (see: starter officials)", nip)
			}
			if err != nil {
				return err
			}
			if !o.Active {
				return fmt.Errorf("official %s (%s) is not active", o.NIP, o.Name)
			}
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			// The key names the attempt the workflow has open now, so the same command run again
			// is recognised as a repeat by the workflow itself, whatever the database says.
			status, err := ops.Status(a.ctx, caseID)
			if err != nil {
				return plainCaseError(caseID, err)
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
					_, err := fmt.Fprintf(w, "Sudah tercatat: langkah %d (percobaan %d) berkas %s diputuskan %s oleh %s pada %s; tidak ada yang dicatat lagi.\n",
						step, attempt, caseID, res.Record.Action, res.Record.Actor.Name, a.wita(res.Record.DecidedAt))
					return err
				})
			}
			return a.emit(res, func(w io.Writer) error {
				stepDef, _ := a.def.Step(step)
				verb := stepDef.Kind.AgreeLabel()
				if action == chain.Return {
					verb = "returned"
				}
				fmt.Fprintf(w, "Step %d of %s: %s by %s (%d working minutes).\n", step, caseID, verb, o.Name, res.Record.WorkingMinutes)
				if res.Next == nil {
					_, err := fmt.Fprintf(w, "The case is %s.\n", res.State)
					return err
				}
				_, err := fmt.Fprintf(w, "Now at step %d (attempt %d) with %s, due %s.\n", res.Next.Step, res.Next.Attempt,
					a.def.RoleName(res.Next.Role), a.witaPtr(res.Next.DueAt))
				return err
			})
		},
	}
	cmd.Flags().IntVar(&step, "step", 0, "the step being decided (required)")
	cmd.Flags().StringVar(&nip, "as", "", "the deciding official's NIP (required)")
	cmd.Flags().BoolVar(&agree, "agree", false, "agree: paraf, sign or forward")
	cmd.Flags().BoolVar(&ret, "return", false, "return the draft to the step's return target")
	cmd.Flags().StringVar(&reason, "reason", "", "why the draft is returned (required with --return)")
	cmd.Flags().StringVar(&note, "note", "", "an instruction (arahan, disposisi) for the next role, with --agree")
	cmd.Flags().IntVar(&attempt, "attempt", 0, "the attempt of the step being decided (default: the one open now)")
	_ = cmd.MarkFlagRequired("step")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// explain names the real cause of a request that was taken but not recorded in time: the
// database, when it does not answer.
func (a *app) explain(caseID string, err error) error {
	if errors.Is(err, caseops.ErrNotYetRecorded) && a.st != nil {
		if perr := a.st.Ping(a.ctx); perr != nil {
			return fmt.Errorf("%w; basis data tidak dapat dihubungi: %v", err, perr)
		}
	}
	return plainCaseError(caseID, err)
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
