package idfmt

import (
	"testing"
	"time"
)

func TestIndonesianForms(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	at := time.Date(2026, 11, 23, 13, 20, 0, 0, wita)
	if got := Date(at); got != "23 November 2026" {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(at.UTC().In(wita)); got != "23 November 2026 13:20 WITA" {
		t.Errorf("DateTime = %q", got)
	}
	if got := Decimal(0.5, 1); got != "0,5" {
		t.Errorf("Decimal = %q", got)
	}
	if got := Date(time.Date(2027, 1, 1, 0, 0, 0, 0, wita)); got != "1 Januari 2027" {
		t.Errorf("Date = %q", got)
	}
}
