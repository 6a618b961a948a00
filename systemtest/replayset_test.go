package systemtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/workflows"
)

// discard accepts every transition: the histories below are about the workflow, and a resumed
// case has no rows in a fresh database.
type discard struct{}

func (discard) Apply(context.Context, chain.Transition) error { return nil }

// keepHistory replays a history the server just wrote on today's code and, with
// -record-history, stores it in workflows/testdata for the replay tests.
func keepHistory(t *testing.T, h *historypb.History, name string) {
	t.Helper()
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	if err := r.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of a fresh history %s: %v", name, err)
	}
	if !*recordHistory {
		return
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s: %d events", name, len(h.Events))
}

func runHistory(ctx context.Context, t *testing.T, c client.Client, caseID, runID string) *historypb.History {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, caseID, runID, false, 0)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

// A run resumed with its open step three days old and the service deadline passed: the
// reminder, the escalation and the breach fire at once; step 1 is decided, then the case is
// cancelled by its operator.
func TestHistoryAlarmsAndCancel(t *testing.T) {
	alarmsAndCancel(t, "latsar-history-alarms", "case-alarms-cancel.json")
}

// The same, recorded after notices wrote their dates the Indonesian way.
func TestHistoryAlarmsWithIndonesianDates(t *testing.T) {
	alarmsAndCancel(t, "latsar-history-alarms-id", "case-alarms-indonesian-dates.json")
}

func alarmsAndCancel(t *testing.T, id, file string) {
	sys := newSystem(t)
	sys.stopWorker()
	sys.startWorker(discard{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in := newCase(id)
	def := sop.Default()
	first := def.Steps[0]
	opened := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	in.Resume = &chain.State{
		CaseID: id, Title: in.Title, StartedBy: in.StartedBy, Definition: def.Label(), State: chain.Running,
		StartedAt: opened.Add(-60 * 24 * time.Hour), Deadline: opened.Add(-9 * 24 * time.Hour),
		Open: &chain.Task{Step: first.Number, Attempt: 1, Role: first.Role, OpenedAt: opened,
			StandardMinutes: first.StandardMinutes()},
		Attempts: make([]int, len(def.Steps)), Returns: make([]int, len(def.Steps)), Decisions: []chain.DecisionRecord{},
	}
	in.Resume.Attempts[0] = 1
	due := opened.Add(time.Hour)
	in.Resume.Open.DueAt = &due
	if err := sys.ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := sys.ops.Status(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Open.Reminded && s.Open.Escalated && s.DeadlineBreached {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alarms did not fire: %+v", s.Open)
		}
		time.Sleep(100 * time.Millisecond)
	}
	decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	if _, err := sys.ops.Cancel(ctx, id, "cancel-1", chain.Cancellation{Reason: "usulan ditarik", By: "operator"}); err != nil {
		t.Fatal(err)
	}
	if s := waitClosed(ctx, t, sys.client, id); s.State != chain.Cancelled {
		t.Fatalf("case ended %s", s.State)
	}
	keepHistory(t, history(ctx, t, sys.client, id), file)
}

// A new draft version after two parafs sends the draft back to the first review; the run has
// used its decisions and continues as new, and the next run completes the case.
func TestHistoryRevisionAndContinueAsNew(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-revision"
	in := newCase(id)
	in.Limits.DecisionsPerRun = 9
	if err := sys.ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	d, err := sys.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	firstRun := d.WorkflowExecutionInfo.Execution.RunId
	def := sop.Default()
	_, review, _ := def.FirstReview()
	for {
		s, err := sys.ops.Status(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Open.Step > review.Number+1 {
			break
		}
		decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	}
	s, err := sys.ops.Version(ctx, id, chain.Revision{Version: 2, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		By: "nip-analis", Role: "analis"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Open.Step != review.Number {
		t.Fatalf("after the revision step %d is open, want %d", s.Open.Step, review.Number)
	}
	agreeToTheEnd(ctx, t, sys.ops, id)
	final := waitClosed(ctx, t, sys.client, id)
	if final.State != chain.Completed || final.Runs < 2 {
		t.Fatalf("case ended %s after %d runs", final.State, final.Runs)
	}
	// The files of the same names from before the version Update hold the older revise Update.
	keepHistory(t, runHistory(ctx, t, sys.client, id, firstRun), "case-version-continue.json")
	keepHistory(t, history(ctx, t, sys.client, id), "case-version-continued.json")
}

// refusing stands in for a database that refuses the data of decisions by "TOLAK", once: the
// workflow records the decision cleaned, with an incident.
type refusing struct{ store *store.Store }

func (r refusing) Apply(ctx context.Context, t chain.Transition) error {
	for _, e := range t.Events {
		if e.Kind == chain.Incident {
			break
		}
		if e.Decision != nil && e.Decision.Actor.Name == "TOLAK" {
			return fmt.Errorf("%w: pq: invalid byte sequence for encoding \"UTF8\": 0x00", store.ErrDataRejected)
		}
	}
	return r.store.Apply(ctx, t)
}

// Temporal's own Cancel closes the run with the cancellation recorded; a decision the database
// refuses becomes an incident and the case goes on. Recorded after those behaviours were added.
func TestHistoryTemporalCancelAndIncident(t *testing.T) {
	temporalCancelAndIncident(t, "latsar-history-incident", "case-incident-temporal-cancel.json")
}

// The same, recorded after the deadline's watch ran on a context of its own: Temporal's Cancel
// then cancels two timers, in the order the SDK records.
func TestHistoryTemporalCancelWithAStoppableDeadline(t *testing.T) {
	temporalCancelAndIncident(t, "latsar-history-incident-2", "case-temporal-cancel-stoppable-deadline.json")
}

func temporalCancelAndIncident(t *testing.T, id, file string) {
	sys := newSystem(t)
	sys.stopWorker()
	sys.startWorker(refusing{sys.store})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	s, err := sys.ops.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d := chain.Decision{Step: s.Open.Step, Attempt: s.Open.Attempt, Action: chain.Agree,
		Actor: chain.Actor{NIP: "nip-" + s.Open.Role, Name: "TOLAK", Role: s.Open.Role}}
	if _, err := sys.ops.Decide(ctx, id, "refused-1", d); err != nil {
		t.Fatal(err)
	}
	decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
	var incidents int
	if err := sys.store.DB().GetContext(ctx, &incidents, `SELECT count(*) FROM case_incidents WHERE case_id = $1`, id); err != nil || incidents != 1 {
		t.Fatalf("%d incidents recorded (%v)", incidents, err)
	}
	if err := sys.client.CancelWorkflow(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if err := sys.client.GetWorkflow(ctx, id, "").Get(ctx, nil); err == nil {
		t.Fatal("the cancelled run closed without an error")
	}
	if c, err := sys.store.Case(ctx, id); err != nil || c.State != string(chain.Cancelled) {
		t.Fatalf("after Temporal's cancel the records say %s (%v)", c.State, err)
	}
	keepHistory(t, history(ctx, t, sys.client, id), file)
}

// A case whose decree is numbered by the register at the signature; recorded after numbering
// was added.
func TestHistoryNumberedDecree(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-numbered"
	in := newCase(id)
	in.Register = &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}
	if err := sys.ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	agreeToTheEnd(ctx, t, sys.ops, id)
	c, err := sys.store.Case(ctx, id)
	if err != nil || c.DecreeNumber == nil || c.SignedBy == nil || *c.SignedBy != "nip-bupati" {
		t.Fatalf("decree not numbered: %+v %v", c, err)
	}
	keepHistory(t, history(ctx, t, sys.client, id), "case-numbered-decree.json")
}

// Versions made by the drafting roles: the generated draft at step 5 and a correction at the
// first review (no climb), a return, another correction at the second attempt, then the Pelaksana's
// upload after two parafs, which sends the draft back; every decision names the version held.
func TestHistoryCorrectionAndReclimb(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-correction"
	if err := sys.ops.Start(ctx, newCase(id)); err != nil {
		t.Fatal(err)
	}
	_, review, _ := sop.Default().FirstReview()
	until := func(step int) {
		for {
			s, err := sys.ops.Status(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if s.Open.Step == step {
				return
			}
			decideOpen(ctx, t, sys.ops, id, chain.Agree, "")
		}
	}
	version := func(n int, role string, generated bool) {
		t.Helper()
		rev := chain.Revision{Version: n, SHA256: fmt.Sprintf("%064x", n), By: "nip-" + role, Role: role, Generated: generated}
		if _, err := sys.ops.Version(ctx, id, rev); err != nil {
			t.Fatalf("version %d: %v", n, err)
		}
	}
	until(review.Number) // step 5 produced the generated draft, version 1
	version(2, "analis", false)
	until(review.Number + 1)
	decideOpen(ctx, t, sys.ops, id, chain.Return, "lampiran belum lengkap")
	version(3, "analis", false)
	until(review.Number + 3)
	version(4, "pelaksana", false)
	s, err := sys.ops.Status(ctx, id)
	if err != nil || s.Open.Step != review.Number || s.Draft.Version != 4 {
		t.Fatalf("after the upload: %+v %v", s.Open, err)
	}
	agreeToTheEnd(ctx, t, sys.ops, id)
	if s := waitClosed(ctx, t, sys.client, id); s.State != chain.Completed || s.Draft.Version != 4 {
		t.Fatalf("case ended %s on %+v", s.State, s.Draft)
	}
	// The file of the name without "outputs-" was recorded before steps produced outputs.
	keepHistory(t, history(ctx, t, sys.client, id), "case-outputs-correction-reclimb.json")
}

// A numbered decree issued at the signature: the workflow has it written, signed and kept,
// then holds its hash; recorded on the baseline of changes. The file of the name without
// "baseline-" was recorded before it, after issuing was added.
func TestHistoryIssuedDecree(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const id = "latsar-history-issued"
	sum, err := intake.Take(ctx, sys.store, id, "usulan.csv", []byte(testenv.OneCandidate), "operator", 40, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := newCase(id)
	in.Proposals = sum.SHA256
	in.Register = &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}
	if err := sys.ops.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	agreeToTheEnd(ctx, t, sys.ops, id)
	s := waitClosed(ctx, t, sys.client, id)
	d, ok, err := sys.store.IssuedDecree(ctx, id)
	if err != nil || !ok || s.Outputs[sop.SignedDecree] != d.SHA256 {
		t.Fatalf("issued %v (%v); the workflow holds %v", ok, err, s.Outputs)
	}
	keepHistory(t, history(ctx, t, sys.client, id), "case-baseline-issued-decree.json")
}

// A 40-person angkatan's run on a real server: every participant confirms, the organiser
// records every activity for all in one Update each, the outcome is announced and the
// certificates issued; recorded after training runs were added.
func TestHistoryTrainingRun(t *testing.T) {
	sys := newSystem(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	def := training.Default()
	in := training.RunInput{ID: training.RunID("latsar-history-training", "III", 1), CaseID: "latsar-history-training", Title: "SK Latsar",
		Group: "III", Batch: 1, Definition: *def}
	for i := 1; i <= 40; i++ {
		in.Members = append(in.Members, training.Member{NIP: fmt.Sprintf("1998010120240310%02d", i), Name: fmt.Sprintf("Peserta %02d", i),
			Position: "Analis", OPD: []string{"Dinas Pendidikan", "Dinas Kesehatan"}[i%2], Golongan: "III/a"})
	}
	if _, err := sys.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: in.ID, TaskQueue: taskQueue}, training.WorkflowName, in); err != nil {
		t.Fatal(err)
	}
	form := map[string]string{"telepon": "0812", "email": "p@wajokab.go.id", "alamat_kantor": "Sengkang"}
	for _, m := range in.Members {
		if _, err := sys.ops.Confirm(ctx, in.ID, training.Confirmation{NIP: m.NIP, Form: form}); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range def.Activities() {
		if a.Kind != training.Done && a.Kind != training.Score {
			continue
		}
		rec := training.Recording{Activity: a.ID, By: "pusdiklat", Role: training.Organiser}
		for j, m := range in.Members {
			e := training.Entry{NIP: m.NIP, Done: a.Kind == training.Done}
			if a.Kind == training.Score {
				v := 70.5 + float64((i+j)%25)
				e.Score = &v
			}
			rec.Entries = append(rec.Entries, e)
		}
		if _, err := sys.ops.Record(ctx, in.ID, "record-"+a.ID, rec); err != nil {
			t.Fatal(err)
		}
	}
	var s training.RunState
	if err := sys.client.GetWorkflow(ctx, in.ID, "").Get(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if s.State != "completed" || len(s.Documents) < 40 {
		t.Fatalf("run %s with %d documents", s.State, len(s.Documents))
	}
	h := history(ctx, t, sys.client, in.ID)
	t.Logf("a 40-person angkatan: %d history events in one run", len(h.Events))
	keepHistory(t, h, "training-run-40.json")
}
