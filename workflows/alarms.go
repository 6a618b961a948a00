package workflows

// Reminders and escalations on the open task, the service deadline, and the notices they send.

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
)

// awaitRequest waits for a decision or a cancellation, reminding and escalating on the way.
// One timer is pending at a time and it is cancelled when a request arrives.
func (r *run) awaitRequest() {
	for {
		alarm, kind := r.nextAlarm()
		tctx, cancelTimer := workflow.WithCancel(r.ctx)
		var timer workflow.Future
		if kind != "" {
			if d := alarm.Sub(workflow.Now(r.ctx)); d > 0 {
				timer = workflow.NewTimer(tctx, d)
			}
		}
		due := kind != "" && timer == nil
		err := workflow.Await(r.ctx, func() bool {
			return r.requested() || due || (timer != nil && timer.IsReady())
		})
		cancelTimer()
		if r.requested() {
			return
		}
		// Await fails only when the run is cancelled; before this change the loop went on
		// firing nothing until the server ended the run.
		if err != nil && r.changed(changeCloseOnCancel) {
			r.cancelled = true
			return
		}
		r.fireAlarm(kind)
	}
}

func (r *run) requested() bool {
	return r.pending != nil || r.cancel != nil || r.revision != nil || r.output != nil || r.calendar != nil
}

// nextAlarm is the next reminder or escalation instant of the open task, if any is left.
func (r *run) nextAlarm() (time.Time, chain.NoticeKind) {
	t := r.s.Open
	if t == nil || t.DueAt == nil {
		return time.Time{}, ""
	}
	if !t.Reminded {
		share := time.Duration(float64(minutes(t.StandardMinutes)) * reminderShare)
		return r.cal.AddWorkingTime(t.OpenedAt, share), chain.Reminder
	}
	if !t.Escalated {
		return *t.DueAt, chain.Escalation
	}
	return time.Time{}, ""
}

func (r *run) fireAlarm(kind chain.NoticeKind) {
	now := workflow.Now(r.ctx)
	t := r.s.Open
	step, _ := r.def.Step(t.Step)
	ev := chain.Event{CaseID: r.s.CaseID, At: now}
	var notices []chain.Notice
	switch kind {
	case chain.Reminder:
		t.Reminded = true
		ev.Kind = chain.StepReminded
		notices = append(notices, r.notice(chain.Reminder, t.Role, t,
			fmt.Sprintf("Pengingat: langkah %d %s", t.Step, r.s.Title),
			fmt.Sprintf("Tugas \"%s\" untuk %s telah memakai %d%% dari mutu baku %d menit; batas waktu %s.",
				step.Action, r.def.RoleName(t.Role), int(reminderShare*100), t.StandardMinutes, r.wita(*t.DueAt))))
	case chain.Escalation:
		t.Escalated = true
		ev.Kind = chain.StepEscalated
		body := fmt.Sprintf("Langkah %d (%s) pada %s melewati mutu baku %d menit sejak %s.",
			t.Step, r.def.RoleName(t.Role), r.s.Title, t.StandardMinutes, r.wita(*t.DueAt))
		notices = append(notices, r.notice(chain.Escalation, t.Role, t, "Terlambat: langkah "+fmt.Sprint(t.Step)+" "+r.s.Title, body))
		if role, _ := r.def.Role(t.Role); role.Superior != "" {
			notices = append(notices, r.notice(chain.Escalation, role.Superior, t, "Eskalasi: langkah "+fmt.Sprint(t.Step)+" "+r.s.Title, body))
		}
	}
	ev.Task = copyTask(t)
	// A failed write is retried by the activity; an error here means the run is closing.
	_ = r.record(r.ctx, chain.Transition{Events: []chain.Event{ev}, Notices: notices})
}

func (r *run) notice(kind chain.NoticeKind, to string, t *chain.Task, subject, body string) chain.Notice {
	return chain.Notice{CaseID: r.s.CaseID, Kind: kind, ToRole: to, Task: copyTask(t), Subject: subject, Body: body}
}

// watchDeadline fires once when the service deadline passes: the breach is recorded and
// escalated to the top of the chain, and the case goes on.
func (r *run) watchDeadline(ctx workflow.Context) {
	if r.s.DeadlineBreached {
		return
	}
	if d := r.s.Deadline.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.NewTimer(ctx, d).Get(ctx, nil); err != nil {
			return
		}
	}
	// A watch that could not be stopped when the deadline moved (a run from before the
	// deadline could be re-planned) leaves the moved deadline to the watch started for it.
	if r.s.State != chain.Running || r.s.DeadlineBreached || workflow.Now(ctx).Before(r.s.Deadline) {
		return
	}
	r.s.DeadlineBreached = true
	r.recording = true
	defer func() { r.recording = false }()
	now := workflow.Now(ctx)
	body := fmt.Sprintf("%s belum selesai setelah %d hari (batas %s).", r.s.Title, r.def.Deadline.Days, r.wita(r.s.Deadline))
	var notices []chain.Notice
	for _, role := range r.topRoles() {
		notices = append(notices, r.notice(chain.Breach, role, r.s.Open, "Melewati batas waktu layanan: "+r.s.Title, body))
	}
	_ = r.record(ctx, chain.Transition{
		Events:  []chain.Event{{CaseID: r.s.CaseID, Kind: chain.DeadlineBreached, At: now, Task: copyTask(r.s.Open)}},
		Notices: notices,
	})
}

// topRoles are told of a deadline breach: the open step's role and every superior above it.
func (r *run) topRoles() []string {
	var roles []string
	if r.s.Open == nil {
		return roles
	}
	cur := r.s.Open.Role
	for range r.def.Roles {
		roles = append(roles, cur)
		role, _ := r.def.Role(cur)
		if role.Superior == "" {
			break
		}
		cur = role.Superior
	}
	return roles
}
