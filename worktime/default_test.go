package worktime

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The default calendar over 2025–2026: the ASN week with its breaks, Friday's longer one,
// Ramadan 1447 H's hours, national holidays and cuti bersama, movable and fixed.
func TestTheDefaultCalendarIsAnASNOffice(t *testing.T) {
	c := MustNew(DefaultSpec())
	cases := []struct {
		name    string
		from    time.Time
		minutes int
		want    time.Time
	}{
		{"a break is not working time", at("2026-11-23", "11:50"), 30, at("2026-11-23", "13:20")},
		{"Kenaikan and its cuti bersama", at("2026-05-13", "14:00"), 240, at("2026-05-18", "09:30")},
		{"240 minutes from 10:00 end at 15:00", at("2026-11-18", "10:00"), 240, at("2026-11-18", "15:00")},
		{"Friday's break is 11:30–13:00", at("2026-11-20", "11:00"), 60, at("2026-11-20", "13:30")},
		{"Friday closes at 16:30", at("2026-11-20", "16:00"), 60, at("2026-11-23", "08:00")},
		{"opened in a break starts after it", at("2026-11-24", "12:15"), 15, at("2026-11-24", "13:15")},
		{"ends exactly as the break begins", at("2026-11-24", "11:30"), 30, at("2026-11-24", "12:00")},
		{"a full day is 7.5 hours", at("2026-11-24", "07:30"), 450, at("2026-11-24", "16:00")},
		{"a full week is 37.5 hours", at("2026-11-23", "07:30"), 5 * 450, at("2026-11-27", "16:30")},
		{"Ramadan starts at 08:00", at("2026-02-24", "07:00"), 30, at("2026-02-24", "08:30")},
		{"Ramadan's break is 30 minutes", at("2026-02-24", "11:50"), 30, at("2026-02-24", "12:50")},
		{"Ramadan closes at 15:00", at("2026-02-24", "14:30"), 60, at("2026-02-25", "08:30")},
		{"the day before Ramadan keeps the usual hours", at("2026-02-18", "15:30"), 60, at("2026-02-19", "08:30")},
		{"Nyepi, Idulfitri and its cuti bersama", at("2026-03-17", "15:00"), 120, at("2026-03-25", "09:30")},
		{"Imlek and its cuti bersama", at("2026-02-13", "16:00"), 60, at("2026-02-18", "08:00")},
		{"Iduladha, its cuti bersama, Waisak and Pancasila", at("2026-05-26", "15:30"), 60, at("2026-05-29", "08:00")},
		{"the HUT RI cuti bersama added in 2025", at("2025-08-15", "16:00"), 60, at("2025-08-19", "08:00")},
		{"Idulfitri 1446 H and its cuti bersama", at("2025-03-28", "10:00"), 30, at("2025-04-08", "08:00")},
		{"Christmas Eve's cuti bersama and Christmas", at("2026-12-23", "15:30"), 60, at("2026-12-28", "08:00")},
		{"New Year 2027 is a yearly holiday", at("2026-12-31", "15:30"), 60, at("2027-01-04", "08:00")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := time.Duration(tc.minutes) * time.Minute
			if got := c.AddWorkingTime(tc.from, d); !got.Equal(tc.want) {
				t.Fatalf("due %s, want %s", got.In(wita), tc.want)
			}
			if back := c.WorkingTime(tc.from, tc.want); back != d {
				t.Fatalf("WorkingTime back %s, want %s", back, d)
			}
		})
	}
	if c.IsWorkingDay(at("2026-03-20", "09:00")) || c.IsWorkingDay(at("2026-05-15", "09:00")) || !c.IsWorkingDay(at("2026-03-25", "09:00")) {
		t.Error("cuti bersama are days off, and the day after them is not")
	}
}

// For any instant and duration across 2025–2026, the working time from the instant to its due
// instant is the duration: AddWorkingTime and WorkingTime are one measure.
func TestDueAndWorkingTimeAgree(t *testing.T) {
	c := MustNew(DefaultSpec())
	r := rand.New(rand.NewPCG(1, 2))
	base := at("2025-01-01", "00:00")
	for i := 0; i < 20000; i++ {
		from := base.Add(time.Duration(r.Int64N(int64(730 * 24 * time.Hour)))).Truncate(time.Minute)
		d := time.Duration(1+r.IntN(3*450)) * time.Minute
		due := c.AddWorkingTime(from, d)
		if got := c.WorkingTime(from, due); got != d {
			t.Fatalf("from %s, %s: due %s but %s of working time between", from.In(wita), d, due.In(wita), got)
		}
		// And not a minute sooner: the minute before the due instant is still working time.
		if c.WorkingTime(due.Add(-time.Minute), due) != time.Minute {
			t.Fatalf("due %s (from %s, %s) is not the end of a working minute", due.In(wita), from.In(wita), d)
		}
	}
}

func TestBreaksPeriodsAndKindsAreChecked(t *testing.T) {
	cases := []struct {
		mutate func(*Spec)
		want   string
	}{
		{func(s *Spec) { s.Week[0].Breaks = []Span{{From: "06:00", To: "08:00"}} }, "break 06:00–08:00 must lie inside the hours"},
		{func(s *Spec) { s.Week[0].Breaks = append(s.Week[0].Breaks, Span{From: "12:30", To: "13:30"}) }, "not overlap another"},
		{func(s *Spec) { s.Week[0].Breaks = []Span{{From: "13:00", To: "12:00"}} }, "break 13:00–12:00 ends before it starts"},
		{func(s *Spec) { s.Week[1].Breaks = []Span{{From: "12", To: "13:00"}} }, `time "12" must be HH:MM`},
		{func(s *Spec) {
			s.Periods = append(s.Periods, Period{Name: "Ramadan lagi", From: "2026-03-01", To: "2026-03-05", Week: s.Week})
		}, "overlaps another period"},
		{func(s *Spec) { s.Periods[0].To = "2026-02-01" }, "ends (2026-02-01) before it starts"},
		{func(s *Spec) { s.Periods[0].Week = nil }, `period "Ramadan 1447 H": at least one working day`},
		{func(s *Spec) { s.Periods[0].From = "19-02-2026" }, "from and to must be YYYY-MM-DD"},
		{func(s *Spec) { s.Periods[0].Week[0].To = "07:00" }, `period "Ramadan 1447 H" week day mon: hours end`},
		{func(s *Spec) { s.Holidays[0].Kind = "libur" }, `kind "libur" must be nasional, cuti_bersama or daerah`},
	}
	for _, tc := range cases {
		s := DefaultSpec()
		tc.mutate(&s)
		if _, err := New(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want %q", err, tc.want)
		}
	}
}
