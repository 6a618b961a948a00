package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// The report's statistics come from PostgreSQL: the lower median and the nearest-rank 90th
// percentile, late and returned counts, open attempts left out, a period by the cases' start.
func TestDecidedStatsAndAPageOfCases(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	db := s.DB()
	for i, id := range []string{"r1", "r2", "r-late"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps)
			VALUES ($1, 't', 'latsar', 2, 'op', $2, $2, 51, 15)`, id, t0.AddDate(0, 0, 10*i)); err != nil {
			t.Fatal(err)
		}
	}
	add := func(id string, step, attempt int, role string, minutes *int, std *int, late bool, decision string) {
		t.Helper()
		var decided any
		if decision != "" {
			decided = t0.Add(time.Hour)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, standard_minutes, decided_at, decision, working_minutes, late)
			VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), $9, $10)`, id, step, attempt, role, t0, std, decided, decision, minutes, late); err != nil {
			t.Fatal(err)
		}
	}
	n := func(v int) *int { return &v }
	for i, m := range []int{5, 10, 20, 30, 40, 50, 60, 70, 80, 100} { // step 7, mutu baku 15
		add([]string{"r1", "r2"}[i%2], 7, i/2+1, "kabid", n(m), n(15), m > 15, map[bool]string{true: "return", false: "agree"}[i == 0])
	}
	add("r1", 1, 1, "kabid", n(12), n(30), false, "agree")
	add("r2", 8, 1, "sekretaris", n(999), nil, false, "") // open: not in the statistics
	add("r-late", 1, 1, "kabid", n(500), n(30), true, "agree")

	upTo := store.Period{To: t0.AddDate(0, 0, 15)} // r-late started after
	steps, roles, err := s.DecidedStats(ctx, upTo)
	if err != nil || len(steps) != 2 || steps[0].Step != 1 || steps[1].Step != 7 {
		t.Fatalf("steps %+v %v", steps, err)
	}
	if s7 := steps[1]; s7.Count != 10 || s7.Median != 40 || s7.P90 != 80 || s7.Late != 8 || s7.Returns != 1 || *s7.Standard != 15 || s7.Role != "kabid" {
		t.Fatalf("step 7 %+v", s7)
	}
	if len(roles) != 1 || roles[0].Role != "kabid" || roles[0].Count != 11 || roles[0].Standard != nil {
		t.Fatalf("roles %+v (open attempts are not in the statistics)", roles)
	}
	if _, all, _ := s.DecidedStats(ctx, store.Period{}); all[0].Count != 12 {
		t.Fatalf("the open period: %+v", all)
	}
	page, total, err := s.CasesStarted(ctx, store.Period{From: t0.AddDate(0, 0, 5)}, 1, 0)
	if err != nil || total != 2 || len(page) != 1 || page[0].ID != "r2" {
		t.Fatalf("a page of the cases from day 5: %+v %d %v", page, total, err)
	}
	tasks, err := s.TasksOf(ctx, []string{"r2"})
	if err != nil || len(tasks) != 6 {
		t.Fatalf("tasks of r2: %d %v", len(tasks), err)
	}

	// The records of a report, a row at a time: a period, one case, and a stop on the caller's
	// error.
	var got []string
	task := func(t store.Task) error {
		got = append(got, fmt.Sprintf("%s/%d/%d", t.CaseID, t.Step, t.Attempt))
		return nil
	}
	kase := func(c store.Case) error { got = append(got, c.ID); return nil }
	if err := s.Records(ctx, store.Scope{Period: upTo}, task, kase); err != nil || len(got) != 14 || got[0] != "r1/1/1" ||
		got[11] != "r2/8/1" || got[12] != "r1" || got[13] != "r2" {
		t.Fatalf("records up to day 15: %q %v", got, err)
	}
	got = nil
	if err := s.Records(ctx, store.Scope{CaseID: "r-late"}, task, kase); err != nil || strings.Join(got, " ") != "r-late/1/1 r-late" {
		t.Fatalf("records of r-late: %q %v", got, err)
	}
	stop := errors.New("enough")
	if err := s.Records(ctx, store.Scope{}, func(store.Task) error { return stop }, kase); !errors.Is(err, stop) {
		t.Fatalf("a sink's error: %v", err)
	}
}
