package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/report"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/textcheck"
)

const maxUpload = 20 << 20

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	switch {
	case len(s.roles(u)) > 0:
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	case u.Role == roleOperator:
		http.Redirect(w, r, "/board", http.StatusSeeOther)
	case u.Role == roleAuditor:
		http.Redirect(w, r, "/report", http.StatusSeeOther)
	default:
		s.forbidden(w, r)
	}
}

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
	var rows []taskRow
	for _, role := range s.roles(u) {
		tasks, err := s.st.OpenTasks(r.Context(), role)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		onBehalf, _ := u.actsFor(role)
		for _, t := range tasks {
			rows = append(rows, s.taskRow(t, onBehalf, now))
		}
	}
	slices.SortFunc(rows, func(a, b taskRow) int { return a.OpenedAt.Compare(b.OpenedAt) })
	var dueToday, late int
	for _, t := range rows {
		if t.Late {
			late++
		} else if t.DueToday {
			dueToday++
		}
	}
	s.render(w, r, "inbox", map[string]any{"Title": "Kotak masuk", "Tasks": rows, "Waiting": len(rows),
		"DueToday": dueToday, "Late": late})
}

func (s *Server) taskRow(t store.Task, onBehalf string, now time.Time) taskRow {
	row := taskRow{Task: t, RoleName: s.def.RoleName(t.Role), OnBehalfOf: onBehalf, Left: "tanpa mutu baku"}
	if t.DueAt != nil {
		loc := s.cal.Location()
		y, m, d := now.In(loc).Date()
		endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		row.Late = now.After(*t.DueAt)
		row.DueToday = t.DueAt.Before(endOfDay)
		if row.Late {
			row.Left = fmt.Sprintf("terlambat %d menit kerja", int(s.cal.WorkingTime(*t.DueAt, now)/time.Minute))
		} else {
			row.Left = fmt.Sprintf("%d menit kerja", int(s.cal.WorkingTime(now, *t.DueAt)/time.Minute))
		}
	}
	return row
}

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

// openFor loads a case whose open step the user may decide; it writes the error page if not.
func (s *Server) openFor(w http.ResponseWriter, r *http.Request) (store.Case, sop.Step, string, bool) {
	c, ok := s.loadCase(w, r, r.PathValue("case"))
	if !ok {
		return c, sop.Step{}, "", false
	}
	if c.OpenStep == nil {
		w.WriteHeader(http.StatusConflict)
		s.render(w, r, "error", map[string]any{"Title": "Tidak ada tugas terbuka",
			"Message": "Berkas ini tidak sedang menunggu keputusan (sudah selesai atau dibatalkan)."})
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
	s.render(w, r, "task", map[string]any{"Title": fmt.Sprintf("Langkah %d", step.Number), "Case": c, "Step": step,
		"Attempt": *c.OpenAttempt, "Due": c.OpenDue, "History": tasks, "OnBehalfOf": onBehalf, "Problem": problem,
		"Reason": reason, "Token": token(), "ReturnToken": token(), "AgreeLabel": step.Kind.AgreeLabel()})
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
		http.Error(w, "formulir tidak sah; muat ulang halaman", http.StatusBadRequest)
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
		http.Error(w, "formulir tidak sah; muat ulang halaman", http.StatusBadRequest)
		return
	}
	doc, err := s.drafts.ForDecision(r.Context(), c, u.NIP, s.o.Now().In(s.cal.Location()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := chain.Decision{Step: n, Attempt: attempt, Action: action, Reason: reason, Document: doc,
		Actor: u.actor(step.Role, onBehalf)}
	if err := chain.CheckDecision(d); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		s.renderTask(w, r, c, step, onBehalf, capitalize(err.Error())+".", "")
		return
	}
	res, err := s.ops.DecideOnce(r.Context(), c.ID, "web:"+tok, d)
	var rej *caseops.Rejection
	if errors.As(err, &rej) {
		s.metrics.decisions.WithLabelValues(string(action), "refused").Inc()
		if c.OpenStep == nil || *c.OpenStep != n {
			s.flashBack(w, r, "/inbox", refusal(rej))
			return
		}
		w.WriteHeader(http.StatusConflict)
		s.renderTask(w, r, c, step, onBehalf, refusal(rej), reason)
		return
	}
	if err != nil {
		s.failRequest(w, r, err)
		return
	}
	if res.Repeat {
		s.flashBack(w, r, "/inbox", fmt.Sprintf("Keputusan ini sudah tercatat sebelumnya (langkah %d, %s); tidak ada yang dicatat lagi.",
			res.Record.Step, verb(step, res.Record.Action)))
		return
	}
	s.metrics.decisions.WithLabelValues(string(action), "recorded").Inc()
	msg := fmt.Sprintf("Langkah %d dicatat (%s).", res.Record.Step, verb(step, action))
	if res.Next != nil {
		msg += fmt.Sprintf(" Berkas sekarang di langkah %d: %s.", res.Next.Step, s.def.RoleName(res.Next.Role))
	} else {
		msg += " Berkas selesai."
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func verb(step sop.Step, a chain.Action) string {
	if a == chain.Return {
		return "dikembalikan"
	}
	return step.Kind.AgreeLabel()
}

// refusal says a workflow's rejection in Bahasa Indonesia.
func refusal(r *caseops.Rejection) string {
	switch r.Type {
	case chain.RejectWrongStep, chain.RejectStaleAttempt:
		return "Langkah ini sudah tidak terbuka: berkas sudah berpindah. Muat ulang kotak masuk."
	case chain.RejectWrongRole:
		return "Tugas ini bukan untuk jabatan Anda."
	case chain.RejectReasonRequired:
		return "Alasan pengembalian wajib diisi."
	case chain.RejectNoReturn:
		return "Langkah ini tidak dapat dikembalikan menurut SOP."
	case chain.RejectCaseClosed:
		return "Berkas sudah selesai atau dibatalkan."
	case chain.RejectBusy:
		return "Keputusan lain sedang dicatat. Coba lagi sebentar."
	case chain.RejectBadAction:
		return "Pilih setuju atau kembalikan."
	case chain.RejectBadText:
		return "Teks tidak dapat diterima: " + r.Message + "."
	case chain.RejectCancelling:
		return "Berkas sedang dibatalkan melalui Temporal; tidak menerima keputusan lagi."
	case chain.RejectNotRevisable:
		return "Draft SK tidak dapat diganti versinya pada tahap ini."
	}
	return "Permintaan ditolak oleh berkas."
}

// failRequest answers a case request that could not be completed in the person's words:
// which part is down, and whether the request will still land.
func (s *Server) failRequest(w http.ResponseWriter, r *http.Request, err error) {
	msg := ""
	switch {
	case errors.Is(err, caseops.ErrNotYetRecorded):
		msg = "Keputusan diterima tetapi belum tercatat; akan tercatat begitu basis data kembali."
		if s.st.Ping(r.Context()) != nil {
			msg = "Basis data sedang tidak dapat dihubungi. " + msg
		}
	case errors.Is(err, caseops.ErrNotTaken):
		msg = "Sistem alur kerja (worker) tidak menjawab; keputusan belum diterima. Coba lagi sebentar lagi: mengirim ulang aman."
	default:
		s.fail(w, r, err)
		return
	}
	s.o.Log.Warn("case request not completed", "path", r.URL.Path, "err", err)
	w.WriteHeader(http.StatusServiceUnavailable)
	s.render(w, r, "error", map[string]any{"Title": "Belum tercatat", "Message": msg})
}

// stateName says a case's state in Bahasa Indonesia.
func stateName(state string) string {
	switch chain.CaseState(state) {
	case chain.Running:
		return "berjalan"
	case chain.Completed:
		return "selesai"
	case chain.Cancelled:
		return "dibatalkan"
	case chain.Stopped:
		return "dihentikan di luar skflow"
	}
	return state
}

// capitalize starts a message with a capital letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
	cases, err := s.st.Cases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	role, lateOnly := r.URL.Query().Get("role"), r.URL.Query().Get("late") == "1"
	now := s.o.Now()
	var rows []caseRow
	for _, c := range cases {
		row := caseRow{Case: c, Late: c.StepLate(now), DaysUsed: c.DaysUsed(now), UI: s.temporalLink(c.ID)}
		if c.OpenRole != nil {
			row.RoleName = s.def.RoleName(*c.OpenRole)
		}
		if (role != "" && (c.OpenRole == nil || *c.OpenRole != role)) || (lateOnly && !row.Late) {
			continue
		}
		rows = append(rows, row)
	}
	s.render(w, r, "board", map[string]any{"Title": "Papan berkas", "Cases": rows, "FilterRole": role, "LateOnly": lateOnly})
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
		s.flashBack(w, r, "/board", "Berkas unggahan terlalu besar (maksimal 20 MiB) atau formulir rusak.")
		return
	}
	title := strings.TrimSpace(r.FormValue("title"))
	id := caseops.NewCaseID(s.def.ID, s.o.Now().In(s.cal.Location()))
	in := chain.CaseInput{CaseID: id, Title: title, StartedBy: u.NIP, Definition: *s.def, Calendar: s.o.Calendar}
	// Checked before the proposals are stored, so a refused start leaves nothing behind.
	if err := chain.CheckStart(in); err != nil {
		s.flashBack(w, r, "/board", "Berkas tidak dimulai. "+capitalize(err.Error())+".")
		return
	}
	summary := ""
	if f, h, err := r.FormFile("proposals"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			s.flashBack(w, r, "/board", "Berkas usulan OPD tidak terbaca.")
			return
		}
		sum, err := intake.Take(r.Context(), s.st, id, h.Filename, b, u.NIP, s.o.BatchSize, nil)
		if err != nil {
			// The file is refused whole; the case is not started.
			s.refused(w, r, "/board", "Berkas tidak dimulai. ", err)
			return
		}
		summary = " " + sum.String()
	}
	if err := s.ops.Start(r.Context(), in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.st.WaitCase(r.Context(), id, 10*time.Second); err != nil {
		s.flashBack(w, r, "/board", "Berkas "+id+" sudah diantrikan tetapi belum tercatat; periksa apakah worker berjalan.")
		return
	}
	s.sessions.Put(r.Context(), "flash", "Berkas "+id+" dimulai."+summary)
	http.Redirect(w, r, "/cases/"+id, http.StatusSeeOther)
}

func (s *Server) cancelCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err := s.ops.Cancel(r.Context(), id, "web:cancel:"+id, chain.Cancellation{Reason: reason, By: userOf(r).NIP})
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		s.flashBack(w, r, "/cases/"+id, "Pembatalan ditolak: "+refusal(rej))
	case errors.Is(err, caseops.ErrNoCase):
		s.notFound(w, r)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flashBack(w, r, "/cases/"+id, "Berkas dibatalkan.")
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
	s.render(w, r, "case", map[string]any{"Title": c.Title, "Case": c, "Tasks": tasks, "Candidates": cands, "Problems": problems,
		"Outbox": outbox, "CanCorrect": s.correctable(userOf(r), c), "Versions": versions,
		"CanUpload": len(s.roles(userOf(r))) > 0 && c.State == string(chain.Running),
		"Swimlane":  swimlane(s.def, c.OpenStep, tasks), "UI": s.temporalLink(c.ID),
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
		s.refused(w, r, "/cases/"+c.ID, "Koreksi ditolak: ", err)
		return
	}
	if err := s.drafts.Regenerate(r.Context(), c, userOf(r).NIP, s.o.Now().In(s.cal.Location())); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashBack(w, r, "/cases/"+c.ID, "Klasifikasi "+r.PostFormValue("nip")+" dikoreksi.")
}

// signedSK is a completed case's decree, dated the day the SOP's signing step was decided.
func (s *Server) signedSK(r *http.Request, c store.Case) (skdoc.Draft, error) {
	date := s.o.Now()
	if tasks, err := s.st.Tasks(r.Context(), c.ID); err == nil {
		for _, step := range s.def.Steps {
			if step.Kind != sop.KindSign {
				continue
			}
			for _, t := range tasks {
				if t.Step == step.Number && t.DecidedAt != nil {
					date = *t.DecidedAt
				}
			}
		}
	}
	return intake.Draft(r.Context(), s.st, c, s.o.BatchSize, date.In(s.cal.Location()))
}

// signedVersion is the stored version the signing step was decided on, if there is one.
func (s *Server) signedVersion(r *http.Request, c store.Case) (store.Version, bool) {
	tasks, err := s.st.Tasks(r.Context(), c.ID)
	if err != nil {
		return store.Version{}, false
	}
	var sha string
	for _, t := range tasks {
		if st, ok := s.def.Step(t.Step); ok && st.Kind == sop.KindSign && t.Document != nil && t.Decision != nil && *t.Decision == string(chain.Agree) {
			sha = *t.Document
		}
	}
	versions, err := s.st.Versions(r.Context(), c.ID)
	if err != nil || sha == "" {
		return store.Version{}, false
	}
	for _, v := range versions {
		if v.SHA256 == sha {
			full, err := s.st.GetVersion(r.Context(), c.ID, v.Version)
			return full, err == nil
		}
	}
	return store.Version{}, false
}

// public lists the completed cases' decrees for anyone, as the SOP's step 15 publishes them.
func (s *Server) public(w http.ResponseWriter, r *http.Request) {
	cases, err := s.st.Cases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type entry struct {
		Case         store.Case
		Subject      string
		Participants int
	}
	var list []entry
	for _, c := range cases {
		if c.State != string(chain.Completed) {
			continue
		}
		d, err := s.signedSK(r, c)
		if err != nil {
			continue // a case without proposals has no decree to publish
		}
		list = append(list, entry{Case: c, Subject: d.Subject(), Participants: d.Total()})
	}
	s.render(w, r, "public", map[string]any{"Title": "SK penetapan peserta Latsar", "List": list})
}

// publicSK is one published decree as PDF; only completed cases are published.
func (s *Server) publicSK(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSuffix(r.PathValue("id"), ".pdf")
	c, err := s.st.Case(r.Context(), id)
	if err != nil || c.State != string(chain.Completed) {
		s.notFound(w, r)
		return
	}
	if v, ok := s.signedVersion(r, c); ok {
		serveVersion(w, v)
		return
	}
	d, err := s.signedSK(r, c)
	if err != nil {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="sk-%s.pdf"`, c.ID))
	if err := d.WritePDF(w, true); err != nil {
		s.o.Log.Error("write published SK", "case", c.ID, "err", err)
	}
}

// uploadVersion stores an official's revised draft (PDF or DOCX).
func (s *Server) uploadVersion(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, drafts.MaxBytes+1<<20)
	f, h, err := r.FormFile("file")
	if err != nil {
		s.flashBack(w, r, "/cases/"+c.ID, "Pilih berkas draft (PDF atau DOCX, maksimal 10 MiB).")
		return
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		s.flashBack(w, r, "/cases/"+c.ID, "Berkas draft tidak terbaca.")
		return
	}
	v, err := s.drafts.Upload(r.Context(), c, h.Filename, b, userOf(r).NIP)
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		s.flashBack(w, r, "/cases/"+c.ID, "Versi tersimpan, tetapi berkas tidak dikembalikan: "+refusal(rej))
	case err != nil && v.Version == 0:
		s.refused(w, r, "/cases/"+c.ID, "Versi baru ditolak: ", err)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flashBack(w, r, "/cases/"+c.ID, fmt.Sprintf("Versi %d draft SK tersimpan (SHA-256 %s…).", v.Version, v.SHA256[:12]))
	}
}

func (s *Server) downloadVersion(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	v, err := s.st.GetVersion(r.Context(), r.PathValue("id"), n)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	serveVersion(w, v)
}

func serveVersion(w http.ResponseWriter, v store.Version) {
	w.Header().Set("Content-Type", v.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="v%d-%s"`, v.Version, strings.ReplaceAll(v.Name, `"`, "")))
	_, _ = w.Write(v.Content)
}

// draftSK serves the step-5 decree drafted from the case's classified candidates, as HTML or,
// at .../sk.pdf, as PDF.
func (s *Server) draftSK(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	d, err := intake.Draft(r.Context(), s.st, c, s.o.BatchSize, s.o.Now().In(s.cal.Location()))
	if err != nil {
		w.WriteHeader(http.StatusConflict)
		s.render(w, r, "error", map[string]any{"Title": "Belum ada draft SK",
			"Message": "Berkas ini belum memiliki calon peserta yang memenuhi syarat; unggah usulan OPD saat memulai berkas."})
		return
	}
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="draft-sk-%s.pdf"`, c.ID))
		err = d.WritePDF(w, true)
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = d.WriteHTML(w)
	}
	if err != nil {
		s.o.Log.Error("write draft SK", "case", c.ID, "err", err)
	}
}

func (s *Server) correctable(u *user, c store.Case) bool {
	_, review, ok := s.def.FirstReview()
	_, may := s.canCorrect(u)
	return ok && may && c.State == string(chain.Running) && c.OpenStep != nil && *c.OpenStep <= review.Number
}

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
	return report.Build(kept, mine, s.cal, s.o.Now()), from, to, nil
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
	s.render(w, r, "report", map[string]any{"Title": "Laporan mutu baku", "Steps": steps, "Roles": rep.ByRole(order),
		"Cases": rep.Totals, "Chart": barChart(steps), "From": from, "To": to})
}

func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) {
	rep, _, _, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="laporan-mutu-baku.csv"`)
	if err := rep.WriteCSV(w, s.cal.Location()); err != nil {
		s.o.Log.Error("write report CSV", "err", err)
	}
}

var nipPattern = regexp.MustCompile(`^[0-9]{18}$`)

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func (s *Server) officialsPage(w http.ResponseWriter, r *http.Request) {
	officials, err := s.st.Officials(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	standIns, err := s.st.StandIns(r.Context(), "", s.o.Now().In(s.cal.Location()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "officials", map[string]any{"Title": "Pejabat", "Officials": officials, "StandIns": standIns,
		"Roles": s.assignable()})
}

// assignable lists the roles an official can hold: the chain's, then operator and auditor.
func (s *Server) assignable() []sop.Role {
	roles := slices.Clone(s.def.Roles)
	return append(roles, sop.Role{ID: roleOperator, Name: "Operator"}, sop.Role{ID: roleAuditor, Name: "Auditor"})
}

func (s *Server) validRole(id string) bool {
	return slices.ContainsFunc(s.assignable(), func(r sop.Role) bool { return r.ID == id })
}

func (s *Server) addOfficial(w http.ResponseWriter, r *http.Request) {
	o := store.Official{NIP: strings.TrimSpace(r.PostFormValue("nip")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role")}
	if e := strings.TrimSpace(r.PostFormValue("email")); e != "" {
		o.Email = &e
	}
	password := r.PostFormValue("password")
	switch {
	case !nipPattern.MatchString(o.NIP):
		s.flashBack(w, r, "/officials", "NIP harus 18 angka.")
		return
	case o.Name == "":
		s.flashBack(w, r, "/officials", "Nama wajib diisi.")
		return
	case !s.validRole(o.Role):
		s.flashBack(w, r, "/officials", "Jabatan tidak dikenal.")
		return
	case len(password) < 8:
		s.flashBack(w, r, "/officials", "Kata sandi minimal 8 karakter.")
		return
	case o.Email != nil && !validEmail(*o.Email):
		s.flashBack(w, r, "/officials", "Alamat e-mail tidak sah.")
		return
	}
	added, err := s.st.AddOfficial(r.Context(), o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !added {
		s.flashBack(w, r, "/officials", "NIP "+o.NIP+" sudah terdaftar.")
		return
	}
	if !s.setPassword(w, r, o.NIP, password) {
		return
	}
	s.audit(r, userOf(r).NIP, "official_added", map[string]any{"nip": o.NIP, "role": o.Role})
	s.flashBack(w, r, "/officials", "Pejabat "+o.Name+" ditambahkan.")
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request, nip, password string) bool {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err == nil {
		err = s.st.SetPassword(r.Context(), nip, string(hash))
	}
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// changeOfficial resets a password, assigns a role, or (de)activates an official.
func (s *Server) changeOfficial(w http.ResponseWriter, r *http.Request) {
	nip := r.PathValue("nip")
	var err error
	detail := map[string]any{"nip": nip}
	switch op := r.PostFormValue("op"); op {
	case "password":
		p := r.PostFormValue("password")
		if len(p) < 8 {
			s.flashBack(w, r, "/officials", "Kata sandi minimal 8 karakter.")
			return
		}
		if _, err := s.st.Official(r.Context(), nip); err != nil {
			s.flashBack(w, r, "/officials", "NIP "+nip+" tidak terdaftar.")
			return
		}
		if !s.setPassword(w, r, nip, p) {
			return
		}
		s.audit(r, userOf(r).NIP, "password_reset", detail)
		s.flashBack(w, r, "/officials", "Kata sandi "+nip+" diganti.")
		return
	case "role":
		role := r.PostFormValue("role")
		if nip == userOf(r).NIP {
			s.flashBack(w, r, "/officials", "Anda tidak dapat mengubah jabatan Anda sendiri; minta operator lain.")
			return
		}
		if !s.validRole(role) {
			s.flashBack(w, r, "/officials", "Jabatan tidak dikenal.")
			return
		}
		err, detail["role"] = s.st.SetRole(r.Context(), nip, role), role
	case "email":
		e := strings.TrimSpace(r.PostFormValue("email"))
		if e != "" && !validEmail(e) {
			s.flashBack(w, r, "/officials", "Alamat e-mail tidak sah.")
			return
		}
		err, detail["email"] = s.st.SetEmail(r.Context(), nip, e), e
	case "deactivate", "activate":
		err = s.st.SetActive(r.Context(), nip, op == "activate")
	default:
		http.Error(w, "unknown operation", http.StatusBadRequest)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		s.flashBack(w, r, "/officials", "NIP "+nip+" tidak terdaftar.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, userOf(r).NIP, "official_"+r.PostFormValue("op"), detail)
	s.flashBack(w, r, "/officials", "Data pejabat "+nip+" diperbarui.")
}

func (s *Server) addStandIn(w http.ResponseWriter, r *http.Request) {
	loc := s.cal.Location()
	from, err1 := time.ParseInLocation("2006-01-02", r.PostFormValue("from"), loc)
	until, err2 := time.ParseInLocation("2006-01-02", r.PostFormValue("until"), loc)
	si := store.StandIn{Role: r.PostFormValue("role"), NIP: strings.TrimSpace(r.PostFormValue("nip")),
		Holder: strings.TrimSpace(r.PostFormValue("holder")), StartsOn: from, EndsOn: until, CreatedBy: userOf(r).NIP}
	if _, ok := s.def.Role(si.Role); !ok {
		s.flashBack(w, r, "/officials", "Pilih jabatan dalam rantai SOP.")
		return
	}
	if err1 != nil || err2 != nil || until.Before(from) {
		s.flashBack(w, r, "/officials", "Tanggal mulai dan selesai wajib diisi, dan selesai tidak sebelum mulai.")
		return
	}
	if si.Holder == "" {
		si.Holder = s.def.RoleName(si.Role)
	}
	si.Kind = r.PostFormValue("kind")
	if si.Kind != store.Plt && si.Kind != store.Plh {
		s.flashBack(w, r, "/officials", "Pilih jenis penugasan: Plt. atau Plh.")
		return
	}
	if err := textcheck.Line("nama pejabat definitif", si.Holder, textcheck.NameMax); err != nil {
		s.flashBack(w, r, "/officials", capitalize(err.Error())+".")
		return
	}
	if si.NIP == userOf(r).NIP {
		s.flashBack(w, r, "/officials", "Anda tidak dapat menunjuk diri sendiri sebagai Plt/Plh.")
		return
	}
	// A stand-in decides for a role of the chain, so only an official of the chain may be one:
	// never an operator or an auditor, whose own roles must stay apart from the decisions.
	if o, err := s.st.Official(r.Context(), si.NIP); err != nil || !o.Active {
		s.flashBack(w, r, "/officials", "NIP tidak terdaftar atau tidak aktif.")
		return
	} else if _, chainRole := s.def.Role(o.Role); !chainRole {
		s.flashBack(w, r, "/officials", "Plt/Plh hanya dapat ditunjuk dari pejabat dalam rantai SOP, bukan operator atau auditor.")
		return
	}
	if err := s.st.AddStandIn(r.Context(), si); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, userOf(r).NIP, "stand_in_appointed", map[string]any{"nip": si.NIP, "role": si.Role, "kind": si.Kind,
		"from": r.PostFormValue("from"), "until": r.PostFormValue("until")})
	s.flashBack(w, r, "/officials", "Plt/Plh ditetapkan.")
}

// refused tells a person why their request was refused, when it was the request; a failure of
// the database or the network is logged and answered with the error page instead.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, to, prefix string, err error) {
	if store.Internal(err) {
		s.fail(w, r, err)
		return
	}
	s.flashBack(w, r, to, prefix+strings.TrimPrefix(err.Error(), "proposals file "))
}

func (s *Server) flashBack(w http.ResponseWriter, r *http.Request, to, msg string) {
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
	s.render(w, r, "error", map[string]any{"Title": "Tidak ditemukan", "Message": "Berkas atau halaman ini tidak ada."})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	msg := "Permintaan tidak dapat diproses. Coba lagi; bila berulang, hubungi operator."
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.st.Ping(ctx) != nil {
		msg = "Basis data sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi; tidak ada keputusan yang hilang."
	}
	w.WriteHeader(http.StatusInternalServerError)
	s.render(w, r, "error", map[string]any{"Title": "Terjadi kesalahan", "Message": msg})
}

// render writes a page, or a plain 500 when the page cannot be built: never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data map[string]any) {
	data["User"] = userOf(r)
	data["Flash"] = s.sessions.PopString(r.Context(), "flash")
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.o.Log.Error("render page", "page", page, "err", err)
		http.Error(w, "Halaman tidak dapat ditampilkan; hubungi operator.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) funcs() template.FuncMap {
	loc := s.cal.Location()
	return template.FuncMap{
		"wita": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.In(loc).Format("02-01-2006 15:04 MST")
			case *time.Time:
				if v != nil {
					return v.In(loc).Format("02-01-2006 15:04 MST")
				}
			}
			return "–"
		},
		"roleName":  s.def.RoleName,
		"stateName": stateName,
		"deref": func(p any) any {
			switch v := p.(type) {
			case *string:
				if v != nil {
					return *v
				}
			case *int:
				if v != nil {
					return *v
				}
			}
			return "–"
		},
		"days":  func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"roles": func() []sop.Role { return s.def.Roles },
		"isOp":  func(u *user) bool { return u != nil && u.Role == roleOperator },
		"isAud": func(u *user) bool { return u != nil && (u.Role == roleAuditor || u.Role == "kepala") },
		"isOff": func(u *user) bool { return u != nil && len(s.roles(u)) > 0 },
	}
}

func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"login", "error", "inbox", "task", "board", "case", "report", "officials", "public"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}
