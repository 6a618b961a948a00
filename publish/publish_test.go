package publish_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

var t0 = time.Date(2026, 11, 16, 8, 0, 0, 0, time.FixedZone("WITA", 8*3600))

const bupati = "197001011996031001"

// counting signs as the real Local does and counts its signatures.
type counting struct {
	esign.Signer
	n atomic.Int32
}

func (c *counting) Sign(ctx context.Context, doc []byte, m esign.Meta) ([]byte, error) {
	c.n.Add(1)
	return c.Signer.Sign(ctx, doc, m)
}

func setup(t *testing.T) (*store.Store, *publish.Publisher, *counting) {
	t.Helper()
	st, _ := storetest.New(t)
	cert, key, err := esign.DevCA(t.TempDir(), "BKPSDM Kabupaten Wajo", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	l, err := esign.LoadLocal(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	signer := &counting{Signer: l}
	if _, err := st.AddOfficial(context.Background(), store.Official{NIP: bupati, Name: "H. Andi Amran", Role: "bupati"}); err != nil {
		t.Fatal(err)
	}
	return st, &publish.Publisher{St: st, Def: sop.Default(), Signer: signer, BatchSize: 40, Location: t0.Location(),
		PublicURL: "https://sk.bkpsdmwajo.id/"}, signer
}

func apply(t *testing.T, st *store.Store, id string, signed bool) {
	t.Helper()
	ctx := context.Background()
	c := []proposals.Candidate{{Row: 2, NIP: "199801152024032001", Name: "Andi", OPD: "Dinas Pendidikan", Golongan: "III/a",
		Docs: proposals.Docs{SKCPNS: true, Sehat: true, SPT: true, Foto: true}}}
	if err := st.SaveProposals(ctx, store.NewDocument(id, "proposals", "u.csv", []byte("x"), "op"), classify.Classify(c, 40), nil); err != nil {
		t.Fatal(err)
	}
	due := t0.Add(30 * time.Minute)
	trs := []chain.Transition{{Events: []chain.Event{
		{CaseID: id, Kind: chain.CaseStarted, At: t0, By: "operator", Case: &chain.CaseFacts{Title: "Latsar 2026", DefinitionID: "latsar",
			Version: 2, Deadline: t0.AddDate(0, 0, 51), DeadlineDays: 51, Steps: 15}},
		{CaseID: id, Kind: chain.StepOpened, At: t0, Task: &chain.Task{Step: 1, Attempt: 1, Role: "kabid", OpenedAt: t0, DueAt: &due, StandardMinutes: 30}},
	}}}
	if signed {
		task := chain.Task{Step: 11, Attempt: 1, Role: "bupati", OpenedAt: t0}
		trs = append(trs, chain.Transition{Events: []chain.Event{{CaseID: id, Kind: chain.DecreeSigned, At: t0, Task: &task, By: bupati,
			Register: &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat, Year: 2026}}}})
	}
	for _, tr := range trs {
		if err := st.Apply(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
}

// A decree is issued once: ten callers at once (the activity retried, the web asking) get the
// same bytes, signed once or more but kept once; the decree names its number, its signer and its
// verification page.
func TestADecreeIsIssuedOnceWhoeverAsks(t *testing.T) {
	st, p, signer := setup(t)
	apply(t, st, "c1", true)
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]store.Decree, 10)
	errs := make([]error, 10)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = p.Issue(ctx, "c1")
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || got[i].SHA256 != got[0].SHA256 || !bytes.Equal(got[i].Content, got[0].Content) {
			t.Fatalf("caller %d: %v, %s vs %s", i, errs[i], got[i].SHA256, got[0].SHA256)
		}
	}
	if got[0].Number != "000.8.3.4/0001.1/2026" || got[0].ContentType != publish.PDF {
		t.Fatalf("issued %+v", got[0])
	}
	before := signer.n.Load()
	if again, err := p.Issue(ctx, "c1"); err != nil || again.SHA256 != got[0].SHA256 || signer.n.Load() != before {
		t.Fatalf("a later call signed again or changed the decree: %v", err)
	}
	c, _ := st.Case(ctx, "c1")
	d, err := p.Decree(ctx, c, time.Now())
	if err != nil || d.Signer != "H. Andi Amran" || d.VerifyURL != "https://sk.bkpsdmwajo.id/verifikasi/c1" || d.Date.Day() != 16 {
		t.Fatalf("decree %+v (%v)", d, err)
	}
}

// A case without a numbered signature has no decree to issue, and nothing is signed for it.
func TestAnUnsignedCaseIsNotIssued(t *testing.T) {
	st, p, signer := setup(t)
	apply(t, st, "c2", false)
	if _, err := p.Issue(context.Background(), "c2"); !errors.Is(err, publish.ErrNotSigned) || signer.n.Load() != 0 {
		t.Fatalf("issue of an unsigned case: %v (%d signatures)", err, signer.n.Load())
	}
	if _, ok, _ := st.IssuedDecree(context.Background(), "c2"); ok {
		t.Fatal("an unsigned case has an issued decree")
	}
}
