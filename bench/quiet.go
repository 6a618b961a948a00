package main

// The bench's cases carry no participants, so each completion's PlanTrainings fails as not
// issuable (the case records an incident and ends as it would have) and the SDK logs an
// ERROR line for it: 200 a round, among which the figures were lost. The log drops those,
// counts them, and passes every other record.

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/training"
)

// untrained drops the ERROR records of a PlanTrainings that found nobody to train.
type untrained struct {
	slog.Handler
	plan    bool // the records come from a PlanTrainings activity
	dropped *atomic.Int64
}

func newUntrained(h slog.Handler) untrained { return untrained{Handler: h, dropped: new(atomic.Int64)} }

func (u untrained) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelError {
		plan, notIssuable := u.plan, false
		r.Attrs(func(a slog.Attr) bool {
			plan = plan || isPlan(a)
			notIssuable = notIssuable || (a.Key == "Error" && strings.Contains(a.Value.String(), "type: "+chain.FailNotIssuable))
			return true
		})
		if plan && notIssuable {
			u.dropped.Add(1)
			return nil
		}
	}
	return u.Handler.Handle(ctx, r)
}

// isPlan says whether a names the PlanTrainings activity, as the SDK's logs do.
func isPlan(a slog.Attr) bool {
	return a.Key == "ActivityType" && a.Value.String() == training.ActivityPlan
}

func (u untrained) WithAttrs(attrs []slog.Attr) slog.Handler {
	plan := u.plan
	for _, a := range attrs {
		plan = plan || isPlan(a)
	}
	return untrained{Handler: u.Handler.WithAttrs(attrs), plan: plan, dropped: u.dropped}
}

func (u untrained) WithGroup(name string) slog.Handler {
	return untrained{Handler: u.Handler.WithGroup(name), plan: u.plan, dropped: u.dropped}
}
