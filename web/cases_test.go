package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	nipfmt "github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// The acceptance: each demo official signs in and takes one case through all 15 steps
// with one return, through the web forms; the auditor then sees the durations.
func TestWholeCaseThroughTheWebWithOneReturn(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-web")
	o := e.officials()
	returned := false
	e.drive("c-web", 0, func(c store.Case) {
		if *c.OpenStep == 7 && !returned {
			returned = true
			o.decide(c, chain.Return, "Lampiran angkatan II belum lengkap")
			return
		}
		o.decide(c, chain.Agree, "")
	})
	if c, _ := e.st.Case(context.Background(), "c-web"); c.State != "completed" {
		t.Fatalf("the case ended %s", c.State)
	}
	if len(o.sessions) != 7 {
		t.Fatalf("%d roles took part, want all 7", len(o.sessions))
	}
	tasks, _ := e.st.Tasks(context.Background(), "c-web")
	if len(tasks) != 17 {
		t.Fatalf("%d step attempts, want 17 (15 steps, 6 and 7 twice)", len(tasks))
	}
	_, page := e.login("auditor").get("/report")
	if !strings.Contains(page, "<td>7</td><td>Kabid Pengembangan Kompetensi ASN</td><td>2</td>") ||
		!strings.Contains(page, `<a href="/cases/c-web">Latsar c-web</a></td><td>selesai</td>`) {
		t.Fatalf("the auditor's report does not show the case's durations:\n%s", page)
	}
}

func TestStartRefusesAFileThatIsNotAProposalList(t *testing.T) {
	e := newEnv(t)
	op := e.login("operator")
	if code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar salah berkas"}, "proposals", "undangan.pdf",
		[]byte("%PDF-1.4\x00\x01\x02")); code != http.StatusSeeOther || loc != "/board" {
		t.Fatalf("bad file: %d %s", code, loc)
	}
	if _, board := op.get("/board"); !strings.Contains(board, "Berkas tidak dimulai. undangan.pdf: berkas bukan lembar kerja CSV atau XLSX") {
		t.Fatalf("no plain refusal on the board:\n%s", board)
	}
	if cases, _ := e.st.Cases(context.Background()); len(cases) != 0 {
		t.Fatalf("a case was started from a refused file")
	}
}

func TestAnalisCorrectsTheClassificationUntilTheFirstParaf(t *testing.T) {
	e := newEnv(t)
	c := chain.CaseInput{CaseID: "c-fix", Title: "Latsar c-fix", StartedBy: nip["operator"], Definition: *sop.Default(), Calendar: e.spec}
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n" +
		"199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"199605202024031002,Arfah,Pranata,Diskominfo,III/a,ya,ya,tidak,ya\n"
	if _, err := intake.Take(context.Background(), e.st, "c-fix", "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.ops.Start(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), "c-fix", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	e.advance("c-fix", 4)
	fix := url.Values{"nip": {"199605202024031002"}, "action": {"move"}, "batch": {"2"}, "reason": {"SPT menyusul, sudah dikonfirmasi OPD"}}
	if code, _, _ := e.login("kabid").post("/cases/c-fix/candidates", fix); code != http.StatusForbidden {
		t.Fatalf("the kabid corrected: %d", code)
	}
	a := e.login("analis")
	if _, page := a.get("/cases/c-fix"); !strings.Contains(page, `class="grid correct"`) {
		t.Fatalf("the analis sees no correction form:\n%s", page)
	}
	if code, loc, _ := a.post("/cases/c-fix/candidates", fix); code != http.StatusSeeOther || loc != "/cases/c-fix" {
		t.Fatalf("correct: %d %s", code, loc)
	}
	cands, _ := e.st.Candidates(context.Background(), "c-fix")
	var arfah store.CandidateRow
	for _, x := range cands {
		if x.Name == "Arfah" {
			arfah = x
		}
	}
	if !arfah.Eligible || *arfah.Batch != 2 || *arfah.Group != "III" {
		t.Fatalf("after the correction: %+v", arfah)
	}
	audit, _ := e.st.Audit(context.Background(), "c-fix")
	if last := audit[len(audit)-1]; last.Action != "candidate_corrected" || last.Actor != nip["analis"] ||
		!strings.Contains(string(last.Detail), "SPT menyusul") {
		t.Fatalf("audit %+v", last)
	}
	// Once the Analis has initialled (step 6), the classification is settled.
	e.advance("c-fix", 7)
	a.post("/cases/c-fix/candidates", fix)
	if _, page := a.get("/cases/c-fix"); !strings.Contains(page, "Koreksi ditolak: klasifikasi sudah final setelah langkah 6 diparaf") {
		t.Fatal("a correction after the first paraf was not refused")
	}
}

// Issue 5's acceptance: a case started with a real-looking XLSX of 130 proposals (some invalid)
// shows the problems, classifies the rest into angkatan of at most 40 per golongan, produces a
// PDF draft whose lampiran matches, and at step 15 each OPD's notification lists exactly its
// participants.
func TestAcceptance130Proposals(t *testing.T) {
	e := newEnv(t)
	xlsx, err := os.ReadFile("../examples/usulan-opd-130.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	op := e.login("operator")
	_, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar CPNS 2026"}, "proposals", "usulan-opd-130.xlsx", xlsx)
	id := strings.TrimPrefix(loc, "/cases/")
	_, page := op.get(loc)
	if !strings.Contains(page, "Usulan OPD: 130 baris, 10 bermasalah, 120 calon, 112 memenuhi syarat.") ||
		strings.Count(page, "pada NIP bukan tanggal yang ada") != 10 {
		t.Fatalf("the case page does not show the proposals and their problems:\n%s", page)
	}

	cands, _ := e.st.Candidates(context.Background(), id)
	perBatch := map[string]int{}
	eligible := map[string]string{} // NIP to OPD
	for _, c := range cands {
		if c.Eligible {
			perBatch[fmt.Sprintf("%s/%d", *c.Group, *c.Batch)]++
			eligible[c.NIP] = c.OPD
		}
	}
	for b, n := range perBatch {
		if n > 40 {
			t.Fatalf("angkatan %s has %d participants", b, n)
		}
	}
	c, _ := e.st.Case(context.Background(), id)
	d, err := intake.Draft(context.Background(), e.st, c, 40, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := d.WritePDF(&pdf, false); err != nil {
		t.Fatal(err)
	}
	for nipNo := range eligible {
		if n := strings.Count(pdf.String(), "("+nipfmt.Spaced(nipNo)+")"); n != 1 {
			t.Fatalf("eligible NIP %s appears %d times in the lampiran", nipNo, n)
		}
	}
	if d.Total() != len(eligible) || len(d.Batches) != len(perBatch) {
		t.Fatalf("lampiran has %d in %d angkatan; classification %d in %d", d.Total(), len(d.Batches), len(eligible), len(perBatch))
	}

	e.advanceByWeb(id, 15)
	if _, err := e.ops.Decide(context.Background(), id, "acc-last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: e.held(id)}); err != nil {
		t.Fatal(err)
	}
	box, _ := e.st.Outbox(context.Background(), id)
	seen := map[string]bool{}
	deliveries := 0
	for _, m := range box {
		if m.Kind != "delivery" {
			continue
		}
		deliveries++
		for nipNo, opd := range eligible {
			if in := strings.Contains(m.Body, "NIP "+nipNo); in != (opd == *m.OPD) {
				t.Fatalf("NIP %s (%s) in the message to %s: %v", nipNo, opd, *m.OPD, in)
			}
		}
		seen[*m.OPD] = true
	}
	opds := map[string]bool{}
	for _, opd := range eligible {
		opds[opd] = true
	}
	if deliveries != len(opds) || len(seen) != len(opds) {
		t.Fatalf("%d delivery messages for %d OPDs", deliveries, len(opds))
	}
}

// A case started without the OPD proposals cannot pass step 3 until the Pelaksana hands them
// in; a reviewer may not, and the agreement then gives them to the case.
func TestStepThreeWaitsForTheProposals(t *testing.T) {
	e := newEnv(t)
	const id = "c-noprop"
	in := chain.CaseInput{CaseID: id, Title: "Latsar tanpa usulan", StartedBy: nip["operator"], Definition: *sop.Default(), Calendar: e.spec}
	if err := e.ops.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	e.advance(id, 3)
	p := e.login("pelaksana")
	agree, _, page := p.taskForm(id)
	code, _, body := p.post("/tasks/"+id+"/decide", url.Values{"token": {agree}, "step": {"3"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}})
	if code != http.StatusConflict || !strings.Contains(body, "Keluaran langkah ini belum ada pada berkas") {
		t.Fatalf("step 3 without proposals: %d\n%s", code, body)
	}
	csv := []byte("NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n")
	if code, _, _ := e.login("kabid").upload("/cases/"+id+"/proposals", nil, "proposals", "usulan.csv", csv); code != http.StatusForbidden {
		t.Fatalf("the Kabid handed in proposals: %d", code)
	}
	if code, _, _ := p.upload("/cases/"+id+"/proposals", nil, "proposals", "usulan.csv", csv); code != http.StatusSeeOther {
		t.Fatalf("the Pelaksana's proposals: %d", code)
	}
	agree, _, page = p.taskForm(id)
	if code, _, body := p.post("/tasks/"+id+"/decide", url.Values{"token": {agree}, "step": {"3"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}}); code != http.StatusSeeOther {
		t.Fatalf("step 3 with proposals: %d\n%s", code, body)
	}
	s, err := e.ops.Status(context.Background(), id)
	if err != nil || s.Open.Step != 4 || s.Outputs[sop.Proposals] == "" {
		t.Fatalf("after step 3: %+v %v", s.Open, err)
	}
}
