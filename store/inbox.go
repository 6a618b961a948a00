package store

// An official's inbox: the open attempts at their roles, counted, searched, sorted and paged
// where they are, so a role with thousands waiting reads one page.

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// InboxQuery is what an inbox asks: the open attempts of running cases at some roles, a search
// in their case's title or ID, an order ("" oldest first, "batas" nearest due first) and one
// page. At is the instant lateness is judged at, EndOfDay the end of its day.
type InboxQuery struct {
	Roles         []string
	Search, Order string
	At, EndOfDay  time.Time
	Limit, Offset int
}

// InboxCounts are the inbox's figures: every open attempt at the roles, those past due, those
// due before the day ends and not yet late, and those the search keeps.
type InboxCounts struct {
	Waiting  int `db:"waiting"`
	Late     int `db:"late"`
	DueToday int `db:"due_today"`
	Found    int `db:"found"`
}

// Inbox is one page of the open attempts the query asks for, and the inbox's figures, read at
// once.
func (s *Store) Inbox(ctx context.Context, q InboxQuery) ([]Task, InboxCounts, error) {
	const open = `FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE t.decided_at IS NULL AND c.state = 'running' AND t.role = ANY($1)`
	const found = `($2 = '' OR position(lower($2) IN lower(c.title || ' ' || t.case_id)) > 0)`
	var n InboxCounts
	order := `t.opened_at, t.case_id, t.step`
	if q.Order == "batas" {
		order = `t.due_at NULLS LAST, ` + order
	}
	var out []Task
	err := atOnce(ctx, func(ctx context.Context) error {
		if err := s.db.GetContext(ctx, &n, `SELECT count(*) AS waiting, count(*) FILTER (WHERE t.due_at < $3) AS late,
			count(*) FILTER (WHERE t.due_at >= $3 AND t.due_at < $4) AS due_today, count(*) FILTER (WHERE `+found+`) AS found `+open,
			pq.Array(q.Roles), q.Search, q.At, q.EndOfDay); err != nil {
			return fmt.Errorf("count the inbox: %w", err)
		}
		return nil
	}, func(ctx context.Context) error {
		if err := s.db.SelectContext(ctx, &out, `SELECT `+taskColumns+`, c.title AS case_title `+open+` AND `+found+`
			ORDER BY `+order+` LIMIT $3 OFFSET $4`, pq.Array(q.Roles), q.Search, q.Limit, q.Offset); err != nil {
			return fmt.Errorf("the inbox: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, InboxCounts{}, err
	}
	return out, n, nil
}
