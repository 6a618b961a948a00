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

	"github.com/skflow/skflow/i18n"
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

// WriteTable writes the steps and the case totals as aligned text in p's language, times in loc.
func (r Report) WriteTable(w io.Writer, loc *time.Location, p *i18n.Printer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, p.T("report.table.steps"))
	for _, x := range r.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", x.CaseID, x.Step, x.Attempt, x.Role,
			x.OpenedAt.In(loc).Format("02-01 15:04"), when(x.DecidedAt, loc), x.WorkingMinutes, standard(x.StandardMinutes),
			YesNo(p, x.Late), p.Label(x.Decision))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, p.T("report.table.totals"))
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%d\t%s\n", t.CaseID, p.Label(t.State), p.Decimal(t.DaysUsed, 1), t.DeadlineDays,
			YesNo(p, t.WithinDeadline), t.Returns, t.LateSteps, t.Title)
	}
	return tw.Flush()
}

// Headers are the step rows' columns in p's language, times named by their zone.
func Headers(p *i18n.Printer, loc *time.Location) []string {
	zone := time.Now().In(loc).Format("MST")
	return []string{p.T("report.col.case"), p.T("report.col.step"), p.T("report.col.attempt"), p.T("report.col.role"),
		p.T("report.col.opened", zone), p.T("report.col.decided", zone), p.T("report.col.minutes"), p.T("report.col.standard"),
		p.T("report.col.late"), p.T("report.col.decision"), p.T("report.col.reason"), p.T("report.col.actor")}
}

// cells are a step row's cells, text made safe for spreadsheets, times in loc as a spreadsheet
// in Indonesia reads them.
func (x Row) cells(loc *time.Location, p *i18n.Printer) []string {
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
		YesNo(p, x.Late), SafeCell(p.Label(x.Decision)), SafeCell(x.Reason), SafeCell(x.Actor)}
}

// WriteCSV writes the step rows as CSV for a spreadsheet set to Indonesian: a byte-order mark,
// semicolons between cells, headers in p's language. Text a spreadsheet would run as a formula
// is prefixed with a quote.
func (r Report) WriteCSV(w io.Writer, loc *time.Location, p *i18n.Printer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(Headers(p, loc))
	for _, x := range r.Rows {
		_ = cw.Write(x.cells(loc, p))
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the step rows as an XLSX workbook, numbers as numbers.
func (r Report) WriteXLSX(w io.Writer, loc *time.Location, p *i18n.Printer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.T("report.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	headers := Headers(p, loc)
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	for i, x := range r.Rows {
		row := make([]any, 0, len(headers))
		for j, c := range x.cells(loc, p) {
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

// YesNo says a flag in p's language.
func YesNo(p *i18n.Printer, b bool) string {
	if b {
		return p.Label("yes")
	}
	return p.Label("no")
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
