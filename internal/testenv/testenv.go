// Package testenv gives tests the real parts skflow runs on: an in-process Temporal server, a
// fresh PostgreSQL database, and a worker running the case workflow with store-backed
// activities. Tests only; it pulls in the Temporal server.
package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/skflow/skflow/activities"
	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/web"
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
	// Publisher issues decrees signed with a development CA made for the test.
	Publisher *publish.Publisher
}

// PublicURL is where the tests' decrees say they are verified.
const PublicURL = "http://skflow.test"

// New starts the server and the database and, unless noWorker, a worker on taskQueue.
func New(t *testing.T, taskQueue string, noWorker ...bool) *Env {
	t.Helper()
	e := &Env{Server: temporaltest.NewServer(temporaltest.WithT(t)), TaskQueue: taskQueue}
	e.Client = e.Server.GetDefaultClient()
	e.Store, e.DBURL = storetest.New(t)
	e.Publisher = NewPublisher(t, e.Store)
	if len(noWorker) == 0 || !noWorker[0] {
		e.Server.NewWorker(taskQueue, func(r worker.Registry) { Register(r, e.Store, e.Publisher) })
	}
	return e
}

// NewPublisher issues the decrees of st's cases of the Wajo definition, signed with a
// development CA made in the test's temporary directory.
func NewPublisher(t *testing.T, st *store.Store) *publish.Publisher {
	t.Helper()
	p, err := PublisherIn(filepath.Join(t.TempDir(), "signing"), st)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// PublisherIn is NewPublisher with the development CA kept in dir (made there if missing), for
// processes that share it.
func PublisherIn(dir string, st *store.Store) (*publish.Publisher, error) {
	cert, key, err := esign.DevCA(dir, "BKPSDM Kabupaten Wajo", time.Now())
	if err != nil {
		return nil, err
	}
	signer, err := esign.LoadLocal(cert, key)
	if err != nil {
		return nil, err
	}
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		return nil, err
	}
	return &publish.Publisher{St: st, Def: sop.Default(), Signer: signer, BatchSize: 40, Location: wita, PublicURL: PublicURL}, nil
}

// Register adds the workflows and activities to a worker: writing through rec, issuing
// through p, running the embedded training on p's store.
func Register(r worker.Registry, rec activities.Recorder, p *publish.Publisher) {
	workflows.Register(r)
	activities.Register(r, &activities.Activities{Store: rec, Issuer: p, Training: training.Default(), Trainings: p.St, Certifier: p})
}

// StartCase starts a case of the Wajo definition as the demo operator, with the OPD proposals
// stored for it (one candidate, unless the test stored its own), and waits until the store has
// recorded it.
func (e *Env) StartCase(t *testing.T, ops *caseops.Ops, id string, spec worktime.Spec) {
	t.Helper()
	ctx := context.Background()
	operator := allinone.DemoNIPs()["operator"]
	sum, ok, err := e.Store.DocumentSHA256(ctx, id, "proposals")
	if err == nil && !ok {
		var s intake.Summary
		s, err = intake.Take(ctx, e.Store, id, "usulan.csv", []byte(OneCandidate), operator, 40, nil)
		sum = s.SHA256
	}
	if err != nil {
		t.Fatal(err)
	}
	in := chain.CaseInput{CaseID: id, Title: "Latsar " + id, StartedBy: operator, Definition: *sop.Default(), Calendar: spec,
		Proposals: sum, Register: &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}}
	if err := ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.WaitCase(ctx, id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

// OneCandidate is a proposals file of one eligible candidate, golongan III.
const OneCandidate = "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n" +
	"199801152024032001,Andi Nurul,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"

// Produce gives a case's open step the output it produces, if the case does not hold it, with
// a made-up hash and as the step's own role: what the web and the CLI do with the real files,
// for tests that decide through caseops alone. It returns the case's state afterwards.
func Produce(ctx context.Context, ops *caseops.Ops, def *sop.Definition, s chain.State) (chain.State, error) {
	if s.Open == nil {
		return s, nil
	}
	step, _ := def.Step(s.Open.Step)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", s.CaseID, step.Produces, s.Open.Attempt)))
	hash := hex.EncodeToString(sum[:])
	switch {
	case step.Produces == "":
		return s, nil
	case step.Produces == sop.DraftSK && s.Draft == nil:
		return ops.Version(ctx, s.CaseID, chain.Revision{Version: 1, SHA256: hash, By: "system", Generated: true})
	case step.Produces != sop.DraftSK && s.Outputs[step.Produces] == "":
		return ops.Output(ctx, s.CaseID, chain.Output{Artefact: step.Produces, SHA256: hash, By: "nip-" + step.Role, Role: step.Role})
	}
	return s, nil
}

// Web serves the web app on the env's store, with the demo officials seeded.
func (e *Env) Web(t *testing.T, ops *caseops.Ops, o web.Options) *httptest.Server {
	t.Helper()
	if _, err := allinone.SeedDemoOfficials(context.Background(), e.Store); err != nil {
		t.Fatal(err)
	}
	if o.Publisher == nil {
		o.Publisher = e.Publisher
	}
	if o.Service.Fee == "" {
		o.Service = allinone.WebService(config.Defaults().Service)
	}
	app, err := web.New(e.Store, ops, sop.Default(), o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return srv
}
