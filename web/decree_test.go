package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/internal/pdftool"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

func TestPublicListingShowsOnlyCompletedDecrees(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	for _, id := range []string{"c-done", "c-open"} {
		if _, err := intake.Take(context.Background(), e.st, id, "u.csv", []byte(csv), "op", 40, nil); err != nil {
			t.Fatal(err)
		}
		e.startCase(id)
	}
	e.advance("c-done", 15)
	if _, err := e.ops.Decide(context.Background(), "c-done", "last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: e.held("c-done")}); err != nil {
		t.Fatal(err)
	}
	b := e.anonymous()
	code, page := b.get("/publik")
	year := time.Now().In(time.FixedZone("WITA", 8*3600)).Year()
	number := fmt.Sprintf("000.8.3.4/0001.1/%d", year) // the register's first decree of the year
	if code != http.StatusOK || !strings.Contains(page, `/publik/c-done.pdf`) || strings.Contains(page, "c-open") ||
		!strings.Contains(page, "<td>"+number+"</td>") {
		t.Fatalf("public listing: %d\n%s", code, page)
	}
	if _, page := e.login("operator").get("/cases/c-done"); !strings.Contains(page, "SK nomor <strong>"+number+"</strong>") {
		t.Fatalf("the case page does not show the decree's number:\n%s", page)
	}
	code, pdf := b.get("/publik/c-done.pdf")
	if code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("published SK: %d", code)
	}
	// The decree is issued once: every copy is the same bytes, and the verification page names
	// their hash, the paraf chain, and tells a true copy from an altered one.
	if _, again := b.get("/publik/c-done.pdf"); again != pdf {
		t.Fatal("the published SK changed between two downloads")
	}
	sum := sha256.Sum256([]byte(pdf))
	_, page = b.get("/verifikasi/c-done")
	if !strings.Contains(page, number) || !strings.Contains(page, hex.EncodeToString(sum[:])) ||
		strings.Count(page, "<td>Bupati Wajo</td>") != 1 || strings.Count(page, "<td>Kabid Pengembangan Kompetensi ASN</td>") != 1 ||
		!strings.Contains(page, `<td id="seal">Sah: berkas resmi tidak berubah sejak ditandatangani</td>`) ||
		!strings.Contains(page, "<h1>Verifikasi KEPUTUSAN BUPATI WAJO</h1>") {
		t.Fatalf("verification page:\n%s", page)
	}
	if _, _, body := b.upload("/verifikasi/c-done", nil, "file", "sk.pdf", []byte(pdf)); !strings.Contains(body, "Cocok: berkas sk.pdf sama persis") {
		t.Fatalf("the issued PDF does not verify:\n%s", body)
	}
	// One byte the signature covers, chosen where it leaves the file readable (the header's
	// version digit): a byte picked blindly may land in the signature itself and only make it
	// unreadable, which is another verdict.
	altered := []byte(pdf)
	altered[len("%PDF-1.")] ^= 1
	if _, _, body := b.upload("/verifikasi/c-done", nil, "file", "sk-ubah.pdf", altered); !strings.Contains(body, "Tidak cocok: berkas sk-ubah.pdf") ||
		!strings.Contains(body, "Tanda tangan di dalamnya tidak sah: berkas itu diubah setelah ditandatangani.") {
		t.Fatalf("an altered PDF verifies:\n%s", body)
	}
	if code, _ := b.get("/verifikasi/c-open"); code != http.StatusNotFound {
		t.Fatalf("an unsigned case has a verification page: %d", code)
	}
	if code, _ := b.get("/publik/c-open.pdf"); code != http.StatusNotFound {
		t.Fatalf("an unfinished case's SK is public: %d", code)
	}
	// The completed case queued one delivery per OPD (its training's summons aside).
	box, _ := e.st.Outbox(context.Background(), "c-done")
	var deliveries []store.Message
	for _, m := range box {
		if l := i18n.Leaks(m.Subject + "\n" + m.Body); len(l) > 0 {
			t.Errorf("the %s mail says %v:\n%s\n%s", m.Kind, l, m.Subject, m.Body)
		}
		if m.Kind == "delivery" {
			deliveries = append(deliveries, m)
		}
	}
	if len(deliveries) != 1 || *deliveries[0].OPD != "Dinas Pendidikan" {
		t.Fatalf("deliveries: %+v", deliveries)
	}
}

func uploadVersion(t *testing.T, e *env, b *browser, caseID, name string, content []byte) (int, string) {
	t.Helper()
	code, _, _ := b.upload("/cases/"+caseID+"/versions", nil, "file", name, content)
	_, page := b.get("/cases/" + caseID)
	return code, page
}

// Decisions from the first review on record the draft version's hash; a new version after
// some parafs sends the draft back to the Analis; once signed, the decree takes no version and
// the published SK is the version that was signed.
func TestDraftVersionsAndParafOnTheRightVersion(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	if _, err := intake.Take(context.Background(), e.st, "c-ver", "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	e.startCase("c-ver")
	e.advance("c-ver", 6)
	// The Analis initials through the web, on version 1: the generated draft step 5 produced.
	a := e.login("analis")
	agree, _, page := a.taskForm("c-ver")
	if !strings.Contains(page, "Draft SK versi <strong>1</strong>") || documentOf(page) == "" {
		t.Fatalf("the task page does not show the version decided on:\n%s", page)
	}
	// A form that names another version than the one the case holds changes nothing.
	if code, _, body := a.post("/tasks/c-ver/decide", url.Values{"token": {agree}, "step": {"6"}, "attempt": {"1"}, "action": {"agree"},
		"document": {strings.Repeat("ab", 32)}}); code != http.StatusConflict || !strings.Contains(body, "Draft SK berubah saat Anda membaca") {
		t.Fatalf("a paraf on a stale version: %d\n%s", code, body)
	}
	if code, _, _ := a.post("/tasks/c-ver/decide", url.Values{"token": {agree}, "step": {"6"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}}); code != http.StatusSeeOther {
		t.Fatalf("paraf: %d", code)
	}
	v1, ok, _ := e.st.LatestVersion(context.Background(), "c-ver")
	tasks, _ := e.st.Tasks(context.Background(), "c-ver")
	if !ok || v1.Version != 1 || v1.Kind != "generated" || tasks[5].Document == nil || *tasks[5].Document != v1.SHA256 {
		t.Fatalf("the Analis's paraf is not on version 1: %+v %+v", v1, tasks[5])
	}
	// Step 5 produces the typed draft: it was agreed on version 1, and step 4 on no version.
	if tasks[4].Document == nil || *tasks[4].Document != v1.SHA256 || tasks[3].Document != nil {
		t.Fatal("the draft's own step was not agreed on version 1, or an earlier step on a version")
	}

	p := e.login("pelaksana")
	if code, page := uploadVersion(t, e, p, "c-ver", "catatan.txt", []byte("bukan draft")); code != http.StatusSeeOther || !strings.Contains(page, "Versi baru ditolak: berkas harus PDF atau DOCX") {
		t.Fatalf("a text file as a version: %d", code)
	}
	// A file that only starts like a PDF could never be signed: refused before anyone initials it.
	if code, page := uploadVersion(t, e, p, "c-ver", "rusak.pdf", []byte("%PDF-1.7\nrevisi nomor SK\n%%EOF\n")); code != http.StatusSeeOther ||
		!strings.Contains(page, "Versi baru ditolak: berkas PDF rusak atau tidak lengkap sehingga tidak dapat ditandatangani") {
		t.Fatalf("a broken PDF as a version: %d\n%s", code, page)
	}
	revised := pdfWith(t, "revisi nomor SK")
	// A reviewer may return the draft, never change it; an operator may not even try.
	if code, page := uploadVersion(t, e, e.login("kabid"), "c-ver", "kabid.pdf", revised); code != http.StatusSeeOther ||
		!strings.Contains(page, "Versi baru ditolak: peran Anda tidak boleh mengubah isi SK: hanya Pelaksana pada Bidang Pengembangan Kompetensi ASN atau Analis SDMA Ahli Muda") {
		t.Fatalf("the Kabid's upload: %d\n%s", code, page)
	}
	if code, _, _ := e.login("operator").upload("/cases/c-ver/versions", nil, "file", "op.pdf", revised); code != http.StatusForbidden {
		t.Fatalf("the operator's upload: %d", code)
	}
	if vs, _ := e.st.Versions(context.Background(), "c-ver"); len(vs) != 1 {
		t.Fatalf("refused uploads stored %d versions", len(vs)-1)
	}
	if code, page := uploadVersion(t, e, p, "c-ver", "draft-revisi.pdf", revised); code != http.StatusSeeOther || !strings.Contains(page, "Versi 2 draft SK tersimpan") {
		t.Fatalf("upload: %d", code)
	}
	c, _ := e.st.Case(context.Background(), "c-ver")
	if *c.OpenStep != 6 || *c.OpenAttempt != 2 {
		t.Fatalf("after version 2 the case is at step %d attempt %d, want the Analis's review again", *c.OpenStep, *c.OpenAttempt)
	}
	tasks, _ = e.st.Tasks(context.Background(), "c-ver")
	if sup := tasks[6]; sup.Step != 7 || *sup.Decision != "superseded" {
		t.Fatalf("the Kabid's open review was not superseded: %+v", sup)
	}
	if _, page := p.get("/cases/c-ver"); !strings.Contains(page, "diganti versi baru") {
		t.Fatal("the case page does not say the review was superseded")
	}
	v2, _, _ := e.st.LatestVersion(context.Background(), "c-ver")

	e.advanceByWeb("c-ver", 12) // through the parafs and the signature: all on version 2
	tasks, _ = e.st.Tasks(context.Background(), "c-ver")
	for _, task := range tasks[7:] {
		if task.DecidedAt != nil && (task.Document == nil || *task.Document != v2.SHA256) {
			t.Fatalf("step %d attempt %d decided on %v, want version 2", task.Step, task.Attempt, task.Document)
		}
	}
	if code, page := uploadVersion(t, e, p, "c-ver", "telat.pdf", revised); code != http.StatusSeeOther || !strings.Contains(page, "SK sudah ditandatangani; versinya final") {
		t.Fatalf("a version after the signature: %d", code)
	}
	e.advance("c-ver", 15)
	// From the signature on, the task page names the signed decree and opens it.
	issued, ok, err := e.st.IssuedDecree(context.Background(), "c-ver")
	if err != nil || !ok {
		t.Fatalf("no decree issued at the signature (%v)", err)
	}
	if _, _, page := p.taskForm("c-ver"); !strings.Contains(page, "Nomor <strong>"+issued.Number+"</strong>, ditandatangani secara elektronik; SHA-256 <code>"+issued.SHA256) {
		t.Fatalf("the step-15 page does not name the signed decree:\n%s", page)
	}
	if code, body := p.get("/cases/c-ver/sk.pdf"); code != http.StatusOK || body != string(issued.Content) {
		t.Fatalf("the case's SK is not the issued decree: %d", code)
	}
	if _, err := e.ops.Decide(context.Background(), "c-ver", "ver-last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: v2.SHA256}); err != nil {
		t.Fatal(err)
	}
	// The published SK is version 2 itself, with the electronic signature appended to it.
	code, body := e.anonymous().get("/publik/c-ver.pdf")
	if code != http.StatusOK || !strings.HasPrefix(body, string(revised)) || len(body) == len(revised) {
		t.Fatalf("the published SK is not the signed version 2: %d %q", code, body)
	}
	if out := pdftool.Output(t, "pdfsig", pdftool.File(t, "sk.pdf", []byte(body))); !strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig on the published upload:\n%s", out)
	}
}

// Issue 9's scenario: the Kabid returns the draft, the Analis corrects the classification at the
// second attempt of step 6, and the chain signs and delivers. Every paraf from then on is on the
// regenerated version, and the decree is one document: the participants the signature froze are
// those /publik counts, the issued PDF that /verifikasi hashes, and exactly those each OPD is
// mailed.
func TestACorrectionAfterAReturnYieldsOneDocument(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n" +
		"199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"199605202024031002,Arfah,Pranata Komputer,Diskominfo,III/a,ya,ya,ya,ya\n" +
		"200001012024032003,Rahma,Pengelola,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	const id = "c-one"
	if _, err := intake.Take(context.Background(), e.st, id, "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	e.startCase(id)
	o := e.officials()
	e.drive(id, 7, func(c store.Case) { o.decide(c, chain.Agree, "") })
	c, _ := e.st.Case(context.Background(), id)
	o.decide(c, chain.Return, "Arfah belum menyerahkan surat perintah tugas")
	fix := url.Values{"nip": {"199605202024031002"}, "action": {"exclude"}, "reason": {"SPT tidak ada"}}
	if code, _, _ := o.sessions["analis"].post("/cases/"+id+"/candidates", fix); code != http.StatusSeeOther {
		t.Fatalf("correction at step 6, attempt 2: %d", code)
	}
	latest, ok, err := e.st.LatestVersion(context.Background(), id)
	if err != nil || !ok || latest.Version < 2 {
		t.Fatalf("the correction made no new version: %+v %v", latest, err)
	}
	e.drive(id, 0, func(c store.Case) { o.decide(c, chain.Agree, "") })

	tasks, _ := e.st.Tasks(context.Background(), id)
	for _, task := range tasks {
		if task.Step >= 6 && task.DecidedAt != nil && task.DecidedAt.After(latest.UploadedAt) &&
			(task.Document == nil || *task.Document != latest.SHA256) {
			t.Fatalf("step %d attempt %d was decided on %v, not the corrected version %d", task.Step, task.Attempt, task.Document, latest.Version)
		}
	}
	ps, _ := e.st.Participants(context.Background(), id)
	if len(ps) != 2 || ps[0].Name != "Andi" || ps[1].Name != "Rahma" {
		t.Fatalf("the signed decree names %+v", ps)
	}
	if code, page := e.login("operator").get("/cases/" + id); code != http.StatusOK || !strings.Contains(page, "Rincian setiap langkah") || strings.Contains(page, `class="open"`) {
		t.Fatalf("the completed case's page (%d)", code)
	}
	b := e.anonymous()
	if _, page := b.get("/publik"); !strings.Contains(page, "<td>2</td>") {
		t.Fatalf("/publik does not count the 2 participants of the signed decree:\n%s", page)
	}
	_, pdf := b.get("/publik/" + id + ".pdf")
	sum := sha256.Sum256([]byte(pdf))
	if _, page := b.get("/verifikasi/" + id); !strings.Contains(page, hex.EncodeToString(sum[:])) {
		t.Fatal("/verifikasi names another file than /publik serves")
	}
	box, _ := e.st.Outbox(context.Background(), id)
	var deliveries []store.Message
	for _, m := range box {
		if m.Kind == "delivery" {
			deliveries = append(deliveries, m)
		}
	}
	if len(deliveries) != 1 || *deliveries[0].OPD != "Dinas Pendidikan" || !strings.Contains(deliveries[0].Body, "Andi, NIP") ||
		!strings.Contains(deliveries[0].Body, "Rahma, NIP") || strings.Contains(deliveries[0].Body, "Arfah") {
		t.Fatalf("deliveries: %+v", deliveries)
	}
	// The mail names the issued file by its number and hash.
	if !strings.Contains(deliveries[0].Body, "SHA-256 berkas SK yang sah: "+hex.EncodeToString(sum[:])) {
		t.Fatalf("the delivery does not name the issued file:\n%s", deliveries[0].Body)
	}
	// The workflow, the case's authority, holds the hash of exactly that file.
	if s, err := e.ops.Status(context.Background(), id); err != nil || s.Outputs[sop.SignedDecree] != hex.EncodeToString(sum[:]) {
		t.Fatalf("the workflow holds %v as the signed decree (%v)", s.Outputs, err)
	}
	// And the issued PDF itself, read by poppler and zbar rather than by skflow, names exactly
	// them, is signed over its whole length, and its QR code is its verification page.
	path := pdftool.File(t, "sk.pdf", []byte(pdf))
	text := pdftool.Run(t, "pdftotext", "-layout", path, "-")
	if !strings.Contains(text, "Andi") || !strings.Contains(text, "Rahma") || strings.Contains(text, "Arfah") ||
		!strings.Contains(text, "19980115 202403 2 001") {
		t.Fatalf("the issued PDF:\n%.2000s", text)
	}
	if out := pdftool.Output(t, "pdfsig", path); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig on the issued decree:\n%s", out)
	}
	pages := t.TempDir()
	pdftool.Run(t, "pdftoppm", "-r", "150", "-png", path, filepath.Join(pages, "p"))
	shots, _ := filepath.Glob(filepath.Join(pages, "p*.png"))
	codes := 0
	for _, shot := range shots {
		switch code := strings.TrimSpace(pdftool.Output(t, "zbarimg", "-q", "--raw", shot)); code {
		case "":
		case testenv.PublicURL + "/verifikasi/" + id:
			codes++
		default:
			t.Fatalf("a QR code on the decree reads %q", code)
		}
	}
	if codes != 2 { // under the decree's signature and under its one lampiran's
		t.Fatalf("%d QR codes lead to the verification page, want 2", codes)
	}
}

// A case started on an earlier version of the SOP, whose steps produce nothing, is decided by
// that version's rules: the web gives its steps no outputs, and none are asked for.
func TestACaseOnAnEarlierSOPVersionKeepsItsRules(t *testing.T) {
	e := newEnv(t)
	old := *sop.Default()
	old.Version, old.DraftingRoles = 1, nil
	old.Steps = append([]sop.Step(nil), old.Steps...)
	for i := range old.Steps {
		old.Steps[i].Produces = ""
	}
	const id = "c-v1"
	if err := e.ops.Start(context.Background(), chain.CaseInput{CaseID: id, Title: "Latsar v1", StartedBy: nip["operator"],
		Definition: old, Calendar: e.spec}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	o := e.officials()
	e.drive(id, 8, func(c store.Case) { o.decide(c, chain.Agree, "") })
	if s, err := e.ops.Status(context.Background(), id); err != nil || len(s.Outputs) != 0 || s.Open.Step != 8 {
		t.Fatalf("a v1 case: %+v %v", s, err)
	}
}

// pdfWith is a real one-page PDF saying text, as an official's word processor would export.
func pdfWith(t *testing.T, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetFont("Times", "", 12)
	p.Cell(0, 10, text)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
