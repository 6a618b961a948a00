package web

// The working calendar as the operator keeps it: the page "Kalender kerja", and its edits, each
// a new version that the running cases follow at once.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
)

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	cur, _, err := s.calendars.Current(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.st.Calendars(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := r.URL.Query().Get("tahun")
	if year == "" {
		year = strconv.Itoa(s.o.Now().In(s.cal.Location()).Year())
	}
	var holidays []worktime.Holiday
	for _, h := range cur.Spec.Holidays {
		if len(h.Date) == 5 || strings.HasPrefix(h.Date, year) {
			holidays = append(holidays, h)
		}
	}
	s.render(w, r, "calendar", map[string]any{"Title": s.p.T("web.nav.calendar"), "Calendar": cur, "Holidays": holidays, "Year": year,
		"History": history, "Days": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}})
}

// editCalendar applies one edit, made on the version the form was shown with, and says what
// became of it.
func (s *Server) editCalendar(w http.ResponseWriter, r *http.Request) {
	base, _ := strconv.Atoi(r.FormValue("version"))
	cur, _, err := s.calendars.Current(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next, note, err := s.calendarEdit(r, cur.Spec)
	if err != nil {
		s.flashBack(w, r, "/calendar", s.p.T("web.calendar.unchanged_raw", err.Error()))
		return
	}
	v, pushed, err := s.calendars.Save(r.Context(), base, next, userOf(r).NIP, note)
	switch {
	case errors.Is(err, store.ErrCalendarChanged):
		s.flashBack(w, r, "/calendar", s.p.T("web.calendar.unchanged", err.Error()))
	case err != nil:
		s.refused(w, r, "/calendar", s.p.T("web.calendar.unchanged_prefix"), err)
	default:
		msg := s.p.T("web.calendar.saved", v.Version, note, len(pushed.Moved))
		if len(pushed.Failed) > 0 {
			msg += " " + s.p.T("web.calendar.unreached", len(pushed.Failed))
		}
		s.flashBack(w, r, "/calendar", msg)
	}
}

// calendarEdit reads the form's edit (op) into the calendar it makes.
func (s *Server) calendarEdit(r *http.Request, spec worktime.Spec) (worktime.Spec, string, error) {
	f := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	switch f("op") {
	case "holiday":
		h := worktime.Holiday{Date: f("date"), Name: f("name"), Kind: worktime.Kind(f("kind"))}
		if h.Name == "" {
			return spec, "", errors.New(s.p.T("web.calendar.holiday_name"))
		}
		return spec.WithHoliday(h), fmt.Sprintf("libur %s %s", h.Date, h.Name), nil
	case "unholiday":
		next, ok := spec.WithoutHoliday(f("date"))
		if !ok {
			return spec, "", fmt.Errorf("tidak ada hari libur pada %s", f("date"))
		}
		return next, "libur " + f("date") + " dihapus", nil
	case "hours":
		h := worktime.Hours{Day: f("day"), From: f("from"), To: f("to")}
		if bf, bt := f("break_from"), f("break_to"); bf != "" || bt != "" {
			h.Breaks = []worktime.Span{{From: bf, To: bt}}
		}
		off := f("off") == "ya"
		next, err := spec.WithHours(f("period"), h, off)
		return next, fmt.Sprintf("jam kerja %s %s-%s", h.Day, h.From, h.To), err
	case "period":
		if f("name") == "" {
			return spec, "", errors.New(s.p.T("web.calendar.period_name"))
		}
		return spec.WithPeriod(f("name"), f("from"), f("to")), fmt.Sprintf("periode %s %s s.d. %s", f("name"), f("from"), f("to")), nil
	case "import":
		file, _, err := r.FormFile("file")
		if err != nil {
			return spec, "", errors.New("pilih berkas CSV hari libur")
		}
		defer file.Close()
		hs, err := worktime.ReadHolidays(io.LimitReader(file, 1<<20))
		if err != nil {
			return spec, "", err
		}
		for _, h := range hs {
			spec = spec.WithHoliday(h)
		}
		return spec, fmt.Sprintf("%d hari libur dari CSV", len(hs)), nil
	}
	return spec, "", errors.New(s.p.T("web.calendar.unknown_edit"))
}
