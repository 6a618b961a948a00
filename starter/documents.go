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
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/store"
)

func (a *app) skCmd() *cobra.Command {
	var out, format string
	cmd := &cobra.Command{
		Use:   "sk CASE --out FILE [--format pdf|html]",
		Short: "Write the decree (SK) of a case with a lampiran per angkatan: the draft, or the signed decree once issued",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "pdf" && format != "html" {
				return fmt.Errorf("--format %q: use pdf or html", format)
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
				return fmt.Errorf("draft SK %s: %w", out, err)
			}
			res := map[string]any{"file": out, "participants": d.Total(), "batches": len(d.Batches), "signed": signed && format == "pdf"}
			if signed {
				res["number"], res["sha256"] = issued.Number, issued.SHA256
			}
			return a.emit(res, func(w io.Writer) error {
				if signed && format == "pdf" {
					_, err := fmt.Fprintf(w, "SK %s (ditandatangani secara elektronik, SHA-256 %s) ditulis ke %s: %d peserta dalam %d angkatan.\n",
						issued.Number, issued.SHA256, out, d.Total(), len(d.Batches))
					return err
				}
				_, err := fmt.Fprintf(w, "Draft SK written to %s: %d participants in %d angkatan.\n", out, d.Total(), len(d.Batches))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write (required)")
	cmd.Flags().StringVar(&format, "format", "pdf", "pdf or html")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func (a *app) correctCmd() *cobra.Command {
	var nipArg, reason, as string
	var moveTo int
	var exclude bool
	cmd := &cobra.Command{
		Use:   "correct CASE --nip NIP (--move-to N | --exclude) --reason TEXT --as NIP",
		Short: "Correct a candidate's classification (the Analis, before the first paraf)",
		Long: `Move a candidate to another angkatan of the same golongan (--move-to N, which also makes a
candidate eligible) or declare one not eligible (--exclude). A reason is required, and the change
is recorded in the audit log. Only the role of the SOP's first review step (the Analis) may
correct, and only until that step is initialled.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if (moveTo > 0) == exclude {
				return errors.New("say either --move-to N or --exclude")
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			o, err := st.Official(a.ctx, as)
			if err != nil {
				return fmt.Errorf("no official with NIP %s (see: starter officials)", as)
			}
			if _, review, ok := a.def.FirstReview(); !ok || o.Role != review.Role {
				return fmt.Errorf("only the %s may correct the classification", a.def.RoleName(review.Role))
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
				return plainCaseError(c.ID, err)
			}
			return a.emit(map[string]any{"case_id": c.ID, "nip": nipArg, "eligible": !exclude, "batch": moveTo}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Candidate %s corrected on case %s.\n", nipArg, c.ID)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", "the candidate's NIP (required)")
	cmd.Flags().IntVar(&moveTo, "move-to", 0, "the angkatan to put the candidate in")
	cmd.Flags().BoolVar(&exclude, "exclude", false, "declare the candidate not eligible")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required)")
	cmd.Flags().StringVar(&as, "as", "", "the Analis's NIP (required)")
	for _, f := range []string{"nip", "reason", "as"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func (a *app) reviseCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:   "revise CASE --file FILE --as NIP",
		Short: "Store a revised version of the draft SK (PDF or DOCX)",
		Long: `Store a new version of the case's draft decree, with its SHA-256. If reviewers have already
initialled the draft, it goes back to the first review step and every paraf is given again on
the new version. Once the decree is signed, no version is taken.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			d, err := a.drafter(as, args[0])
			if err != nil {
				return err
			}
			b, err := readFile(file, drafts.MaxBytes, "draft file")
			if err != nil {
				return err
			}
			v, err := d.dr.Upload(a.ctx, d.c, filepath.Base(file), b, d.o.NIP, d.o.Role)
			if err != nil {
				return plainCaseError(d.c.ID, err)
			}
			return a.emit(v, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Version %d of the draft SK stored (SHA-256 %s).\n", v.Version, v.SHA256)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "the revised draft, PDF or DOCX (required)")
	cmd.Flags().StringVar(&as, "as", "", "the official's NIP (required)")
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
		return drafter{}, fmt.Errorf("no active official with NIP %s (see: starter officials)", as)
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
func readFile(path string, max int64, what string) ([]byte, error) {
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
		Use:   "proposals CASE --file FILE --as NIP",
		Short: "Hand in the OPD proposals (CSV or XLSX) of a case started without them",
		Long: `Hand in the OPD proposals of a case that was started without them, as a drafting role (the
Pelaksana at the step that hands them in). They are checked and classified into angkatan; the
step's agreement (starter decide ... --agree) then gives them to the case. A case that holds
its proposals takes no second file: correct the classification instead (starter correct).`,
		Example: `  starter proposals latsar-20261122-3f9a1c --file usulan-opd.xlsx --as 199203152015031004`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := a.drafter(as, args[0])
			if err != nil {
				return err
			}
			b, err := readFile(file, proposals.MaxBytes, "proposals file")
			if err != nil {
				return err
			}
			sum, err := d.dr.TakeProposals(a.ctx, d.c, filepath.Base(file), b, d.o.NIP, d.o.Role, a.cfg.Training.BatchSize)
			if err != nil {
				return plainCaseError(d.c.ID, err)
			}
			return a.emit(sum, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "%s\nThe proposals go to case %s when its step is agreed.\n", sum, d.c.ID)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "the OPD proposals, CSV or XLSX (required)")
	cmd.Flags().StringVar(&as, "as", "", "the drafting official's NIP (required)")
	_ = cmd.MarkFlagRequired("file")
	_ = cmd.MarkFlagRequired("as")
	return cmd
}

func (a *app) candidatesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "candidates CASE",
		Short: "Show a case's proposed candidates: angkatan, the not eligible with reasons, and row problems",
		Args:  cobra.ExactArgs(1),
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
				return fmt.Errorf("case %s has no proposals (start it with --proposals FILE)", args[0])
			}
			out := struct {
				Candidates []store.CandidateRow `json:"candidates"`
				Problems   []store.ProblemRow   `json:"problems"`
			}{cands, problems}
			return a.emit(out, func(w io.Writer) error {
				if err := table(w, "GOL\tANGKATAN\tNIP\tNAME\tOPD\tGOLONGAN\tNOT ELIGIBLE BECAUSE", func(tw io.Writer) {
					for _, c := range cands {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", deref(c.Group), deref(intStr(c.Batch)), c.NIP, c.Name, c.OPD,
							c.Golongan, strings.Join(c.Reasons, "; "))
					}
				}); err != nil || len(problems) == 0 {
					return err
				}
				fmt.Fprintln(w)
				return table(w, "ROW\tCOLUMN\tPROBLEM", func(tw io.Writer) {
					for _, p := range problems {
						fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Row, p.Column, p.Message)
					}
				})
			})
		},
	}
}
