package systemtest

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/skflow/skflow/calsync"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/worktime"
)

// Today and tomorrow become days off while step 1 waits: on a real server, the operator's edit
// reaches the running case, whose workflow moves the step's due time (and so its escalation)
// and starts a new timer for its reminder at the new instant; the records follow, so the inbox
// and the board show the new due time at once.
func TestAHolidayAddedWhileACaseWaitsMovesItsDueTime(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	spec := worktime.Spec{TimeZone: worktime.DefaultTimeZone}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		spec.Week = append(spec.Week, worktime.Hours{Day: d, From: "00:00", To: "23:59"})
	}
	cals := &calsync.Syncer{Store: sys.store, Ops: sys.ops, Seed: spec}
	v1, cal1, err := cals.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const id = "latsar-calendar-moves"
	in := newCase(id)
	in.Calendar, in.CalendarVersion = v1.Spec, v1.Version
	if err := sys.ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	before, err := sys.store.WaitCase(ctx, id, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sys.ops.Status(ctx, id)
	opened := s.Open.OpenedAt
	if want := cal1.AddWorkingTime(opened.Truncate(time.Minute), 30*time.Minute); before.OpenDue == nil || !before.OpenDue.Equal(want) {
		t.Fatalf("step 1 due %v, want %s", before.OpenDue, want)
	}

	wita := cal1.Location()
	today := opened.In(wita)
	next := spec.WithHoliday(worktime.Holiday{Date: today.Format("2006-01-02"), Name: "libur daerah", Kind: worktime.Regional}).
		WithHoliday(worktime.Holiday{Date: today.AddDate(0, 0, 1).Format("2006-01-02"), Name: "cuti bersama", Kind: worktime.Collective})
	v2, pushed, err := cals.Save(ctx, v1.Version, next, "operator", "dua hari libur")
	if err != nil || v2.Version != 2 || len(pushed.Moved) != 1 || len(pushed.Failed) != 0 {
		t.Fatalf("save: %+v %+v %v", v2, pushed, err)
	}
	cal2 := worktime.MustNew(next)
	due := cal2.AddWorkingTime(opened.Truncate(time.Minute), 30*time.Minute)
	if y, m, d := due.In(wita).Date(); time.Date(y, m, d, 0, 0, 0, 0, wita) != time.Date(today.Year(), today.Month(), today.Day()+2, 0, 0, 0, 0, wita) {
		t.Fatalf("test calendar: due %s is not the day after tomorrow", due)
	}
	s, err = sys.ops.Status(ctx, id)
	if err != nil || !s.Open.DueAt.Equal(due) || s.CalendarVersion != 2 {
		t.Fatalf("the workflow holds due %v on calendar %d (%v), want %s", s.Open.DueAt, s.CalendarVersion, err, due)
	}
	after, _ := sys.store.Case(ctx, id)
	tasks, _ := sys.store.Tasks(ctx, id)
	if after.OpenDue == nil || !after.OpenDue.Equal(due) || after.CalendarVersion == nil || *after.CalendarVersion != 2 ||
		tasks[0].DueAt == nil || !tasks[0].DueAt.Equal(due) {
		t.Fatalf("the records: case due %v on %v, task due %v", after.OpenDue, after.CalendarVersion, tasks[0].DueAt)
	}
	// A second push finds nobody behind.
	if again, err := cals.Push(ctx); err != nil || len(again.Moved) != 0 {
		t.Fatalf("second push: %+v %v", again, err)
	}
	if _, err := sys.ops.Cancel(ctx, id, "stop-"+id, chain.Cancellation{Reason: "selesai diuji", By: "operator"}); err != nil {
		t.Fatal(err)
	}
	waitClosed(ctx, t, sys.client, id)
	// The reminder's timer: the last one started fires at the new reminder instant.
	remind := cal2.AddWorkingTime(opened, time.Duration(float64(30*time.Minute)*0.75))
	h := history(ctx, t, sys.client, id)
	var last time.Time
	for _, e := range h.Events {
		if e.EventType == enumspb.EVENT_TYPE_TIMER_STARTED {
			last = e.EventTime.AsTime().Add(e.GetTimerStartedEventAttributes().StartToFireTimeout.AsDuration())
		}
	}
	if d := last.Sub(remind); d < -2*time.Second || d > 2*time.Second {
		t.Fatalf("the reminder timer fires at %s, want %s", last.In(wita), remind.In(wita))
	}
	keepHistory(t, h, "case-calendar-change.json")
}
