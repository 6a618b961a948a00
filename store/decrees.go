package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Decree is a decree as issued: its number and the exact bytes of its PDF.
type Decree struct {
	CaseID      string    `db:"case_id" json:"case_id"`
	Number      string    `db:"number" json:"number"`
	SHA256      string    `db:"sha256" json:"sha256"`
	ContentType string    `db:"content_type" json:"content_type"`
	Content     []byte    `db:"content" json:"-"`
	IssuedAt    time.Time `db:"issued_at" json:"issued_at"`
}

// IssuedDecree is a case's issued decree; ok is false when none is issued yet.
func (s *Store) IssuedDecree(ctx context.Context, caseID string) (Decree, bool, error) {
	var d Decree
	err := s.db.GetContext(ctx, &d, `SELECT case_id, number, sha256, content_type, content, issued_at FROM issued_decrees WHERE case_id = $1`, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("issued decree of %s: %w", caseID, err)
	}
	return d, true, nil
}

// IssueDecree freezes a decree's bytes once; when two ask at once, both get the first's.
func (s *Store) IssueDecree(ctx context.Context, caseID, number, contentType string, content []byte) (Decree, error) {
	sum := sha256.Sum256(content)
	// No arbiter named: the row is unique by case and by number, and PostgreSQL skips a
	// conflict only on the arbiter it is given, so two callers at once could meet on the
	// number's index and fail instead of finding the first's decree.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO issued_decrees (case_id, number, sha256, content_type, content)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, caseID, number, hex.EncodeToString(sum[:]), contentType, content); err != nil {
		return Decree{}, fmt.Errorf("issue decree %s: %w", number, err)
	}
	d, ok, err := s.IssuedDecree(ctx, caseID)
	switch {
	case err != nil:
		return d, err
	case !ok || d.Number != number:
		return d, fmt.Errorf("issue decree %s of %s: the number is issued to another case", number, caseID)
	}
	return d, nil
}
