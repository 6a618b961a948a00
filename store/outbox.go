package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Undeliverable is what a sender returns for a message it has no address for: it is set
// aside for Retry (the configuration may gain the address) instead of backing off.
type Undeliverable struct{ Reason string }

func (u *Undeliverable) Error() string { return u.Reason }

// Backoff is how long the sender waits before trying a failed message again: a minute,
// doubling with every attempt, at most six hours.
func Backoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Retry is how long an undeliverable message waits before it is looked at again.
const Retry = 24 * time.Hour

// SendDue hands up to limit due, unsent messages to send and records the outcome of each. Rows
// are locked with SKIP LOCKED, so several workers can send at once without sending twice.
func (s *Store) SendDue(ctx context.Context, limit int, send func(Message) error) (sent, failed int, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var due []Message
		// A message to an official goes to the official's address as it is now.
		if err := tx.SelectContext(ctx, &due, `SELECT o.id, o.key, o.case_id, o.kind, o.to_role, o.to_nip,
				coalesce(o.to_email, off.email) AS to_email, o.opd, o.subject, o.body, o.sent_at, o.attempts, o.last_error, o.next_attempt_at
			FROM outbox o LEFT JOIN officials off ON off.nip = o.to_nip
			WHERE o.sent_at IS NULL AND o.next_attempt_at <= now() ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`, limit); err != nil {
			return fmt.Errorf("due messages: %w", err)
		}
		for _, m := range due {
			var q string
			var args []any
			serr := send(m)
			var und *Undeliverable
			switch {
			case serr == nil:
				q, args = `UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, []any{m.ID}
				sent++
			case errors.As(serr, &und):
				q, args = `UPDATE outbox SET last_error = $2, next_attempt_at = now() + $3::interval WHERE id = $1`,
					[]any{m.ID, serr.Error(), fmt.Sprintf("%d seconds", int(Retry.Seconds()))}
				failed++
			default:
				q, args = `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3::interval WHERE id = $1`,
					[]any{m.ID, serr.Error(), fmt.Sprintf("%d seconds", int(Backoff(m.Attempts+1).Seconds()))}
				failed++
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("record delivery of message %d: %w", m.ID, err)
			}
		}
		return nil
	})
	return sent, failed, err
}
