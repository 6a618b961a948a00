package main

// Commands on the decree and its candidates: the draft SK, new versions, the candidates and
// their corrections.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/store"
)

func (a *app) skCmd() *cobra.Command {
	var out, format string
	cmd := &cobra.Command{
		Use:   a.t("cli.sk.use"),
		Short: a.t("cli.sk.short"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "pdf" && format != "html" {
				return errors.New(a.t("cli.sk.format", format))
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			c, err := a.loadCase(st, args[0])
			if err != nil {
				return err
			}
			w, err := publish.Writer(a.cfg, st, a.def)
			if err != nil {
				return err
			}
			d, err := w.Decree(a.ctx, c, time.Now())
			if err != nil {
				return err
			}
			issued, signed, err := st.IssuedDecree(a.ctx, c.ID)
			if err != nil {
				return err
			}
			f, err := os.Create(out)
			if err != nil {
				return fmt.Errorf("SK: %w", err)
			}
			switch {
			case format == "pdf" && signed:
				_, err = f.Write(issued.Content) // the signed decree as issued, byte for byte
			case format == "pdf":
				err = d.WritePDF(f, true)
			default:
				err = d.WriteHTML(f)
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("%s: %w", a.t("cli.sk.write_failed", out), err)
			}
			res := map[string]any{"file": out, "participants": d.Total(), "batches": len(d.Batches), "signed": signed && format == "pdf"}
			if signed {
				res["number"], res["sha256"] = issued.Number, issued.SHA256
			}
			return a.emit(res, func(w io.Writer) error {
				if signed && format == "pdf" {
					_, err := fmt.Fprintln(w, a.t("cli.sk.signed", issued.Number, issued.SHA256, out, d.Total(), len(d.Batches)))
					return err
				}
				_, err := fmt.Fprintln(w, a.t("cli.sk.draft", out, d.Total(), len(d.Batches)))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", a.t("cli.sk.flag.out"))
	cmd.Flags().StringVar(&format, "format", "pdf", a.t("cli.sk.flag.format"))
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func (a *app) correctCmd() *cobra.Command {
	var nipArg, reason, as string
	var moveTo int
	var exclude bool
	cmd := &cobra.Command{
		Use:   a.t("cli.correct.use"),
		Short: a.t("cli.correct.short"),
		Long:  a.t("cli.correct.long"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if (moveTo > 0) == exclude {
				return errors.New(a.t("cli.correct.either"))
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			o, err := st.Official(a.ctx, as)
			if err != nil {
				return errors.New(a.t("cli.err.no_official", as))
			}
			if _, review, ok := a.def.FirstReview(); !ok || o.Role != review.Role {
				return errors.New(a.t("cli.correct.only", a.def.RoleName(review.Role)))
			}
			c, err := a.loadCase(st, args[0])
			if err != nil {
				return err
			}
			if err := intake.Correct(a.ctx, st, a.def, c, nipArg, !exclude, moveTo, reason, o.NIP); err != nil {
				return err
			}
			// A draft made before the correction no longer says what the classification does.
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			dr, err := a.drafts(st, ops)
			if err != nil {
				return err
			}
			if err := dr.Regenerate(a.ctx, c, o.NIP, o.Role, time.Now().In(a.cal.Location())); err != nil {
				return a.plainCaseError(c.ID, err)
			}
			return a.emit(map[string]any{"case_id": c.ID, "nip": nipArg, "eligible": !exclude, "batch": moveTo}, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, a.t("cli.correct.done", nipArg, c.ID))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", a.t("cli.correct.flag.nip"))
	cmd.Flags().IntVar(&moveTo, "move-to", 0, a.t("cli.correct.flag.move_to"))
	cmd.Flags().BoolVar(&exclude, "exclude", false, a.t("cli.correct.flag.exclude"))
	cmd.Flags().StringVar(&reason, "reason", "", a.t("cli.correct.flag.reason"))
	cmd.Flags().StringVar(&as, "as", "", a.t("cli.correct.flag.as"))
	for _, f := range []string{"nip", "reason", "as"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func (a *app) reviseCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:   a.t("cli.revise.use"),
		Short: a.t("cli.revise.short"),
		Long:  a.t("cli.revise.long"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			d, err := a.drafter(as, args[0])
			if err != nil {
				return err
			}
			b, err := a.readFile(file, drafts.MaxBytes, a.t("cli.file.draft"))
			if err != nil {
				return err
			}
			v, err := d.dr.Upload(a.ctx, d.c, filepath.Base(file), b, d.o.NIP, d.o.Role)
			if err != nil {
				return a.plainCaseError(d.c.ID, err)
			}
			return a.emit(v, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, a.t("cli.revise.done", v.Version, v.SHA256))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", a.t("cli.revise.flag.file"))
	cmd.Flags().StringVar(&as, "as", "", a.t("cli.flag.as_official"))
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

// drafter is what a command that changes the decree works with: the acting official (active),
// the case and the drafts of its definition.
type drafter struct {
	o  store.Official
	c  store.Case
	dr *drafts.Drafts
}

func (a *app) drafter(as, caseID string) (drafter, error) {
	st, err := a.store()
	if err != nil {
		return drafter{}, err
	}
	ops, err := a.temporal()
	if err != nil {
		return drafter{}, err
	}
	o, err := st.Official(a.ctx, as)
	if err != nil || !o.Active {
		return drafter{}, errors.New(a.t("cli.err.no_active_official", as))
	}
	c, err := a.loadCase(st, caseID)
	if err != nil {
		return drafter{}, err
	}
	dr, err := a.drafts(st, ops)
	return drafter{o: o, c: c, dr: dr}, err
}

// readFile reads a file a command hands in, up to one byte past max so the reader's own check
// refuses what is over.
func (a *app) readFile(path string, max int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return b, nil
}

func (a *app) proposalsCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:     a.t("cli.proposals.use"),
		Short:   a.t("cli.proposals.short"),
		Long:    a.t("cli.proposals.long"),
		Example: `  starter proposals latsar-20261122-3f9a1c --file usulan-opd.xlsx --as 199203152015031004`,
		Args:    a.exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := a.drafter(as, args[0])
			if err != nil {
				return err
			}
			b, err := a.readFile(file, proposals.MaxBytes, a.t("cli.file.proposals"))
			if err != nil {
				return err
			}
			sum, err := d.dr.TakeProposals(a.ctx, d.c, filepath.Base(file), b, d.o.NIP, d.o.Role, a.cfg.Training.BatchSize)
			if err != nil {
				return a.plainCaseError(d.c.ID, err)
			}
			return a.emit(sum, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "%s\n%s\n", sum.Text(a.p), a.t("cli.proposals.done", d.c.ID))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", a.t("cli.proposals.flag.file"))
	cmd.Flags().StringVar(&as, "as", "", a.t("cli.proposals.flag.as"))
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

func (a *app) candidatesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.t("cli.candidates.use"),
		Short: a.t("cli.candidates.short"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			cands, err := st.Candidates(a.ctx, args[0])
			if err != nil {
				return err
			}
			problems, err := st.Problems(a.ctx, args[0])
			if err != nil {
				return err
			}
			if len(cands) == 0 && len(problems) == 0 {
				return errors.New(a.t("cli.candidates.none", args[0]))
			}
			out := struct {
				Candidates []store.CandidateRow `json:"candidates"`
				Problems   []store.ProblemRow   `json:"problems"`
			}{cands, problems}
			return a.emit(out, func(w io.Writer) error {
				if err := table(w, a.t("cli.candidates.header"), func(tw io.Writer) {
					for _, c := range cands {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", deref(c.Group), deref(intStr(c.Batch)), nip.Spaced(c.NIP), c.Name, c.OPD,
							c.Golongan, strings.Join(c.Reasons, "; "))
					}
				}); err != nil || len(problems) == 0 {
					return err
				}
				fmt.Fprintln(w)
				return table(w, a.t("cli.candidates.problems"), func(tw io.Writer) {
					for _, p := range problems {
						fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Row, p.Column, p.Message)
					}
				})
			})
		},
	}
}
