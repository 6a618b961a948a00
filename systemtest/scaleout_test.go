package systemtest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/store"
)

// Two workers, as two processes would run them (each its own Temporal connection and database
// pool), share one Temporal server and one PostgreSQL; one is stopped while cases are being
// decided. Every case completes on the other, with every transition recorded once and every
// audit chain intact.
func TestTwoWorkersOneStoppedMidRun(t *testing.T) {
	e := testenv.New(t, taskQueue, true)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	workers := make([]worker.Worker, 2)
	recorded := make([]*countingRecorder, 2)
	for i := range workers {
		c, err := client.Dial(client.Options{HostPort: e.Server.GetFrontendHostPort(), Namespace: e.Server.GetDefaultNamespace()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		st, err := store.Open(ctx, e.DBURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		workers[i] = worker.New(c, taskQueue, worker.Options{})
		recorded[i] = &countingRecorder{Store: st}
		testenv.Register(workers[i], recorded[i], testenv.NewPublisher(t, st))
		if err := workers[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(workers[1].Stop)
	ops := caseops.New(e.Client, taskQueue)
	const cases = 8
	ids := make([]string, cases)
	for i := range ids {
		ids[i] = fmt.Sprintf("latsar-two-workers-%d", i)
		if err := ops.Start(ctx, newCase(ids[i])); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var once sync.Once
	for _, id := range ids {
		wg.Go(func() {
			for step := range 15 {
				if step == 5 { // the first case to get here stops the first worker
					once.Do(workers[0].Stop)
				}
				decideOpen(ctx, t, ops, id, chain.Agree, "")
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if s := waitClosed(ctx, t, e.Client, id); s.State != chain.Completed {
			t.Fatalf("%s ended %s", id, s.State)
		}
		assertRecordedOnce(ctx, t, e.Store, id, 15, 0)
	}
	if c, err := e.Store.VerifyAudit(ctx); err != nil || c.Broken != nil || c.Streams != cases {
		t.Fatalf("audit log after the stop: %+v %v", c, err)
	}
	// Both did part of the work: the stopped one before, the other after.
	if a, b := recorded[0].n.Load(), recorded[1].n.Load(); a == 0 || b == 0 {
		t.Fatalf("transitions recorded by the workers: %d and %d", a, b)
	}
}

// countingRecorder counts the transitions a worker records.
type countingRecorder struct {
	*store.Store
	n atomic.Int64
}

func (c *countingRecorder) Apply(ctx context.Context, t chain.Transition) error {
	c.n.Add(1)
	return c.Store.Apply(ctx, t)
}
