package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Credentials are what sign-in checks.
type Credentials struct {
	Official
	PasswordHash *string `db:"password_hash"`
}

// Credentials finds an official with the password hash.
func (s *Store) Credentials(ctx context.Context, nip string) (Credentials, error) {
	var c Credentials
	if err := s.db.GetContext(ctx, &c, `SELECT `+officialColumns+`, password_hash FROM officials WHERE nip = $1`, nip); err != nil {
		return c, notFound(err, "official "+nip)
	}
	return c, nil
}

// SetPassword stores a bcrypt hash for an official.
func (s *Store) SetPassword(ctx context.Context, nip, hash string) error {
	return s.updateOfficial(ctx, nip, `UPDATE officials SET password_hash = $2 WHERE nip = $1`, hash)
}

// SetRole assigns an official a role.
func (s *Store) SetRole(ctx context.Context, nip, role string) error {
	return s.updateOfficial(ctx, nip, `UPDATE officials SET role = $2 WHERE nip = $1`, role)
}

// SetEmail sets (or, with "", clears) where an official's notices are mailed.
func (s *Store) SetEmail(ctx context.Context, nip, email string) error {
	return s.updateOfficial(ctx, nip, `UPDATE officials SET email = NULLIF($2, '') WHERE nip = $1`, email)
}

// SetActive activates or deactivates an official; a deactivated official cannot sign in.
func (s *Store) SetActive(ctx context.Context, nip string, active bool) error {
	return s.updateOfficial(ctx, nip, `UPDATE officials SET active = $2 WHERE nip = $1`, active)
}

func (s *Store) updateOfficial(ctx context.Context, nip, query string, arg any) error {
	res, err := s.db.ExecContext(ctx, query, nip, arg)
	if err != nil {
		return fmt.Errorf("update official %s: %w", nip, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("official %s: %w", nip, ErrNotFound)
	}
	return nil
}

// StandIn is a Plt/Plh appointment.
type StandIn struct {
	ID        int64     `db:"id" json:"id"`
	Role      string    `db:"role" json:"role"`
	NIP       string    `db:"nip" json:"nip"`
	Name      string    `db:"name" json:"name"`
	Holder    string    `db:"holder" json:"holder"`
	StartsOn  time.Time `db:"starts_on" json:"starts_on"`
	EndsOn    time.Time `db:"ends_on" json:"ends_on"`
	CreatedBy string    `db:"created_by" json:"created_by"`
	Kind      string    `db:"kind" json:"kind"` // plt or plh
}

// Stand-in kinds.
const (
	Plt = "plt" // pelaksana tugas
	Plh = "plh" // pelaksana harian
)

// Title is how a record names the appointment: "Plt." or "Plh.".
func (si StandIn) Title() string {
	if si.Kind == Plh {
		return "Plh."
	}
	return "Plt."
}

// AddStandIn appoints a stand-in.
func (s *Store) AddStandIn(ctx context.Context, si StandIn) error {
	if si.Kind == "" {
		si.Kind = Plt
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO stand_ins (role, nip, holder, starts_on, ends_on, created_by, kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, si.Role, si.NIP, si.Holder, si.StartsOn, si.EndsOn, si.CreatedBy, si.Kind); err != nil {
		return fmt.Errorf("appoint stand-in %s for %s: %w", si.NIP, si.Role, err)
	}
	return nil
}

// StandIns lists appointments that have not ended before day (a date in the agency's zone);
// with nip set, only that official's that are in force on day.
func (s *Store) StandIns(ctx context.Context, nip string, day time.Time) ([]StandIn, error) {
	var out []StandIn
	d := day.Format("2006-01-02")
	if err := s.db.SelectContext(ctx, &out, `SELECT si.id, si.role, si.nip, o.name, si.holder, si.starts_on, si.ends_on, si.created_by, si.kind
		FROM stand_ins si JOIN officials o ON o.nip = si.nip
		WHERE si.ends_on >= $2::date AND ($1 = '' OR (si.nip = $1 AND si.starts_on <= $2::date AND o.active))
		ORDER BY si.starts_on, si.id`, nip, d); err != nil {
		return nil, fmt.Errorf("stand-ins: %w", err)
	}
	return out, nil
}

// Note appends a free-standing fact (sign-in, an official changed) to the audit log.
func (s *Store) Note(ctx context.Context, actor, action string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	r := make([]byte, 8)
	_, _ = rand.Read(r)
	key := fmt.Sprintf("note/%s/%s/%d/%s", action, actor, time.Now().UnixNano(), hex.EncodeToString(r))
	if _, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, detail) VALUES ($1, now(), $2, $3, $4)`,
		key, actor, action, jsonText(b)); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// SessionStore keeps web sessions in PostgreSQL; it satisfies scs.Store and scs.CtxStore.
type SessionStore struct{ s *Store }

// Sessions is the session store on this database.
func (s *Store) Sessions() SessionStore { return SessionStore{s} }

func (ss SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

func (ss SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

func (ss SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.s.db.GetContext(ctx, &b, `SELECT data FROM sessions WHERE token = $1 AND expiry > now()`, token)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return b, true, nil
}

func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if _, err := ss.s.db.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

func (ss SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeSessions deletes expired sessions.
func (s *Store) PurgeSessions(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < now()`); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM sign_in_limits WHERE window_start < now() - interval '1 day'`)
	return err
}

// AllowSignIn counts an attempt under key and says whether it is within n per window. The
// count is kept in the database, so every worker sees the same one.
func (s *Store) AllowSignIn(ctx context.Context, key string, n int, window time.Duration) (bool, error) {
	var attempts int
	err := s.db.GetContext(ctx, &attempts, `INSERT INTO sign_in_limits AS l (key, window_start, attempts) VALUES ($1, now(), 1)
		ON CONFLICT (key) DO UPDATE SET
			window_start = CASE WHEN l.window_start <= now() - $2 * interval '1 microsecond' THEN now() ELSE l.window_start END,
			attempts = CASE WHEN l.window_start <= now() - $2 * interval '1 microsecond' THEN 1 ELSE l.attempts + 1 END
		RETURNING attempts`, key, window.Microseconds())
	if err != nil {
		return false, fmt.Errorf("count sign-in attempts: %w", err)
	}
	return attempts <= n, nil
}
