package chain

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/skflow/skflow/textcheck"
	"github.com/skflow/skflow/worktime"
)

// RejectBadText is the rejection of a request whose text could not be stored or shown safely.
const RejectBadText = "BadText"

var (
	caseIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// CheckStart checks what a new case is started with, before anything of it is stored.
func CheckStart(in CaseInput) error {
	if !caseIDPattern.MatchString(in.CaseID) {
		return &textcheck.Error{Field: "ID berkas", Problem: "hanya huruf kecil, angka dan tanda hubung, paling banyak 63 karakter"}
	}
	if strings.TrimSpace(in.Title) == "" {
		return &textcheck.Error{Field: "judul", Problem: "wajib diisi"}
	}
	if err := checkHash("SHA-256 usulan", in.Proposals, true); err != nil {
		return err
	}
	if in.Register != nil {
		if err := CheckNumberFormat(in.Register.Format); err != nil {
			return &textcheck.Error{Field: "format nomor SK", Problem: err.Error()}
		}
		if err := textcheck.Line("instansi", in.Register.Agency, textcheck.NameMax); err != nil {
			return err
		}
	}
	return firstError(
		textcheck.Line("judul", in.Title, textcheck.TitleMax),
		textcheck.Line("dimulai oleh", in.StartedBy, textcheck.IDMax),
	)
}

// CheckDecision checks every text of a decision; the decide validator applies it.
func CheckDecision(d Decision) error {
	return firstError(
		textcheck.Paragraph("alasan", d.Reason, textcheck.ReasonMax),
		textcheck.Paragraph("arahan", d.Note, textcheck.ReasonMax),
		checkActor(d.Actor),
		checkHash("dokumen", d.Document, true),
		textcheck.Line("permintaan", d.Request, textcheck.IDMax),
	)
}

// CheckCancellation checks the texts of a cancellation.
func CheckCancellation(c Cancellation) error {
	return firstError(
		textcheck.Paragraph("alasan", c.Reason, textcheck.ReasonMax),
		textcheck.Line("dibatalkan oleh", c.By, textcheck.IDMax),
	)
}

// CheckOutput checks the texts of an artefact.
func CheckOutput(o Output) error {
	return firstError(
		checkHash("SHA-256 keluaran", o.SHA256, false),
		textcheck.Line("jenis keluaran", string(o.Artefact), textcheck.IDMax),
		textcheck.Line("oleh", o.By, textcheck.IDMax),
		textcheck.Line("jabatan", o.Role, textcheck.IDMax),
	)
}

// CheckRevision checks the texts of a new draft version.
func CheckRevision(r Revision) error {
	return firstError(
		checkHash("SHA-256 versi", r.SHA256, false),
		textcheck.Line("diunggah oleh", r.By, textcheck.IDMax),
		textcheck.Line("jabatan", r.Role, textcheck.IDMax),
	)
}

func checkActor(a Actor) error {
	return firstError(
		textcheck.Line("NIP", a.NIP, textcheck.IDMax),
		textcheck.Line("nama", a.Name, textcheck.NameMax),
		textcheck.Line("jabatan", a.Role, textcheck.IDMax),
		textcheck.Line("atas nama", a.OnBehalfOf, textcheck.NameMax),
		textcheck.Line("jenis penugasan", a.Appointment, textcheck.IDMax),
	)
}

func checkHash(field, h string, optional bool) error {
	if (h == "" && optional) || sha256Pattern.MatchString(h) {
		return nil
	}
	return &textcheck.Error{Field: field, Problem: fmt.Sprintf("bukan SHA-256 heksadesimal (%d karakter)", len(h))}
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// CheckCalendar checks a calendar change: its version, who makes it, every name it carries,
// and that it is a calendar at all.
func CheckCalendar(c CalendarChange) error {
	if c.Version < 1 {
		return &textcheck.Error{Field: "versi kalender", Problem: "harus 1 atau lebih"}
	}
	errs := []error{textcheck.Line("diubah oleh", c.By, textcheck.IDMax), textcheck.Line("zona waktu", c.Spec.TimeZone, textcheck.IDMax)}
	for _, h := range c.Spec.Holidays {
		errs = append(errs, textcheck.Line("nama hari libur", h.Name, textcheck.NameMax), textcheck.Line("tanggal libur", h.Date, textcheck.IDMax))
	}
	for _, p := range c.Spec.Periods {
		errs = append(errs, textcheck.Line("nama periode", p.Name, textcheck.NameMax))
	}
	if err := firstError(errs...); err != nil {
		return err
	}
	if _, err := worktime.New(c.Spec); err != nil {
		return &textcheck.Error{Field: "kalender", Problem: err.Error()}
	}
	return nil
}
