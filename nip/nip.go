// Package nip reads an Indonesian civil servant's NIP: 18 digits made of the birth date
// (YYYYMMDD), the appointment (TMT, YYYYMM), the sex digit (1 male, 2 female) and a sequence
// number. Messages are in Bahasa Indonesia: they go back to the OPDs that wrote the spreadsheets.
package nip

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NIP is a parsed, valid NIP.
type NIP struct {
	Digits string
	Birth  time.Time // the birth date
	TMT    time.Time // first day of the appointment month
	Female bool
	Seq    int
}

// Parse checks a NIP's structure. Spaces between the parts are allowed ("19980115 202403 2 001").
func Parse(s string) (NIP, error) {
	d := strings.Join(strings.Fields(s), "")
	if len(d) != 18 || strings.IndexFunc(d, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return NIP{}, fmt.Errorf("NIP harus 18 angka (terbaca %q)", s)
	}
	n := NIP{Digits: d}
	birth, err := time.Parse("20060102", d[:8])
	if err != nil || birth.Year() < 1900 {
		return NIP{}, fmt.Errorf("tanggal lahir %s pada NIP bukan tanggal yang ada", d[:8])
	}
	tmt, err := time.Parse("200601", d[8:14])
	if err != nil {
		return NIP{}, fmt.Errorf("TMT %s pada NIP bukan bulan yang ada", d[8:14])
	}
	if tmt.Before(time.Date(birth.Year()+18, birth.Month(), 1, 0, 0, 0, 0, time.UTC)) {
		return NIP{}, fmt.Errorf("TMT %s sebelum pegawai berusia 18 tahun (lahir %s)", tmt.Format("01-2006"), birth.Format("02-01-2006"))
	}
	switch d[14] {
	case '1':
	case '2':
		n.Female = true
	default:
		return NIP{}, fmt.Errorf("digit jenis kelamin pada NIP harus 1 atau 2, bukan %c", d[14])
	}
	n.Seq, _ = strconv.Atoi(d[15:])
	if n.Seq == 0 {
		return NIP{}, fmt.Errorf("nomor urut pada NIP tidak boleh 000")
	}
	n.Birth, n.TMT = birth, tmt
	return n, nil
}

// Spaced writes 18 digits as a person reads a NIP: birth date, TMT, sex digit and sequence
// apart ("19980909 202409 2 009"). Anything else is returned as it is.
func Spaced(digits string) string {
	if len(digits) != 18 || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return digits
	}
	return digits[:8] + " " + digits[8:14] + " " + digits[14:15] + " " + digits[15:]
}
