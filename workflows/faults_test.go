package workflows

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/worktime"
)

// Texts no store can take, or no reader should trust, are refused before they reach history,
// and the case is decided as usual afterwards.
func TestHostileTextsAreRefusedAndTheCaseGoesOn(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	kabid := actorFor("kabid")
	hostile := map[string]chain.Decision{
		"nul-reason":    {Step: 1, Action: chain.Agree, Reason: "\x00", Actor: kabid},
		"bidi-reason":   {Step: 1, Action: chain.Agree, Reason: "setuju \u202eEDISER", Actor: kabid},
		"long-reason":   {Step: 1, Action: chain.Agree, Reason: strings.Repeat("a", 2001), Actor: kabid},
		"bad-utf8":      {Step: 1, Action: chain.Agree, Reason: "\xff\xfe", Actor: kabid},
		"escape-name":   {Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: kabid.NIP, Name: "\x1b[2J", Role: "kabid"}},
		"nul-nip":       {Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: "1\x00", Role: "kabid"}},
		"huge-nip":      {Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: strings.Repeat("9", 1<<20), Role: "kabid"}},
		"not-a-hash":    {Step: 1, Action: chain.Agree, Document: "../../etc/passwd", Actor: kabid},
		"newline-actor": {Step: 1, Action: chain.Agree, Actor: chain.Actor{NIP: kabid.NIP, Name: "a\nb", Role: "kabid"}},
	}
	var cancelErr error
	h.after(time.Minute, func() {
		for id, d := range hostile {
			h.send(id, d)
		}
		h.env.UpdateWorkflow(chain.UpdateCancel, "nul-cancel", &testsuite_rejects{err: &cancelErr},
			chain.Cancellation{Reason: "batal\x00", By: "operator"})
	})
	var recorded int
	h.after(2*time.Minute, func() { recorded = h.rec.count() })
	h.agreeEvery(2*time.Minute, 15)
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	for id := range hostile {
		if got := rejectionType(h.rejected[id]); got != chain.RejectBadText {
			t.Errorf("%s: %q (%v), want %s", id, got, h.rejected[id], chain.RejectBadText)
		}
		delete(h.rejected, id)
	}
	if rejectionType(cancelErr) != chain.RejectBadText {
		t.Errorf("cancel with a NUL: %v", cancelErr)
	}
	if recorded != 1 {
		t.Errorf("%d transitions recorded before the first decision, want only the start", recorded)
	}
	if len(h.rejected) != 0 {
		t.Errorf("good decisions refused: %v", h.rejected)
	}
	if n := len(h.rec.events(chain.StepDecided)); n != 15 {
		t.Errorf("%d decisions recorded, want 15", n)
	}
}

// A transition the database refuses (here: every one carrying "TOLAK") is recorded cleaned,
// with an incident beside it, and the case goes on to its end.
func TestRefusedDataBecomesAnIncident(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.rec.fail = func(tr chain.Transition) error {
		for _, e := range tr.Events {
			if e.Decision != nil && strings.Contains(e.Decision.Actor.Name, "TOLAK") && !hasIncident(tr) {
				return temporal.NewNonRetryableApplicationError("pq: invalid byte sequence", chain.FailDataRejected, nil)
			}
		}
		return nil
	}
	h.after(10*time.Minute, func() {
		a := actorFor("kabid")
		a.Name = "TOLAK"
		h.send("refused", chain.Decision{Step: 1, Action: chain.Agree, Actor: a})
	})
	h.agreeEvery(10*time.Minute, 14)
	s := h.run()
	if s.State != chain.Completed {
		t.Fatalf("case ended %s", s.State)
	}
	inc := h.rec.events(chain.Incident)
	if len(inc) != 1 || inc[0].Failed != chain.StepDecided || !strings.Contains(inc[0].Reason, "invalid byte sequence") || inc[0].Task.Step != 1 {
		t.Fatalf("incidents: %+v", inc)
	}
	if d := h.rec.events(chain.StepDecided); len(d) != 15 || d[0].Decision.Actor.Name != "TOLAK" {
		t.Fatalf("the refused decision was not recorded with the incident: %d decisions", len(d))
	}
}

func hasIncident(tr chain.Transition) bool {
	for _, e := range tr.Events {
		if e.Kind == chain.Incident {
			return true
		}
	}
	return false
}

// Cancelling the workflow from Temporal's own tools closes the run at once, with the
// cancellation recorded; it does not spin until the server ends it.
func TestTemporalCancellationClosesTheRun(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.agreeEvery(0, 3)
	accepted := false
	h.after(40*time.Minute, func() {
		h.env.CancelWorkflow()
		h.env.UpdateWorkflow(chain.UpdateDecide, "after-cancel", &testsuite.TestUpdateCallback{
			OnAccept: func() { accepted = true }, OnReject: func(error) {}, OnComplete: func(any, error) {}},
			chain.Decision{Step: 4, Action: chain.Agree, Actor: actorFor("analis")})
	})
	began := time.Now()
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	if took := time.Since(began); took > 5*time.Second {
		t.Fatalf("the cancelled run took %s", took)
	}
	var canceled *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &canceled) {
		t.Fatalf("workflow ended with %v, want cancelled", err)
	}
	ev := h.rec.events(chain.CaseCancelled)
	if len(ev) != 1 || ev[0].Reason != CancelledOutside || ev[0].Task == nil || ev[0].Task.Step != 4 {
		t.Fatalf("cancellation records: %+v", ev)
	}
	if accepted || len(h.rec.events(chain.StepDecided)) != 3 {
		t.Fatal("a decision after the cancellation was accepted")
	}
}

// A database outage of three days, from the start of step 2: the Kabid's decision waits, lands
// within seconds of the database's return, and the case completes.
func TestThreeDayOutageDelaysButNeverEndsTheCase(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	down, up := monday.Add(15*time.Minute), monday.Add(15*time.Minute+72*time.Hour)
	var landed time.Time
	h.rec.fail = func(tr chain.Transition) error {
		if now := h.env.Now(); !now.Before(down) && now.Before(up) {
			return errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
		}
		for _, e := range tr.Events {
			if e.Kind == chain.StepDecided && e.Task.Step == 2 {
				landed = h.env.Now()
			}
		}
		return nil
	}
	h.agreeEvery(0, 1)                                         // step 1 at 08:10, recorded
	h.after(20*time.Minute, func() { h.act(chain.Agree, "") }) // step 2 during the outage
	h.agreeEvery(72*time.Hour+30*time.Minute, 13)
	s := h.run()
	if s.State != chain.Completed || len(s.Decisions) != 15 {
		t.Fatalf("case ended %s with %d decisions", s.State, len(s.Decisions))
	}
	if wait := landed.Sub(up); landed.IsZero() || wait < 0 || wait > 10*time.Second {
		t.Fatalf("step 2 landed %s after the database returned (at %s)", wait, landed)
	}
}

// A decision that arrives while the run waits to continue as new (here: on a deadline write
// the database keeps refusing) is refused as busy; before, it was accepted and never answered,
// and the run never continued.
func TestRequestsAreRefusedWhileTheRunHandsOver(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Limits.DecisionsPerRun = 1
	h.in.Resume = resumedPastDeadline(h)
	writable := monday.Add(10 * time.Minute)
	h.rec.fail = func(tr chain.Transition) error {
		if tr.Events[0].Kind == chain.DeadlineBreached && h.env.Now().Before(writable) {
			return errors.New("connection refused")
		}
		return nil
	}
	h.after(time.Minute, func() { h.act(chain.Agree, "") })
	var late error
	h.after(2*time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateDecide, "during-handover", &testsuite_rejects{err: &late},
			chain.Decision{Step: 2, Action: chain.Agree, Actor: actorFor("analis")})
	})
	next := continuedAs(t, h)
	if rejectionType(late) != chain.RejectBusy {
		t.Fatalf("decision during the handover: %v", late)
	}
	if !next.Resume.DeadlineBreached || next.Resume.Open.Step != 2 {
		t.Fatalf("carried state: breached %v, open %+v", next.Resume.DeadlineBreached, next.Resume.Open)
	}
}

// resumedPastDeadline is a run continued from an earlier one, at step 1, its deadline passed.
func resumedPastDeadline(h *harness) *chain.State {
	step := h.def.Steps[0]
	s := &chain.State{CaseID: h.in.CaseID, Title: h.in.Title, StartedBy: h.in.StartedBy, Definition: h.def.Label(),
		State: chain.Running, StartedAt: monday.AddDate(0, 0, -60), Deadline: monday.AddDate(0, 0, -9),
		Open:     &chain.Task{Step: step.Number, Attempt: 1, Role: step.Role, OpenedAt: monday},
		Attempts: make([]int, len(h.def.Steps)), Returns: make([]int, len(h.def.Steps)), Decisions: []chain.DecisionRecord{}, Runs: 1}
	s.Attempts[0] = 1
	return s
}

// Working time counts whole minutes from the opening minute: a task opened at 15:30:00.6 and
// decided at 16:00:00.5 on a Monday worked 30 minutes, not 29.
func TestWorkingTimeIsCountedInWholeMinutes(t *testing.T) {
	opened := at("2026-11-16", "15:30").Add(600 * time.Millisecond)
	h := newHarness(t, opened, worktime.DefaultSpec())
	h.after(29*time.Minute+59*time.Second+900*time.Millisecond, func() { h.act(chain.Agree, "") })
	h.agreeEvery(24*time.Hour, 14)
	s := h.run()
	if got := s.Decisions[0].WorkingMinutes; got != 30 {
		t.Fatalf("step 1 worked %d minutes, want 30", got)
	}
}
