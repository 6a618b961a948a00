package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The operator asks the calendar before trusting it, edits it from the command line (each edit a
// new version, audited), and a bad edit changes nothing.
func TestCLICalendar(t *testing.T) {
	run, e := cliEnv(t)
	if out, err := run("calendar", "due", "--from", "2026-11-23 11:50", "--minutes", "30"); err != nil ||
		!strings.Contains(out, "batas 23 November 2026 13:20 WITA (kalender versi 1)") {
		t.Fatalf("due: %q %v", out, err)
	}
	out, err := run("calendar", "minutes", "--from", "2026-05-13 14:00", "--to", "2026-05-18 09:30", "--json")
	var m struct{ Minutes, CalendarVersion int }
	if err != nil || json.Unmarshal([]byte(out), &m) != nil || m.Minutes != 240 {
		t.Fatalf("minutes: %q %v", out, err)
	}
	if _, err := run("calendar", "due", "--from", "23-11-2026", "--minutes", "30"); err == nil || !strings.Contains(err.Error(), "tulis TTTT-BB-HH JJ:MM") {
		t.Fatalf("a bad instant: %v", err)
	}
	if out, err := run("calendar", "add-holiday", "--date", "2026-11-23", "--name", "HUT Kabupaten Wajo", "--kind", "daerah", "--as", "operator"); err != nil ||
		!strings.Contains(out, "Kalender kerja versi 2: libur 2026-11-23 HUT Kabupaten Wajo.") {
		t.Fatalf("add-holiday: %q %v", out, err)
	}
	if out, err := run("calendar", "due", "--from", "2026-11-23 11:50", "--minutes", "30"); err != nil || !strings.Contains(out, "24 November 2026 08:00 WITA (kalender versi 2)") {
		t.Fatalf("due on the new holiday: %q %v", out, err)
	}
	if _, err := run("calendar", "set-hours", "--day", "mon", "--from", "07:30", "--to", "16:00", "--break", "06:00-07:00", "--as", "operator"); err == nil ||
		!strings.Contains(err.Error(), "kalender tidak diubah") || !strings.Contains(err.Error(), "must lie inside the hours") {
		t.Fatalf("a break outside the hours: %v", err)
	}
	if err := os.WriteFile("libur-2027.csv", []byte("tanggal,nama,jenis\n2027-01-01,Tahun Baru 2027 Masehi,nasional\n2027-02-08,Cuti bersama Imlek,cuti_bersama\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("calendar", "import", "--file", "libur-2027.csv", "--as", "operator"); err != nil || !strings.Contains(out, "versi 3: 2 hari libur") {
		t.Fatalf("import: %q %v", out, err)
	}
	if out, err := run("calendar", "list", "--year", "2027"); err != nil || !strings.Contains(out, "2027-02-08  cuti bersama") || strings.Contains(out, "2026-11-23") ||
		!strings.Contains(out, "mon 07:30-16:00, istirahat 12:00-13:00") {
		t.Fatalf("list: %q %v", out, err)
	}
	if out, err := run("calendar", "history"); err != nil || strings.Count(out, "\n") != 4 || !strings.Contains(out, "dari konfigurasi") {
		t.Fatalf("history: %q %v", out, err)
	}
	var audited int
	if err := e.Store.DB().GetContext(context.Background(), &audited, `SELECT count(*) FROM audit_log WHERE action = 'calendar_changed'`); err != nil || audited != 2 {
		t.Fatalf("%d calendar changes audited (%v), want 2", audited, err)
	}
}
