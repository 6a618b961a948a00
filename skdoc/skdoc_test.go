package skdoc

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/nip"
)

func sample() Draft {
	d := Draft{CaseID: "latsar-1", Title: "Latsar 2026", Year: 2026, Place: "Sengkang", MaxBatch: 40,
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
	if strings.Contains(draft.String(), "0077") || !strings.Contains(draft.String(), "NOMOR: ....") {
		t.Fatal("a draft shows a number")
	}
	h := signed.String()
	if !strings.Contains(h, "NOMOR: 000.8.3.4/0077.1/2026") || !strings.Contains(h, "(H. Andi Amran)") ||
		strings.Count(h, "LAMPIRAN KEPUTUSAN BUPATI WAJO NOMOR 000.8.3.4/0077.1/2026") != len(d.Batches) {
		t.Fatalf("signed decree:\n%.2000s", h)
	}
}

// pdfTool runs one of poppler's or qpdf's programs; .ci/run installs them (Debian poppler-utils,
// qpdf). Without them the test says what to install and skips, as the browser test does.
func pdfTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install poppler-utils qpdf; .ci/run installs them)", name)
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
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
		if out := pdfTool(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Fatalf("qpdf --check on the %s decree:\n%s", map[bool]string{false: "draft", true: "signed"}[signed], out)
		}
		if !signed {
			continue
		}
		text := pdfTool(t, "pdftotext", "-layout", path, "-")
		if !strings.Contains(text, "NOMOR: 000.8.3.4/0077.1/2026") || !strings.Contains(text, "(H. Andi Amran)") {
			t.Fatalf("the signed decree's text lacks its number or signer:\n%.1500s", text)
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
