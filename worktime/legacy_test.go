package worktime

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
)

// oldCalendar is the rickar/cal calendar the package used to build for a one-span-a-day spec.
func oldCalendar(t *testing.T, spec Spec) *cal.BusinessCalendar {
	t.Helper()
	bc := cal.NewBusinessCalendar()
	var week [7]*Hours
	for i := range spec.Week {
		week[weekdays[spec.Week[i].Day]] = &spec.Week[i]
	}
	for d := range week {
		bc.SetWorkday(time.Weekday(d), week[d] != nil)
	}
	edge := func(date time.Time, pick func(Hours) string) time.Time {
		h := week[date.Weekday()]
		if h == nil {
			return time.Time{}
		}
		off, _ := clock(pick(*h))
		y, m, d := date.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, date.Location()).Add(off)
	}
	bc.WorkdayStartFunc = func(d time.Time) time.Time { return edge(d, func(h Hours) string { return h.From }) }
	bc.WorkdayEndFunc = func(d time.Time) time.Time { return edge(d, func(h Hours) string { return h.To }) }
	for _, h := range spec.Holidays {
		if d, err := time.Parse("2006-01-02", h.Date); err == nil {
			bc.AddHoliday(&cal.Holiday{Name: h.Name, Type: cal.ObservancePublic, Month: d.Month(), Day: d.Day(),
				StartYear: d.Year(), EndYear: d.Year(), Func: cal.CalcDayOfMonth})
			continue
		}
		d, _ := time.Parse("2006-01-02", "2024-"+h.Date)
		bc.AddHoliday(&cal.Holiday{Name: h.Name, Type: cal.ObservancePublic, Month: d.Month(), Day: d.Day(), Func: cal.CalcDayOfMonth})
	}
	return bc
}

// A case started before breaks and periods carries a one-span-a-day calendar; on it the new
// arithmetic answers exactly what rickar/cal answered, to the nanosecond, so the due times of
// cases running for weeks do not move under them.
func TestALegacySnapshotMeansWhatItMeant(t *testing.T) {
	spec := legacy()
	spec.Holidays = append(spec.Holidays, Holiday{Date: "2026-11-23", Name: "cuti bersama"}, Holiday{Date: "2026-03-20", Name: "Idulfitri"})
	c := MustNew(spec)
	old := oldCalendar(t, spec)
	r := rand.New(rand.NewPCG(9, 10))
	base := at("2025-06-01", "00:00")
	for i := 0; i < 20000; i++ {
		from := base.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))
		d := time.Duration(r.Int64N(int64(40 * time.Hour)))
		if i%4 == 0 {
			d = d.Truncate(time.Minute)
		}
		if got, want := c.AddWorkingTime(from, d), old.AddWorkHours(from.In(c.loc), d); !got.Equal(want) {
			t.Fatalf("AddWorkingTime(%s, %s) = %s, rickar said %s", from.In(c.loc), d, got, want)
		}
		to := from.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
		if got, want := c.WorkingTime(from, to), old.WorkHoursInRange(from.In(c.loc), to.In(c.loc)); got != want {
			t.Fatalf("WorkingTime(%s, %s) = %s, rickar said %s", from.In(c.loc), to.In(c.loc), got, want)
		}
		n := r.IntN(60)
		if got, want := c.AddWorkingDays(from, n), old.WorkdaysFrom(from.In(c.loc), n); !got.Equal(want) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, rickar said %s", from.In(c.loc), n, got, want)
		}
	}
}
