package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// AuditCheck is the result of walking the audit log's hash chain.
type AuditCheck struct {
	Rows     int64  `json:"rows"`
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"` // record it elsewhere: a rewrite of the whole chain changes it
	Broken   *Break `json:"broken,omitempty"`
}

// Break is the first link of the chain that does not hold.
type Break struct {
	Seq    int64  `json:"seq"`
	ID     int64  `json:"id"`
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// VerifyAudit recomputes every row's hash from its content and the previous row's hash and
// reports the first link that does not hold: an edited, deleted or inserted row.
func (s *Store) VerifyAudit(ctx context.Context) (AuditCheck, error) {
	var c AuditCheck
	var head []byte
	err := s.db.QueryRowxContext(ctx, `SELECT count(*), coalesce(max(seq), 0),
		coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '\x'::bytea) FROM audit_log`).Scan(&c.Rows, &c.HeadSeq, &head)
	if err != nil {
		return c, fmt.Errorf("read audit log: %w", err)
	}
	c.HeadHash = hex.EncodeToString(head)
	var b Break
	err = s.db.QueryRowxContext(ctx, `
		WITH chain AS (
			SELECT a.id, a.key, a.seq, a.prev_hash, a.hash,
				lag(a.hash, 1, '\x'::bytea) OVER (ORDER BY a.seq) AS before,
				lag(a.seq, 1, 0::bigint) OVER (ORDER BY a.seq) AS before_seq,
				audit_row_hash(a.prev_hash, a) AS recomputed
			FROM audit_log a)
		SELECT seq, id, key, CASE
				WHEN seq <> before_seq + 1 THEN 'a row is missing before this one'
				WHEN prev_hash <> before THEN 'it does not follow the row before it'
				ELSE 'its content no longer matches its hash' END
		FROM chain
		WHERE seq <> before_seq + 1 OR prev_hash <> before OR hash <> recomputed
		ORDER BY seq LIMIT 1`).Scan(&b.Seq, &b.ID, &b.Key, &b.Reason)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, nil
	case err != nil:
		return c, fmt.Errorf("verify audit log: %w", err)
	}
	c.Broken = &b
	return c, nil
}
