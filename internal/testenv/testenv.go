// Package testenv gives tests the real parts skflow runs on: an in-process Temporal server, a
// fresh PostgreSQL database, and a worker running the case workflow with store-backed
// activities. Tests only; it pulls in the Temporal server.
package testenv

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/skflow/skflow/activities"
	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
	"github.com/skflow/skflow/workflows"
	"github.com/skflow/skflow/worktime"
)

// Env is one test's running system.
type Env struct {
	Server    *temporaltest.TestServer
	Client    client.Client
	Store     *store.Store
	DBURL     string
	TaskQueue string
}

// New starts the server and the database and, unless noWorker, a worker on taskQueue.
func New(t *testing.T, taskQueue string, noWorker ...bool) *Env {
	t.Helper()
	e := &Env{Server: temporaltest.NewServer(temporaltest.WithT(t)), TaskQueue: taskQueue}
	e.Client = e.Server.GetDefaultClient()
	e.Store, e.DBURL = storetest.New(t)
	if len(noWorker) == 0 || !noWorker[0] {
		e.Server.NewWorker(taskQueue, func(r worker.Registry) { Register(r, e.Store) })
	}
	return e
}

// Register adds the workflow and activities writing through rec to a worker.
func Register(r worker.Registry, rec activities.Recorder) {
	workflows.Register(r)
	activities.Register(r, &activities.Activities{Store: rec})
}

// StartCase starts a case of the Wajo definition as the demo operator and waits until the
// store has recorded it.
func (e *Env) StartCase(t *testing.T, ops *caseops.Ops, id string, spec worktime.Spec) {
	t.Helper()
	in := chain.CaseInput{CaseID: id, Title: "Latsar " + id, StartedBy: allinone.DemoNIPs()["operator"],
		Definition: *sop.Default(), Calendar: spec, Register: &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}}
	if err := ops.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.WaitCase(context.Background(), id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
