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
		`INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps, state, ended_at, open_role, open_due)
			SELECT 'p-' || i, 'Latsar ' || i, 'latsar', 2, 'op', timestamptz '2025-01-01' + i * interval '7 minutes',
				timestamptz '2025-03-01' + i * interval '7 minutes', 51, 15,
				CASE WHEN i <= 10000 THEN 'running' ELSE 'completed' END,
				CASE WHEN i > 10000 THEN timestamptz '2025-02-01' + i * interval '7 minutes' END,
				CASE WHEN i <= 10000 THEN (ARRAY['kabid','analis','pelaksana','sekretaris'])[i % 4 + 1] END,
				CASE WHEN i <= 10000 THEN timestamptz '2025-01-02' + i * interval '7 minutes' END
			FROM generate_series(1, 70000) i`,
		`INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, standard_minutes, decided_at, decision, working_minutes, late)
			SELECT 'p-' || (r % 70000 + 1), r / 70000 % 15 + 1, r / 1050000 + 1 + r / 70000 / 15, (ARRAY['kabid','analis','pelaksana','sekretaris'])[r % 4 + 1],
				timestamptz '2025-01-01' + r * interval '1 minute', 30, CASE WHEN r >= 10000 THEN timestamptz '2025-01-01' + r * interval '1 minute' END,
				CASE WHEN r >= 10000 THEN (CASE WHEN r % 17 = 0 THEN 'return' ELSE 'agree' END) END, r % 240, r % 240 > 30
			FROM generate_series(0, 999999) r`,
		`VACUUM ANALYZE step_tasks`, `VACUUM ANALYZE cases`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("seed a province: %w", err)
		}
	}
	return nil
}
