package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/skflow/skflow/chain"
)

// ErrInvalidTransition marks a transition the store cannot apply whatever the retries: it
// names a case or task that does not exist.
var ErrInvalidTransition = errors.New("invalid transition")

// ErrDataRejected marks a write the database refused for its data (SQLSTATE classes 22, data
// exception, and 23, integrity constraint violation): retrying the same data cannot succeed.
var ErrDataRejected = errors.New("data rejected by the database")

// dataRejected wraps err with ErrDataRejected when PostgreSQL refused the data itself.
func dataRejected(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && (pqErr.Code.Class() == "22" || pqErr.Code.Class() == "23") {
		return fmt.Errorf("%w: %w", ErrDataRejected, err)
	}
	return err
}

// Apply writes a case transition in one transaction. Each event is first appended to the audit
// log under its idempotency key; an event whose key is already there was applied before and is
// skipped, so a retried activity never writes twice.
func (s *Store) Apply(ctx context.Context, t chain.Transition) error {
	return dataRejected(s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, e := range t.Events {
			extra := map[string]any{}
			if e.Kind == chain.DecreeSigned {
				number, err := takeNumber(ctx, tx, e)
				if err != nil {
					return err
				}
				if number == "" {
					continue // numbered before: a retried write
				}
				extra["number"] = number
			}
			fresh, err := appendAudit(ctx, tx, e, extra)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			if err := project(ctx, tx, e); err != nil {
				return fmt.Errorf("apply %s: %w", e.Key(), err)
			}
		}
		for _, n := range t.Notices {
			if err := queueNotice(ctx, tx, n); err != nil {
				return fmt.Errorf("queue notice %s: %w", n.Key(), err)
			}
		}
		return nil
	}))
}

// takeNumber gives a decree the next number of its register and records it on the case, or
// returns "" when the case has its number already. The case's row lock makes a retried write
// of the same signature wait for the first and then find it numbered.
func takeNumber(ctx context.Context, tx *sqlx.Tx, e chain.Event) (string, error) {
	var have *string
	if err := tx.GetContext(ctx, &have, `SELECT decree_number FROM cases WHERE id = $1 FOR UPDATE`, e.CaseID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("%w: no case %s to number", ErrInvalidTransition, e.CaseID)
		}
		return "", fmt.Errorf("lock case %s: %w", e.CaseID, err)
	}
	if have != nil {
		return "", nil
	}
	reg := e.Register
	var seq int
	if err := tx.GetContext(ctx, &seq, `INSERT INTO decree_register (agency, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (agency, year) DO UPDATE SET last = decree_register.last + 1 RETURNING last`, reg.Agency, reg.Year); err != nil {
		return "", fmt.Errorf("decree register %s %d: %w", reg.Agency, reg.Year, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO decree_participants SELECT * FROM candidates WHERE case_id = $1 AND eligible`,
		e.CaseID); err != nil {
		return "", fmt.Errorf("freeze the participants of %s: %w", e.CaseID, err)
	}
	number := chain.DecreeNumber(reg.Format, seq, reg.Year)
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET decree_number = $2, signed_at = $3, signed_by = $4 WHERE id = $1`,
		e.CaseID, number, e.At, e.By); err != nil {
		return "", fmt.Errorf("number case %s: %w", e.CaseID, err)
	}
	return number, nil
}

func appendAudit(ctx context.Context, tx *sqlx.Tx, e chain.Event, extra map[string]any) (bool, error) {
	actor, detail := "system", extra
	var step, attempt *int
	if e.Task != nil {
		step, attempt = &e.Task.Step, &e.Task.Attempt
		detail["role"] = e.Task.Role
		if e.Task.DueAt != nil {
			detail["due_at"] = e.Task.DueAt
		}
	}
	switch e.Kind {
	case chain.CaseStarted:
		actor = e.By
		detail["title"] = e.Case.Title
		detail["definition"] = fmt.Sprintf("%s v%d", e.Case.DefinitionID, e.Case.Version)
	case chain.StepDecided:
		d := e.Decision
		actor = d.Actor.NIP
		detail["decision"] = d.Action
		detail["working_minutes"] = d.WorkingMinutes
		detail["late"] = d.Late
		if d.Reason != "" {
			detail["reason"] = d.Reason
		}
		if d.Note != "" {
			detail["note"] = d.Note
		}
		if d.Actor.OnBehalfOf != "" {
			detail["on_behalf_of"] = d.Actor.OnBehalfOf
			detail["appointment"] = d.Actor.Appointment
		}
		if d.Document != "" {
			detail["document_sha256"] = d.Document
		}
	case chain.CaseCancelled, chain.CaseStoppedOutside:
		actor = e.By
		detail["reason"] = e.Reason
	case chain.Incident:
		detail["failed"] = e.Failed
		detail["cause"] = e.Reason
	case chain.DecreeSigned:
		actor = e.By
		detail["register"] = fmt.Sprintf("%s %d", e.Register.Agency, e.Register.Year)
	case chain.DraftVersioned:
		actor = e.By
		detail["version"] = e.Draft.Version
		detail["sha256"] = e.Draft.SHA256
	case chain.OutputRecorded, chain.DecreeIssued:
		actor = e.By
		detail["artefact"] = e.Output.Artefact
		detail["sha256"] = e.Output.SHA256
	case chain.TrainingsStarted:
		actor = e.By
		detail["trainings"] = e.Trainings
	case chain.CalendarApplied:
		actor = e.By
		detail["calendar_version"] = e.Calendar.Version
		if e.Task != nil && e.Task.DueAt != nil {
			detail["due_at"] = e.Task.DueAt
		}
		if e.Calendar.Deadline != nil {
			detail["deadline"] = e.Calendar.Deadline
		}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return false, fmt.Errorf("audit detail: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, case_id, step, attempt, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
		e.Key(), e.At, actor, string(e.Kind), e.CaseID, step, attempt, jsonText(b))
	if err != nil {
		return false, fmt.Errorf("append audit %s: %w", e.Key(), err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// project brings cases and step_tasks up to date with one new event.
func project(ctx context.Context, tx *sqlx.Tx, e chain.Event) error {
	var err error
	var res interface{ RowsAffected() (int64, error) }
	switch e.Kind {
	case chain.CaseStarted:
		c := e.Case
		res, err = tx.ExecContext(ctx, `INSERT INTO cases (id, title, definition_id, definition_version, started_by,
			started_at, deadline, deadline_days, steps, calendar_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0))`,
			e.CaseID, c.Title, c.DefinitionID, c.Version, e.By, e.At, c.Deadline, c.DeadlineDays, c.Steps, c.Calendar)
	case chain.StepOpened:
		t := e.Task
		var std *int
		if t.StandardMinutes > 0 {
			std = &t.StandardMinutes
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, due_at, standard_minutes)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.CaseID, t.Step, t.Attempt, t.Role, t.OpenedAt, t.DueAt, std); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE cases SET open_step = $2, open_attempt = $3, open_role = $4,
			open_due = $5 WHERE id = $1`, e.CaseID, t.Step, t.Attempt, t.Role, t.DueAt)
	case chain.StepDecided:
		d := e.Decision
		res, err = tx.ExecContext(ctx, `UPDATE step_tasks SET decided_at = $4, decision = $5, reason = NULLIF($6, ''),
			actor_nip = $7, actor_name = NULLIF($8, ''), on_behalf_of = NULLIF($9, ''), working_minutes = $10, late = $11,
			document_sha256 = NULLIF($12, ''), appointment = NULLIF($13, ''), calendar_version = NULLIF($14, 0), note = NULLIF($15, '')
			WHERE case_id = $1 AND step = $2 AND attempt = $3 AND decided_at IS NULL`,
			e.CaseID, d.Step, d.Attempt, d.DecidedAt, string(d.Action), d.Reason, d.Actor.NIP, d.Actor.Name,
			d.Actor.OnBehalfOf, d.WorkingMinutes, d.Late, d.Document, d.Actor.Appointment, d.CalendarVersion, d.Note)
	case chain.StepReminded:
		res, err = tx.ExecContext(ctx, `UPDATE step_tasks SET reminded_at = $4 WHERE case_id = $1 AND step = $2 AND attempt = $3`,
			e.CaseID, e.Task.Step, e.Task.Attempt, e.At)
	case chain.StepEscalated:
		res, err = tx.ExecContext(ctx, `UPDATE step_tasks SET escalated_at = $4, late = true WHERE case_id = $1 AND step = $2 AND attempt = $3`,
			e.CaseID, e.Task.Step, e.Task.Attempt, e.At)
	case chain.DeadlineBreached:
		res, err = tx.ExecContext(ctx, `UPDATE cases SET deadline_breached_at = $2 WHERE id = $1`, e.CaseID, e.At)
	case chain.CaseCompleted, chain.CaseCancelled, chain.CaseStoppedOutside:
		state := map[chain.EventKind]chain.CaseState{chain.CaseCompleted: chain.Completed, chain.CaseCancelled: chain.Cancelled,
			chain.CaseStoppedOutside: chain.Stopped}[e.Kind]
		res, err = tx.ExecContext(ctx, `UPDATE cases SET state = $2, ended_at = $3, cancel_reason = NULLIF($4, ''),
			open_step = NULL, open_attempt = NULL, open_role = NULL, open_due = NULL WHERE id = $1 AND state = 'running'`,
			e.CaseID, string(state), e.At, e.Reason)
	case chain.DecreeSigned:
		return nil // numbered by takeNumber, before its audit row
	case chain.CalendarApplied:
		if t := e.Task; t != nil {
			if _, err = tx.ExecContext(ctx, `UPDATE step_tasks SET due_at = $4 WHERE case_id = $1 AND step = $2 AND attempt = $3`,
				e.CaseID, t.Step, t.Attempt, t.DueAt); err != nil {
				return err
			}
		}
		var due *time.Time
		if e.Task != nil {
			due = e.Task.DueAt
		}
		res, err = tx.ExecContext(ctx, `UPDATE cases SET calendar_version = $2, deadline = COALESCE($3, deadline),
			open_due = CASE WHEN open_step IS NULL THEN open_due ELSE $4 END WHERE id = $1`, e.CaseID, e.Calendar.Version, e.Calendar.Deadline, due)
	case chain.TrainingsStarted:
		return nil // the runs keep their own records
	case chain.DraftVersioned, chain.OutputRecorded, chain.DecreeIssued:
		return nil // the audit row is its record; the content is in sk_versions, case_documents or issued_decrees
	case chain.Incident:
		var step, attempt *int
		if e.Task != nil {
			step, attempt = &e.Task.Step, &e.Task.Attempt
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO case_incidents (case_id, at, failed, step, attempt, cause)
			VALUES ($1, $2, $3, $4, $5, $6)`, e.CaseID, e.At, string(e.Failed), step, attempt, e.Reason)
	default:
		return fmt.Errorf("%w: unknown event kind %q", ErrInvalidTransition, e.Kind)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%w: %s changed %d rows, want 1 (%v)", ErrInvalidTransition, e.Key(), n, err)
	}
	if e.Kind == chain.CaseCompleted {
		return queueDeliveries(ctx, tx, e.CaseID)
	}
	return nil
}

// participantsSQL selects a case's participants ($1): as the signed decree froze them, or the
// eligible candidates of the working classification while it is not signed.
const participantsSQL = `SELECT * FROM decree_participants WHERE case_id = $1
	UNION ALL SELECT * FROM candidates WHERE case_id = $1 AND eligible
		AND NOT EXISTS (SELECT 1 FROM decree_participants WHERE case_id = $1)`

// queueDeliveries is step 15's delivery: the signed SK goes to every OPD with the list of
// exactly its participants, one message per OPD.
func queueDeliveries(ctx context.Context, tx *sqlx.Tx, caseID string) error {
	var rows []struct {
		OPD      string `db:"opd"`
		NIP      string `db:"nip"`
		Name     string `db:"name"`
		Golongan string `db:"golongan"`
		Group    string `db:"grp"`
		Batch    int    `db:"batch"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT opd, nip, name, golongan, grp, batch FROM (`+participantsSQL+`) p
		ORDER BY opd, grp, batch, name`, caseID); err != nil {
		return fmt.Errorf("participants of %s: %w", caseID, err)
	}
	var c struct {
		Title  string  `db:"title"`
		Number *string `db:"number"`
		SHA256 *string `db:"sha256"`
	}
	if err := tx.GetContext(ctx, &c, `SELECT c.title, d.number, d.sha256 FROM cases c LEFT JOIN issued_decrees d ON d.case_id = c.id
		WHERE c.id = $1`, caseID); err != nil {
		return fmt.Errorf("case %s: %w", caseID, err)
	}
	// The issued decree is named by its number and its hash, so an OPD can check the file it
	// is given against the one issued.
	issued := ""
	if c.Number != nil {
		issued = fmt.Sprintf("\nNomor SK: %s\nSHA-256 berkas SK yang sah: %s\n(periksa keaslian berkas di laman verifikasi SK BKPSDM)\n", *c.Number, *c.SHA256)
	}
	for i := 0; i < len(rows); {
		opd := rows[i].OPD
		var b strings.Builder
		fmt.Fprintf(&b, "Yth. Pimpinan %s,\n\nSurat Keputusan Bupati Wajo tentang penetapan peserta Pelatihan Dasar CPNS (%s) telah ditetapkan. "+
			"Peserta dari %s:\n\n", opd, c.Title, opd)
		n := 0
		for ; i < len(rows) && rows[i].OPD == opd; i++ {
			r := rows[i]
			n++
			fmt.Fprintf(&b, "%d. %s, NIP %s, golongan %s, angkatan %d (golongan %s)\n", n, r.Name, r.NIP, r.Golongan, r.Batch, r.Group)
		}
		b.WriteString(issued)
		b.WriteString("\nMohon peserta ditugaskan mengikuti pelatihan sampai selesai. SK lengkap tersedia di laman BKPSDM Kabupaten Wajo.\n\nBKPSDM Kabupaten Wajo\n")
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, case_id, kind, to_role, opd, subject, body, created_at)
			VALUES ($1, $2, 'delivery', 'opd', $3, $4, $5, now()) ON CONFLICT (key) DO NOTHING`,
			caseID+"/delivery/"+opd, caseID, opd, fmt.Sprintf("SK penetapan peserta Latsar CPNS: %d peserta dari %s", n, opd), b.String()); err != nil {
			return fmt.Errorf("queue delivery to %s: %w", opd, err)
		}
	}
	return nil
}

// queueNotice writes one outbox row per active official of the role and per stand-in (Plt/Plh)
// appointed to it today; with nobody in the role, one row without a recipient, so the gap shows
// up instead of vanishing.
func queueNotice(ctx context.Context, tx *sqlx.Tx, n chain.Notice) error {
	var nips []string
	if err := tx.SelectContext(ctx, &nips, `SELECT nip FROM officials WHERE role = $1 AND active
		UNION SELECT si.nip FROM stand_ins si JOIN officials o ON o.nip = si.nip
		WHERE si.role = $1 AND o.active AND current_date BETWEEN si.starts_on AND si.ends_on
		ORDER BY nip`, n.ToRole); err != nil {
		return err
	}
	if len(nips) == 0 {
		nips = []string{""}
	}
	for _, nip := range nips {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, case_id, kind, to_role, to_nip, subject, body, created_at)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, now()) ON CONFLICT (key) DO NOTHING`,
			n.Key()+"/"+nip, n.CaseID, string(n.Kind), n.ToRole, nip, n.Subject, n.Body); err != nil {
			return err
		}
	}
	return nil
}
