package store

// The report's counts: the decisions' changes folded, every minute, into counts by dekad, month,
// quarter and year of their cases' start, and by the first days of each dekad (migrations
// 00021, 00023, 00025 and 00030); DecidedStats reads them.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// decidedZone is the zone of decided_counts' units, none before the first fold.
func decidedZone(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var zone string
	if err := sqlx.GetContext(ctx, q, &zone, `SELECT zone FROM decided_zone`); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("zone of the report's counts: %w", err)
	}
	return zone, nil
}

// coarser are the units above the finest, as rows, for the fold.
var coarser = func() string {
	var rows []string
	for _, u := range units[:len(units)-1] {
		rows = append(rows, fmt.Sprintf("('%s')", u.name))
	}
	return "(VALUES " + strings.Join(rows, ", ") + ") l (unit)"
}()

// addCounts adds rows, a query of (case_started_at, step, role, minutes, standard, n, late,
// returns), to decided_counts in zone. They are grouped once by local day, the dekads' counts
// and their prefixes' from those, and the coarser units' counts from the dekads', since each
// unit tiles the one above it: a rebuild groups a province's million attempts once, not once
// per unit. A day's counts go into the prefix ending at each later midnight of its dekad. It
// returns how many counts it wrote.
func addCounts(ctx context.Context, tx *sqlx.Tx, zone, rows string) (int64, error) {
	res, err := tx.ExecContext(ctx, `WITH d AS (
			SELECT (r.case_started_at AT TIME ZONE $1)::date AS day, r.step, r.role, r.minutes, r.standard,
				sum(r.n)::int AS n, sum(r.late)::int AS late, sum(r.returns)::int AS returns
			FROM (`+rows+`) r GROUP BY 1, 2, 3, 4, 5),
		f AS (
			SELECT count_unit_start($2, d.day::timestamp AT TIME ZONE $1, $1) AS period, step, role, minutes, standard,
				sum(n)::int AS n, sum(late)::int AS late, sum(returns)::int AS returns
			FROM d GROUP BY 1, 2, 3, 4, 5)
		INSERT INTO decided_counts AS c (unit, period, step, role, minutes, standard, n, late, returns)
		SELECT $2, period, step, role, minutes, standard, n, late, returns FROM f
		UNION ALL
		SELECT l.unit, count_unit_start(l.unit, f.period, $1), step, role, minutes, standard, sum(n), sum(late), sum(returns)
			FROM f CROSS JOIN `+coarser+` GROUP BY 1, 2, 3, 4, 5, 6
		UNION ALL
		SELECT $3, (d.day + k)::timestamp AT TIME ZONE $1, step, role, minutes, standard, sum(n), sum(late), sum(returns)
			FROM d CROSS JOIN generate_series(1, dekad_days_after(d.day)) k GROUP BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (unit, period, step, role, minutes, standard) DO UPDATE
		SET n = c.n + excluded.n, late = c.late + excluded.late, returns = c.returns + excluded.returns`, zone, units[len(units)-1].name, prefix)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// vacuumAfter is how many counts a fold writes before it vacuums and analyses them itself: a
// minute's decisions write a few hundred, but a bulk load's first fold writes a province's
// (170,000), and until autovacuum comes round the reads were planned on the table's old
// statistics and read every count from the heap: the report over days cut at dekads 41 ms
// in psql, 19.6 ms after VACUUM (ANALYZE).
const vacuumAfter = 10000

// foldWait is how long a fold waits for decided_deltas at a time: a report read in progress
// holds the table, and while a fold waits for it every decision waits behind the fold.
const foldWait = 100 * time.Millisecond

// FoldDecided moves the decisions' changes into the report's counts, by the dekads, months,
// quarters and years of zone; counts kept in another zone (or none yet) are rebuilt from the
// attempts first. It says whether it rebuilt.
//
// A fold holds decided_deltas alone from before its snapshot to its commit: folds take turns,
// and no decision commits a change the fold's snapshot misses, so the changes can be emptied
// with TRUNCATE. Deleting them instead would leave each fold's rows behind as dead rows that
// every read scans (a million after a bulk load, 70 MB) until a vacuum may remove them, which
// is not while any older snapshot is open. The price: a decision waits for a fold in progress
// (milliseconds for a minute's changes); a fold that finds a report read in progress waits at
// most foldWait before it lets the decisions queued behind it through, then tries again. A
// rebuild, seconds over a province, holds no decision up (rebuildDecided).
func (s *Store) FoldDecided(ctx context.Context, zone *time.Location) (bool, error) {
	rebuilt := false
	for {
		kept, err := decidedZone(ctx, s.db)
		if err == nil && kept != zone.String() {
			var did bool
			did, err = s.rebuildDecided(ctx, zone)
			rebuilt = rebuilt || did
		}
		if err == nil {
			err = s.foldDecided(ctx, zone)
		}
		var pqErr *pq.Error
		if !errors.Is(err, errZoneMoved) && (!errors.As(err, &pqErr) || pqErr.Code != "55P03") { // lock_not_available
			return rebuilt, err
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("fold the report's counts: %w", ctx.Err())
		case <-time.After(foldWait):
		}
	}
}

// errZoneMoved is a fold's finding, under its lock, that the counts are no longer kept in its
// zone: another worker rebuilt them in its own. FoldDecided then rebuilds them again.
var errZoneMoved = errors.New("the report's counts are kept in another zone")

// rebuildDecided counts every decided attempt again, in zone, while decisions go on: a
// province's million take seconds. It holds decided_deltas only against other folds and
// rebuilds (SHARE UPDATE EXCLUSIVE, which no decision's insert waits for); what its snapshot
// sees is counted from the attempts and its changes are deleted, and what decisions commit
// after it stays in decided_deltas for the fold that follows. Readers see the old counts with
// every change until it commits, then the new with the changes after its snapshot.
func (s *Store) rebuildDecided(ctx context.Context, zone *time.Location) (rebuilt bool, err error) {
	err = s.snapshot(ctx, false, func(tx *sqlx.Tx) error {
		// The first statement, so the snapshot is taken once the lock is held.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE decided_deltas IN SHARE UPDATE EXCLUSIVE MODE`); err != nil {
			return err
		}
		kept, err := decidedZone(ctx, tx)
		if err != nil || kept == zone.String() { // another worker rebuilt them while this one waited
			return err
		}
		rebuilt = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM decided_deltas; DELETE FROM decided_counts`); err != nil {
			return err
		}
		if _, err = addCounts(ctx, tx, zone.String(), `SELECT case_started_at, step, role, coalesce(working_minutes, 0) AS minutes,
			coalesce(standard_minutes, 0) AS standard, 1 AS n, late::int AS late, (decision = 'return')::int AS returns
			FROM step_tasks WHERE decided_at IS NOT NULL`); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decided_zone (zone) VALUES ($1) ON CONFLICT (only_row) DO UPDATE SET zone = excluded.zone`, zone.String())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("rebuild the report's counts: %w", err)
	}
	if !rebuilt {
		return false, nil
	}
	// The old counts are dead rows now, and the new ones are in neither the table's statistics
	// nor its visibility map: a read must not be planned on what the table was. (The changes'
	// dead rows go with the fold's TRUNCATE.)
	return true, s.vacuumCounts(ctx)
}

// foldDecided folds the changes into counts kept in zone.
func (s *Store) foldDecided(ctx context.Context, zone *time.Location) error {
	var written int64
	err := s.snapshot(ctx, false, func(tx *sqlx.Tx) error {
		// The first statement, so the snapshot is taken once the lock is held.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d; LOCK TABLE decided_deltas IN ACCESS EXCLUSIVE MODE`,
			foldWait.Milliseconds())); err != nil {
			return err
		}
		kept, err := decidedZone(ctx, tx)
		if err != nil {
			return err
		}
		if kept != zone.String() {
			return errZoneMoved
		}
		written, err = addCounts(ctx, tx, zone.String(), `SELECT case_started_at, step, role, minutes, standard, n, late, returns FROM decided_deltas`)
		if err == nil {
			_, err = tx.ExecContext(ctx, `TRUNCATE decided_deltas`)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("fold the report's counts: %w", err)
	}
	if written < vacuumAfter {
		return nil
	}
	return s.vacuumCounts(ctx)
}

// vacuumCounts vacuums and analyses decided_counts.
func (s *Store) vacuumCounts(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM (ANALYZE) decided_counts`); err != nil {
		return fmt.Errorf("vacuum the report's counts: %w", err)
	}
	return nil
}
