package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/skflow/skflow/training"
)

// Only a PlanTrainings activity's not-issuable failure is dropped and counted; the same
// failure of another activity, and any other record of PlanTrainings, are written.
func TestOnlyTheUntrainedCasesAreQuiet(t *testing.T) {
	var out bytes.Buffer
	h := newUntrained(slog.NewTextHandler(&out, nil))
	log := slog.New(h)
	notIssuable := errors.New("case x has no participants to train (type: NotIssuable, retryable: false)")
	log.With("ActivityType", training.ActivityPlan).Error("Activity error.", "Error", notIssuable)
	log.With("ActivityType", training.ActivityPlan).Error("Activity error.", "Error", errors.New("connection refused"))
	log.With("ActivityType", training.ActivityPlan).Warn("slow", "Error", notIssuable)
	log.With("ActivityType", "IssueDecree").Error("Activity error.", "Error", notIssuable)
	log.Error("Activity error.", "ActivityType", training.ActivityPlan, "Error", notIssuable) // as the SDK logs it
	log.Error("Activity error.", "ActivityType", "IssueDecree", "Error", notIssuable)
	if n := h.dropped.Load(); n != 2 {
		t.Errorf("dropped %d records, want 2", n)
	}
	if lines := strings.Count(out.String(), "\n"); lines != 4 {
		t.Errorf("wrote %d records, want 4:\n%s", lines, out.String())
	}
}
