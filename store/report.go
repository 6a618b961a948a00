package store

// The auditors' report, computed where the rows are: a province's million step rows are
// grouped and ranked by PostgreSQL, and only a page of cases comes back whole.

import (
	"context"
	"database/sql"
	"fmt"
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

const inPeriod = `($1::timestamptz IS NULL OR c.started_at >= $1) AND ($2::timestamptz IS NULL OR c.started_at < $2)`

// DecidedStats groups the decided attempts of the period's cases per step (in step order,
// each with the role and mutu baku of its first attempt) or, byRole, per role.
func (s *Store) DecidedStats(ctx context.Context, p Period, byRole bool) ([]DecidedStat, error) {
	// percentile_disc is the lower median at 0.5 and the ceil(0.9 n)-th smallest at 0.9.
	group, first := "t.step", `(array_agg(%s ORDER BY c.started_at, t.case_id, t.opened_at))[1]`
	cols := "t.step, " + fmt.Sprintf(first, "t.role") + " AS role, " + fmt.Sprintf(first, "t.standard_minutes") + " AS standard"
	if byRole {
		group, cols = "t.role", "0 AS step, t.role, NULL::integer AS standard"
	}
	var out []DecidedStat
	err := s.db.SelectContext(ctx, &out, `SELECT `+cols+`, count(*) AS n,
			percentile_disc(0.5) WITHIN GROUP (ORDER BY coalesce(t.working_minutes, 0)) AS median,
			percentile_disc(0.9) WITHIN GROUP (ORDER BY coalesce(t.working_minutes, 0)) AS p90,
			count(*) FILTER (WHERE t.late) AS late, count(*) FILTER (WHERE t.decision = 'return') AS returns
		FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE t.decided_at IS NOT NULL AND `+inPeriod+`
		GROUP BY `+group+` ORDER BY `+group, p.args()...)
	if err != nil {
		return nil, fmt.Errorf("report statistics: %w", err)
	}
	return out, nil
}

// CasesStarted is one page of the period's cases, oldest first, and how many there are; a
// limit of 0 is every case.
func (s *Store) CasesStarted(ctx context.Context, p Period, limit, offset int) ([]Case, int, error) {
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM cases c WHERE `+inPeriod, p.args()...); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	var out []Case
	if err := s.db.SelectContext(ctx, &out, `SELECT c.* FROM cases c WHERE `+inPeriod+` ORDER BY c.started_at, c.id LIMIT $3 OFFSET $4`,
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
