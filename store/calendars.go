package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/skflow/skflow/worktime"
)

// CalendarVersion is one version of the working calendar.
type CalendarVersion struct {
	Version   int           `db:"version" json:"version"`
	Spec      worktime.Spec `db:"-" json:"spec"`
	Raw       []byte        `db:"spec" json:"-"`
	Note      string        `db:"note" json:"note"`
	CreatedBy string        `db:"created_by" json:"created_by"`
	CreatedAt time.Time     `db:"created_at" json:"created_at"`
}

// ErrCalendarChanged refuses a change made on a version that is no longer the current one:
// someone else changed the calendar meanwhile.
var ErrCalendarChanged = errors.New("kalender kerja sudah diubah orang lain; muat ulang dan ulangi perubahan")

// Calendar is the current version of the working calendar; ErrNotFound before it is seeded.
func (s *Store) Calendar(ctx context.Context) (CalendarVersion, error) {
	var v CalendarVersion
	err := s.db.GetContext(ctx, &v, `SELECT version, spec, note, created_by, created_at FROM calendars ORDER BY version DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("working calendar: %w", ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("working calendar: %w", err)
	}
	return v, json.Unmarshal(v.Raw, &v.Spec)
}

// Calendars lists every version, newest first.
func (s *Store) Calendars(ctx context.Context) ([]CalendarVersion, error) {
	var vs []CalendarVersion
	if err := s.db.SelectContext(ctx, &vs, `SELECT version, spec, note, created_by, created_at FROM calendars ORDER BY version DESC`); err != nil {
		return nil, fmt.Errorf("working calendar versions: %w", err)
	}
	for i := range vs {
		if err := json.Unmarshal(vs[i].Raw, &vs[i].Spec); err != nil {
			return nil, fmt.Errorf("working calendar version %d: %w", vs[i].Version, err)
		}
	}
	return vs, nil
}

// SeedCalendar makes spec version 1 when no calendar is kept yet; a later start leaves the
// kept one alone, whatever the configuration says now.
func (s *Store) SeedCalendar(ctx context.Context, spec worktime.Spec, by string) (CalendarVersion, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return CalendarVersion{}, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO calendars (version, spec, note, created_by) VALUES (1, $1, 'dari konfigurasi', $2)
		ON CONFLICT (version) DO NOTHING`, jsonText(b), by); err != nil {
		return CalendarVersion{}, fmt.Errorf("seed working calendar: %w", err)
	}
	return s.Calendar(ctx)
}

// SaveCalendar makes spec the next version, provided the current one is still base (an edit
// made on an older version is refused, ErrCalendarChanged), and audits it. The caller checks
// spec (worktime.New) first.
func (s *Store) SaveCalendar(ctx context.Context, base int, spec worktime.Spec, by, note string) (CalendarVersion, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return CalendarVersion{}, err
	}
	var v CalendarVersion
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// One writer at a time: the version numbers follow each other without gaps.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE calendars IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var cur int
		if err := tx.GetContext(ctx, &cur, `SELECT COALESCE(max(version), 0) FROM calendars`); err != nil {
			return err
		}
		if cur != base {
			return ErrCalendarChanged
		}
		if err := tx.GetContext(ctx, &v, `INSERT INTO calendars (version, spec, note, created_by) VALUES ($1, $2, $3, $4)
			RETURNING version, spec, note, created_by, created_at`, cur+1, jsonText(b), note, by); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"version": v.Version, "note": note})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (key, at, actor, action, detail) VALUES ($1, now(), $2, 'calendar_changed', $3)`,
			fmt.Sprintf("calendar/%d", v.Version), by, jsonText(detail))
		return err
	})
	if err != nil {
		if errors.Is(err, ErrCalendarChanged) {
			return v, err
		}
		return v, fmt.Errorf("save working calendar: %w", err)
	}
	v.Spec = spec
	return v, nil
}

// CasesBehindCalendar lists the running cases whose workflow has not said it follows version
// yet (a case started before calendars were kept follows none).
func (s *Store) CasesBehindCalendar(ctx context.Context, version int) ([]string, error) {
	var ids []string
	if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM cases WHERE state = 'running' AND COALESCE(calendar_version, 0) < $1
		ORDER BY started_at, id`, version); err != nil {
		return nil, fmt.Errorf("cases behind calendar %d: %w", version, err)
	}
	return ids, nil
}
