package workflows

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays every history in testdata, each written by a real server
// before the change it guards: a return at step 7 with a rejected update; a reminder, an
// escalation and a deadline breach followed by a cancellation; a new draft version (the older
// revise Update) after two parafs and the continue-as-new it leads to, and the continued run;
// an incident and Temporal's cancel; a decree numbered at its signature; versions made through
// the version Update, with a correction, a return and a re-climb; a decree issued at its
// signature, before the baseline of changes and on it. A code change that would break cases
// running in production for their 51 days fails here. Add a history for each new behaviour,
// recording only its own test, since the flag rewrites every history the tests it runs keep:
// go test ./systemtest -run TestHistoryIssuedDecree -record-history
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) < 4 {
		t.Fatalf("recorded histories: %v %v", files, err)
	}
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			Register(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatalf("recorded history no longer replays: %v", err)
			}
		})
	}
}
