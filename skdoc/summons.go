package skdoc

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/nip"
)

// Summons is the training organiser's letter calling one OPD's participants to an angkatan.
type Summons struct {
	Organiser string // e.g. "Pusdiklat"
	Training  string // "Pelatihan Dasar CPNS Golongan III Angkatan 1"
	Basis     string // the SK the training carries out
	OPD       string
	Members   []Member
	Schedule  []Slot
	Confirm   time.Time // confirmation and registration close
	Place     string
	Date      time.Time
}

// Slot is one activity of the schedule.
type Slot struct {
	Name       string
	Opens, Due time.Time
}

// WritePDF writes the letter as an A4 PDF: its addressee, the participants, the schedule and
// what each participant must do first.
func (s Summons) WritePDF(w io.Writer) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(s.Date)
	p.SetModificationDate(s.Date)
	p.SetCatalogSort(true)
	p.SetMargins(25, 20, 20)
	p.SetAutoPageBreak(true, 20)
	tr := p.UnicodeTranslatorFromDescriptor("cp1252")
	p.AddPage()
	day := idfmt.Date
	p.SetFont("Times", "B", 13)
	p.MultiCell(0, 6, tr(s.Organiser), "", "C", false)
	p.Ln(4)
	p.SetFont("Times", "", 11)
	p.MultiCell(0, 5.5, tr(fmt.Sprintf("%s, %s\n\nYth. Pimpinan %s\ndi tempat\n\nPerihal: Pemanggilan peserta %s", s.Place, day(s.Date), s.OPD, s.Training)), "", "L", false)
	p.Ln(3)
	p.MultiCell(0, 5.5, tr(fmt.Sprintf("Berdasarkan %s, bersama ini kami memanggil pegawai Saudara berikut untuk mengikuti %s:", s.Basis, s.Training)), "", "J", false)
	p.Ln(2)
	widths := []float64{9, 42, 60, 54}
	p.SetFont("Times", "B", 10)
	for i, h := range []string{"No", "NIP", "Nama", "Jabatan"} {
		p.CellFormat(widths[i], 6, h, "1", 0, "C", false, 0, "")
	}
	p.Ln(-1)
	p.SetFont("Times", "", 10)
	for i, m := range s.Members {
		for j, v := range []string{fmt.Sprint(i + 1), nip.Spaced(m.NIP), shorten(m.Name, 36), shorten(m.Position, 32)} {
			p.CellFormat(widths[j], 6, tr(v), "1", 0, "L", false, 0, "")
		}
		p.Ln(-1)
	}
	p.Ln(3)
	p.SetFont("Times", "", 11)
	p.MultiCell(0, 5.5, tr(fmt.Sprintf("Setiap peserta mengonfirmasi keikutsertaan dan mengisi formulir registrasi paling lambat %s, melalui tautan masuk pribadi yang kami kirim melalui Saudara. Jadwal pelatihan (paling lambat):", day(s.Confirm))), "", "J", false)
	p.Ln(1)
	p.SetFont("Times", "", 10)
	for _, sl := range s.Schedule {
		p.CellFormat(110, 5.5, tr("- "+sl.Name), "", 0, "L", false, 0, "")
		p.CellFormat(0, 5.5, tr(day(sl.Due)), "", 1, "L", false, 0, "")
	}
	p.Ln(4)
	p.SetFont("Times", "", 11)
	p.MultiCell(0, 5.5, tr("Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."), "", "L", false)
	p.Ln(6)
	p.SetX(115)
	p.MultiCell(0, 5.5, tr("Kepala "+s.Organiser+",\n\n\n(ditandatangani secara elektronik)"), "", "L", false)
	if err := p.Error(); err != nil {
		return fmt.Errorf("PDF surat panggilan: %w", err)
	}
	return p.Output(w)
}
