package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Scope picks the records a report covers: one case, or the cases started in a period (every
// case when the period is open).
type Scope struct {
	CaseID string
	Period Period
}

// Records reads a scope's attempts, then its cases, one row at a time from one snapshot, and
// hands each to task and kase: a province's report is written as it is read, never held whole.
// Attempts come in the order of their cases' start; cases in the order they started.
func (s *Store) Records(ctx context.Context, sc Scope, task func(Task) error, kase func(Case) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin report: %w", err)
	}
	args := append(sc.Period.args(), sc.CaseID)
	err = each(ctx, tx, task, `SELECT `+taskColumns+`, c.title AS case_title
		FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE `+during("c.started_at")+` AND ($3 = '' OR t.case_id = $3)
		ORDER BY c.started_at, t.case_id, t.opened_at, t.step, t.attempt`, args...)
	if err != nil {
		return errors.Join(fmt.Errorf("report attempts: %w", err), tx.Rollback())
	}
	err = each(ctx, tx, kase, `SELECT c.* FROM cases c WHERE `+during("c.started_at")+` AND ($3 = '' OR c.id = $3)
		ORDER BY c.started_at, c.id`, args...)
	if err != nil {
		return errors.Join(fmt.Errorf("report cases: %w", err), tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("end report: %w", err)
	}
	return nil
}

// each scans query's rows into T one at a time and hands them to fn; the first error stops it.
func each[T any](ctx context.Context, tx *sqlx.Tx, fn func(T) error, query string, args ...any) error {
	rows, err := tx.QueryxContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := rows.StructScan(&v); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
