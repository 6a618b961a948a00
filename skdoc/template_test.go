package skdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Another agency's decree is a file: the Bone example changes the kop, the signing official and
// the place, and the decree written from it says so everywhere Wajo's said its own.
func TestAnotherAgencysDecreeIsAFile(t *testing.T) {
	tpl, err := Open(filepath.Join("..", "examples", "keputusan-bupati-bone.yaml"), "")
	if err != nil {
		t.Fatal(err)
	}
	d := sample()
	d.Template, d.Number, d.Signer = tpl, "800/0012/BKPSDM/2026", "Andi Asman Sulaiman"
	var h bytes.Buffer
	if err := d.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>BUPATI BONE</h1>", "<h2>KEPUTUSAN BUPATI BONE</h2>", "NOMOR 800/0012/BKPSDM/2026 TAHUN 2026",
		"Ditetapkan di Watampone", "<strong>BUPATI BONE,</strong>", "Inspektur Kabupaten Bone"} {
		if !strings.Contains(h.String(), want) {
			t.Fatalf("the Bone decree lacks %q", want)
		}
	}
	if strings.Contains(h.String(), "Wajo") || strings.Contains(h.String(), "WAJO") || strings.Contains(h.String(), "Sengkang") {
		t.Fatal("the Bone decree still names Wajo")
	}
}

// A template that cannot write a decree is refused when it is read, with every problem named,
// so no signing ever meets it; an emblem must be an image.
func TestABrokenTemplateIsRefusedWhenRead(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown key":  {string(wajoTemplate) + "\nsignature: x\n", "signature"},
		"no title":     {strings.Replace(string(wajoTemplate), "title: KEPUTUSAN BUPATI WAJO", "title: \"\"", 1), "title kosong"},
		"bad template": {strings.Replace(string(wajoTemplate), "{{.Groups}} TAHUN {{.Year}}\n", "{{.Golongan}}\n", 1), "Golongan"},
		"no diktum":    {withoutDecisions(), "diktum"},
	} {
		_, err := Parse([]byte(tc.yaml), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	dir := t.TempDir()
	notImage := filepath.Join(dir, "lambang.png")
	if err := os.WriteFile(notImage, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open("", notImage); err == nil || !strings.Contains(err.Error(), "bukan gambar PNG atau JPEG") {
		t.Fatalf("an emblem that is no image: %v", err)
	}
	emblem := filepath.Join(dir, "wajo.png")
	if err := os.WriteFile(emblem, placeholderEmblem, 0o644); err != nil {
		t.Fatal(err)
	}
	if tpl, err := Open("", emblem); err != nil || tpl == wajo || tpl.emblemFormat != "png" {
		t.Fatalf("a configured emblem: %v", err)
	}
}

func withoutDecisions() string {
	s := string(wajoTemplate)
	return s[:strings.Index(s, "decisions:")] + s[strings.Index(s, "copies:"):]
}

// A stand-in signs as the office they stand in for: "Plt. BUPATI WAJO," above their own name,
// under the decree and under every lampiran.
func TestAStandInSignsAsPlt(t *testing.T) {
	d := sample()
	d.Number, d.Signer, d.Appointment = "000.8.3.4/0077.1/2026", "Drs. H. Amran Mahmud", "Plt."
	var h bytes.Buffer
	if err := d.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(h.String(), "<strong>Plt. BUPATI WAJO,</strong>"); n != 1+len(d.Batches) {
		t.Fatalf("Plt. BUPATI WAJO signs %d times, want %d", n, 1+len(d.Batches))
	}
	if strings.Count(h.String(), "<h2 style=\"margin-top:1rem\">BUPATI WAJO,</h2>") != 1 {
		t.Fatal("the preamble's BUPATI WAJO, is the office, not the stand-in")
	}
}
