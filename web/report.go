package web

// The auditors' report, as a page and as CSV.

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/store"
)

func (s *Server) reportData(r *http.Request) (report.Report, string, string, error) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	cases, err := s.st.Cases(r.Context())
	if err != nil {
		return report.Report{}, from, to, err
	}
	loc := s.cal.Location()
	in := func(c store.Case) bool {
		day := c.StartedAt.In(loc).Format("2006-01-02")
		return (from == "" || day >= from) && (to == "" || day <= to)
	}
	var kept []store.Case
	keep := map[string]bool{}
	for _, c := range cases {
		if in(c) {
			kept = append(kept, c)
			keep[c.ID] = true
		}
	}
	tasks, err := s.st.Tasks(r.Context(), "")
	if err != nil {
		return report.Report{}, from, to, err
	}
	var mine []store.Task
	for _, t := range tasks {
		if keep[t.CaseID] {
			mine = append(mine, t)
		}
	}
	_, cal, err := s.calendars.Current(r.Context())
	if err != nil {
		return report.Report{}, from, to, err
	}
	return report.Build(kept, mine, cal, s.o.Now()), from, to, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	rep, from, to, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	steps := rep.ByStep()
	var order []string
	for _, role := range s.def.Roles {
		order = append(order, role.ID)
	}
	runs, lateness, err := s.st.TrainingReport(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	complaints, err := s.st.ComplaintReport(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "report", map[string]any{"Title": s.p.T("web.report.title"), "Steps": steps, "Roles": rep.ByRole(order),
		"Cases": rep.Totals, "Chart": barChart(s.p, steps), "From": from, "To": to, "Runs": runs, "Lateness": lateness,
		"Bands": s.o.Training.Evaluation.Bands, "Def": s.o.Training, "Complaints": complaints})
}

// reportExport is the step rows as CSV (for Excel set to Indonesian) or, at .xlsx, a workbook.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request) {
	rep, _, _, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	write, ext, ctype := rep.WriteCSV, "csv", "text/csv; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		write, ext, ctype = rep.WriteXLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="laporan-mutu-baku.%s"`, ext))
	if err := write(w, s.cal.Location(), s.p); err != nil {
		s.o.Log.Error("write report export", "format", ext, "err", err)
	}
}
