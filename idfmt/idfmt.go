// Package idfmt writes dates and numbers the way Indonesian readers write them: "23 November
// 2026", "23 November 2026 13:20 WITA", "0,5". It knows nothing of where they are shown.
package idfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var months = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Date is "23 November 2026", in t's own zone.
func Date(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// DateTime is "23 November 2026 13:20 WITA", in t's own zone.
func DateTime(t time.Time) string {
	return Date(t) + " " + t.Format("15:04 MST")
}

// Decimal writes f with prec decimals and a decimal comma.
func Decimal(f float64, prec int) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', prec, 64), ".", ",", 1)
}
