package web

// The service standard for the public (no sign-in), from the SOP definition and the
// configuration, with the complaint form; and the operators' page that answers complaints.

import (
	"net/http"
	"strings"

	"github.com/skflow/skflow/textcheck"
)

// Service is what the standard says besides the SOP: requirements, fee, products, where
// complaints go.
type Service struct {
	Requirements    []string
	Fee             string
	Products        []string
	ComplaintsEmail string
}

func (s *Server) servicePage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "layanan", map[string]any{"Title": s.p.T("web.service.title", s.def.Service), "Def": s.def, "Service": s.o.Service,
		"Flow": newFlow(s.p, s.def, nil, nil)})
}

// complain records a complaint and answers with its tracking number.
func (s *Server) complain(w http.ResponseWriter, r *http.Request) {
	name, contact, body := strings.TrimSpace(r.PostFormValue("nama")), strings.TrimSpace(r.PostFormValue("kontak")), strings.TrimSpace(r.PostFormValue("isi"))
	for _, err := range []error{textcheck.Line("nama", name, textcheck.NameMax), textcheck.Line("kontak", contact, textcheck.NameMax),
		textcheck.Paragraph("isi pengaduan", body, textcheck.ReasonMax)} {
		if err != nil {
			s.flashBack(w, r, "/layanan#pengaduan", s.p.T("web.complaint.not_recorded", err.Error()))
			return
		}
	}
	if name == "" || contact == "" || body == "" {
		s.flashBack(w, r, "/layanan#pengaduan", s.p.T("web.complaint.required"))
		return
	}
	c, err := s.st.AddComplaint(r.Context(), name, contact, body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/layanan/pengaduan/"+c.Number, http.StatusSeeOther)
}

// complaintPage shows a complaint and its answer to whoever holds its number.
func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	if number == "" {
		number = r.URL.Query().Get("nomor")
	}
	c, err := s.st.Complaint(r.Context(), number)
	if s.missing(w, r, err) {
		return
	}
	s.render(w, r, "pengaduan", map[string]any{"Title": s.p.T("web.complaint.title", c.Number), "Complaint": c})
}

func (s *Server) complaintsPage(w http.ResponseWriter, r *http.Request) {
	cs, err := s.st.Complaints(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "pengaduan", map[string]any{"Title": s.p.T("web.report.complaints"), "Complaints": cs})
}

func (s *Server) answerComplaint(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	answer := strings.TrimSpace(r.PostFormValue("jawaban"))
	if err := textcheck.Paragraph("jawaban", answer, textcheck.ReasonMax); err != nil || answer == "" {
		s.flashBack(w, r, "/pengaduan", s.p.T("web.complaint.answer_required"))
		return
	}
	err := s.st.AnswerComplaint(r.Context(), number, answer, userOf(r).NIP)
	if s.missing(w, r, err) {
		return
	}
	s.flashBack(w, r, "/pengaduan", s.p.T("web.complaint.answered", number))
}
