package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/skflow/skflow/training"
)

// ApplyTraining writes one step of a training run in a transaction, idempotently: an event
// already in the audit log is not projected again. It waits its turn among the store's writers,
// as Apply does.
func (s *Store) ApplyTraining(ctx context.Context, t training.Transition) error {
	return s.writing(ctx, func() error { return s.applyTraining(ctx, t) })
}

func (s *Store) applyTraining(ctx context.Context, t training.Transition) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if len(t.Events) == 0 {
			return fmt.Errorf("%w: a training transition without events", ErrInvalidTransition)
		}
		// A transition is one run's; the run is known unless this is its start.
		first := t.Events[0]
		var caseID string
		if first.Kind == training.Started {
			caseID = first.Start.CaseID
		} else if err := tx.GetContext(ctx, &caseID, `SELECT case_id FROM trainings WHERE id = $1`, first.RunID); err != nil {
			return fmt.Errorf("%w: training %s: %v", ErrInvalidTransition, first.RunID, err)
		}
		for _, e := range t.Events {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, case_id, detail) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (key) DO NOTHING`, e.Key(), e.At, actorOr(e.By), string(e.Kind), e.RunID, jsonText(trimmedDetail(b)))
			if err != nil {
				return fmt.Errorf("audit %s: %w", e.Key(), err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := projectTraining(ctx, tx, e); err != nil {
				return fmt.Errorf("%s: %w", e.Key(), dataRejected(err))
			}
		}
		for _, n := range t.Notices {
			role := "opd"
			if n.OPD == "" {
				role = "organiser"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, case_id, kind, to_role, opd, subject, body, created_at)
				VALUES ($1, $2, 'training', $3, NULLIF($4, ''), $5, $6, now()) ON CONFLICT (key) DO NOTHING`,
				n.Key, caseID, role, n.OPD, n.Subject, n.Body); err != nil {
				return fmt.Errorf("queue %s: %w", n.Key, err)
			}
		}
		return nil
	})
}

func actorOr(by string) string {
	if by == "" {
		return "system"
	}
	return by
}

// trimmedDetail keeps the audit row small: a run's start carries the whole roster, which the
// participants table holds anyway.
func trimmedDetail(b []byte) []byte {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	if start, ok := m["start"].(map[string]any); ok {
		delete(start, "definition")
		delete(start, "members")
	}
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return out
}

func projectTraining(ctx context.Context, tx *sqlx.Tx, e training.Event) error {
	var err error
	switch e.Kind {
	case training.Started:
		in := e.Start
		if _, err = tx.ExecContext(ctx, `INSERT INTO trainings (id, case_id, title, grp, batch, definition, started_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.ID, in.CaseID, in.Title, in.Group, in.Batch, in.Definition.Label(), e.At); err != nil {
			return err
		}
		for _, m := range in.Members {
			if _, err = tx.ExecContext(ctx, `INSERT INTO training_participants (training_id, nip, name, position, opd, golongan)
				VALUES ($1, $2, $3, $4, $5, $6)`, in.ID, m.NIP, m.Name, m.Position, m.OPD, m.Golongan); err != nil {
				return err
			}
		}
	case training.Opened:
		w := e.Window
		if _, err = tx.ExecContext(ctx, `INSERT INTO training_windows (training_id, activity, opens, due) VALUES ($1, $2, $3, $4)
			ON CONFLICT (training_id, activity) DO UPDATE SET opens = $3, due = $4`, e.RunID, w.Activity, w.Opens, w.Due); err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE trainings SET open_activity = $2 WHERE id = $1`, e.RunID, w.Activity)
		}
	case training.Reminded:
		_, err = tx.ExecContext(ctx, `UPDATE training_windows SET reminded_at = $3 WHERE training_id = $1 AND activity = $2`, e.RunID, e.Window.Activity, e.At)
	case training.Closed:
		late, _ := json.Marshal(append([]string{}, e.Window.Late...))
		if _, err = tx.ExecContext(ctx, `UPDATE training_windows SET closed_at = $3, late = $4 WHERE training_id = $1 AND activity = $2`,
			e.RunID, e.Window.Activity, e.At, jsonText(late)); err != nil {
			return err
		}
		for _, nip := range e.Absent {
			if _, err = tx.ExecContext(ctx, `UPDATE training_participants SET absent = true WHERE training_id = $1 AND nip = $2`, e.RunID, nip); err != nil {
				return err
			}
		}
	case training.Confirmed:
		form, _ := json.Marshal(e.Confirm.Form)
		_, err = tx.ExecContext(ctx, `UPDATE training_participants SET confirmed_at = $3, form = $4 WHERE training_id = $1 AND nip = $2`,
			e.RunID, e.Confirm.NIP, e.At, jsonText(form))
	case training.Recorded:
		for _, en := range e.Record.Entries {
			if en.Score != nil {
				_, err = tx.ExecContext(ctx, `UPDATE training_participants SET scores = scores || jsonb_build_object($3::text, $4::double precision)
					WHERE training_id = $1 AND nip = $2`, e.RunID, en.NIP, e.Record.Activity, *en.Score)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE training_participants SET done = done || jsonb_build_object($3::text, true)
					WHERE training_id = $1 AND nip = $2`, e.RunID, en.NIP, e.Record.Activity)
			}
			if err != nil {
				return err
			}
		}
	case training.Remedialed:
		_, err = tx.ExecContext(ctx, `UPDATE training_participants SET remedial = $3 WHERE training_id = $1 AND nip = $2`,
			e.RunID, e.Remedial.NIP, e.Remedial.Score)
	case training.Announced, training.Decided, training.Completed:
		for _, r := range e.Results {
			if _, err = tx.ExecContext(ctx, `UPDATE training_participants SET final = $3, band = NULLIF($4, ''), outcome = $5, award = $6,
				rank = NULLIF($7, 0) WHERE training_id = $1 AND nip = $2`, e.RunID, r.NIP, r.Final, r.Band, string(r.Outcome), r.Award, r.Rank); err != nil {
				return err
			}
		}
		if e.Kind == training.Completed {
			_, err = tx.ExecContext(ctx, `UPDATE trainings SET state = 'completed', completed_at = $2, open_activity = NULL WHERE id = $1`, e.RunID, e.At)
		}
	default:
		return fmt.Errorf("%w: unknown training event %q", ErrInvalidTransition, e.Kind)
	}
	return err
}

// Training is one angkatan's run as recorded.
type Training struct {
	ID           string     `db:"id" json:"id"`
	CaseID       string     `db:"case_id" json:"case_id"`
	Title        string     `db:"title" json:"title"`
	Group        string     `db:"grp" json:"group"`
	Batch        int        `db:"batch" json:"batch"`
	Definition   string     `db:"definition" json:"definition"`
	State        string     `db:"state" json:"state"`
	StartedAt    time.Time  `db:"started_at" json:"started_at"`
	CompletedAt  *time.Time `db:"completed_at" json:"completed_at"`
	OpenActivity *string    `db:"open_activity" json:"open_activity"`
}

// Trainee is a participant's progress and outcome as recorded.
type Trainee struct {
	TrainingID  string     `db:"training_id" json:"training_id"`
	NIP         string     `db:"nip" json:"nip"`
	Name        string     `db:"name" json:"name"`
	Position    string     `db:"position" json:"position"`
	OPD         string     `db:"opd" json:"opd"`
	Golongan    string     `db:"golongan" json:"golongan"`
	ConfirmedAt *time.Time `db:"confirmed_at" json:"confirmed_at"`
	Absent      bool       `db:"absent" json:"absent"`
	Form        []byte     `db:"form" json:"-"`
	Done        []byte     `db:"done" json:"-"`
	Scores      []byte     `db:"scores" json:"-"`
	Remedial    *float64   `db:"remedial" json:"remedial"`
	Final       *float64   `db:"final" json:"final"`
	Band        *string    `db:"band" json:"band"`
	Outcome     *string    `db:"outcome" json:"outcome"`
	Award       bool       `db:"award" json:"award"`
	Rank        *int       `db:"rank" json:"rank"`
}

// TrainingWindow is an activity's window as recorded.
type TrainingWindow struct {
	TrainingID string     `db:"training_id" json:"training_id"`
	Activity   string     `db:"activity" json:"activity"`
	Opens      time.Time  `db:"opens" json:"opens"`
	Due        time.Time  `db:"due" json:"due"`
	RemindedAt *time.Time `db:"reminded_at" json:"reminded_at"`
	ClosedAt   *time.Time `db:"closed_at" json:"closed_at"`
	Late       []byte     `db:"late" json:"-"`
}

// Trainings lists the runs, of one case or of all ("").
func (s *Store) Trainings(ctx context.Context, caseID string) ([]Training, error) {
	var out []Training
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM trainings WHERE $1 = '' OR case_id = $1 ORDER BY started_at, id`, caseID); err != nil {
		return nil, fmt.Errorf("trainings: %w", err)
	}
	return out, nil
}

// TrainingRecord is a run with its windows and participants.
func (s *Store) TrainingRecord(ctx context.Context, id string) (Training, []TrainingWindow, []Trainee, error) {
	var t Training
	if err := s.db.GetContext(ctx, &t, `SELECT * FROM trainings WHERE id = $1`, id); err != nil {
		return t, nil, nil, notFound(err, "training "+id)
	}
	var ws []TrainingWindow
	if err := s.db.SelectContext(ctx, &ws, `SELECT * FROM training_windows WHERE training_id = $1 ORDER BY opens, activity`, id); err != nil {
		return t, nil, nil, fmt.Errorf("training %s windows: %w", id, err)
	}
	var ps []Trainee
	if err := s.db.SelectContext(ctx, &ps, `SELECT * FROM training_participants WHERE training_id = $1 ORDER BY rank NULLS LAST, name`, id); err != nil {
		return t, nil, nil, fmt.Errorf("training %s participants: %w", id, err)
	}
	return t, ws, ps, nil
}

// TrainingDocument is a certificate as issued.
type TrainingDocument struct {
	ID         string    `db:"id" json:"id"`
	TrainingID string    `db:"training_id" json:"training_id"`
	NIP        string    `db:"nip" json:"nip"`
	Kind       string    `db:"kind" json:"kind"`
	Number     string    `db:"number" json:"number"`
	SHA256     string    `db:"sha256" json:"sha256"`
	Content    []byte    `db:"content" json:"-"`
	IssuedAt   time.Time `db:"issued_at" json:"issued_at"`
}

// IssueTrainingDocument keeps a certificate once; a second call returns the first one kept.
func (s *Store) IssueTrainingDocument(ctx context.Context, d TrainingDocument) (TrainingDocument, error) {
	sum := sha256.Sum256(d.Content)
	d.SHA256 = hex.EncodeToString(sum[:])
	if _, err := s.db.ExecContext(ctx, `INSERT INTO training_documents (id, training_id, nip, kind, number, sha256, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, d.ID, d.TrainingID, d.NIP, d.Kind, d.Number, d.SHA256, d.Content); err != nil {
		return d, fmt.Errorf("issue %s of %s: %w", d.Kind, d.NIP, err)
	}
	var out TrainingDocument
	err := s.db.GetContext(ctx, &out, `SELECT * FROM training_documents WHERE training_id = $1 AND nip = $2 AND kind = $3`, d.TrainingID, d.NIP, d.Kind)
	return out, err
}

// TrainingDocumentByID is a certificate by its public verification ID.
func (s *Store) TrainingDocumentByID(ctx context.Context, id string) (TrainingDocument, error) {
	var d TrainingDocument
	if err := s.db.GetContext(ctx, &d, `SELECT * FROM training_documents WHERE id = $1`, id); err != nil {
		return d, notFound(err, "certificate "+id)
	}
	return d, nil
}

// TrainingDocuments lists a run's certificates.
func (s *Store) TrainingDocuments(ctx context.Context, trainingID string) ([]TrainingDocument, error) {
	var ds []TrainingDocument
	if err := s.db.SelectContext(ctx, &ds, `SELECT * FROM training_documents WHERE training_id = $1 ORDER BY kind, number`, trainingID); err != nil {
		return nil, fmt.Errorf("certificates of %s: %w", trainingID, err)
	}
	return ds, nil
}
