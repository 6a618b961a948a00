package main

// The working calendar: what it says, its versions, the operator's edits, and the two
// questions that let an operator check a rule before trusting it.

import (
	"errors"
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
		Short: a.t("cli.calendar.short"),
		Long:  a.t("cli.calendar.long"),
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
		Use:   a.t("cli.calendar.list.use"),
		Short: a.t("cli.calendar.list.short"),
		Args:  a.noArgs,
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
				fmt.Fprintln(w, a.t("cli.calendar.version", v.Version, v.CreatedBy, a.wita(v.CreatedAt), v.Spec.TimeZone))
				a.writeWeek(w, a.t("cli.calendar.hours"), v.Spec.Week)
				for _, p := range v.Spec.Periods {
					a.writeWeek(w, a.t("cli.calendar.period", p.Name, p.From, p.To), p.Week)
				}
				return table(w, a.t("cli.calendar.holidays"), func(tw io.Writer) {
					for _, h := range v.Spec.Holidays {
						if year == 0 || len(h.Date) == 5 || strings.HasPrefix(h.Date, fmt.Sprint(year)) {
							fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Date, a.p.Label(string(h.Kind)), h.Name)
						}
					}
				})
			})
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, a.t("cli.calendar.list.flag.year"))
	return cmd
}

func (a *app) writeWeek(w io.Writer, title string, week []worktime.Hours) {
	fmt.Fprintln(w, title+":")
	for _, h := range week {
		var br []string
		for _, b := range h.Breaks {
			br = append(br, b.From+"-"+b.To)
		}
		rest := ""
		if len(br) > 0 {
			rest = a.t("cli.calendar.breaks", strings.Join(br, ", "))
		}
		fmt.Fprintf(w, "  %s %s-%s%s\n", h.Day, h.From, h.To, rest)
	}
}

func (a *app) calendarHistoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "history",
		Short: a.t("cli.calendar.history.short"),
		Args:  a.noArgs,
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
				return table(w, a.t("cli.calendar.history.header"), func(tw io.Writer) {
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
		return fmt.Errorf("%s: %w", a.t("cli.calendar.unchanged"), err)
	}
	return a.emit(map[string]any{"version": v.Version, "note": note, "pushed": pushed}, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, a.t("cli.calendar.saved", v.Version, note, len(pushed.Moved), a.failedNote(pushed.Failed)))
		return err
	})
}

func (a *app) failedNote(failed []string) string {
	if len(failed) == 0 {
		return ""
	}
	return a.t("cli.calendar.unreached", len(failed), strings.Join(failed, ", "))
}

func (a *app) calendarHolidayCmd() *cobra.Command {
	var date, name, kind, as string
	cmd := &cobra.Command{
		Use:     a.t("cli.calendar.add.use"),
		Short:   a.t("cli.calendar.add.short"),
		Example: `  starter calendar add-holiday --date 2026-05-20 --name "Hari Jadi Kabupaten Wajo" --kind daerah --as operator`,
		Args:    a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			h := worktime.Holiday{Date: date, Name: name, Kind: worktime.Kind(kind)}
			return a.edit(as, fmt.Sprintf("libur %s %s", date, name), func(s worktime.Spec) (worktime.Spec, error) {
				return s.WithHoliday(h), nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", a.t("cli.calendar.add.flag.date"))
	cmd.Flags().StringVar(&name, "name", "", a.t("cli.calendar.add.flag.name"))
	cmd.Flags().StringVar(&kind, "kind", string(worktime.National), a.t("cli.calendar.add.flag.kind"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.flag.as_editor"))
	_ = cmd.MarkFlagRequired("date")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) calendarUnholidayCmd() *cobra.Command {
	var date, as string
	cmd := &cobra.Command{
		Use:   a.t("cli.calendar.remove.use"),
		Short: a.t("cli.calendar.remove.short"),
		Args:  a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.edit(as, "libur "+date+" dihapus", func(s worktime.Spec) (worktime.Spec, error) {
				next, ok := s.WithoutHoliday(date)
				if !ok {
					return s, errors.New(a.t("cli.calendar.remove.none", date))
				}
				return next, nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", a.t("cli.calendar.remove.flag.date"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.flag.as_editor"))
	_ = cmd.MarkFlagRequired("date")
	return cmd
}

func (a *app) calendarHoursCmd() *cobra.Command {
	var day, from, to, period, as string
	var breaks []string
	var off bool
	cmd := &cobra.Command{
		Use:   a.t("cli.calendar.hours.use"),
		Short: a.t("cli.calendar.hours.short"),
		Example: `  starter calendar set-hours --day fri --from 07:30 --to 16:30 --break 11:30-13:00 --as operator
  starter calendar set-hours --day fri --from 08:00 --to 15:30 --break 12:00-13:00 --period "Ramadan 1447 H" --as operator
  starter calendar set-hours --day sat --off --as operator`,
		Args: a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			h := worktime.Hours{Day: day, From: from, To: to}
			for _, b := range breaks {
				f, t, ok := strings.Cut(b, "-")
				if !ok {
					return errors.New(a.t("cli.calendar.hours.break", b))
				}
				h.Breaks = append(h.Breaks, worktime.Span{From: f, To: t})
			}
			if !off && (from == "" || to == "") {
				return errors.New(a.t("cli.calendar.hours.need"))
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
	cmd.Flags().StringVar(&day, "day", "", a.t("cli.calendar.hours.flag.day"))
	cmd.Flags().StringVar(&from, "from", "", a.t("cli.calendar.hours.flag.from"))
	cmd.Flags().StringVar(&to, "to", "", a.t("cli.calendar.hours.flag.to"))
	cmd.Flags().StringArrayVar(&breaks, "break", nil, a.t("cli.calendar.hours.flag.break"))
	cmd.Flags().StringVar(&period, "period", "", a.t("cli.calendar.hours.flag.period"))
	cmd.Flags().BoolVar(&off, "off", false, a.t("cli.calendar.hours.flag.off"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.flag.as_editor"))
	_ = cmd.MarkFlagRequired("day")
	return cmd
}

func (a *app) calendarPeriodCmd() *cobra.Command {
	var name, from, to, as string
	var remove bool
	cmd := &cobra.Command{
		Use:   a.t("cli.calendar.period.use"),
		Short: a.t("cli.calendar.period.short"),
		Example: `  starter calendar period --name "Ramadan 1448 H" --from 2027-02-08 --to 2027-03-09 --as operator
  starter calendar set-hours --period "Ramadan 1448 H" --day mon --from 08:00 --to 15:00 --break 12:00-12:30 --as operator`,
		Args: a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			if remove {
				return a.edit(as, "periode "+name+" dihapus", func(s worktime.Spec) (worktime.Spec, error) {
					next, ok := s.WithoutPeriod(name)
					if !ok {
						return s, errors.New(a.t("cli.calendar.period.none", name))
					}
					return next, nil
				})
			}
			return a.edit(as, fmt.Sprintf("periode %s %s s.d. %s", name, from, to), func(s worktime.Spec) (worktime.Spec, error) {
				return s.WithPeriod(name, from, to), nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", a.t("cli.calendar.period.flag.name"))
	cmd.Flags().StringVar(&from, "from", "", a.t("cli.calendar.period.flag.from"))
	cmd.Flags().StringVar(&to, "to", "", a.t("cli.calendar.period.flag.to"))
	cmd.Flags().BoolVar(&remove, "remove", false, a.t("cli.calendar.period.flag.remove"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.flag.as_editor"))
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) calendarImportCmd() *cobra.Command {
	var file, as string
	cmd := &cobra.Command{
		Use:     a.t("cli.calendar.import.use"),
		Short:   a.t("cli.calendar.import.short"),
		Long:    a.t("cli.calendar.import.long"),
		Example: `  starter calendar import --file libur-2027.csv --as operator`,
		Args:    a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			f, err := os.Open(file)
			if err != nil {
				return fmt.Errorf("%s: %w", a.t("cli.file.holidays"), err)
			}
			defer f.Close()
			hs, err := worktime.ReadHolidays(io.LimitReader(f, 1<<20))
			if err != nil {
				return fmt.Errorf("%s %s: %w", a.t("cli.file.holidays"), file, err)
			}
			return a.edit(as, fmt.Sprintf("%d hari libur dari %s", len(hs), file), func(s worktime.Spec) (worktime.Spec, error) {
				for _, h := range hs {
					s = s.WithHoliday(h)
				}
				return s, nil
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", a.t("cli.calendar.import.flag.file"))
	cmd.Flags().StringVar(&as, "as", defaultActor(), a.t("cli.flag.as_editor"))
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
	return time.Time{}, errors.New(a.t("cli.calendar.instant", flag, s))
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
		Use:     a.t("cli.calendar.due.use"),
		Short:   a.t("cli.calendar.due.short"),
		Example: a.t("cli.calendar.due.example"),
		Args:    a.noArgs,
		RunE: func(*cobra.Command, []string) error {
			t, err := a.instant("--from", from)
			if err != nil {
				return err
			}
			if minutes < 0 {
				return errors.New(a.t("cli.calendar.due.negative", minutes))
			}
			cal, version, err := a.askedCalendar()
			if err != nil {
				return err
			}
			due := cal.AddWorkingTime(t, time.Duration(minutes)*time.Minute)
			return a.emit(map[string]any{"from": t.In(cal.Location()), "minutes": minutes, "due": due, "calendar_version": version},
				func(w io.Writer) error {
					_, err := fmt.Fprintln(w, a.t("cli.calendar.due.done", minutes, a.wita(t), a.wita(due), version))
					return err
				})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", a.t("cli.calendar.due.flag.from"))
	cmd.Flags().IntVar(&minutes, "minutes", 0, a.t("cli.calendar.due.flag.minutes"))
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("minutes")
	return cmd
}

func (a *app) calendarMinutesCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:     a.t("cli.calendar.minutes.use"),
		Short:   a.t("cli.calendar.minutes.short"),
		Example: `  starter calendar minutes --from "2026-05-13 14:00" --to "2026-05-18 09:30"   # 240`,
		Args:    a.noArgs,
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
					_, err := fmt.Fprintln(w, a.t("cli.calendar.minutes.done", n, a.wita(t1), a.wita(t2), version))
					return err
				})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", a.t("cli.calendar.minutes.flag.instant"))
	cmd.Flags().StringVar(&to, "to", "", a.t("cli.calendar.minutes.flag.instant"))
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
