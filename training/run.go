package training

import (
	"fmt"
	"strings"
	"time"
)

// Names the training run registers and its callers use.
const (
	WorkflowName     = "LatsarRun"
	UpdateConfirm    = "confirm"
	UpdateRecord     = "record"
	UpdateRemedial   = "remedial"
	QueryStatus      = "status"
	ActivityRecord   = "RecordTraining"
	ActivityIssue    = "IssueTrainingDocuments"
	ActivityPlan     = "PlanTrainings"
	RejectClosed     = "TrainingClosed"
	RejectNotMember  = "NotParticipant"
	RejectNotOpen    = "ActivityNotOpen"
	RejectBadEntry   = "BadEntry"
	RejectNotAllowed = "NotAllowed"
)

// Member is a participant as the signed SK names them.
type Member struct {
	NIP      string `json:"nip"`
	Name     string `json:"name"`
	Position string `json:"position"`
	OPD      string `json:"opd"`
	Golongan string `json:"golongan"`
}

// RunInput starts the training of one angkatan.
type RunInput struct {
	ID         string     `json:"id"` // the run's workflow ID, RunID(case, group, batch)
	CaseID     string     `json:"case_id"`
	Title      string     `json:"title"`
	Group      string     `json:"group"`
	Batch      int        `json:"batch"`
	Definition Definition `json:"definition"`
	Members    []Member   `json:"members"`
	Resume     *RunState  `json:"resume,omitempty"` // set when the run continues as new
}

// RunID names an angkatan's run after the case whose SK it carries out.
func RunID(caseID, group string, batch int) string {
	return fmt.Sprintf("%s--%s-%d", caseID, strings.ToLower(group), batch)
}

// RunState is the run as its workflow holds it, for queries and for continue-as-new.
type RunState struct {
	ID         string        `json:"id"`
	CaseID     string        `json:"case_id"`
	Title      string        `json:"title"`
	Group      string        `json:"group"`
	Batch      int           `json:"batch"`
	Definition string        `json:"definition"`
	State      string        `json:"state"` // running, completed
	StartedAt  time.Time     `json:"started_at"`
	Schedule   []Window      `json:"schedule"`
	Open       int           `json:"open"` // index of the open activity; len(schedule) when none
	Reminded   bool          `json:"reminded"`
	People     []PersonState `json:"people"`
	Results    []Result      `json:"results,omitempty"`
	// RemedialDue is when the one remedial closes, while it is open.
	RemedialDue *time.Time `json:"remedial_due,omitempty"`
	Documents   []Document `json:"documents,omitempty"`
	Updates     int        `json:"updates"` // accepted in this run
	Runs        int        `json:"runs"`
	Seq         int        `json:"seq"` // events recorded, across runs: their keys
}

// Window is an activity's place in the schedule.
type Window struct {
	Activity string     `json:"activity"`
	Opens    time.Time  `json:"opens"`
	Due      time.Time  `json:"due"`
	Closed   *time.Time `json:"closed,omitempty"`
	Late     []string   `json:"late,omitempty"` // NIPs not recorded when it closed
}

// PersonState is one participant's progress.
type PersonState struct {
	Member
	Confirmed bool               `json:"confirmed"`
	Absent    bool               `json:"absent"` // did not confirm in time
	Form      map[string]string  `json:"form,omitempty"`
	Done      map[string]bool    `json:"done,omitempty"`   // activity → completed
	Scores    map[string]float64 `json:"scores,omitempty"` // component → score
	Remedial  *float64           `json:"remedial,omitempty"`
}

// Confirmation is a participant's confirmation of attendance with the registration form.
type Confirmation struct {
	NIP  string            `json:"nip"`
	Form map[string]string `json:"form"` // FormFields
}

// FormFields are the registration form's fields, all required.
var FormFields = []string{"telepon", "email", "alamat_kantor"}

// Recording records one activity for some participants, by the organiser or a participant.
type Recording struct {
	Activity string  `json:"activity"`
	By       string  `json:"by"`   // the organiser's or the participant's NIP
	Role     Actor   `json:"role"` // who records: participant or organiser
	Entries  []Entry `json:"entries"`
}

// Entry is one participant's result in an activity: done, or a score.
type Entry struct {
	NIP   string   `json:"nip"`
	Done  bool     `json:"done,omitempty"`
	Score *float64 `json:"score,omitempty"`
}

// RemedialScore is the final score of a deferred participant's one remedial.
type RemedialScore struct {
	NIP   string  `json:"nip"`
	Score float64 `json:"score"`
	By    string  `json:"by"`
}

// CertificateRequest asks for a finished run's certificates, on the run's own definition.
type CertificateRequest struct {
	Run        RunState   `json:"run"`
	Definition Definition `json:"definition"`
}

// Document is a certificate as issued: STTP, Piagam Penghargaan or Surat Keterangan.
type Document struct {
	ID     string  `json:"id"` // its public verification ID
	NIP    string  `json:"nip"`
	Kind   DocKind `json:"kind"`
	Number string  `json:"number"`
	SHA256 string  `json:"sha256"`
}

// DocKind is a certificate's kind.
type DocKind string

const (
	STTP    DocKind = "sttp"
	Piagam  DocKind = "piagam"
	SuratKe DocKind = "surat_keterangan"
)

// Title is how the document calls itself.
func (k DocKind) Title() string {
	switch k {
	case STTP:
		return "Surat Tanda Tamat Pelatihan"
	case Piagam:
		return "Piagam Penghargaan"
	}
	return "Surat Keterangan"
}

// Event is one fact of a training run for the store.
type Event struct {
	RunID    string         `json:"run_id"`
	Kind     EventKind      `json:"kind"`
	At       time.Time      `json:"at"`
	By       string         `json:"by,omitempty"`
	Start    *RunInput      `json:"start,omitempty"`    // started (without Resume)
	Window   *Window        `json:"window,omitempty"`   // opened, closed, reminded
	Confirm  *Confirmation  `json:"confirm,omitempty"`  // confirmed
	Record   *Recording     `json:"record,omitempty"`   // recorded
	Remedial *RemedialScore `json:"remedial,omitempty"` // remedial
	Absent   []string       `json:"absent,omitempty"`   // closed (confirmation): who did not confirm
	Results  []Result       `json:"results,omitempty"`  // announced, decided
	Seq      int            `json:"seq"`                // the run's event count, for the key
}

// EventKind names a recorded fact of a training run.
type EventKind string

const (
	Started    EventKind = "training_started"
	Opened     EventKind = "activity_opened"
	Reminded   EventKind = "activity_reminded"
	Closed     EventKind = "activity_closed"
	Confirmed  EventKind = "participant_confirmed"
	Recorded   EventKind = "activity_recorded"
	Remedialed EventKind = "remedial_recorded"
	Announced  EventKind = "outcome_announced"
	Decided    EventKind = "outcome_decided" // after the remedial window
	Completed  EventKind = "training_completed"
)

// Key is the event's idempotency key.
func (e Event) Key() string { return fmt.Sprintf("%s/%s/%d", e.RunID, e.Kind, e.Seq) }

// Notice is a message the run sends through the outbox: to an OPD about its participants, or to
// the organiser.
type Notice struct {
	OPD     string `json:"opd,omitempty"` // empty: the organiser
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Key     string `json:"key"`
}

// Transition is what one step of a run writes, in one transaction.
type Transition struct {
	Events  []Event  `json:"events"`
	Notices []Notice `json:"notices,omitempty"`
}
