// Package calsync keeps the working calendar: it saves a checked new version and brings every
// running case onto it through the case's workflow, which re-plans its open step. The worker
// pushes again every few minutes, so a case that missed a change (its worker was down, it was
// busy) catches up. It knows no screen.
package calsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
)

// Syncer works on one store and one task queue's cases.
type Syncer struct {
	Store *store.Store
	Ops   *caseops.Ops
	// Seed is the configuration's calendar, made version 1 when none is kept yet.
	Seed worktime.Spec
}

// Pushed says how a push went: which cases now follow the version, which could not be told.
type Pushed struct {
	Version int      `json:"version"`
	Moved   []string `json:"moved"`
	Failed  []string `json:"failed,omitempty"`
}

// Current is the kept calendar, seeded from the configuration on the first call ever.
func (s *Syncer) Current(ctx context.Context) (store.CalendarVersion, *worktime.Calendar, error) {
	v, err := s.Store.Calendar(ctx)
	if errors.Is(err, store.ErrNotFound) {
		if _, cerr := worktime.New(s.Seed); cerr != nil {
			return v, nil, fmt.Errorf("kalender konfigurasi: %w", cerr)
		}
		v, err = s.Store.SeedCalendar(ctx, s.Seed, "konfigurasi")
	}
	if err != nil {
		return v, nil, err
	}
	cal, err := worktime.New(v.Spec)
	if err != nil {
		return v, nil, fmt.Errorf("kalender kerja versi %d: %w", v.Version, err)
	}
	return v, cal, nil
}

// Save makes spec the next version, if base is still the current one, and pushes it to the
// running cases. A spec that is not a calendar is refused with what is wrong, and nothing is
// kept.
func (s *Syncer) Save(ctx context.Context, base int, spec worktime.Spec, by, note string) (store.CalendarVersion, Pushed, error) {
	if err := chain.CheckCalendar(chain.CalendarChange{Version: base + 1, Spec: spec, By: by}); err != nil {
		return store.CalendarVersion{}, Pushed{}, err
	}
	v, err := s.Store.SaveCalendar(ctx, base, spec, by, note)
	if err != nil {
		return v, Pushed{}, err
	}
	p, err := s.Push(ctx)
	return v, p, err
}

// Push tells every running case behind the current version about it. A case that refuses as
// already on it, or closed meanwhile, counts as moved; one that cannot be reached is listed
// and tried again at the next push.
func (s *Syncer) Push(ctx context.Context) (Pushed, error) {
	v, _, err := s.Current(ctx)
	if err != nil {
		return Pushed{}, err
	}
	ids, err := s.Store.CasesBehindCalendar(ctx, v.Version)
	if err != nil {
		return Pushed{}, err
	}
	p := Pushed{Version: v.Version}
	for _, id := range ids {
		_, err := s.Ops.Calendar(ctx, id, chain.CalendarChange{Version: v.Version, Spec: v.Spec, By: v.CreatedBy})
		var rej *caseops.Rejection
		switch {
		case err == nil, errors.As(err, &rej) && (rej.Type == chain.RejectStaleCalendar || rej.Type == chain.RejectCaseClosed):
			p.Moved = append(p.Moved, id)
		case ctx.Err() != nil:
			return p, ctx.Err()
		default:
			p.Failed = append(p.Failed, id)
		}
	}
	return p, nil
}
