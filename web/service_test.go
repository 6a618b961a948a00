package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
)

// The public reads the service standard without signing in and files a complaint; the operator
// answers it; the complainant reads the answer with the tracking number; the auditors' report
// counts it.
func TestTheServiceStandardAndAComplaint(t *testing.T) {
	e := newEnv(t)
	pub := e.anonymous()
	code, page := pub.get("/layanan")
	for _, want := range []string{"Surat Keputusan Pengangkatan CPNS", "Pasfoto", "51 hari", "Tidak dipungut biaya", "Sertifikat peserta Pelatihan Dasar CPNS",
		"Kabid Pengembangan Kompetensi ASN</strong>: Memberikan arahan", "30 menit kerja", `class="swimlane`, "Kirim pengaduan"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("the standard (%d) lacks %q", code, want)
		}
	}
	if code, _, _ := pub.post("/layanan/pengaduan", url.Values{"nama": {"Warga"}, "kontak": {"0812"}, "isi": {""}}); code != http.StatusSeeOther {
		t.Fatalf("an empty complaint: %d", code)
	}
	code, loc, _ := pub.post("/layanan/pengaduan", url.Values{"nama": {"Ibu Rahma"}, "kontak": {"0812 3456"}, "isi": {"Nama anak saya tidak ada di lampiran SK."}})
	number := regexp.MustCompile(`ADU-[A-Z2-7]{8}$`).FindString(loc)
	if code != http.StatusSeeOther || number == "" {
		t.Fatalf("complaint: %d %s", code, loc)
	}
	if _, page := pub.get(loc); !strings.Contains(page, "belum dijawab") || !strings.Contains(page, "Nama anak saya") {
		t.Fatalf("the complaint's page:\n%s", page)
	}
	op := e.login("operator")
	if _, page := op.get("/pengaduan"); !strings.Contains(page, number) {
		t.Fatalf("the operator does not see the complaint:\n%s", page)
	}
	if code, _, _ := op.post("/pengaduan/"+number, url.Values{"jawaban": {"Sudah kami periksa; namanya ada di angkatan 2."}}); code != http.StatusSeeOther {
		t.Fatalf("answer: %d", code)
	}
	if _, page := pub.get("/layanan/pengaduan?nomor=" + strings.ToLower(number)); !strings.Contains(page, "namanya ada di angkatan 2") {
		t.Fatalf("the answer is not readable by its number:\n%s", page)
	}
	if _, page := e.login("auditor").get("/report"); !strings.Contains(page, "1 pengaduan, 0 belum dijawab") {
		t.Fatalf("the report does not count the complaint:\n%s", page)
	}
}

// Starting the same proposals twice asks the operator first; ticking "Tetap mulai" starts it.
func TestTheSameProposalsTwiceAsksFirst(t *testing.T) {
	e := newEnv(t)
	op := e.login("operator")
	file := []byte("NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n")
	if code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar 1"}, "proposals", "u.csv", file); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		t.Fatalf("first start: %d %s", code, loc)
	}
	if code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar 1 lagi"}, "proposals", "u.csv", file); code != http.StatusSeeOther || loc != "/board" {
		t.Fatalf("second start: %d %s", code, loc)
	}
	if _, page := op.get("/board"); !strings.Contains(page, "Usulan ini mengulang berkas yang sedang berjalan") || !strings.Contains(page, "berkas usulan yang sama") {
		t.Fatalf("no warning:\n%s", page)
	}
	if code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar 1 lagi", "lanjut": "ya"}, "proposals", "u.csv", file); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		t.Fatalf("confirmed start: %d %s", code, loc)
	}
}

// The board finds a case by title, ID, a candidate's NIP or OPD; sorts; pages by 25.
func TestTheBoardSearchesSortsAndPages(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-find")
	at := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 26; i++ {
		id := fmt.Sprintf("c-page-%02d", i)
		if err := e.st.Apply(context.Background(), chain.Transition{Events: []chain.Event{{CaseID: id, Kind: chain.CaseStarted, At: at.Add(time.Duration(i) * time.Minute), By: "op",
			Case: &chain.CaseFacts{Title: fmt.Sprintf("Latsar gelombang %02d", 25-i), DefinitionID: "latsar", Version: 2, Deadline: at.AddDate(0, 0, 51), DeadlineDays: 51, Steps: 15}}}}); err != nil {
			t.Fatal(err)
		}
	}
	// A search's % and _ are letters, not patterns.
	for id, title := range map[string]string{"c-pct": "Latsar 100% tahap_2", "c-pct-not": "Latsar 1000 tahapx2"} {
		if err := e.st.Apply(context.Background(), chain.Transition{Events: []chain.Event{{CaseID: id, Kind: chain.CaseStarted, At: at.Add(-time.Hour), By: "op",
			Case: &chain.CaseFacts{Title: title, DefinitionID: "latsar", Version: 2, Deadline: at.AddDate(0, 0, 51), DeadlineDays: 51, Steps: 15}}}}); err != nil {
			t.Fatal(err)
		}
	}
	op := e.login("operator")
	for q, want := range map[string]string{"1998 0115 2024 03 2001": "c-find", "dinas pendidikan": "c-find", "gelombang 07": "c-page-18",
		"C-PAGE-18": "c-page-18", "100%": "c-pct", "p_2": "c-pct"} {
		_, page := op.get("/board?q=" + url.QueryEscape(q))
		if !strings.Contains(page, `href="/cases/`+want+`"`) || !strings.Contains(page, ">1 berkas · halaman 1 dari 1") {
			t.Fatalf("search %q:\n%s", q, page)
		}
	}
	_, page := op.get("/board?urut=judul")
	// "Latsar 100%…" and "Latsar 1000…" come first by title, then "Latsar c-find", then
	// gelombang 00 to 21; 22 to 25 are on page 2.
	if !strings.Contains(page, "29 berkas · halaman 1 dari 2") || strings.Index(page, "c-find") > strings.Index(page, "gelombang 00") ||
		strings.Index(page, "gelombang 00") > strings.Index(page, "gelombang 01") || strings.Contains(page, "gelombang 24") ||
		strings.Index(page, "c-pct") > strings.Index(page, "c-find") {
		t.Fatalf("sorted by title, page 1:\n%s", page)
	}
	if _, page = op.get("/board?urut=judul&hal=2"); !strings.Contains(page, "gelombang 24") || !strings.Contains(page, "gelombang 25") || strings.Contains(page, "gelombang 00") {
		t.Fatalf("page 2:\n%s", page)
	}
}

// The inbox finds a task by its case's title or ID, sorts and pages by 25.
func TestTheInboxSearchesSortsAndPages(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-satu")
	e.startCase("c-dua")
	k := e.login("kabid")
	if _, page := k.get("/inbox?q=DUA"); !strings.Contains(page, `href="/tasks/c-dua"`) || strings.Contains(page, `href="/tasks/c-satu"`) {
		t.Fatalf("search:\n%s", page)
	}
	if _, page := k.get("/inbox?urut=batas"); !strings.Contains(page, `href="/tasks/c-dua"`) || !strings.Contains(page, `href="/tasks/c-satu"`) {
		t.Fatalf("sorted:\n%s", page)
	}
	// 25 tasks a page, oldest first: the 28 waiting put the newest three on page 2. Five are
	// late, the later-opened the longer; three are due later today.
	now := time.Now()
	at, wita := now.Add(-time.Hour), time.FixedZone("WITA", 8*3600)
	y, m, d := now.In(wita).Date()
	laterToday := now.Add(time.Date(y, m, d+1, 0, 0, 0, 0, wita).Sub(now) / 2)
	for i := 0; i < 26; i++ {
		id, opened := fmt.Sprintf("c-wait-%02d", i), at.Add(time.Duration(i)*time.Minute)
		var due *time.Time
		switch {
		case i < 5:
			due = new(now.Add(-10*time.Minute - time.Duration(i)*time.Second))
		case i < 8:
			due = &laterToday
		}
		if err := e.st.Apply(context.Background(), chain.Transition{Events: []chain.Event{
			{CaseID: id, Kind: chain.CaseStarted, At: opened, By: "op", Case: &chain.CaseFacts{Title: "Latsar menunggu " + id, DefinitionID: "latsar",
				Version: 2, Deadline: opened.AddDate(0, 0, 51), DeadlineDays: 51, Steps: 15}},
			{CaseID: id, Kind: chain.StepOpened, At: opened, Task: &chain.Task{Step: 1, Attempt: 1, Role: "kabid", OpenedAt: opened, DueAt: due, StandardMinutes: 30}}}}); err != nil {
			t.Fatal(err)
		}
	}
	_, page := k.get("/inbox")
	if !strings.Contains(page, "28 tugas · halaman 1 dari 2") || strings.Count(page, `href="/tasks/`) != 25 || !strings.Contains(page, "c-wait-00") ||
		strings.Contains(page, "c-wait-25") || !strings.Contains(page, `hal=2">berikutnya</a>`) ||
		!strings.Contains(page, `id="waiting">28<`) || !strings.Contains(page, `id="late">5<`) {
		t.Fatalf("inbox page 1:\n%s", page)
	}
	// c-satu and c-dua may be due today too, depending on the hour the test runs.
	if today := strings.SplitN(strings.SplitN(page, `id="due-today">`, 2)[1], "<", 2)[0]; today != "3" && today != "4" && today != "5" {
		t.Fatalf("due today: %s", today)
	}
	// Nearest due first: the longest late, then the rest of the late, then today's.
	_, page = k.get("/inbox?urut=batas")
	if first := strings.Index(page, `href="/tasks/c-wait-04"`); first < 0 || first > strings.Index(page, `href="/tasks/c-wait-03"`) ||
		strings.Index(page, `href="/tasks/c-wait-00"`) > strings.Index(page, `href="/tasks/c-wait-05"`) || first > strings.Index(page, `href="/tasks/`) {
		t.Fatalf("by due:\n%s", page)
	}
	// A search counts what it keeps, the figures stay the inbox's.
	if _, page = k.get("/inbox?q=wait-1"); !strings.Contains(page, "10 tugas · halaman 1 dari 1") || !strings.Contains(page, `id="waiting">28<`) {
		t.Fatalf("search figures:\n%s", page)
	}
	if _, page = k.get("/inbox?hal=2"); strings.Count(page, `href="/tasks/`) != 3 || !strings.Contains(page, "c-wait-25") || !strings.Contains(page, `hal=1">sebelumnya</a>`) {
		t.Fatalf("inbox page 2:\n%s", page)
	}
}
