package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"log/slog"
	"os"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/worktime"
)

var wita = time.FixedZone("WITA", 8*3600)

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, wita)
	if err != nil {
		panic(err)
	}
	return t
}

// recorder stands in for the store: it keeps every transition and the test clock when it came.
type recorder struct {
	mu          sync.Mutex
	now         func() time.Time
	transitions []chain.Transition
	seen        map[string]bool
	dupes       []string
	fail        func(chain.Transition) error // a store that refuses, when set
}

func (r *recorder) Record(_ context.Context, t chain.Transition) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(t); err != nil {
			return err
		}
	}
	for _, e := range t.Events {
		if r.seen[e.Key()] {
			r.dupes = append(r.dupes, e.Key())
		}
		r.seen[e.Key()] = true
		// Stamped with workflow time, never the wall clock; a write delayed by an outage lands
		// after its stamp.
		if e.At.After(r.now()) {
			return fmt.Errorf("event %s stamped %s, recorded at %s", e.Key(), e.At, r.now())
		}
	}
	r.transitions = append(r.transitions, t)
	return nil
}

func (r *recorder) events(kind chain.EventKind) []chain.Event {
	return collect(r, func(t chain.Transition) []chain.Event { return t.Events }, func(e chain.Event) bool { return e.Kind == kind })
}

func (r *recorder) notices(kind chain.NoticeKind) []chain.Notice {
	return collect(r, func(t chain.Transition) []chain.Notice { return t.Notices }, func(n chain.Notice) bool { return n.Kind == kind })
}

// collect gathers the items of every recorded transition that match.
func collect[T any](r *recorder, items func(chain.Transition) []T, match func(T) bool) []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []T
	for _, t := range r.transitions {
		for _, it := range items(t) {
			if match(it) {
				out = append(out, it)
			}
		}
	}
	return out
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.transitions)
}

// issuer stands in for the decree's issuing: it fails as often as told first, then answers
// with a hash made from the case, or refuses the decree as one that cannot be issued.
type issuer struct {
	failures  int // transient failures before it issues
	notIssued bool
	calls     int
}

func (i *issuer) Issue(_ context.Context, r chain.IssueRequest) (chain.IssuedDecree, error) {
	i.calls++
	switch {
	case i.notIssued:
		return chain.IssuedDecree{}, temporal.NewNonRetryableApplicationError("tidak ada peserta", chain.FailNotIssuable, nil)
	case i.calls <= i.failures:
		return chain.IssuedDecree{}, errors.New("signing service unavailable")
	}
	return chain.IssuedDecree{Number: "000.8.3.4/0001.1/2026", SHA256: "sha-of-" + r.CaseID}, nil
}

type harness struct {
	t        *testing.T
	suite    testsuite.WorkflowTestSuite
	env      *testsuite.TestWorkflowEnvironment
	rec      *recorder
	issuer   issuer
	plans    []training.RunInput // the trainings a completed case starts
	def      *sop.Definition
	in       chain.CaseInput
	rejected map[string]error
	results  map[string]chain.DecisionResult
	seq      int
	prefix   string // update IDs are unique per client, as real callers make them
}

func newHarness(t *testing.T, start time.Time, spec worktime.Spec) *harness {
	h := &harness{t: t, def: sop.Default(), rejected: map[string]error{}, results: map[string]chain.DecisionResult{},
		prefix: fmt.Sprintf("%s-%d", t.Name(), start.Unix())}
	h.suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.rec = &recorder{now: h.env.Now, seen: map[string]bool{}}
	h.env.RegisterWorkflowWithOptions(Case, workflow.RegisterOptions{Name: chain.WorkflowName})
	h.env.RegisterActivityWithOptions(h.rec.Record, activity.RegisterOptions{Name: chain.ActivityRecord})
	h.env.RegisterActivityWithOptions(h.issuer.Issue, activity.RegisterOptions{Name: chain.ActivityIssue})
	h.env.RegisterActivityWithOptions(func(context.Context, string) ([]training.RunInput, error) { return h.plans, nil },
		activity.RegisterOptions{Name: training.ActivityPlan})
	h.in = chain.CaseInput{CaseID: "latsar-test-1", Title: "Latsar CPNS 2026 angkatan I", StartedBy: "operator",
		Definition: *h.def, Calendar: spec}
	return h
}

// after runs fn at the given offset from the start of the case, in workflow time.
func (h *harness) after(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

func (h *harness) status() chain.State {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(chain.QueryStatus)
	if err != nil {
		h.t.Fatalf("query status: %v", err)
	}
	var s chain.State
	if err := v.Get(&s); err != nil {
		h.t.Fatalf("decode status: %v", err)
	}
	return s
}

func actorFor(role string) chain.Actor {
	return chain.Actor{NIP: "nip-" + role, Name: "Pejabat " + role, Role: role}
}

// send delivers a decide Update under the given ID; the outcome lands in rejected or results.
func (h *harness) send(id string, d chain.Decision) {
	h.env.UpdateWorkflow(chain.UpdateDecide, id, &testsuite.TestUpdateCallback{
		OnReject: func(err error) { h.rejected[id] = err },
		OnComplete: func(v any, err error) {
			if err != nil {
				h.rejected[id] = err
				return
			}
			h.results[id] = v.(chain.DecisionResult)
		},
	}, d)
}

// act decides the open step as its own role and returns the update ID it used. A step whose
// output the case does not hold yet gets it first (see prepare), and the decision a second
// later: an Update is refused as busy while another is being recorded.
func (h *harness) act(action chain.Action, reason string) string {
	s := h.status()
	if s.Open == nil {
		h.t.Fatalf("no open step to decide (case %s)", s.State)
	}
	h.seq++
	id := fmt.Sprintf("%s-u%d", h.prefix, h.seq)
	if action == chain.Agree && h.prepare() {
		h.env.RegisterDelayedCallback(func() { h.decideNow(id, action, reason) }, time.Second)
		return id
	}
	h.decideNow(id, action, reason)
	return id
}

// prepare gives the open step the output it produces, if the case does not hold it yet, from
// the step's role (the proposals and the classification as outputs, the draft as the version 1
// generated from the classification), as the web and the CLI do; it says whether it sent one.
func (h *harness) prepare() bool {
	s := h.status()
	if s.Open == nil {
		return false
	}
	step, _ := h.def.Step(s.Open.Step)
	if holds(s, step.Produces) {
		return false
	}
	h.seq++
	sum := fmt.Sprintf("%064x", h.seq)
	if step.Produces == sop.DraftSK {
		h.env.UpdateWorkflow(chain.UpdateVersion, fmt.Sprintf("%s-draft%d", h.prefix, h.seq), &testsuite_noop{},
			chain.Revision{Version: 1, SHA256: sum, By: "system", Generated: true})
	} else {
		h.env.UpdateWorkflow(chain.UpdateOutput, fmt.Sprintf("%s-output%d", h.prefix, h.seq), &testsuite_noop{},
			chain.Output{Artefact: step.Produces, SHA256: sum, By: "nip-" + step.Role, Role: step.Role})
	}
	return true
}

func (h *harness) decideNow(id string, action chain.Action, reason string) {
	s := h.status()
	d := chain.Decision{Step: s.Open.Step, Action: action, Reason: reason, Actor: actorFor(s.Open.Role)}
	if s.Draft != nil { // decided on the version the case holds, as the web and the CLI do
		d.Document = s.Draft.SHA256
	}
	h.send(id, d)
}

// holds reports whether a case's state holds an artefact.
func holds(s chain.State, a sop.Artefact) bool {
	switch a {
	case "":
		return true
	case sop.DraftSK:
		return s.Draft != nil
	}
	return s.Outputs[a] != ""
}

// agreeEvery schedules n agreements ten minutes apart after offset from and returns the offset
// of the last one.
func (h *harness) agreeEvery(from time.Duration, n int) time.Duration {
	for i := 0; i < n; i++ {
		from += 10 * time.Minute
		h.after(from-time.Second, func() { h.prepare() })
		h.after(from, func() { h.act(chain.Agree, "") })
	}
	return from
}

func (h *harness) run() chain.State {
	h.t.Helper()
	h.env.ExecuteWorkflow(chain.WorkflowName, h.in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var s chain.State
	if err := h.env.GetWorkflowResult(&s); err != nil {
		h.t.Fatalf("workflow result: %v", err)
	}
	if len(h.rec.dupes) > 0 {
		h.t.Fatalf("events recorded twice: %v", h.rec.dupes)
	}
	for id, err := range h.rejected {
		h.t.Errorf("update %s rejected: %v", id, err)
	}
	return s
}

// steps lists the step numbers of the decisions in the order they were made.
func steps(recs []chain.DecisionRecord) []int {
	out := make([]int, len(recs))
	for i, r := range recs {
		out[i] = r.Step
	}
	return out
}

func rejectionType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return ""
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
