package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// attempt is one decided row as the oracle below reads it.
type attempt struct {
	step, minutes, standard int
	role                    string
	late, returned          bool
	started                 time.Time
}

// oracle computes the statistics of the attempts whose case started in p, per key (a step or
// a role), straight from the rows: the lower median and the nearest-rank 90th percentile.
func oracle(rows []attempt, p store.Period, key func(attempt) any) map[any]store.DecidedStat {
	groups := map[any][]attempt{}
	for _, a := range rows {
		if (p.From.IsZero() || !a.started.Before(p.From)) && (p.To.IsZero() || a.started.Before(p.To)) {
			groups[key(a)] = append(groups[key(a)], a)
		}
	}
	out := map[any]store.DecidedStat{}
	for k, as := range groups {
		st := store.DecidedStat{Step: as[0].step, Count: len(as), Role: as[0].role}
		var minutes []int
		for _, a := range as {
			minutes = append(minutes, a.minutes)
			st.Role = min(st.Role, a.role)
			if a.late {
				st.Late++
			}
			if a.returned {
				st.Returns++
			}
			if a.standard > 0 && (st.Standard == nil || a.standard < *st.Standard) {
				st.Standard = &a.standard
			}
		}
		slices.Sort(minutes)
		st.Median, st.P90 = minutes[(len(minutes)+1)/2-1], minutes[(len(minutes)*9+9)/10-1]
		out[k] = st
	}
	return out
}

// counted is a store's cases and their attempts, and the oracle's check of the report's
// statistics against those attempts.
type counted struct {
	t       *testing.T
	s       *store.Store
	started map[string]time.Time
	ids     []string
}

var countedRoles = []string{"kabid", "analis", "sekretaris"}

// newCounted gives a fresh store n cases about four days apart over sixteen months from
// 2025-01 (WITA), some on a month's first minute.
func newCounted(t *testing.T, n int, rng *rand.Rand) *counted {
	s, _ := storetest.New(t)
	c := &counted{t: t, s: s, started: map[string]time.Time{}}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, witaZone(t))
	for i := range n {
		id := fmt.Sprintf("k%d", i)
		at := start.Add(time.Duration(i)*98*time.Hour + time.Duration(rng.IntN(60))*time.Minute)
		if i%20 == 0 {
			at = time.Date(2025, time.Month(1+i/8), 1, 0, 0, 0, 0, witaZone(t))
		}
		c.started[id] = at
		c.ids = append(c.ids, id)
		if _, err := s.DB().ExecContext(context.Background(), `INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps)
			VALUES ($1, 't', 'latsar', 2, 'op', $2, $2, 51, 15)`, id, at); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// wita is the calendar's zone, Asia/Makassar.
func witaZone(t testing.TB) *time.Location {
	zone, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// add inserts n attempts of random cases, four in five decided, each in its own transaction.
func (c *counted) add(rng *rand.Rand, n int) error {
	for range n {
		id := c.ids[rng.IntN(len(c.ids))]
		step := 1 + rng.IntN(4)
		var decided, decision any
		if rng.IntN(5) > 0 {
			decided, decision = c.started[id].Add(time.Hour), []string{"agree", "return"}[rng.IntN(2)]
		}
		std := []any{nil, 30, 60}[rng.IntN(3)]
		if _, err := c.s.DB().ExecContext(context.Background(), `INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, standard_minutes, decided_at, decision, working_minutes, late)
			VALUES ($1, $2, coalesce((SELECT max(attempt) FROM step_tasks WHERE case_id = $1 AND step = $2), 0) + 1, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT DO NOTHING`,
			id, step, countedRoles[rng.IntN(3)], c.started[id], std, decided, decision, rng.IntN(90), rng.IntN(3) == 0); err != nil {
			return err
		}
	}
	return nil
}

// check compares the report's statistics over each period with the oracle's over the rows.
func (c *counted) check(when string, periods []store.Period) {
	c.t.Helper()
	ctx := context.Background()
	var rows []attempt
	q, err := c.s.DB().QueryContext(ctx, `SELECT step, coalesce(working_minutes, 0), coalesce(standard_minutes, 0), role, late,
		decision = 'return', case_started_at FROM step_tasks WHERE decided_at IS NOT NULL`)
	if err != nil {
		c.t.Fatal(err)
	}
	for q.Next() {
		var a attempt
		if err := q.Scan(&a.step, &a.minutes, &a.standard, &a.role, &a.late, &a.returned, &a.started); err != nil {
			c.t.Fatal(err)
		}
		rows = append(rows, a)
	}
	if err := q.Err(); err != nil {
		c.t.Fatal(err)
	}
	for _, p := range periods {
		steps, roles, err := c.s.DecidedStats(ctx, p)
		if err != nil {
			c.t.Fatalf("%s: %v", when, err)
		}
		byStep := oracle(rows, p, func(a attempt) any { return a.step })
		byRole := oracle(rows, p, func(a attempt) any { return a.role })
		if len(steps) != len(byStep) || len(roles) != len(byRole) {
			c.t.Fatalf("%s, %v–%v: %d steps and %d roles, want %d and %d", when, p.From, p.To, len(steps), len(roles), len(byStep), len(byRole))
		}
		for i, got := range steps {
			w := byStep[got.Step]
			if fmt.Sprint(got.Count, got.Median, got.P90, got.Late, got.Returns, got.Role, deref(got.Standard)) !=
				fmt.Sprint(w.Count, w.Median, w.P90, w.Late, w.Returns, w.Role, deref(w.Standard)) || i > 0 && steps[i-1].Step >= got.Step {
				c.t.Fatalf("%s, %v–%v, step %d: %+v, want %+v, in step order", when, p.From, p.To, got.Step, got, w)
			}
		}
		for i, got := range roles {
			w := byRole[got.Role]
			w.Step, w.Standard = 0, nil // a role's figures name no step and no standard
			if fmt.Sprint(got.Count, got.Median, got.P90, got.Late, got.Returns, got.Step, got.Standard) !=
				fmt.Sprint(w.Count, w.Median, w.P90, w.Late, w.Returns, w.Step, w.Standard) || i > 0 && roles[i-1].Role >= got.Role {
				c.t.Fatalf("%s, %v–%v, role %s: %+v, want %+v, in the roles' order", when, p.From, p.To, got.Role, got, w)
			}
		}
	}
}

// fold folds in zone and fails unless it rebuilt as wanted.
func (c *counted) fold(zone *time.Location, wantRebuilt bool) {
	c.t.Helper()
	rebuilt, err := c.s.FoldDecided(context.Background(), zone)
	if err != nil || rebuilt != wantRebuilt {
		c.t.Fatalf("fold in %s: rebuilt %v, %v", zone, rebuilt, err)
	}
}

// The report's counts agree with the attempts themselves whatever happened between two folds
// (decisions, a decided row corrected, a row deleted), before the first fold, after a fold in
// another zone, and for periods on month and dekad boundaries, on the counts' zone's midnights,
// on another zone's and at odd instants.
func TestDecidedCountsAgreeWithTheAttempts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 21))
	c := newCounted(t, 120, rng)
	ctx := context.Background()
	db := c.s.DB()
	wita := witaZone(t)
	add := func(n int) {
		if err := c.add(rng, n); err != nil {
			t.Fatal(err)
		}
	}
	change := func() {
		// An open attempt decided, a decided one corrected, one deleted, one escalated.
		for _, q := range []string{
			`UPDATE step_tasks SET decided_at = opened_at, decision = 'agree', working_minutes = 7
				WHERE (case_id, step, attempt) = (SELECT case_id, step, attempt FROM step_tasks WHERE decided_at IS NULL LIMIT 1)`,
			`UPDATE step_tasks SET working_minutes = working_minutes + 11, late = NOT late, step = step + 10
				WHERE (case_id, step, attempt) = (SELECT case_id, step, attempt FROM step_tasks WHERE decided_at IS NOT NULL ORDER BY working_minutes DESC LIMIT 1)`,
			`DELETE FROM step_tasks WHERE (case_id, step, attempt) = (SELECT case_id, step, attempt FROM step_tasks WHERE decided_at IS NOT NULL ORDER BY working_minutes LIMIT 1)`,
			`UPDATE step_tasks SET late = true, reminded_at = opened_at WHERE decided_at IS NOT NULL AND NOT late AND step = 2`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, wita) }
	utcDay := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	periods := []store.Period{{}, {From: day(2, 1)}, {To: day(3, 1)}, {From: day(1, 1), To: day(4, 1)}, {From: day(2, 1), To: day(3, 1)},
		{From: day(1, 17), To: day(3, 9)}, {From: day(2, 3), To: day(2, 20)}, {From: day(1, 31), To: day(2, 2)},
		{From: day(2, 1).Add(-time.Minute), To: day(3, 1).Add(time.Second)}, {From: day(2, 1).UTC()}, {From: day(3, 5), To: day(2, 5)},
		// Whole years: alone, with months and ragged days around, open on one side, or none whole.
		{From: day(-11, 1), To: day(1, 1)}, {From: day(-11, 1)}, {To: day(1, 1)}, {From: day(-12, 31), To: day(2, 2)},
		{From: day(-12, 1), To: day(3, 1)}, {From: day(-3, 14), To: day(2, 1)}, {To: day(1, 1).Add(time.Minute)},
		// Dekads: one alone, January's of eleven days, February's of eight, on both sides of
		// whole months with ragged days beyond, open on one side, a minute short of one.
		{From: day(1, 11), To: day(1, 21)}, {From: day(1, 21), To: day(2, 1)}, {From: day(2, 21), To: day(3, 1)},
		{From: day(1, 12), To: day(4, 19)}, {From: day(2, 11)}, {To: day(3, 21)}, {From: day(1, 11).Add(time.Minute), To: day(1, 21)},
		// Days within one dekad (the prefixes up to both ends), from its start, to its end, to
		// the last day of a long month, from inside February's short one, and ends at an hour.
		{From: day(2, 14), To: day(2, 19)}, {From: day(2, 11), To: day(2, 15)}, {From: day(2, 13), To: day(2, 21)},
		{From: day(1, 24), To: day(1, 31)}, {From: day(2, 24), To: day(4, 1)}, {From: day(2, 13), To: day(2, 18).Add(time.Hour)},
		{From: day(2, 18).Add(time.Hour), To: day(2, 20)},
		// Midnights of UTC, which are prefixes' ends only while the counts are kept in UTC.
		{From: utcDay(1, 17), To: utcDay(3, 9)}, {From: utcDay(2, 13), To: utcDay(2, 18)}, {To: utcDay(3, 2)}}
	check := func(when string) { t.Helper(); c.check(when, periods) }
	fold := c.fold
	add(400)
	check("before the first fold")
	fold(wita, true)
	check("just after the first fold")
	for round := range 3 {
		add(150)
		change()
		check(fmt.Sprintf("round %d, before its fold", round))
		fold(wita, false)
		check(fmt.Sprintf("round %d, after its fold", round))
	}
	fold(time.UTC, true)
	add(50)
	change()
	check("counts by UTC months, read at WITA days")
	fold(time.UTC, false)
	check("counts by UTC months, folded")
	var counts, deltas int
	if err := db.GetContext(ctx, &counts, `SELECT count(*) FROM decided_counts`); err != nil || counts == 0 {
		t.Fatalf("no counts kept: %d %v", counts, err)
	}
	if err := db.GetContext(ctx, &deltas, `SELECT count(*) FROM decided_deltas`); err != nil || deltas != 0 {
		t.Fatalf("changes left after a fold: %d %v", deltas, err)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Decisions committed while the counts are folded or rebuilt are counted once: none is lost
// between the snapshot a fold reads and the changes it empties, none is in both.
func TestDecidedCountsKeepDecisionsMadeDuringFolds(t *testing.T) {
	c := newCounted(t, 40, rand.New(rand.NewPCG(5, 8)))
	wita := witaZone(t)
	if err := c.add(rand.New(rand.NewPCG(1, 1)), 200); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var g errgroup.Group
	for w := range 2 {
		rng := rand.New(rand.NewPCG(uint64(w), 7))
		g.Go(func() error {
			for {
				select {
				case <-stop:
					return nil
				default:
				}
				if err := c.add(rng, 1); err != nil {
					return err
				}
			}
		})
	}
	// Any one snapshot sees each decided attempt counted once, folded or not: a change lost by a
	// fold would show until the next rebuild, so each fold is looked at while decisions go on.
	balanced := func(when string) {
		t.Helper()
		var counted, decided int
		if err := c.s.DB().QueryRowContext(context.Background(), `SELECT
			(SELECT coalesce(sum(n), 0) FROM decided_counts WHERE unit = 'dekad') + (SELECT coalesce(sum(n), 0) FROM decided_deltas),
			(SELECT count(*) FROM step_tasks WHERE decided_at IS NOT NULL)`).Scan(&counted, &decided); err != nil || counted != decided {
			t.Fatalf("%s: %d attempts counted, %d decided (%v)", when, counted, decided, err)
		}
	}
	for i := range 20 {
		zone := []*time.Location{time.UTC, wita}[i%2]
		c.fold(zone, true)
		balanced(fmt.Sprintf("rebuild %d", i))
		c.fold(zone, false)
		balanced(fmt.Sprintf("fold %d", i))
	}
	close(stop)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	c.fold(wita, false)
	c.check("after rebuilds among decisions", []store.Period{{}, {From: time.Date(2025, 3, 1, 0, 0, 0, 0, wita)}})
}

// A fold or a rebuild leaves no changes behind for reads to scan, even while an older snapshot
// (another report's, an autovacuum's ANALYZE) keeps deleted rows from being vacuumed.
func TestDecidedCountsFoldEmptiesTheChanges(t *testing.T) {
	c := newCounted(t, 40, rand.New(rand.NewPCG(2, 3)))
	if err := c.add(rand.New(rand.NewPCG(4, 4)), 300); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	old, err := c.s.DB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Rollback()
	var n int
	if err := old.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	empty := func(when string) {
		t.Helper()
		var size int64
		if err := c.s.DB().GetContext(ctx, &size, `SELECT pg_relation_size('decided_deltas')`); err != nil || size != 0 {
			t.Fatalf("the changes take %d bytes %s, want none (%v)", size, when, err)
		}
		c.check(when, []store.Period{{}})
	}
	c.fold(witaZone(t), true)
	empty("after a rebuild")
	if err := c.add(rand.New(rand.NewPCG(5, 5)), 300); err != nil {
		t.Fatal(err)
	}
	c.fold(witaZone(t), false)
	empty("after a fold")
}

// A fold that meets a report read in progress does not hold the decisions up until the read
// ends: it gives way now and then, and folds once the read is done.
func TestDecidedCountsFoldGivesWayToDecisions(t *testing.T) {
	c := newCounted(t, 40, rand.New(rand.NewPCG(6, 6)))
	rng := rand.New(rand.NewPCG(7, 7))
	if err := c.add(rng, 50); err != nil {
		t.Fatal(err)
	}
	c.fold(witaZone(t), true)
	ctx := context.Background()
	read, err := c.s.DB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer read.Rollback()
	if _, err := read.ExecContext(ctx, `LOCK TABLE decided_deltas IN ACCESS SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	if err := c.add(rng, 5); err != nil {
		t.Fatal(err)
	}
	folded := make(chan error, 1)
	go func() {
		_, err := c.s.FoldDecided(ctx, witaZone(t))
		folded <- err
	}()
	time.Sleep(300 * time.Millisecond)
	decided := make(chan error, 1)
	go func() { decided <- c.add(rng, 3) }()
	// The read would go on for as long as it likes; decisions behind a fold that waited for it
	// would too. The read ends either way, so a failing fold cannot hang the test.
	var errs []error
	select {
	case err := <-decided:
		errs = append(errs, err)
		decided = nil
	case <-time.After(time.Second):
		t.Error("three decisions waited over a second while a fold waited for a report read")
	}
	select {
	case err := <-folded:
		t.Errorf("the fold ended during the read: %v", err)
		folded = nil
	case <-time.After(time.Second):
	}
	if err := read.Rollback(); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []chan error{decided, folded} {
		if ch != nil {
			errs = append(errs, <-ch)
		}
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	c.check("after the fold that waited", []store.Period{{}})
}

// A fold that writes a bulk load's counts leaves them vacuumed and analysed, as a rebuild does,
// so the reads that follow are planned on what the table holds; a minute's fold leaves that to
// autovacuum.
func TestDecidedCountsLargeFoldVacuums(t *testing.T) {
	c := newCounted(t, 40, rand.New(rand.NewPCG(6, 7)))
	ctx := context.Background()
	db := c.s.DB()
	vacuums := func() (n int) {
		t.Helper()
		if err := db.GetContext(ctx, &n, `SELECT vacuum_count + analyze_count FROM pg_stat_user_tables WHERE relname = 'decided_counts'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c.fold(witaZone(t), true)
	before := vacuums()
	if err := c.add(rand.New(rand.NewPCG(8, 9)), 30); err != nil {
		t.Fatal(err)
	}
	c.fold(witaZone(t), false)
	if got := vacuums(); got != before {
		t.Fatalf("a fold of 30 attempts vacuumed or analysed the counts (%d → %d)", before, got)
	}
	// 2,500 attempts of as many working minutes, on a dekad's first day: a count for each in every
	// unit and in the nine prefixes after it.
	if _, err := db.ExecContext(ctx, `INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, decided_at, decision, working_minutes, late)
		SELECT 'k0', 9, i, 'kabid', c.started_at, c.started_at, 'agree', 1000 + i, false
		FROM generate_series(1, 2500) i, cases c WHERE c.id = 'k0'`); err != nil {
		t.Fatal(err)
	}
	c.fold(witaZone(t), false)
	if got := vacuums(); got != before+2 {
		t.Fatalf("a fold of 32,500 counts: vacuums and analyses of the counts %d → %d, want one of each", before, got)
	}
	c.check("after a large fold", []store.Period{{}})
}

// A rebuild lets decisions through while it counts: one held up in the middle of its work does
// not hold a decision up, and the decisions made meanwhile are counted once, after it.
func TestDecidedCountsRebuildLetsDecisionsThrough(t *testing.T) {
	c := newCounted(t, 40, rand.New(rand.NewPCG(9, 9)))
	ctx := context.Background()
	db := c.s.DB()
	if err := c.add(rand.New(rand.NewPCG(3, 1)), 200); err != nil {
		t.Fatal(err)
	}
	c.fold(witaZone(t), true)
	// The rebuild (to UTC) waits for this lock on the counts once it has begun, holding what it
	// holds by then.
	hold, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.ExecContext(ctx, `LOCK TABLE decided_counts IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	rebuilt := make(chan error, 1)
	go func() {
		did, err := c.s.FoldDecided(ctx, time.UTC)
		if err == nil && !did {
			err = errors.New("the fold to UTC did not rebuild")
		}
		rebuilt <- err
	}()
	for waiting := false; !waiting; time.Sleep(10 * time.Millisecond) {
		if err := db.GetContext(ctx, &waiting, `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class r ON r.oid = l.relation
			WHERE r.relname = 'decided_counts' AND NOT l.granted)`); err != nil {
			t.Fatal(err)
		}
	}
	decided, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := db.ExecContext(decided, `UPDATE step_tasks SET decided_at = opened_at, decision = 'agree', working_minutes = 11
		WHERE (case_id, step, attempt) = (SELECT case_id, step, attempt FROM step_tasks WHERE decided_at IS NULL LIMIT 1)`); err != nil {
		t.Fatalf("a decision during a rebuild: %v", err)
	}
	if err := c.add(rand.New(rand.NewPCG(3, 2)), 20); err != nil {
		t.Fatal(err)
	}
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	c.check("after a rebuild among decisions", []store.Period{{}, {From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}})
}
