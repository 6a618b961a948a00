package store

import (
	"context"
	"errors"
	"fmt"
	"time"
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

// Lease is how long a claimed message is left to its sender before another may claim it: a
// sender that dies mid-send leaves its messages due again once the lease ends.
const Lease = 5 * time.Minute

// SendDue claims up to limit due, unsent messages, hands each to send outside any transaction,
// and records each outcome in a transaction of its own. Claiming is one committed statement
// (SKIP LOCKED, and a lease pushed into next_attempt_at), so a slow mail server holds no row
// lock, several workers never send the same message at once, and a failed record of one
// outcome never sends the others again.
func (s *Store) SendDue(ctx context.Context, limit int, send func(Message) error) (sent, failed int, err error) {
	due, err := s.leaseDue(ctx, limit)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range due {
		serr := send(m)
		var und *Undeliverable
		var q string
		var args []any
		switch {
		case serr == nil:
			q, args = `UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, []any{m.ID}
			sent++
		case errors.As(serr, &und):
			q, args = `UPDATE outbox SET last_error = $2, next_attempt_at = now() + $3::interval WHERE id = $1`,
				[]any{m.ID, serr.Error(), interval(Retry)}
			failed++
		default:
			q, args = `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3::interval WHERE id = $1`,
				[]any{m.ID, serr.Error(), interval(Backoff(m.Attempts + 1))}
			failed++
		}
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return sent, failed, fmt.Errorf("record delivery of message %d: %w", m.ID, err)
		}
	}
	return sent, failed, nil
}

func (s *Store) leaseDue(ctx context.Context, limit int) ([]Message, error) {
	var due []Message
	// A message to an official goes to the official's address as it is now.
	if err := s.db.SelectContext(ctx, &due, `WITH claimed AS (
			UPDATE outbox SET next_attempt_at = now() + $2::interval
			WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= now()
				ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
			RETURNING *)
		SELECT c.id, c.key, c.case_id, c.kind, c.to_role, c.to_nip, coalesce(c.to_email, off.email) AS to_email, c.opd,
			c.subject, c.body, c.sent_at, c.attempts, c.last_error, c.next_attempt_at
		FROM claimed c LEFT JOIN officials off ON off.nip = c.to_nip ORDER BY c.id`, limit, interval(Lease)); err != nil {
		return nil, fmt.Errorf("claim due messages: %w", err)
	}
	return due, nil
}

func interval(d time.Duration) string { return fmt.Sprintf("%d seconds", int(d.Seconds())) }
