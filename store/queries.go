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

// Case is a case as the store keeps it.
type Case struct {
	ID                 string     `db:"id" json:"id"`
	Title              string     `db:"title" json:"title"`
	DefinitionID       string     `db:"definition_id" json:"definition_id"`
	DefinitionVersion  int        `db:"definition_version" json:"definition_version"`
	StartedBy          string     `db:"started_by" json:"started_by"`
	StartedAt          time.Time  `db:"started_at" json:"started_at"`
	Deadline           time.Time  `db:"deadline" json:"deadline"`
	DeadlineDays       int        `db:"deadline_days" json:"deadline_days"`
	Steps              int        `db:"steps" json:"steps"`
	State              string     `db:"state" json:"state"`
	OpenStep           *int       `db:"open_step" json:"open_step"`
	OpenAttempt        *int       `db:"open_attempt" json:"open_attempt"`
	OpenRole           *string    `db:"open_role" json:"open_role"`
	OpenDue            *time.Time `db:"open_due" json:"open_due"`
	DeadlineBreachedAt *time.Time `db:"deadline_breached_at" json:"deadline_breached_at"`
	EndedAt            *time.Time `db:"ended_at" json:"ended_at"`
	CancelReason       *string    `db:"cancel_reason" json:"cancel_reason"`
	DecreeNumber       *string    `db:"decree_number" json:"decree_number"` // from the register, at the signature
	SignedAt           *time.Time `db:"signed_at" json:"signed_at"`
	SignedBy           *string    `db:"signed_by" json:"signed_by"`
	// CalendarVersion is the calendar version the case's workflow last said it follows.
	CalendarVersion *int `db:"calendar_version" json:"calendar_version"`
}

// StepLate reports whether the open step is past its mutu baku at now.
func (c Case) StepLate(now time.Time) bool { return c.OpenDue != nil && now.After(*c.OpenDue) }

// DaysUsed is how many calendar days the case has taken so far (or took), against its deadline.
func (c Case) DaysUsed(now time.Time) float64 {
	end := now
	if c.EndedAt != nil {
		end = *c.EndedAt
	}
	return end.Sub(c.StartedAt).Hours() / 24
}

// Task is one attempt at one step.
type Task struct {
	CaseID          string     `db:"case_id" json:"case_id"`
	CaseTitle       string     `db:"case_title" json:"case_title,omitempty"`
	Step            int        `db:"step" json:"step"`
	Attempt         int        `db:"attempt" json:"attempt"`
	Role            string     `db:"role" json:"role"`
	OpenedAt        time.Time  `db:"opened_at" json:"opened_at"`
	DueAt           *time.Time `db:"due_at" json:"due_at"`
	StandardMinutes *int       `db:"standard_minutes" json:"standard_minutes"`
	DecidedAt       *time.Time `db:"decided_at" json:"decided_at"`
	Decision        *string    `db:"decision" json:"decision"`
	Reason          *string    `db:"reason" json:"reason"`
	ActorNIP        *string    `db:"actor_nip" json:"actor_nip"`
	ActorName       *string    `db:"actor_name" json:"actor_name"`
	OnBehalfOf      *string    `db:"on_behalf_of" json:"on_behalf_of"`
	Appointment     *string    `db:"appointment" json:"appointment"` // Plt. or Plh. for a stand-in
	WorkingMinutes  *int       `db:"working_minutes" json:"working_minutes"`
	Late            bool       `db:"late" json:"late"`
	RemindedAt      *time.Time `db:"reminded_at" json:"reminded_at"`
	EscalatedAt     *time.Time `db:"escalated_at" json:"escalated_at"`
	Document        *string    `db:"document_sha256" json:"document_sha256"`
	CalendarVersion *int       `db:"calendar_version" json:"calendar_version"` // measured by; nil: the case's first calendar
	Note            *string    `db:"note" json:"note"`                         // the instruction given to the next role
}

// Official is a person who may act in the chain (or operate, or audit).
type Official struct {
	NIP       string    `db:"nip" json:"nip"`
	Name      string    `db:"name" json:"name"`
	Role      string    `db:"role" json:"role"`
	Active    bool      `db:"active" json:"active"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	Email     *string   `db:"email" json:"email"`
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID      int64     `db:"id" json:"id"`
	Key     string    `db:"key" json:"key"`
	At      time.Time `db:"at" json:"at"`
	Actor   string    `db:"actor" json:"actor"`
	Action  string    `db:"action" json:"action"`
	CaseID  *string   `db:"case_id" json:"case_id"`
	Step    *int      `db:"step" json:"step"`
	Attempt *int      `db:"attempt" json:"attempt"`
	Detail  []byte    `db:"detail" json:"detail"`
}

// Message is one outbox row.
type Message struct {
	ID            int64      `db:"id" json:"id"`
	Key           string     `db:"key" json:"key"`
	CaseID        string     `db:"case_id" json:"case_id"`
	Kind          string     `db:"kind" json:"kind"`
	ToRole        string     `db:"to_role" json:"to_role"`
	ToNIP         *string    `db:"to_nip" json:"to_nip"`
	ToEmail       *string    `db:"to_email" json:"to_email"`
	OPD           *string    `db:"opd" json:"opd"`
	Subject       string     `db:"subject" json:"subject"`
	Body          string     `db:"body" json:"body"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at"`
	Attempts      int        `db:"attempts" json:"attempts"`
	LastError     *string    `db:"last_error" json:"last_error"`
	NextAttemptAt time.Time  `db:"next_attempt_at" json:"next_attempt_at"`
}

const messageColumns = `id, key, case_id, kind, to_role, to_nip, to_email, opd, subject, body, sent_at, attempts, last_error, next_attempt_at`

// Document is a file attached to a case.
type Document struct {
	CaseID     string
	Kind       string
	Name       string
	SHA256     string
	Content    []byte
	UploadedBy string
}

// officialColumns never include the password hash.
const officialColumns = `nip, name, role, active, created_at, email`

const taskColumns = `t.case_id, t.step, t.attempt, t.role, t.opened_at, t.due_at, t.standard_minutes, t.decided_at,
	t.decision, t.reason, t.actor_nip, t.actor_name, t.on_behalf_of, t.appointment, t.working_minutes, t.late, t.reminded_at, t.escalated_at,
	t.document_sha256, t.calendar_version, t.note`

// Cases lists every case, newest first.
func (s *Store) Cases(ctx context.Context) ([]Case, error) {
	var out []Case
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM cases ORDER BY started_at DESC, id`); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
}

// Case finds one case.
func (s *Store) Case(ctx context.Context, id string) (Case, error) {
	var c Case
	if err := s.db.GetContext(ctx, &c, `SELECT * FROM cases WHERE id = $1`, id); err != nil {
		return c, notFound(err, "case "+id)
	}
	return c, nil
}

// OpenTasks lists undecided tasks of running cases, oldest first; role "" means every role.
func (s *Store) OpenTasks(ctx context.Context, role string) ([]Task, error) {
	var out []Task
	if err := s.db.SelectContext(ctx, &out, `SELECT `+taskColumns+`, c.title AS case_title
		FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE t.decided_at IS NULL AND c.state = 'running' AND ($1 = '' OR t.role = $1)
		ORDER BY t.opened_at, t.case_id`, role); err != nil {
		return nil, fmt.Errorf("open tasks: %w", err)
	}
	return out, nil
}

// WaitCase waits up to d for the worker to record a case that was just started.
func (s *Store) WaitCase(ctx context.Context, id string, d time.Duration) (Case, error) {
	deadline := time.Now().Add(d)
	for {
		c, err := s.Case(ctx, id)
		if err == nil || !errors.Is(err, ErrNotFound) || time.Now().After(deadline) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return c, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Tasks lists the step attempts of one case (or of every case, with ""), case by case in the
// order they were opened.
func (s *Store) Tasks(ctx context.Context, caseID string) ([]Task, error) {
	var out []Task
	if err := s.db.SelectContext(ctx, &out, `SELECT `+taskColumns+`, c.title AS case_title
		FROM step_tasks t JOIN cases c ON c.id = t.case_id
		WHERE $1 = '' OR t.case_id = $1
		ORDER BY c.started_at, t.case_id, t.opened_at, t.step, t.attempt`, caseID); err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}

// Officials lists everyone, by role then name.
func (s *Store) Officials(ctx context.Context) ([]Official, error) {
	var out []Official
	if err := s.db.SelectContext(ctx, &out, `SELECT `+officialColumns+` FROM officials ORDER BY role, name`); err != nil {
		return nil, fmt.Errorf("list officials: %w", err)
	}
	return out, nil
}

// Official finds one official by NIP.
func (s *Store) Official(ctx context.Context, nip string) (Official, error) {
	var o Official
	if err := s.db.GetContext(ctx, &o, `SELECT `+officialColumns+` FROM officials WHERE nip = $1`, nip); err != nil {
		return o, notFound(err, "official "+nip)
	}
	return o, nil
}

// AddOfficial inserts an official unless the NIP is already there; it reports whether it did.
func (s *Store) AddOfficial(ctx context.Context, o Official) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO officials (nip, name, role, active, email) VALUES ($1, $2, $3, true, $4)
		ON CONFLICT (nip) DO NOTHING`, o.NIP, o.Name, o.Role, o.Email)
	if err != nil {
		return false, fmt.Errorf("add official %s: %w", o.NIP, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NewDocument describes a file for a case, with its SHA-256.
func NewDocument(caseID, kind, name string, content []byte, by string) Document {
	sum := sha256.Sum256(content)
	return Document{CaseID: caseID, Kind: kind, Name: name, SHA256: hex.EncodeToString(sum[:]), Content: content, UploadedBy: by}
}

// SaveDocument stores a file for a case; the same content twice is stored once.
func (s *Store) SaveDocument(ctx context.Context, d Document) error {
	return saveDocument(ctx, s.db, d)
}

func saveDocument(ctx context.Context, db sqlx.ExecerContext, d Document) error {
	if _, err := db.ExecContext(ctx, `INSERT INTO case_documents (case_id, kind, name, sha256, size, content, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, sha256) DO NOTHING`,
		d.CaseID, d.Kind, d.Name, d.SHA256, len(d.Content), d.Content, d.UploadedBy); err != nil {
		return fmt.Errorf("save document %s: %w", d.Name, err)
	}
	return nil
}

// Audit lists the audit log of a case (or all of it), in order.
func (s *Store) Audit(ctx context.Context, caseID string) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := s.db.SelectContext(ctx, &out, `SELECT id, key, at, actor, action, case_id, step, attempt, detail
		FROM audit_log WHERE $1 = '' OR stream = $1 ORDER BY id`, caseID); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}

// Outbox lists the messages queued for a case.
func (s *Store) Outbox(ctx context.Context, caseID string) ([]Message, error) {
	var out []Message
	if err := s.db.SelectContext(ctx, &out, `SELECT `+messageColumns+` FROM outbox WHERE case_id = $1 ORDER BY id`, caseID); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// DB exposes the pool to tests in other packages that check rows directly.
func (s *Store) DB() *sqlx.DB { return s.db }

// RunningCases lists the cases the records call running that started more than age ago.
func (s *Store) RunningCases(ctx context.Context, age time.Duration) ([]string, error) {
	var ids []string
	if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM cases WHERE state = 'running' AND started_at < now() - $1::interval
		ORDER BY started_at`, interval(age)); err != nil {
		return nil, fmt.Errorf("running cases: %w", err)
	}
	return ids, nil
}

// DocumentSHA256 is the hash of a case's newest document of a kind; ok is false when it has none.
func (s *Store) DocumentSHA256(ctx context.Context, caseID, kind string) (string, bool, error) {
	var sum string
	err := s.db.GetContext(ctx, &sum, `SELECT sha256 FROM case_documents WHERE case_id = $1 AND kind = $2
		ORDER BY uploaded_at DESC LIMIT 1`, caseID, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("%s of %s: %w", kind, caseID, err)
	}
	return sum, true, nil
}

// AuditFilter narrows the audit log: a case (or training run), an actor, a period; empty
// fields do not filter.
type AuditFilter struct {
	CaseID string
	Actor  string
	From   *time.Time
	To     *time.Time
	Limit  int
}

// AuditSearch lists the audit log's rows that match, newest first, at most f.Limit.
func (s *Store) AuditSearch(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var out []AuditEntry
	if err := s.db.SelectContext(ctx, &out, `SELECT id, key, at, actor, action, case_id, step, attempt, detail FROM audit_log
		WHERE ($1 = '' OR stream = $1) AND ($2 = '' OR actor ILIKE '%' || $2 || '%')
		AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
		ORDER BY id DESC LIMIT $5`, f.CaseID, f.Actor, f.From, f.To, f.Limit); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}

// Messages lists the outbox, unsent first (failed ones first among them), at most limit.
func (s *Store) Messages(ctx context.Context, unsentOnly bool, limit int) ([]Message, error) {
	var out []Message
	if err := s.db.SelectContext(ctx, &out, `SELECT `+messageColumns+` FROM outbox WHERE NOT $1 OR sent_at IS NULL
		ORDER BY sent_at IS NOT NULL, last_error IS NULL, id DESC LIMIT $2`, unsentOnly, limit); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// RetryMessage makes an unsent message due now, at a corrected address when one is given; it
// says whether there was such a message.
func (s *Store) RetryMessage(ctx context.Context, id int64, email, by string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = now(), to_email = COALESCE(NULLIF($2, ''), to_email)
		WHERE id = $1 AND sent_at IS NULL`, id, email)
	if err != nil {
		return false, fmt.Errorf("retry message %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	if n == 1 {
		detail := map[string]any{"message": id}
		if email != "" {
			detail["to_email"] = email
		}
		if err := s.Note(ctx, by, "message_retried", detail); err != nil {
			return true, err
		}
	}
	return n == 1, nil
}
