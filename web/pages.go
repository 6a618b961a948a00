package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

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

// labels say the records' codes in Bahasa Indonesia where a person reads them.
var labels = map[string]string{
	// notices in the outbox
	"reminder": "pengingat", "escalation": "eskalasi", "breach": "lewat batas layanan", "delivery": "pengiriman SK",
	"training": "Latsar", "complaint": "pengaduan",
	// training outcomes and documents
	"tidak_lulus": "tidak lulus", "tidak_hadir": "tidak hadir", "ditunda": "ditunda (remedial)",
	"sttp": "STTP", "piagam": "Piagam Penghargaan", "surat_keterangan": "Surat Keterangan",
	// roles outside the SOP and the run's states
	"operator": "Operator", "auditor": "Auditor", "organiser": "Penyelenggara", "opd": "OPD",
	"running": "berjalan", "completed": "selesai",
	// the audit log's actions
	"case_started": "berkas dimulai", "step_opened": "langkah dibuka", "step_decided": "langkah diputuskan",
	"step_reminded": "pengingat dikirim", "step_escalated": "eskalasi", "deadline_breached": "lewat batas layanan",
	"case_completed": "berkas selesai", "case_cancelled": "berkas dibatalkan", "case_stopped_outside": "dihentikan di luar skflow",
	"incident": "insiden pencatatan", "decree_signed": "SK ditandatangani dan diberi nomor", "decree_issued": "SK diterbitkan",
	"draft_versioned": "versi draft baru", "output_recorded": "keluaran langkah dicatat", "calendar_applied": "kalender kerja diterapkan",
	"calendar_changed": "kalender kerja diubah", "trainings_started": "Latsar dimulai", "sign_in": "masuk", "sign_out": "keluar",
	"sign_in_failed": "gagal masuk", "message_retried": "pesan dikirim ulang", "complaint_answered": "pengaduan dijawab",
	"candidate_corrected": "klasifikasi dikoreksi",
}

func label(code any) string {
	c := fmt.Sprint(code)
	if l, ok := labels[c]; ok {
		return l
	}
	return c
}

// capitalize starts a message with a capital letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
				return idfmt.DateTime(v.In(loc))
			case *time.Time:
				if v != nil {
					return idfmt.DateTime(v.In(loc))
				}
			}
			return "–"
		},
		"roleName":  func(id string) string { return label(s.def.RoleName(id)) },
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
		// Days as Indonesians write a decimal: 0,5.
		"days":      func(f float64) string { return idfmt.Decimal(f, 1) },
		"label":     label,
		"inc":       func(i int) int { return i + 1 },
		"pct":       func(f float64) float64 { return f * 100 },
		"nipSpaced": nip.Spaced,
		"roles":     func() []sop.Role { return s.def.Roles },
		"isOp":      func(u *user) bool { return u != nil && u.Role == roleOperator },
		"isAud":     func(u *user) bool { return u != nil && (u.Role == roleAuditor || u.Role == "kepala") },
		"isOff":     func(u *user) bool { return u != nil && len(s.roles(u)) > 0 },
	}
}

func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"login", "error", "inbox", "task", "board", "case", "report", "officials", "public", "verify", "calendar", "certificate", "latsar", "peserta", "audit", "outbox", "layanan", "pengaduan"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// missing answers a lookup's error itself: 404 for what is not there (in the records, or a
// workflow Temporal does not have), 500 for anything else; it says whether there was one.
func (s *Server) missing(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, caseops.ErrNoCase):
		s.notFound(w, r)
	case err != nil:
		s.fail(w, r, err)
	default:
		return false
	}
	return true
}
