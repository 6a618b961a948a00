package store_test

import (
	"context"
	"errors"
	neturl "net/url"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

var t0 = time.Date(2026, 11, 16, 8, 0, 0, 0, time.FixedZone("WITA", 8*3600))

func TestApplyIsIdempotent(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	at := t0.Add(20 * time.Minute)
	for range 3 { // a retried activity sends the same transition again
		if err := s.Apply(ctx, storetest.Started("c1", t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, storetest.Decided("c1", t0, at)); err != nil {
			t.Fatal(err)
		}
	}
	audit, err := s.Audit(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 4 {
		t.Fatalf("%d audit rows, want 4", len(audit))
	}
	if audit[2].Action != "step_decided" || audit[2].Actor != "197001012000031001" {
		t.Fatalf("decision audit row %+v", audit[2])
	}
	tasks, err := s.Tasks(ctx, "c1")
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	if d := tasks[0]; d.Decision == nil || *d.Decision != "agree" || *d.WorkingMinutes != 20 || *d.OnBehalfOf != "Pak Kabid" {
		t.Fatalf("decided task %+v", d)
	}
	c, err := s.Case(ctx, "c1")
	if err != nil || *c.OpenStep != 2 || *c.OpenRole != "analis" || c.OpenDue != nil {
		t.Fatalf("case %+v %v", c, err)
	}
}

func TestApplyRollsBackAndRefusesUnknownTasks(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	err := s.Apply(ctx, storetest.Decided("nobody", t0, t0))
	if !errors.Is(err, store.ErrInvalidTransition) {
		t.Fatalf("error = %v", err)
	}
	if audit, _ := s.Audit(ctx, "nobody"); len(audit) != 0 {
		t.Fatalf("a failed transition left %d audit rows", len(audit))
	}
	if _, err := s.Case(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("case lookup: %v", err)
	}
	// A decision of a task the case has not opened, and an event of no known kind, change
	// nothing either; a title PostgreSQL cannot hold is refused for its data.
	if err := s.Apply(ctx, storetest.Started("c1", t0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, storetest.Decided("c1", t0, t0.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	unopened := storetest.Decided("c1", t0, t0.Add(2*time.Minute))
	unopened.Events = unopened.Events[:1]
	unopened.Events[0].Task.Step, unopened.Events[0].Decision.Step = 3, 3
	bad := storetest.Started("c2", t0)
	bad.Events[0].Case.Title = "Latsar\x00"
	for name, c := range map[string]struct {
		tr   chain.Transition
		want error
	}{
		"not opened":     {unopened, store.ErrInvalidTransition},
		"unknown kind":   {chain.Transition{Events: []chain.Event{{CaseID: "c1", Kind: "step_vanished", At: t0}}}, store.ErrInvalidTransition},
		"NUL in a title": {bad, store.ErrDataRejected},
	} {
		if err := s.Apply(ctx, c.tr); !errors.Is(err, c.want) {
			t.Errorf("%s: error = %v, want %v", name, err, c.want)
		}
	}
	if audit, _ := s.Audit(ctx, "c1"); len(audit) != 4 {
		t.Fatalf("refused transitions left audit rows: %d, want 4", len(audit))
	}
}

func TestInboxAndNotices(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	for _, o := range []store.Official{{NIP: "197001012000031001", Name: "Kabid A", Role: "kabid"}, {NIP: "197501012000032002", Name: "Plt Kabid", Role: "kabid"}} {
		if ok, err := s.AddOfficial(ctx, o); err != nil || !ok {
			t.Fatal(err)
		}
	}
	if ok, _ := s.AddOfficial(ctx, store.Official{NIP: "197001012000031001", Name: "again", Role: "kabid"}); ok {
		t.Fatal("the same NIP was added twice")
	}
	for _, id := range []string{"c1", "c2"} {
		if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
			t.Fatal(err)
		}
	}
	open, err := s.OpenTasks(ctx, "kabid")
	if err != nil || len(open) != 2 || open[0].CaseTitle != "Latsar 2026" {
		t.Fatalf("open tasks %+v %v", open, err)
	}
	if none, _ := s.OpenTasks(ctx, "bupati"); len(none) != 0 {
		t.Fatal("bupati has tasks")
	}
	n := chain.Notice{CaseID: "c1", Kind: chain.Escalation, ToRole: "kabid", Subject: "s", Body: "b"}
	for range 2 {
		if err := s.Apply(ctx, chain.Transition{Notices: []chain.Notice{n, {CaseID: "c1", Kind: chain.Escalation, ToRole: "bupati", Subject: "s", Body: "b"}}}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := s.Outbox(ctx, "c1")
	if err != nil || len(msgs) != 3 {
		t.Fatalf("outbox %+v %v", msgs, err)
	}
	if msgs[2].ToRole != "bupati" || msgs[2].ToNIP != nil {
		t.Fatalf("a role without officials: %+v", msgs[2])
	}
}

func TestSessionsExpire(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	ss := s.Sessions()
	if err := ss.CommitCtx(ctx, "live", []byte("a"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "old", []byte("b"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := ss.FindCtx(ctx, "live"); err != nil || !ok || string(b) != "a" {
		t.Fatalf("live session: %q %v %v", b, ok, err)
	}
	if _, ok, _ := ss.FindCtx(ctx, "old"); ok {
		t.Fatal("an expired session was found")
	}
	if err := s.PurgeSessions(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM sessions`); err != nil || n != 1 {
		t.Fatalf("%d sessions after the purge, want 1 (%v)", n, err)
	}
	if err := ss.DeleteCtx(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ss.FindCtx(ctx, "live"); ok {
		t.Fatal("a deleted session was found")
	}
}

// Sign-in attempts are counted in the database: two workers (two pools on one database) allow
// together what one allows, and a new window starts afresh.
func TestSignInAttemptsAreCountedAcrossWorkers(t *testing.T) {
	s, url := storetest.New(t)
	ctx := context.Background()
	other, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	allowed := 0
	for i := range 8 {
		w := []*store.Store{s, other}[i%2]
		ok, err := w.AllowSignIn(ctx, "nip:abc", 5, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("%d of 8 attempts allowed across two workers, want 5", allowed)
	}
	if ok, err := s.AllowSignIn(ctx, "nip:abc", 5, time.Millisecond); err != nil || !ok {
		t.Fatalf("a new window: %v %v", ok, err)
	}
	if ok, _ := s.AllowSignIn(ctx, "ip:10.0.0.1", 5, time.Minute); !ok {
		t.Fatal("another key shares the count")
	}
}

// The store's sessions run without JIT and parallel query, unless the database's URL asks
// for them.
func TestSessionsRunWithoutJITOrParallelQueryUnlessTold(t *testing.T) {
	_, url := storetest.New(t)
	ctx := context.Background()
	settings := func(url string) (jit, workers string) {
		t.Helper()
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.DB().QueryRowContext(ctx, `SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')`).Scan(&jit, &workers); err != nil {
			t.Fatal(err)
		}
		return jit, workers
	}
	if jit, workers := settings(url); jit != "off" || workers != "0" {
		t.Fatalf("by default: jit %s, %s parallel workers, want off and 0", jit, workers)
	}
	told, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	q := told.Query()
	q.Set("jit", "on")
	q.Set("max_parallel_workers_per_gather", "3")
	told.RawQuery = q.Encode()
	if jit, workers := settings(told.String()); jit != "on" || workers != "3" {
		t.Fatalf("as the URL sets them: jit %s, %s parallel workers, want on and 3", jit, workers)
	}
}
