// Package worktime measures time the way a mutu baku does: in working minutes inside office
// hours, on working days, in the agency's time zone, skipping holidays. It wraps rickar/cal's
// BusinessCalendar and knows neither Temporal nor the database.
//
// Working minutes and working days are different units: AddWorkingTime and WorkingTime count
// minutes inside office hours; AddWorkingDays counts whole working days.
package worktime

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Makassar must load on a host without the tz database

	"github.com/rickar/cal/v2"
)

// Spec is a calendar as configuration and as the snapshot a running case carries.
type Spec struct {
	TimeZone string    `json:"time_zone" yaml:"time_zone"`
	Week     []Hours   `json:"week" yaml:"week"` // working days; a weekday not listed is a day off
	Holidays []Holiday `json:"holidays" yaml:"holidays"`
}

// Hours are one weekday's office hours, "07:30" to "16:00". Breaks are not subtracted.
type Hours struct {
	Day  string `json:"day" yaml:"day"` // mon, tue, wed, thu, fri, sat, sun
	From string `json:"from" yaml:"from"`
	To   string `json:"to" yaml:"to"`
}

// Holiday is a day off: "YYYY-MM-DD" for one date (cuti bersama, a lunar holiday) or "MM-DD"
// for a date that repeats every year (17 August).
type Holiday struct {
	Date string `json:"date" yaml:"date"`
	Name string `json:"name" yaml:"name"`
}

// DefaultTimeZone is WITA, where BKPSDM Wajo works. It has no daylight saving time.
const DefaultTimeZone = "Asia/Makassar"

// DefaultSpec is a regency office week (Mon–Fri 07:30–16:00 WITA) with Indonesia's fixed-date
// national holidays. Lunar holidays and cuti bersama change every
// year by joint ministerial decree (SKB 3 Menteri), so operators add them as dated entries.
func DefaultSpec() Spec {
	week := []Hours{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		week = append(week, Hours{Day: d, From: "07:30", To: "16:00"})
	}
	return Spec{
		TimeZone: DefaultTimeZone,
		Week:     week,
		Holidays: []Holiday{
			{Date: "01-01", Name: "Tahun Baru Masehi"},
			{Date: "05-01", Name: "Hari Buruh Internasional"},
			{Date: "06-01", Name: "Hari Lahir Pancasila"},
			{Date: "08-17", Name: "Hari Kemerdekaan RI"},
			{Date: "12-25", Name: "Hari Raya Natal"},
		},
	}
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Calendar answers working-time questions for one Spec. It is safe for concurrent use.
type Calendar struct {
	loc *time.Location
	bc  *cal.BusinessCalendar
}

type span struct{ from, to time.Duration }

// New checks a Spec and builds its calendar; errors name the field at fault.
func New(spec Spec) (*Calendar, error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	tz := spec.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar time_zone %q: unknown time zone", tz)
	}

	var week [7]*span
	for _, h := range spec.Week {
		wd, ok := weekdays[strings.ToLower(h.Day)]
		if !ok {
			bad("calendar week day %q: use mon, tue, wed, thu, fri, sat or sun", h.Day)
			continue
		}
		if week[wd] != nil {
			bad("calendar week day %s: listed twice", h.Day)
			continue
		}
		from, err1 := clock(h.From)
		to, err2 := clock(h.To)
		if err := errors.Join(err1, err2); err != nil {
			bad("calendar week day %s: %w", h.Day, err)
			continue
		}
		if to <= from {
			bad("calendar week day %s: hours end (%s) must be after they start (%s)", h.Day, h.To, h.From)
			continue
		}
		week[wd] = &span{from, to}
	}
	if len(spec.Week) == 0 {
		bad("calendar week: at least one working day is needed")
	}

	bc := cal.NewBusinessCalendar()
	for d := range week {
		bc.SetWorkday(time.Weekday(d), week[d] != nil)
	}
	at := func(date time.Time, pick func(span) time.Duration) time.Time {
		y, m, d := date.Date()
		s := week[date.Weekday()]
		if s == nil {
			return time.Time{}
		}
		return time.Date(y, m, d, 0, 0, 0, 0, date.Location()).Add(pick(*s))
	}
	bc.WorkdayStartFunc = func(date time.Time) time.Time { return at(date, func(s span) time.Duration { return s.from }) }
	bc.WorkdayEndFunc = func(date time.Time) time.Time { return at(date, func(s span) time.Duration { return s.to }) }

	seen := map[string]bool{}
	for _, h := range spec.Holidays {
		hol, err := holiday(h)
		if err != nil {
			bad("calendar holiday %q: %w", h.Date, err)
			continue
		}
		if seen[h.Date] {
			bad("calendar holiday %q: listed twice", h.Date)
			continue
		}
		seen[h.Date] = true
		bc.AddHoliday(hol)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Calendar{loc: loc, bc: bc}, nil
}

// MustNew is New for specs known to be valid (tests, the default).
func MustNew(spec Spec) *Calendar {
	c, err := New(spec)
	if err != nil {
		panic(err)
	}
	return c
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time %q must be HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func holiday(h Holiday) (*cal.Holiday, error) {
	name := h.Name
	if name == "" {
		name = h.Date
	}
	if t, err := time.Parse("2006-01-02", h.Date); err == nil {
		return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Month: t.Month(), Day: t.Day(),
			StartYear: t.Year(), EndYear: t.Year(), Func: cal.CalcDayOfMonth}, nil
	}
	// Parsing "MM-DD" in a leap year accepts 29 February and nothing impossible.
	if t, err := time.Parse("2006-01-02", "2024-"+h.Date); err == nil && len(h.Date) == 5 {
		return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Month: t.Month(), Day: t.Day(),
			Func: cal.CalcDayOfMonth}, nil
	}
	return nil, errors.New("date must be YYYY-MM-DD (one day) or MM-DD (every year)")
}

// Location is the calendar's time zone: everything a person sees is shown in it.
func (c *Calendar) Location() *time.Location { return c.loc }

// AddWorkingTime is the instant at which d of working time has passed since t. Time outside
// office hours does not count: a 30-minute step opened Friday 15:50 is due Monday 07:50.
func (c *Calendar) AddWorkingTime(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	return c.bc.AddWorkHours(t.In(c.loc), d)
}

// WorkingTime is how much working time lies between from and to; 0 when to is not after from.
func (c *Calendar) WorkingTime(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	return c.bc.WorkHoursInRange(from.In(c.loc), to.In(c.loc))
}

// AddWorkingDays is the same clock time n working days after t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	return c.bc.WorkdaysFrom(t.In(c.loc), n)
}

// AddCalendarDays is the same local clock time n days after t.
func (c *Calendar) AddCalendarDays(t time.Time, n int) time.Time {
	return t.In(c.loc).AddDate(0, 0, n)
}

// IsWorkingDay reports whether t's local date is a working day (not a weekend, not a holiday).
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.bc.IsWorkday(t.In(c.loc)) }
