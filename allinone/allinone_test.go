package allinone_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

// The all-in-one's own jobs run as it starts, not only a minute later: on a database that a
// decision reached before the report's counts existed (as after an upgrade), the fold builds
// the counts in the calendar's zone and the checkpointer commits the case's audit stream.
func TestTheJobsRunAtStart(t *testing.T) {
	st, url := storetest.New(t)
	ctx := context.Background()
	opened := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tr := range []chain.Transition{storetest.Started("jobs-1", opened), storetest.Decided("jobs-1", opened, opened.Add(time.Hour))} {
		if err := st.Apply(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}

	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Temporal.Port = 7540 // its own, beside the other packages' servers
	cfg.Temporal.UIPort = 0
	cfg.Database.URL = url
	cfg.HTTP.Address = "127.0.0.1:0"
	sys, err := allinone.Up(ctx, &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sys.Stop(); err != nil {
			t.Error(err)
		}
	})

	var zone string
	var counted, checkpoints int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := st.DB().QueryRowContext(ctx, `SELECT coalesce((SELECT zone FROM decided_zone), ''),
			(SELECT coalesce(sum(n), 0) FROM decided_counts WHERE unit = 'dekad'), (SELECT count(*) FROM audit_checkpoints)`).
			Scan(&zone, &counted, &checkpoints)
		if err != nil {
			t.Fatal(err)
		}
		if zone != "" && checkpoints > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the start: counts in zone %q, %d checkpoints", zone, checkpoints)
		}
	}
	if zone != sys.Zone.String() || zone != "Asia/Makassar" || counted != 1 {
		t.Fatalf("counts in zone %q holding %d decisions, want %s and 1", zone, counted, sys.Zone)
	}
	steps, _, err := st.DecidedStats(ctx, store.Period{})
	if err != nil || len(steps) != 1 || steps[0].Count != 1 || steps[0].Median != 20 {
		t.Fatalf("statistics from the folded counts: %+v %v", steps, err)
	}
	// The reconciler may have recorded the case, which has no workflow, as stopped since.
	check, err := st.VerifyAudit(ctx)
	if err != nil || check.Broken != nil || check.Checkpoints == 0 {
		t.Fatalf("audit after the start's checkpoint: %+v %v", check, err)
	}
}
