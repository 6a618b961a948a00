package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
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
