package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrLinkUsed refuses a sign-in link that is unknown, used or expired.
var ErrLinkUsed = errors.New("tautan masuk tidak berlaku: sudah dipakai, kedaluwarsa, atau salah")

// SendTrainingLinks makes a one-time sign-in link for every participant of a run who has not
// an unused one, and queues one message per OPD with its participants' links. base is the
// public address the links start with.
func (s *Store) SendTrainingLinks(ctx context.Context, runID, base string, valid time.Duration) (int, error) {
	t, _, people, err := s.TrainingRecord(ctx, runID)
	if err != nil {
		return 0, err
	}
	byOPD := map[string][]string{}
	var order []string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, p := range people {
			if p.Absent {
				continue
			}
			b := make([]byte, 24)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			token := hex.EncodeToString(b)
			sum := sha256.Sum256([]byte(token))
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_links (token_hash, training_id, nip, expires_at) VALUES ($1, $2, $3, now() + $4::interval)`,
				hex.EncodeToString(sum[:]), runID, p.NIP, fmt.Sprintf("%d seconds", int(valid.Seconds()))); err != nil {
				return err
			}
			if _, ok := byOPD[p.OPD]; !ok {
				order = append(order, p.OPD)
			}
			byOPD[p.OPD] = append(byOPD[p.OPD], fmt.Sprintf("- %s (NIP %s): %s/peserta/masuk?t=%s", p.Name, p.NIP, strings.TrimSuffix(base, "/"), token))
		}
		for _, opd := range order {
			body := fmt.Sprintf("Yth. Pimpinan %s,\n\nBerikut tautan masuk pribadi peserta %s golongan %s angkatan %d. Sampaikan kepada masing-masing peserta; setiap tautan berlaku sekali.\n\n%s\n",
				opd, t.Title, t.Group, t.Batch, strings.Join(byOPD[opd], "\n"))
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, case_id, kind, to_role, opd, subject, body, created_at)
				VALUES ($1, $2, 'training', 'opd', $3, $4, $5, now())`, fmt.Sprintf("%s/links/%d/%s", runID, time.Now().UnixNano(), opd), t.CaseID, opd,
				"Tautan masuk peserta Latsar", body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sign-in links of %s: %w", runID, err)
	}
	n := 0
	for _, l := range byOPD {
		n += len(l)
	}
	return n, nil
}

// UseTrainingLink spends a sign-in link: the run and NIP it signs in, once.
func (s *Store) UseTrainingLink(ctx context.Context, token string) (runID, nip string, err error) {
	sum := sha256.Sum256([]byte(token))
	err = s.db.QueryRowContext(ctx, `UPDATE training_links SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
		RETURNING training_id, nip`, hex.EncodeToString(sum[:])).Scan(&runID, &nip)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrLinkUsed
	}
	return runID, nip, err
}
