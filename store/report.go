package store

// The auditors' report, computed where the rows are: a province's million step rows are
// grouped and ranked by PostgreSQL, and only a page of cases comes back whole.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DecidedStat summarises the decided attempts of one step or one role: how many, the lower
// median and the nearest-rank 90th percentile of their working minutes, how many were late
// and how many returned.
type DecidedStat struct {
	Step     int    `db:"step"`
	Role     string `db:"role"`
	Count    int    `db:"n"`
	Median   int    `db:"median"`
	P90      int    `db:"p90"`
	Standard *int   `db:"standard"`
	Late     int    `db:"late"`
	Returns  int    `db:"returns"`
}

// Period is the cases started from From (inclusive) to To (exclusive); a zero end is open.
type Period struct{ From, To time.Time }

func (p Period) args() []any { return []any{instant(p.From), instant(p.To)} }

// during is the condition that an instant column falls in the period held by $1 and $2.
func during(column string) string {
	return `($1::timestamptz IS NULL OR ` + column + ` >= $1) AND ($2::timestamptz IS NULL OR ` + column + ` < $2)`
}

// bucket is how many decided attempts of one step, by one role, against one standard, took the
// same working minutes.
type bucket struct {
	Step, Minutes int
	Role          string
	Standard      int // 0: none
	N, Late       int
	Returns       int
}

// units are the spans the counts are kept by, coarsest first, each tiling the one before it:
// each change goes into its year's, its quarter's, its month's and its dekad's counts. next is
// a number of days that takes a unit's start into the next unit, never past it and never onto
// its first day (a change of offset could put that back in this unit): PostgreSQL adds days
// only in the session's zone, so a unit's end is the unit of its start plus next, found in the
// counts' zone by count_unit_start (migration 00025).
var units = []struct {
	name string
	next int
}{{"year", 367}, {"quarter", 93}, {"month", 32}, {"dekad", 12}}

// span is the instants from lo (inclusive) to hi (exclusive), a nil end open.
type span struct{ lo, hi *time.Time }

func (s span) empty() bool { return s.lo != nil && s.hi != nil && !s.lo.Before(*s.hi) }

// prefix is the unit of a dekad's first days' counts, each kept at the midnight it ends at.
const prefix = "prefix"

// piece is a span of a period read from the counts of a unit, or with none from the attempts
// themselves; or, given at, the counts of the unit's period at that instant (a dekad by its
// start, a prefix by its end), taken away when minus.
type piece struct {
	unit  string
	span  span
	at    *time.Time
	minus bool
}

// cuts are where a period is cut, as PostgreSQL reckons them in the counts' zone: for each unit
// the first start at or after the period's start and the last at or before its end (none at an
// open end), the start of the dekad that holds the period's start, and whether each end is a
// midnight of the zone, where prefixes end.
type cuts struct {
	first, last    []*time.Time
	dekad          *time.Time
	fromDay, toDay bool
}

// split divides a period into pieces at its cuts (nil without counts): the whole units of the
// coarsest unit that has any, the finer units on either side, and the ragged ends, each under a
// dekad. A ragged end on a midnight is read from the counts: the end's as the prefix up to it,
// the start's as its whole dekad less the prefix up to it, a period within one dekad as the
// prefix up to its end less the one up to its start; at another instant it is read from the
// attempts. counted is the span the counts stand for, over which the changes not yet folded
// are read.
func (p Period) split(c *cuts) (pieces []piece, counted span) {
	lo, hi := instant(p.From), instant(p.To)
	raw := []piece{{span: span{lo, hi}}}
	if c == nil || lo != nil && hi != nil && !lo.Before(*hi) {
		return raw, span{}
	}
	n := len(units) - 1
	first, last := c.first, c.last
	if lo != nil && hi != nil && first[n].After(*last[n]) { // within one dekad
		if !c.fromDay || !c.toDay {
			return raw, span{}
		}
		return []piece{{unit: prefix, at: hi}, {unit: prefix, at: lo, minus: true}}, span{lo, hi}
	}
	k := n
	for i := range units {
		if !(span{first[i], last[i]}).empty() {
			k = i
			break
		}
	}
	pieces = append(pieces, piece{unit: units[k].name, span: span{first[k], last[k]}})
	for j := k + 1; j < len(units); j++ {
		if lo != nil {
			pieces = append(pieces, piece{unit: units[j].name, span: span{first[j], first[j-1]}})
		}
		if hi != nil {
			pieces = append(pieces, piece{unit: units[j].name, span: span{last[j-1], last[j]}})
		}
	}
	counted = span{first[n], last[n]}
	if lo != nil && !lo.Equal(*first[n]) {
		if c.fromDay {
			pieces = append(pieces, piece{unit: units[n].name, at: c.dekad}, piece{unit: prefix, at: lo, minus: true})
			counted.lo = lo
		} else {
			pieces = append(pieces, piece{span: span{lo, first[n]}})
		}
	}
	if hi != nil && !hi.Equal(*last[n]) {
		if c.toDay {
			pieces = append(pieces, piece{unit: prefix, at: hi})
			counted.hi = hi
		} else {
			pieces = append(pieces, piece{span: span{last[n], hi}})
		}
	}
	return slices.DeleteFunc(pieces, func(p piece) bool { return p.at == nil && p.span.empty() }), counted
}

// instant is a period's end, nil when open (a NULL as a parameter).
func instant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// DecidedStats summarises the decided attempts of the period's cases per step (in step
// order) and per role. PostgreSQL counts them by step, role, standard and working minutes: the
// whole years, quarters, months and dekads, and the ragged ends cut at midnights, from
// decided_counts, with the changes since its last fold; ragged ends cut at other instants
// (under ten days at either end) from the attempts one by one. The groups and their
// percentiles are read off those counts exactly, as nearest ranks. A province's million
// attempts are some 3,600 counts a year, a quarter, a month or a dekad.
func (s *Store) DecidedStats(ctx context.Context, p Period) (bySteps, byRoles []DecidedStat, err error) {
	var buckets []bucket
	err = s.snapshot(ctx, true, func(tx *sqlx.Tx) error {
		// Before the snapshot: a fold truncates the changes, and a snapshot older than it would
		// see its counts without the changes they lack.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE decided_deltas IN ACCESS SHARE MODE`); err != nil {
			return err
		}
		zone, err := decidedZone(ctx, tx)
		if err != nil {
			return err
		}
		var c *cuts
		if zone != "" {
			c = &cuts{first: make([]*time.Time, len(units)), last: make([]*time.Time, len(units))}
			var cols []string
			var dest []any
			for i, u := range units {
				cols = append(cols, fmt.Sprintf(`CASE WHEN count_unit_start('%[1]s', $1::timestamptz, $3) = $1 THEN $1::timestamptz
					ELSE count_unit_start('%[1]s', count_unit_start('%[1]s', $1::timestamptz, $3) + interval '%[2]d days', $3) END,
					count_unit_start('%[1]s', $2::timestamptz, $3)`, u.name, u.next))
				dest = append(dest, &c.first[i], &c.last[i])
			}
			midnight := func(t string) string {
				return fmt.Sprintf(`coalesce(%[1]s = ((%[1]s AT TIME ZONE $3)::date)::timestamp AT TIME ZONE $3, false)`, t)
			}
			cols = append(cols, fmt.Sprintf(`count_unit_start('%s', $1::timestamptz, $3)`, units[len(units)-1].name),
				midnight("$1::timestamptz"), midnight("$2::timestamptz"))
			dest = append(dest, &c.dekad, &c.fromDay, &c.toDay)
			if err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), instant(p.From), instant(p.To), zone).Scan(dest...); err != nil {
				return err
			}
		}
		pieces, counted := p.split(c)
		var args []any
		in := func(column string, s span) string {
			cond := "true"
			if s.lo != nil {
				args = append(args, *s.lo)
				cond = fmt.Sprintf("%s >= $%d", column, len(args))
			}
			if s.hi != nil {
				args = append(args, *s.hi)
				cond += fmt.Sprintf(" AND %s < $%d", column, len(args))
			}
			return cond
		}
		// Each piece is a query of its own, so each is one range of an index that holds what it
		// counts (OR'ed, the counts' pieces were a bitmap scan of most of the table's pages).
		var reads []string
		counts := false
		for _, pc := range pieces {
			if pc.unit == "" {
				reads = append(reads, `SELECT step, role, coalesce(working_minutes, 0) AS minutes, coalesce(standard_minutes, 0) AS standard,
					1 AS n, late::int AS late, (decision = 'return')::int AS returns
					FROM step_tasks WHERE decided_at IS NOT NULL AND `+in("case_started_at", pc.span))
				continue
			}
			counts = true
			where := in("period", pc.span)
			if pc.at != nil {
				args = append(args, *pc.at)
				where = fmt.Sprintf("period = $%d", len(args))
			}
			sign := ""
			if pc.minus {
				sign = "-"
			}
			reads = append(reads, fmt.Sprintf(`SELECT step, role, minutes, standard, %[1]sn AS n, %[1]slate AS late, %[1]sreturns AS returns
				FROM decided_counts WHERE unit = '%[2]s' AND %[3]s`, sign, pc.unit, where))
		}
		if counts {
			reads = append(reads, `SELECT step, role, minutes, standard, n, late, returns FROM decided_deltas WHERE `+in("case_started_at", counted))
		}
		rows, err := tx.QueryContext(ctx, `SELECT step, role, minutes, standard, sum(n) AS n, sum(late) AS late, sum(returns) AS returns
			FROM (`+strings.Join(reads, " UNION ALL ")+`) x GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		// Scanned by hand: sqlx's mapping by reflection was most of the page's time in Go for
		// the few thousand counts of a province. Into int64, which database/sql sets directly
		// (an int it formats and parses again), and each role's name kept once.
		var step, minutes, standard, n, late, returns int64
		var role sql.RawBytes
		names := map[string]string{}
		for rows.Next() {
			if err := rows.Scan(&step, &role, &minutes, &standard, &n, &late, &returns); err != nil {
				return err
			}
			name, ok := names[string(role)]
			if !ok {
				name = string(role)
				names[name] = name
			}
			buckets = append(buckets, bucket{Step: int(step), Minutes: int(minutes), Role: name, Standard: int(standard),
				N: int(n), Late: int(late), Returns: int(returns)})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("report statistics: %w", err)
	}
	slices.SortFunc(buckets, func(a, b bucket) int { return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(a.Minutes, b.Minutes)) })
	for group := range groups(buckets, func(a, b bucket) bool { return a.Step == b.Step }) {
		bySteps = append(bySteps, summarise(group))
	}
	slices.SortFunc(buckets, func(a, b bucket) int {
		return cmp.Or(strings.Compare(a.Role, b.Role), cmp.Compare(a.Minutes, b.Minutes))
	})
	for group := range groups(buckets, func(a, b bucket) bool { return a.Role == b.Role }) {
		st := summarise(group)
		st.Step, st.Standard = 0, nil
		byRoles = append(byRoles, st)
	}
	return bySteps, byRoles, nil
}

// groups yields the runs of sorted whose neighbours are alike.
func groups(sorted []bucket, alike func(a, b bucket) bool) iter.Seq[[]bucket] {
	return func(yield func([]bucket) bool) {
		for i := 0; i < len(sorted); {
			j := i + 1
			for j < len(sorted) && alike(sorted[i], sorted[j]) {
				j++
			}
			if !yield(sorted[i:j]) {
				return
			}
			i = j
		}
	}
}

// summarise is one group's figures from its counts by minutes (in ascending minutes): the
// lower median is the ceil(n/2)-th smallest, the 90th percentile the ceil(0.9 n)-th.
func summarise(group []bucket) DecidedStat {
	st := DecidedStat{Step: group[0].Step, Role: group[0].Role}
	for _, b := range group {
		st.Count += b.N
		st.Late += b.Late
		st.Returns += b.Returns
		st.Role = min(st.Role, b.Role)
		if b.Standard > 0 && (st.Standard == nil || b.Standard < *st.Standard) {
			st.Standard = &b.Standard
		}
	}
	median, p90 := (st.Count+1)/2, (st.Count*9+9)/10
	seen := 0
	for _, b := range group {
		if seen < median && seen+b.N >= median {
			st.Median = b.Minutes
		}
		if seen < p90 && seen+b.N >= p90 {
			st.P90 = b.Minutes
		}
		seen += b.N
	}
	return st
}

// CasesStarted is one page of the period's cases, oldest first, and how many there are; a
// limit of 0 is every case.
func (s *Store) CasesStarted(ctx context.Context, p Period, limit, offset int) ([]Case, int, error) {
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM cases c WHERE `+during("c.started_at"), p.args()...); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	var out []Case
	if err := s.db.SelectContext(ctx, &out, `SELECT c.* FROM cases c WHERE `+during("c.started_at")+` ORDER BY c.started_at, c.id LIMIT $3 OFFSET $4`,
		append(p.args(), sql.NullInt64{Int64: int64(limit), Valid: limit > 0}, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list cases: %w", err)
	}
	return out, total, nil
}

// TasksOf is every attempt of the given cases, as Tasks orders them.
func (s *Store) TasksOf(ctx context.Context, ids []string) ([]Task, error) {
	var out []Task
	if err := s.db.SelectContext(ctx, &out, `SELECT `+taskColumns+`, c.title AS case_title
		FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE t.case_id = ANY($1)
		ORDER BY c.started_at, t.case_id, t.opened_at, t.step, t.attempt`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}
