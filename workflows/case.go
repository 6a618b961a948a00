// Package workflows runs one case of an approval chain as a durable Temporal workflow. The
// workflow is an interpreter of the case's SOP definition snapshot: it opens each step as a task
// for its role, takes decisions through a validated Update, reminds and escalates on working-time
// timers, and records every transition through one local activity. It imports neither the store
// nor the configuration.
package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/worktime"
)

const (
	defaultDecisionsPerRun = 200
	recentUpdatesKept      = 32
	// reminderShare of a step's mutu baku passes before its official is reminded.
	reminderShare = 0.75
)

// Change IDs of workflow.GetVersion; each is decided where its behaviour first differs.
const (
	changeRecordFallback = "record-falls-back-to-activity"
	changeIncident       = "unrecordable-write-becomes-incident"
	changeCloseOnCancel  = "close-on-temporal-cancel"
	changeWholeMinutes   = "working-time-in-whole-minutes"
	// The sign step's agreement numbers the decree from the agency's register.
	changeNumberAtSignature = "number-decree-at-signature"
	// A numbered decree is then issued: written, electronically signed and kept (IssueDecree).
	changeIssueAtSignature = "issue-decree-at-signature"
	// A running case follows a new version of the working calendar (the calendar Update).
	changeFollowCalendar = "follow-calendar-versions"
	// A step's due time is counted from the whole minute it opened in.
	changeDueOnWholeMinutes = "due-on-whole-minutes"
	// A completed case starts the training of each angkatan.
	changeStartTrainings = "start-trainings-at-completion"
	// Notices write their dates as "23 November 2026 13:20 WITA".
	changeIndonesianDates = "indonesian-dates-in-notices"
	// The deadline's watch runs on a context of its own, so a re-plan can stop it.
	changeReplannableDeadline = "replannable-deadline-watch"
	// A decision's answer names the sending that made it (DecisionResult.Request).
	changeAnswerNamesRequest = "answer-names-request"
	// A run that starts on the baseline holds every change in onBaseline at version 1 with this
	// one marker. Each change's own first GetVersion records a marker and upserts Temporal's
	// TemporalChangeVersion search attribute, a write to the visibility store: five a case,
	// three of them in its first decision and at its completion.
	changeBaseline = "baseline-2026-12"
)

// onBaseline are the changes a run on changeBaseline holds without asking. A change made after
// the baseline is not in it: a run already on the baseline when it lands asks GetVersion and,
// replaying its history, finds no marker and keeps the behaviour it started with.
var onBaseline = map[string]bool{
	changeRecordFallback: true, changeIncident: true, changeCloseOnCancel: true, changeWholeMinutes: true,
	changeNumberAtSignature: true, changeIssueAtSignature: true, changeFollowCalendar: true,
	changeDueOnWholeMinutes: true, changeStartTrainings: true, changeIndonesianDates: true,
	changeReplannableDeadline: true, changeAnswerNamesRequest: true,
}

// askBaseline asks, once a run, whether the run is on the baseline of changes.
func (r *run) askBaseline() {
	r.baseline = workflow.GetVersion(r.ctx, changeBaseline, workflow.DefaultVersion, 1) == 1
}

// changed reports whether this run has the change id (all of them are one step: version 1).
func (r *run) changed(id string) bool {
	return (r.baseline && onBaseline[id]) || workflow.GetVersion(r.ctx, id, workflow.DefaultVersion, 1) == 1
}

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

	pending  *pendingDecision
	cancel   *pendingCancel
	revision *pendingRevision
	output   *pendingOutput
	calendar *pendingCalendar
	// stopDeadline cancels the deadline's watch, for a re-plan to start another.
	stopDeadline workflow.CancelFunc
	decisions    int  // decisions taken in this run
	recording    bool // the deadline goroutine is writing
	draining     bool // the run is handing over to its continuation; requests wait for it
	cancelled    bool // Temporal asked the run to stop (the Web UI's Cancel, CancelWorkflow)
	baseline     bool // the run started on changeBaseline
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

type pendingOutput struct {
	o    chain.Output
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
			CaseID:          in.CaseID,
			Title:           in.Title,
			StartedBy:       in.StartedBy,
			Definition:      def.Label(),
			State:           chain.Running,
			Attempts:        make([]int, len(def.Steps)),
			Returns:         make([]int, len(def.Steps)),
			Decisions:       []chain.DecisionRecord{},
			Runs:            1,
			CalendarVersion: in.CalendarVersion,
		}
		if in.Proposals != "" {
			r.s.Outputs = map[sop.Artefact]string{sop.Proposals: in.Proposals}
		}
	}
	return r, nil
}

func (r *run) run() (chain.State, error) {
	// Asked before anything else, so a history from before the baseline replays without it.
	r.askBaseline()
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
	r.watchDeadlineFrom()

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
		case r.output != nil:
			err = r.applyOutput()
		case r.calendar != nil:
			err = r.applyCalendar()
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
			DeadlineDays: r.def.Deadline.Days, Steps: len(r.def.Steps), Calendar: r.s.CalendarVersion,
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
		due := r.due(now, step.StandardMinutes())
		t.DueAt = &due
	}
	r.s.Open = t
	return chain.Event{CaseID: r.s.CaseID, Kind: chain.StepOpened, At: now, Task: copyTask(t)}
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
		Late:            step.HasStandard() && worked > minutes(step.StandardMinutes()),
		CalendarVersion: r.s.CalendarVersion,
		Note:            strings.TrimSpace(p.d.Note),
	}
	events := []chain.Event{{CaseID: r.s.CaseID, Kind: chain.StepDecided, At: now, Task: copyTask(t), Decision: &rec}}
	numbered := step.Kind == sop.KindSign && p.d.Action == chain.Agree && r.in.Register != nil &&
		r.changed(changeNumberAtSignature)
	if numbered {
		reg := *r.in.Register
		reg.Year = now.In(r.cal.Location()).Year()
		events = append(events, chain.Event{CaseID: r.s.CaseID, Kind: chain.DecreeSigned, At: now, Task: copyTask(t),
			By: p.d.Actor.NIP, Register: &reg})
	}

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
	if r.changed(changeAnswerNamesRequest) {
		res.Request = p.d.Request
	}
	r.remember(p.id, res)
	p.result = &res
	r.pending = nil
	if numbered {
		// The signature is answered first: the handler returns while the decree is issued.
		if err := r.issueDecree(&rec.Task); err != nil {
			return err
		}
	}
	if r.s.State == chain.Completed {
		return r.startTrainings()
	}
	return nil
}

func (r *run) applyCancel() error {
	c := r.cancel
	if err := r.endCancelled(strings.TrimSpace(c.c.Reason), c.c.By); err != nil {
		return err
	}
	c.done = true
	r.cancel = nil
	return nil
}

// endCancelled closes the case as cancelled and records it with the task it was open at.
func (r *run) endCancelled(reason, by string) error {
	now := workflow.Now(r.ctx)
	r.s.State = chain.Cancelled
	r.s.EndedAt = &now
	r.s.CancelReason = reason
	r.s.CancelledBy = by
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.CaseCancelled, At: now, Reason: reason, By: by, Task: copyTask(r.s.Open)}
	r.s.Open = nil
	return r.record(r.ctx, chain.Transition{Events: []chain.Event{ev}})
}

// closeCancelled ends a run that Temporal was asked to cancel, outside skflow's own cancel:
// the cancellation is recorded like any other (record writes on a context the cancellation
// does not reach), so the records stop saying "running" and the open task leaves the inbox.
func (r *run) closeCancelled() (chain.State, error) {
	if err := r.endCancelled(CancelledOutside, "temporal"); err != nil {
		return *r.s, err
	}
	return *r.s, temporal.NewCanceledError(r.s.CancelReason)
}

// CancelledOutside is the reason recorded when a case is cancelled from Temporal's own tools.
const CancelledOutside = "dibatalkan melalui Temporal, di luar skflow"

// workingTime counts the working time of a task in whole minutes from its opening minute, so
// a decision half a second past the hour counts the hour.
func (r *run) workingTime(from, to time.Time) time.Duration {
	if r.changed(changeWholeMinutes) {
		from, to = from.Truncate(time.Minute), to.Truncate(time.Minute)
	}
	return r.cal.WorkingTime(from, to)
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

// wita is an instant in a notice, as Indonesians write it since the change that says so.
func (r *run) wita(t time.Time) string {
	if r.changed(changeIndonesianDates) {
		return idfmt.DateTime(t.In(r.cal.Location()))
	}
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

// Register adds the case and training workflows to a worker (or a replayer) under their
// contract names.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Case, workflow.RegisterOptions{Name: chain.WorkflowName})
	r.RegisterWorkflowWithOptions(Training, workflow.RegisterOptions{Name: training.WorkflowName})
}
