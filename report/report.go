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

// WriteCSV writes the step rows as CSV, times in RFC 3339 in loc. Cells are made safe for
// spreadsheets: text that a spreadsheet would run as a formula is prefixed with a quote.
func (r Report) WriteCSV(w io.Writer, loc *time.Location) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"case_id", "step", "attempt", "role", "opened_at", "decided_at", "working_minutes",
		"standard_minutes", "late", "decision", "reason", "actor_nip"})
	for _, x := range r.Rows {
		decided := ""
		if x.DecidedAt != nil {
			decided = x.DecidedAt.In(loc).Format(time.RFC3339)
		}
		std := ""
		if x.StandardMinutes != nil {
			std = strconv.Itoa(*x.StandardMinutes)
		}
		_ = cw.Write([]string{SafeCell(x.CaseID), strconv.Itoa(x.Step), strconv.Itoa(x.Attempt), SafeCell(x.Role),
			x.OpenedAt.In(loc).Format(time.RFC3339), decided, strconv.Itoa(x.WorkingMinutes), std,
			strconv.FormatBool(x.Late), SafeCell(x.Decision), SafeCell(x.Reason), SafeCell(x.Actor)})
	}
	cw.Flush()
	return cw.Error()
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

// YesNo is how reports and tables say a flag.
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
