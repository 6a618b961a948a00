package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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

// Apply writes a case transition in one transaction. Each event is appended to the audit log
// under its idempotency key, and what it changes is written in the same statement, only when
// the key is new: a retried activity never writes twice, and an event costs one round trip.
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
			fresh, err := applyEvent(ctx, tx, e, extra)
			if err != nil {
				return fmt.Errorf("apply %s: %w", e.Key(), err)
			}
			if fresh && e.Kind == chain.CaseCompleted {
				if err := queueDeliveries(ctx, tx, e.CaseID); err != nil {
					return err
				}
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

// auditRow is the audit log's row of an event: its columns from key to detail, in order.
func auditRow(e chain.Event, extra map[string]any) ([]any, error) {
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
		return nil, fmt.Errorf("audit detail: %w", err)
	}
	return []any{e.Key(), e.At, actor, string(e.Kind), e.CaseID, step, attempt, jsonText(b)}, nil
}

// write is one statement an event runs when its audit row is new (the CTE fresh holds it),
// over parameters from $9; exact ones must change one row, or the transition is invalid.
type write struct {
	sql   string
	exact bool
}

// applyEvent appends e's audit row and, in the same statement, writes what e changes if the
// row is new; it says whether it was.
func applyEvent(ctx context.Context, tx *sqlx.Tx, e chain.Event, extra map[string]any) (bool, error) {
	row, err := auditRow(e, extra)
	if err != nil {
		return false, err
	}
	writes, args, err := changes(e)
	if err != nil {
		return false, err
	}
	var q strings.Builder
	q.WriteString(`WITH fresh AS (INSERT INTO audit_log (key, at, actor, action, case_id, step, attempt, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING RETURNING 1)`)
	for i, w := range writes {
		fmt.Fprintf(&q, `, w%d AS (%s RETURNING 1)`, i, w.sql)
	}
	q.WriteString(` SELECT (SELECT count(*) FROM fresh)`)
	for i := range writes {
		fmt.Fprintf(&q, `, (SELECT count(*) FROM w%d)`, i)
	}
	counts := make([]int64, 1+len(writes))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := tx.QueryRowContext(ctx, q.String(), append(row, args...)...).Scan(dest...); err != nil {
		return false, err
	}
	if counts[0] == 0 {
		return false, nil
	}
	for i, w := range writes {
		if w.exact && counts[1+i] != 1 {
			return false, fmt.Errorf("%w: %s changed %d rows, want 1", ErrInvalidTransition, e.Key(), counts[1+i])
		}
	}
	return true, nil
}

// changes is what an event writes to cases, step_tasks and case_incidents, and the parameters
// of those writes ($9 on). Types are cast where no column gives them (INSERT ... SELECT).
func changes(e chain.Event) ([]write, []any, error) {
	const ifFresh = ` AND EXISTS (SELECT FROM fresh)`
	task := func(sql string) ([]write, []any, error) {
		return []write{{sql + ifFresh, true}}, []any{e.CaseID, e.Task.Step, e.Task.Attempt, e.At}, nil
	}
	switch e.Kind {
	case chain.CaseStarted:
		c := e.Case
		return []write{{`INSERT INTO cases (id, title, definition_id, definition_version, started_by, started_at, deadline, deadline_days, steps, calendar_version)
			SELECT $9::text, $10::text, $11::text, $12::int, $13::text, $14::timestamptz, $15::timestamptz, $16::int, $17::int, NULLIF($18::int, 0)
			WHERE EXISTS (SELECT FROM fresh)`, true}},
			[]any{e.CaseID, c.Title, c.DefinitionID, c.Version, e.By, e.At, c.Deadline, c.DeadlineDays, c.Steps, c.Calendar}, nil
	case chain.StepOpened:
		t := e.Task
		var std *int
		if t.StandardMinutes > 0 {
			std = &t.StandardMinutes
		}
		return []write{
				{`INSERT INTO step_tasks (case_id, step, attempt, role, opened_at, due_at, standard_minutes)
					SELECT $9::text, $10::int, $11::int, $12::text, $13::timestamptz, $14::timestamptz, $15::int WHERE EXISTS (SELECT FROM fresh)`, true},
				{`UPDATE cases SET open_step = $10, open_attempt = $11, open_role = $12, open_due = $14 WHERE id = $9` + ifFresh, true},
			},
			[]any{e.CaseID, t.Step, t.Attempt, t.Role, t.OpenedAt, t.DueAt, std}, nil
	case chain.StepDecided:
		d := e.Decision
		return []write{{`UPDATE step_tasks SET decided_at = $12, decision = $13, reason = NULLIF($14, ''),
				actor_nip = $15, actor_name = NULLIF($16, ''), on_behalf_of = NULLIF($17, ''), working_minutes = $18, late = $19,
				document_sha256 = NULLIF($20, ''), appointment = NULLIF($21, ''), calendar_version = NULLIF($22::int, 0), note = NULLIF($23, '')
				WHERE case_id = $9 AND step = $10 AND attempt = $11 AND decided_at IS NULL` + ifFresh, true}},
			[]any{e.CaseID, d.Step, d.Attempt, d.DecidedAt, string(d.Action), d.Reason, d.Actor.NIP, d.Actor.Name,
				d.Actor.OnBehalfOf, d.WorkingMinutes, d.Late, d.Document, d.Actor.Appointment, d.CalendarVersion, d.Note}, nil
	case chain.StepReminded:
		return task(`UPDATE step_tasks SET reminded_at = $12 WHERE case_id = $9 AND step = $10 AND attempt = $11`)
	case chain.StepEscalated:
		return task(`UPDATE step_tasks SET escalated_at = $12, late = true WHERE case_id = $9 AND step = $10 AND attempt = $11`)
	case chain.DeadlineBreached:
		return []write{{`UPDATE cases SET deadline_breached_at = $10 WHERE id = $9` + ifFresh, true}}, []any{e.CaseID, e.At}, nil
	case chain.CaseCompleted, chain.CaseCancelled, chain.CaseStoppedOutside:
		state := map[chain.EventKind]chain.CaseState{chain.CaseCompleted: chain.Completed, chain.CaseCancelled: chain.Cancelled,
			chain.CaseStoppedOutside: chain.Stopped}[e.Kind]
		return []write{{`UPDATE cases SET state = $10, ended_at = $11, cancel_reason = NULLIF($12, ''),
				open_step = NULL, open_attempt = NULL, open_role = NULL, open_due = NULL WHERE id = $9 AND state = 'running'` + ifFresh, true}},
			[]any{e.CaseID, string(state), e.At, e.Reason}, nil
	case chain.CalendarApplied:
		writes := []write{{`UPDATE cases SET calendar_version = $10, deadline = COALESCE($11, deadline),
			open_due = CASE WHEN open_step IS NULL THEN open_due ELSE $12 END WHERE id = $9` + ifFresh, true}}
		args := []any{e.CaseID, e.Calendar.Version, e.Calendar.Deadline, nil}
		if t := e.Task; t != nil {
			args = append(args[:3], t.DueAt, t.Step, t.Attempt)
			writes = append(writes, write{`UPDATE step_tasks SET due_at = $12 WHERE case_id = $9 AND step = $13 AND attempt = $14` + ifFresh, false})
		}
		return writes, args, nil
	case chain.Incident:
		var step, attempt *int
		if e.Task != nil {
			step, attempt = &e.Task.Step, &e.Task.Attempt
		}
		return []write{{`INSERT INTO case_incidents (case_id, at, failed, step, attempt, cause)
				SELECT $9::text, $10::timestamptz, $11::text, $12::int, $13::int, $14::text WHERE EXISTS (SELECT FROM fresh)`, true}},
			[]any{e.CaseID, e.At, string(e.Failed), step, attempt, e.Reason}, nil
	case chain.DecreeSigned, chain.TrainingsStarted, chain.DraftVersioned, chain.OutputRecorded, chain.DecreeIssued:
		// Numbered by takeNumber, before its audit row; the runs keep their own records; the
		// content is in sk_versions, case_documents or issued_decrees: the audit row is the record.
		return nil, nil, nil
	default:
		return nil, nil, fmt.Errorf("%w: unknown event kind %q", ErrInvalidTransition, e.Kind)
	}
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
