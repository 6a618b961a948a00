package chain

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultNumberFormat is the seed decree's numbering (000.8.3.4/0077.1/2024): the archive
// classification code, the register's sequence number and the year.
const DefaultNumberFormat = "000.8.3.4/{nomor}.1/{tahun}"

// Register names the register a signed decree takes its number from: one per agency and year.
type Register struct {
	Agency string `json:"agency"`
	Format string `json:"format"`         // {nomor}: the sequence, four digits at least; {tahun}: the year
	Year   int    `json:"year,omitempty"` // in a decree_signed event: the year of the signature, in the agency's zone
}

// CheckNumberFormat refuses a format that could give two decrees one number.
func CheckNumberFormat(format string) error {
	if !strings.Contains(format, "{nomor}") || !strings.Contains(format, "{tahun}") {
		return errors.New("harus memuat {nomor} dan {tahun}")
	}
	return nil
}

// DecreeNumber is the number of the seq-th decree of a year in a format.
func DecreeNumber(format string, seq, year int) string {
	return strings.NewReplacer("{nomor}", fmt.Sprintf("%04d", seq), "{tahun}", fmt.Sprint(year)).Replace(format)
}
