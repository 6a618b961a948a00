package systemtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
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
		st, err := s.ops.Status(ctx, id)
		if err == nil {
			st, err = testenv.Produce(ctx, s.ops, sop.Default(), st)
		}
		if err != nil {
			t.Fatal(err)
		}
		d := chain.Decision{Step: step, Attempt: 1, Action: chain.Agree,
			Actor: chain.Actor{NIP: "nip-" + st.Open.Role, Name: "Pejabat", Role: st.Open.Role}}
		if st.Draft != nil {
			d.Document = st.Draft.SHA256
		}
		key := fmt.Sprintf("%s/%d/1", id, step)
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
