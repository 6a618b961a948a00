package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
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
