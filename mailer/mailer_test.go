package mailer

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/classify"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/internal/smtpsink"
	"github.com/skflow/skflow/proposals"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/store/storetest"
)

func TestEachOPDGetsExactlyItsParticipants(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	cands := []proposals.Candidate{
		{Row: 2, NIP: "199801152024032001", Name: "Andi", OPD: "Dinas Pendidikan", Golongan: "III/a"},
		{Row: 3, NIP: "199605202024031002", Name: "Arfah", OPD: "Diskominfo", Golongan: "III/a"},
		{Row: 4, NIP: "200001012024032003", Name: "Rahma", OPD: "Dinas Pendidikan", Golongan: "II/c"},
		{Row: 5, NIP: "199711302024031004", Name: "Syukri", OPD: "Dinas Kesehatan", Golongan: "III/a"},
	}
	for i := range cands {
		cands[i].Docs = proposals.Docs{SKCPNS: true, Sehat: true, SPT: true, Foto: true}
	}
	cands[3].Docs.Foto = false // not eligible: Dinas Kesehatan gets no message
	if err := st.SaveProposals(ctx, store.NewDocument("c1", "proposals", "u.csv", []byte("x"), "op"), classify.Classify(cands, 40), nil); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	for _, e := range []chain.Event{
		{CaseID: "c1", Kind: chain.CaseStarted, At: at, By: "op", Case: &chain.CaseFacts{Title: "Latsar 2026", DefinitionID: "d", Version: 1, Deadline: at, DeadlineDays: 51, Steps: 15}},
		{CaseID: "c1", Kind: chain.CaseCompleted, At: at},
	} {
		if err := st.Apply(ctx, chain.Transition{Events: []chain.Event{e}}); err != nil {
			t.Fatal(err)
		}
	}
	box, _ := st.Outbox(ctx, "c1")
	if len(box) != 2 {
		t.Fatalf("%d delivery messages, want one per OPD with participants (2)", len(box))
	}

	sk := smtpsink.New(t)
	sk.Refuse(true)
	m := New(st, config.SMTP{Address: sk.Addr, From: "bkpsdm@wajokab.go.id"},
		config.Delivery{OPDEmails: map[string]string{"dinas pendidikan": "disdik@wajokab.go.id"}}, slog.Default())
	// The mail server refuses for now: both wait (Diskominfo has no address of its own or fallback).
	if sent, failed, err := m.Flush(ctx); err != nil || sent != 0 || failed != 2 {
		t.Fatalf("refused: sent %d failed %d %v", sent, failed, err)
	}
	box, _ = st.Outbox(ctx, "c1")
	var disdik, kominfo store.Message
	for _, msg := range box {
		switch *msg.OPD {
		case "Dinas Pendidikan":
			disdik = msg
		case "Diskominfo":
			kominfo = msg
		}
	}
	if disdik.Attempts != 1 || !strings.Contains(*disdik.LastError, "451") || time.Until(disdik.NextAttemptAt) < 50*time.Second {
		t.Fatalf("after a refusal: %+v", disdik)
	}
	if kominfo.Attempts != 0 || !strings.Contains(*kominfo.LastError, "tidak ada alamat e-mail untuk OPD Diskominfo") {
		t.Fatalf("no address: %+v", kominfo)
	}
	// Nothing is due until the backoff passes.
	if sent, failed, _ := m.Flush(ctx); sent+failed != 0 {
		t.Fatal("a message was retried before its backoff")
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	sk.Refuse(false)
	m.fall = "bkpsdm@wajokab.go.id"
	if sent, failed, err := m.Flush(ctx); err != nil || sent != 2 || failed != 0 {
		t.Fatalf("retry: sent %d failed %d %v", sent, failed, err)
	}
	got := sk.Last()["disdik@wajokab.go.id"]
	if !strings.Contains(got, "Andi, NIP 199801152024032001") || !strings.Contains(got, "Rahma, NIP 200001012024032003") ||
		strings.Contains(got, "Arfah") || strings.Contains(got, "Syukri") {
		t.Fatalf("Dinas Pendidikan's message:\n%s", got)
	}
	if fb := sk.Last()["bkpsdm@wajokab.go.id"]; !strings.Contains(fb, "Arfah") || strings.Contains(fb, "Andi,") {
		t.Fatalf("Diskominfo's message (to the fallback):\n%s", fb)
	}
	box, _ = st.Outbox(ctx, "c1")
	for _, msg := range box {
		if msg.SentAt == nil || msg.LastError != nil {
			t.Fatalf("not marked sent: %+v", msg)
		}
	}
	if sent, _, _ := m.Flush(ctx); sent != 0 {
		t.Fatal("a message was sent twice")
	}
}

// A reminder to a role reaches each official's address as it is when the mail goes out.
func TestRemindersGoToTheOfficialsCurrentAddress(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	if _, err := st.AddOfficial(ctx, store.Official{NIP: "198807222014022003", Name: "Analis", Role: "analis"}); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	task := &chain.Task{Step: 4, Attempt: 1, Role: "analis", OpenedAt: at}
	if err := st.Apply(ctx, chain.Transition{
		Events:  []chain.Event{{CaseID: "c2", Kind: chain.CaseStarted, At: at, By: "op", Case: &chain.CaseFacts{Title: "t", DefinitionID: "d", Version: 1, Deadline: at, DeadlineDays: 51, Steps: 15}}},
		Notices: []chain.Notice{{CaseID: "c2", Kind: chain.Reminder, ToRole: "analis", Task: task, Subject: "Pengingat: langkah 4", Body: "75% mutu baku terpakai"}},
	}); err != nil {
		t.Fatal(err)
	}
	sk := smtpsink.New(t)
	m := New(st, config.SMTP{Address: sk.Addr, From: "bkpsdm@wajokab.go.id"}, config.Delivery{}, slog.Default())
	if sent, failed, _ := m.Flush(ctx); sent != 0 || failed != 1 {
		t.Fatalf("without an address: sent %d failed %d", sent, failed)
	}
	if err := st.SetEmail(ctx, "198807222014022003", "analis@wajokab.go.id"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	if sent, failed, err := m.Flush(ctx); err != nil || sent != 1 || failed != 0 {
		t.Fatalf("with an address: sent %d failed %d %v", sent, failed, err)
	}
	if got := sk.Last()["analis@wajokab.go.id"]; !strings.Contains(got, "75% mutu baku terpakai") || !strings.Contains(got, "Subject: Pengingat: langkah 4\n") {
		t.Fatalf("reminder mail:\n%s", got)
	}
}

// A mail server that accepts and then says nothing costs one message the timeout: the row is
// not locked while the sender waits, and the failure is recorded for a later try.
func TestAStalledMailServerHoldsNothing(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	at := time.Now()
	if err := st.Apply(ctx, chain.Transition{
		Events:  []chain.Event{{CaseID: "c3", Kind: chain.CaseStarted, At: at, By: "op", Case: &chain.CaseFacts{Title: "t", DefinitionID: "d", Version: 1, Deadline: at, DeadlineDays: 51, Steps: 15}}},
		Notices: []chain.Notice{{CaseID: "c3", Kind: chain.Reminder, ToRole: "analis", Subject: "Pengingat", Body: "x"}},
	}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c // never greets
		}
	}()
	m := New(st, config.SMTP{Address: l.Addr().String(), From: "bkpsdm@wajokab.go.id"}, config.Delivery{FallbackEmail: "x@wajokab.go.id"}, slog.Default())
	m.timeout = time.Second
	if _, err := st.DB().ExecContext(ctx, `UPDATE outbox SET to_email = 'analis@wajokab.go.id'`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	began := time.Now()
	go func() { _, _, err := m.Flush(ctx); done <- err }()
	conn := <-accepted
	defer conn.Close()
	// While the sender waits on the server, the message's row is free: claimed by a lease, not a lock.
	var n int
	if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM (SELECT id FROM outbox FOR UPDATE NOWAIT) x`); err != nil || n != 1 {
		t.Fatalf("row locked during the send: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Fatalf("a stalled server held the sender %s", took)
	}
	box, _ := st.Outbox(ctx, "c3")
	if len(box) != 1 || box[0].SentAt != nil || box[0].Attempts != 1 || box[0].LastError == nil || !strings.Contains(*box[0].LastError, "timeout") {
		t.Fatalf("after the stall: %+v", box)
	}
}
