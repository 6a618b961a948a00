package main

// The Latsar of each angkatan after the SK: the organiser's board, the records and imports,
// the remedial, and the certificates.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/training"
)

func (a *app) trainingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "training",
		Short: "The Latsar of each angkatan after the SK: board, records, results import, remedial, certificates",
		Long: `When a case's step 15 is agreed, each angkatan of its signed SK starts its own training run:
summons to each OPD, confirmation and registration form, pembelajaran mandiri, kolaboratif and
klasikal, the announcement, one remedial for those deferred, then an STTP, a Piagam
Penghargaan or a Surat Keterangan for every participant. Runs are named CASE--GROUP-BATCH,
e.g. latsar-20261122-3f9a1c--iii-1.`,
	}
	cmd.AddCommand(a.trainingListCmd(), a.trainingShowCmd(), a.trainingConfirmCmd(), a.trainingRecordCmd(),
		a.trainingImportCmd(), a.trainingRemedialCmd(), a.trainingDocumentsCmd(), a.trainingReportCmd())
	return cmd
}

func (a *app) trainingListCmd() *cobra.Command {
	var caseID string
	cmd := &cobra.Command{
		Use:   "list [--case CASE]",
		Short: "List the training runs, of one case or all",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			ts, err := st.Trainings(a.ctx, caseID)
			if err != nil {
				return err
			}
			return a.emit(ts, func(w io.Writer) error {
				return table(w, "RUN\tSTATE\tGOL\tANGKATAN\tKEGIATAN\tSTARTED", func(tw io.Writer) {
					for _, t := range ts {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", t.ID, t.State, t.Group, t.Batch, deref(t.OpenActivity), a.wita(t.StartedAt))
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&caseID, "case", "", "only the runs of this case")
	return cmd
}

func (a *app) trainingShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show RUN",
		Short: "The organiser's board of one angkatan: who confirmed, progress, late items, scores, outcomes",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			_, s, err := a.trainingStatus(args[0])
			if err != nil {
				return err
			}
			def, err := a.cfg.TrainingDefinition()
			if err != nil {
				return err
			}
			return a.emit(s, func(w io.Writer) error {
				fmt.Fprintf(w, "%s · golongan %s angkatan %d · %s · %d peserta\n", s.Title, s.Group, s.Batch, s.State, len(s.People))
				if err := table(w, "KEGIATAN\tDIBUKA\tBATAS\tDITUTUP\tTERLAMBAT", func(tw io.Writer) {
					for i, win := range s.Schedule {
						closed := "-"
						if win.Closed != nil {
							closed = a.wita(*win.Closed)
						} else if i > s.Open {
							continue
						}
						name := win.Activity
						if act, ok := def.Activity(win.Activity); ok {
							name = act.Name
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", name, a.wita(win.Opens), a.wita(win.Due), closed, len(win.Late))
					}
				}); err != nil {
					return err
				}
				results := map[string]training.Result{}
				for _, r := range s.Results {
					results[r.NIP] = r
				}
				return table(w, "NIP\tNAMA\tOPD\tKONFIRMASI\tNILAI\tKUALIFIKASI\tHASIL", func(tw io.Writer) {
					for _, p := range s.People {
						conf := map[bool]string{true: "ya", false: "belum"}[p.Confirmed]
						if p.Absent {
							conf = "tidak hadir"
						}
						r, ok := results[p.NIP]
						final, band, outcome := "-", "-", "-"
						if ok {
							final, band, outcome = fmt.Sprintf("%.2f", r.Final), r.Decided, outcomeLabel(r)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.NIP, p.Name, p.OPD, conf, final, band, outcome)
					}
				})
			})
		},
	}
}

// trainingStatus is a run's state as its workflow holds it, with the operations on it.
func (a *app) trainingStatus(run string) (*caseops.Ops, training.RunState, error) {
	ops, err := a.temporal()
	if err != nil {
		return nil, training.RunState{}, err
	}
	s, err := ops.TrainingStatus(a.ctx, run)
	if err != nil {
		return nil, s, plainCaseError(run, err)
	}
	return ops, s, nil
}

func outcomeLabel(r training.Result) string {
	switch r.Outcome {
	case training.Passed:
		if r.Award {
			return fmt.Sprintf("lulus, peringkat %d, Piagam", r.Rank)
		}
		return "lulus"
	case training.Deferred:
		return "ditunda (remedial)"
	case training.Absent:
		return "tidak hadir"
	}
	return "tidak lulus"
}

func (a *app) trainingConfirmCmd() *cobra.Command {
	var nipArg, phone, email, office string
	cmd := &cobra.Command{
		Use:   "confirm RUN --nip NIP --telepon T --email E --alamat-kantor A",
		Short: "Record a participant's confirmation with their registration form (as their OPD hands it in)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			s, err := ops.Confirm(a.ctx, args[0], training.Confirmation{NIP: nipArg,
				Form: map[string]string{"telepon": phone, "email": email, "alamat_kantor": office}})
			if err != nil {
				return plainCaseError(args[0], err)
			}
			return a.emit(s, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Konfirmasi %s tercatat pada %s.\n", nipArg, args[0])
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", "the participant's NIP (required)")
	cmd.Flags().StringVar(&phone, "telepon", "", "phone number (required)")
	cmd.Flags().StringVar(&email, "email", "", "e-mail address (required)")
	cmd.Flags().StringVar(&office, "alamat-kantor", "", "office address (required)")
	for _, f := range []string{"nip", "telepon", "email", "alamat-kantor"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func (a *app) trainingRecordCmd() *cobra.Command {
	var activity, nipArg, as string
	var score float64
	cmd := &cobra.Command{
		Use:   "record RUN --activity ID --nip NIP [--score S] --as ORGANISER",
		Short: "Record one participant's activity: done, or its score",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e := training.Entry{NIP: nipArg, Done: !cmd.Flags().Changed("score")}
			if cmd.Flags().Changed("score") {
				e.Score = &score
			}
			return a.record(args[0], fmt.Sprintf("cli:%s:%s:%s", args[0], activity, nipArg),
				training.Recording{Activity: activity, By: as, Role: training.Organiser, Entries: []training.Entry{e}})
		},
	}
	cmd.Flags().StringVar(&activity, "activity", "", "the activity's id, as `training show` lists them (required)")
	cmd.Flags().StringVar(&nipArg, "nip", "", "the participant's NIP (required)")
	cmd.Flags().Float64Var(&score, "score", 0, "the score, 0 to 100, for a scored activity")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "the organiser who records")
	_ = cmd.MarkFlagRequired("activity")
	_ = cmd.MarkFlagRequired("nip")
	return cmd
}

func (a *app) record(run, updateID string, r training.Recording) error {
	ops, err := a.temporal()
	if err != nil {
		return err
	}
	if _, err := ops.Record(a.ctx, run, updateID, r); err != nil {
		return plainCaseError(run, err)
	}
	return a.emit(map[string]any{"run": run, "activity": r.Activity, "entries": len(r.Entries)}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s: %d peserta tercatat.\n", r.Activity, len(r.Entries))
		return err
	})
}

func (a *app) trainingImportCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:   "import RUN --file RESULTS.xlsx --as ORGANISER",
		Short: "Import results (CSV or XLSX): a NIP column and one column per activity or component",
		Long: `Import an organiser's results: a NIP column, then one column per activity (its id or name, or
for a scored activity its component, e.g. akademik, rancangan, aktualisasi, sikap, pktbt) with a
score from 0 to 100, or "ya" for an activity that is only done. Empty cells are not recorded.
Rows with a NIP outside the angkatan, and cells that are not results, are listed by row and
skipped; the rest is recorded, one recording per activity.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ops, s, err := a.trainingStatus(args[0])
			if err != nil {
				return err
			}
			b, err := readFile(file, 10<<20, "results file")
			if err != nil {
				return err
			}
			var members []string
			for _, p := range s.People {
				members = append(members, p.NIP)
			}
			def, err := a.cfg.TrainingDefinition()
			if err != nil {
				return err
			}
			imp, err := training.ReadResults(b, def, members, as)
			if err != nil {
				return fmt.Errorf("results file %s: %w", file, err)
			}
			for _, p := range imp.Problems {
				fmt.Fprintf(cmd.ErrOrStderr(), "  row %d, %s: %s\n", p.Line, p.Column, p.Message)
			}
			recorded := 0
			for _, r := range imp.Recordings {
				id := fmt.Sprintf("import:%s:%s:%s", args[0], r.Activity, filepath.Base(file))
				if _, err := ops.Record(a.ctx, args[0], id, r); err != nil {
					return plainCaseError(args[0], err)
				}
				recorded += len(r.Entries)
			}
			return a.emit(imp, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "%d hasil tercatat dalam %d kegiatan; %d sel bermasalah dilewati.\n", recorded, len(imp.Recordings), len(imp.Problems))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "the results file (required)")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "the organiser who records")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (a *app) trainingRemedialCmd() *cobra.Command {
	var nipArg, as string
	var score float64
	cmd := &cobra.Command{
		Use:   "remedial RUN --nip NIP --score S --as ORGANISER",
		Short: "Record the final score of a deferred participant's one remedial",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			if _, err := ops.Remedial(a.ctx, args[0], training.RemedialScore{NIP: nipArg, Score: score, By: as}); err != nil {
				return plainCaseError(args[0], err)
			}
			return a.emit(map[string]any{"run": args[0], "nip": nipArg, "score": score}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "Remedial %s tercatat: %.2f.\n", nipArg, score)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", "the participant's NIP (required)")
	cmd.Flags().Float64Var(&score, "score", 0, "the remedial's final score, 0 to 100 (required)")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "the organiser who records")
	_ = cmd.MarkFlagRequired("nip")
	_ = cmd.MarkFlagRequired("score")
	return cmd
}

func (a *app) trainingDocumentsCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "documents RUN [--out DIR]",
		Short: "List a finished run's certificates (STTP, Piagam, Surat Keterangan); --out writes the PDFs",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			ds, err := st.TrainingDocuments(a.ctx, args[0])
			if err != nil {
				return err
			}
			if out != "" {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return fmt.Errorf("--out: %w", err)
				}
				for _, d := range ds {
					if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-%s.pdf", d.Kind, d.NIP)), d.Content, 0o644); err != nil {
						return fmt.Errorf("--out: %w", err)
					}
				}
			}
			return a.emit(ds, func(w io.Writer) error {
				return table(w, "JENIS\tNOMOR\tNIP\tVERIFIKASI\tSHA-256", func(tw io.Writer) {
					for _, d := range ds {
						fmt.Fprintf(tw, "%s\t%s\t%s\t/verifikasi/%s\t%s\n", training.DocKind(d.Kind).Title(), d.Number, d.NIP, d.ID, d.SHA256)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write each certificate's PDF into this folder")
	return cmd
}

func (a *app) trainingReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "Per angkatan: attendance, pass rate, qualification distribution; per activity: lateness",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			runs, late, err := st.TrainingReport(a.ctx)
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"runs": runs, "activities": late}, func(w io.Writer) error {
				if err := table(w, "RUN\tPESERTA\tKONFIRMASI\tTIDAK HADIR\tLULUS\tTINGKAT\tKUALIFIKASI\tPIAGAM", func(tw io.Writer) {
					for _, r := range runs {
						rate := "-"
						if r.PassRate() >= 0 {
							rate = fmt.Sprintf("%.0f%%", r.PassRate()*100)
						}
						var bands []string
						for b, n := range r.Bands {
							bands = append(bands, fmt.Sprintf("%s %d", b, n))
						}
						sort.Strings(bands)
						fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\n", r.ID, r.People, r.Confirmed, r.Absent, r.Passed, rate, strings.Join(bands, ", "), r.Awards)
					}
				}); err != nil {
					return err
				}
				return table(w, "KEGIATAN\tDITUTUP\tDENGAN TERLAMBAT\tPESERTA TERLAMBAT", func(tw io.Writer) {
					for _, l := range late {
						fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", l.Activity, l.Closed, l.Windows, l.Late)
					}
				})
			})
		},
	}
}
