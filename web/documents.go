package web

// The decree as documents: the draft SK, its versions, and the published SK at /publik.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/store"
)

const maxUpload = 20 << 20

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
		// Only a numbered, signed decree that has completed its service is published.
		if c.State != string(chain.Completed) || c.DecreeNumber == nil {
			continue
		}
		d, err := s.o.Publisher.Decree(r.Context(), c, s.o.Now())
		if err != nil {
			continue // a case without proposals has no decree to publish
		}
		list = append(list, entry{Case: c, Subject: d.Subject(), Participants: d.Total()})
	}
	s.render(w, r, "public", map[string]any{"Title": s.p.T("web.public.title"), "List": list})
}

// publicSK is one published decree as PDF; only completed cases are published.
func (s *Server) publicSK(w http.ResponseWriter, r *http.Request) {
	d, ok := s.issued(w, r, strings.TrimSuffix(r.PathValue("id"), ".pdf"))
	if !ok {
		return
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="sk-%s.pdf"`, d.CaseID))
	_, _ = w.Write(d.Content)
}

// issued is a completed, numbered case's decree as issued: the workflow issues it at the
// signature; a case signed before that is issued the first time anyone asks. It answers 404
// itself for a case that has no issued decree.
func (s *Server) issued(w http.ResponseWriter, r *http.Request, id string) (store.Decree, bool) {
	c, err := s.st.Case(r.Context(), id)
	if err != nil || c.State != string(chain.Completed) || c.DecreeNumber == nil {
		s.notFound(w, r)
		return store.Decree{}, false
	}
	d, err := s.o.Publisher.Issue(r.Context(), c.ID)
	switch {
	case errors.Is(err, intake.ErrNoCandidates):
		s.notFound(w, r) // a case without proposals has no decree to issue
		return d, false
	case err != nil:
		s.fail(w, r, err)
		return d, false
	}
	return d, true
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
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.draft.choose"))
		return
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.draft.unreadable"))
		return
	}
	role, _ := s.draftingRole(userOf(r))
	v, err := s.drafts.Upload(r.Context(), c, h.Filename, b, userOf(r).NIP, role)
	var rej *caseops.Rejection
	switch {
	case errors.As(err, &rej):
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.draft.refused", rej.Text(s.p)))
	case err != nil:
		s.refused(w, r, "/cases/"+c.ID, s.p.T("web.draft.refused_prefix"), err)
	default:
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.draft.stored", v.Version, v.SHA256[:12]))
	}
}

func (s *Server) downloadVersion(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	v, err := s.st.GetVersion(r.Context(), r.PathValue("id"), n)
	if s.missing(w, r, err) {
		return
	}
	serveVersion(w, v)
}

func serveVersion(w http.ResponseWriter, v store.Version) {
	w.Header().Set("Content-Type", v.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="v%d-%s"`, v.Version, strings.ReplaceAll(v.Name, `"`, "")))
	_, _ = w.Write(v.Content)
}

// draftSK serves the case's decree: drafted from its classified candidates, as HTML or, at
// .../sk.pdf, as PDF; once issued, the PDF is the signed decree itself.
func (s *Server) draftSK(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		d, ok, err := s.st.IssuedDecree(r.Context(), c.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			w.Header().Set("Content-Type", d.ContentType)
			w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="sk-%s.pdf"`, c.ID))
			_, _ = w.Write(d.Content)
			return
		}
	}
	d, err := s.o.Publisher.Decree(r.Context(), c, s.o.Now())
	if err != nil {
		w.WriteHeader(http.StatusConflict)
		s.render(w, r, "error", map[string]any{"Title": s.p.T("web.draft.none.title"),
			"Message": s.p.T("web.draft.none")})
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

// draftingRole is the role in which the user may change the decree: their own, or one they
// stand in for; ok is false when they may not.
func (s *Server) draftingRole(u *user) (string, bool) {
	if s.def.MayDraft(u.Role) {
		return u.Role, true
	}
	for _, si := range u.StandIns {
		if s.def.MayDraft(si.Role) {
			return si.Role, true
		}
	}
	return u.Role, false
}

func (s *Server) mayDraft(u *user) bool {
	_, ok := s.draftingRole(u)
	return ok
}

// uploadProposals takes the OPD proposals of a case started without them, from a drafting role
// (the Pelaksana hands them in at step 3); the step's agreement then gives them to the case.
func (s *Server) uploadProposals(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCase(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	role, ok := s.draftingRole(userOf(r))
	if !ok {
		s.forbidden(w, r)
		return
	}
	f, h, err := r.FormFile("proposals")
	if err != nil {
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.proposals.choose"))
		return
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.board.unreadable"))
		return
	}
	sum, err := s.drafts.TakeProposals(r.Context(), c, h.Filename, b, userOf(r).NIP, role, s.o.BatchSize)
	if err != nil {
		s.refused(w, r, "/cases/"+c.ID, s.p.T("web.proposals.refused_prefix"), err)
		return
	}
	s.flashBack(w, r, "/cases/"+c.ID, s.p.T("web.proposals.stored", sum.Text(s.p)))
}
