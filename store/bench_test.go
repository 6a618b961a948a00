package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// BenchmarkConcurrentTransitions is the store's write path as 200 cases use it at once: each
// writer applies its own case's transitions (an audit row and a projection per event), as the
// recording activities do. It reports transitions per second and the p99 of one Apply.
//
//	go test ./store -run '^$' -bench ConcurrentTransitions -benchtime 4000x
func BenchmarkConcurrentTransitions(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	const writers = 200
	for w := range writers {
		if err := s.Apply(ctx, started(fmt.Sprintf("bench-%d", w))); err != nil {
			b.Fatal(err)
		}
	}
	next := make(chan int, b.N)
	for i := range b.N {
		next <- i
	}
	close(next)
	took := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			id := fmt.Sprintf("bench-%d", w)
			for i := range next {
				t := chain.Transition{Events: []chain.Event{{CaseID: id, Kind: chain.Incident, At: t0.Add(time.Duration(i) * time.Second),
					Failed: chain.EventKind(fmt.Sprintf("bench-%d", i))}}}
				began := time.Now()
				if err := s.Apply(ctx, t); err != nil {
					b.Error(err)
					return
				}
				took[i] = time.Since(began)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkReportAtProvinceScale is the auditors' report over a province: 70,000 cases and
// 1,000,000 step rows (10,000 of them open), seeded in SQL. One op is the page's reads: the
// per-step and per-role statistics and one page of cases with their tasks.
//
//	go test ./store -run '^$' -bench ReportAtProvinceScale -benchtime 20x
func BenchmarkReportAtProvinceScale(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	seed := []string{
		`INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps)
			SELECT 'p-' || i, 'Latsar ' || i, 'latsar', 2, 'op', timestamptz '2025-01-01' + i * interval '7 minutes',
				timestamptz '2025-03-01' + i * interval '7 minutes', 51, 15 FROM generate_series(1, 70000) i`,
		`INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, standard_minutes, decided_at, decision, working_minutes, late)
			SELECT 'p-' || (r % 70000 + 1), r / 70000 % 15 + 1, r / 1050000 + 1 + r / 70000 / 15, (ARRAY['kabid','analis','pelaksana','sekretaris'])[r % 4 + 1],
				timestamptz '2025-01-01' + r * interval '1 minute', 30, CASE WHEN r >= 10000 THEN timestamptz '2025-01-01' + r * interval '1 minute' END,
				CASE WHEN r >= 10000 THEN (CASE WHEN r % 17 = 0 THEN 'return' ELSE 'agree' END) END, r % 240, r % 240 > 30
			FROM generate_series(0, 999999) r`,
		`VACUUM ANALYZE step_tasks`, `ANALYZE cases`,
	}
	for _, q := range seed {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	year := store.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for b.Loop() {
		if steps, roles, err := s.DecidedStats(ctx, year); err != nil || len(steps) != 15 || len(roles) != 4 {
			b.Fatal(steps, roles, err)
		}
		cases, total, err := s.CasesStarted(ctx, year, 25, 25*100)
		if err != nil || total == 0 || len(cases) != 25 {
			b.Fatal(total, err)
		}
		ids := make([]string, len(cases))
		for i, c := range cases {
			ids[i] = c.ID
		}
		if _, err := s.TasksOf(ctx, ids); err != nil {
			b.Fatal(err)
		}
	}
}
