package skdoc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/internal/pdftool"
	"github.com/skflow/skflow/nip"
)

func sample() Draft {
	d := Draft{CaseID: "latsar-1", Title: "Latsar 2026", Year: 2026, MaxBatch: 40,
		Date: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	for g, group := range []string{"II", "III"} {
		for n := 1; n <= 2; n++ {
			b := Batch{Group: group, Number: n}
			for i := 0; i < 28; i++ {
				b.Members = append(b.Members, Member{NIP: fmt.Sprintf("1998011520240%d%d%03d", g+1, n, i+1), Name: fmt.Sprintf("Peserta %s-%d-%d", group, n, i),
					Position: "Pelaksana", OPD: "Dinas Pendidikan", Golongan: group + "/a"})
			}
			d.Batches = append(d.Batches, b)
		}
	}
	return d
}

func TestPDFLampiranHasEveryParticipantOnce(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := d.WritePDF(&buf, false); err != nil {
		t.Fatal(err)
	}
	pdf := buf.String()
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatal("not a PDF")
	}
	for _, b := range d.Batches {
		if !strings.Contains(pdf, fmt.Sprintf(`GOLONGAN %s ANGKATAN %d \(28 ORANG\)`, b.Group, b.Number)) {
			t.Errorf("no lampiran heading for %s/%d", b.Group, b.Number)
		}
		for _, m := range b.Members {
			// Printed as a person reads a NIP: 19980115 202401 1 001.
			if n := strings.Count(pdf, "("+nip.Spaced(m.NIP)+")"); n != 1 {
				t.Fatalf("NIP %s appears %d times in the PDF", nip.Spaced(m.NIP), n)
			}
		}
	}
	if !strings.Contains(pdf, "Menetapkan 112 \\(seratus dua belas\\) orang") {
		t.Error("the first dictum does not count 112 participants")
	}
	var small bytes.Buffer
	if err := d.WritePDF(&small, true); err != nil || small.Len() >= buf.Len() {
		t.Fatalf("compressed PDF %d bytes vs %d (%v)", small.Len(), buf.Len(), err)
	}
}

func TestHTMLEscapesAndCounts(t *testing.T) {
	d := sample()
	d.Batches[0].Members[0].Name = `<script>alert(1)</script>`
	var buf bytes.Buffer
	if err := d.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if strings.Contains(h, "<script>alert") || !strings.Contains(h, "&lt;script&gt;") {
		t.Fatal("a name is not escaped")
	}
	if strings.Count(h, "<tr><td>") < 112 || !strings.Contains(h, "GOLONGAN II dan III TAHUN 2026") || !strings.Contains(h, "22 November 2026") {
		t.Fatalf("HTML draft incomplete")
	}
}

func TestSpell(t *testing.T) {
	for n, want := range map[int]string{1: "satu", 11: "sebelas", 12: "dua belas", 19: "sembilan belas", 40: "empat puluh",
		56: "lima puluh enam", 100: "seratus", 112: "seratus dua belas", 240: "dua ratus empat puluh", 1000: "seribu",
		1234: "seribu dua ratus tiga puluh empat", 2026: "dua ribu dua puluh enam"} {
		if got := spell(n); got != want {
			t.Errorf("spell(%d) = %q, want %q", n, got, want)
		}
	}
}

// A draft leaves the number and the signer blank; the signed decree carries both, in the
// heading, the signature block and every lampiran.
func TestTheSignedDecreeCarriesItsNumberAndSigner(t *testing.T) {
	var draft, signed bytes.Buffer
	d := sample()
	if err := d.WriteHTML(&draft); err != nil {
		t.Fatal(err)
	}
	d.Number, d.Signer = "000.8.3.4/0077.1/2026", "H. Andi Amran"
	if err := d.WriteHTML(&signed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(draft.String(), "0077") || !strings.Contains(draft.String(), "NOMOR ....") || !strings.Contains(draft.String(), "DRAFT") {
		t.Fatal("a draft shows a number, or is not marked as a draft")
	}
	h := signed.String()
	if !strings.Contains(h, "<strong>NOMOR 000.8.3.4/0077.1/2026 TAHUN 2026</strong>") || strings.Count(h, "<u><strong>H. Andi Amran</strong></u>") != 1+len(d.Batches) ||
		strings.Count(h, "LAMPIRAN<br>KEPUTUSAN BUPATI WAJO<br>NOMOR 000.8.3.4/0077.1/2026 TAHUN 2026") != len(d.Batches) || strings.Contains(h, "DRAFT") {
		t.Fatalf("signed decree:\n%.2000s", h)
	}
}

// Every PDF the decree is generated as, draft or signed, is a well-formed PDF (qpdf --check),
// and the signed one reads, as text, its number, its signer and each participant's spaced NIP
// exactly once.
func TestGeneratedPDFsAreWellFormedAndReadAsTheyShould(t *testing.T) {
	d := sample()
	dir := t.TempDir()
	for _, signed := range []bool{false, true} {
		if signed {
			d.Number, d.Signer = "000.8.3.4/0077.1/2026", "H. Andi Amran"
		}
		var buf bytes.Buffer
		if err := d.WritePDF(&buf, true); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("sk-%t.pdf", signed))
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if out := pdftool.Run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Fatalf("qpdf --check on the %s decree:\n%s", map[bool]string{false: "draft", true: "signed"}[signed], out)
		}
		if !signed {
			continue
		}
		text := pdftool.Run(t, "pdftotext", "-layout", path, "-")
		for _, want := range []string{"BUPATI WAJO\n", "PROVINSI SULAWESI SELATAN", "KEPUTUSAN BUPATI WAJO", "NOMOR 000.8.3.4/0077.1/2026 TAHUN 2026",
			"DENGAN RAHMAT TUHAN YANG MAHA ESA", "Menimbang", "Mengingat", "MEMUTUSKAN:", "KEEMPAT", "Ditetapkan di Sengkang",
			"pada tanggal 22 November 2026", "Tembusan Yth.:", "Kepala Badan Kepegawaian Negara"} {
			if !strings.Contains(text, want) {
				t.Fatalf("the signed decree's text lacks %q:\n%.3000s", want, text)
			}
		}
		// The signer's name closes the decree and every lampiran.
		if n := strings.Count(text, "H. Andi Amran"); n != 1+len(d.Batches) {
			t.Fatalf("the signer is named %d times, want %d", n, 1+len(d.Batches))
		}
		for _, b := range d.Batches {
			for _, m := range b.Members {
				if n := strings.Count(text, nip.Spaced(m.NIP)); n != 1 {
					t.Fatalf("%s is in the signed decree %d times", nip.Spaced(m.NIP), n)
				}
			}
		}
	}
}

// The signed decree's QR code, read off the rendered page by zbar rather than by the code that
// drew it, is the link to its verification page; a draft has none.
func TestTheSignedDecreesQRCodeLinksToItsVerificationPage(t *testing.T) {
	d := sample()
	d.Batches = d.Batches[:1]
	var draft bytes.Buffer
	if err := d.WritePDF(&draft, true); err != nil {
		t.Fatal(err)
	}
	out := pdftool.Run(t, "pdfimages", "-list", pdftool.File(t, "draft.pdf", draft.Bytes()))
	images := 0
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[2] == "image" {
			images++
		}
	}
	if images != 1 {
		t.Fatalf("a draft carries images other than the emblem:\n%s", out)
	}
	d.Number, d.Signer, d.VerifyURL = "000.8.3.4/0077.1/2026", "H. Andi Amran", "https://skflow.wajokab.go.id/verifikasi/latsar-1"
	var signed bytes.Buffer
	if err := d.WritePDF(&signed, true); err != nil {
		t.Fatal(err)
	}
	path := pdftool.File(t, "signed.pdf", signed.Bytes())
	dir := t.TempDir()
	pdftool.Run(t, "pdftoppm", "-r", "150", "-png", path, filepath.Join(dir, "page"))
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	found := 0
	for _, pg := range pages {
		out := pdftool.Output(t, "zbarimg", "-q", "--raw", pg)
		if strings.TrimSpace(out) == "" {
			continue
		}
		if strings.TrimSpace(out) != d.VerifyURL {
			t.Fatalf("the QR code on %s reads %q", filepath.Base(pg), out)
		}
		found++
	}
	// One under the decree's signature, one under the lampiran's.
	if found != 2 {
		t.Fatalf("%d pages carry the verification QR code, want 2 (of %d)", found, len(pages))
	}
}
