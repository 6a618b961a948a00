package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/internal/pdftool"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
	"github.com/skflow/skflow/web"
	"github.com/skflow/skflow/worktime"
)

// On the real worker: a case goes through its 15 steps; at step 15 its angkatan starts its
// training; the participants confirm; the organiser imports every result from an XLSX; the run
// announces, and an STTP, a Piagam or a Surat Keterangan comes out for each participant, signed,
// verified by poppler and on the public verification page.
func TestCLITrainsAnAngkatanToItsCertificates(t *testing.T) {
	run, e := cliEnv(t)
	id, _ := startExample(t, run)
	nips := allinone.DemoNIPs()
	var out string
	var err error
	for step, role := range []string{"kabid", "analis", "pelaksana", "analis", "pelaksana", "analis", "kabid", "sekretaris", "kepala", "sekda", "bupati",
		"kepala", "kabid", "analis", "pelaksana"} {
		if _, err := run("decide", id, "--step", fmt.Sprint(step+1), "--as", nips[role], "--agree"); err != nil {
			t.Fatalf("step %d: %v", step+1, err)
		}
	}
	ctx := context.Background()
	var runs []store.Training
	for deadline := time.Now().Add(15 * time.Second); len(runs) == 0; time.Sleep(100 * time.Millisecond) {
		if runs, err = e.Store.Trainings(ctx, id); err != nil || time.Now().After(deadline) {
			t.Fatalf("no training started for %s (%v)", id, err)
		}
	}
	if len(runs) != 1 || runs[0].ID != training.RunID(id, "III", 1) {
		t.Fatalf("runs %+v", runs)
	}
	rid := runs[0].ID
	out, err = run("training", "show", rid, "--json")
	var s training.RunState
	if err != nil || json.Unmarshal([]byte(out), &s) != nil || len(s.People) != 3 {
		t.Fatalf("show: %q %v", out, err)
	}
	for _, p := range s.People {
		if _, err := run("training", "confirm", rid, "--nip", p.NIP, "--telepon", "0812", "--email", "p@wajokab.go.id", "--alamat-kantor", "Sengkang"); err != nil {
			t.Fatalf("confirm %s: %v", p.NIP, err)
		}
	}
	// The results sheet: every activity's column; the first two pass with awards, the third fails.
	x := excelize.NewFile()
	def := training.Default()
	header := []any{"NIP"}
	for _, a := range def.Activities() {
		if a.Kind == training.Done || a.Kind == training.Score {
			header = append(header, a.ID)
		}
	}
	_ = x.SetSheetRow("Sheet1", "A1", &header)
	for i, p := range s.People {
		row := []any{p.NIP}
		for _, h := range header[1:] {
			a, _ := def.Activity(h.(string))
			if a.Kind == training.Done {
				row = append(row, "ya")
			} else {
				row = append(row, []float64{95, 85, 50}[i])
			}
		}
		_ = x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &row)
	}
	_ = x.SetSheetRow("Sheet1", "A5", &[]any{"199901012024031099", "ya"})
	sheet := filepath.Join(t.TempDir(), "nilai.xlsx")
	if err := x.SaveAs(sheet); err != nil {
		t.Fatal(err)
	}
	if out, err = run("training", "import", rid, "--file", sheet, "--as", "pusdiklat"); err != nil || !strings.Contains(out, "1 sel bermasalah dilewati") {
		t.Fatalf("import: %q %v", out, err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		out, _ = run("training", "show", rid, "--json")
		if json.Unmarshal([]byte(out), &s) == nil && s.State == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish: %s", out)
		}
	}
	dir := t.TempDir()
	out, err = run("training", "documents", rid, "--out", dir, "--json")
	var docs []store.TrainingDocument
	if err != nil || json.Unmarshal([]byte(out), &docs) != nil {
		t.Fatalf("documents: %q %v", out, err)
	}
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d.Kind]++
		path := filepath.Join(dir, fmt.Sprintf("%s-%s.pdf", d.Kind, d.NIP))
		if sig := pdftool.Output(t, "pdfsig", path); !strings.Contains(sig, "Signature is Valid") || !strings.Contains(sig, "Total document signed") {
			t.Fatalf("pdfsig on %s:\n%s", path, sig)
		}
		if chk := pdftool.Run(t, "qpdf", "--check", path); !strings.Contains(chk, "No syntax or stream encoding errors") {
			t.Fatalf("qpdf on %s:\n%s", path, chk)
		}
	}
	if kinds["sttp"] != 2 || kinds["piagam"] != 2 || kinds["surat_keterangan"] != 1 {
		t.Fatalf("certificates %v", kinds)
	}
	// Each is verifiable on the public page, as the SK is.
	srv := e.Web(t, caseops.New(e.Client, e.TaskQueue), web.Options{Calendar: worktime.DefaultSpec()})
	for _, d := range docs {
		page := httpGet(t, srv.URL+"/verifikasi/"+d.ID)
		if !strings.Contains(page, d.Number) || !strings.Contains(page, d.SHA256) || !strings.Contains(page, "Sah: berkas resmi tidak berubah") {
			t.Fatalf("verification of %s:\n%s", d.ID, page)
		}
	}
	// The auditors' figures: two of three passed; one in each band; both passed got a Piagam.
	out, err = run("training", "report", "--json")
	var rep struct {
		Runs []store.TrainingSummary `json:"runs"`
	}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Runs) != 1 || rep.Runs[0].Passed != 2 || rep.Runs[0].NotPassed != 1 ||
		rep.Runs[0].Awards != 2 || rep.Runs[0].Bands["Sangat Memuaskan"] != 1 || rep.Runs[0].Bands["Tidak Memuaskan"] != 1 {
		t.Fatalf("training report: %q %v", out, err)
	}
	jar, _ := cookiejar.New(nil)
	auditor := &http.Client{Jar: jar}
	if _, err := auditor.PostForm(srv.URL+"/login", url.Values{"nip": {nips["auditor"]}, "password": {allinone.DemoPassword}}); err != nil {
		t.Fatal(err)
	}
	resp, err := auditor.Get(srv.URL + "/report")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `id="latsar-report"`) || !strings.Contains(string(page), "67%") {
		t.Fatalf("the auditors' report (%d) has no Latsar figures:\n%.3000s", resp.StatusCode, page)
	}
	box, _ := e.Store.Outbox(ctx, id)
	var summons, back int
	for _, m := range box {
		if m.Kind == "training" && strings.HasPrefix(m.Subject, "Pemanggilan") {
			summons++
		}
		if m.Kind == "training" && strings.HasPrefix(m.Subject, "Peserta Latsar kembali") {
			back++
		}
	}
	if summons == 0 || back != summons {
		t.Fatalf("%d summons and %d return notices", summons, back)
	}
	h := e.Client.GetWorkflowHistory(ctx, rid, "", false, 0)
	n := 0
	for h.HasNext() {
		if _, err := h.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	t.Logf("training run %s: %d history events for %d participants", rid, n, len(s.People))
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
