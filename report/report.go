// Package report compares each step's real working time with its mutu baku and each case's
// duration with the service deadline, from the store's records. It writes tables, CSV and JSON.
package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
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

// Build makes the report of some cases and their attempts at now, in memory: for a page of
// cases. A whole period goes through Stream.
func Build(cases []store.Case, tasks []store.Task, cal *worktime.Calendar, now time.Time) (Report, error) {
	var r Report
	err := Stream(func(task func(store.Task) error, kase func(store.Case) error) error {
		for _, t := range tasks {
			if err := task(t); err != nil {
				return err
			}
		}
		for _, c := range cases {
			if err := kase(c); err != nil {
				return err
			}
		}
		return nil
	}, cal, now, &r)
	return r, err
}

// Sink takes a report's step rows, then its case totals, one at a time.
type Sink interface {
	Row(Row) error
	Total(Total) error
	Close() error
}

// Records reads a report's attempts and then its cases, handing each to task and kase, as
// store.Records does.
type Records func(task func(store.Task) error, kase func(store.Case) error) error

// Stream turns records into report rows and totals for sink as they are read: a case's total
// needs only its counts of returns and late steps, so nothing else is kept.
func Stream(read Records, cal *worktime.Calendar, now time.Time, sink Sink) error {
	type counts struct{ returns, late int }
	byCase := map[string]*counts{}
	err := read(func(t store.Task) error {
		row := rowOf(t, cal, now)
		c := byCase[t.CaseID]
		if c == nil {
			c = &counts{}
			byCase[t.CaseID] = c
		}
		if row.Decision == "return" {
			c.returns++
		}
		if row.Late {
			c.late++
		}
		return sink.Row(row)
	}, func(c store.Case) error {
		days := c.DaysUsed(now)
		t := Total{CaseID: c.ID, Title: c.Title, State: c.State, StartedAt: c.StartedAt,
			EndedAt: c.EndedAt, DaysUsed: round1(days), DeadlineDays: c.DeadlineDays,
			WithinDeadline: c.DeadlineBreachedAt == nil && days <= float64(c.DeadlineDays)}
		if n := byCase[c.ID]; n != nil {
			t.Returns, t.LateSteps = n.returns, n.late
		}
		return sink.Total(t)
	})
	if err != nil {
		return err
	}
	return sink.Close()
}

// rowOf is one attempt as the report shows it at now: an open one counts its working time so far.
func rowOf(t store.Task, cal *worktime.Calendar, now time.Time) Row {
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
	return row
}

// Row, Total and Close make a Report a Sink that keeps everything.
func (r *Report) Row(x Row) error     { r.Rows = append(r.Rows, x); return nil }
func (r *Report) Total(t Total) error { r.Totals = append(r.Totals, t); return nil }
func (r *Report) Close() error {
	if r.Rows == nil {
		r.Rows = []Row{}
	}
	if r.Totals == nil {
		r.Totals = []Total{}
	}
	return nil
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
