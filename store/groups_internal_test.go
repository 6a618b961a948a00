package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// lingers runs the queue's linger for an hour and reports whether it was still waiting after
// a while; stop (when not nil) is what should end the wait, done once the wait has begun.
func lingers(t *testing.T, g *writeQueue, ctx context.Context, stop func()) bool {
	t.Helper()
	done := make(chan struct{})
	go func() {
		g.linger(ctx, time.Hour)
		close(done)
	}()
	select {
	case <-done:
		return false
	case <-time.After(100 * time.Millisecond):
	}
	if stop == nil {
		t.Fatal("the committer lingers with nothing to end its wait")
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the committer lingered on after what should have ended its wait")
	}
	return true
}

// cases queues a transition for each case.
func cases(g *writeQueue, ids ...string) {
	for _, id := range ids {
		g.add(&queued{caseID: id})
	}
}

// write is one turn of the first committer: before wait when it begins, during come while it
// lingers and writes, and it takes up to n of the queue's head.
func write(g *writeQueue, before, during []string, n int) {
	cases(g, before...)
	mark := g.linger(context.Background(), 0)
	cases(g, during...)
	group := g.waiting[:n]
	g.waiting = slices.Clone(g.waiting[n:])
	g.wrote(group, mark)
}

// The first committer waits for company only while others keep arriving as it works: its last
// group had company, and a case that group did not answer came while it lingered or wrote. Any
// other write goes at once: a lone decision's, or those of a few callers writing one after
// another, each sending its next transition on the answer to the last.
func TestOnlyAPressedQueueLingers(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		turn func(*writeQueue)
	}{
		{"a fresh store", func(*writeQueue) {}},
		{"a lone write, another arriving as it is written", func(g *writeQueue) {
			write(g, []string{"a"}, []string{"b"}, 1)
		}},
		{"a group of what waited, nothing after it", func(g *writeQueue) {
			write(g, []string{"a", "b"}, nil, 2)
		}},
		{"two callers one after another", func(g *writeQueue) {
			write(g, []string{"a", "b"}, nil, 2)
			write(g, []string{"a"}, []string{"b"}, 2)
			write(g, []string{"b"}, []string{"a"}, 2)
		}},
	} {
		g := newWriteQueue()
		c.turn(&g)
		if lingers(t, &g, ctx, nil) {
			t.Errorf("%s: the committer lingered", c.name)
		}
	}

	for _, c := range []struct {
		name           string
		before, during []string
		n              int
	}{
		{"another case came and was written with the group", []string{"a"}, []string{"b"}, 2},
		{"another case came after the group", []string{"a", "b"}, []string{"c"}, 2},
	} {
		g := newWriteQueue()
		write(&g, c.before, c.during, c.n)
		if !lingers(t, &g, ctx, func() { cases(&g, make([]string, maxGroup)...) }) {
			t.Errorf("%s: the committer did not linger", c.name)
		}
		// A whole group waiting: the next write goes at once, and the wake it left is not
		// taken for the next linger's.
		if lingers(t, &g, ctx, nil) {
			t.Errorf("%s, then a whole group waiting: the committer lingered", c.name)
		}
	}

	g := newWriteQueue()
	write(&g, []string{"a"}, []string{"b"}, 2)
	cctx, cancel := context.WithCancel(ctx)
	if !lingers(t, &g, cctx, cancel) {
		t.Error("a pressed queue: the committer did not linger")
	}
}

// A wake left by a group that filled before a linger began does not cut the next one short.
func TestAStaleWakeDoesNotEndALinger(t *testing.T) {
	g := newWriteQueue()
	cases(&g, make([]string, maxGroup)...) // leaves a wake pending
	g.waiting = nil
	write(&g, []string{"a"}, []string{"b"}, 2)
	if !lingers(t, &g, context.Background(), func() { cases(&g, make([]string, maxGroup)...) }) {
		t.Error("the committer took a stale wake for company")
	}
}
