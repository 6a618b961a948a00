package web

// The auditors' report, as a page and as CSV.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
)

// reportPeriod reads the form's period (days in the calendar's zone, both included); a day
// left empty or not a date leaves that end open.
func (s *Server) reportPeriod(r *http.Request) (store.Period, string, string) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	var p store.Period
	if d, err := time.ParseInLocation("2006-01-02", from, s.cal.Location()); err == nil {
		p.From = d
	}
	if d, err := time.ParseInLocation("2006-01-02", to, s.cal.Location()); err == nil {
		p.To = d.AddDate(0, 0, 1)
	}
	return p, from, to
}

// reportOf builds the report rows of some cases with the calendar in force.
func (s *Server) reportOf(ctx context.Context, cases []store.Case) (report.Report, error) {
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	tasks, err := s.st.TasksOf(ctx, ids)
	if err != nil {
		return report.Report{}, err
	}
	_, cal, err := s.calendars.Current(ctx)
	if err != nil {
		return report.Report{}, err
	}
	return report.Build(cases, tasks, cal, s.o.Now())
}

// reportPage shows the statistics PostgreSQL computes over the period, and one page of its
// cases against the deadline. Its four reads are independent and each waits on the database,
// so they run at once: the page takes the longest of them, not their sum.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	period, from, to := s.reportPeriod(r)
	g, ctx := errgroup.WithContext(r.Context())
	var byStep, byRole []store.DecidedStat
	g.Go(func() (err error) {
		byStep, byRole, err = s.st.DecidedStats(ctx, period)
		return err
	})
	var rep report.Report
	var pg page
	var total int
	g.Go(func() (err error) {
		var cases []store.Case
		pg, err = fetchPage(r.URL.Query().Get("hal"), func(offset int) (int, int, error) {
			var err error
			cases, total, err = s.st.CasesStarted(ctx, period, perPage, offset)
			return total, len(cases), err
		})
		if err != nil {
			return err
		}
		rep, err = s.reportOf(ctx, cases)
		return err
	})
	var runs []store.TrainingSummary
	var lateness []store.ActivityLateness
	g.Go(func() (err error) {
		runs, lateness, err = s.st.TrainingReport(ctx)
		return err
	})
	var complaints store.ComplaintSummary
	g.Go(func() (err error) {
		complaints, err = s.st.ComplaintReport(ctx)
		return err
	})
	if err := g.Wait(); err != nil {
		s.fail(w, r, err)
		return
	}
	steps := report.ByStep(byStep)
	var order []string
	for _, role := range s.def.Roles {
		order = append(order, role.ID)
	}
	s.render(w, r, "report", map[string]any{"Title": s.p.T("web.report.title"), "Steps": steps, "Roles": report.ByRole(byRole, order),
		"Cases": rep.Totals, "Chart": barChart(s.p, steps), "From": from, "To": to, "Runs": runs, "Lateness": lateness,
		"Bands": s.o.Training.Evaluation.Bands, "Def": s.o.Training, "Complaints": complaints,
		"Page": pg.Page, "Pages": pg.Pages, "Total": total, "Prev": pg.Page - 1, "Next": pg.Page + 1})
}

// reportExport is the step rows as CSV (for Excel set to Indonesian) or, at .xlsx, a workbook.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request) {
	period, _, _ := s.reportPeriod(r)
	_, cal, err := s.calendars.Current(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ext, ctype := "csv", "text/csv; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		ext, ctype = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	// Written as it is read, so a province's export is never held whole. A failure before the
	// first byte is an error page; after it, it can only cut the download short, and is logged.
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="laporan-mutu-baku.%s"`, ext))
	out := &sentWriter{w: w}
	read := func(task func(store.Task) error, kase func(store.Case) error) error {
		return s.st.Records(r.Context(), store.Scope{Period: period}, task, kase)
	}
	if err := report.Stream(read, cal, s.o.Now(), report.Formats[ext](out, s.cal.Location(), s.p)); err != nil {
		if !out.sent {
			w.Header().Del("Content-Disposition")
			s.fail(w, r, err)
			return
		}
		s.o.Log.Error("write report export", "format", ext, "err", err)
	}
}

// sentWriter tells whether anything was written yet.
type sentWriter struct {
	w    io.Writer
	sent bool
}

func (s *sentWriter) Write(p []byte) (int, error) {
	s.sent = true
	return s.w.Write(p)
}
