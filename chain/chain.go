// Package chain is the contract of one case of an approval chain: what starts it, the decisions
// officials send it, the events it records, the notices it sends and the status it reports.
// The workflow, the activities, the CLI and the web app all speak it; it imports neither
// Temporal nor the database.
package chain

import (
	"fmt"
	"time"

	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/worktime"
)

// Names the workflow registers and its callers use.
const (
	WorkflowName   = "ApprovalChain"
	UpdateDecide   = "decide"
	UpdateCancel   = "cancel"
	UpdateRevise   = "revise" // the earlier form of UpdateVersion, kept for histories that hold it
	UpdateVersion  = "version"
	UpdateOutput   = "output"
	UpdateCalendar = "calendar"
	QueryStatus    = "status"
	ActivityRecord = "RecordTransition"
	ActivityIssue  = "IssueDecree"
)

// IssueRequest asks for a signed case's decree to be issued: written from what the signature
// froze, sealed with the agency's electronic signature and kept byte for byte.
type IssueRequest struct {
	CaseID string `json:"case_id"`
}

// IssuedDecree is what the issue activity answers: the decree's number and the SHA-256 of the
// PDF as issued, which the workflow then holds as the case's last artefact.
type IssuedDecree struct {
	Number string `json:"number"`
	SHA256 string `json:"sha256"`
}

// CaseInput starts a case. The definition and calendar are snapshots: a running case keeps
// the SOP version and calendar it started with, whatever the configuration says later.
type CaseInput struct {
	CaseID     string         `json:"case_id"`
	Title      string         `json:"title"`
	StartedBy  string         `json:"started_by"` // operator's NIP or name
	Definition sop.Definition `json:"definition"`
	Calendar   worktime.Spec  `json:"calendar"`
	Limits     Limits         `json:"limits"`
	// Proposals is the SHA-256 of the OPD proposals file the operator started the case with.
	Proposals string `json:"proposals,omitempty"`
	// Register numbers the decree when its sign step is agreed; empty for cases started before
	// decrees were numbered.
	Register *Register `json:"register,omitempty"`
	Resume   *State    `json:"resume,omitempty"` // set when the case continues as new
	// CalendarVersion is the kept calendar version Calendar is; 0 for cases started before
	// the calendar was kept in versions.
	CalendarVersion int `json:"calendar_version,omitempty"`
}

// CalendarChange brings a running case onto a new version of the working calendar: its open
// step's due time, reminder and escalation, and a working-days deadline, are planned again.
type CalendarChange struct {
	Version int           `json:"version"`
	Spec    worktime.Spec `json:"spec"`
	By      string        `json:"by"`
}

// CalendarFacts are what the store keeps of a calendar change on a case.
type CalendarFacts struct {
	Version  int        `json:"version"`
	Deadline *time.Time `json:"deadline,omitempty"` // the service deadline, when it moved
}

// Limits bound the size of one workflow run's history.
type Limits struct {
	// DecisionsPerRun is how many decisions one run takes before it continues as new, so a
	// draft returned again and again cannot grow the history without bound. 0 means 200.
	DecisionsPerRun int `json:"decisions_per_run,omitempty"`
}

// Action is what an official does with a task.
type Action string

const (
	Agree  Action = "agree"  // paraf, sign, forward or done, by step kind
	Return Action = "return" // send the draft back to the step's return target
	// Superseded closes an open review when a new version of the draft arrives: the draft goes
	// back to the first review step and every paraf is given again on the new version.
	Superseded Action = "superseded"
)

// Actor is the official who acts. Role is the role whose task is decided; when the official
// stands in for the holder, OnBehalfOf names the holder and Appointment says how ("Plt." for
// pelaksana tugas, "Plh." for pelaksana harian), as tata naskah dinas writes it.
type Actor struct {
	NIP         string `json:"nip"`
	Name        string `json:"name,omitempty"`
	Role        string `json:"role"`
	OnBehalfOf  string `json:"on_behalf_of,omitempty"`
	Appointment string `json:"appointment,omitempty"`
}

// Decision is the payload of the decide Update.
type Decision struct {
	Step     int    `json:"step"`
	Attempt  int    `json:"attempt,omitempty"` // 0: whichever attempt is open
	Action   Action `json:"action"`
	Reason   string `json:"reason,omitempty"`
	Actor    Actor  `json:"actor"`
	Document string `json:"document,omitempty"` // SHA-256 of the draft version decided on
	// Note is the instruction (arahan, disposisi) an agreement gives the next role.
	Note string `json:"note,omitempty"`
	// Request names this sending of the decision, so its sender can tell from the answer
	// whether the decision was made now or by an earlier sending under the same key.
	Request string `json:"request,omitempty"`
}

// Revision is a new version of the draft SK: the payload of the version Update (and of the
// older revise). Role is the role of the official who made it, which must be one of the
// definition's drafting roles; Generated marks the draft frozen from the classification as
// version 1, which no official makes.
type Revision struct {
	Version   int    `json:"version"`
	SHA256    string `json:"sha256"`
	By        string `json:"by"`
	Role      string `json:"role,omitempty"`
	Generated bool   `json:"generated,omitempty"`
}

// Output is the payload of the output Update: an artefact a step produces, by its hash, from an
// official of a drafting role.
type Output struct {
	Artefact sop.Artefact `json:"artefact"`
	SHA256   string       `json:"sha256"`
	By       string       `json:"by"`
	Role     string       `json:"role"`
}

// DraftVersion is the version of the draft SK the case is decided on now.
type DraftVersion struct {
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
}

// Cancellation is the payload of the cancel Update.
type Cancellation struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// Task is one attempt at one step, open or decided.
type Task struct {
	Step            int        `json:"step"`
	Attempt         int        `json:"attempt"`
	Role            string     `json:"role"`
	OpenedAt        time.Time  `json:"opened_at"`
	DueAt           *time.Time `json:"due_at,omitempty"` // nil when the step has no mutu baku
	StandardMinutes int        `json:"standard_minutes,omitempty"`
	Reminded        bool       `json:"reminded,omitempty"`
	Escalated       bool       `json:"escalated,omitempty"` // the mutu baku has run out
}

// DecisionRecord is one decided task, as the case history shows it.
type DecisionRecord struct {
	Task
	Action         Action    `json:"action"`
	Reason         string    `json:"reason,omitempty"`
	Actor          Actor     `json:"actor"`
	DecidedAt      time.Time `json:"decided_at"`
	WorkingMinutes int       `json:"working_minutes"`
	Late           bool      `json:"late"`
	UpdateID       string    `json:"update_id,omitempty"`
	Document       string    `json:"document,omitempty"` // SHA-256 of the draft version decided on
	// CalendarVersion is the kept calendar version that measured WorkingMinutes (0: the
	// snapshot the case started with, before versions were kept).
	CalendarVersion int `json:"calendar_version,omitempty"`
	// Note is the instruction the official gave the next role.
	Note string `json:"note,omitempty"`
}

// DecisionResult answers a decide Update: what was recorded and what is open now.
type DecisionResult struct {
	Record DecisionRecord `json:"record"`
	Next   *Task          `json:"next,omitempty"` // nil when the decision completed the case
	State  CaseState      `json:"state"`
	// Request is the Request of the sending that made the decision (empty for decisions made
	// before results carried it).
	Request string `json:"request,omitempty"`
}

// CaseState is where a case is in its life.
type CaseState string

const (
	Running   CaseState = "running"
	Completed CaseState = "completed"
	Cancelled CaseState = "cancelled"
	Stopped   CaseState = "stopped" // closed outside skflow: terminated, timed out, reset
)

// State is everything a case knows; it is the Status query's answer and what a run hands to
// the next when it continues as new.
type State struct {
	CaseID           string           `json:"case_id"`
	Title            string           `json:"title"`
	StartedBy        string           `json:"started_by"`
	Definition       string           `json:"definition"` // id and version
	State            CaseState        `json:"state"`
	StartedAt        time.Time        `json:"started_at"`
	Deadline         time.Time        `json:"deadline"`
	DeadlineBreached bool             `json:"deadline_breached"`
	Open             *Task            `json:"open,omitempty"`
	Attempts         []int            `json:"attempts"` // per step, in definition order
	Returns          []int            `json:"returns"`  // returns made from each step
	Decisions        []DecisionRecord `json:"decisions"`
	EndedAt          *time.Time       `json:"ended_at,omitempty"`
	CancelReason     string           `json:"cancel_reason,omitempty"`
	CancelledBy      string           `json:"cancelled_by,omitempty"`
	Runs             int              `json:"runs"` // workflow runs so far (continue-as-new)
	// CalendarVersion is the kept calendar version the case follows now.
	CalendarVersion int `json:"calendar_version,omitempty"`
	// Draft is the current version of the draft SK; every decision must name its hash.
	Draft *DraftVersion `json:"draft,omitempty"`
	// Outputs are the artefacts other than the draft the case holds, by SHA-256 (the proposals,
	// the classification).
	Outputs map[sop.Artefact]string `json:"outputs,omitempty"`
	Recent  []RecentUpdate          `json:"recent,omitempty"`
}

// RecentUpdate remembers an answered decision by its update ID, so a repeated request (a
// double click, a client retry) gets the first answer even across continue-as-new.
type RecentUpdate struct {
	ID     string         `json:"id"`
	Result DecisionResult `json:"result"`
}

// EventKind names a recorded fact about a case.
type EventKind string

const (
	CaseStarted      EventKind = "case_started"
	StepOpened       EventKind = "step_opened"
	StepDecided      EventKind = "step_decided"
	StepReminded     EventKind = "step_reminded"
	StepEscalated    EventKind = "step_escalated"
	DeadlineBreached EventKind = "deadline_breached"
	CaseCompleted    EventKind = "case_completed"
	CaseCancelled    EventKind = "case_cancelled"
	// Incident records that the store could not take a transition (it named a row that does not
	// exist, or the database refused its data); the case went on.
	Incident EventKind = "incident"
	// CaseStoppedOutside records that the case's workflow closed without skflow (terminated,
	// timed out or reset from Temporal's own tools); the reconciler writes it.
	CaseStoppedOutside EventKind = "case_stopped_outside"
	// DecreeSigned gives the decree its number from the register, when the sign step is agreed.
	DecreeSigned EventKind = "decree_signed"
	// DraftVersioned records a new version of the draft SK that sent nothing back.
	DraftVersioned EventKind = "draft_versioned"
	// OutputRecorded records an artefact a step produces.
	OutputRecorded EventKind = "output_recorded"
	// DecreeIssued records the signed decree as issued, by its hash (Output, artefact decree).
	DecreeIssued EventKind = "decree_issued"
	// CalendarApplied records that the case follows a new calendar version, with its open
	// task's new due time.
	CalendarApplied EventKind = "calendar_applied"
	// TrainingsStarted records the training runs a completed case started, one per angkatan.
	TrainingsStarted EventKind = "trainings_started"
)

// Failure types of the record activity that retries cannot cure.
const (
	FailInvalidTransition = "InvalidTransition"
	FailDataRejected      = "DataRejected"
	// FailNotIssuable: the signed case has no decree to issue (no participants, say).
	FailNotIssuable = "NotIssuable"
)

// Event is one fact for the store and the audit log. Key identifies it for idempotent writes.
type Event struct {
	CaseID    string          `json:"case_id"`
	Kind      EventKind       `json:"kind"`
	At        time.Time       `json:"at"`
	Task      *Task           `json:"task,omitempty"`      // step events
	Decision  *DecisionRecord `json:"decision,omitempty"`  // step_decided
	Case      *CaseFacts      `json:"case,omitempty"`      // case_started
	Reason    string          `json:"reason,omitempty"`    // case_cancelled
	By        string          `json:"by,omitempty"`        // who cancelled or started
	Failed    EventKind       `json:"failed,omitempty"`    // incident: the event that could not be written
	Register  *Register       `json:"register,omitempty"`  // decree_signed
	Draft     *DraftVersion   `json:"draft,omitempty"`     // draft_versioned
	Output    *Output         `json:"output,omitempty"`    // output_recorded, decree_issued
	Calendar  *CalendarFacts  `json:"calendar,omitempty"`  // calendar_applied
	Trainings []string        `json:"trainings,omitempty"` // trainings_started: the runs' IDs
}

// CaseFacts are what the store keeps about a case when it starts.
type CaseFacts struct {
	Title        string    `json:"title"`
	DefinitionID string    `json:"definition_id"`
	Version      int       `json:"version"`
	Deadline     time.Time `json:"deadline"`
	DeadlineDays int       `json:"deadline_days"`
	Steps        int       `json:"steps"`
	Calendar     int       `json:"calendar_version,omitempty"`
}

// Key is the event's idempotency key: a retried write with the same key must not write twice.
func (e Event) Key() string {
	step, attempt := 0, 0
	if e.Task != nil {
		step, attempt = e.Task.Step, e.Task.Attempt
	}
	switch {
	case e.Kind == Incident:
		return fmt.Sprintf("%s/%s/%d/%d/%s", e.CaseID, e.Kind, step, attempt, e.Failed)
	case e.Kind == DraftVersioned && e.Draft != nil:
		return fmt.Sprintf("%s/%s/%d/%d/v%d", e.CaseID, e.Kind, step, attempt, e.Draft.Version)
	case e.Kind == CalendarApplied && e.Calendar != nil:
		return fmt.Sprintf("%s/%s/%d/%d/c%d", e.CaseID, e.Kind, step, attempt, e.Calendar.Version)
	case e.Kind == OutputRecorded && e.Output != nil:
		return fmt.Sprintf("%s/%s/%d/%d/%s/%s", e.CaseID, e.Kind, step, attempt, e.Output.Artefact, e.Output.SHA256)
	}
	return fmt.Sprintf("%s/%s/%d/%d", e.CaseID, e.Kind, step, attempt)
}

// NoticeKind says why a notice is sent.
type NoticeKind string

const (
	Reminder   NoticeKind = "reminder"   // 75% of the mutu baku used
	Escalation NoticeKind = "escalation" // mutu baku run out: the superior is told
	Breach     NoticeKind = "breach"     // the service deadline passed
)

// Notice is a message to every official of a role.
type Notice struct {
	CaseID  string     `json:"case_id"`
	Kind    NoticeKind `json:"kind"`
	ToRole  string     `json:"to_role"`
	Task    *Task      `json:"task,omitempty"`
	Subject string     `json:"subject"`
	Body    string     `json:"body"`
}

// Key is the notice's idempotency key.
func (n Notice) Key() string {
	step, attempt := 0, 0
	if n.Task != nil {
		step, attempt = n.Task.Step, n.Task.Attempt
	}
	return fmt.Sprintf("%s/%s/%d/%d/%s", n.CaseID, n.Kind, step, attempt, n.ToRole)
}

// Transition is everything one change of a case writes, in one activity call, so the store can
// apply it in one transaction.
type Transition struct {
	Events  []Event  `json:"events"`
	Notices []Notice `json:"notices,omitempty"`
}

// Rejection types of the decide and cancel Updates (the Type of the ApplicationError), so
// screens can say them in their own words.
const (
	RejectCaseClosed     = "CaseClosed"
	RejectWrongStep      = "WrongStep"
	RejectStaleAttempt   = "StaleAttempt"
	RejectWrongRole      = "WrongRole"
	RejectBadAction      = "BadAction"
	RejectReasonRequired = "ReasonRequired"
	RejectNoReturn       = "NoReturn"
	RejectNoActor        = "NoActor"
	RejectBusy           = "Busy"
	RejectNotRevisable   = "NotRevisable"
	RejectCancelling     = "Cancelling"
	RejectStaleVersion   = "StaleVersion"
	RejectNotDrafter     = "NotDrafter"
	RejectMissingOutput  = "MissingOutput"
	RejectStaleCalendar  = "StaleCalendar"
)
