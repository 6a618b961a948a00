package systemtest

import (
	"context"
	"sync"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/skflow/skflow/activities"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/store"
)

const taskQueue = "skflow-test"

// system is a real Temporal server, a fresh PostgreSQL database and workers that can be killed
// and replaced, as the all-in-one worker runs them.
type system struct {
	t      *testing.T
	ts     *temporaltest.TestServer
	client client.Client
	ops    *caseops.Ops
	store  *store.Store
	worker worker.Worker
	// publisher issues the decrees of the store's cases.
	publisher *publish.Publisher
}

func newSystem(t *testing.T) *system {
	t.Helper()
	e := testenv.New(t, taskQueue, true)
	s := &system{t: t, ts: e.Server, client: e.Client, store: e.Store, publisher: e.Publisher}
	s.ops = caseops.New(s.client, taskQueue)
	s.startWorker(s.store)
	t.Cleanup(s.stopWorker)
	return s
}

// startWorker runs a worker whose activities write through rec (the store, or a wrapper).
func (s *system) startWorker(rec activities.Recorder) {
	s.t.Helper()
	w := worker.New(s.client, taskQueue, worker.Options{})
	testenv.Register(w, rec, s.publisher)
	if err := w.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.worker = w
}

func (s *system) stopWorker() {
	if s.worker != nil {
		s.worker.Stop()
		s.worker = nil
	}
}

// crashAfterWrite writes a chosen transition to the store and then never reports back, as a
// worker process killed between the database commit and the activity's completion would.
type crashAfterWrite struct {
	store   *store.Store
	matches func(chain.Transition) bool
	once    sync.Once
	written chan struct{}
}

func (c *crashAfterWrite) Apply(ctx context.Context, t chain.Transition) error {
	if err := c.store.Apply(ctx, t); err != nil {
		return err
	}
	if c.matches(t) {
		c.once.Do(func() { close(c.written) })
		<-ctx.Done() // the process is gone: no completion ever reaches Temporal
		return ctx.Err()
	}
	return nil
}
