// Package skdoc drafts the decree of step 5: the Keputusan Bupati Wajo on the participants of
// the CPNS basic training, with a lampiran table per angkatan, as HTML for the screen and PDF
// for print. The text is a draft for the Analis and the Pelaksana to check, not legal advice.
package skdoc

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/skflow/skflow/nip"

	"github.com/go-pdf/fpdf"
)

// Member is one participant in the lampiran.
type Member struct {
	NIP      string
	Name     string
	Position string
	OPD      string
	Golongan string
}

// Batch is one angkatan of the lampiran.
type Batch struct {
	Group   string // II or III
	Number  int
	Members []Member
}

// Draft is everything the decree says.
type Draft struct {
	CaseID   string
	Title    string
	Year     int
	Place    string // where it is signed
	Date     time.Time
	MaxBatch int // most participants in one angkatan
	Batches  []Batch
	Number   string // from the register, once signed; empty in a draft
	Signer   string // the signer's name, once signed
}

// NumberText is the decree's number, or the blank a draft leaves for it.
func (d Draft) NumberText() string {
	if d.Number == "" {
		return "........................"
	}
	return d.Number
}

// SignerText is the signer's name, or the blank a draft leaves for it.
func (d Draft) SignerText() string {
	if d.Signer == "" {
		return "........................"
	}
	return d.Signer
}

// footer marks every page of a draft as one, and of a decree with its number.
func (d Draft) footer() string {
	if d.Number == "" {
		return "Draft " + d.CaseID
	}
	return "Keputusan Bupati Wajo Nomor " + d.Number
}

// Total counts the participants.
func (d Draft) Total() int {
	n := 0
	for _, b := range d.Batches {
		n += len(b.Members)
	}
	return n
}

// Groups names the golongan the decree covers, e.g. "II dan III".
func (d Draft) Groups() string {
	var gs []string
	for _, b := range d.Batches {
		if len(gs) == 0 || gs[len(gs)-1] != b.Group {
			gs = append(gs, b.Group)
		}
	}
	return strings.Join(gs, " dan ")
}

// Subject is the decree's "tentang".
func (d Draft) Subject() string {
	return fmt.Sprintf("PENETAPAN PESERTA PELATIHAN DASAR CALON PEGAWAI NEGERI SIPIL GOLONGAN %s TAHUN %d", d.Groups(), d.Year)
}

var months = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// DateText writes the date the Indonesian way: 22 November 2026.
func (d Draft) DateText() string {
	return fmt.Sprintf("%d %s %d", d.Date.Day(), months[d.Date.Month()-1], d.Date.Year())
}

// Considerations, legal bases and decisions, shared by HTML and PDF.
func (d Draft) considering() []string {
	return []string{
		"bahwa dalam rangka membentuk Pegawai Negeri Sipil yang profesional, Calon Pegawai Negeri Sipil wajib mengikuti Pelatihan Dasar sebelum diangkat menjadi Pegawai Negeri Sipil;",
		fmt.Sprintf("bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan Bupati Wajo tentang Penetapan Peserta Pelatihan Dasar Calon Pegawai Negeri Sipil Golongan %s Tahun %d;", d.Groups(), d.Year),
	}
}

func (d Draft) bases() []string {
	return []string{
		"Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;",
		"Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 17 Tahun 2020;",
		"Peraturan Lembaga Administrasi Negara Nomor 1 Tahun 2021 tentang Pelatihan Dasar Calon Pegawai Negeri Sipil;",
	}
}

func (d Draft) decisions() []string {
	return []string{
		fmt.Sprintf("Menetapkan %d (%s) orang Calon Pegawai Negeri Sipil sebagaimana tercantum dalam Lampiran Keputusan ini sebagai peserta Pelatihan Dasar Calon Pegawai Negeri Sipil Tahun %d.", d.Total(), spell(d.Total()), d.Year),
		fmt.Sprintf("Peserta sebagaimana dimaksud dalam Diktum KESATU dibagi dalam %d angkatan menurut golongan, paling banyak %d orang setiap angkatan.", len(d.Batches), d.MaxBatch),
		"Perangkat Daerah asal peserta menugaskan pesertanya mengikuti Pelatihan Dasar sampai selesai.",
		"Keputusan ini mulai berlaku pada tanggal ditetapkan.",
	}
}

var dicta = []string{"KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA"}

//go:embed draft.html
var htmlText string

var page = template.Must(template.New("sk").Funcs(template.FuncMap{
	"letter": func(i int) string { return string(rune('a' + i)) },
	"inc":    func(i int) int { return i + 1 },
	"nip":    nip.Spaced,
	"dictum": func(i int) string { return dicta[i] },
}).Parse(htmlText))

// WriteHTML writes the draft as a standalone HTML page.
func (d Draft) WriteHTML(w io.Writer) error {
	return page.Execute(w, map[string]any{"D": d, "Considering": d.considering(), "Bases": d.bases(), "Decisions": d.decisions()})
}

// WritePDF writes the draft as an A4 PDF. compress false keeps the text searchable in tests.
func (d Draft) WritePDF(w io.Writer, compress bool) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(compress)
	p.SetMargins(25, 20, 20)
	p.SetAutoPageBreak(true, 20)
	tr := p.UnicodeTranslatorFromDescriptor("cp1252")
	p.SetFooterFunc(func() {
		p.SetY(-15)
		p.SetFont("Helvetica", "I", 8)
		p.CellFormat(0, 10, tr(fmt.Sprintf("%s - halaman %d", d.footer(), p.PageNo())), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	center := func(size float64, style, text string) {
		p.SetFont("Helvetica", style, size)
		p.MultiCell(0, 6, tr(text), "", "C", false)
	}
	center(12, "B", "KEPUTUSAN BUPATI WAJO")
	center(11, "", "NOMOR: "+d.NumberText())
	p.Ln(2)
	center(11, "B", "TENTANG")
	center(11, "B", d.Subject())
	p.Ln(4)
	center(11, "B", "BUPATI WAJO,")
	p.Ln(4)
	list := func(label string, items []string, mark func(int) string) {
		p.SetFont("Helvetica", "", 10)
		for i, it := range items {
			head := ""
			if i == 0 {
				head = label
			}
			p.CellFormat(28, 5, head, "", 0, "L", false, 0, "")
			p.CellFormat(8, 5, mark(i), "", 0, "L", false, 0, "")
			p.MultiCell(0, 5, tr(it), "", "J", false)
			p.Ln(1)
		}
		p.Ln(2)
	}
	list("Menimbang", d.considering(), func(i int) string { return ": " + string(rune('a'+i)) + "." })
	list("Mengingat", d.bases(), func(i int) string { return fmt.Sprintf(": %d.", i+1) })
	center(11, "B", "MEMUTUSKAN:")
	p.Ln(2)
	p.SetFont("Helvetica", "", 10)
	p.CellFormat(28, 5, "Menetapkan", "", 0, "L", false, 0, "")
	p.MultiCell(0, 5, tr(": KEPUTUSAN BUPATI WAJO TENTANG "+d.Subject()+"."), "", "J", false)
	p.Ln(2)
	for i, text := range d.decisions() {
		p.CellFormat(28, 5, dicta[i], "", 0, "L", false, 0, "")
		p.MultiCell(0, 5, tr(": "+text), "", "J", false)
		p.Ln(1)
	}
	p.Ln(6)
	p.SetX(115)
	p.MultiCell(0, 5, tr(fmt.Sprintf("Ditetapkan di %s\npada tanggal %s\n\nBUPATI WAJO,\n\n\n\n(%s)", d.Place, d.DateText(), d.SignerText())), "", "L", false)

	for _, b := range d.Batches {
		p.AddPage()
		center(10, "B", fmt.Sprintf("LAMPIRAN KEPUTUSAN BUPATI WAJO NOMOR %s TANGGAL %s", d.NumberText(), strings.ToUpper(d.DateText())))
		center(10, "B", "PESERTA PELATIHAN DASAR CALON PEGAWAI NEGERI SIPIL")
		center(10, "B", fmt.Sprintf("GOLONGAN %s ANGKATAN %d (%d ORANG)", b.Group, b.Number, len(b.Members)))
		p.Ln(3)
		widths := []float64{9, 38, 48, 30, 20}
		p.SetFont("Helvetica", "B", 8)
		for i, h := range []string{"No", "NIP", "Nama / Jabatan", "OPD", "Gol."} {
			p.CellFormat(widths[i], 6, h, "1", 0, "C", false, 0, "")
		}
		p.Ln(-1)
		p.SetFont("Helvetica", "", 8)
		for i, m := range b.Members {
			row := []string{fmt.Sprint(i + 1), nip.Spaced(m.NIP), shorten(m.Name+" / "+m.Position, 34), shorten(m.OPD, 22), m.Golongan}
			for j, v := range row {
				p.CellFormat(widths[j], 6, tr(v), "1", 0, "L", false, 0, "")
			}
			p.Ln(-1)
		}
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("draft SK PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("draft SK PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// spell writes a count in Indonesian words, as decrees do: 112 is "seratus dua belas".
func spell(n int) string {
	units := []string{"", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"}
	switch {
	case n < 12:
		if n == 0 {
			return "nol"
		}
		return units[n]
	case n < 20:
		return units[n-10] + " belas"
	case n < 100:
		return strings.TrimSpace(units[n/10] + " puluh " + spellRest(n%10))
	case n < 200:
		return strings.TrimSpace("seratus " + spellRest(n-100))
	case n < 1000:
		return strings.TrimSpace(units[n/100] + " ratus " + spellRest(n%100))
	case n < 2000:
		return strings.TrimSpace("seribu " + spellRest(n-1000))
	case n < 1000000:
		return strings.TrimSpace(spell(n/1000) + " ribu " + spellRest(n%1000))
	}
	return fmt.Sprint(n)
}

func spellRest(n int) string {
	if n == 0 {
		return ""
	}
	return spell(n)
}
