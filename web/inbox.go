package web

// The officials' side: the inbox, a task page and the decision it sends.

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
)

// taskRow is an open task as an inbox shows it.
type taskRow struct {
	store.Task
	RoleName   string
	OnBehalfOf string
	Late       bool
	DueToday   bool
	Left       string
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	now := s.o.Now()
	// Time left is counted on the calendar the cases follow now.
	_, cal, err := s.calendars.Current(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Only the page asked for is read; the figures are counted over every open attempt.
	onBehalf := map[string]string{}
	q := store.InboxQuery{Search: strings.TrimSpace(r.URL.Query().Get("q")), Order: r.URL.Query().Get("urut"),
		At: now, EndOfDay: endOfDay(now, s.cal.Location())}
	for _, role := range s.roles(u) {
		q.Roles = append(q.Roles, role)
		onBehalf[role], _ = u.actsFor(role)
	}
	var tasks []store.Task
	var n store.InboxCounts
	pg, err := fetchPage(r.URL.Query().Get("hal"), func(offset int) (int, int, error) {
		var err error
		q.Limit, q.Offset = perPage, offset
		tasks, n, err = s.st.Inbox(r.Context(), q)
		return n.Found, len(tasks), err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]taskRow, 0, len(tasks))
	for _, t := range tasks {
		rows = append(rows, s.taskRow(cal, t, onBehalf[t.Role], now, q.EndOfDay))
	}
	s.render(w, r, "inbox", map[string]any{"Title": s.p.T("web.nav.inbox"), "Tasks": rows, "Waiting": n.Waiting,
		"Q": r.URL.Query().Get("q"), "Order": q.Order, "DueToday": n.DueToday, "Late": n.Late,
		"Page": pg.Page, "Pages": pg.Pages, "Total": n.Found, "Prev": pg.Page - 1, "Next": pg.Page + 1})
}

// endOfDay is the first instant of the day after now's, in loc.
func endOfDay(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// taskRow is an open attempt as the inbox shows it at now, whose day ends at dayEnd.
func (s *Server) taskRow(cal *worktime.Calendar, t store.Task, onBehalf string, now, dayEnd time.Time) taskRow {
	row := taskRow{Task: t, RoleName: s.def.RoleName(t.Role), OnBehalfOf: onBehalf, Left: s.p.T("web.inbox.no_standard")}
	if t.DueAt != nil {
		row.Late = now.After(*t.DueAt)
		row.DueToday = t.DueAt.Before(dayEnd)
		if row.Late {
			row.Left = s.p.T("web.inbox.late_by", int(cal.WorkingTime(*t.DueAt, now)/time.Minute))
		} else {
			row.Left = s.p.T("web.inbox.left", int(cal.WorkingTime(now, *t.DueAt)/time.Minute))
		}
	}
	return row
}

// openFor loads a case whose open step the user may decide; it writes the error page if not.
func (s *Server) openFor(w http.ResponseWriter, r *http.Request) (store.Case, sop.Step, string, bool) {
	c, ok := s.loadCase(w, r, r.PathValue("case"))
	if !ok {
		return c, sop.Step{}, "", false
	}
	if c.OpenStep == nil {
		w.WriteHeader(http.StatusConflict)
		s.render(w, r, "error", map[string]any{"Title": s.p.T("web.task.none.title"), "Message": s.p.T("web.task.none")})
		return c, sop.Step{}, "", false
	}
	onBehalf, ok := userOf(r).actsFor(*c.OpenRole)
	if !ok {
		s.forbidden(w, r)
		return c, sop.Step{}, "", false
	}
	step, _ := s.def.Step(*c.OpenStep)
	return c, step, onBehalf, true
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) {
	c, step, onBehalf, ok := s.openFor(w, r)
	if !ok {
		return
	}
	s.renderTask(w, r, c, step, onBehalf, "", "")
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, c store.Case, step sop.Step, onBehalf, problem, reason string) {
	tasks, err := s.st.Tasks(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The version the official reads is the one the decision names: if it changes before they
	// decide, the case refuses the decision and they look again.
	doc, err := s.drafts.ForDecision(r.Context(), c, userOf(r).NIP, s.o.Now().In(s.cal.Location()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var version *store.Version
	if doc != "" {
		if v, ok, err := s.drafts.Current(r.Context(), c); err == nil && ok && v.SHA256 == doc {
			version = &v
		}
	}
	var returns []store.Task
	var note *store.Task // the instruction the step before gave this one
	for i, t := range tasks {
		if t.Decision != nil && *t.Decision == string(chain.Return) {
			returns = append(returns, t)
		}
		if i == len(tasks)-2 && t.Note != nil && t.Decision != nil && *t.Decision == string(chain.Agree) {
			note = &tasks[i]
		}
	}
	// The candidates as the decree lists them, per angkatan: what a paraf agrees to.
	var batches []skdoc.Batch
	if d, err := s.o.Publisher.Decree(r.Context(), c, s.o.Now()); err == nil {
		batches = d.Batches
	} else if !errors.Is(err, intake.ErrNoCandidates) {
		s.fail(w, r, err)
		return
	}
	issued, _, err := s.st.IssuedDecree(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "task", map[string]any{"Batches": batches, "Issued": issued, "Note": note,
		"NextRole": s.nextRoleName(step), "Title": capitalize(s.p.T("web.task.step", step.Number)), "Case": c, "Step": step,
		"Attempt": *c.OpenAttempt, "Due": c.OpenDue, "History": tasks, "OnBehalfOf": onBehalf, "Problem": problem,
		"Reason": reason, "Token": token(), "ReturnToken": token(), "AgreeLabel": s.p.Label(string(step.Kind)),
		"Document": doc, "Version": version, "Returns": returns, "Sign": step.Kind == sop.KindSign})
}

var tokenPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// token is a form's idempotency key: the update ID of the decision it sends, so a double
// submit is one decision.
func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// decide sends the form's decision. The role check is against the step the form names, not the
// step open now: a repeated submit (same token) then reaches Temporal, which answers it with the
// first decision's result, and a stale form gets the workflow's plain refusal.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("case"))
	if !ok {
		return
	}
	n, _ := strconv.Atoi(r.PostFormValue("step"))
	step, known := s.def.Step(n)
	if !known {
		http.Error(w, s.p.T("web.form.invalid"), http.StatusBadRequest)
		return
	}
	onBehalf, ok := userOf(r).actsFor(step.Role)
	if !ok {
		s.forbidden(w, r)
		return
	}
	u := userOf(r)
	action := chain.Action(r.PostFormValue("action"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	tok := r.PostFormValue("token")
	attempt, _ := strconv.Atoi(r.PostFormValue("attempt"))
	if !tokenPattern.MatchString(tok) || attempt < 1 {
		http.Error(w, s.p.T("web.form.invalid"), http.StatusBadRequest)
		return
	}
	// The step's output goes to the case before its agreement: the proposals stored with it, or
	// the classification as it stands.
	if action == chain.Agree {
		if err := s.drafts.Produce(r.Context(), c, n, u.NIP, step.Role); err != nil {
			s.refusedOnTask(w, r, c, step, onBehalf, reason, action, err)
			return
		}
	}
	// The decision names the version the official read, as the form carried it.
	doc := r.PostFormValue("document")
	if step.Kind == sop.KindSign && action == chain.Agree && r.PostFormValue("confirm") != "ya" {
		w.WriteHeader(http.StatusBadRequest)
		s.renderTask(w, r, c, step, onBehalf, s.p.T("web.task.confirm_first"), "")
		return
	}
	d := chain.Decision{Step: n, Attempt: attempt, Action: action, Reason: reason, Document: doc,
		Actor: u.actor(step.Role, onBehalf)}
	if action == chain.Agree {
		d.Note = strings.TrimSpace(r.PostFormValue("note"))
	}
	if err := chain.CheckDecision(d); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		s.renderTask(w, r, c, step, onBehalf, capitalize(err.Error())+".", "")
		return
	}
	res, err := s.ops.DecideOnce(r.Context(), c.ID, "web:"+tok, d)
	if err != nil {
		s.refusedOnTask(w, r, c, step, onBehalf, reason, action, err)
		return
	}
	if res.Repeat {
		s.flashBack(w, r, "/inbox", s.p.T("web.task.repeat", res.Record.Step, s.verb(step, res.Record.Action)))
		return
	}
	s.metrics.decisions.WithLabelValues(string(action), "recorded").Inc()
	msg := s.p.T("web.task.recorded", res.Record.Step, s.verb(step, action))
	if res.Next != nil {
		msg += " " + s.p.T("web.task.now_at", res.Next.Step, s.def.RoleName(res.Next.Role))
	} else {
		msg += " " + s.p.T("web.task.completed")
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

// refusedOnTask answers a decision the case refused in its own words, on the task page (or in
// the inbox, when the step has moved on); anything else as failRequest.
func (s *Server) refusedOnTask(w http.ResponseWriter, r *http.Request, c store.Case, step sop.Step, onBehalf, reason string,
	action chain.Action, err error) {
	var rej *caseops.Rejection
	if !errors.As(err, &rej) {
		s.failRequest(w, r, err)
		return
	}
	s.metrics.decisions.WithLabelValues(string(action), "refused").Inc()
	if c.OpenStep == nil || *c.OpenStep != step.Number {
		s.flashBack(w, r, "/inbox", rej.Text(s.p))
		return
	}
	w.WriteHeader(http.StatusConflict)
	s.renderTask(w, r, c, step, onBehalf, rej.Text(s.p), reason)
}

func (s *Server) verb(step sop.Step, a chain.Action) string {
	if a == chain.Return {
		return s.p.Label(string(chain.Return))
	}
	return s.p.Label(string(step.Kind))
}

// failRequest answers a case request that could not be completed in the person's words:
// which part is down, and whether the request will still land.
func (s *Server) failRequest(w http.ResponseWriter, r *http.Request, err error) {
	msg := ""
	switch {
	case errors.Is(err, caseops.ErrNotYetRecorded):
		msg = s.p.T("web.request.not_recorded")
		if s.st.Ping(r.Context()) != nil {
			msg = s.p.T("web.request.database_down") + " " + msg
		}
	case errors.Is(err, caseops.ErrNotTaken):
		msg = s.p.T("web.request.not_taken")
	default:
		s.fail(w, r, err)
		return
	}
	s.o.Log.Warn("case request not completed", "path", r.URL.Path, "err", err)
	w.WriteHeader(http.StatusServiceUnavailable)
	s.render(w, r, "error", map[string]any{"Title": s.p.T("web.request.title"), "Message": msg})
}

// nextRoleName is the role the step's agreement hands the case to, for the instruction's label.
func (s *Server) nextRoleName(step sop.Step) string {
	i, ok := s.def.Index(step.Number)
	if !ok || i+1 >= len(s.def.Steps) {
		return ""
	}
	return s.def.RoleName(s.def.Steps[i+1].Role)
}
