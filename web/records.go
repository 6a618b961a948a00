package web

// What the records say, in the app: the audit log with its chain's verification for auditors,
// and the outbox for operators, who retry a message or correct its address.

import (
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/skflow/skflow/store"
)

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AuditFilter{CaseID: strings.TrimSpace(q.Get("berkas")), Actor: strings.TrimSpace(q.Get("oleh")), Limit: 200}
	loc := s.cal.Location()
	if t, err := time.ParseInLocation("2006-01-02", q.Get("dari"), loc); err == nil {
		f.From = &t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("sampai"), loc); err == nil {
		end := t.AddDate(0, 0, 1)
		f.To = &end
	}
	rows, err := s.st.AuditSearch(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	check, err := s.st.VerifyAudit(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "audit", map[string]any{"Title": s.p.T("web.nav.audit"), "Rows": rows, "Check": check, "Q": q, "Shown": len(rows)})
}

func (s *Server) outboxPage(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.st.Messages(r.Context(), r.URL.Query().Get("semua") == "", 300)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "outbox", map[string]any{"Title": s.p.T("web.nav.outbox"), "Messages": msgs, "All": r.URL.Query().Get("semua") != ""})
}

// retryMessage sends an unsent message again now, to a corrected address if one is given.
func (s *Server) retryMessage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			s.flashBack(w, r, "/outbox", fmt.Sprintf("Alamat %q bukan alamat e-mail.", email))
			return
		}
	}
	ok, err := s.st.RetryMessage(r.Context(), id, email, userOf(r).NIP)
	switch {
	case err != nil:
		s.fail(w, r, err)
	case !ok:
		s.flashBack(w, r, "/outbox", s.p.T("web.outbox.gone"))
	default:
		s.flashBack(w, r, "/outbox", fmt.Sprintf("Pesan %d dikirim ulang pada putaran berikut (paling lama 15 detik).", id))
	}
}
