// Package worktime measures time the way a mutu baku does: in working minutes inside office
// hours (less their breaks), on working days, in the agency's time zone, skipping holidays and
// cuti bersama, with dated periods that keep other hours (Ramadan). It knows neither Temporal
// nor the database.
//
// Working minutes and working days are different units: AddWorkingTime and WorkingTime count
// minutes inside office hours; AddWorkingDays counts whole working days.
//
// rickar/cal, used before, knows one span per day and no dated periods; the arithmetic over a
// day's spans is short enough to keep here, and a calendar written for the old, simpler form
// (the snapshot of every case started before) means exactly what it meant then.
package worktime

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Makassar must load on a host without the tz database
)

// Spec is a calendar as configuration, as the database keeps it, and as the snapshot a running
// case carries.
type Spec struct {
	TimeZone string    `json:"time_zone" yaml:"time_zone"`
	Week     []Hours   `json:"week" yaml:"week"` // working days; a weekday not listed is a day off
	Periods  []Period  `json:"periods,omitempty" yaml:"periods,omitempty"`
	Holidays []Holiday `json:"holidays" yaml:"holidays"`
}

// Hours are one weekday's office hours, "07:30" to "16:00", less their breaks.
type Hours struct {
	Day    string `json:"day" yaml:"day"` // mon, tue, wed, thu, fri, sat, sun
	From   string `json:"from" yaml:"from"`
	To     string `json:"to" yaml:"to"`
	Breaks []Span `json:"breaks,omitempty" yaml:"breaks,omitempty"`
}

// Span is a stretch of a day, "12:00" to "13:00".
type Span struct {
	From string `json:"from" yaml:"from"`
	To   string `json:"to" yaml:"to"`
}

// Period is a run of dates, both included, with a week of its own: Ramadan's shorter hours.
type Period struct {
	Name string  `json:"name" yaml:"name"`
	From string  `json:"from" yaml:"from"` // YYYY-MM-DD
	To   string  `json:"to" yaml:"to"`
	Week []Hours `json:"week" yaml:"week"`
}

// Holiday is a day off: "YYYY-MM-DD" for one date (cuti bersama, a lunar holiday) or "MM-DD"
// for a date that repeats every year (17 August).
type Holiday struct {
	Date string `json:"date" yaml:"date"`
	Name string `json:"name" yaml:"name"`
	Kind Kind   `json:"kind,omitempty" yaml:"kind,omitempty"`
}

// Kind says what makes a day off.
type Kind string

const (
	National   Kind = "nasional"     // libur nasional (an empty kind reads as this)
	Collective Kind = "cuti_bersama" // cuti bersama
	Regional   Kind = "daerah"       // declared by the regency
)

// DefaultTimeZone is WITA, where BKPSDM Wajo works. It has no daylight saving time.
const DefaultTimeZone = "Asia/Makassar"

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Calendar answers working-time questions for one Spec. It is safe for concurrent use.
type Calendar struct {
	loc     *time.Location
	week    [7][]span
	periods []period
	dated   map[int]bool // yyyymmdd
	yearly  map[int]bool // mmdd
	// years holds, by year, the working time of its first i days at i (a *[367]time.Duration,
	// the whole year's at 366), built the first time a span of whole days reaches the year.
	years sync.Map
}

// span is working time within a day, as offsets from midnight.
type span struct{ from, to time.Duration }

type period struct {
	from, to int // yyyymmdd, both included
	week     [7][]span
}

// Location is the spec's time zone, WITA when it names none.
func (spec Spec) Location() (*time.Location, error) {
	tz := spec.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar time_zone %q: unknown time zone", tz)
	}
	return loc, nil
}

// New checks a Spec and builds its calendar; errors name the field at fault, all at once.
func New(spec Spec) (*Calendar, error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	loc, err := spec.Location()
	if err != nil {
		return nil, err
	}
	c := &Calendar{loc: loc, dated: map[int]bool{}, yearly: map[int]bool{}}
	if len(spec.Week) == 0 {
		bad("calendar week: at least one working day is needed")
	}
	c.week = week("calendar week", spec.Week, bad)

	for _, p := range spec.Periods {
		where := fmt.Sprintf("calendar period %q", p.Name)
		from, err1 := date(p.From)
		to, err2 := date(p.To)
		switch {
		case strings.TrimSpace(p.Name) == "":
			bad("calendar period from %s: a name is needed", p.From)
		case err1 != nil || err2 != nil:
			bad("%s: from and to must be YYYY-MM-DD dates", where)
		case to < from:
			bad("%s: ends (%s) before it starts (%s)", where, p.To, p.From)
		case len(p.Week) == 0:
			bad("%s: at least one working day is needed", where)
		}
		for _, o := range c.periods {
			if from <= o.to && o.from <= to {
				bad("%s: overlaps another period", where)
			}
		}
		c.periods = append(c.periods, period{from: from, to: to, week: week(where+" week", p.Week, bad)})
	}
	sort.Slice(c.periods, func(i, j int) bool { return c.periods[i].from < c.periods[j].from })

	seen := map[string]bool{}
	for _, h := range spec.Holidays {
		where := fmt.Sprintf("calendar holiday %q", h.Date)
		switch h.Kind {
		case "", National, Collective, Regional:
		default:
			bad("%s: kind %q must be %s, %s or %s", where, h.Kind, National, Collective, Regional)
		}
		if seen[h.Date] {
			bad("%s: listed twice", where)
			continue
		}
		seen[h.Date] = true
		if d, err := date(h.Date); err == nil {
			c.dated[d] = true
			continue
		}
		// Parsing "MM-DD" in a leap year accepts 29 February and nothing impossible.
		if t, err := time.Parse("2006-01-02", "2024-"+h.Date); err == nil && len(h.Date) == 5 {
			c.yearly[int(t.Month())*100+t.Day()] = true
			continue
		}
		bad("%s: date must be YYYY-MM-DD (one day) or MM-DD (every year)", where)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// week reads a week's hours into spans per weekday, less the breaks.
func week(where string, hours []Hours, bad func(string, ...any)) [7][]span {
	var w [7][]span
	listed := [7]bool{}
	for _, h := range hours {
		wd, ok := weekdays[strings.ToLower(h.Day)]
		if !ok {
			bad("%s day %q: use mon, tue, wed, thu, fri, sat or sun", where, h.Day)
			continue
		}
		if listed[wd] {
			bad("%s day %s: listed twice", where, h.Day)
			continue
		}
		listed[wd] = true
		from, err1 := clock(h.From)
		to, err2 := clock(h.To)
		if err := errors.Join(err1, err2); err != nil {
			bad("%s day %s: %w", where, h.Day, err)
			continue
		}
		if to <= from {
			bad("%s day %s: hours end (%s) must be after they start (%s)", where, h.Day, h.To, h.From)
			continue
		}
		spans := []span{{from, to}}
		breaks := append([]Span(nil), h.Breaks...)
		sort.Slice(breaks, func(i, j int) bool { return breaks[i].From < breaks[j].From })
		for _, b := range breaks {
			bf, err1 := clock(b.From)
			bt, err2 := clock(b.To)
			last := &spans[len(spans)-1]
			switch {
			case errors.Join(err1, err2) != nil:
				bad("%s day %s break: %w", where, h.Day, errors.Join(err1, err2))
			case bt <= bf:
				bad("%s day %s: break %s–%s ends before it starts", where, h.Day, b.From, b.To)
			case bf <= last.from || bt >= last.to:
				bad("%s day %s: break %s–%s must lie inside the hours and not overlap another", where, h.Day, b.From, b.To)
			default:
				spans = append(spans[:len(spans)-1], span{last.from, bf}, span{bt, last.to})
			}
		}
		w[wd] = spans
	}
	return w
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

func date(s string) (int, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, err
	}
	return key(t), nil
}

func key(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Location is the calendar's time zone: everything a person sees is shown in it.
func (c *Calendar) Location() *time.Location { return c.loc }

// spans are the working spans of a local date: none on a holiday, a period's hours inside it.
func (c *Calendar) spans(day time.Time) []span {
	k := key(day)
	if c.dated[k] || c.yearly[k%10000] {
		return nil
	}
	for _, p := range c.periods {
		if k >= p.from && k <= p.to {
			return p.week[day.Weekday()]
		}
	}
	return c.week[day.Weekday()]
}

// maxDays bounds a search for working time, so a calendar with no working day ahead (all of
// them holidays) cannot loop for ever.
const maxDays = 366 * 20

// instant is the instant of an offset into a local date.
func instant(day time.Time, off time.Duration) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, day.Location()).Add(off)
}

// AddWorkingTime is the instant at which d of working time has passed since t. Time outside
// office hours and breaks does not count: a 30-minute step opened Monday 11:50 is due 13:20.
// Working time that runs out exactly at a span's end is due then, not at the next opening.
func (c *Calendar) AddWorkingTime(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	t = t.In(c.loc)
	day := instant(t, 0)
	for range maxDays {
		for _, s := range c.spans(day) {
			from, to := instant(day, s.from), instant(day, s.to)
			if !to.After(t) {
				continue
			}
			if from.Before(t) {
				from = t
			}
			if left := to.Sub(from); d <= left {
				return from.Add(d)
			}
			d -= to.Sub(from)
		}
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// WorkingTime is how much working time lies between from and to; 0 when to is not after from.
func (c *Calendar) WorkingTime(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	from, to = from.In(c.loc), to.In(c.loc)
	first, last := instant(from, 0), instant(to, 0)
	if first.Equal(last) {
		return c.within(first, from, to)
	}
	// The days wholly inside are counted from the years' sums, without walking them: the report
	// asks this of every open attempt, and a task left open for two years is some 700 days
	// (64 µs walked, against a few hundred nanoseconds).
	return c.within(first, from, to) + c.wholeDays(first.AddDate(0, 0, 1), last) + c.within(last, from, to)
}

// within is the working time of a local day's spans that lies between from and to.
func (c *Calendar) within(day, from, to time.Time) time.Duration {
	var sum time.Duration
	for _, s := range c.spans(day) {
		a, b := instant(day, s.from), instant(day, s.to)
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.After(a) {
			sum += b.Sub(a)
		}
	}
	return sum
}

// wholeDays is the working time of the local days from a up to b (both midnights), each
// counted whole.
func (c *Calendar) wholeDays(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	sum := c.year(b.Year())[b.YearDay()-1] - c.year(a.Year())[a.YearDay()-1]
	for y := a.Year(); y < b.Year(); y++ {
		sum += c.year(y)[366]
	}
	return sum
}

// year is the working time of the first i days of year y, at i; the whole year's at 366.
func (c *Calendar) year(y int) *[367]time.Duration {
	if t, ok := c.years.Load(y); ok {
		return t.(*[367]time.Duration)
	}
	var t [367]time.Duration
	i := 0
	for day := time.Date(y, 1, 1, 0, 0, 0, 0, c.loc); day.Year() == y; day = day.AddDate(0, 0, 1) {
		t[i+1] = t[i]
		for _, s := range c.spans(day) {
			t[i+1] += s.to - s.from
		}
		i++
	}
	t[366] = t[i] // a year of 365 days: its whole at 366 too
	got, _ := c.years.LoadOrStore(y, &t)
	return got.(*[367]time.Duration)
}

// AddWorkingDays is the same clock time n working days after t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(c.loc)
	for i := 0; n > 0 && i < maxDays; i++ {
		t = t.AddDate(0, 0, 1)
		if c.IsWorkingDay(t) {
			n--
		}
	}
	return t
}

// AddCalendarDays is the same local clock time n days after t.
func (c *Calendar) AddCalendarDays(t time.Time, n int) time.Time {
	return t.In(c.loc).AddDate(0, 0, n)
}

// IsWorkingDay reports whether t's local date has office hours (not a weekend, not a holiday).
func (c *Calendar) IsWorkingDay(t time.Time) bool { return len(c.spans(t.In(c.loc))) > 0 }
