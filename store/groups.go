package store

// Group commit. Each write of a transition alone is a statement's transaction whose fixed
// cost (the round trip, the function's entry, the commit and its WAL flush) is most of what a
// decision costs the database. So decisions, starts and completions are written by few
// committers: while one writes, the transitions that arrive queue behind it, and the next to
// write takes all of them, up to maxGroup, in one call. Each transition is still all or
// nothing; a lone transition is written at once, as before, without waiting for company.
// One committer writes as a rule; a second (the relief) only for a queue deeper than a group,
// or for a transition that has waited longer than a group takes, behind a stalled write.
// While other callers keep arriving as it works (its last group had company, and others than
// the group's own cases came while it lingered or wrote), the first committer lingers a moment
// before it takes the next group, so that fewer, fuller calls carry the same transitions. A
// write that found itself alone never waits, nor do a few callers writing one after another:
// what they send next is not company, as no group of theirs could grow while they wait on it.
//
// A write holds what its cases lock until it commits, so a case whose row another session
// holds would hold the committer, and a group all its cases, behind it: every such write waits
// at most a second for any lock (apply_group). A group that fails for any reason is written
// again one transition at a time, each with its own context, where each meets only its own
// locks and errors; a lone one that meets a held lock fails, to be retried by its activity.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxGroup bounds the transitions written by one call: enough to carry the queue 200 cases
// build on two cores, few enough that a group's locks are held for milliseconds.
const maxGroup = 32

// maxCommitters is how many groups are written at once, at most: with more, a transition
// finds a committer free more often and is written alone (BenchmarkConcurrentTransitions: with
// 2, 8,260–8,661 transitions/s; with all 4 writers, 7,353–7,486). All but the first are relief,
// for a queue deeper than a group.
const maxCommitters = 2

// stall is how long a transition waits for the first committer before the relief may take
// it: longer than a group of maxGroup takes to write (about 10 ms on two cores).
const stall = 25 * time.Millisecond

// lingerFor is how long a pressed first committer waits for company: an arrival or two at the
// rate 200 cases deciding through Temporal deliver on two cores (200–400 a second), and
// nothing beside the half second or more such a decision waits to be answered under that load.
// Six pairs of 200 cases' rounds in one process, with and without it: 1.7–2.0 transitions a
// call against 1.2–1.3, PostgreSQL's CPU a decision 0.88–1.01 ms against 1.04–1.33, and more
// decisions a second in five pairs of six (README, "Lingering for company"); 6 ms did no better.
const lingerFor = 3 * time.Millisecond

// queued is a transition waiting to be written as part of a group.
type queued struct {
	caseID string
	events []byte // the transition's events as apply_events reads them, a JSON array
	mail   []byte // its deliveries, a JSON array, or nil
	first  string // its first event's key, to name it in errors
	done   chan error
	turn   uint64 // its place among the queue's arrivals
}

// errAlone tells a transition its group failed and it is to be written alone.
var errAlone = errors.New("write the transition alone")

// writeQueue is the queue of transitions waiting for a writer.
type writeQueue struct {
	mu       sync.Mutex
	waiting  []*queued
	stats    WriteStats
	stmt     *sql.Stmt // the group write, once prepared
	arrivals uint64    // transitions queued since the store opened, each numbered by its turn
	// pressed says others kept arriving while the first committer lingered or wrote, and
	// answered holds the cases its last group answered.
	pressed  bool
	answered []string
	// full wakes a lingering committer once a whole group waits.
	full chan struct{}
}

// newWriteQueue is an empty queue, its wake ready for a lingering committer.
func newWriteQueue() writeQueue { return writeQueue{full: make(chan struct{}, 1)} }

// WriteStats counts the store's grouped writes since it was opened. A transition of a group
// that failed is counted again, with its call, when it is written alone.
type WriteStats struct {
	Transitions atomic.Int64 // transitions sent through the group queue
	Calls       atomic.Int64 // calls to the database that carried them
	Retried     atomic.Int64 // transitions written again alone after their group failed
}

// Writes is what the store has written through its group queue.
func (s *Store) Writes() *WriteStats { return &s.queue.stats }

// applyGrouped queues q and returns once it is written, by whichever writer takes it.
func (s *Store) applyGrouped(ctx context.Context, q *queued) error {
	q.done = make(chan error, 1)
	s.queue.add(q)
	since := time.Now()
	for {
		// The relief writes only while more than a group waits, or for a transition that has
		// waited for the first committer longer than a group takes (one stalled on a held
		// row). The first alone keeps up with what 200 cases deciding through Temporal
		// deliver, and groups what a second would have written alone: 1.3–1.4 transitions a
		// call instead of 1.0, and a sixth less of PostgreSQL's CPU a decision.
		var relief chan struct{}
		var wake <-chan time.Time
		if s.relief != nil {
			if waited := time.Since(since); waited >= stall || s.queue.depth() > maxGroup {
				relief = s.relief
			} else {
				wake = time.After(stall - waited)
			}
		}
		var slot chan struct{}
		select {
		case <-wake:
			continue
		case err := <-q.done:
			if !errors.Is(err, errAlone) {
				return err
			}
			s.queue.stats.Retried.Add(1)
			return s.turn(ctx, s.committers, func() error {
				return s.writing(ctx, func() error { return s.writeGroup(ctx, []*queued{q}) })
			})
		case <-ctx.Done():
			s.queue.withdraw(q)
			return fmt.Errorf("wait to write %s: %w", q.first, ctx.Err())
		case s.committers <- struct{}{}:
			slot = s.committers
		case relief <- struct{}{}:
			slot = relief
		}
		first := slot == s.committers
		var mark uint64
		if first {
			mark = s.queue.linger(ctx, lingerFor)
		}
		// The group is taken once a writer is free too, so that it holds what queued while
		// this waited.
		var group []*queued
		err := s.writing(ctx, func() error {
			if group = s.queue.take(q); len(group) == 0 {
				return nil
			}
			return s.writeGroup(ctx, group)
		})
		if first && len(group) > 0 {
			s.queue.wrote(group, mark)
		}
		<-slot
		if len(group) == 0 && err != nil { // no writer came in time
			s.queue.withdraw(q)
			return err
		}
		for _, m := range group {
			m.done <- err // q's own comes back on the next turn of the loop
		}
	}
}

// prepared is the statement that writes a group, prepared once a connection: parsed and
// planned anew each call, it cost PostgreSQL about 25 µs more a transition
// (BenchmarkConcurrentTransitions/writers-2, four pairs: 452–490 µs against 487–502). It is
// prepared on first use, as the store opens before its migrations create apply_group.
func (g *writeQueue) prepared(ctx context.Context, db *sqlx.DB) (*sql.Stmt, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stmt == nil {
		stmt, err := db.PrepareContext(ctx, `SELECT apply_group($1, $2)`)
		if err != nil {
			return nil, fmt.Errorf("prepare the group write: %w", err)
		}
		g.stmt = stmt
	}
	return g.stmt, nil
}

// add queues q, and wakes a lingering committer once a whole group waits.
func (g *writeQueue) add(q *queued) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.arrivals++
	q.turn = g.arrivals
	g.waiting = append(g.waiting, q)
	if len(g.waiting) >= maxGroup {
		select {
		case g.full <- struct{}{}:
		default: // one wake is pending already
		}
	}
}

// wrote records what came while the first committer lingered and wrote group: mark is the
// last arrival before it began. A case its group before answered is no company: it sends its
// next transition on the answer, as a few callers writing one after another do.
func (g *writeQueue) wrote(group []*queued, mark uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	others := func(q *queued) bool { return q.turn > mark && !slices.Contains(g.answered, q.caseID) }
	g.pressed = len(group) > 1 && (slices.ContainsFunc(group, others) || slices.ContainsFunc(g.waiting, others))
	g.answered = g.answered[:0]
	for _, q := range group {
		g.answered = append(g.answered, q.caseID)
	}
}

// linger waits up to d for company while the queue is pressed, and no longer than it takes a
// whole group to queue. A lone write (light load, one decision at a time) returns at once. It
// returns the last arrival before it began.
func (g *writeQueue) linger(ctx context.Context, d time.Duration) uint64 {
	g.mu.Lock()
	mark := g.arrivals
	wait := g.pressed && len(g.waiting) < maxGroup
	if wait {
		select {
		case <-g.full: // from a group taken before
		default:
		}
	}
	g.mu.Unlock()
	if wait {
		select {
		case <-time.After(d):
		case <-g.full:
		case <-ctx.Done():
		}
	}
	return mark
}

// depth is how many transitions wait to be written.
func (g *writeQueue) depth() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting)
}

// take removes up to maxGroup transitions from the head of the queue, or none when q is no
// longer queued: its writer was another's.
func (g *writeQueue) take(q *queued) []*queued {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Contains(g.waiting, q) {
		return nil
	}
	n := min(len(g.waiting), maxGroup)
	group := slices.Clone(g.waiting[:n])
	g.waiting = slices.Delete(g.waiting, 0, n)
	return group
}

// withdraw takes q off the queue if no writer has taken it yet.
func (g *writeQueue) withdraw(q *queued) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if i := slices.Index(g.waiting, q); i >= 0 {
		g.waiting = slices.Delete(g.waiting, i, i+1)
	}
}

// writeGroup writes the group's transitions by one call. A group of several answers errAlone
// when the call fails, so that each of them is written again on its own; a lone transition
// answers the call's error.
func (s *Store) writeGroup(ctx context.Context, group []*queued) error {
	// In the order of their cases, so that two groups written at once lock their cases' rows
	// in one order and cannot wait for each other; a case's own transitions keep theirs.
	slices.SortStableFunc(group, func(a, b *queued) int { return strings.Compare(a.caseID, b.caseID) })
	events := joinArrays(group, func(q *queued) []byte { return q.events })
	mail := joinArrays(group, func(q *queued) []byte { return q.mail })
	s.queue.stats.Transitions.Add(int64(len(group)))
	s.queue.stats.Calls.Add(1)
	stmt, err := s.queue.prepared(ctx, s.db)
	if err == nil {
		_, err = stmt.ExecContext(ctx, jsonText(events), jsonText(mail))
	}
	if err != nil && len(group) > 1 {
		return errAlone
	}
	return dataRejected(invalidTransition(err, group[0].first))
}

// joinArrays joins the members' JSON arrays into one; nil when none has an element.
func joinArrays(group []*queued, of func(*queued) []byte) []byte {
	var b bytes.Buffer
	for _, q := range group {
		a := of(q)
		if len(a) <= 2 { // nil or []
			continue
		}
		if b.Len() == 0 {
			b.WriteByte('[')
		} else {
			b.WriteByte(',')
		}
		b.Write(a[1 : len(a)-1])
	}
	if b.Len() == 0 {
		return nil
	}
	b.WriteByte(']')
	return b.Bytes()
}
