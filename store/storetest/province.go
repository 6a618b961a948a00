package storetest

import (
	"context"
	"fmt"

	"github.com/skflow/skflow/store"
)

// SeedProvince fills st with a province's records, in SQL: 70,000 cases of the Latsar
// definition started 7 minutes apart from 2025-01-01, 10,000 of them running and the rest
// completed, and 1,000,000 step rows, of which 10,000 are open (the running cases'), spread
// over four roles (2,500 each: kabid, analis, pelaksana, sekretaris).
func SeedProvince(ctx context.Context, st *store.Store) error {
	for _, q := range []string{
		// A running case's open step (its first: case p-i's is row i-1 below) is on the case as
		// the workflow's records put it there, role and due time alike.
		`INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps, state, ended_at,
				open_step, open_attempt, open_role, open_due)
			SELECT 'p-' || i, 'Latsar ' || i, 'latsar', 2, 'op', timestamptz '2025-01-01' + i * interval '7 minutes',
				timestamptz '2025-03-01' + i * interval '7 minutes', 51, 15,
				CASE WHEN i <= 10000 THEN 'running' ELSE 'completed' END,
				CASE WHEN i > 10000 THEN timestamptz '2025-02-01' + i * interval '7 minutes' END,
				CASE WHEN i <= 10000 THEN 1 END, CASE WHEN i <= 10000 THEN 1 END,
				CASE WHEN i <= 10000 THEN (ARRAY['kabid','analis','pelaksana','sekretaris'])[(i - 1) % 4 + 1] END,
				CASE WHEN i <= 10000 THEN timestamptz '2025-01-02' + i * interval '7 minutes' END
			FROM generate_series(1, 70000) i`,
		`INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, due_at, standard_minutes, decided_at, decision, working_minutes, late)
			SELECT 'p-' || (r % 70000 + 1), r / 70000 % 15 + 1, r / 1050000 + 1 + r / 70000 / 15, (ARRAY['kabid','analis','pelaksana','sekretaris'])[r % 4 + 1],
				timestamptz '2025-01-01' + r * interval '1 minute', CASE WHEN r < 10000 THEN timestamptz '2025-01-02' + (r + 1) * interval '7 minutes' END,
				30, CASE WHEN r >= 10000 THEN timestamptz '2025-01-01' + r * interval '1 minute' END,
				CASE WHEN r >= 10000 THEN (CASE WHEN r % 17 = 0 THEN 'return' ELSE 'agree' END) END, r % 240, r % 240 > 30
			FROM generate_series(0, 999999) r`,
		`VACUUM ANALYZE step_tasks`, `VACUUM ANALYZE cases`, `VACUUM ANALYZE case_search`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("seed a province: %w", err)
		}
	}
	var agree int
	if err := st.DB().GetContext(ctx, &agree, `SELECT count(*) FROM cases c JOIN step_tasks t
		ON (t.case_id, t.step, t.attempt, t.role, t.due_at) = (c.id, c.open_step, c.open_attempt, c.open_role, c.open_due)
		WHERE c.state = 'running' AND t.decided_at IS NULL`); err != nil {
		return fmt.Errorf("check the province: %w", err)
	}
	if agree != 10000 {
		return fmt.Errorf("the province's running cases: %d of 10,000 name their open task", agree)
	}
	return nil
}
