package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// Apply writes a case transition atomically. Each event's audit row is appended under its
// idempotency key, and what the event changes is written only when the key is new: a retried
// activity never writes twice. A transition that numbers a decree or queues notices runs in a
// transaction with those writes; any other (a decision, a start, a completion with its
// deliveries) is one call, one round trip, after a completion's one read of what it delivers,
// together with the other such transitions queued behind a writer at the time (groups.go).
// It waits its turn among the store's writers.
func (s *Store) Apply(ctx context.Context, t chain.Transition) error {
	if len(t.Notices) == 0 && !slices.ContainsFunc(t.Events, func(e chain.Event) bool { return e.Kind == chain.DecreeSigned }) {
		if len(t.Events) == 0 {
			return nil
		}
		mail, err := deliveries(ctx, s.db, t.Events)
		if err != nil {
			return err
		}
		events, m, err := transitionJSON(t.Events, nil, mail)
		if err != nil {
			return err
		}
		return s.applyGrouped(ctx, &queued{caseID: t.Events[0].CaseID, events: events, mail: m, first: t.Events[0].Key()})
	}
	return s.writing(ctx, func() error { return s.applyInTx(ctx, t) })
}

// applyInTx writes a transition that numbers a decree or queues notices: in a transaction with
// those writes.
func (s *Store) applyInTx(ctx context.Context, t chain.Transition) error {
	return dataRejected(s.inTx(ctx, func(tx *sqlx.Tx) error {
		events := make([]chain.Event, 0, len(t.Events))
		numbers := map[string]string{}
		for _, e := range t.Events {
			if e.Kind == chain.DecreeSigned {
				number, err := takeNumber(ctx, tx, e)
				if err != nil {
					return err
				}
				if number == "" {
					continue // numbered before: a retried write
				}
				numbers[e.Key()] = number
			}
			events = append(events, e)
		}
		mail, err := deliveries(ctx, tx, events)
		if err != nil {
			return err
		}
		if len(events) > 0 {
			b, m, err := transitionJSON(events, numbers, mail)
			if err != nil {
				return err
			}
			if err := writeEvents(ctx, tx, b, m, events[0].Key()); err != nil {
				return err
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

// eventRow is an event as apply_events reads it: the event itself and its audit row's columns.
type eventRow struct {
	chain.Event
	Key     string          `json:"key"`
	Actor   string          `json:"actor"`
	Step    *int            `json:"step"`
	Attempt *int            `json:"attempt"`
	Detail  json.RawMessage `json:"detail"`
}

// transitionJSON is a transition's events as apply_events reads them and its mail as
// apply_transition does (nil without mail). numbers are the decree numbers given to
// DecreeSigned events, by key, for their audit rows.
func transitionJSON(events []chain.Event, numbers map[string]string, mail []message) ([]byte, []byte, error) {
	rows := make([]eventRow, len(events))
	for i, e := range events {
		extra := map[string]any{}
		if n, ok := numbers[e.Key()]; ok {
			extra["number"] = n
		}
		actor, detail, err := auditRow(e, extra)
		if err != nil {
			return nil, nil, err
		}
		rows[i] = eventRow{Event: e, Key: e.Key(), Actor: actor, Detail: detail}
		if e.Task != nil {
			rows[i].Step, rows[i].Attempt = &e.Task.Step, &e.Task.Attempt
		}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("events as JSON: %w", err)
	}
	if len(mail) == 0 {
		return b, nil, nil
	}
	m, err := json.Marshal(mail)
	if err != nil {
		return nil, nil, fmt.Errorf("mail as JSON: %w", err)
	}
	return b, m, nil
}

// writeEvents writes events through apply_events, with mail through apply_transition. first
// names the transition in errors.
func writeEvents(ctx context.Context, q sqlx.ExecerContext, events, mail []byte, first string) error {
	var err error
	if mail == nil {
		_, err = q.ExecContext(ctx, `SELECT apply_events($1)`, jsonText(events))
	} else {
		_, err = q.ExecContext(ctx, `SELECT apply_transition($1, $2)`, jsonText(events), jsonText(mail))
	}
	return invalidTransition(err, first)
}

// invalidTransition wraps the error of a write of events, first naming the transition, with
// ErrInvalidTransition when apply_events found no row to change.
func invalidTransition(err error, first string) error {
	var pqErr *pq.Error
	switch {
	case errors.As(err, &pqErr) && pqErr.Code == "SK001":
		return fmt.Errorf("%w: %s", ErrInvalidTransition, pqErr.Message)
	case err != nil:
		return fmt.Errorf("apply %s: %w", first, err)
	}
	return nil
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

// auditRow is who an event's audit row names and its detail.
func auditRow(e chain.Event, extra map[string]any) (string, []byte, error) {
	actor, detail := "system", extra
	if e.Task != nil {
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
		return "", nil, fmt.Errorf("audit detail: %w", err)
	}
	return actor, b, nil
}

// participantsSQL selects a case's participants ($1): as the signed decree froze them, or the
// eligible candidates of the working classification while it is not signed.
const participantsSQL = `SELECT * FROM decree_participants WHERE case_id = $1
	UNION ALL SELECT * FROM candidates WHERE case_id = $1 AND eligible
		AND NOT EXISTS (SELECT 1 FROM decree_participants WHERE case_id = $1)`

// message is an outbox row that apply_transition queues when the event it comes after (its
// key) is new.
type message struct {
	After   string `json:"after"`
	Key     string `json:"key"`
	CaseID  string `json:"case_id"`
	Kind    string `json:"kind"`
	ToRole  string `json:"to_role"`
	OPD     string `json:"opd"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// deliveries are the mails of the cases the events complete: the signed SK goes to every OPD
// with the list of exactly its participants, one message per OPD. They are read before the
// write, which queues them only with a completion it records for the first time; what they
// say was settled before (the participants are frozen and the decree issued at signing).
func deliveries(ctx context.Context, q sqlx.QueryerContext, events []chain.Event) ([]message, error) {
	var out []message
	for _, e := range events {
		if e.Kind != chain.CaseCompleted {
			continue
		}
		mail, err := deliveriesOf(ctx, q, e.CaseID, e.Key())
		if err != nil {
			return nil, err
		}
		out = append(out, mail...)
	}
	return out, nil
}

func deliveriesOf(ctx context.Context, q sqlx.QueryerContext, caseID, after string) ([]message, error) {
	// One row a participant, each naming the case and its issued decree; one row of the case
	// alone when it has no participant.
	var rows []struct {
		Title    string  `db:"title"`
		Number   *string `db:"number"`
		SHA256   *string `db:"sha256"`
		OPD      *string `db:"opd"`
		NIP      *string `db:"nip"`
		Name     *string `db:"name"`
		Golongan *string `db:"golongan"`
		Group    *string `db:"grp"`
		Batch    *int    `db:"batch"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT c.title, d.number, d.sha256, p.opd, p.nip, p.name, p.golongan, p.grp, p.batch
		FROM cases c LEFT JOIN issued_decrees d ON d.case_id = c.id LEFT JOIN (`+participantsSQL+`) p ON true
		WHERE c.id = $1 ORDER BY p.opd, p.grp, p.batch, p.name`, caseID); err != nil {
		return nil, fmt.Errorf("participants of %s: %w", caseID, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: no case %s to deliver", ErrInvalidTransition, caseID)
	}
	// The issued decree is named by its number and its hash, so an OPD can check the file it
	// is given against the one issued.
	issued := ""
	if c := rows[0]; c.Number != nil {
		issued = fmt.Sprintf("\nNomor SK: %s\nSHA-256 berkas SK yang sah: %s\n(periksa keaslian berkas di laman verifikasi SK BKPSDM)\n", *c.Number, *c.SHA256)
	}
	var out []message
	for i := 0; i < len(rows) && rows[i].OPD != nil; {
		opd := *rows[i].OPD
		var b strings.Builder
		fmt.Fprintf(&b, "Yth. Pimpinan %s,\n\nSurat Keputusan Bupati Wajo tentang penetapan peserta Pelatihan Dasar CPNS (%s) telah ditetapkan. "+
			"Peserta dari %s:\n\n", opd, rows[i].Title, opd)
		n := 0
		for ; i < len(rows) && *rows[i].OPD == opd; i++ {
			r := rows[i]
			n++
			fmt.Fprintf(&b, "%d. %s, NIP %s, golongan %s, angkatan %d (golongan %s)\n", n, *r.Name, *r.NIP, *r.Golongan, *r.Batch, *r.Group)
		}
		b.WriteString(issued)
		b.WriteString("\nMohon peserta ditugaskan mengikuti pelatihan sampai selesai. SK lengkap tersedia di laman BKPSDM Kabupaten Wajo.\n\nBKPSDM Kabupaten Wajo\n")
		out = append(out, message{After: after, Key: caseID + "/delivery/" + opd, CaseID: caseID, Kind: "delivery", ToRole: "opd", OPD: opd,
			Subject: fmt.Sprintf("SK penetapan peserta Latsar CPNS: %d peserta dari %s", n, opd), Body: b.String()})
	}
	return out, nil
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
