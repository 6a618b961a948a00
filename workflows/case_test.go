package workflows

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/worktime"
)

// Monday 16 November 2026, 08:00 WITA: a plain working week.
var monday = at("2026-11-16", "08:00")

func TestHappyPathRecordsEveryDecisionInOrder(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.agreeEvery(0, 15)
	s := h.run()

	if s.State != chain.Completed || s.Open != nil || s.EndedAt == nil {
		t.Fatalf("state %s open %v ended %v", s.State, s.Open, s.EndedAt)
	}
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	if got := steps(s.Decisions); !slices.Equal(got, want) {
		t.Fatalf("decisions %v, want %v", got, want)
	}
	decided := h.rec.events(chain.StepDecided)
	if len(decided) != 15 {
		t.Fatalf("%d step_decided events, want 15", len(decided))
	}
	for i, e := range decided {
		d := e.Decision
		wantRole := h.def.Steps[i].Role
		if d.Step != i+1 || d.Attempt != 1 || d.Action != chain.Agree || d.Role != wantRole || d.Actor.NIP != "nip-"+wantRole {
			t.Errorf("decision %d = %+v", i, d)
		}
		if d.WorkingMinutes != 10 || d.Late {
			t.Errorf("step %d: %d working minutes, late %v; want 10, on time", d.Step, d.WorkingMinutes, d.Late)
		}
	}
	opened := h.rec.events(chain.StepOpened)
	if len(opened) != 15 || opened[0].Task.Step != 1 || opened[14].Task.Step != 15 {
		t.Fatalf("step_opened events: %d", len(opened))
	}
	// Step 4 opened at 08:30 with 240 working minutes is due 13:30 the same day: the hour's
	// break at noon does not count.
	if due := opened[3].Task.DueAt; due == nil || !due.Equal(at("2026-11-16", "13:30")) {
		t.Errorf("step 4 due %v", due)
	}
	if opened[7].Task.DueAt != nil {
		t.Errorf("step 8 has no mutu baku but got due %v", opened[7].Task.DueAt)
	}
	if n := len(h.rec.events(chain.CaseStarted)) + len(h.rec.events(chain.CaseCompleted)); n != 2 {
		t.Fatalf("case started+completed events = %d", n)
	}
	if len(h.rec.notices(chain.Reminder))+len(h.rec.notices(chain.Escalation))+len(h.rec.notices(chain.Breach)) != 0 {
		t.Fatal("a prompt case sent reminders")
	}
	start := h.rec.events(chain.CaseStarted)[0]
	if !start.Case.Deadline.Equal(at("2027-01-06", "08:00")) || start.Case.Version != 2 {
		t.Fatalf("case_started facts %+v", start.Case)
	}
}

func TestEveryReturnPathClimbsTheChainAgain(t *testing.T) {
	for _, rt := range []struct{ from, to int }{{6, 5}, {7, 6}, {8, 7}, {9, 7}, {10, 9}} {
		t.Run(fmt.Sprintf("%d→%d", rt.from, rt.to), func(t *testing.T) {
			h := newHarness(t, monday, worktime.DefaultSpec())
			off := h.agreeEvery(0, rt.from-1)
			off += 10 * time.Minute
			reason := fmt.Sprintf("lampiran angkatan II belum lengkap (dari langkah %d)", rt.from)
			h.after(off, func() { h.act(chain.Return, reason) })
			h.agreeEvery(off, 15-rt.to+1)
			s := h.run()

			var want []int
			for n := 1; n <= rt.from; n++ {
				want = append(want, n)
			}
			for n := rt.to; n <= 15; n++ {
				want = append(want, n)
			}
			if got := steps(s.Decisions); !slices.Equal(got, want) {
				t.Fatalf("decisions %v, want %v", got, want)
			}
			ret := s.Decisions[rt.from-1]
			if ret.Action != chain.Return || ret.Reason != reason || ret.Step != rt.from {
				t.Fatalf("return record %+v", ret)
			}
			for i, st := range h.def.Steps {
				wantAttempts, wantReturns := 1, 0
				if st.Number >= rt.to && st.Number <= rt.from {
					wantAttempts = 2 // every reviewer initials the corrected draft again
				}
				if st.Number == rt.from {
					wantReturns = 1
				}
				if s.Attempts[i] != wantAttempts || s.Returns[i] != wantReturns {
					t.Errorf("step %d: attempts %d returns %d, want %d and %d", st.Number, s.Attempts[i], s.Returns[i], wantAttempts, wantReturns)
				}
			}
			reopened := h.rec.events(chain.StepOpened)[rt.from]
			if reopened.Task.Step != rt.to || reopened.Task.Attempt != 2 {
				t.Fatalf("after the return the store saw step %d attempt %d opened", reopened.Task.Step, reopened.Task.Attempt)
			}
		})
	}
}

// stepFourFriday opens step 4 (240 working minutes, Analis) on Friday 20 November 15:00 WITA and
// probes the case around the reminder and the due time. It returns the harness and the probes.
func stepFourFriday(t *testing.T, spec worktime.Spec, probes []time.Time, decideAt time.Time) (*harness, map[time.Time]chain.Task) {
	start := at("2026-11-20", "14:30")
	h := newHarness(t, start, spec)
	h.agreeEvery(0, 3) // steps 1–3 at 14:40, 14:50, 15:00
	seen := map[time.Time]chain.Task{}
	for _, p := range probes {
		h.after(p.Sub(start), func() { seen[p] = *h.status().Open })
	}
	h.after(decideAt.Sub(start), func() { h.act(chain.Agree, "") })
	h.after(decideAt.Sub(start)+time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateCancel, "stop", &testsuite_noop{}, chain.Cancellation{Reason: "end of test", By: "operator"})
	})
	return h, seen
}

func TestStepFourOpenedFridayAfternoonRunsIntoMonday(t *testing.T) {
	// Friday closes at 16:30: 90 minutes on Friday, then Monday from 07:30.
	remind, due := at("2026-11-23", "09:00"), at("2026-11-23", "10:00")
	probes := []time.Time{at("2026-11-21", "12:00"), remind.Add(-time.Minute), remind.Add(time.Minute), due.Add(-time.Minute), due.Add(time.Minute)}
	h, seen := stepFourFriday(t, worktime.DefaultSpec(), probes, at("2026-11-23", "11:00"))
	s := h.run()

	if s.State != chain.Cancelled {
		t.Fatalf("state %s", s.State)
	}
	if got := seen[probes[0]]; got.Step != 4 || got.Reminded || got.Escalated || !got.DueAt.Equal(due) {
		t.Fatalf("Saturday: %+v (due %v)", got, got.DueAt)
	}
	if seen[probes[1]].Reminded || !seen[probes[2]].Reminded {
		t.Fatal("reminder not at Monday 09:00")
	}
	if seen[probes[3]].Escalated || !seen[probes[4]].Escalated {
		t.Fatal("escalation not at Monday 10:00")
	}
	assertAlarms(t, h, remind, due)
	d := s.Decisions[3]
	// 90 minutes on Friday and 210 on Monday morning.
	if d.Step != 4 || d.WorkingMinutes != 300 || !d.Late {
		t.Fatalf("step 4 decision %+v", d)
	}
}

func TestHolidayShiftsTheDueTime(t *testing.T) {
	spec := worktime.DefaultSpec()
	spec.Holidays = append(spec.Holidays, worktime.Holiday{Date: "2026-11-23", Name: "cuti bersama"})
	remind, due := at("2026-11-24", "09:00"), at("2026-11-24", "10:00")
	h, seen := stepFourFriday(t, spec, []time.Time{at("2026-11-23", "15:00")}, at("2026-11-24", "08:50"))
	s := h.run()
	if got := seen[at("2026-11-23", "15:00")]; got.Reminded || !got.DueAt.Equal(due) {
		t.Fatalf("on the holiday: %+v due %v", got, got.DueAt)
	}
	if len(h.rec.notices(chain.Reminder)) != 0 {
		t.Fatal("reminded although decided before 75%")
	}
	if d := s.Decisions[3]; d.WorkingMinutes != 170 || d.Late { // 90 on Friday, 80 on Tuesday

		t.Fatalf("step 4 decision %+v", d)
	}
	_ = remind
}

func assertAlarms(t *testing.T, h *harness, remind, due time.Time) {
	t.Helper()
	r := h.rec.events(chain.StepReminded)
	e := h.rec.events(chain.StepEscalated)
	if len(r) != 1 || !r[0].At.Equal(remind) || r[0].Task.Step != 4 {
		t.Fatalf("reminders %+v", r)
	}
	if len(e) != 1 || !e[0].At.Equal(due) {
		t.Fatalf("escalations %+v", e)
	}
	rn := h.rec.notices(chain.Reminder)
	if len(rn) != 1 || rn[0].ToRole != "analis" {
		t.Fatalf("reminder notices %+v", rn)
	}
	assertIndonesian(t, rn, chainMail)
	assertIndonesian(t, h.rec.notices(chain.Escalation), chainMail)
	var to []string
	for _, n := range h.rec.notices(chain.Escalation) {
		to = append(to, n.ToRole)
	}
	if !slices.Equal(to, []string{"analis", "kabid"}) {
		t.Fatalf("escalated to %v, want the analis and the kabid", to)
	}
}

func TestDeadlineFiresOnceAndTheCaseStillCompletes(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Limits.DecisionsPerRun = 10 // the run continues as new after the breach
	h.agreeEvery(0, 9)               // Sekda's step 10 is open when the 51 days run out
	late := 60 * 24 * time.Hour
	var atBreach chain.State
	h.after(51*24*time.Hour+time.Minute, func() { atBreach = h.status() })
	h.agreeEvery(late, 1)
	next := continuedAs(t, h)

	breaches := h.rec.events(chain.DeadlineBreached)
	if len(breaches) != 1 || !breaches[0].At.Equal(at("2027-01-06", "08:00")) || breaches[0].Task.Step != 10 {
		t.Fatalf("breach events %+v", breaches)
	}
	var told []string
	for _, n := range h.rec.notices(chain.Breach) {
		told = append(told, n.ToRole)
	}
	if !slices.Equal(told, []string{"sekda", "bupati"}) {
		t.Fatalf("breach told %v", told)
	}
	assertIndonesian(t, h.rec.notices(chain.Breach), chainMail)
	if !atBreach.DeadlineBreached || atBreach.State != chain.Running || atBreach.Open.Step != 10 {
		t.Fatalf("just after the deadline: %+v", atBreach)
	}

	// The next run knows the breach is recorded and does not fire it again.
	h2 := newHarness(t, next.Resume.Decisions[9].DecidedAt, worktime.DefaultSpec())
	h2.in = next
	h2.agreeEvery(0, 5)
	s := h2.run()
	if n := len(h2.rec.events(chain.DeadlineBreached)); n != 0 {
		t.Fatalf("the breach fired again after continue-as-new (%d times)", n)
	}
	if s.State != chain.Completed || len(s.Decisions) != 15 || !s.DeadlineBreached {
		t.Fatalf("final state %s, %d decisions, breached %v", s.State, len(s.Decisions), s.DeadlineBreached)
	}
}

func TestRejectedDecisionsChangeNothing(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.agreeEvery(0, 6) // the Kabid's review, step 7, is open
	bad := []struct {
		id   string
		d    chain.Decision
		kind string
	}{
		{"wrong-role", chain.Decision{Step: 7, Action: chain.Agree, Actor: actorFor("analis")}, chain.RejectWrongRole},
		{"no-role", chain.Decision{Step: 7, Action: chain.Agree, Actor: chain.Actor{NIP: "1"}}, chain.RejectWrongRole},
		{"wrong-step", chain.Decision{Step: 6, Action: chain.Agree, Actor: actorFor("analis")}, chain.RejectWrongStep},
		{"future-step", chain.Decision{Step: 8, Action: chain.Agree, Actor: actorFor("sekretaris")}, chain.RejectWrongStep},
		{"stale-attempt", chain.Decision{Step: 7, Attempt: 2, Action: chain.Agree, Actor: actorFor("kabid")}, chain.RejectStaleAttempt},
		{"empty-reason", chain.Decision{Step: 7, Action: chain.Return, Reason: "  ", Actor: actorFor("kabid")}, chain.RejectReasonRequired},
		{"bad-action", chain.Decision{Step: 7, Action: "approve", Actor: actorFor("kabid")}, chain.RejectBadAction},
		{"no-actor", chain.Decision{Step: 7, Action: chain.Agree, Actor: chain.Actor{Role: "kabid"}}, chain.RejectNoActor},
	}
	var before, after chain.State
	var recorded int
	h.after(61*time.Minute, func() {
		before = h.status()
		recorded = h.rec.count()
		for _, b := range bad {
			h.send(b.id, b.d)
		}
		after = h.status()
	})
	// Step 1 is an order: it has no return target, so a return there is refused.
	var noReturn error
	h.after(5*time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateDecide, "no-return", &testsuite_rejects{err: &noReturn},
			chain.Decision{Step: 1, Action: chain.Return, Reason: "salah", Actor: actorFor("kabid")})
	})
	h.after(62*time.Minute, func() {
		if h.rec.count() != recorded {
			t.Errorf("rejected updates recorded %d transitions", h.rec.count()-recorded)
		}
		h.act(chain.Return, "perbaiki")
	})
	h.agreeEvery(62*time.Minute, 10)
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if rejectionType(noReturn) != chain.RejectNoReturn || !strings.Contains(noReturn.Error(), "step 1 (order) cannot be returned") {
		t.Errorf("return on step 1: %v", noReturn)
	}
	for _, b := range bad {
		err := h.rejected[b.id]
		if got := rejectionType(err); got != b.kind {
			t.Errorf("%s: rejection %q (%v), want %s", b.id, got, err, b.kind)
		}
		if _, ok := h.results[b.id]; ok {
			t.Errorf("%s was accepted", b.id)
		}
	}
	if !strings.Contains(h.rejected["wrong-role"].Error(), "step 7 belongs to Kabid Pengembangan Kompetensi ASN; Analis SDMA Ahli Muda cannot decide it") {
		t.Errorf("wrong-role message: %v", h.rejected["wrong-role"])
	}
	if jsonOf(t, before) != jsonOf(t, after) {
		t.Errorf("state changed by rejected updates:\n%s\n%s", jsonOf(t, before), jsonOf(t, after))
	}
	var s chain.State
	if err := h.env.GetWorkflowResult(&s); err != nil || s.State != chain.Completed {
		t.Fatalf("case did not complete: %v %s", err, s.State)
	}
}

func TestNothingIsAcceptedAfterTheCaseEnded(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.after(10*time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateCancel, "c1", &testsuite_noop{}, chain.Cancellation{Reason: "usulan OPD ditarik", By: "operator"})
	})
	var decideErr, cancelErr error
	h.after(10*time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateDecide, "late", &testsuite_rejects{err: &decideErr},
			chain.Decision{Step: 1, Action: chain.Agree, Actor: actorFor("kabid")})
		h.env.UpdateWorkflow(chain.UpdateCancel, "c2", &testsuite_rejects{err: &cancelErr},
			chain.Cancellation{Reason: "again", By: "operator"})
	})
	s := h.run()
	if s.State != chain.Cancelled || s.CancelReason != "usulan OPD ditarik" || len(s.Decisions) != 0 {
		t.Fatalf("final %+v", s)
	}
	if rejectionType(decideErr) != chain.RejectCaseClosed || rejectionType(cancelErr) != chain.RejectCaseClosed {
		t.Fatalf("after the end: decide %v, cancel %v", decideErr, cancelErr)
	}
	if c := h.rec.events(chain.CaseCancelled); len(c) != 1 || c[0].Task.Step != 1 || c[0].Reason != "usulan OPD ditarik" {
		t.Fatalf("cancel events %+v", c)
	}
}

func TestCancelNeedsAReason(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	var noReason, noBy error
	h.after(time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateCancel, "c0", &testsuite_rejects{err: &noReason}, chain.Cancellation{Reason: " ", By: "operator"})
		h.env.UpdateWorkflow(chain.UpdateCancel, "c1", &testsuite_rejects{err: &noBy}, chain.Cancellation{Reason: "x"})
	})
	h.agreeEvery(time.Minute, 15)
	s := h.run()
	if rejectionType(noReason) != chain.RejectReasonRequired || rejectionType(noBy) != chain.RejectNoActor || s.State != chain.Completed {
		t.Fatalf("no reason: %v; no operator: %v; state %s", noReason, noBy, s.State)
	}
}

func TestSameUpdateIDIsOneDecision(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	d := chain.Decision{Step: 1, Action: chain.Agree, Actor: actorFor("kabid")}
	h.after(10*time.Minute, func() {
		h.send("click", d)
		h.send("click", d)
	})
	h.after(11*time.Minute, func() { h.send("click", d) }) // a retry after the answer
	h.agreeEvery(11*time.Minute, 14)
	s := h.run()
	if got := steps(s.Decisions); len(got) != 15 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("decisions %v", got)
	}
	if n := len(h.rec.events(chain.StepDecided)); n != 15 {
		t.Fatalf("%d decisions recorded", n)
	}
	if r := h.results["click"]; r.Record.Step != 1 || r.Next == nil || r.Next.Step != 2 || r.Next.Role != "analis" {
		t.Fatalf("answer to the repeated click: %+v", r)
	}
}

func TestReturnLoopsContinueAsNewWithTheirState(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Limits.DecisionsPerRun = 8
	off := h.agreeEvery(0, 5)
	for i := 0; i < 2; i++ { // step 6 returned twice; the limit is reached at the second return
		off += 10 * time.Minute
		h.after(off, func() { h.act(chain.Return, "ketik ulang") })
		off = h.agreeEvery(off, 1)
	}
	next := continuedAs(t, h)
	r := next.Resume
	if r == nil || r.Runs != 1 || len(r.Decisions) != 8 || r.Open.Step != 5 || r.Open.Attempt != 3 || r.Returns[5] != 2 {
		t.Fatalf("carried state: %+v", r)
	}

	// The second run takes 8 more decisions and continues again; the third completes the case.
	// No run records a second start, and no opening is recorded twice.
	h2 := newHarness(t, r.Decisions[7].DecidedAt, worktime.DefaultSpec())
	h2.in = next
	// A client retrying the last decision of the first run gets its answer, not a second return.
	last := r.Decisions[7]
	h2.after(time.Minute, func() {
		h2.send(last.UpdateID, chain.Decision{Step: 6, Action: chain.Return, Reason: "ketik ulang", Actor: actorFor("analis")})
	})
	h2.agreeEvery(time.Minute, 8)
	next = continuedAs(t, h2)
	if got := h2.results[last.UpdateID]; got.Record.UpdateID != last.UpdateID || got.Next.Step != 5 || got.Next.Attempt != 3 {
		t.Fatalf("retried update answered %+v", got)
	}
	h3 := newHarness(t, next.Resume.Decisions[15].DecidedAt, worktime.DefaultSpec())
	h3.in = next
	h3.agreeEvery(0, 3)
	s := h3.run()
	if s.State != chain.Completed || s.Runs != 3 || len(s.Decisions) != 19 || !reflect.DeepEqual(s.Attempts[:7], []int{1, 1, 1, 1, 3, 3, 1}) {
		t.Fatalf("after continue-as-new: state %s runs %d decisions %d attempts %v", s.State, s.Runs, len(s.Decisions), s.Attempts)
	}
	for _, hh := range []*harness{h2, h3} {
		if len(hh.rec.events(chain.CaseStarted)) != 0 {
			t.Fatal("a continued run recorded the start again")
		}
	}
	if n := len(h.rec.events(chain.StepOpened)) + len(h2.rec.events(chain.StepOpened)) + len(h3.rec.events(chain.StepOpened)); n != 19 {
		t.Fatalf("%d openings over three runs, want 19", n)
	}
}

// continuedAs runs the harness's case and returns the input its run continued as new with.
func continuedAs(t *testing.T, h *harness) chain.CaseInput {
	t.Helper()
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next chain.CaseInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	return next
}

func TestBadSnapshotFailsWithAPlainError(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Calendar.TimeZone = "Asia/Nowhere"
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	if err := h.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), `calendar time_zone "Asia/Nowhere"`) {
		t.Fatalf("error = %v", err)
	}
}

type testsuite_noop struct{}

func (testsuite_noop) Accept()             {}
func (testsuite_noop) Reject(error)        {}
func (testsuite_noop) Complete(any, error) {}

type testsuite_rejects struct{ err *error }

func (r *testsuite_rejects) Accept()        {}
func (r *testsuite_rejects) Reject(e error) { *r.err = e }
func (r *testsuite_rejects) Complete(_ any, e error) {
	if e != nil {
		*r.err = e
	}
}

func TestANewVersionSendsTheDraftBackToTheFirstReview(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	var early, late error
	rev := func(v int) chain.Revision {
		return chain.Revision{Version: v, SHA256: fmt.Sprintf("%064x", v), By: "nip-pelaksana"}
	}
	off := h.agreeEvery(0, 4) // step 5 (typing) is open: no paraf yet
	h.after(off+time.Minute, func() { h.env.UpdateWorkflow(chain.UpdateRevise, "r1", &testsuite_rejects{err: &early}, rev(1)) })
	off = h.agreeEvery(off+time.Minute, 3) // steps 5, 6 (analis paraf), 7 (kabid paraf): step 8 open
	var after chain.State
	h.after(off+time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateRevise, "r2", &testsuite_noop{}, rev(2))
	})
	h.after(off+2*time.Minute, func() { after = h.status() })
	off = h.agreeEvery(off+2*time.Minute, 6) // 6, 7, 8, 9, 10, 11 (signed): step 12 open
	h.after(off+time.Minute, func() { h.env.UpdateWorkflow(chain.UpdateRevise, "r3", &testsuite_rejects{err: &late}, rev(3)) })
	h.agreeEvery(off+time.Minute, 4)
	s := h.run()

	if rejectionType(early) != chain.RejectNotRevisable || rejectionType(late) != chain.RejectNotRevisable {
		t.Fatalf("before any paraf: %v; after the signature: %v", early, late)
	}
	if after.Open.Step != 6 || after.Open.Attempt != 2 {
		t.Fatalf("after the new version the open step is %d attempt %d, want the Analis's review again", after.Open.Step, after.Open.Attempt)
	}
	var superseded []chain.DecisionRecord
	for _, d := range s.Decisions {
		if d.Action == chain.Superseded {
			superseded = append(superseded, d)
		}
	}
	if len(superseded) != 1 || superseded[0].Step != 8 || superseded[0].Document != fmt.Sprintf("%064x", 2) || superseded[0].Actor.NIP != "nip-pelaksana" {
		t.Fatalf("superseded records %+v", superseded)
	}
	if s.State != chain.Completed || !reflect.DeepEqual(s.Attempts[5:8], []int{2, 2, 2}) {
		t.Fatalf("state %s, attempts of steps 6-8 %v: every paraf is given again", s.State, s.Attempts[5:8])
	}
}

// assertIndonesian fails on a mail that shows a code, a raw catalogue key or a misformatted
// argument to the person who reads it.
func assertIndonesian[N any](t *testing.T, notices []N, mail func(N) string) {
	t.Helper()
	if len(notices) == 0 {
		t.Fatal("no mail to read")
	}
	for _, n := range notices {
		if l := i18n.Leaks(mail(n)); len(l) > 0 {
			t.Errorf("a mail says %v:\n%s", l, mail(n))
		}
	}
}

func chainMail(n chain.Notice) string { return n.Subject + "\n" + n.Body }
