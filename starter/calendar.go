package main

// The working calendar: what it says, its versions, the operator's edits, and the two
// questions that let an operator check a rule before trusting it.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/skflow/skflow/calsync"
	"github.com/skflow/skflow/worktime"
)

func (a *app) calendarCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calendar",
		Short: "The working calendar: show it, edit it (every edit is a new version), ask it",
		Long: `The working calendar measures every mutu baku: office hours less their breaks, dated periods
with hours of their own (Ramadan), holidays and cuti bersama. It is kept in the database in
versions; the configuration's calendar seeds version 1. Every edit makes a new version, is
audited, and is sent to every running case, which plans its open step's due time, reminder and
escalation again.`,
	}
	cmd.AddCommand(a.calendarShowCmd(), a.calendarHistoryCmd(), a.calendarHolidayCmd(), a.calendarUnholidayCmd(),
		a.calendarHoursCmd(), a.calendarPeriodCmd(), a.calendarImportCmd(), a.calendarDueCmd(), a.calendarMinutesCmd())
	return cmd
}

// keptCalendar is the kept calendar and what edits it.
func (a *app) keptCalendar() (*calsync.Syncer, error) {
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	ops, err := a.temporal()
	if err != nil {
		return nil, err
	}
	return a.calendars(st, ops), nil
}

func (a *app) calendarShowCmd() *cobra.Command {
	var year int
	cmd := &cobra.Command{
		Use:   "list [--year YYYY]",
		Short: "Show the calendar in force: hours, breaks, periods and days off",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			v, _, err := (&calsync.Syncer{Store: st, Seed: a.cfg.Calendar}).Current(a.ctx)
			if err != nil {
				return err
			}
			return a.emit(v, func(w io.Writer) error {
				fmt.Fprintf(w, "Kalender kerja versi %d (%s, %s), zona %s\n", v.Version, v.CreatedBy, a.wita(v.CreatedAt), v.Spec.TimeZone)
				writeWeek(w, "Jam kerja", v.Spec.Week)
				for _, p := range v.Spec.Periods {
					writeWeek(w, fmt.Sprintf("%s (%s s.d. %s)", p.Name, p.From, p.To), p.Week)
				}
				return table(w, "TANGGAL\tJENIS\tNAMA", func(tw io.Writer) {
					for _, h := range v.Spec.Holidays {
						if year == 0 || len(h.Date) == 5 || strings.HasPrefix(h.Date, fmt.Sprint(year)) {
							fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Date, h.Kind.Label(), h.Name)
						}
					}
				})
			})
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "only this year's dated days off (yearly ones always show)")
	return cmd
}

func writeWeek(w io.Writer, title string, week []worktime.Hours) {
	fmt.Fprintln(w, title+":")
	for _, h := range week {
		var br []string
		for _, b := range h.Breaks {
			br = append(br, b.From+"-"+b.To)
		}
		rest := ""
		if len(br) > 0 {
			rest = ", istirahat " + strings.Join(br, ", ")
		}
		fmt.Fprintf(w, "  %s %s-%s%s\n", h.Day, h.From, h.To, rest)
	}
}

func (a *app) calendarHistoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "history",
		Short: "List every version of the calendar: who made it, when, why",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			vs, err := st.Calendars(a.ctx)
			if err != nil {
				return err
			}
			return a.emit(vs, func(w io.Writer) error {
				return table(w, "VERSI\tWAKTU\tOLEH\tCATATAN", func(tw io.Writer) {
					for _, v := range vs {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", v.Version, a.wita(v.CreatedAt), v.CreatedBy, v.Note)
					}
				})
			})
		},
	}
}

// edit applies change to the calendar in force and keeps the result as the next version.
func (a *app) edit(as, note string, change func(worktime.Spec) (worktime.Spec, error)) error {
	s, err := a.keptCalendar()
	if err != nil {
		return err
	}
	cur, _, err := s.Current(a.ctx)
	if err != nil {
		return err
	}
	next, err := change(cur.Spec)
	if err != nil {
		return err
	}
	v, pushed, err := s.Save(a.ctx, cur.Version, next, as, note)
	if err != nil {
		return fmt.Errorf("kalender tidak diubah: %w", err)
	}
	return a.emit(map[string]any{"version": v.Version, "note": note, "pushed": pushed}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Kalender kerja versi %d: %s. %d berkas berjalan mengikuti versi ini%s.\n", v.Version, note, len(pushed.Moved),
			failedNote(pushed.Failed))
		return err
	})
}

func failedNote(failed []string) string {
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d belum terjangkau (%s), dicoba lagi oleh worker tiap 5 menit", len(failed), strings.Join(failed, ", "))
}

func (a *app) calendarHolidayCmd() *cobra.Command {
	var date, name, kind, as string
	cmd := &cobra.Command{
		Use:     "add-holiday --date YYYY-MM-DD --name TEXT [--kind nasional|cuti_bersama|daerah] --as WHO",
		Short:   "Add a day off (or rename the one on that date)",
		Example: `  starter calendar add-holiday --date 2026-05-20 --name "Hari Jadi Kabupaten Wajo" --kind daerah --as operator`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			h := worktime.Holiday{Date: date, Name: name, Kind: worktime.Kind(kind)}
			return a.edit(as, fmt.Sprintf("libur %s %s", date, name), func(s worktime.Spec) (worktime.Spec, error) {
				return s.WithHoliday(h), nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "YYYY-MM-DD, or MM-DD for a date that repeats every year (required)")
	cmd.Flags().StringVar(&name, "name", "", "the day's name (required)")
	cmd.Flags().StringVar(&kind, "kind", string(worktime.National), "nasional, cuti_bersama or daerah")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who makes the change")
	_ = cmd.MarkFlagRequired("date")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) calendarUnholidayCmd() *cobra.Command {
	var date, as string
	cmd := &cobra.Command{
		Use:   "remove-holiday --date YYYY-MM-DD --as WHO",
		Short: "Make a day off a working day again",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.edit(as, "libur "+date+" dihapus", func(s worktime.Spec) (worktime.Spec, error) {
				next, ok := s.WithoutHoliday(date)
				if !ok {
					return s, fmt.Errorf("tidak ada hari libur pada %s (lihat: starter calendar list)", date)
				}
				return next, nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the day off's date as listed (required)")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who makes the change")
	_ = cmd.MarkFlagRequired("date")
	return cmd
}

func (a *app) calendarHoursCmd() *cobra.Command {
	var day, from, to, period, as string
	var breaks []string
	var off bool
	cmd := &cobra.Command{
		Use:   "set-hours --day mon --from HH:MM --to HH:MM [--break HH:MM-HH:MM]... [--period NAME] [--off] --as WHO",
		Short: "Set one weekday's office hours and breaks, in the ordinary week or in a period",
		Example: `  starter calendar set-hours --day fri --from 07:30 --to 16:30 --break 11:30-13:00 --as operator
  starter calendar set-hours --day fri --from 08:00 --to 15:30 --break 12:00-13:00 --period "Ramadan 1447 H" --as operator
  starter calendar set-hours --day sat --off --as operator`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			h := worktime.Hours{Day: day, From: from, To: to}
			for _, b := range breaks {
				f, t, ok := strings.Cut(b, "-")
				if !ok {
					return fmt.Errorf("--break %q: tulis HH:MM-HH:MM", b)
				}
				h.Breaks = append(h.Breaks, worktime.Span{From: f, To: t})
			}
			if !off && (from == "" || to == "") {
				return fmt.Errorf("--from and --to are needed, or --off for a day off")
			}
			where := "minggu kerja"
			if period != "" {
				where = period
			}
			note := fmt.Sprintf("jam kerja %s (%s) %s-%s", day, where, from, to)
			if off {
				note = fmt.Sprintf("%s (%s) hari libur", day, where)
			}
			return a.edit(as, note, func(s worktime.Spec) (worktime.Spec, error) { return s.WithHours(period, h, off) })
		},
	}
	cmd.Flags().StringVar(&day, "day", "", "mon, tue, wed, thu, fri, sat or sun (required)")
	cmd.Flags().StringVar(&from, "from", "", "opening, HH:MM")
	cmd.Flags().StringVar(&to, "to", "", "closing, HH:MM")
	cmd.Flags().StringArrayVar(&breaks, "break", nil, "a break, HH:MM-HH:MM (repeatable)")
	cmd.Flags().StringVar(&period, "period", "", "a period's name instead of the ordinary week")
	cmd.Flags().BoolVar(&off, "off", false, "make the day a day off")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who makes the change")
	_ = cmd.MarkFlagRequired("day")
	return cmd
}

func (a *app) calendarPeriodCmd() *cobra.Command {
	var name, from, to, as string
	var remove bool
	cmd := &cobra.Command{
		Use:   "period --name NAME (--from YYYY-MM-DD --to YYYY-MM-DD | --remove) --as WHO",
		Short: "Add or move a dated period with hours of its own (a new one starts with the ordinary week)",
		Example: `  starter calendar period --name "Ramadan 1448 H" --from 2027-02-08 --to 2027-03-09 --as operator
  starter calendar set-hours --period "Ramadan 1448 H" --day mon --from 08:00 --to 15:00 --break 12:00-12:30 --as operator`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if remove {
				return a.edit(as, "periode "+name+" dihapus", func(s worktime.Spec) (worktime.Spec, error) {
					next, ok := s.WithoutPeriod(name)
					if !ok {
						return s, fmt.Errorf("tidak ada periode %q", name)
					}
					return next, nil
				})
			}
			return a.edit(as, fmt.Sprintf("periode %s %s s.d. %s", name, from, to), func(s worktime.Spec) (worktime.Spec, error) {
				return s.WithPeriod(name, from, to), nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the period's name (required)")
	cmd.Flags().StringVar(&from, "from", "", "first day, YYYY-MM-DD")
	cmd.Flags().StringVar(&to, "to", "", "last day, YYYY-MM-DD")
	cmd.Flags().BoolVar(&remove, "remove", false, "remove the period")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who makes the change")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) calendarImportCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:   "import --file HOLIDAYS.csv --as WHO",
		Short: "Add a year's days off from CSV (date,name,kind), as the SKB 3 Menteri lists them",
		Long: `Add the days off of a CSV file, one per row: date (YYYY-MM-DD), name, kind (nasional,
cuti_bersama or daerah; empty is nasional), with or without a header row. A date already listed
is replaced. Every bad row is named by its line and nothing is changed.`,
		Example: `  starter calendar import --file libur-2027.csv --as operator`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			f, err := os.Open(file)
			if err != nil {
				return fmt.Errorf("berkas hari libur: %w", err)
			}
			defer f.Close()
			hs, err := worktime.ReadHolidays(io.LimitReader(f, 1<<20))
			if err != nil {
				return fmt.Errorf("berkas hari libur %s: %w", file, err)
			}
			return a.edit(as, fmt.Sprintf("%d hari libur dari %s", len(hs), file), func(s worktime.Spec) (worktime.Spec, error) {
				for _, h := range hs {
					s = s.WithHoliday(h)
				}
				return s, nil
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "the CSV file (required)")
	cmd.Flags().StringVar(&as, "as", defaultActor(), "who makes the change")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// instant reads a time the way operators write it, in the calendar's zone: "2026-11-23 11:50"
// or "2026-11-23T11:50", or RFC 3339 with its own offset.
func (a *app) instant(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, a.cal.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: tulis YYYY-MM-DD HH:MM (WITA) atau RFC 3339", flag, s)
}

// askedCalendar is the calendar the two questions are asked of: the one in force.
func (a *app) askedCalendar() (*worktime.Calendar, int, error) {
	st, err := a.store()
	if err != nil {
		return nil, 0, err
	}
	v, cal, err := (&calsync.Syncer{Store: st, Seed: a.cfg.Calendar}).Current(a.ctx)
	return cal, v.Version, err
}

func (a *app) calendarDueCmd() *cobra.Command {
	var from string
	var minutes int
	cmd := &cobra.Command{
		Use:     "due --from TIME --minutes N",
		Short:   "When is a step of N working minutes opened at TIME due?",
		Example: `  starter calendar due --from "2026-11-23 11:50" --minutes 30    # 13:20: the break does not count`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			t, err := a.instant("--from", from)
			if err != nil {
				return err
			}
			if minutes < 0 {
				return fmt.Errorf("--minutes %d: tidak boleh negatif", minutes)
			}
			cal, version, err := a.askedCalendar()
			if err != nil {
				return err
			}
			due := cal.AddWorkingTime(t, time.Duration(minutes)*time.Minute)
			return a.emit(map[string]any{"from": t.In(cal.Location()), "minutes": minutes, "due": due, "calendar_version": version},
				func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "%d menit kerja sejak %s: batas %s (kalender versi %d)\n", minutes, a.wita(t), a.wita(due), version)
					return err
				})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", `when the step opened, "YYYY-MM-DD HH:MM" in WITA (required)`)
	cmd.Flags().IntVar(&minutes, "minutes", 0, "working minutes (the mutu baku)")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("minutes")
	return cmd
}

func (a *app) calendarMinutesCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:     "minutes --from TIME --to TIME",
		Short:   "How many working minutes lie between two instants?",
		Example: `  starter calendar minutes --from "2026-05-13 14:00" --to "2026-05-18 09:30"   # 240`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			t1, err := a.instant("--from", from)
			if err != nil {
				return err
			}
			t2, err := a.instant("--to", to)
			if err != nil {
				return err
			}
			cal, version, err := a.askedCalendar()
			if err != nil {
				return err
			}
			n := int(cal.WorkingTime(t1, t2) / time.Minute)
			return a.emit(map[string]any{"from": t1.In(cal.Location()), "to": t2.In(cal.Location()), "minutes": n, "calendar_version": version},
				func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "%d menit kerja dari %s sampai %s (kalender versi %d)\n", n, a.wita(t1), a.wita(t2), version)
					return err
				})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", `"YYYY-MM-DD HH:MM" in WITA (required)`)
	cmd.Flags().StringVar(&to, "to", "", `"YYYY-MM-DD HH:MM" in WITA (required)`)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
