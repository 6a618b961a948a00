package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/skflow/skflow/i18n"
)

var tags = regexp.MustCompile(`(?s)<[^>]*>`)

// English by configuration: the pages already in the catalogue (sign-in, navigation, the
// inbox, errors) speak English, with the page's language said to the browser.
func TestTheAppSpeaksEnglishByConfiguration(t *testing.T) {
	e := newEnvIn(t, i18n.New(i18n.English))
	e.startCase("c-en")
	if code, page := e.anonymous().get("/login"); code != http.StatusOK || !strings.Contains(page, `<html lang="en">`) ||
		!strings.Contains(page, "<h1>Sign in</h1>") || strings.Contains(page, "Kata sandi") {
		t.Fatalf("login page: %d\n%s", code, page)
	}
	code, page := e.login("kabid").get("/inbox")
	for _, want := range []string{"<h1>Inbox</h1>", ">Sign out</button>", "<th>Working time left</th>", "working minutes", "waiting"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("inbox lacks %q: %d\n%s", want, code, page)
		}
	}
	code, page = e.login("operator").get("/board")
	for _, want := range []string{"<h1>Case board</h1>", "Start a new case", "1 cases · page 1 of 1", "<td>running</td>"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("board lacks %q: %d\n%s", want, code, page)
		}
	}
	code, page = e.login("operator").get("/cases/c-en")
	for _, want := range []string{"Now at step <strong>1</strong>: Kabid", "service deadline 51 calendar days", "The SOP&#39;s flow", "Cancel the case"} {
		if code != http.StatusOK || !strings.Contains(page, want) || strings.Contains(page, "%!") {
			t.Fatalf("case page lacks %q (or misformats): %d\n%s", want, code, page)
		}
	}
	// Every page's own words are English: none of the Indonesian interface words, no leak.
	indonesian := regexp.MustCompile(`\b(Tampilkan|Simpan|Unduh|Kotak masuk|Papan berkas|Kata sandi|Saring|Terapkan|Tambah|Kirim ulang|` +
		`menunggu|terlambat|belum|Berkas|Langkah|Periksa|Pengaduan layanan|Riwayat)\b`)
	for role, paths := range map[string][]string{
		"":         {"/login", "/layanan", "/publik"},
		"operator": {"/board", "/cases/c-en", "/officials", "/outbox", "/calendar", "/latsar", "/pengaduan"},
		"auditor":  {"/report", "/audit", "/board"},
		"kabid":    {"/inbox", "/tasks/c-en"},
	} {
		b := e.anonymous()
		if role != "" {
			b = e.login(role)
		}
		for _, p := range paths {
			code, page := b.get(p)
			text := tags.ReplaceAllString(page, " ")
			var leaks []string // the records' codes are English words here
			for _, l := range i18n.Leaks(text) {
				if !strings.HasPrefix(l, "code ") {
					leaks = append(leaks, l)
				}
			}
			if code != http.StatusOK || indonesian.MatchString(text) || len(leaks) > 0 {
				t.Errorf("%s (%s): %d, %q %v", p, role, code, indonesian.FindString(text), leaks)
			}
		}
	}
	if code, page := e.login("kabid").get("/cases/no-such-case"); code != http.StatusNotFound || !strings.Contains(page, "This case or page does not exist.") {
		t.Fatalf("not found: %d\n%s", code, page)
	}
}
