package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// TestWritersTakeTurns holds one case's row from outside, so that case's decision stalls
// inside the store (for up to a second, the writes' lock wait): with one writer, another
// case's decision waits behind it (and gives up with its context), with two it goes through
// at once.
func TestWritersTakeTurns(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.New(t)
	for _, tc := range []struct {
		writers int
		through bool
	}{{1, false}, {2, true}} {
		s, err := store.OpenWith(ctx, url, store.Options{Writers: tc.writers})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		a, b := fmt.Sprintf("turns-a-%d", tc.writers), fmt.Sprintf("turns-b-%d", tc.writers)
		for _, id := range []string{a, b} {
			if err := s.Apply(ctx, storetest.Started(id, t0)); err != nil {
				t.Fatal(err)
			}
		}
		hold, err := s.DB().BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hold.ExecContext(ctx, `SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, a); err != nil {
			t.Fatal(err)
		}
		stalled := make(chan error, 1)
		go func() { stalled <- s.Apply(ctx, storetest.Step(a, 1, t0, t0.Add(time.Minute))) }()
		waitForLockWait(t, s)

		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		err = s.Apply(short, storetest.Step(b, 1, t0, t0.Add(time.Minute)))
		cancel()
		switch {
		case tc.through && err != nil:
			t.Errorf("%d writers: the other case's decision: %v, want it written beside the stalled one", tc.writers, err)
		case !tc.through && !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("%d writer: the other case's decision: %v, want it to wait its turn until its deadline", tc.writers, err)
		}
		if err := hold.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := <-stalled; err != nil {
			t.Fatalf("%d writers: the stalled decision: %v", tc.writers, err)
		}
		if !tc.through { // its turn has come
			if err := s.Apply(ctx, storetest.Step(b, 1, t0, t0.Add(time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// waitForLockWait returns once a session of the database waits for a row lock.
func waitForLockWait(t *testing.T, s *store.Store) {
	t.Helper()
	for range 500 {
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no decision waits for the held row")
}

func TestWritersOutOfRangeAreRefused(t *testing.T) {
	_, url := storetest.New(t)
	for _, n := range []int{-1, 21} {
		if s, err := store.OpenWith(context.Background(), url, store.Options{Writers: n}); err == nil {
			s.Close()
			t.Errorf("%d writers: opened, want refused", n)
		}
	}
}
