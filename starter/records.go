package main

// Commands that read the records: inboxes, officials, the report and the audit log.

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
)

func (a *app) tasksCmd() *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   "tasks [--role ROLE]",
		Short: "List open tasks, oldest first, with the working time left",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if _, ok := a.def.Role(role); role != "" && !ok {
				return fmt.Errorf("unknown role %q; the roles are %s", role, strings.Join(a.roleIDs(), ", "))
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
					_, err := fmt.Fprintln(w, "No open tasks.")
					return err
				}
				return table(w, "CASE\tSTEP\tTRY\tROLE\tOPENED\tDUE\tLEFT\tTITLE", func(tw io.Writer) {
					for _, t := range tasks {
						fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", t.CaseID, t.Step, t.Attempt, t.Role,
							a.wita(t.OpenedAt), a.witaPtr(t.DueAt), a.left(t.DueAt, now), t.CaseTitle)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "only this role's tasks (e.g. kabid)")
	return cmd
}

func (a *app) officialsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "officials",
		Short: "List officials: NIP, name and role",
		Args:  cobra.NoArgs,
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
				return table(w, "NIP\tROLE\tACTIVE\tEMAIL\tNAME", func(tw io.Writer) {
					for _, o := range officials {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.NIP, o.Role, report.YesNo(o.Active), deref(o.Email), o.Name)
					}
				})
			})
		},
	}
}

func (a *app) reportCmd() *cobra.Command {
	var caseID, format string
	cmd := &cobra.Command{
		Use:   "report [--case CASE] [--format table|csv|xlsx|json]",
		Short: "Working time of every step against its mutu baku, and every case against the deadline",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if a.asJSON {
				format = "json"
			}
			if format != "table" && format != "csv" && format != "xlsx" && format != "json" {
				return fmt.Errorf("--format %q: use table, csv, xlsx or json", format)
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			var cases []store.Case
			if caseID != "" {
				c, err := a.loadCase(st, caseID)
				if err != nil {
					return err
				}
				cases = []store.Case{c}
			} else if cases, err = st.Cases(a.ctx); err != nil {
				return err
			}
			tasks, err := st.Tasks(a.ctx, caseID)
			if err != nil {
				return err
			}
			r := report.Build(cases, tasks, a.cal, time.Now())
			switch format {
			case "csv":
				return r.WriteCSV(a.out, a.cal.Location())
			case "xlsx":
				return r.WriteXLSX(a.out, a.cal.Location())
			case "json":
				return r.WriteJSON(a.out)
			}
			return r.WriteTable(a.out, a.cal.Location())
		},
	}
	cmd.Flags().StringVar(&caseID, "case", "", "only this case")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv (for Excel set to Indonesian: ; and a BOM), xlsx (to a file: > laporan.xlsx) or json")
	return cmd
}

func (a *app) auditCmd() *cobra.Command {
	audit := &cobra.Command{Use: "audit", Short: "Check the audit log", Args: cobra.NoArgs}
	audit.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Walk the audit log's hash chain and report the first broken link",
		Long: `Every audit row carries the hash of the row before it. verify recomputes the chain and
reports the first row that was edited, deleted or inserted behind the application's back, and
exits 1 if there is one. It prints the head hash: keep it somewhere else (a signed report, a
letter) so that even a rewrite of the whole chain shows.`,
		Args: cobra.NoArgs,
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
				_, err := fmt.Fprintf(w, "Audit log intact: %d rows. Head: row %d, hash %s\n", c.Rows, c.HeadSeq, c.HeadHash)
				return err
			})
			if err == nil && c.Broken != nil {
				err = fmt.Errorf("audit log broken at row %d (id %d, %s): %s", c.Broken.Seq, c.Broken.ID, c.Broken.Key, c.Broken.Reason)
			}
			return err
		},
	})
	return audit
}
