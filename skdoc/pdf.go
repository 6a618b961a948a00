package skdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/skflow/skflow/nip"
)

// Page geometry in millimetres: A4 with the margins of the tata naskah dinas.
const (
	marginLeft  = 25.0
	marginRight = 20.0
	marginTop   = 15.0
	blockX      = 110.0 // where the signature block and the lampiran's heading begin
	labelW      = 28.0  // "Menimbang", "KESATU"
	colonW      = 4.0
	markW       = 7.0 // "a.", "1."
	line        = 5.0
)

// pdfDoc is one decree being laid out.
type pdfDoc struct {
	*fpdf.Fpdf
	d  Draft
	t  Text
	tr func(string) string
	qr []byte // PNG of the verification link, for a signed decree
}

// WritePDF writes the decree as an A4 PDF. compress false keeps the text searchable in tests.
// The PDF's dates are the decree's date, so the same decree gives the same bytes.
func (d Draft) WritePDF(w io.Writer, compress bool) error {
	tpl := d.template()
	p := &pdfDoc{Fpdf: fpdf.New("P", "mm", "A4", ""), d: d, t: d.Text()}
	p.SetCompression(compress)
	p.SetCreationDate(d.Date)
	p.SetModificationDate(d.Date)
	p.SetCatalogSort(true)
	p.SetTitle(p.t.Title+" "+p.t.Number, true)
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(true, 20)
	p.tr = p.UnicodeTranslatorFromDescriptor("cp1252")
	p.RegisterImageOptionsReader("emblem", fpdf.ImageOptions{ImageType: strings.ToUpper(tpl.emblemFormat)}, bytes.NewReader(tpl.emblem))
	if d.Number != "" && d.VerifyURL != "" {
		png, err := qrcode.Encode(d.VerifyURL, qrcode.Medium, 256)
		if err != nil {
			return fmt.Errorf("kode QR SK: %w", err)
		}
		p.qr = png
		p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	}
	p.SetFooterFunc(func() {
		p.SetY(-15)
		p.SetFont("Times", "I", 8)
		p.CellFormat(0, 10, p.tr(fmt.Sprintf("%s - halaman %d", d.footer(p.t), p.PageNo())), "", 0, "C", false, 0, "")
	})
	p.decree()
	for _, b := range d.Batches {
		p.lampiran(b)
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("PDF SK: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("PDF SK: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (p *pdfDoc) center(size float64, style, text string) {
	p.SetFont("Times", style, size)
	p.MultiCell(0, 6, p.tr(text), "", "C", false)
}

// decree is the body: kop, heading, considerations, bases, decisions, signature, tembusan.
func (p *pdfDoc) decree() {
	t := p.t
	p.AddPage()
	const emblemW = 22.0
	p.ImageOptions("emblem", (210-emblemW)/2, marginTop, emblemW, 0, false, fpdf.ImageOptions{}, 0, "")
	p.SetY(marginTop + emblemW*1.2 + 2)
	for _, k := range t.Kop {
		p.center(13, "B", k)
	}
	p.Ln(4)
	p.center(12, "B", t.Title)
	p.center(12, "B", t.Number)
	p.Ln(2)
	p.center(12, "B", "TENTANG")
	p.center(12, "B", t.Subject)
	p.Ln(4)
	if t.Preamble != "" {
		p.center(12, "B", t.Preamble)
		p.Ln(2)
	}
	p.center(12, "B", t.Official+",")
	p.Ln(4)
	p.list("Menimbang", t.Considering, func(i int) string { return string(rune('a'+i)) + "." })
	p.list("Mengingat", t.Bases, func(i int) string { return fmt.Sprintf("%d.", i+1) })
	p.center(12, "B", "MEMUTUSKAN:")
	p.Ln(2)
	p.clause("Menetapkan", t.Title+" TENTANG "+t.Subject+".")
	for i, text := range t.Decisions {
		p.clause(t.Dicta[i], text)
	}
	p.Ln(4)
	p.signature(true)
	if len(t.Copies) > 0 {
		p.Ln(6)
		p.SetFont("Times", "", 10)
		p.CellFormat(0, line, "Tembusan Yth.:", "", 1, "L", false, 0, "")
		for i, c := range t.Copies {
			p.CellFormat(markW, line, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
			p.MultiCell(0, line, p.tr(c), "", "L", false)
		}
	}
}

// list is Menimbang or Mengingat: a label, then marked items.
func (p *pdfDoc) list(label string, items []string, mark func(int) string) {
	p.SetFont("Times", "", 11)
	for i, it := range items {
		head := ""
		if i == 0 {
			head = label
		}
		p.CellFormat(labelW, line, head, "", 0, "L", false, 0, "")
		p.CellFormat(colonW, line, map[bool]string{true: ":", false: ""}[i == 0], "", 0, "L", false, 0, "")
		p.CellFormat(markW, line, mark(i), "", 0, "L", false, 0, "")
		p.MultiCell(0, line, p.tr(it), "", "J", false)
		p.Ln(1)
	}
	p.Ln(2)
}

// clause is a diktum: its name, then its text.
func (p *pdfDoc) clause(name, text string) {
	p.SetFont("Times", "", 11)
	p.CellFormat(labelW, line, name, "", 0, "L", false, 0, "")
	p.CellFormat(colonW, line, ":", "", 0, "L", false, 0, "")
	p.MultiCell(0, line, p.tr(text), "", "J", false)
	p.Ln(1)
}

// signature is the signature block; the decree's own begins with where and when it was made.
// A signed decree carries its electronic-signature mark: the QR code of its verification page
// beside the note the template gives, where a wet signature would be.
func (p *pdfDoc) signature(dated bool) {
	const height = 48.0
	_, pageH := p.GetPageSize()
	if p.GetY()+height > pageH-20 {
		p.AddPage()
	}
	p.SetFont("Times", "", 11)
	w := 210 - marginRight - blockX
	row := func(style, text string) {
		p.SetX(blockX)
		p.SetFont("Times", style, 11)
		p.MultiCell(w, line, p.tr(text), "", "L", false)
	}
	if dated {
		row("", "Ditetapkan di "+p.t.Place)
		row("", "pada tanggal "+p.t.Date)
		p.Ln(2)
	}
	row("B", p.t.Signing+",")
	y := p.GetY() + 2
	if p.qr != nil {
		const qrW = 24.0
		p.ImageOptions("qr", blockX, y, qrW, qrW, false, fpdf.ImageOptions{}, 0, "")
		p.SetXY(blockX+qrW+2, y)
		p.SetFont("Times", "I", 7)
		p.MultiCell(w-qrW-2, 3.2, p.tr(p.t.ESignNote+" "+p.d.VerifyURL), "", "L", false)
		p.SetY(y + qrW + 2)
	} else {
		p.SetY(y + 22)
	}
	row("BU", p.t.Signer)
}

// lampiran is one angkatan's list, with the heading that ties it to the decree and its own
// signature block.
func (p *pdfDoc) lampiran(b Batch) {
	t := p.t
	p.AddPage()
	w := 210 - marginRight - blockX
	p.SetFont("Times", "", 10)
	for _, l := range []string{"LAMPIRAN", t.Title, t.Number, "TENTANG " + t.Subject} {
		p.SetX(blockX)
		p.MultiCell(w, 4.5, p.tr(l), "", "L", false)
	}
	p.Ln(6)
	p.center(11, "B", t.Appendix)
	p.center(11, "B", fmt.Sprintf("GOLONGAN %s ANGKATAN %d (%d ORANG)", b.Group, b.Number, len(b.Members)))
	p.Ln(3)
	widths := []float64{9, 38, 48, 30, 20}
	p.SetFont("Times", "B", 9)
	for i, h := range []string{"No", "NIP", "Nama / Jabatan", "OPD", "Gol."} {
		p.CellFormat(widths[i], 6, h, "1", 0, "C", false, 0, "")
	}
	p.Ln(-1)
	p.SetFont("Times", "", 9)
	for i, m := range b.Members {
		row := []string{fmt.Sprint(i + 1), nip.Spaced(m.NIP), shorten(m.Name+" / "+m.Position, 34), shorten(m.OPD, 22), m.Golongan}
		for j, v := range row {
			p.CellFormat(widths[j], 5.5, p.tr(v), "1", 0, "L", false, 0, "")
		}
		p.Ln(-1)
	}
	p.Ln(6)
	p.signature(false)
}
