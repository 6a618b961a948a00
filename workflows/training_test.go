package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/training"
)

// trainingRig runs one angkatan's workflow under the time-skipping test environment, keeping
// what it records and certifies.
type trainingRig struct {
	t      *testing.T
	suite  testsuite.WorkflowTestSuite
	env    *testsuite.TestWorkflowEnvironment
	in     training.RunInput
	mu     sync.Mutex
	events []training.Event
	notes  []training.Notice
	certs  []training.Document
	errs   map[string]*error
}

func newTrainingRig(t *testing.T, members int) *trainingRig {
	g := &trainingRig{t: t, errs: map[string]*error{}}
	g.suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	g.env = g.suite.NewTestWorkflowEnvironment()
	g.env.SetStartTime(monday)
	g.env.RegisterWorkflowWithOptions(Training, workflow.RegisterOptions{Name: training.WorkflowName})
	g.env.RegisterActivityWithOptions(func(_ context.Context, tr training.Transition) error {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.events = append(g.events, tr.Events...)
		g.notes = append(g.notes, tr.Notices...)
		return nil
	}, activity.RegisterOptions{Name: training.ActivityRecord})
	g.env.RegisterActivityWithOptions(func(_ context.Context, r training.CertificateRequest) ([]training.Document, error) {
		var docs []training.Document
		for _, res := range r.Run.Results {
			switch {
			case res.Outcome == training.Passed:
				docs = append(docs, training.Document{NIP: res.NIP, Kind: training.STTP})
				if res.Award {
					docs = append(docs, training.Document{NIP: res.NIP, Kind: training.Piagam})
				}
			default:
				docs = append(docs, training.Document{NIP: res.NIP, Kind: training.SuratKe})
			}
		}
		g.certs = docs
		return docs, nil
	}, activity.RegisterOptions{Name: training.ActivityIssue})
	g.in = training.RunInput{ID: training.RunID("latsar-t", "III", 1), CaseID: "latsar-t", Title: "SK Latsar 2026", Group: "III", Batch: 1,
		Definition: *training.Default()}
	for i := 1; i <= members; i++ {
		g.in.Members = append(g.in.Members, training.Member{NIP: nipOf(i), Name: fmt.Sprintf("Peserta %02d", i), Position: "Analis",
			OPD: []string{"Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM"}[i%3], Golongan: "III/a"})
	}
	return g
}

func nipOf(i int) string { return fmt.Sprintf("1998010120240310%02d", i) }

// at schedules an Update at an offset from the start; its refusal, if any, is kept under id.
func (g *trainingRig) at(d time.Duration, id, name string, arg any) {
	g.errs[id] = new(error)
	g.env.RegisterDelayedCallback(func() { g.env.UpdateWorkflow(name, id, &testsuite_rejects{err: g.errs[id]}, arg) }, d)
}

func (g *trainingRig) count(kind training.EventKind) int {
	n := 0
	for _, e := range g.events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func f(v float64) *float64 { return &v }

// A 40-person angkatan through every phase: one never confirms (absent, their OPD told, a
// Surat Keterangan); one deferred passes the remedial, one fails it; a tie at third place is
// broken by the actualisation score, and the third, only Cukup Memuaskan, gets no Piagam.
func TestAnAngkatanGoesThroughEveryPhase(t *testing.T) {
	g := newTrainingRig(t, 40)
	form := map[string]string{"telepon": "0812", "email": "p@wajokab.go.id", "alamat_kantor": "Sengkang"}
	for i := 1; i <= 39; i++ {
		g.at(time.Hour+time.Duration(i)*time.Minute, fmt.Sprintf("confirm-%d", i), training.UpdateConfirm, training.Confirmation{NIP: nipOf(i), Form: form})
	}
	// Refused: someone not in the angkatan, a form without its fields, a reviewer scoring early
	// with a score out of range, and a participant recording another's activity.
	g.at(2*time.Hour, "stranger", training.UpdateConfirm, training.Confirmation{NIP: "199901012024031099", Form: form})
	g.at(2*time.Hour, "no-form", training.UpdateConfirm, training.Confirmation{NIP: nipOf(1), Form: map[string]string{"telepon": "0812"}})
	g.at(2*time.Hour, "out-of-range", training.UpdateRecord, training.Recording{Activity: "evaluasi-akademik", By: "org", Role: training.Organiser,
		Entries: []training.Entry{{NIP: nipOf(1), Score: f(101)}}})
	g.at(2*time.Hour, "not-mine", training.UpdateRecord, training.Recording{Activity: "mooc-registrasi", By: nipOf(2), Role: training.Participant,
		Entries: []training.Entry{{NIP: nipOf(3), Done: true}}})

	// Scores: 1 is Sangat Memuaskan, 2 Memuaskan, 3 and 4 tie at 78 (Cukup Memuaskan) and 3 has
	// the better actualisation; 5 and 6 are deferred; the rest pass with Cukup Memuaskan.
	score := func(i int, comp string) float64 {
		switch i {
		case 1:
			return 95
		case 2:
			return 88
		case 3: // 78 in all, as 4 has, from 82 in actualisation and 72 in the academic evaluation
			switch comp {
			case "aktualisasi":
				return 82
			case "akademik":
				return 72
			}
			return 78
		case 4:
			return 78
		case 5:
			return 65
		case 6:
			return 62
		}
		return 70.5 + float64(i%7)
	}
	after := 5*24*time.Hour + time.Hour // the confirmation closed at day 5 with number 40 absent
	n := 0
	for _, a := range g.in.Definition.Activities() {
		if a.Kind != training.Done && a.Kind != training.Score {
			continue
		}
		var entries []training.Entry
		for i := 1; i <= 39; i++ {
			e := training.Entry{NIP: nipOf(i), Done: a.Kind == training.Done}
			if a.Kind == training.Score {
				e.Score = f(score(i, a.Component))
			}
			entries = append(entries, e)
		}
		n++
		g.at(after+time.Duration(n)*time.Minute, "record-"+a.ID, training.UpdateRecord, training.Recording{Activity: a.ID, By: "organiser", Role: training.Organiser, Entries: entries})
	}
	g.at(5*24*time.Hour+30*time.Minute, "absent-scored", training.UpdateRecord, training.Recording{Activity: "mooc", By: "organiser", Role: training.Organiser,
		Entries: []training.Entry{{NIP: nipOf(40), Done: true}}})
	g.at(after+2*time.Hour, "remedial-5", training.UpdateRemedial, training.RemedialScore{NIP: nipOf(5), Score: 75, By: "organiser"})
	g.at(after+3*time.Hour, "remedial-6", training.UpdateRemedial, training.RemedialScore{NIP: nipOf(6), Score: 64, By: "organiser"})
	g.at(after+2*time.Hour+30*time.Minute, "remedial-again", training.UpdateRemedial, training.RemedialScore{NIP: nipOf(5), Score: 90, By: "organiser"})
	g.at(after+2*time.Hour+45*time.Minute, "late-score", training.UpdateRecord, training.Recording{Activity: "pktbt", By: "organiser", Role: training.Organiser,
		Entries: []training.Entry{{NIP: nipOf(6), Score: f(99)}}})

	g.env.ExecuteWorkflow(training.WorkflowName, g.in)
	if !g.env.IsWorkflowCompleted() || g.env.GetWorkflowError() != nil {
		t.Fatalf("run ended: %v", g.env.GetWorkflowError())
	}
	var s training.RunState
	if err := g.env.GetWorkflowResult(&s); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"stranger": training.RejectNotMember, "no-form": training.RejectBadEntry, "out-of-range": training.RejectBadEntry,
		"not-mine": training.RejectNotAllowed, "absent-scored": training.RejectBadEntry, "remedial-again": training.RejectNotAllowed, "late-score": training.RejectClosed,
		"confirm-1": "", "record-pengumuman": "", "remedial-5": "", "remedial-6": ""} {
		if err, ok := g.errs[id]; ok && rejectionType(*err) != want {
			t.Errorf("%s: %q (%v), want %q", id, rejectionType(*err), *err, want)
		}
	}
	res := map[string]training.Result{}
	for _, r := range s.Results {
		res[r.NIP] = r
	}
	check := func(i int, outcome training.Outcome, band string, award bool) {
		t.Helper()
		if r := res[nipOf(i)]; r.Outcome != outcome || r.Decided != band || r.Award != award {
			t.Errorf("participant %d: %+v, want %s %q award %v", i, r, outcome, band, award)
		}
	}
	check(1, training.Passed, "Sangat Memuaskan", true)
	check(2, training.Passed, "Memuaskan", true)
	check(3, training.Passed, "Cukup Memuaskan", false)
	check(4, training.Passed, "Cukup Memuaskan", false)
	check(5, training.Passed, "Cukup Memuaskan", false)
	check(6, training.Failed, "Ditunda kelulusannya", false)
	check(40, training.Absent, "", false)
	if r3, r4 := res[nipOf(3)], res[nipOf(4)]; r3.Final != r4.Final || r3.Rank != 3 || r4.Rank != 4 {
		t.Fatalf("the tie at third: %+v %+v", r3, r4)
	}
	sttp, piagam, ket := 0, 0, 0
	for _, d := range g.certs {
		switch d.Kind {
		case training.STTP:
			sttp++
		case training.Piagam:
			piagam++
		default:
			ket++
		}
	}
	if sttp != 38 || piagam != 2 || ket != 2 || s.State != "completed" {
		t.Fatalf("certificates: %d STTP, %d Piagam, %d Surat Keterangan; run %s", sttp, piagam, ket, s.State)
	}
	// Every activity opened and closed once, in order; the confirmation closed late with 40 absent.
	if o, c := g.count(training.Opened), g.count(training.Closed); o != 12 || c != 12 {
		t.Fatalf("%d opened, %d closed, want 12 each", o, c)
	}
	if w := s.Schedule[0]; len(w.Late) != 1 || w.Late[0] != nipOf(40) || !w.Closed.Equal(monday.AddDate(0, 0, 5)) {
		t.Fatalf("the confirmation window: %+v", w)
	}
	var summons, reminders, absent, back int
	for _, nt := range g.notes {
		switch {
		case len(nt.Subject) > 11 && nt.Subject[:11] == "Pemanggilan":
			summons++
		case len(nt.Subject) > 9 && nt.Subject[:9] == "Pengingat":
			reminders++
		case nt.Subject == "Peserta Latsar tidak mengonfirmasi: SK Latsar 2026":
			absent++
		case nt.Subject == "Peserta Latsar kembali ke instansi: SK Latsar 2026":
			back++
		}
	}
	if summons != 3 || reminders < 1 || absent != 1 || back != 3 {
		t.Fatalf("notices: %d summons, %d reminders, %d absent, %d return", summons, reminders, absent, back)
	}
	assertIndonesian(t, g.notes, func(n training.Notice) string { return n.Subject + "\n" + n.Body })
}

// Past its Updates per run, a run hands its whole state to a continuation at the next
// activity's opening, so its history stays bounded.
func TestATrainingRunContinuesAsNewWithItsState(t *testing.T) {
	defer func(n int) { trainingUpdatesPerRun = n }(trainingUpdatesPerRun)
	trainingUpdatesPerRun = 2
	g := newTrainingRig(t, 3)
	form := map[string]string{"telepon": "0812", "email": "p@wajokab.go.id", "alamat_kantor": "Sengkang"}
	for i := 1; i <= 3; i++ {
		g.at(time.Duration(i)*time.Minute, fmt.Sprintf("c%d", i), training.UpdateConfirm, training.Confirmation{NIP: nipOf(i), Form: form})
	}
	g.env.ExecuteWorkflow(training.WorkflowName, g.in)
	var can *workflow.ContinueAsNewError
	if err := g.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("the run ended with %v, not a continuation", err)
	}
	var next training.RunInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	s := next.Resume
	if s == nil || s.Open != 1 || s.Runs != 1 || !s.People[0].Confirmed || !s.People[2].Confirmed || s.Schedule[0].Closed == nil || s.Seq == 0 {
		t.Fatalf("the continuation's state: %+v", s)
	}
}
