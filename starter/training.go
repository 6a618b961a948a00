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
	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/training"
)

func (a *app) trainingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "training",
		Short: a.t("cli.training.short"),
		Long:  a.t("cli.training.long"),
	}
	cmd.AddCommand(a.trainingListCmd(), a.trainingShowCmd(), a.trainingConfirmCmd(), a.trainingRecordCmd(),
		a.trainingImportCmd(), a.trainingRemedialCmd(), a.trainingDocumentsCmd(), a.trainingReportCmd())
	return cmd
}

func (a *app) trainingListCmd() *cobra.Command {
	var caseID string
	cmd := &cobra.Command{
		Use:   a.t("cli.training.list.use"),
		Short: a.t("cli.training.list.short"),
		Args:  a.noArgs,
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
				return table(w, a.t("cli.training.list.header"), func(tw io.Writer) {
					for _, t := range ts {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", t.ID, a.p.Label(t.State), t.Group, t.Batch, deref(t.OpenActivity), a.wita(t.StartedAt))
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&caseID, "case", "", a.t("cli.training.list.flag.case"))
	return cmd
}

func (a *app) trainingShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   a.t("cli.training.show.use"),
		Short: a.t("cli.training.show.short"),
		Args:  a.exactArgs(1),
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
				fmt.Fprintln(w, a.t("cli.training.show.title", s.Title, s.Group, s.Batch, a.p.Label(string(s.State)), len(s.People)))
				if err := table(w, a.t("cli.training.show.schedule"), func(tw io.Writer) {
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
				return table(w, a.t("cli.training.show.people"), func(tw io.Writer) {
					for _, p := range s.People {
						conf := a.t("cli.training.not_yet")
						switch {
						case p.Absent:
							conf = a.p.Label("tidak_hadir")
						case p.Confirmed:
							conf = a.p.Label("yes")
						}
						r, ok := results[p.NIP]
						final, band, outcome := "-", "-", "-"
						if ok {
							final, band, outcome = a.p.Decimal(r.Final, 2), r.Decided, a.outcomeLabel(r)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", nip.Spaced(p.NIP), p.Name, p.OPD, conf, final, band, outcome)
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
		return nil, s, a.plainCaseError(run, err)
	}
	return ops, s, nil
}

func (a *app) outcomeLabel(r training.Result) string {
	if r.Outcome == training.Passed && r.Award {
		return a.t("cli.training.awarded", r.Rank)
	}
	return a.p.Label(string(r.Outcome))
}

func (a *app) trainingConfirmCmd() *cobra.Command {
	var nipArg, phone, email, office string
	cmd := &cobra.Command{
		Use:   a.t("cli.training.confirm.use"),
		Short: a.t("cli.training.confirm.short"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			s, err := ops.Confirm(a.ctx, args[0], training.Confirmation{NIP: nipArg,
				Form: map[string]string{"telepon": phone, "email": email, "alamat_kantor": office}})
			if err != nil {
				return a.plainCaseError(args[0], err)
			}
			return a.emit(s, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, a.t("cli.training.confirm.done", nipArg, args[0]))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", a.t("cli.training.flag.nip"))
	cmd.Flags().StringVar(&phone, "telepon", "", a.t("cli.training.confirm.flag.phone"))
	cmd.Flags().StringVar(&email, "email", "", a.t("cli.training.confirm.flag.email"))
	cmd.Flags().StringVar(&office, "alamat-kantor", "", a.t("cli.training.confirm.flag.office"))
	for _, f := range []string{"nip", "telepon", "email", "alamat-kantor"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func (a *app) trainingRecordCmd() *cobra.Command {
	var activity, nipArg, as string
	var score float64
	cmd := &cobra.Command{
		Use:   a.t("cli.training.record.use"),
		Short: a.t("cli.training.record.short"),
		Args:  a.exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e := training.Entry{NIP: nipArg, Done: !cmd.Flags().Changed("score")}
			if cmd.Flags().Changed("score") {
				e.Score = &score
			}
			return a.record(args[0], fmt.Sprintf("cli:%s:%s:%s", args[0], activity, nipArg),
				training.Recording{Activity: activity, By: as, Role: training.Organiser, Entries: []training.Entry{e}})
		},
	}
	cmd.Flags().StringVar(&activity, "activity", "", a.t("cli.training.record.flag.activity"))
	cmd.Flags().StringVar(&nipArg, "nip", "", a.t("cli.training.flag.nip"))
	cmd.Flags().Float64Var(&score, "score", 0, a.t("cli.training.record.flag.score"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.training.flag.as"))
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
		return a.plainCaseError(run, err)
	}
	return a.emit(map[string]any{"run": run, "activity": r.Activity, "entries": len(r.Entries)}, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, a.t("cli.training.record.done", r.Activity, len(r.Entries)))
		return err
	})
}

func (a *app) trainingImportCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:   a.t("cli.training.import.use"),
		Short: a.t("cli.training.import.short"),
		Long:  a.t("cli.training.import.long"),
		Args:  a.exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ops, s, err := a.trainingStatus(args[0])
			if err != nil {
				return err
			}
			b, err := a.readFile(file, 10<<20, a.t("cli.file.results"))
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
				return fmt.Errorf("%s %s: %w", a.t("cli.file.results"), file, err)
			}
			for _, p := range imp.Problems {
				fmt.Fprintln(cmd.ErrOrStderr(), a.t("cli.row_problem", p.Line, p.Column, p.Message))
			}
			recorded := 0
			for _, r := range imp.Recordings {
				id := fmt.Sprintf("import:%s:%s:%s", args[0], r.Activity, filepath.Base(file))
				if _, err := ops.Record(a.ctx, args[0], id, r); err != nil {
					return a.plainCaseError(args[0], err)
				}
				recorded += len(r.Entries)
			}
			return a.emit(imp, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, a.t("cli.training.import.done", recorded, len(imp.Recordings), len(imp.Problems)))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", a.t("cli.training.import.flag.file"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.training.flag.as"))
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (a *app) trainingRemedialCmd() *cobra.Command {
	var nipArg, as string
	var score float64
	cmd := &cobra.Command{
		Use:   a.t("cli.training.remedial.use"),
		Short: a.t("cli.training.remedial.short"),
		Args:  a.exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ops, err := a.temporal()
			if err != nil {
				return err
			}
			if _, err := ops.Remedial(a.ctx, args[0], training.RemedialScore{NIP: nipArg, Score: score, By: as}); err != nil {
				return a.plainCaseError(args[0], err)
			}
			return a.emit(map[string]any{"run": args[0], "nip": nipArg, "score": score}, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, a.t("cli.training.remedial.done", nipArg, score))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&nipArg, "nip", "", a.t("cli.training.flag.nip"))
	cmd.Flags().Float64Var(&score, "score", 0, a.t("cli.training.remedial.flag.score"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.training.flag.as"))
	_ = cmd.MarkFlagRequired("nip")
	_ = cmd.MarkFlagRequired("score")
	return cmd
}

func (a *app) trainingDocumentsCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   a.t("cli.training.documents.use"),
		Short: a.t("cli.training.documents.short"),
		Args:  a.exactArgs(1),
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
				return table(w, a.t("cli.training.documents.header"), func(tw io.Writer) {
					for _, d := range ds {
						fmt.Fprintf(tw, "%s\t%s\t%s\t/verifikasi/%s\t%s\n", training.DocKind(d.Kind).Title(), d.Number, d.NIP, d.ID, d.SHA256)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", a.t("cli.training.documents.flag.out"))
	return cmd
}

func (a *app) trainingReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: a.t("cli.training.report.short"),
		Args:  a.noArgs,
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
				if err := table(w, a.t("cli.training.report.runs"), func(tw io.Writer) {
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
				return table(w, a.t("cli.training.report.activities"), func(tw io.Writer) {
					for _, l := range late {
						fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", l.Activity, l.Closed, l.Windows, l.Late)
					}
				})
			})
		},
	}
}
