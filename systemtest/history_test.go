// Package systemtest runs skflow's parts together on a real in-process Temporal server.
package systemtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/workflows"
	"github.com/skflow/skflow/worktime"
)

// recordHistory rewrites the workflows/testdata histories of the tests run: run it with -run
// naming one new test, or it replaces recordings made before earlier changes.
var recordHistory = flag.Bool("record-history", false, "rewrite the workflows/testdata histories of the tests run, from a real run")

func newCase(id string) chain.CaseInput {
	// Started as an operator does, with the OPD proposals (their hash) that step 3 produces.
	sum := sha256.Sum256([]byte("usulan " + id))
	return chain.CaseInput{CaseID: id, Title: "Latsar CPNS 2026 angkatan I", StartedBy: "operator",
		Definition: *sop.Default(), Calendar: worktime.DefaultSpec(), Proposals: hex.EncodeToString(sum[:])}
}

// decideOpen decides whatever step is open, as its role.
func decideOpen(ctx context.Context, t *testing.T, ops *caseops.Ops, caseID string, action chain.Action, reason string) chain.DecisionResult {
	t.Helper()
	key, d, err := openDecision(ctx, ops, caseID, action, reason)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ops.Decide(ctx, caseID, key, d)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// openDecision is the decision of the open step by an official of its role, on the current
// draft, and its key (case, step, attempt); an agreement is first given the output the step
// produces.
func openDecision(ctx context.Context, ops *caseops.Ops, caseID string, action chain.Action, reason string) (string, chain.Decision, error) {
	s, err := ops.Status(ctx, caseID)
	if err == nil && action == chain.Agree {
		s, err = testenv.Produce(ctx, ops, sop.Default(), s)
	}
	if err != nil {
		return "", chain.Decision{}, err
	}
	d := chain.Decision{Step: s.Open.Step, Attempt: s.Open.Attempt, Action: action, Reason: reason,
		Actor: chain.Actor{NIP: "nip-" + s.Open.Role, Name: "Pejabat " + s.Open.Role, Role: s.Open.Role}}
	if s.Draft != nil {
		d.Document = s.Draft.SHA256
	}
	return fmt.Sprintf("%s/%d/%d", caseID, s.Open.Step, s.Open.Attempt), d, nil
}

// agreeToTheEnd agrees every step the case opens until it has ended.
func agreeToTheEnd(ctx context.Context, t *testing.T, ops *caseops.Ops, caseID string) {
	t.Helper()
	for {
		s, err := ops.Status(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if s.State != chain.Running {
			return
		}
		decideOpen(ctx, t, ops, caseID, chain.Agree, "")
	}
}

func history(ctx context.Context, t *testing.T, c client.Client, caseID string) *historypb.History {
	t.Helper()
	return runHistory(ctx, t, c, caseID, "")
}

func waitClosed(ctx context.Context, t *testing.T, c client.Client, caseID string) chain.State {
	t.Helper()
	var s chain.State
	if err := c.GetWorkflow(ctx, caseID, "").Get(ctx, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHappyPathHistoryStaysSmall(t *testing.T) {
	sys := newSystem(t)
	ops, c := sys.ops, sys.client
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-happy"
	if err := ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for range 15 {
		decideOpen(ctx, t, ops, id, chain.Agree, "")
	}
	if s := waitClosed(ctx, t, c, id); s.State != chain.Completed || len(s.Decisions) != 15 {
		t.Fatalf("case ended %s with %d decisions", s.State, len(s.Decisions))
	}
	h := history(ctx, t, c, id)
	n := len(h.Events)
	perStep := float64(n) / 15
	t.Logf("happy-path case: %d history events, %.1f per human step", n, perStep)
	if perStep > 12 {
		t.Fatalf("%d events for 15 human steps (%.1f each); the budget is 12 per step", n, perStep)
	}
	// Each version marker upserts a search attribute, a write to Temporal's visibility store:
	// a new case asks for the baseline of changes once.
	markers, upserts := 0, 0
	for _, e := range h.Events {
		switch e.EventType {
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				markers++
			}
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			upserts++
		}
	}
	if markers != 1 || upserts != 1 {
		t.Fatalf("a new case recorded %d version markers and %d search-attribute upserts, want 1 each", markers, upserts)
	}
}

func TestRejectedUpdateLeavesHistoryUnchangedAndReplayFileIsCurrent(t *testing.T) {
	sys := newSystem(t)
	ops, c := sys.ops, sys.client
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-return"
	if err := ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		decideOpen(ctx, t, ops, id, chain.Agree, "")
	}
	before := len(history(ctx, t, c, id).Events)
	_, err := ops.Decide(ctx, id, "wrong-role", chain.Decision{Step: 7, Action: chain.Agree,
		Actor: chain.Actor{NIP: "nip-sekda", Role: "sekda"}})
	var rej *caseops.Rejection
	if !errors.As(err, &rej) || rej.Type != chain.RejectWrongRole {
		t.Fatalf("wrong role: %v", err)
	}
	if after := len(history(ctx, t, c, id).Events); after != before {
		t.Fatalf("a rejected update grew the history from %d to %d events", before, after)
	}
	if _, err := ops.Status(ctx, "no-such-case"); !errors.Is(err, caseops.ErrNoCase) {
		t.Fatalf("unknown case: %v", err)
	}

	// Kabid returns step 7; the draft climbs again from step 6 and the case completes.
	if res := decideOpen(ctx, t, ops, id, chain.Return, "nomor SK keliru"); res.Next.Step != 6 || res.Next.Attempt != 2 {
		t.Fatalf("after the return: %+v", res.Next)
	}
	for range 10 {
		decideOpen(ctx, t, ops, id, chain.Agree, "")
	}
	if s := waitClosed(ctx, t, c, id); s.State != chain.Completed || len(s.Decisions) != 17 {
		t.Fatalf("case ended %s with %d decisions", s.State, len(s.Decisions))
	}
	h := history(ctx, t, c, id)
	if *recordHistory {
		b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", "case-with-return.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d events", len(h.Events))
	}
	// The history the server just wrote must replay on today's workflow code, too.
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	if err := r.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of a fresh history: %v", err)
	}
}
