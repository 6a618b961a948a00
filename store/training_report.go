package store

import (
	"context"
	"fmt"
)

// TrainingSummary is one angkatan's figures for the auditors: attendance, outcomes and the
// qualification distribution.
type TrainingSummary struct {
	ID        string         `db:"id" json:"id"`
	CaseID    string         `db:"case_id" json:"case_id"`
	Group     string         `db:"grp" json:"group"`
	Batch     int            `db:"batch" json:"batch"`
	State     string         `db:"state" json:"state"`
	People    int            `db:"people" json:"people"`
	Confirmed int            `db:"confirmed" json:"confirmed"`
	Absent    int            `db:"absent" json:"absent"`
	Passed    int            `db:"passed" json:"passed"`
	NotPassed int            `db:"not_passed" json:"not_passed"`
	Awards    int            `db:"awards" json:"awards"`
	Bands     map[string]int `db:"-" json:"bands"`
}

// PassRate is the share of the angkatan that passed, once decided; -1 before.
func (t TrainingSummary) PassRate() float64 {
	if t.Passed+t.NotPassed == 0 {
		return -1
	}
	return float64(t.Passed) / float64(t.Passed+t.NotPassed)
}

// ActivityLateness is how an activity closed across the runs: how often, and with how many
// participants not recorded in time.
type ActivityLateness struct {
	Activity string `db:"activity" json:"activity"`
	Closed   int    `db:"closed" json:"closed"`
	Late     int    `db:"late" json:"late"`
	Windows  int    `db:"late_windows" json:"late_windows"` // closings with someone late
}

// TrainingReport is the auditors' view of every angkatan and activity.
func (s *Store) TrainingReport(ctx context.Context) ([]TrainingSummary, []ActivityLateness, error) {
	var ts []TrainingSummary
	if err := s.db.SelectContext(ctx, &ts, `SELECT t.id, t.case_id, t.grp, t.batch, t.state, count(p.nip) AS people,
		count(p.confirmed_at) AS confirmed, count(*) FILTER (WHERE p.absent) AS absent,
		count(*) FILTER (WHERE p.outcome = 'lulus') AS passed, count(*) FILTER (WHERE p.outcome IN ('tidak_lulus', 'tidak_hadir')) AS not_passed,
		count(*) FILTER (WHERE p.award) AS awards
		FROM trainings t JOIN training_participants p ON p.training_id = t.id GROUP BY t.id ORDER BY t.started_at, t.id`); err != nil {
		return nil, nil, fmt.Errorf("training report: %w", err)
	}
	var bands []struct {
		ID    string `db:"training_id"`
		Band  string `db:"band"`
		Count int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &bands, `SELECT training_id, band, count(*) AS n FROM training_participants WHERE band IS NOT NULL GROUP BY 1, 2`); err != nil {
		return nil, nil, fmt.Errorf("training report bands: %w", err)
	}
	for i := range ts {
		ts[i].Bands = map[string]int{}
		for _, b := range bands {
			if b.ID == ts[i].ID {
				ts[i].Bands[b.Band] = b.Count
			}
		}
	}
	var late []ActivityLateness
	if err := s.db.SelectContext(ctx, &late, `SELECT activity, count(*) AS closed, COALESCE(sum(jsonb_array_length(late)), 0) AS late,
		count(*) FILTER (WHERE jsonb_array_length(late) > 0) AS late_windows
		FROM training_windows WHERE closed_at IS NOT NULL GROUP BY activity ORDER BY min(opens)`); err != nil {
		return nil, nil, fmt.Errorf("training report lateness: %w", err)
	}
	return ts, late, nil
}
