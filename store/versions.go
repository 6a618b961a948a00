package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Version is one stored version of a case's draft SK.
type Version struct {
	CaseID      string    `db:"case_id" json:"case_id"`
	Version     int       `db:"version" json:"version"`
	Kind        string    `db:"kind" json:"kind"`
	Name        string    `db:"name" json:"name"`
	ContentType string    `db:"content_type" json:"content_type"`
	SHA256      string    `db:"sha256" json:"sha256"`
	Size        int       `db:"size" json:"size"`
	Content     []byte    `db:"content" json:"-"`
	UploadedBy  string    `db:"uploaded_by" json:"uploaded_by"`
	UploadedAt  time.Time `db:"uploaded_at" json:"uploaded_at"`
}

const versionColumns = `case_id, version, kind, name, content_type, sha256, size, content, uploaded_by, uploaded_at`

// AddVersion stores the next version of a case's draft and returns it with its number and hash.
// Versions are numbered under a row lock on the case, so two uploads cannot take one number.
func (s *Store) AddVersion(ctx context.Context, v Version) (Version, error) {
	sum := sha256.Sum256(v.Content)
	v.SHA256, v.Size = hex.EncodeToString(sum[:]), len(v.Content)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM cases WHERE id = $1 FOR UPDATE`, v.CaseID); err != nil {
			return fmt.Errorf("lock case %s: %w", v.CaseID, err)
		}
		if err := tx.GetContext(ctx, &v.Version, `SELECT coalesce(max(version), 0) + 1 FROM sk_versions WHERE case_id = $1`, v.CaseID); err != nil {
			return fmt.Errorf("next version: %w", err)
		}
		return tx.GetContext(ctx, &v.UploadedAt, `INSERT INTO sk_versions (case_id, version, kind, name, content_type, sha256, size, content, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING uploaded_at`,
			v.CaseID, v.Version, v.Kind, v.Name, v.ContentType, v.SHA256, v.Size, v.Content, v.UploadedBy)
	})
	if err != nil {
		return v, fmt.Errorf("store version of %s: %w", v.CaseID, err)
	}
	return v, nil
}

// LatestVersion is a case's newest draft version; ok is false when it has none yet.
func (s *Store) LatestVersion(ctx context.Context, caseID string) (Version, bool, error) {
	var v Version
	err := s.db.GetContext(ctx, &v, `SELECT `+versionColumns+` FROM sk_versions WHERE case_id = $1 ORDER BY version DESC LIMIT 1`, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("latest version of %s: %w", caseID, err)
	}
	return v, true, nil
}

// Versions lists a case's draft versions, oldest first, without their content.
func (s *Store) Versions(ctx context.Context, caseID string) ([]Version, error) {
	var out []Version
	if err := s.db.SelectContext(ctx, &out, `SELECT case_id, version, kind, name, content_type, sha256, size, ''::bytea AS content,
		uploaded_by, uploaded_at FROM sk_versions WHERE case_id = $1 ORDER BY version`, caseID); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", caseID, err)
	}
	return out, nil
}

// GetVersion is one version with its content.
func (s *Store) GetVersion(ctx context.Context, caseID string, version int) (Version, error) {
	var v Version
	if err := s.db.GetContext(ctx, &v, `SELECT `+versionColumns+` FROM sk_versions WHERE case_id = $1 AND version = $2`, caseID, version); err != nil {
		return v, notFound(err, fmt.Sprintf("version %d of %s", version, caseID))
	}
	return v, nil
}

// DeleteVersion removes a version its case refused to make current.
func (s *Store) DeleteVersion(ctx context.Context, caseID string, version int) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sk_versions WHERE case_id = $1 AND version = $2`, caseID, version); err != nil {
		return fmt.Errorf("remove refused version %d of %s: %w", version, caseID, err)
	}
	return nil
}
