package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// behindAHeldCase opens a store with one writer, holds case held's row from outside and has
// that case's first decision wait for it in the writer, so that what is applied meanwhile
// queues behind it and is written as one group once the wait gives up: a write waits at most a
// second for a lock. It returns the store and the held decision's answer.
func behindAHeldCase(t *testing.T, held string, started ...string) (*store.Store, <-chan error) {
	t.Helper()
	ctx := context.Background()
	_, url := storetest.New(t)
	s, err := store.OpenWith(ctx, url, store.Options{Writers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, id := range append([]string{held}, started...) {
		if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
			t.Fatal(err)
		}
	}
	hold, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hold.Rollback() })
	if _, err := hold.ExecContext(ctx, `SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, held); err != nil {
		t.Fatal(err)
	}
	answer := make(chan error, 1)
	go func() { answer <- s.Apply(ctx, storetest.Step(held, 1, t0, t0.Add(time.Minute))) }()
	waitForLockWait(t, s)
	return s, answer
}

// applyAll applies the transitions at once and returns their answers, in their order.
func applyAll(s *store.Store, ts ...chain.Transition) []error {
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, tr := range ts {
		wg.Go(func() { errs[i] = s.Apply(context.Background(), tr) })
	}
	wg.Wait()
	return errs
}

// A group's transitions are each written, or refused, on their own: one that names no case
// does not take the others down with it, and a completion in a group queues its mail once.
func TestAGroupAnswersEachTransitionOnItsOwn(t *testing.T) {
	ctx := context.Background()
	s, held := behindAHeldCase(t, "group-held", "group-a", "group-b")
	if err := s.SaveProposals(ctx, store.NewDocument("group-b", "proposals", "u.csv", []byte("x"), "op"), classify.Classify(twoOPDs(), 40), nil); err != nil {
		t.Fatal(err)
	}
	before := s.Writes().Retried.Load()
	at := t0.Add(time.Minute)
	errs := applyAll(s, storetest.Step("group-a", 1, t0, at), storetest.Step("group-none", 1, t0, at), storetest.Completed("group-b", 1, t0, at))

	if err := <-held; err == nil || errors.Is(err, store.ErrInvalidTransition) || errors.Is(err, store.ErrDataRejected) {
		t.Errorf("the decision on the held case: %v, want a failure to retry (the lock is not given within a second)", err)
	}
	if n := s.Writes().Retried.Load() - before; n != 3 {
		t.Errorf("%d transitions written again alone, want the 3 of the failed group", n)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("the valid transitions of the group: %v, %v; want both written", errs[0], errs[2])
	}
	if !errors.Is(errs[1], store.ErrInvalidTransition) {
		t.Errorf("the decision on a case that does not exist: %v, want ErrInvalidTransition", errs[1])
	}
	for id, state := range map[string]chain.CaseState{"group-a": chain.Running, "group-b": chain.Completed} {
		if c, err := s.Case(ctx, id); err != nil || c.State != string(state) {
			t.Errorf("case %s: %+v (%v), want %s", id, c, err, state)
		}
	}
	if box, err := s.Outbox(ctx, "group-b"); err != nil || len(box) != 2 {
		t.Errorf("the completed case's deliveries: %d (%v), want one to each of its 2 OPDs", len(box), err)
	}
	if check, err := s.VerifyAudit(ctx); err != nil || check.Broken != nil {
		t.Errorf("audit log after the group: %+v (%v)", check.Broken, err)
	}
}

// A group that goes through is one call for all its transitions.
func TestAGroupIsOneCall(t *testing.T) {
	ctx := context.Background()
	ids := []string{"one-call-a", "one-call-b", "one-call-c"}
	s, held := behindAHeldCase(t, "one-call-held", ids...)
	w := s.Writes()
	calls, written, retried := w.Calls.Load(), w.Transitions.Load(), w.Retried.Load()
	var ts []chain.Transition
	for _, id := range ids {
		ts = append(ts, storetest.Step(id, 1, t0, t0.Add(time.Minute)))
	}
	errs := applyAll(s, ts...)
	<-held
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	// The held decision's call was counted as it began, before these.
	if n, m, r := w.Calls.Load()-calls, w.Transitions.Load()-written, w.Retried.Load()-retried; n != 1 || m != 3 || r != 0 {
		t.Errorf("%d calls wrote %d transitions, %d written again; want 1 call for the 3, none again", n, m, r)
	}
	tasks, err := s.TasksOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	decided := map[string]bool{}
	for _, task := range tasks {
		if task.Decision != nil {
			decided[fmt.Sprintf("%s/%d", task.CaseID, task.Step)] = true
		}
	}
	if len(decided) != len(ids) {
		t.Errorf("decided after the group: %v, want the first step of each of %v", decided, ids)
	}
}

// A case whose row another session holds holds its group for at most a second: the others
// are then written without it, and it fails, to be retried, for as long as the row is held.
func TestAHeldCaseDoesNotHoldItsGroup(t *testing.T) {
	ctx := context.Background()
	s, held := behindAHeldCase(t, "hold-group-held", "hold-group-x", "hold-group-y")
	other, err := s.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.ExecContext(ctx, `SELECT 1 FROM cases WHERE id = 'hold-group-x' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	retried := s.Writes().Retried.Load()
	began := time.Now()
	errs := applyAll(s, storetest.Step("hold-group-x", 1, t0, t0.Add(time.Minute)), storetest.Step("hold-group-y", 1, t0, t0.Add(time.Minute)))
	<-held
	if n := s.Writes().Retried.Load() - retried; n != 2 {
		t.Errorf("%d transitions written again alone, want the 2 of the group that waited", n)
	}
	if errs[1] != nil {
		t.Errorf("the decision on the free case: %v, want it written", errs[1])
	}
	if errs[0] == nil || errors.Is(errs[0], store.ErrInvalidTransition) || errors.Is(errs[0], store.ErrDataRejected) {
		t.Errorf("the decision on the held case: %v, want a failure to retry", errs[0])
	}
	// The held decision's second, the group's, then the two alone: about three.
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("the group took %s to answer, want a few seconds at most", took)
	}
}

// Two writers each applying their own case's decisions one after another, as the recording
// activities of cases deciding through Temporal do: what arrives while the first committer
// writes waits for it and goes with the next group, where a second committer would have
// written it alone (1.0 a call).
func TestALightLoadIsGrouped(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	const writers, steps = 2, 14
	var wg sync.WaitGroup
	w := s.Writes()
	written, calls := w.Transitions.Load(), w.Calls.Load()
	for i := range writers {
		wg.Go(func() {
			id := fmt.Sprintf("light-%d", i)
			if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
				t.Error(err)
				return
			}
			opened := t0
			for step := 1; step < steps; step++ {
				at := opened.Add(time.Minute)
				if err := s.Apply(ctx, storetest.Step(id, step, opened, at)); err != nil {
					t.Error(err)
					return
				}
				opened = at
			}
		})
	}
	wg.Wait()
	n, c := w.Transitions.Load()-written, w.Calls.Load()-calls
	if n != writers*steps {
		t.Fatalf("%d transitions written, want %d", n, writers*steps)
	}
	if perCall := float64(n) / float64(c); perCall < 1.3 {
		t.Errorf("%d transitions in %d calls (%.2f a call), want them grouped while the first committer writes", n, c, perCall)
	}
}
