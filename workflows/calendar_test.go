package workflows

import (
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/worktime"
)

// A holiday added while step 4 waits (opened Friday 15:00, due Monday 10:00) moves its due time,
// its reminder and its escalation to Tuesday; the store is told the new due time; an older
// calendar version is refused; the decision then records the version that measured it.
func TestAHolidayAddedWhileAStepWaitsMovesItsAlarms(t *testing.T) {
	spec := worktime.DefaultSpec()
	later := spec
	later.Holidays = append(append([]worktime.Holiday(nil), spec.Holidays...), worktime.Holiday{Date: "2026-11-23", Name: "HUT Kabupaten Wajo", Kind: worktime.Regional})
	probes := []time.Time{at("2026-11-23", "12:00"), at("2026-11-24", "08:59"), at("2026-11-24", "09:01"), at("2026-11-24", "10:01")}
	h, seen := stepFourFriday(t, spec, probes, at("2026-11-24", "11:00"))
	h.in.CalendarVersion = 1
	var stale error
	h.after(at("2026-11-21", "10:00").Sub(at("2026-11-20", "14:30")), func() {
		h.env.UpdateWorkflow(chain.UpdateCalendar, "cal-2", &testsuite_noop{}, chain.CalendarChange{Version: 2, Spec: later, By: "operator"})
	})
	h.after(at("2026-11-21", "11:00").Sub(at("2026-11-20", "14:30")), func() {
		h.env.UpdateWorkflow(chain.UpdateCalendar, "cal-1", &testsuite_rejects{err: &stale}, chain.CalendarChange{Version: 2, Spec: spec, By: "operator"})
	})
	s := h.run()

	applied := h.rec.events(chain.CalendarApplied)
	if len(applied) != 1 || applied[0].Calendar.Version != 2 || !applied[0].Task.DueAt.Equal(at("2026-11-24", "10:00")) {
		t.Fatalf("calendar events %+v", applied)
	}
	if rejectionType(stale) != chain.RejectStaleCalendar {
		t.Fatalf("a calendar version not newer: %v", stale)
	}
	if got := seen[probes[0]]; got.Reminded || !got.DueAt.Equal(at("2026-11-24", "10:00")) {
		t.Fatalf("on the new holiday: %+v", got)
	}
	if seen[probes[1]].Reminded || !seen[probes[2]].Reminded || !seen[probes[3]].Escalated {
		t.Fatal("the reminder and escalation did not move to Tuesday 09:00 and 10:00")
	}
	assertAlarms(t, h, at("2026-11-24", "09:00"), at("2026-11-24", "10:00"))
	d := s.Decisions[3]
	// 90 minutes on Friday, none on the holiday, 210 on Tuesday morning.
	if d.Step != 4 || d.WorkingMinutes != 300 || d.CalendarVersion != 2 || s.CalendarVersion != 2 {
		t.Fatalf("step 4 decision %+v, case on calendar %d", d, s.CalendarVersion)
	}
	if early := s.Decisions[0]; early.CalendarVersion != 1 {
		t.Fatalf("step 1 was measured by calendar %d, want 1", early.CalendarVersion)
	}
}

// A service deadline in working days moves with the calendar: two days off added inside it
// put it two working days later, and the breach fires then, not at the old deadline.
func TestAWorkingDaysDeadlineMovesWithTheCalendar(t *testing.T) {
	t.Run("stoppable watch", func(t *testing.T) { deadlineMoves(t, false) })
	// A run from before the watch could be stopped keeps its first watch, which stands down when
	// its timer finds the deadline moved; the breach is still recorded once, at the new deadline.
	t.Run("watch from before", func(t *testing.T) { deadlineMoves(t, true) })
}

func deadlineMoves(t *testing.T, legacyWatch bool) {
	def, err := sop.Load(filepath.Join("..", "examples", "sop-bkpsdm-bone-latsar.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec := worktime.DefaultSpec()
	h := newHarness(t, monday, spec)
	if legacyWatch {
		// A run from before the baseline asks for each change.
		h.env.OnGetVersion(changeBaseline, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
		h.env.OnGetVersion(changeReplannableDeadline, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	}
	h.def, h.in.Definition, h.in.CalendarVersion = def, *def, 1
	cal := worktime.MustNew(spec)
	oldDeadline := cal.AddWorkingDays(monday, def.Deadline.Days)
	later := spec
	later.Holidays = append(append([]worktime.Holiday(nil), spec.Holidays...),
		worktime.Holiday{Date: "2026-11-26", Name: "libur daerah", Kind: worktime.Regional}, worktime.Holiday{Date: "2026-11-27", Name: "libur daerah", Kind: worktime.Regional})
	newDeadline := worktime.MustNew(later).AddWorkingDays(monday, def.Deadline.Days)
	if !newDeadline.Equal(cal.AddWorkingDays(oldDeadline, 2)) {
		t.Fatalf("test calendar: %s is not two working days after %s", newDeadline, oldDeadline)
	}
	h.after(time.Hour, func() {
		h.env.UpdateWorkflow(chain.UpdateCalendar, "cal-2", &testsuite_noop{}, chain.CalendarChange{Version: 2, Spec: later, By: "operator"})
	})
	h.after(newDeadline.Sub(monday)+time.Hour, func() {
		h.env.UpdateWorkflow(chain.UpdateCancel, "stop", &testsuite_noop{}, chain.Cancellation{Reason: "end of test", By: "operator"})
	})
	s := h.run()
	applied := h.rec.events(chain.CalendarApplied)
	if len(applied) != 1 || applied[0].Calendar.Deadline == nil || !applied[0].Calendar.Deadline.Equal(newDeadline) || !s.Deadline.Equal(newDeadline) {
		t.Fatalf("calendar events %+v, deadline %s", applied, s.Deadline)
	}
	breach := h.rec.events(chain.DeadlineBreached)
	if len(breach) != 1 || !breach[0].At.Equal(newDeadline) {
		t.Fatalf("breaches %+v, want one at %s (old deadline %s)", breach, newDeadline, oldDeadline)
	}
}
