package store

// The operators' board: a province's cases filtered, searched, sorted and paged where they are.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// BoardQuery is what the operators' board asks: cases open at a role, late only, a search
// (title or ID, a candidate's NIP or OPD), an order ("" newest first, "batas" nearest step
// due, "judul" by title) and one page.
type BoardQuery struct {
	Role          string
	LateAt        *time.Time // only cases whose open step was due before this instant
	Search, Order string
	Limit, Offset int
}

// Board is one page of the cases the query asks for, and how many there are, read at once.
func (s *Store) Board(ctx context.Context, q BoardQuery) ([]Case, int, error) {
	where := `($1 = '' OR c.open_role = $1) AND ($2::timestamptz IS NULL OR c.open_due < $2)`
	args := []any{q.Role, q.LateAt}
	if q.Search != "" {
		// The search as one set of IDs at the top of the condition, so PostgreSQL joins it and
		// uses the search texts' trigram index (migrations 00022, 00028) and the candidates';
		// beside an OR, or as an OR, it scanned every case.
		where += ` AND c.id IN (SELECT x.case_id FROM case_search x WHERE x.text LIKE '%' || lower($4) || '%'
			UNION ALL SELECT k.case_id FROM candidates k WHERE k.nip = $3 OR k.opd ILIKE '%' || $4 || '%')`
		args = append(args, strings.Join(strings.Fields(q.Search), ""),
			strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Search))
	}
	order := `c.started_at DESC, c.id`
	switch q.Order {
	case "batas":
		order = `c.open_due NULLS LAST, ` + order
	case "judul":
		order = `lower(c.title) COLLATE "C", ` + order
	}
	var total int
	var out []Case
	err := atOnce(ctx, func(ctx context.Context) error {
		if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM cases c WHERE `+where, args...); err != nil {
			return fmt.Errorf("count the board's cases: %w", err)
		}
		return nil
	}, func(ctx context.Context) error {
		if err := s.db.SelectContext(ctx, &out, `SELECT c.* FROM cases c WHERE `+where+` ORDER BY `+order+
			fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2), append(slices.Clip(args), q.Limit, q.Offset)...); err != nil {
			return fmt.Errorf("the board's cases: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
