// Package report compares each step's real working time with its mutu baku and each case's
// duration with the service deadline, from the store's records. It writes tables, CSV and JSON.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
	"github.com/xuri/excelize/v2"
)

// Row is one attempt at one step.
type Row struct {
	CaseID          string     `json:"case_id"`
	Step            int        `json:"step"`
	Attempt         int        `json:"attempt"`
	Role            string     `json:"role"`
	OpenedAt        time.Time  `json:"opened_at"`
	DecidedAt       *time.Time `json:"decided_at"` // nil: still open
	WorkingMinutes  int        `json:"working_minutes"`
	StandardMinutes *int       `json:"standard_minutes"` // nil: the SOP sets none
	Late            bool       `json:"late"`
	Decision        string     `json:"decision"`
	Reason          string     `json:"reason,omitempty"`
	Actor           string     `json:"actor,omitempty"`
}

// Total is one case against the service deadline.
type Total struct {
	CaseID         string     `json:"case_id"`
	Title          string     `json:"title"`
	State          string     `json:"state"`
	StartedAt      time.Time  `json:"started_at"`
	EndedAt        *time.Time `json:"ended_at"`
	DaysUsed       float64    `json:"days_used"`
	DeadlineDays   int        `json:"deadline_days"`
	WithinDeadline bool       `json:"within_deadline"`
	Returns        int        `json:"returns"`
	LateSteps      int        `json:"late_steps"`
}

// Report is the auditors' comparison.
type Report struct {
	Rows   []Row   `json:"steps"`
	Totals []Total `json:"cases"`
}

// Build makes the report at now. Open tasks count the working time so far.
func Build(cases []store.Case, tasks []store.Task, cal *worktime.Calendar, now time.Time) Report {
	r := Report{Rows: []Row{}, Totals: []Total{}}
	byCase := map[string]*Total{}
	for _, c := range cases {
		days := c.DaysUsed(now)
		r.Totals = append(r.Totals, Total{CaseID: c.ID, Title: c.Title, State: c.State, StartedAt: c.StartedAt,
			EndedAt: c.EndedAt, DaysUsed: round1(days), DeadlineDays: c.DeadlineDays,
			WithinDeadline: c.DeadlineBreachedAt == nil && days <= float64(c.DeadlineDays)})
	}
	for i := range r.Totals {
		byCase[r.Totals[i].CaseID] = &r.Totals[i]
	}
	for _, t := range tasks {
		row := Row{CaseID: t.CaseID, Step: t.Step, Attempt: t.Attempt, Role: t.Role, OpenedAt: t.OpenedAt,
			DecidedAt: t.DecidedAt, StandardMinutes: t.StandardMinutes, Late: t.Late, Decision: "open",
			Reason: deref(t.Reason), Actor: deref(t.ActorNIP)}
		if t.DecidedAt != nil {
			row.Decision = deref(t.Decision)
			row.WorkingMinutes = derefInt(t.WorkingMinutes)
		} else {
			row.WorkingMinutes = int(cal.WorkingTime(t.OpenedAt, now) / time.Minute)
			row.Late = t.Late || (t.StandardMinutes != nil && row.WorkingMinutes > *t.StandardMinutes)
		}
		r.Rows = append(r.Rows, row)
		if tot := byCase[t.CaseID]; tot != nil {
			if row.Decision == "return" {
				tot.Returns++
			}
			if row.Late {
				tot.LateSteps++
			}
		}
	}
	return r
}

// WriteJSON writes the report as one JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the steps and the case totals as aligned text, times in loc.
func (r Report) WriteTable(w io.Writer, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tSTEP\tTRY\tROLE\tOPENED\tDECIDED\tMINUTES\tMUTU BAKU\tLATE\tDECISION")
	for _, x := range r.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", x.CaseID, x.Step, x.Attempt, x.Role,
			x.OpenedAt.In(loc).Format("02-01 15:04"), when(x.DecidedAt, loc), x.WorkingMinutes, standard(x.StandardMinutes),
			YesNo(x.Late), x.Decision)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "CASE\tSTATE\tDAYS USED\tDEADLINE\tWITHIN\tRETURNS\tLATE STEPS\tTITLE")
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%d\t%s\t%d\t%d\t%s\n", t.CaseID, t.State, t.DaysUsed, t.DeadlineDays,
			YesNo(t.WithinDeadline), t.Returns, t.LateSteps, t.Title)
	}
	return tw.Flush()
}

// Headers are the step rows' columns as an Indonesian reader names them.
var Headers = []string{"ID berkas", "Langkah", "Percobaan", "Jabatan", "Dibuka (WITA)", "Diputuskan (WITA)", "Menit kerja",
	"Mutu baku (menit)", "Terlambat", "Keputusan", "Alasan", "NIP pejabat"}

// DecisionLabel says a decision the way the report's reader does.
func DecisionLabel(d string) string {
	switch d {
	case "agree":
		return "setuju"
	case "return":
		return "dikembalikan"
	case "superseded":
		return "diganti versi baru"
	case "open":
		return "terbuka"
	}
	return d
}

// cells are a step row's cells, text made safe for spreadsheets, times in loc as a spreadsheet
// in Indonesia reads them.
func (x Row) cells(loc *time.Location) []string {
	decided := ""
	if x.DecidedAt != nil {
		decided = x.DecidedAt.In(loc).Format("2006-01-02 15:04")
	}
	std := ""
	if x.StandardMinutes != nil {
		std = strconv.Itoa(*x.StandardMinutes)
	}
	return []string{SafeCell(x.CaseID), strconv.Itoa(x.Step), strconv.Itoa(x.Attempt), SafeCell(x.Role),
		x.OpenedAt.In(loc).Format("2006-01-02 15:04"), decided, strconv.Itoa(x.WorkingMinutes), std,
		YaTidak(x.Late), DecisionLabel(x.Decision), SafeCell(x.Reason), SafeCell(x.Actor)}
}

// WriteCSV writes the step rows as CSV for a spreadsheet set to Indonesian: a byte-order mark,
// semicolons between cells, Indonesian headers. Text a spreadsheet would run as a formula is
// prefixed with a quote.
func (r Report) WriteCSV(w io.Writer, loc *time.Location) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(Headers)
	for _, x := range r.Rows {
		_ = cw.Write(x.cells(loc))
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the step rows as an XLSX workbook, numbers as numbers.
func (r Report) WriteXLSX(w io.Writer, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Mutu baku"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head := make([]any, len(Headers))
	for i, h := range Headers {
		head[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	for i, x := range r.Rows {
		row := make([]any, 0, len(Headers))
		for j, c := range x.cells(loc) {
			if n, err := strconv.Atoi(c); err == nil && (j == 1 || j == 2 || j == 6 || j == 7) {
				row = append(row, n)
			} else {
				row = append(row, c)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// SafeCell defuses spreadsheet formula injection (CWE-1236).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func when(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "-"
	}
	return t.In(loc).Format("02-01 15:04")
}

func standard(m *int) string {
	if m == nil {
		return "-"
	}
	return strconv.Itoa(*m)
}

// YaTidak is a flag as the Indonesian reader of an export says it.
func YaTidak(b bool) string {
	if b {
		return "ya"
	}
	return "tidak"
}

// YesNo is how the command line's tables say a flag.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
