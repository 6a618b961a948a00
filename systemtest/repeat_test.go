package systemtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
)

// A decision sent again under the same key (a double submit, a command run twice) is answered
// with the first decision, and the answer says it was made before: on a running case, and on
// the case its last decision closed. Its history is kept for the replay tests.
func TestADecisionSentTwiceIsMadeOnce(t *testing.T) {
	s := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id := "latsar-sent-twice"
	if err := s.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 15; step++ {
		key, d, err := openDecision(ctx, s.ops, id, chain.Agree, "")
		if err != nil || d.Step != step {
			t.Fatalf("step %d: %+v %v", step, d, err)
		}
		first, err := s.ops.DecideOnce(ctx, id, key, d)
		if err != nil || first.Repeat {
			t.Fatalf("step %d: %+v %v", step, first, err)
		}
		again, err := s.ops.DecideOnce(ctx, id, key, d)
		if err != nil || !again.Repeat || again.Record.DecidedAt != first.Record.DecidedAt || again.Record.Step != step {
			t.Fatalf("step %d sent again: %+v %v (first %+v)", step, again, err, first)
		}
	}
	waitClosed(ctx, t, s.client, id)
	late, err := s.ops.DecideOnce(ctx, id, fmt.Sprintf("%s/15/1", id), chain.Decision{Step: 15, Attempt: 1, Action: chain.Agree,
		Actor: chain.Actor{NIP: "nip-pelaksana", Role: "pelaksana"}})
	if err != nil || !late.Repeat || late.State != chain.Completed {
		t.Fatalf("the last decision sent again after the case closed: %+v %v", late, err)
	}
	assertRecordedOnce(ctx, t, s.store, id, 15, 0)
	// Recorded after answers named their sending (answer-names-request), beside the older ones.
	keepHistory(t, history(ctx, t, s.client, id), "case-decision-sent-twice.json")
}
