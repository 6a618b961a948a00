package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/store"
)

const (
	kabid  = "197811052005011002"
	analis = "198807222014022003"
)

// cli runs starter commands in-process against a real Temporal server and PostgreSQL.
func cliEnv(t *testing.T) (func(args ...string) (string, error), *testenv.Env) {
	t.Helper()
	return cliEnvIn(t, i18n.New(i18n.Indonesian))
}

// cliEnvIn is cliEnv with the command line speaking p's language.
func cliEnvIn(t *testing.T, p *i18n.Printer) (func(args ...string) (string, error), *testenv.Env) {
	t.Helper()
	e := testenv.New(t, "skflow-cli")
	if _, err := allinone.SeedDemoOfficials(context.Background(), e.Store); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	t.Setenv("SKFLOW_TEMPORAL_ADDRESS", e.Server.GetFrontendHostPort())
	t.Setenv("SKFLOW_TEMPORAL_NAMESPACE", e.Server.GetDefaultNamespace())
	t.Setenv("SKFLOW_TEMPORAL_TASK_QUEUE", e.TaskQueue)
	t.Setenv("SKFLOW_DATABASE_URL", e.DBURL)
	return func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		root := newRoot(&out, p)
		root.SetArgs(args)
		root.SetOut(&out)
		root.SetErr(&errs)
		err := root.Execute()
		return out.String(), err
	}, e
}

// exampleProposals is found before a test moves into its own directory.
var exampleProposals, _ = filepath.Abs("../examples/usulan-opd.csv")

// startExample starts a case with the example proposals (three eligible in one angkatan) and
// returns its ID and the proposals file's path.
func startExample(t *testing.T, run func(args ...string) (string, error)) (string, string) {
	t.Helper()
	proposals := exampleProposals
	out, err := run("start", "--title", "Latsar CPNS 2026 angkatan I", "--proposals", proposals)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out), proposals
}

func TestCLIRunsACase(t *testing.T) {
	run, e := cliEnv(t)
	id, proposals := startExample(t, run)
	var out string
	var err error
	if !strings.HasPrefix(id, "latsar-") {
		t.Fatalf("start printed %q", id)
	}
	if out, err = run("sk", id, "--out", filepath.Join(t.TempDir(), "sk.pdf")); err != nil || !strings.Contains(out, "3 peserta dalam 1 angkatan") {
		t.Fatalf("sk: %q %v", out, err)
	}
	if _, err = run("correct", id, "--nip", "200001012024032003", "--move-to", "1", "--reason", "SPT menyusul", "--as", kabid); err == nil ||
		err.Error() != "hanya Analis SDMA Ahli Muda yang boleh mengoreksi klasifikasi" {
		t.Fatalf("correct as the kabid: %v", err)
	}
	if out, err = run("correct", id, "--nip", "200001012024032003", "--move-to", "1", "--reason", "SPT menyusul", "--as", analis); err != nil {
		t.Fatalf("correct: %q %v", out, err)
	}
	if out, err = run("candidates", id); err != nil || strings.Count(out, "\n") != 5 || strings.Contains(out, "surat perintah tugas tidak ada") {
		t.Fatalf("candidates: %q %v", out, err)
	}

	_, err = run("decide", id, "--step", "1", "--as", analis, "--agree")
	if err == nil || err.Error() != "ditolak: Tugas ini bukan untuk jabatan Anda." {
		t.Fatalf("wrong role: %v", err)
	}
	if out, err = run("decide", id, "--step", "1", "--as", kabid, "--agree"); err != nil || !strings.Contains(out, "Kini di langkah 2 (percobaan 1) pada Analis SDMA Ahli Muda") {
		t.Fatalf("decide: %q %v", out, err)
	}
	// The same command again is the same decision, and says so.
	if out, err = run("decide", id, "--step", "1", "--as", kabid, "--agree"); err != nil || !strings.Contains(out, "Sudah tercatat: langkah 1 (percobaan 1)") {
		t.Fatalf("repeated decide: %q %v", out, err)
	}
	out, err = run("tasks", "--role", "analis", "--json")
	var tasks []store.Task
	if err != nil || json.Unmarshal([]byte(out), &tasks) != nil || len(tasks) != 1 || tasks[0].Step != 2 {
		t.Fatalf("analis inbox: %q %v", out, err)
	}
	if !strings.Contains(out, "+08:00") {
		t.Fatalf("JSON times are not in WITA with an offset: %s", out)
	}
	out, err = run("status", id, "--json")
	var status struct{ Tasks []store.Task }
	if err != nil || json.Unmarshal([]byte(out), &status) != nil || len(status.Tasks) != 2 || *status.Tasks[0].ActorNIP != kabid {
		t.Fatalf("status: %q %v", out, err)
	}
	if out, err = run("report", "--case", id, "--format", "csv"); err != nil || !strings.HasPrefix(out, "\ufeffID berkas;Langkah;Percobaan") || strings.Count(out, "\n") != 3 {
		t.Fatalf("report: %q %v", out, err)
	}
	// The JSON report of one case, as it streams: its two attempts and the case itself.
	var rep struct {
		Steps []struct {
			CaseID   string `json:"case_id"`
			Decision string `json:"decision"`
		} `json:"steps"`
		Cases []struct {
			CaseID string `json:"case_id"`
		} `json:"cases"`
	}
	if out, err = run("report", "--case", id, "--json"); err != nil || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Steps) != 2 ||
		rep.Steps[0].CaseID != id || rep.Steps[0].Decision != "agree" || rep.Steps[1].Decision != "open" || len(rep.Cases) != 1 || rep.Cases[0].CaseID != id {
		t.Fatalf("report --json: %q %v", out, err)
	}
	if _, err = run("revise", id, "--file", proposals, "--as", analis); err == nil || !strings.Contains(err.Error(), "berkas harus PDF atau DOCX") {
		t.Fatalf("revise with a CSV: %v", err)
	}
	if out, err = run("cancel", id, "--reason", "usulan ditarik OPD"); err != nil || !strings.Contains(out, "dibatalkan") {
		t.Fatalf("cancel: %q %v", out, err)
	}
	if out, err = run("list"); err != nil || !strings.Contains(out, "dibatalkan") {
		t.Fatalf("list: %q %v", out, err)
	}

	if out, err = run("audit", "verify"); err != nil || !strings.HasPrefix(out, "Log audit utuh: ") || !strings.Contains(out, "belum ada titik periksa") {
		t.Fatalf("audit verify: %q %v", out, err)
	}
	if out, err = run("audit", "checkpoint"); err != nil || out != "Titik periksa baru tersimpan.\n" {
		t.Fatalf("audit checkpoint: %q %v", out, err)
	}
	if out, err = run("audit", "verify"); err != nil || !strings.Contains(out, "1 titik periksa") || !strings.HasSuffix(out, "; 0 baris sesudahnya.\n") {
		t.Fatalf("audit verify after a checkpoint: %q %v", out, err)
	}
	if _, err := e.Store.DB().Exec(`UPDATE audit_log SET actor = 'someone else' WHERE action = 'step_decided'`); err != nil {
		t.Fatal(err)
	}
	if _, err = run("audit", "verify"); err == nil || !strings.Contains(err.Error(), "isi baris tidak cocok lagi dengan hash-nya") ||
		!strings.Contains(err.Error(), id+`", baris 4, `+id+"/step_decided/1/1") {
		t.Fatalf("audit verify after an edit: %v", err)
	}
}

func TestCLIErrorsArePlain(t *testing.T) {
	run, e := cliEnv(t)
	if err := os.WriteFile("notes.txt", []byte("catatan rapat, bukan usulan\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "nope"}, "tidak ada berkas nope (lihat: starter list)"},
		{[]string{"tasks", "--role", "camat"}, `jabatan "camat" tidak dikenal; jabatan yang ada: pelaksana, analis, kabid, sekretaris, kepala, sekda, bupati`},
		{[]string{"decide", "nope", "--step", "1", "--as", "123", "--agree"}, "tidak ada pejabat dengan NIP 123 (lihat: starter officials)"},
		{[]string{"decide", "nope", "--step", "1", "--as", kabid, "--agree", "--return"}, "pilih salah satu --agree atau --return"},
		{[]string{"decide", "nope", "--step", "1", "--as", kabid, "--agree"}, "tidak ada berkas berjalan nope (lihat: starter list)"},
		{[]string{"start", "--title", " "}, "--title tidak boleh kosong"},
		{[]string{"start", "--title", "x", "--proposals", "missing.xlsx"}, "berkas usulan: open missing.xlsx: no such file or directory"},
		{[]string{"start", "--title", "x", "--proposals", "notes.txt"}, "berkas usulan notes.txt: kolom wajib tidak ada: NIP, Nama, Jabatan, OPD, Golongan, SK CPNS, Surat sehat, Surat perintah tugas, Pasfoto (kolom terbaca: tidak ada)"},
		{[]string{"report", "--format", "pdf"}, `--format "pdf": pilih table, csv, xlsx atau json`},
		{[]string{"cancel", "nope"}, `opsi wajib belum diisi: --reason (lihat: starter cancel --help)`},
		{[]string{"status"}, `perintah ini perlu 1 argumen, diberikan 0 (cara pakai: starter status BERKAS)`},
		{[]string{"list", "--frobnicate"}, `opsi --frobnicate tidak dikenal (lihat: starter list --help)`},
		{[]string{"list", "extra"}, `perintah ini tidak menerima argumen "extra" (cara pakai: starter list)`},
		{[]string{"calendar", "due", "--minutes", "x", "--from", "2026-11-23 11:50"}, `nilai "x" tidak sah untuk --minutes: strconv.ParseInt: parsing "x": invalid syntax`},
	} {
		if _, err := run(c.args...); err == nil || err.Error() != c.want {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	// A refused proposals file starts nothing and stores nothing.
	if cases, _ := e.Store.Cases(context.Background()); len(cases) != 0 {
		t.Fatalf("%d cases after refused starts", len(cases))
	}
	var docs int
	if err := e.Store.DB().Get(&docs, `SELECT count(*) FROM case_documents`); err != nil || docs != 0 {
		t.Fatalf("%d documents stored from refused files (%v)", docs, err)
	}
}

// A case started without the OPD proposals waits at step 3 until the Pelaksana hands them in
// from the command line; a reviewer may not, and a second file is refused.
func TestCLIHandsInTheProposalsMidCase(t *testing.T) {
	proposals, err := filepath.Abs("../examples/usulan-opd.csv")
	if err != nil {
		t.Fatal(err)
	}
	run, _ := cliEnv(t)
	nips := allinone.DemoNIPs()
	out, err := run("start", "--title", "Latsar tanpa usulan")
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(out)
	if _, err := run("decide", id, "--step", "1", "--as", nips["kabid"], "--agree"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("decide", id, "--step", "2", "--as", nips["analis"], "--agree"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("decide", id, "--step", "3", "--as", nips["pelaksana"], "--agree"); err == nil || !strings.Contains(err.Error(), "Keluaran langkah ini belum ada pada berkas") {
		t.Fatalf("step 3 agreed without the proposals: %v", err)
	}
	if _, err := run("proposals", id, "--file", proposals, "--as", nips["kabid"]); err == nil ||
		!strings.Contains(err.Error(), "peran Anda tidak boleh mengubah isi SK: hanya") {
		t.Fatalf("proposals from the Kabid: %v", err)
	}
	if out, err = run("proposals", id, "--file", proposals, "--as", nips["pelaksana"]); err != nil || !strings.Contains(out, "saat langkahnya disetujui") {
		t.Fatalf("proposals from the Pelaksana: %q %v", out, err)
	}
	if out, err = run("decide", id, "--step", "3", "--as", nips["pelaksana"], "--agree"); err != nil || !strings.Contains(out, "Kini di langkah 4") {
		t.Fatalf("step 3 with the proposals: %q %v", out, err)
	}
	if _, err := run("proposals", id, "--file", proposals, "--as", nips["pelaksana"]); err == nil || !strings.Contains(err.Error(), "sudah memiliki data usulan OPD") {
		t.Fatalf("a second proposals file: %v", err)
	}
}

// The same proposals file started twice is refused until the operator says it is meant.
func TestCLIWarnsOfTheSameProposalsTwice(t *testing.T) {
	run, _ := cliEnv(t)
	first, _ := startExample(t, run)
	_, err := run("start", "--title", "Latsar lagi", "--proposals", exampleProposals)
	if err == nil || !strings.Contains(err.Error(), "Usulan ini mengulang berkas yang sedang berjalan: "+first) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a second start with the same file: %v", err)
	}
	if out, err := run("start", "--title", "Latsar lagi", "--proposals", exampleProposals, "--force"); err != nil || !strings.HasPrefix(out, "latsar-") {
		t.Fatalf("with --force: %q %v", out, err)
	}
}
