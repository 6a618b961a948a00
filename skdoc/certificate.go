package skdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/nip"
)

// Certificate is one participant's document at the end of a training: an STTP, a Piagam
// Penghargaan or a Surat Keterangan.
type Certificate struct {
	Title     string // "Surat Tanda Tamat Pelatihan"
	Number    string
	Organiser string // who issues it, e.g. "Pusdiklat"
	Training  string // "Pelatihan Dasar CPNS Golongan III Angkatan 1"
	Basis     string // the SK the training carries out
	Name      string
	NIP       string
	Position  string
	OPD       string
	Statement string // what the document says of them: passed with a qualification, ranked, not passed
	Place     string
	Date      time.Time
	Signer    string // the office that signs, e.g. "Kepala Pusdiklat"
	VerifyURL string
}

// WritePDF writes the certificate as a one-page A4 landscape PDF with its verification QR code.
// Its dates are the certificate's, so the same certificate gives the same bytes.
func (c Certificate) WritePDF(w io.Writer) error {
	p := fpdf.New("L", "mm", "A4", "")
	p.SetCreationDate(c.Date)
	p.SetModificationDate(c.Date)
	p.SetCatalogSort(true)
	p.SetTitle(c.Title+" "+c.Number, true)
	p.SetMargins(20, 18, 20)
	p.SetAutoPageBreak(false, 10)
	tr := p.UnicodeTranslatorFromDescriptor("cp1252")
	p.AddPage()
	p.SetLineWidth(0.8)
	p.Rect(10, 10, 277, 190, "D")
	center := func(size float64, style, text string) {
		p.SetFont("Times", style, size)
		p.MultiCell(0, size*0.5, tr(text), "", "C", false)
	}
	center(14, "B", strings.ToUpper(c.Organiser))
	p.Ln(6)
	center(24, "B", strings.ToUpper(c.Title))
	center(12, "", "Nomor: "+c.Number)
	p.Ln(6)
	center(12, "", "diberikan kepada")
	p.Ln(2)
	center(20, "B", c.Name)
	center(12, "", "NIP "+nip.Spaced(c.NIP))
	center(12, "", c.Position+", "+c.OPD)
	p.Ln(6)
	p.SetX(35)
	p.SetFont("Times", "", 13)
	p.MultiCell(227, 6.5, tr(c.Statement), "", "C", false)
	p.Ln(2)
	center(10, "I", c.Training+" · "+c.Basis)
	p.SetXY(190, 150)
	p.SetFont("Times", "", 12)
	p.MultiCell(80, 6, tr(fmt.Sprintf("%s, %s\n%s,\n\n\n%s", c.Place, idfmt.Date(c.Date), c.Signer, "(ditandatangani secara elektronik)")), "", "L", false)
	if c.VerifyURL != "" {
		png, err := qrcode.Encode(c.VerifyURL, qrcode.Medium, 256)
		if err != nil {
			return fmt.Errorf("kode QR sertifikat: %w", err)
		}
		p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		p.ImageOptions("qr", 25, 152, 28, 28, false, fpdf.ImageOptions{}, 0, "")
		p.SetXY(55, 160)
		p.SetFont("Times", "I", 8)
		p.MultiCell(110, 4, tr("Periksa keaslian dokumen ini: "+c.VerifyURL), "", "L", false)
	}
	if err := p.Error(); err != nil {
		return fmt.Errorf("PDF %s: %w", c.Title, err)
	}
	return p.Output(w)
}
