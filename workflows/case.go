// Package workflows runs one case of an approval chain as a durable Temporal workflow. The
// workflow is an interpreter of the case's SOP definition snapshot: it opens each step as a task
// for its role, takes decisions through a validated Update, reminds and escalates on working-time
// timers, and records every transition through one local activity. It imports neither the store
// nor the configuration.
package workflows

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/worktime"
)

const (
	defaultDecisionsPerRun = 200
	recentUpdatesKept      = 32
	// reminderShare of a step's mutu baku passes before its official is reminded.
	reminderShare = 0.75
)

// A bookkeeping write is tried first as a local activity: in-process, no extra workflow task.
// It gives up after a short while, because while a local activity retries the workflow task
// heartbeats and every heartbeat adds history; the write then moves to a server-side activity,
// whose retries add none however long the database is down, and whose short backoff lands the
// write within seconds of the database's return.
var (
	localRecord = workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: 20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        500 * time.Millisecond,
			BackoffCoefficient:     2,
			MaximumInterval:        4 * time.Second,
			NonRetryableErrorTypes: unrecordable,
		},
	}
	remoteRecord = workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Second,
			// Unlimited in effect (centuries at the longest interval); stated, because the SDK's
			// test environment caps an unset limit at ten attempts.
			MaximumAttempts:        math.MaxInt32,
			NonRetryableErrorTypes: unrecordable,
		},
	}
	// unrecordable failures will not get better with retries: the transition names a case or
	// task the store does not have, or the database refuses its data.
	unrecordable = []string{chain.FailInvalidTransition, chain.FailDataRejected}
)

// Change IDs of workflow.GetVersion; each is decided where its behaviour first differs.
const (
	changeRecordFallback = "record-falls-back-to-activity"
	changeIncident       = "unrecordable-write-becomes-incident"
	changeCloseOnCancel  = "close-on-temporal-cancel"
	changeWholeMinutes   = "working-time-in-whole-minutes"
)

// Case is the workflow of one case, registered as chain.WorkflowName.
func Case(ctx workflow.Context, in chain.CaseInput) (chain.State, error) {
	r, err := newRun(ctx, in)
	if err != nil {
		return chain.State{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidCaseInput", err)
	}
	return r.run()
}

// run is one workflow run of a case. The main loop is the only writer of s; handlers hand it
// their requests through pending and cancel and wait for its answer.
type run struct {
	ctx workflow.Context
	in  chain.CaseInput
	def *sop.Definition
	cal *worktime.Calendar
	s   *chain.State

	pending   *pendingDecision
	cancel    *pendingCancel
	revision  *pendingRevision
	decisions int  // decisions taken in this run
	recording bool // the deadline goroutine is writing
	draining  bool // the run is handing over to its continuation; requests wait for it
	cancelled bool // Temporal asked the run to stop (the Web UI's Cancel, CancelWorkflow)
}

type pendingDecision struct {
	id     string
	d      chain.Decision
	result *chain.DecisionResult
}

type pendingCancel struct {
	c    chain.Cancellation
	done bool
}

type pendingRevision struct {
	rev  chain.Revision
	done bool
}

func newRun(ctx workflow.Context, in chain.CaseInput) (*run, error) {
	def := in.Definition
	if err := def.Validate(); err != nil {
		return nil, fmt.Errorf("case %s: definition snapshot: %w", in.CaseID, err)
	}
	cal, err := worktime.New(in.Calendar)
	if err != nil {
		return nil, fmt.Errorf("case %s: calendar snapshot: %w", in.CaseID, err)
	}
	if strings.TrimSpace(in.CaseID) == "" {
		return nil, errors.New("case input: case_id must not be empty")
	}
	r := &run{ctx: ctx, in: in, def: &def, cal: cal}
	if in.Resume != nil {
		r.s = in.Resume
		r.s.Runs++
	} else {
		r.s = &chain.State{
			CaseID:     in.CaseID,
			Title:      in.Title,
			StartedBy:  in.StartedBy,
			Definition: def.Label(),
			State:      chain.Running,
			Attempts:   make([]int, len(def.Steps)),
			Returns:    make([]int, len(def.Steps)),
			Decisions:  []chain.DecisionRecord{},
			Runs:       1,
		}
	}
	return r, nil
}

func (r *run) run() (chain.State, error) {
	// The first step is open before the handlers exist: an Update that came with the first
	// workflow task is validated the moment its handler is registered.
	var started chain.Transition
	if r.in.Resume == nil {
		started = r.start()
	}
	if err := r.register(); err != nil {
		return chain.State{}, err
	}
	if r.in.Resume == nil {
		if err := r.record(r.ctx, started); err != nil {
			return chain.State{}, err
		}
	}
	workflow.Go(r.ctx, r.watchDeadline)

	for r.s.State == chain.Running {
		r.awaitRequest()
		if r.cancelled {
			return r.closeCancelled()
		}
		var err error
		switch {
		case r.pending != nil:
			err = r.applyDecision()
		case r.cancel != nil:
			err = r.applyCancel()
		case r.revision != nil:
			err = r.applyRevision()
		}
		if err != nil {
			return *r.s, err
		}
		if r.s.State == chain.Running && r.shouldContinueAsNew() {
			r.draining = true
			return r.continueAsNew()
		}
	}
	// Let the last handler return its answer before the run closes.
	if err := workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) && !r.recording }); err != nil {
		return *r.s, err
	}
	return *r.s, nil
}

// start opens the first step and returns the transition that records the case's start.
func (r *run) start() chain.Transition {
	now := workflow.Now(r.ctx)
	r.s.StartedAt = now
	r.s.Deadline = r.deadline(now)
	first := r.open(0, now)
	return chain.Transition{Events: []chain.Event{
		{CaseID: r.s.CaseID, Kind: chain.CaseStarted, At: now, By: r.s.StartedBy, Case: &chain.CaseFacts{
			Title: r.s.Title, DefinitionID: r.def.ID, Version: r.def.Version, Deadline: r.s.Deadline,
			DeadlineDays: r.def.Deadline.Days, Steps: len(r.def.Steps),
		}},
		first,
	}}
}

func (r *run) deadline(from time.Time) time.Time {
	if r.def.Deadline.Unit == sop.WorkingDays {
		return r.cal.AddWorkingDays(from, r.def.Deadline.Days)
	}
	return r.cal.AddCalendarDays(from, r.def.Deadline.Days)
}

// open makes the step at index i the open task and returns its event.
func (r *run) open(i int, now time.Time) chain.Event {
	step := r.def.Steps[i]
	r.s.Attempts[i]++
	t := &chain.Task{Step: step.Number, Attempt: r.s.Attempts[i], Role: step.Role, OpenedAt: now,
		StandardMinutes: step.StandardMinutes()}
	if step.HasStandard() {
		due := r.cal.AddWorkingTime(now, minutes(step.StandardMinutes()))
		t.DueAt = &due
	}
	r.s.Open = t
	return chain.Event{CaseID: r.s.CaseID, Kind: chain.StepOpened, At: now, Task: copyTask(t)}
}

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
		if err != nil && workflow.GetVersion(r.ctx, changeCloseOnCancel, workflow.DefaultVersion, 1) == 1 {
			r.cancelled = true
			return
		}
		r.fireAlarm(kind)
	}
}

func (r *run) requested() bool { return r.pending != nil || r.cancel != nil || r.revision != nil }

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

// applyDecision records the pending decision, moves the case on and answers the handler.
func (r *run) applyDecision() error {
	p := r.pending
	now := workflow.Now(r.ctx)
	t := r.s.Open
	i, _ := r.def.Index(t.Step)
	step := r.def.Steps[i]
	worked := r.workingTime(t.OpenedAt, now)
	rec := chain.DecisionRecord{
		Task: *t, Action: p.d.Action, Reason: strings.TrimSpace(p.d.Reason), Actor: p.d.Actor, Document: p.d.Document,
		DecidedAt: now, WorkingMinutes: int(worked / time.Minute), UpdateID: p.id,
		Late: step.HasStandard() && worked > minutes(step.StandardMinutes()),
	}
	events := []chain.Event{{CaseID: r.s.CaseID, Kind: chain.StepDecided, At: now, Task: copyTask(t), Decision: &rec}}

	next := -1
	switch {
	case p.d.Action == chain.Return:
		r.s.Returns[i]++
		next, _ = r.def.Index(step.ReturnTo)
	case i+1 < len(r.def.Steps):
		next = i + 1
	}
	r.s.Decisions = append(r.s.Decisions, rec)
	r.decisions++
	if next >= 0 {
		events = append(events, r.open(next, now))
	} else {
		r.s.Open = nil
		r.s.State = chain.Completed
		r.s.EndedAt = &now
		events = append(events, chain.Event{CaseID: r.s.CaseID, Kind: chain.CaseCompleted, At: now})
	}
	if err := r.record(r.ctx, chain.Transition{Events: events}); err != nil {
		return err
	}
	res := chain.DecisionResult{Record: rec, Next: copyTask(r.s.Open), State: r.s.State}
	r.remember(p.id, res)
	p.result = &res
	r.pending = nil
	return nil
}

// applyRevision closes the open review as superseded and reopens the first review step.
func (r *run) applyRevision() error {
	p := r.revision
	now := workflow.Now(r.ctx)
	t := r.s.Open
	first, _, _ := r.def.FirstReview()
	rec := chain.DecisionRecord{Task: *t, Action: chain.Superseded, DecidedAt: now, Document: p.rev.SHA256,
		Reason:         fmt.Sprintf("versi %d draft SK diunggah", p.rev.Version),
		Actor:          chain.Actor{NIP: p.rev.By, Role: t.Role},
		WorkingMinutes: int(r.workingTime(t.OpenedAt, now) / time.Minute)}
	r.s.Decisions = append(r.s.Decisions, rec)
	r.decisions++
	events := []chain.Event{{CaseID: r.s.CaseID, Kind: chain.StepDecided, At: now, Task: copyTask(t), Decision: &rec}}
	events = append(events, r.open(first, now))
	if err := r.record(r.ctx, chain.Transition{Events: events}); err != nil {
		return err
	}
	p.done = true
	r.revision = nil
	return nil
}

func (r *run) applyCancel() error {
	c := r.cancel
	now := workflow.Now(r.ctx)
	r.s.State = chain.Cancelled
	r.s.EndedAt = &now
	r.s.CancelReason = strings.TrimSpace(c.c.Reason)
	r.s.CancelledBy = c.c.By
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.CaseCancelled, At: now, Reason: r.s.CancelReason, By: c.c.By,
		Task: copyTask(r.s.Open)}
	r.s.Open = nil
	if err := r.record(r.ctx, chain.Transition{Events: []chain.Event{ev}}); err != nil {
		return err
	}
	c.done = true
	r.cancel = nil
	return nil
}

// closeCancelled ends a run that Temporal was asked to cancel, outside skflow's own cancel:
// the cancellation is recorded like any other, on a context the cancellation does not reach,
// so the records stop saying "running" and the open task leaves the inbox.
func (r *run) closeCancelled() (chain.State, error) {
	ctx, _ := workflow.NewDisconnectedContext(r.ctx)
	now := workflow.Now(ctx)
	r.s.State = chain.Cancelled
	r.s.EndedAt = &now
	r.s.CancelReason = CancelledOutside
	r.s.CancelledBy = "temporal"
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.CaseCancelled, At: now, Reason: r.s.CancelReason, By: r.s.CancelledBy,
		Task: copyTask(r.s.Open)}
	r.s.Open = nil
	if err := r.record(ctx, chain.Transition{Events: []chain.Event{ev}}); err != nil {
		return *r.s, err
	}
	return *r.s, temporal.NewCanceledError(r.s.CancelReason)
}

// CancelledOutside is the reason recorded when a case is cancelled from Temporal's own tools.
const CancelledOutside = "dibatalkan melalui Temporal, di luar skflow"

// workingTime counts the working time of a task in whole minutes from its opening minute, so
// a decision half a second past the hour counts the hour.
func (r *run) workingTime(from, to time.Time) time.Duration {
	if workflow.GetVersion(r.ctx, changeWholeMinutes, workflow.DefaultVersion, 1) == 1 {
		from, to = from.Truncate(time.Minute), to.Truncate(time.Minute)
	}
	return r.cal.WorkingTime(from, to)
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
	if r.s.State != chain.Running {
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

// record writes a transition from the coroutine that owns ctx. A cancellation of the run does
// not interrupt a write: what happened is recorded before the run closes. A transition the
// store can never take becomes an incident on the case instead of a wedge.
func (r *run) record(ctx workflow.Context, t chain.Transition) error {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	err := r.write(ctx, t)
	if err == nil || !unrecordableFailure(err) {
		return err
	}
	if workflow.GetVersion(ctx, changeIncident, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return err
	}
	var app *temporal.ApplicationError
	errors.As(err, &app)
	incident := t.Incident(workflow.Now(ctx), app.Message(), app.Type() == chain.FailDataRejected)
	if ierr := r.write(ctx, incident); ierr != nil {
		// The case goes on whatever the store says: the workflow is its authority.
		workflow.GetLogger(ctx).Error("incident could not be recorded", "case", r.s.CaseID, "err", ierr, "cause", err)
	}
	return nil
}

func (r *run) write(ctx workflow.Context, t chain.Transition) error {
	lctx := workflow.WithLocalActivityOptions(ctx, localRecord)
	err := workflow.ExecuteLocalActivity(lctx, chain.ActivityRecord, t).Get(lctx, nil)
	if err != nil && !unrecordableFailure(err) &&
		workflow.GetVersion(ctx, changeRecordFallback, workflow.DefaultVersion, 1) == 1 {
		actx := workflow.WithActivityOptions(ctx, remoteRecord)
		err = workflow.ExecuteActivity(actx, chain.ActivityRecord, t).Get(actx, nil)
	}
	if err != nil {
		return fmt.Errorf("record %s: %w", t.Events[0].Kind, err)
	}
	return nil
}

func unrecordableFailure(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && (app.Type() == chain.FailInvalidTransition || app.Type() == chain.FailDataRejected)
}

func (r *run) shouldContinueAsNew() bool {
	limit := r.in.Limits.DecisionsPerRun
	if limit <= 0 {
		limit = defaultDecisionsPerRun
	}
	return r.decisions >= limit || workflow.GetInfo(r.ctx).GetContinueAsNewSuggested()
}

func (r *run) continueAsNew() (chain.State, error) {
	if err := workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) && !r.recording }); err != nil {
		return *r.s, err
	}
	next := r.in
	next.Resume = r.s
	return *r.s, workflow.NewContinueAsNewError(r.ctx, chain.WorkflowName, next)
}

func (r *run) remember(id string, res chain.DecisionResult) {
	r.s.Recent = append(r.s.Recent, chain.RecentUpdate{ID: id, Result: res})
	if n := len(r.s.Recent); n > recentUpdatesKept {
		r.s.Recent = r.s.Recent[n-recentUpdatesKept:]
	}
}

func (r *run) recalled(id string) (chain.DecisionResult, bool) {
	for _, u := range r.s.Recent {
		if u.ID == id {
			return u.Result, true
		}
	}
	return chain.DecisionResult{}, false
}

func (r *run) wita(t time.Time) string {
	return t.In(r.cal.Location()).Format("02-01-2006 15:04 MST")
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

func copyTask(t *chain.Task) *chain.Task {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// Register adds the case workflow to a worker (or a replayer) under its contract name.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Case, workflow.RegisterOptions{Name: chain.WorkflowName})
}
