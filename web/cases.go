package web

// The operators' side of cases: the board, starting and cancelling, the case page and the
// Analis's corrections of the classification.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

// loadCase finds a case, or answers 404 (or 500) itself.
func (s *Server) loadCase(w http.ResponseWriter, r *http.Request, id string) (store.Case, bool) {
	c, err := s.st.Case(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return c, false
	}
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

// caseRow is a case as the board shows it.
type caseRow struct {
	store.Case
	RoleName string
	Late     bool
	DaysUsed float64
	UI       string
}

func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	role, lateOnly, q, order := qs.Get("role"), qs.Get("late") == "1", strings.TrimSpace(qs.Get("q")), qs.Get("urut")
	now := s.o.Now()
	// PostgreSQL filters, sorts and pages: a province's board is one page, not every case.
	bq := store.BoardQuery{Role: role, Search: q, Order: order, Limit: perPage}
	if lateOnly {
		bq.LateAt = &now
	}
	var cases []store.Case
	var total int
	pg, err := fetchPage(qs.Get("hal"), func(offset int) (int, int, error) {
		bq.Offset = offset
		var err error
		cases, total, err = s.st.Board(r.Context(), bq)
		return total, len(cases), err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]caseRow, 0, len(cases))
	for _, c := range cases {
		row := caseRow{Case: c, Late: c.StepLate(now), DaysUsed: c.DaysUsed(now), UI: s.temporalLink(c.ID)}
		if c.OpenRole != nil {
			row.RoleName = s.def.RoleName(*c.OpenRole)
		}
		rows = append(rows, row)
	}
	s.render(w, r, "board", map[string]any{"Title": s.p.T("web.nav.board"), "Cases": rows, "FilterRole": role, "LateOnly": lateOnly,
		"Q": q, "Order": order, "Page": pg.Page, "Pages": pg.Pages, "Total": total, "Prev": pg.Page - 1, "Next": pg.Page + 1})
}

func (s *Server) temporalLink(id string) string {
	if s.o.TemporalUI == "" {
		return ""
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(s.o.TemporalUI, "/"), s.o.Namespace, id)
}

func (s *Server) startCase(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.flashBack(w, r, "/board", s.p.T("web.board.too_big"))
		return
	}
	title := strings.TrimSpace(r.FormValue("title"))
	id := caseops.NewCaseID(s.def.ID, s.o.Now().In(s.cal.Location()))
	kept, _, err := s.calendars.Current(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := chain.CaseInput{CaseID: id, Title: title, StartedBy: u.NIP, Definition: *s.def, Calendar: kept.Spec,
		CalendarVersion: kept.Version, Register: s.register()}
	// Checked before the proposals are stored, so a refused start leaves nothing behind.
	if err := chain.CheckStart(in); err != nil {
		s.flashBack(w, r, "/board", s.p.T("web.board.not_started", capitalize(err.Error())+"."))
		return
	}
	summary := ""
	if f, h, err := r.FormFile("proposals"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			s.flashBack(w, r, "/board", s.p.T("web.board.unreadable"))
			return
		}
		// The same proposals started twice is usually a double click or a re-upload: the
		// operator says so before a second case begins.
		if r.FormValue("lanjut") != "ya" {
			ds, err := intake.Duplicates(r.Context(), s.st, b)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if len(ds) > 0 {
				s.flashBack(w, r, "/board", s.p.T("web.board.not_started", s.p.T("web.board.duplicate", intake.DuplicatesText(s.p, ds))))
				return
			}
		}
		sum, err := intake.Take(r.Context(), s.st, id, h.Filename, b, u.NIP, s.o.BatchSize, nil)
		if err != nil {
			// The file is refused whole; the case is not started.
			s.refused(w, r, "/board", s.p.T("web.board.not_started", ""), err)
			return
		}
		summary = " " + sum.Text(s.p)
		in.Proposals = sum.SHA256
	}
	if err := s.ops.Start(r.Context(), in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.st.WaitCase(r.Context(), id, 10*time.Second); err != nil {
		s.flashBack(w, r, "/board", s.p.T("web.board.queued", id))
		return
	}
	s.sessions.Put(r.Context(), "flash", s.p.T("web.board.started", id)+summary)
	http.Redirect(w, r, "/cases/"+id, http.StatusSeeOther)
}

func (s *Server) cancelCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err := s.ops.Cancel(r.Context(), id, "web:cancel:"+id, chain.Cancellation{Reason: reason, By: userOf(r).NIP})
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		s.flashBack(w, r, "/cases/"+id, s.p.T("web.case.cancel_refused", rej.Text(s.p)))
	case errors.Is(err, caseops.ErrNoCase):
		s.notFound(w, r)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flashBack(w, r, "/cases/"+id, s.p.T("web.case.cancelled"))
	}
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	tasks, err := s.st.Tasks(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cands, err := s.st.Candidates(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems, err := s.st.Problems(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	outbox, err := s.st.Outbox(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.st.Versions(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit := s.p.T("web.case.calendar_days")
	if s.def.Deadline.Unit == sop.WorkingDays {
		unit = s.p.T("web.case.working_days")
	}
	proposalsStep, _ := s.def.Producer(sop.Proposals)
	s.render(w, r, "case", map[string]any{"Title": c.Title, "Case": c, "DeadlineUnit": unit, "Tasks": tasks, "Candidates": cands, "Problems": problems,
		"Outbox": outbox, "ProposalsStep": proposalsStep, "CanCorrect": s.correctable(userOf(r), c), "Versions": versions,
		"CanUpload":  s.mayDraft(userOf(r)) && c.State == string(chain.Running),
		"CanPropose": s.mayDraft(userOf(r)) && c.State == string(chain.Running) && len(cands) == 0 && len(problems) == 0,
		"Flow":       newFlow(s.p, s.def, c.OpenStep, tasks), "UI": s.temporalLink(c.ID), "Steps": s.def.Steps,
		"DaysUsed": c.DaysUsed(s.o.Now()), "CanCancel": userOf(r).Role == roleOperator && c.State == string(chain.Running)})
}

// canCorrect reports whether the user holds the role that may correct the classification.
func (s *Server) canCorrect(u *user) (string, bool) {
	_, review, ok := s.def.FirstReview()
	if !ok {
		return "", false
	}
	_, ok = u.actsFor(review.Role)
	return review.Role, ok
}

// correctCandidate applies the Analis's correction of one candidate's classification.
func (s *Server) correctCandidate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.canCorrect(userOf(r)); !ok {
		s.forbidden(w, r)
		return
	}
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	batch, _ := strconv.Atoi(r.PostFormValue("batch"))
	eligible := r.PostFormValue("action") != "exclude"
	err := intake.Correct(r.Context(), s.st, s.def, c, strings.TrimSpace(r.PostFormValue("nip")), eligible, batch,
		r.PostFormValue("reason"), userOf(r).NIP)
	if err != nil {
		s.refused(w, r, "/cases/"+c.ID, s.p.T("web.case.correction_refused"), err)
		return
	}
	role, _ := s.canCorrect(userOf(r))
	if err := s.drafts.Regenerate(r.Context(), c, userOf(r).NIP, role, s.o.Now().In(s.cal.Location())); err != nil {
		var rej *caseops.Rejection
		if errors.As(err, &rej) {
			s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.case.corrected_draft_refused", rej.Text(s.p)))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.case.corrected", r.PostFormValue("nip")))
}

func (s *Server) correctable(u *user, c store.Case) bool {
	_, review, ok := s.def.FirstReview()
	_, may := s.canCorrect(u)
	return ok && may && c.State == string(chain.Running) && c.OpenStep != nil && *c.OpenStep <= review.Number
}

// register is the decree register new cases number their decree from.
func (s *Server) register() *chain.Register {
	format := s.o.NumberFormat
	if format == "" {
		format = chain.DefaultNumberFormat
	}
	return &chain.Register{Agency: s.def.Agency, Format: format}
}
