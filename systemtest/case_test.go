package systemtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// assertRecordedOnce checks the store holds exactly the rows a completed case with the given
// decisions should have: one audit row per event, one task row per attempt, nothing missing.
func assertRecordedOnce(ctx context.Context, t *testing.T, st *store.Store, id string, decisions, returns int) {
	t.Helper()
	audit, err := st.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	keys := map[string]bool{}
	for _, a := range audit {
		counts[a.Action]++
		if keys[a.Key] {
			t.Errorf("audit key %s twice", a.Key)
		}
		keys[a.Key] = true
	}
	// Besides the steps: the classification step 4 produces and the draft (version 1) step 5 does,
	// and, since these cases name no participants, the incident that no training could start.
	want := map[string]int{"case_started": 1, "step_opened": decisions, "step_decided": decisions, "case_completed": 1,
		"output_recorded": 1, "draft_versioned": 1, "incident": 1}
	for action, n := range want {
		if counts[action] != n {
			t.Errorf("%d %s audit rows, want %d (all: %v)", counts[action], action, n, counts)
		}
	}
	if len(audit) != 5+2*decisions {
		t.Errorf("%d audit rows, want %d", len(audit), 5+2*decisions)
	}
	tasks, err := st.Tasks(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != decisions {
		t.Fatalf("%d task rows, want %d", len(tasks), decisions)
	}
	got := 0
	for _, task := range tasks {
		if task.DecidedAt == nil {
			t.Errorf("step %d attempt %d never decided", task.Step, task.Attempt)
		}
		if task.Decision != nil && *task.Decision == "return" {
			got++
		}
	}
	if got != returns {
		t.Errorf("%d returns recorded, want %d", got, returns)
	}
	c, err := st.Case(ctx, id)
	if err != nil || c.State != "completed" || c.OpenStep != nil || c.EndedAt == nil {
		t.Fatalf("case row %+v %v", c, err)
	}
}

func TestFullCaseWithReturnIsRecordedExactlyOnce(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const id = "latsar-full-return"
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	// The Kepala (step 9) returns to the Kabid (step 7): 7, 8 and 9 are initialled again.
	res := decideOpen(ctx, t, sys.ops, id, chain.Return, "dasar hukum belum dicantumkan")
	if res.Next.Step != 7 || res.Next.Role != "kabid" || res.Next.Attempt != 2 {
		t.Fatalf("after the return: %+v", res.Next)
	}
	for range 9 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	waitClosed(ctx, t, sys.client, id)
	assertRecordedOnce(ctx, t, sys.store, id, 18, 1)

	tasks, _ := sys.store.Tasks(ctx, id)
	ret := tasks[8]
	if ret.Step != 9 || *ret.Decision != "return" || *ret.Reason != "dasar hukum belum dicantumkan" || *ret.ActorNIP != "nip-kepala" {
		t.Fatalf("the return row %+v", ret)
	}
	if tasks[9].Step != 7 || tasks[9].Attempt != 2 {
		t.Fatalf("after the return the store opened step %d attempt %d", tasks[9].Step, tasks[9].Attempt)
	}
}

func TestWorkerKilledInsideTheRecordingActivity(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const id = "latsar-crash-activity"

	// Replace the worker with one that dies right after committing step 4's decision.
	sys.stopWorker()
	crash := &crashAfterWrite{store: sys.store, written: make(chan struct{}), matches: func(tr chain.Transition) bool {
		return tr.Events[0].Kind == chain.StepDecided && tr.Events[0].Task.Step == 4
	}}
	sys.startWorker(crash)
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	st, err := sys.ops.Status(ctx, id)
	if err == nil {
		_, err = testenv.Produce(ctx, sys.ops, sop.Default(), st) // the classification step 4 produces
	}
	if err != nil {
		t.Fatal(err)
	}
	d := chain.Decision{Step: 4, Attempt: 1, Action: chain.Agree, Actor: chain.Actor{NIP: "nip-analis", Role: "analis"}}
	done := make(chan error, 1)
	go func() {
		_, err := sys.ops.Decide(ctx, id, id+"/4/1", d)
		done <- err
	}()
	select {
	case <-crash.written:
	case <-ctx.Done():
		t.Fatal("step 4 was never written")
	}
	sys.stopWorker()
	sys.startWorker(sys.store) // the restarted process

	// The caller gets its answer from the new worker; a retry with the same ID is the same decision.
	if err := <-done; err != nil {
		res, err := sys.ops.Decide(ctx, id, id+"/4/1", d)
		if err != nil || res.Next.Step != 5 {
			t.Fatalf("retrying the decision after the crash: %+v %v", res, err)
		}
	}
	for range 11 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	waitClosed(ctx, t, sys.client, id)
	assertRecordedOnce(ctx, t, sys.store, id, 15, 0)
}

func TestWorkerKilledBetweenSteps(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const id = "latsar-crash-between"
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	sys.stopWorker()
	// While no worker runs the case is still there, waiting at step 7.
	if c, err := sys.store.Case(ctx, id); err != nil || *c.OpenStep != 7 {
		t.Fatalf("while down: %+v %v", c, err)
	}
	sys.startWorker(sys.store)
	decideOpen(ctx, t, sys.ops, id, chain.Return, "salah ketik NIP peserta")
	for range 10 {
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	waitClosed(ctx, t, sys.client, id)
	assertRecordedOnce(ctx, t, sys.store, id, 17, 1)
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-bad-input"
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	before, _ := sys.store.Audit(ctx, "")

	_, err := sys.ops.Decide(ctx, "no-such-case", "x1", chain.Decision{Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: "1", Role: "kabid"}})
	if !errors.Is(err, caseops.ErrNoCase) {
		t.Errorf("unknown case: %v", err)
	}
	for _, bad := range []struct {
		d    chain.Decision
		kind string
		msg  string
	}{
		{chain.Decision{Step: 2, Action: chain.Agree, Actor: chain.Actor{NIP: "nip-kabid", Role: "kabid"}}, chain.RejectWrongRole,
			"step 2 belongs to Analis SDMA Ahli Muda; Kabid Pengembangan Kompetensi ASN cannot decide it"},
		{chain.Decision{Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: "nip-kabid", Role: "kabid"}}, chain.RejectWrongStep,
			"step 1 is not open; case latsar-bad-input is at step 2 (Analis SDMA Ahli Muda)"},
		{chain.Decision{Step: 2, Action: chain.Return, Reason: "x", Actor: chain.Actor{NIP: "nip-analis", Role: "analis"}}, chain.RejectNoReturn,
			"step 2 (order) cannot be returned"},
	} {
		_, err := sys.ops.Decide(ctx, id, fmt.Sprintf("bad-%s", bad.kind), bad.d)
		var rej *caseops.Rejection
		if !errors.As(err, &rej) || rej.Type != bad.kind || rej.Message != bad.msg {
			t.Errorf("%s: got %v", bad.kind, err)
		}
	}
	if _, err := sys.ops.Cancel(ctx, id, "c", chain.Cancellation{By: "operator"}); err == nil {
		t.Error("cancel without a reason was accepted")
	}
	after, _ := sys.store.Audit(ctx, "")
	if len(after) != len(before) {
		t.Fatalf("refused requests wrote %d audit rows", len(after)-len(before))
	}
	s, err := sys.ops.Cancel(ctx, id, "c2", chain.Cancellation{Reason: "usulan ditarik", By: "operator"})
	if err != nil || s.State != chain.Cancelled {
		t.Fatalf("cancel: %+v %v", s, err)
	}
	if c, _ := sys.store.Case(ctx, id); c.State != "cancelled" || *c.CancelReason != "usulan ditarik" {
		t.Fatalf("cancelled case row %+v", c)
	}
}

// A decision that arrives with the case's first workflow task (Update-with-Start makes that
// certain) must meet the first step already open.
func TestDecisionInTheFirstWorkflowTask(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const id = "latsar-first-task"
	start := sys.client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: id, TaskQueue: taskQueue, WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}, chain.WorkflowName, newCase(id))
	h, err := sys.client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: chain.UpdateDecide, WaitForStage: client.WorkflowUpdateStageCompleted,
			Args: []any{chain.Decision{Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: "nip-kabid", Role: "kabid"}}},
		},
	})
	var res chain.DecisionResult
	if err == nil {
		err = h.Get(ctx, &res)
	}
	if err != nil || res.Next == nil || res.Next.Step != 2 {
		t.Fatalf("decision in the first task: %+v %v", res, err)
	}
}
