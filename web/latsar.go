package web

// The Latsar of each angkatan: the organiser's board (from the run's workflow, the authority),
// the results import, the participants' sign-in links, and the participant's own page.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/skdoc"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/training"
)

func (s *Server) trainingList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.st.Trainings(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "latsar", map[string]any{"Title": s.p.T("web.latsar.title"), "Runs": ts, "Def": s.o.Training})
}

// trainingBoard is one angkatan as its run holds it: schedule, who confirmed, progress, late
// items, scores and outcomes, and its certificates once issued.
func (s *Server) trainingBoard(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, err := s.ops.TrainingStatus(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	docs, err := s.st.TrainingDocuments(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	results := map[string]training.Result{}
	for _, res := range st.Results {
		results[res.NIP] = res
	}
	type row struct {
		training.PersonState
		Result *training.Result
	}
	var rows []row
	var opds []string
	for _, p := range st.People {
		if !slices.Contains(opds, p.OPD) {
			opds = append(opds, p.OPD)
		}
		rw := row{PersonState: p}
		if res, ok := results[p.NIP]; ok {
			rw.Result = &res
		}
		rows = append(rows, rw)
	}
	s.render(w, r, "latsar", map[string]any{"Title": s.p.T("web.latsar.run_title", id), "Run": st, "Rows": rows, "Docs": docs, "Def": s.o.Training, "OPDs": opds,
		"Components": s.o.Training.Evaluation.Components})
}

// importResults takes an organiser's results file and records it, one recording per activity.
func (s *Server) importResults(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	back := "/latsar/" + id
	st, err := s.ops.TrainingStatus(r.Context(), id)
	if err != nil {
		s.refused(w, r, back, s.p.T("web.latsar.not_recorded_prefix"), err)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		s.flashBack(w, r, back, s.p.T("web.latsar.choose"))
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload))
	if err != nil {
		s.flashBack(w, r, back, s.p.T("web.latsar.unreadable"))
		return
	}
	var members []string
	for _, p := range st.People {
		members = append(members, p.NIP)
	}
	imp, err := training.ReadResults(b, s.o.Training, members, userOf(r).NIP)
	if err != nil {
		s.flashBack(w, r, back, s.p.T("web.latsar.not_recorded", err.Error()))
		return
	}
	n := 0
	for _, rec := range imp.Recordings {
		if _, err := s.ops.Record(r.Context(), id, fmt.Sprintf("web:%s:%s:%s", id, rec.Activity, token()), rec); err != nil {
			s.refused(w, r, back, fmt.Sprintf("Hasil %s tidak dicatat: ", rec.Activity), err)
			return
		}
		n += len(rec.Entries)
	}
	msg := fmt.Sprintf("%d hasil tercatat dalam %d kegiatan.", n, len(imp.Recordings))
	for i, p := range imp.Problems {
		if i == 10 {
			msg += fmt.Sprintf(" … dan %d lagi.", len(imp.Problems)-10)
			break
		}
		msg += fmt.Sprintf(" Baris %d, %s: %s.", p.Line, p.Column, p.Message)
	}
	s.flashBack(w, r, back, msg)
}

// sendLinks queues each participant's one-time sign-in link to their OPD.
func (s *Server) sendLinks(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	n, err := s.st.SendTrainingLinks(r.Context(), id, s.o.PublicURL, 14*24*time.Hour)
	if err != nil {
		s.refused(w, r, "/latsar/"+id, s.p.T("web.latsar.link_not_sent"), err)
		return
	}
	s.flashBack(w, r, "/latsar/"+id, s.p.T("web.latsar.links_sent", n))
}

// The participant's session: the run and NIP their link signed in, nothing else.
const participantKey = "peserta"

func (s *Server) participantSignIn(w http.ResponseWriter, r *http.Request) {
	runID, nip, err := s.st.UseTrainingLink(r.Context(), r.URL.Query().Get("t"))
	if errors.Is(err, store.ErrLinkUsed) {
		w.WriteHeader(http.StatusForbidden)
		s.render(w, r, "error", map[string]any{"Title": s.p.T("web.latsar.link_invalid.title"), "Message": s.p.T("web.latsar.link_invalid", err.Error())})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), participantKey, runID+"|"+nip)
	http.Redirect(w, r, "/peserta", http.StatusSeeOther)
}

// participant is the signed-in participant's run and NIP; ok is false when nobody is.
func (s *Server) participant(r *http.Request) (runID, nip string, ok bool) {
	runID, nip, ok = strings.Cut(s.sessions.GetString(r.Context(), participantKey), "|")
	return runID, nip, ok
}

func (s *Server) participantPage(w http.ResponseWriter, r *http.Request) {
	runID, nip, ok := s.participant(r)
	if !ok {
		w.WriteHeader(http.StatusForbidden)
		s.render(w, r, "error", map[string]any{"Title": s.p.T("web.latsar.not_signed_in.title"), "Message": s.p.T("web.latsar.not_signed_in")})
		return
	}
	st, err := s.ops.TrainingStatus(r.Context(), runID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var me training.PersonState
	for _, p := range st.People {
		if p.NIP == nip {
			me = p
		}
	}
	var result *training.Result
	for _, res := range st.Results {
		if res.NIP == nip {
			result = &res
		}
	}
	acts := s.o.Training.Activities()
	var open *training.Activity
	if st.Open < len(acts) && st.State == "running" {
		open = &acts[st.Open]
	}
	docs, err := s.st.TrainingDocuments(r.Context(), runID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var mine []store.TrainingDocument
	for _, d := range docs {
		if d.NIP == nip {
			mine = append(mine, d)
		}
	}
	s.render(w, r, "peserta", map[string]any{"Title": s.p.T("web.latsar.participant_title", me.Name), "Run": st, "Me": me, "Result": result, "Open": open,
		"Acts": acts, "Docs": mine, "Fields": training.FormFields})
}

// participantAct is the participant's own confirmation, or their own record of an activity
// participants record.
func (s *Server) participantAct(w http.ResponseWriter, r *http.Request) {
	runID, nip, ok := s.participant(r)
	if !ok {
		s.forbidden(w, r)
		return
	}
	var err error
	switch r.PostFormValue("op") {
	case "confirm":
		form := map[string]string{}
		for _, f := range training.FormFields {
			form[f] = strings.TrimSpace(r.PostFormValue(f))
		}
		_, err = s.ops.Confirm(r.Context(), runID, training.Confirmation{NIP: nip, Form: form})
	case "done":
		_, err = s.ops.Record(r.Context(), runID, fmt.Sprintf("peserta:%s:%s:%s", runID, nip, r.PostFormValue("activity")),
			training.Recording{Activity: r.PostFormValue("activity"), By: nip, Role: training.Participant, Entries: []training.Entry{{NIP: nip, Done: true}}})
	default:
		err = errors.New("tindakan tidak dikenal")
	}
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		s.flashBack(w, r, "/peserta", s.p.T("web.latsar.participant_refused", rej.Message))
	case err != nil:
		s.refused(w, r, "/peserta", s.p.T("web.latsar.participant_refused_prefix"), err)
	default:
		s.flashBack(w, r, "/peserta", s.p.T("web.latsar.thanks"))
	}
}

// summonsLetter is an OPD's letter calling its participants, from the run's roster and schedule.
func (s *Server) summonsLetter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, err := s.ops.TrainingStatus(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	opd := r.URL.Query().Get("opd")
	def := s.o.Training
	letter := skdoc.Summons{Organiser: def.Organiser, Training: def.RunName(st.Group, st.Batch),
		Basis: st.Title, OPD: opd, Place: "Sengkang", Date: st.StartedAt.In(s.cal.Location())}
	for _, p := range st.People {
		if p.OPD == opd {
			letter.Members = append(letter.Members, skdoc.Member{NIP: p.NIP, Name: p.Name, Position: p.Position, OPD: p.OPD, Golongan: p.Golongan})
		}
	}
	if len(letter.Members) == 0 {
		s.notFound(w, r)
		return
	}
	for i, a := range def.Activities() {
		if i < len(st.Schedule) {
			letter.Schedule = append(letter.Schedule, skdoc.Slot{Name: a.Name, Opens: st.Schedule[i].Opens, Due: st.Schedule[i].Due})
		}
	}
	if len(st.Schedule) > 0 {
		letter.Confirm = st.Schedule[0].Due.In(s.cal.Location())
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="panggilan-%s.pdf"`, id))
	if err := letter.WritePDF(w); err != nil {
		s.o.Log.Error("write summons letter", "run", id, "err", err)
	}
}
