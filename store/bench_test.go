package store_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/internal/proccpu"
	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
	"github.com/skflow/skflow/worktime"
)

// BenchmarkConcurrentTransitions is the store's write path as many cases use it at once: each
// writer applies its own case's decisions (a step decided, the next opened: two audit rows and
// what they change), as the recording activities do; the fourteenth decision completes the
// case, and the writer starts another. It reports transitions per second, the p50 and p99 of
// one Apply, PostgreSQL's CPU a transition and how many transitions a call to it wrote. With
// 200 writers the store groups their transitions; with 2, as the writes of 200 cases deciding
// through Temporal arrive (one a call), it seldom can.
//
//	go test ./store -run '^$' -bench ConcurrentTransitions -benchtime 4000x
func BenchmarkConcurrentTransitions(b *testing.B) {
	for _, writers := range []int{200, 2} {
		b.Run(fmt.Sprintf("writers-%d", writers), func(b *testing.B) { concurrentTransitions(b, writers) })
	}
}

func concurrentTransitions(b *testing.B, writers int) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	const steps = 14
	caseID := func(w, n int) string { return fmt.Sprintf("bench-%d-%d", w, n) }
	for w := range writers {
		if err := s.Apply(ctx, storetest.Started(caseID(w, 0), t0)); err != nil {
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
	pg := clusterCPU(b, s)
	w := s.Writes()
	written, calls := w.Transitions.Load(), w.Calls.Load()
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			n, step, opened := 0, 1, t0
			for i := range next {
				at := t0.Add(time.Duration(i) * time.Second)
				var t chain.Transition
				switch {
				case step > steps:
					n, step = n+1, 0
					t = storetest.Started(caseID(w, n), at)
				case step == steps:
					t = storetest.Completed(caseID(w, n), step, opened, at)
				default:
					t = storetest.Step(caseID(w, n), step, opened, at)
				}
				began := time.Now()
				if err := s.Apply(ctx, t); err != nil {
					b.Error(err)
					return
				}
				took[i] = time.Since(began)
				step, opened = step+1, at
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
	b.ReportMetric(float64(pg().Microseconds())/float64(b.N), "pg-cpu-µs/op")
	b.ReportMetric(float64(w.Transitions.Load()-written)/float64(w.Calls.Load()-calls), "transitions/call")
}

// BenchmarkCompletion is a case's last decision written alone: the step decided, the case
// completed and its deliveries queued, one to each of its participants' two OPDs. It reports
// the p50 and p99 of one Apply.
//
//	go test ./store -run '^$' -bench Completion -benchtime 500x
func BenchmarkCompletion(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	cands := twoOPDs()
	took := make([]time.Duration, b.N)
	for i := range b.N {
		id := fmt.Sprintf("bench-%d", i)
		if err := s.SaveProposals(ctx, store.NewDocument(id, "proposals", "u.csv", []byte("x"), "op"), classify.Classify(cands, 40), nil); err != nil {
			b.Fatal(err)
		}
		if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		if err := s.Apply(ctx, storetest.Completed(id, 1, t0, t0.Add(time.Hour))); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(began)
	}
	b.StopTimer()
	if box, err := s.Outbox(ctx, "bench-0"); err != nil || len(box) != 2 {
		b.Fatalf("a completion queued %d deliveries (%v), want 2", len(box), err)
	}
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	slices.Sort(took)
	b.ReportMetric(float64(sum.Nanoseconds())/float64(b.N), "ns/op") // the Apply alone, not the case's setup
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}

// clusterCPU returns a function that tells the CPU time the store's PostgreSQL cluster (its
// postmaster and every process it started) has used since clusterCPU was called: what a write
// costs the database, whatever the scheduling of 200 writers on two cores does to their
// latencies. Read from /proc, so the cluster must run on this machine.
func clusterCPU(b *testing.B, s *store.Store) func() time.Duration {
	b.Helper()
	var backend int
	if err := s.DB().Get(&backend, `SELECT pg_backend_pid()`); err != nil {
		b.Fatal(err)
	}
	postmaster, err := proccpu.Parent(strconv.Itoa(backend))
	if err != nil {
		b.Fatalf("PostgreSQL's processes are not readable here (the cluster must run on this machine): %v", err)
	}
	used := func() time.Duration {
		d, err := proccpu.WithChildren(postmaster)
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	before := used()
	return func() time.Duration { return used() - before }
}

// provinceScale is a fresh store holding a province's records (storetest.SeedProvince).
func provinceScale(b *testing.B) *store.Store {
	b.Helper()
	s, _ := storetest.New(b)
	if err := storetest.SeedProvince(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	// As the running system does within a minute of the records arriving.
	if _, err := s.FoldDecided(context.Background(), witaZone(b)); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkReportAtProvinceScale is the auditors' report page's reads over a province: the
// per-step and per-role statistics and one page of cases with their tasks, for all time, for
// whole months, for days that cut two months (their ragged ends read from the dekads' first
// days' counts), and for the period with the most such days.
//
//	go test ./store -run '^$' -bench ProvinceScale -benchtime 20x
func BenchmarkReportAtProvinceScale(b *testing.B) {
	s := provinceScale(b)
	ctx := context.Background()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, witaZone(b)) }
	for _, p := range []struct {
		name   string
		period store.Period
	}{
		{"all", store.Period{}},
		{"months", store.Period{From: day(2025, 1, 1), To: day(2025, 7, 1)}},
		{"days", store.Period{From: day(2025, 1, 3), To: day(2025, 6, 21)}},
		// The most ragged days a period has: nine at either end.
		{"days-worst", store.Period{From: day(2025, 1, 2), To: day(2025, 6, 10)}},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if steps, roles, err := s.DecidedStats(ctx, p.period); err != nil || len(steps) != 15 || len(roles) != 4 {
					b.Fatal(steps, roles, err)
				}
				cases, total, err := s.CasesStarted(ctx, p.period, 25, 25*100)
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
		})
	}
}

// BenchmarkBoardAtProvinceScale is the board's reads over a province: the first page, newest
// first, a search by title, page 40 of a role's late cases; and page 50 of one role's inbox of
// 2,500 open tasks.
func BenchmarkBoardAtProvinceScale(b *testing.B) {
	s := provinceScale(b)
	ctx := context.Background()
	var board, search, roleLate, inbox time.Duration
	for b.Loop() {
		t := time.Now()
		if cases, total, err := s.Board(ctx, store.BoardQuery{Limit: 25}); err != nil || total != 70000 || len(cases) != 25 {
			b.Fatal(total, err)
		}
		board += time.Since(t)
		t = time.Now()
		if _, total, err := s.Board(ctx, store.BoardQuery{Search: "latsar 6999", Order: "judul", Limit: 25}); err != nil || total != 11 {
			b.Fatal(total, err)
		}
		search += time.Since(t)
		t = time.Now()
		late := time.Now()
		if cases, total, err := s.Board(ctx, store.BoardQuery{Role: "kabid", LateAt: &late, Limit: 25, Offset: 25 * 39}); err != nil || total != 2500 || len(cases) != 25 {
			b.Fatal(total, err)
		}
		roleLate += time.Since(t)
		t = time.Now()
		now := time.Now()
		if tasks, n, err := s.Inbox(ctx, store.InboxQuery{Roles: []string{"kabid"}, Order: "batas", At: now, EndOfDay: now.Add(time.Hour),
			Limit: 25, Offset: 25 * 49}); err != nil || n.Waiting != 2500 || len(tasks) != 25 {
			b.Fatal(n, err)
		}
		inbox += time.Since(t)
	}
	for name, d := range map[string]time.Duration{"board-ms": board, "search-ms": search, "late-ms": roleLate, "inbox-ms": inbox} {
		b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), name)
	}
}

// BenchmarkReportJSONAtProvinceScale writes the whole report of a province (1,000,000
// attempts, 70,000 cases) as the CLI's --json does, read and written a row at a time. It
// reports the megabytes written and the largest live heap seen while writing.
//
//	go test ./store -run '^$' -bench ReportJSONAtProvinceScale -benchtime 3x
func BenchmarkReportJSONAtProvinceScale(b *testing.B) {
	s := provinceScale(b)
	ctx := context.Background()
	cal := worktime.MustNew(worktime.DefaultSpec())
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	runtime.GC()
	var written int64
	var peak uint64
	for b.Loop() {
		out := &countingWriter{}
		sink := &heapWatch{Sink: report.NewJSON(out), peak: &peak}
		read := func(task func(store.Task) error, kase func(store.Case) error) error {
			return s.Records(ctx, store.Scope{}, task, kase)
		}
		if err := report.Stream(read, cal, now, sink); err != nil {
			b.Fatal(err)
		}
		if sink.rows != 1_000_000 || sink.totals != 70_000 {
			b.Fatalf("%d rows, %d totals", sink.rows, sink.totals)
		}
		written = out.n
	}
	b.ReportMetric(float64(written)/1e6, "MB-written")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// heapWatch passes rows on and samples the live heap every 100,000 of them.
type heapWatch struct {
	report.Sink
	rows, totals int
	peak         *uint64
}

func (h *heapWatch) Row(x report.Row) error {
	if h.rows++; h.rows%100_000 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		*h.peak = max(*h.peak, m.HeapAlloc)
	}
	return h.Sink.Row(x)
}

func (h *heapWatch) Total(t report.Total) error { h.totals++; return h.Sink.Total(t) }
