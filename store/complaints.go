package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Complaint is a complaint about the service and its answer.
type Complaint struct {
	Number     string     `db:"number" json:"number"`
	Name       string     `db:"name" json:"name"`
	Contact    string     `db:"contact" json:"contact"`
	Body       string     `db:"body" json:"body"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	Answer     *string    `db:"answer" json:"answer"`
	AnsweredAt *time.Time `db:"answered_at" json:"answered_at"`
	AnsweredBy *string    `db:"answered_by" json:"answered_by"`
}

// AddComplaint records a complaint under a new tracking number and tells the operators.
func (s *Store) AddComplaint(ctx context.Context, name, contact, body string) (Complaint, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return Complaint{}, err
	}
	number := "ADU-" + strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	var c Complaint
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &c, `INSERT INTO complaints (number, name, contact, body) VALUES ($1, $2, $3, $4) RETURNING *`,
			number, name, contact, body); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, case_id, kind, to_role, subject, body, created_at)
			VALUES ($1, 'pengaduan', 'complaint', 'operator', $2, $3, now())`, "complaint/"+number,
			"Pengaduan layanan "+number, fmt.Sprintf("Pengaduan baru %s dari %s (%s):\n\n%s\n\nJawab di halaman Pengaduan.", number, name, contact, body))
		return err
	})
	if err != nil {
		return c, fmt.Errorf("record complaint: %w", dataRejected(err))
	}
	return c, nil
}

// Complaint is one complaint by its tracking number.
func (s *Store) Complaint(ctx context.Context, number string) (Complaint, error) {
	var c Complaint
	if err := s.db.GetContext(ctx, &c, `SELECT * FROM complaints WHERE number = $1`, strings.ToUpper(strings.TrimSpace(number))); err != nil {
		return c, notFound(err, "complaint "+number)
	}
	return c, nil
}

// Complaints lists every complaint, unanswered first.
func (s *Store) Complaints(ctx context.Context) ([]Complaint, error) {
	var out []Complaint
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM complaints ORDER BY answered_at IS NOT NULL, created_at DESC`); err != nil {
		return nil, fmt.Errorf("complaints: %w", err)
	}
	return out, nil
}

// AnswerComplaint records the answer (a later answer replaces it) and audits it.
func (s *Store) AnswerComplaint(ctx context.Context, number, answer, by string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE complaints SET answer = $2, answered_at = now(), answered_by = $3 WHERE number = $1`, number, answer, by)
	if err != nil {
		return fmt.Errorf("answer complaint %s: %w", number, dataRejected(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("complaint %s: %w", number, ErrNotFound)
	}
	return s.Note(ctx, by, "complaint_answered", map[string]any{"complaint": number})
}

// ComplaintSummary is the auditors' view of complaints: how many, how many wait, how fast.
type ComplaintSummary struct {
	Total       int      `db:"total" json:"total"`
	Open        int      `db:"open" json:"open"`
	AnswerHours *float64 `db:"answer_hours" json:"answer_hours"` // mean, of the answered
}

// ComplaintReport sums the complaints up.
func (s *Store) ComplaintReport(ctx context.Context) (ComplaintSummary, error) {
	var c ComplaintSummary
	err := s.db.GetContext(ctx, &c, `SELECT count(*) AS total, count(*) FILTER (WHERE answered_at IS NULL) AS open,
		avg(extract(epoch FROM answered_at - created_at) / 3600) AS answer_hours FROM complaints`)
	if err != nil {
		return c, fmt.Errorf("complaint report: %w", err)
	}
	return c, nil
}
