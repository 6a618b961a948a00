package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

func signed(id string, year int) chain.Transition {
	task := chain.Task{Step: 11, Attempt: 1, Role: "bupati", OpenedAt: t0}
	return chain.Transition{Events: []chain.Event{{CaseID: id, Kind: chain.DecreeSigned, At: t0, Task: &task, By: "197001011996031001",
		Register: &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat, Year: year}}}}
}

// Fifty decrees signed at once take the numbers 1 to 50 of the year, each once; a retried write
// of a signature takes no second number; another year starts its own register at 1.
func TestTheRegisterNumbersConcurrentSignaturesWithoutGapsOrDuplicates(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	const n = 50
	for i := range n {
		if err := s.Apply(ctx, storetest.Started(fmt.Sprintf("c%02d", i), t0)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		for range 2 { // every signature written twice at once, as a retried activity may
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Apply(ctx, signed(fmt.Sprintf("c%02d", i), 2026))
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var numbers []string
	if err := s.DB().SelectContext(ctx, &numbers, `SELECT decree_number FROM cases WHERE decree_number IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	sort.Strings(numbers)
	if len(numbers) != n {
		t.Fatalf("%d decrees numbered, want %d", len(numbers), n)
	}
	for i, got := range numbers {
		if want := fmt.Sprintf("000.8.3.4/%04d.1/2026", i+1); got != want {
			t.Fatalf("number %d is %q, want %q (all: %v)", i+1, got, want, numbers)
		}
	}
	if err := s.Apply(ctx, storetest.Started("c-next-year", t0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, signed("c-next-year", 2027)); err != nil {
		t.Fatal(err)
	}
	c, err := s.Case(ctx, "c-next-year")
	if err != nil || c.DecreeNumber == nil || *c.DecreeNumber != "000.8.3.4/0001.1/2027" || c.SignedAt == nil {
		t.Fatalf("next year's first decree: %+v %v", c.DecreeNumber, err)
	}
	check, err := s.VerifyAudit(ctx)
	if err != nil || check.Broken != nil {
		t.Fatalf("audit chain: %+v %v", check.Broken, err)
	}
}

// twoOPDs are two eligible candidates, each of another OPD, with every document.
func twoOPDs() []proposals.Candidate {
	cands := []proposals.Candidate{
		{Row: 2, NIP: "199801152024032001", Name: "Andi", OPD: "Dinas Pendidikan", Golongan: "III/a"},
		{Row: 3, NIP: "199605202024031002", Name: "Arfah", OPD: "Diskominfo", Golongan: "III/a"},
	}
	for i := range cands {
		cands[i].Docs = proposals.Docs{SKCPNS: true, Sehat: true, SPT: true, Foto: true}
	}
	return cands
}

// What the signature froze is what is delivered: a change to the working classification after
// the signature reaches neither the decree's participants nor any OPD's mail.
func TestDeliveryListsTheParticipantsTheSignatureFroze(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	if err := s.SaveProposals(ctx, store.NewDocument("c1", "proposals", "u.csv", []byte("x"), "op"), classify.Classify(twoOPDs(), 40), nil); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []chain.Transition{storetest.Started("c1", t0), signed("c1", 2026)} {
		if err := s.Apply(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	// After the signature the working table changes (by whatever path): Arfah out, a newcomer in.
	if _, err := s.DB().ExecContext(ctx, `UPDATE candidates SET eligible = false WHERE nip = '199605202024031002';
		INSERT INTO candidates (case_id, nip, row, name, position, opd, golongan, sk_cpns, sehat, spt, pasfoto, eligible, grp, batch)
		VALUES ('c1', '200001012024032003', 4, 'Rahma', 'Pengelola', 'BKD', 'III/a', true, true, true, true, true, 'III', 1)`); err != nil {
		t.Fatal(err)
	}
	// A completion whose transition the store refuses queues no mail: the mail commits with
	// the events or not at all.
	missing := chain.Task{Step: 9, Attempt: 7, Role: "kabid", OpenedAt: t0}
	refused := chain.Transition{Events: []chain.Event{{CaseID: "c1", Kind: chain.CaseCompleted, At: t0},
		{CaseID: "c1", Kind: chain.StepReminded, At: t0, Task: &missing}}}
	if err := s.Apply(ctx, refused); !errors.Is(err, store.ErrInvalidTransition) {
		t.Fatalf("a transition naming a task the store lacks: %v", err)
	}
	if box, err := s.Outbox(ctx, "c1"); err != nil || len(box) != 0 {
		t.Fatalf("the refused completion queued %d messages (%v)", len(box), err)
	}
	completed := chain.Transition{Events: []chain.Event{{CaseID: "c1", Kind: chain.CaseCompleted, At: t0}}}
	for range 2 { // the second is a retried write: it queues nothing again
		if err := s.Apply(ctx, completed); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := s.Participants(ctx, "c1")
	if err != nil || len(ps) != 2 || ps[0].Name != "Andi" || ps[1].Name != "Arfah" {
		t.Fatalf("participants after the signature: %+v %v", ps, err)
	}
	box, _ := s.Outbox(ctx, "c1")
	var bodies []string
	for _, m := range box {
		bodies = append(bodies, m.Body)
	}
	all := strings.Join(bodies, "\n")
	if len(box) != 2 || !strings.Contains(all, "Andi, NIP 199801152024032001") || !strings.Contains(all, "Arfah, NIP 199605202024031002") ||
		strings.Contains(all, "Rahma") {
		t.Fatalf("deliveries (%d):\n%s", len(box), all)
	}
}

// A reminder to a role reaches its holder and whoever stands in for it (Plt/Plh) today.
func TestNoticesReachTheRolesStandIns(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	for _, o := range []store.Official{{NIP: "197811052005011002", Name: "Kabid", Role: "kabid"}, {NIP: "197604182002122004", Name: "Sekretaris", Role: "sekretaris"}} {
		if _, err := s.AddOfficial(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// Yesterday to tomorrow: "today" is the database session's day, whatever its zone.
	if err := s.AddStandIn(ctx, store.StandIn{Role: "kabid", NIP: "197604182002122004", Holder: "Kabid", Kind: store.Plh,
		StartsOn: time.Now().AddDate(0, 0, -1), EndsOn: time.Now().AddDate(0, 0, 1), CreatedBy: "op"}); err != nil {
		t.Fatal(err)
	}
	tr := storetest.Started("c-si", t0)
	tr.Notices = []chain.Notice{{CaseID: "c-si", Kind: chain.Reminder, ToRole: "kabid", Task: tr.Events[1].Task, Subject: "Pengingat", Body: "x"}}
	if err := s.Apply(ctx, tr); err != nil {
		t.Fatal(err)
	}
	box, _ := s.Outbox(ctx, "c-si")
	var to []string
	for _, m := range box {
		to = append(to, *m.ToNIP)
	}
	sort.Strings(to)
	if len(to) != 2 || to[0] != "197604182002122004" || to[1] != "197811052005011002" {
		t.Fatalf("reminder went to %v", to)
	}
}
