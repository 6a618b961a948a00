package workflows

// The working calendar a running case follows: a new version from the operator re-plans the
// open step's due time, its reminder and escalation, and a working-days service deadline.

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/worktime"
)

type pendingCalendar struct {
	c    chain.CalendarChange
	done bool
}

// validateCalendar refuses a calendar that is not one, or not newer than the one followed.
func (r *run) validateCalendar(_ workflow.Context, c chain.CalendarChange) error {
	switch {
	case r.s.State != chain.Running:
		return reject(chain.RejectCaseClosed, "case %s is %s; it follows no calendar any more", r.s.CaseID, r.s.State)
	case r.cancelled || r.ctx.Err() != nil:
		return r.cancelling()
	case chain.CheckCalendar(c) != nil:
		return reject(chain.RejectBadText, "%v", chain.CheckCalendar(c))
	case c.Version <= r.s.CalendarVersion:
		return reject(chain.RejectStaleCalendar, "case %s follows calendar version %d already; version %d is not newer",
			r.s.CaseID, r.s.CalendarVersion, c.Version)
	case r.draining || r.requested():
		return r.busy()
	}
	return nil
}

func (r *run) followCalendar(ctx workflow.Context, c chain.CalendarChange) (chain.State, error) {
	p := &pendingCalendar{c: c}
	r.calendar = p
	return r.state(ctx, &p.done)
}

// applyCalendar makes the new calendar the case's own: the snapshot a continuation carries,
// the open task's due time counted again from its opening, the working-days deadline from the
// start. What was decided keeps the minutes measured then; what was already sent stays sent.
func (r *run) applyCalendar() error {
	p := r.calendar
	r.changed(changeFollowCalendar)
	cal, err := worktime.New(p.c.Spec)
	if err != nil { // the validator built it already; a failure here cannot be the caller's
		return err
	}
	r.cal, r.in.Calendar, r.in.CalendarVersion, r.s.CalendarVersion = cal, p.c.Spec, p.c.Version, p.c.Version
	facts := &chain.CalendarFacts{Version: p.c.Version}
	if t := r.s.Open; t != nil && t.DueAt != nil {
		due := r.due(t.OpenedAt, t.StandardMinutes)
		t.DueAt = &due
	}
	if r.def.Deadline.Unit == sop.WorkingDays {
		r.s.Deadline = r.deadline(r.s.StartedAt)
		d := r.s.Deadline
		facts.Deadline = &d
		r.stopDeadline()
		r.watchDeadlineFrom()
	}
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.CalendarApplied, At: workflow.Now(r.ctx), Task: copyTask(r.s.Open),
		By: p.c.By, Calendar: facts}
	if err := r.record(r.ctx, chain.Transition{Events: []chain.Event{ev}}); err != nil {
		return err
	}
	p.done = true
	r.calendar = nil
	return nil
}

// due is when a task opened at opened with a mutu baku of std minutes is due. From the change
// that added it, the count starts at the opening's whole minute, so due times are whole
// minutes like the working minutes they are compared with.
func (r *run) due(opened time.Time, std int) time.Time {
	if r.changed(changeDueOnWholeMinutes) {
		opened = opened.Truncate(time.Minute)
	}
	return r.cal.AddWorkingTime(opened, minutes(std))
}

// watchDeadlineFrom starts the deadline's watch on a context its next re-plan can cancel. A
// run from before that change watches on the run's own context, as it did then: a second child
// context changes the order in which a Temporal cancel cancels the pending timers, and so the
// commands its history recorded.
func (r *run) watchDeadlineFrom() {
	if !r.changed(changeReplannableDeadline) {
		r.stopDeadline = func() {}
		workflow.Go(r.ctx, r.watchDeadline)
		return
	}
	ctx, cancel := workflow.WithCancel(r.ctx)
	r.stopDeadline = cancel
	workflow.Go(ctx, r.watchDeadline)
}
