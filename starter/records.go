package main

// Commands that read the records: inboxes, officials, the report and the audit log.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
)

func (a *app) tasksCmd() *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   a.t("cli.tasks.use"),
		Short: a.t("cli.tasks.short"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			if _, ok := a.def.Role(role); role != "" && !ok {
				return errors.New(a.t("cli.tasks.unknown_role", role, strings.Join(a.roleIDs(), ", ")))
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			tasks, err := st.OpenTasks(a.ctx, role)
			if err != nil {
				return err
			}
			now := time.Now()
			return a.emit(tasks, func(w io.Writer) error {
				if len(tasks) == 0 {
					_, err := fmt.Fprintln(w, a.t("cli.tasks.none"))
					return err
				}
				return table(w, a.t("cli.tasks.header"), func(tw io.Writer) {
					for _, t := range tasks {
						fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", t.CaseID, t.Step, t.Attempt, t.Role,
							a.wita(t.OpenedAt), a.witaPtr(t.DueAt), a.left(t.DueAt, now), t.CaseTitle)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", a.t("cli.tasks.flag.role"))
	return cmd
}

func (a *app) officialsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "officials",
		Short: a.t("cli.officials.short"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			officials, err := st.Officials(a.ctx)
			if err != nil {
				return err
			}
			return a.emit(officials, func(w io.Writer) error {
				return table(w, a.t("cli.officials.header"), func(tw io.Writer) {
					for _, o := range officials {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", nip.Spaced(o.NIP), o.Role, report.YesNo(a.p, o.Active), deref(o.Email), o.Name)
					}
				})
			})
		},
	}
}

func (a *app) reportCmd() *cobra.Command {
	var caseID, format string
	cmd := &cobra.Command{
		Use:   a.t("cli.report.use"),
		Short: a.t("cli.report.short"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			if a.asJSON {
				format = "json"
			}
			sink, ok := report.Formats[format]
			if !ok {
				return errors.New(a.t("cli.report.format", format))
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			if caseID != "" {
				if _, err := a.loadCase(st, caseID); err != nil {
					return err
				}
			}
			// Written as it is read: a province's report never sits whole in memory.
			read := func(task func(store.Task) error, kase func(store.Case) error) error {
				return st.Records(a.ctx, store.Scope{CaseID: caseID}, task, kase)
			}
			return report.Stream(read, a.cal, time.Now(), sink(a.out, a.cal.Location(), a.p))
		},
	}
	cmd.Flags().StringVar(&caseID, "case", "", a.t("cli.report.flag.case"))
	cmd.Flags().StringVar(&format, "format", "table", a.t("cli.report.flag.format"))
	return cmd
}

func (a *app) auditCmd() *cobra.Command {
	audit := &cobra.Command{Use: "audit", Short: a.t("cli.audit.short"), Args: a.noArgs}
	audit.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: a.t("cli.audit.verify.short"),
		Long:  a.t("cli.audit.verify.long"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			c, err := st.VerifyAudit(a.ctx)
			if err != nil {
				return err
			}
			err = a.emit(c, func(w io.Writer) error {
				if c.Broken != nil {
					return nil
				}
				_, err := fmt.Fprintln(w, a.auditIntact(c))
				return err
			})
			if err == nil && c.Broken != nil {
				err = errors.New(a.auditBroken(*c.Broken))
			}
			return err
		},
	})
	audit.AddCommand(&cobra.Command{
		Use:   "checkpoint",
		Short: a.t("cli.audit.checkpoint.short"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			made, err := st.Checkpoint(a.ctx, time.Now())
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"made": made}, func(w io.Writer) error {
				_, err := fmt.Fprintln(w, map[bool]string{true: a.t("cli.audit.checkpoint.made"), false: a.t("cli.audit.checkpoint.none")}[made])
				return err
			})
		},
	})
	return audit
}

// auditBroken says where the log does not hold: a checkpoint, or a chain's row.
func (a *app) auditBroken(b store.Break) string {
	what := a.p.Label("break_" + b.Kind)
	if b.Kind == store.BreakCheckpoint || b.Kind == store.BreakRoot {
		return a.t("cli.audit.broken_checkpoint", what, b.Seq)
	}
	return a.t("cli.audit.broken", what, b.Stream, b.Seq, b.Key)
}

// auditIntact says an intact log's figures, and the hash to keep elsewhere.
func (a *app) auditIntact(c store.AuditCheck) string {
	if c.Checkpoints == 0 {
		return a.t("cli.audit.intact_unchecked", c.Rows, c.Streams)
	}
	return a.t("cli.audit.intact", c.Rows, c.Streams, c.Checkpoints, a.wita(c.CheckedAt), c.HeadHash, c.Unchecked)
}
