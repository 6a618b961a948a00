package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/internal/pdftool"
	"github.com/skflow/skflow/training"
)

// A participant signs in with the one-time link their OPD passes on, sees the schedule,
// confirms with the registration form; the link works once; the organiser's board shows the
// confirmation; an auditor cannot send links.
func TestAParticipantSignsInWithTheirLinkAndConfirms(t *testing.T) {
	e := newEnv(t)
	in := training.RunInput{ID: training.RunID("c-latsar", "III", 1), CaseID: "c-latsar", Title: "SK Latsar", Group: "III", Batch: 1,
		Definition: *training.Default(), Members: []training.Member{
			{NIP: "199801152024032001", Name: "Andi Nurul", Position: "Analis", OPD: "Dinas Pendidikan", Golongan: "III/a"},
			{NIP: "199605202024031002", Name: "Muhammad Arfah", Position: "Pranata Komputer", OPD: "Diskominfo", Golongan: "III/a"}}}
	if _, err := e.tc.ExecuteWorkflow(context.Background(), clientStart(in.ID), training.WorkflowName, in); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ts, _ := e.st.Trainings(context.Background(), "c-latsar"); len(ts) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run was not recorded")
		}
	}
	if code, _, _ := e.login("auditor").post("/latsar/"+in.ID+"/tautan", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("an auditor sends links: %d", code)
	}
	op := e.login("operator")
	if code, _, _ := op.post("/latsar/"+in.ID+"/tautan", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("send links: %d", code)
	}
	box, _ := e.st.Outbox(context.Background(), "c-latsar")
	var link string
	for _, m := range box {
		if m.Subject == "Tautan masuk peserta Latsar" && *m.OPD == "Dinas Pendidikan" {
			link = regexp.MustCompile(`/peserta/masuk\?t=[0-9a-f]+`).FindString(m.Body)
		}
	}
	if link == "" {
		t.Fatalf("no link for Dinas Pendidikan in %+v", box)
	}
	p := e.anonymous()
	code, loc := p.follow(link)
	if code != http.StatusSeeOther || loc != "/peserta" {
		t.Fatalf("sign-in with the link: %d %s", code, loc)
	}
	if _, page := p.get("/peserta"); !strings.Contains(page, "Andi Nurul") || !strings.Contains(page, "Konfirmasi keikutsertaan dan formulir registrasi") {
		t.Fatalf("the participant's page:\n%s", page)
	}
	form := url.Values{"op": {"confirm"}, "telepon": {"0812"}, "email": {"andi@wajokab.go.id"}, "alamat_kantor": {"Jl. Kejaksaan 5"}}
	if code, _, _ := p.post("/peserta", form); code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", code)
	}
	if _, page := p.get("/peserta"); !strings.Contains(page, "Tercatat. Terima kasih.") || !strings.Contains(page, "Konfirmasi Anda tercatat.") {
		t.Fatalf("after confirming:\n%s", page)
	}
	if code, _ := e.anonymous().follow(link); code != http.StatusForbidden {
		t.Fatalf("the link signed in twice: %d", code)
	}
	if _, board := op.get("/latsar/" + in.ID); !strings.Contains(board, "<td>Andi Nurul</td><td>Dinas Pendidikan</td>\n<td>ya</td>") {
		t.Fatalf("the board does not show the confirmation:\n%s", board)
	}
	if _, list := op.get("/latsar"); !strings.Contains(list, "golongan III angkatan 1") || !strings.Contains(list, "<td>berjalan</td><td>Konfirmasi keikutsertaan") {
		t.Fatalf("the list of runs:\n%s", list)
	}
	// Each OPD's summons letter names its participants only, with the schedule.
	code, letter := op.get("/latsar/" + in.ID + "/panggilan?opd=" + url.QueryEscape("Dinas Pendidikan"))
	text := pdftool.Run(t, "pdftotext", "-layout", pdftool.File(t, "panggilan.pdf", []byte(letter)), "-")
	if code != http.StatusOK || !strings.Contains(text, "Pemanggilan peserta Pelatihan Dasar CPNS Golongan III Angkatan 1") ||
		!strings.Contains(text, "19980115 202403 2 001") || strings.Contains(text, "Arfah") || !strings.Contains(text, "Seminar aktualisasi") {
		t.Fatalf("the summons letter (%d):\n%s", code, text)
	}
}

// follow GETs a path and answers its status and where it redirects.
func (b *browser) follow(path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	code, loc, _ := b.do(req)
	return code, loc
}

func clientStart(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: id, TaskQueue: "web-test"}
}
