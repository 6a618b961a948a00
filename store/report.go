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

func (p Period) args() []any {
	bound := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t
	}
	return []any{bound(p.From), bound(p.To)}
}

// during is the condition that an instant column falls in the period held by $1 and $2.
func during(column string) string {
	return `($1::timestamptz IS NULL OR ` + column + ` >= $1) AND ($2::timestamptz IS NULL OR ` + column + ` < $2)`
}

// bucket is how many decided attempts of one step, by one role, took the same working minutes.
type bucket struct {
	Step     int    `db:"step"`
	Role     string `db:"role"`
	Minutes  int    `db:"minutes"`
	N        int    `db:"n"`
	Late     int    `db:"late"`
	Returns  int    `db:"returns"`
	Standard *int   `db:"standard"`
}

// DecidedStats summarises the decided attempts of the period's cases per step (in step
// order) and per role. PostgreSQL counts them by step, role and working minutes in one
// parallel scan (grouping sets would be one scan too, but not a parallel one: 2.5 times
// slower over a million rows); the groups and their percentiles are read off those counts
// exactly, as nearest ranks.
func (s *Store) DecidedStats(ctx context.Context, p Period) (bySteps, byRoles []DecidedStat, err error) {
	var buckets []bucket
	err = s.db.SelectContext(ctx, &buckets, `SELECT t.step, t.role, coalesce(t.working_minutes, 0) AS minutes, count(*) AS n,
			count(*) FILTER (WHERE t.late) AS late, count(*) FILTER (WHERE t.decision = 'return') AS returns,
			min(t.standard_minutes) AS standard
		FROM step_tasks t
		WHERE t.decided_at IS NOT NULL AND `+during("t.case_started_at")+`
		GROUP BY 1, 2, 3`, p.args()...)
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
		if b.Standard != nil && (st.Standard == nil || *b.Standard < *st.Standard) {
			st.Standard = b.Standard
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
