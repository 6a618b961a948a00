package worktime

import (
	"strings"
	"testing"
)

// Edits make a new calendar and leave the old one as it was; each result is a calendar New
// takes, or a refusal that names the problem.
func TestEditsLeaveTheOldCalendarAlone(t *testing.T) {
	base := DefaultSpec()
	added := base.WithHoliday(Holiday{Date: "2026-05-20", Name: "Hari Jadi Wajo", Kind: Regional})
	if len(added.Holidays) != len(base.Holidays)+1 || MustNew(added).IsWorkingDay(at("2026-05-20", "09:00")) ||
		!MustNew(base).IsWorkingDay(at("2026-05-20", "09:00")) {
		t.Fatal("adding a holiday")
	}
	renamed := added.WithHoliday(Holiday{Date: "2026-05-20", Name: "HUT Kabupaten Wajo", Kind: Regional})
	if len(renamed.Holidays) != len(added.Holidays) {
		t.Fatal("a holiday of the same date is replaced, not added")
	}
	if removed, ok := added.WithoutHoliday("2026-05-20"); !ok || len(removed.Holidays) != len(base.Holidays) {
		t.Fatal("removing a holiday")
	}
	if _, ok := base.WithoutHoliday("2026-05-21"); ok {
		t.Fatal("removed a holiday that is not there")
	}
	sat, err := base.WithHours("", Hours{Day: "sat", From: "08:00", To: "12:00"}, false)
	if err != nil || len(sat.Week) != 6 || len(base.Week) != 5 || sat.Week[5].Day != "sat" || !MustNew(sat).IsWorkingDay(at("2026-11-21", "09:00")) {
		t.Fatalf("a Saturday: %v %+v", err, sat.Week)
	}
	noFri, err := base.WithHours("Ramadan 1447 H", Hours{Day: "fri"}, true)
	if err != nil || len(noFri.Periods[0].Week) != 4 || len(base.Periods[0].Week) != 5 {
		t.Fatalf("a day off in Ramadan: %v", err)
	}
	if _, err := base.WithHours("Puasa", Hours{Day: "fri"}, true); err == nil || !strings.Contains(err.Error(), `tidak ada periode "Puasa"`) {
		t.Fatalf("an unknown period: %v", err)
	}
	ramadan := base.WithPeriod("Ramadan 1448 H", "2027-02-08", "2027-03-09")
	if len(ramadan.Periods) != 2 || len(ramadan.Periods[1].Week) != 5 || ramadan.Periods[1].Week[0].From != "07:30" {
		t.Fatalf("a new period starts with the ordinary week: %+v", ramadan.Periods)
	}
	if _, err := New(ramadan); err != nil {
		t.Fatal(err)
	}
	overlap := base.WithPeriod("Ramadan lagi", "2026-03-01", "2026-04-01")
	if _, err := New(overlap); err == nil || !strings.Contains(err.Error(), "overlaps another period") {
		t.Fatalf("an overlapping period: %v", err)
	}
}

// Next year's decree comes in as CSV; every bad row is named by its line and nothing is taken.
func TestNextYearsHolidaysComeFromCSV(t *testing.T) {
	hs, err := ReadHolidays(strings.NewReader("tanggal,nama,jenis\n2027-01-01,Tahun Baru 2027 Masehi,nasional\n2027-02-08,Cuti bersama Imlek,cuti_bersama\n2027-03-10,Idulfitri 1448 H,\n"))
	if err != nil || len(hs) != 3 || hs[1].Kind != Collective || hs[2].Kind != "" {
		t.Fatalf("holidays %+v (%v)", hs, err)
	}
	_, err = ReadHolidays(strings.NewReader("2027-13-01,Salah,nasional\n2027-02-08,,cuti_bersama\n2027-02-09,Libur,cuti\n2027-02-10\n"))
	for _, want := range []string{`baris 1: tanggal "2027-13-01"`, "baris 2: nama hari libur kosong", `baris 3: jenis "cuti"`, "baris 4: perlu tanggal"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}
