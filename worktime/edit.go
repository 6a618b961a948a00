package worktime

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The edits an operator makes to a calendar. Each returns a new Spec and leaves the old one
// alone, so a refused edit changes nothing; New checks the result.

// Clone is a copy sharing no slice with s.
func (s Spec) Clone() Spec {
	c := s
	c.Week = cloneWeek(s.Week)
	c.Holidays = slices.Clone(s.Holidays)
	c.Periods = make([]Period, len(s.Periods))
	for i, p := range s.Periods {
		p.Week = cloneWeek(p.Week)
		c.Periods[i] = p
	}
	if len(s.Periods) == 0 {
		c.Periods = nil
	}
	return c
}

func cloneWeek(w []Hours) []Hours {
	out := make([]Hours, len(w))
	for i, h := range w {
		h.Breaks = slices.Clone(h.Breaks)
		out[i] = h
	}
	return out
}

// WithHoliday adds a day off, or replaces the entry of the same date.
func (s Spec) WithHoliday(h Holiday) Spec {
	c := s.Clone()
	for i := range c.Holidays {
		if c.Holidays[i].Date == h.Date {
			c.Holidays[i] = h
			return c
		}
	}
	c.Holidays = append(c.Holidays, h)
	slices.SortStableFunc(c.Holidays, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	return c
}

// WithoutHoliday removes the entry of a date; ok is false when there is none.
func (s Spec) WithoutHoliday(date string) (Spec, bool) {
	c := s.Clone()
	n := len(c.Holidays)
	c.Holidays = slices.DeleteFunc(c.Holidays, func(h Holiday) bool { return h.Date == date })
	return c, len(c.Holidays) < n
}

// WithHours sets one weekday's hours in the ordinary week (period "") or in the named period;
// off makes the day a day off there.
func (s Spec) WithHours(period string, h Hours, off bool) (Spec, error) {
	c := s.Clone()
	week := &c.Week
	if period != "" {
		i := slices.IndexFunc(c.Periods, func(p Period) bool { return p.Name == period })
		if i < 0 {
			return s, fmt.Errorf("tidak ada periode %q", period)
		}
		week = &c.Periods[i].Week
	}
	day := strings.ToLower(h.Day)
	if _, ok := weekdays[day]; !ok {
		return s, fmt.Errorf("hari %q: gunakan mon, tue, wed, thu, fri, sat atau sun", h.Day)
	}
	h.Day = day
	*week = slices.DeleteFunc(*week, func(x Hours) bool { return strings.ToLower(x.Day) == day })
	if !off {
		*week = append(*week, h)
		slices.SortStableFunc(*week, func(a, b Hours) int { return int(weekdays[a.Day]+6)%7 - int(weekdays[b.Day]+6)%7 })
	}
	return c, nil
}

// WithPeriod adds a dated period, or moves the one of the same name; a new one starts with the
// ordinary week's hours, for WithHours to change.
func (s Spec) WithPeriod(name, from, to string) Spec {
	c := s.Clone()
	for i := range c.Periods {
		if c.Periods[i].Name == name {
			c.Periods[i].From, c.Periods[i].To = from, to
			return c
		}
	}
	c.Periods = append(c.Periods, Period{Name: name, From: from, To: to, Week: cloneWeek(c.Week)})
	return c
}

// WithoutPeriod removes a period; ok is false when there is none of that name.
func (s Spec) WithoutPeriod(name string) (Spec, bool) {
	c := s.Clone()
	n := len(c.Periods)
	c.Periods = slices.DeleteFunc(c.Periods, func(p Period) bool { return p.Name == name })
	return c, len(c.Periods) < n
}

// ReadHolidays reads a year's days off from CSV: date, name, kind (nasional, cuti_bersama or
// daerah; empty is nasional), with or without a header row. Rows are checked one by one and
// every problem is named by its line.
func ReadHolidays(r io.Reader) ([]Holiday, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []Holiday
	var errs []error
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CSV baris %d: %w", line, err)
		}
		if first := strings.ToLower(strings.TrimSpace(rec[0])); line == 1 && (first == "date" || first == "tanggal") {
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			errs = append(errs, fmt.Errorf("baris %d: perlu tanggal, nama[, jenis]", line))
			continue
		}
		h := Holiday{Date: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1])}
		if len(rec) == 3 {
			h.Kind = Kind(strings.TrimSpace(rec[2]))
		}
		if _, err := date(h.Date); err != nil {
			errs = append(errs, fmt.Errorf("baris %d: tanggal %q harus YYYY-MM-DD", line, h.Date))
			continue
		}
		switch h.Kind {
		case "", National, Collective, Regional:
		default:
			errs = append(errs, fmt.Errorf("baris %d: jenis %q harus %s, %s atau %s", line, h.Kind, National, Collective, Regional))
			continue
		}
		if h.Name == "" {
			errs = append(errs, fmt.Errorf("baris %d: nama hari libur kosong", line))
			continue
		}
		out = append(out, h)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("berkas tidak memuat hari libur")
	}
	return out, nil
}
