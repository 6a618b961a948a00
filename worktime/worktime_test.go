package worktime

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

var wita = time.FixedZone("WITA", 8*3600)

// at builds a WITA instant; 2026-11-20 is a Friday.
func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, wita)
	if err != nil {
		panic(err)
	}
	return t
}

// legacy is the calendar every case started before breaks and periods carries in its snapshot:
// one span a weekday, five yearly holidays. The tests on it pin what such a snapshot means, so
// the cases running on it keep their due times.
func legacy() Spec {
	var week []Hours
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		week = append(week, Hours{Day: d, From: "07:30", To: "16:00"})
	}
	return Spec{TimeZone: DefaultTimeZone, Week: week, Holidays: []Holiday{
		{Date: "01-01", Name: "Tahun Baru Masehi"}, {Date: "05-01", Name: "Hari Buruh Internasional"},
		{Date: "06-01", Name: "Hari Lahir Pancasila"}, {Date: "08-17", Name: "Hari Kemerdekaan RI"},
		{Date: "12-25", Name: "Hari Raya Natal"},
	}}
}

func withHolidays(h ...Holiday) *Calendar {
	s := legacy()
	s.Holidays = append(s.Holidays, h...)
	return MustNew(s)
}

func TestAddWorkingTimeOnALegacySnapshot(t *testing.T) {
	c := MustNew(legacy())
	cases := []struct {
		name     string
		from     time.Time
		minutes  int
		want     time.Time
		calendar *Calendar
	}{
		{"inside one morning", at("2026-11-18", "08:00"), 30, at("2026-11-18", "08:30"), c},
		{"Friday 15:50 + 30 runs into Monday", at("2026-11-20", "15:50"), 30, at("2026-11-23", "07:50"), c},
		{"opened on Saturday starts Monday", at("2026-11-21", "10:00"), 60, at("2026-11-23", "08:30"), c},
		{"opened before office hours", at("2026-11-18", "06:00"), 15, at("2026-11-18", "07:45"), c},
		{"opened after office hours", at("2026-11-18", "19:00"), 15, at("2026-11-19", "07:45"), c},
		{"240 minutes from Friday 15:00", at("2026-11-20", "15:00"), 240, at("2026-11-23", "10:30"), c},
		{"a holiday Monday shifts to Tuesday", at("2026-11-20", "15:00"), 240, at("2026-11-24", "10:30"),
			withHolidays(Holiday{Date: "2026-11-23", Name: "cuti bersama"})},
		{"a step spanning several days", at("2026-11-18", "15:00"), 3 * 510, at("2026-11-23", "15:00"), c},
		{"Christmas is a yearly holiday", at("2026-12-24", "15:00"), 120, at("2026-12-28", "08:30"), c},
		{"ending exactly at closing", at("2026-11-18", "15:30"), 30, at("2026-11-18", "16:00"), c},
		{"zero minutes is now", at("2026-11-21", "10:00"), 0, at("2026-11-21", "10:00"), c},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.calendar.AddWorkingTime(tc.from, time.Duration(tc.minutes)*time.Minute)
			if !got.Equal(tc.want) {
				t.Fatalf("got %s, want %s", got.In(wita), tc.want)
			}
			if tc.minutes > 0 {
				if back := tc.calendar.WorkingTime(tc.from, got); back != time.Duration(tc.minutes)*time.Minute {
					t.Fatalf("WorkingTime back = %s, want %d minutes", back, tc.minutes)
				}
			}
		})
	}
}

func TestWorkingTimeIgnoresNightsWeekendsHolidays(t *testing.T) {
	c := withHolidays(Holiday{Date: "2026-11-23"})
	cases := []struct {
		from, to time.Time
		want     time.Duration
	}{
		{at("2026-11-20", "15:50"), at("2026-11-22", "23:00"), 10 * time.Minute},  // Friday to Sunday night
		{at("2026-11-20", "15:50"), at("2026-11-23", "12:00"), 10 * time.Minute},  // Monday is a holiday
		{at("2026-11-20", "15:50"), at("2026-11-24", "08:00"), 40 * time.Minute},  // Tuesday morning
		{at("2026-11-24", "08:00"), at("2026-11-20", "15:50"), 0},                 // backwards is nothing
		{at("2026-11-17", "07:30"), at("2026-11-17", "16:00"), 510 * time.Minute}, // one full day
	}
	for _, tc := range cases {
		if got := c.WorkingTime(tc.from, tc.to); got != tc.want {
			t.Errorf("WorkingTime(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestUTCInputIsReadInWITA(t *testing.T) {
	c := MustNew(legacy())
	// 07:50 UTC on Friday is 15:50 WITA: the answer must not depend on the caller's zone.
	from := at("2026-11-20", "15:50").UTC()
	got := c.AddWorkingTime(from, 30*time.Minute)
	if !got.Equal(at("2026-11-23", "07:50")) || got.Location().String() != DefaultTimeZone {
		t.Fatalf("got %s", got)
	}
	// WITA has no daylight saving: every day of a year is 8 hours ahead of UTC.
	for d := at("2026-01-01", "12:00"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if _, off := d.In(c.Location()).Zone(); off != 8*3600 {
			t.Fatalf("%s: offset %d", d, off)
		}
	}
}

func TestDaysAreNotMinutes(t *testing.T) {
	c := withHolidays(Holiday{Date: "2026-12-24", Name: "cuti bersama"})
	start := at("2026-11-20", "10:00")
	if got := c.AddCalendarDays(start, 51); !got.Equal(at("2027-01-10", "10:00")) {
		t.Errorf("51 calendar days = %s", got)
	}
	// 51 working days from Friday 20 Nov 2026: weekends, 24–25 Dec and 1 Jan are skipped.
	if got := c.AddWorkingDays(start, 51); !got.Equal(at("2027-02-04", "10:00")) {
		t.Errorf("51 working days = %s", got)
	}
	if c.IsWorkingDay(at("2026-12-25", "09:00")) || c.IsWorkingDay(at("2026-11-21", "09:00")) || !c.IsWorkingDay(at("2026-11-20", "09:00")) {
		t.Error("IsWorkingDay wrong")
	}
}

func TestPerWeekdayHours(t *testing.T) {
	s := legacy()
	s.Week[4] = Hours{Day: "fri", From: "07:30", To: "11:30"}
	s.Week = append(s.Week, Hours{Day: "sat", From: "08:00", To: "12:00"})
	c := MustNew(s)
	if got := c.AddWorkingTime(at("2026-11-20", "11:00"), 60*time.Minute); !got.Equal(at("2026-11-21", "08:30")) {
		t.Fatalf("got %s", got)
	}
}

func TestSpecErrorsNameTheField(t *testing.T) {
	cases := []struct {
		mutate func(*Spec)
		want   string
	}{
		{func(s *Spec) { s.TimeZone = "Mars/Olympus" }, `time_zone "Mars/Olympus"`},
		{func(s *Spec) { s.Week[0].Day = "monday" }, `week day "monday"`},
		{func(s *Spec) { s.Week[1].From = "7.30" }, `week day tue: time "7.30" must be HH:MM`},
		{func(s *Spec) { s.Week[2].To = "07:00" }, "week day wed: hours end (07:00) must be after"},
		{func(s *Spec) { s.Week = append(s.Week, s.Week[0]) }, "week day mon: listed twice"},
		{func(s *Spec) { s.Week = nil }, "at least one working day"},
		{func(s *Spec) { s.Holidays = append(s.Holidays, Holiday{Date: "2026-02-30"}) }, `holiday "2026-02-30"`},
		{func(s *Spec) { s.Holidays = append(s.Holidays, Holiday{Date: "13-01"}) }, `holiday "13-01"`},
		{func(s *Spec) { s.Holidays = append(s.Holidays, Holiday{Date: "12-25"}) }, `holiday "12-25": listed twice`},
	}
	for _, tc := range cases {
		s := legacy()
		tc.mutate(&s)
		_, err := New(s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want %q", err, tc.want)
		}
	}
}

// Over two years, the working time equals the sum of each day's: the days wholly inside the
// span are counted without being placed in time, the ends are placed.
func TestWorkingTimeOverYearsIsTheSumOfItsDays(t *testing.T) {
	c := MustNew(DefaultSpec())
	from, to := at("2025-01-06", "10:17"), at("2026-12-01", "14:03")
	var days time.Duration
	for day := from; day.Before(to); {
		next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, wita)
		end := next
		if end.After(to) {
			end = to
		}
		days += c.WorkingTime(day, end)
		day = next
	}
	if got := c.WorkingTime(from, to); got != days || got < 400*time.Hour {
		t.Fatalf("WorkingTime over two years = %s, its days sum to %s", got, days)
	}
}

// BenchmarkWorkingTimeOfATaskOpenTwoYears is what the report pays for each open attempt of a
// case left waiting since 2025.
func BenchmarkWorkingTimeOfATaskOpenTwoYears(b *testing.B) {
	c := MustNew(DefaultSpec())
	from, to := at("2025-01-06", "10:17"), at("2026-12-01", "14:03")
	for b.Loop() {
		c.WorkingTime(from, to)
	}
}

// WorkingTime from the years' sums is what walking every day and placing each span in time
// gives, for periods from minutes to years across holidays, the calendar's periods of other
// hours, leap days, midnights and year ends, and for ends in another zone than the calendar's.
func TestWorkingTimeIsTheWalkedDays(t *testing.T) {
	c := MustNew(DefaultSpec())
	walked := func(from, to time.Time) time.Duration {
		var sum time.Duration
		from, to = from.In(c.loc), to.In(c.loc)
		for day := instant(from, 0); day.Before(to); day = day.AddDate(0, 0, 1) {
			sum += c.within(day, from, to)
		}
		return sum
	}
	rng := rand.New(rand.NewPCG(26, 12))
	base := time.Date(2023, 12, 25, 0, 0, 0, 0, wita)
	utc := time.UTC
	for i := range 3000 {
		from := base.Add(time.Duration(rng.IntN(4*366*24*60)) * time.Minute)
		var to time.Time
		switch i % 4 {
		case 0: // within a day or two
			to = from.Add(time.Duration(rng.IntN(2*24*60)) * time.Minute)
		case 1: // from midnight to midnight
			from = instant(from, 0)
			to = from.AddDate(0, 0, rng.IntN(800))
		case 2: // another zone's instants
			from, to = from.In(utc), from.Add(time.Duration(rng.IntN(400*24*60))*time.Minute).In(utc)
		default: // up to three years
			to = from.Add(time.Duration(rng.IntN(3*366*24*60)) * time.Minute)
		}
		if got, want := c.WorkingTime(from, to), walked(from, to); got != want {
			t.Fatalf("WorkingTime(%s, %s) = %s, walking its days: %s", from, to, got, want)
		}
	}
}
