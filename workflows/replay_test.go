package workflows

import (
	"log/slog"
	"os"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistory replays a history written by a real server (a case with a return
// at step 7, a rejected update and a completion). A code change that would break the cases
// running in production for their 51 days fails here. Re-record it only for a deliberate,
// versioned change: go test ./systemtest -run Replay -record-history
func TestReplayRecordedHistory(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	Register(r)
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := r.ReplayWorkflowHistoryFromJSONFile(logger, "testdata/case-with-return.json"); err != nil {
		t.Fatalf("recorded history no longer replays: %v", err)
	}
}
