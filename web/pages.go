package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skflow/skflow/caseops"
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
	s.flashBack(w, r, to, prefix+strings.TrimPrefix(err.Error(), "berkas usulan "))
}

func (s *Server) flashBack(w http.ResponseWriter, r *http.Request, to, msg string) {
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
	s.render(w, r, "error", map[string]any{"Title": s.p.T("web.notfound.title"), "Message": s.p.T("web.notfound")})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	msg := s.p.T("web.fail")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.st.Ping(ctx) != nil {
		msg = s.p.T("web.fail.database")
	}
	w.WriteHeader(http.StatusInternalServerError)
	s.render(w, r, "error", map[string]any{"Title": s.p.T("web.fail.title"), "Message": msg})
}

// render writes a page, or a plain 500 when the page cannot be built: never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data map[string]any) {
	data["User"] = userOf(r)
	data["Flash"] = s.sessions.PopString(r.Context(), "flash")
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.o.Log.Error("render page", "page", page, "err", err)
		http.Error(w, s.p.T("web.render_failed"), http.StatusInternalServerError)
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
				return s.p.DateTime(v.In(loc))
			case *time.Time:
				if v != nil {
					return s.p.DateTime(v.In(loc))
				}
			}
			return "–"
		},
		"t": func(key string, args ...any) string { return s.p.T(key, derefAll(args)...) },
		// th is a message that holds markup of its own; its arguments are escaped.
		"th": func(key string, args ...any) template.HTML {
			args = derefAll(args)
			for i, a := range args {
				if str, ok := a.(string); ok {
					args[i] = template.HTMLEscapeString(str)
				}
			}
			return template.HTML(s.p.T(key, args...)) // #nosec G203: the catalogue's own markup, arguments escaped
		},
		"lang":     s.p.Lang,
		"roleName": func(id string) string { return s.p.Label(s.def.RoleName(id)) },
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
			case *float64:
				if v != nil {
					return *v
				}
			}
			return "–"
		},
		// Days with the language's decimal mark: 0,5 in Indonesian.
		"days":      func(f float64) string { return s.p.Decimal(f, 1) },
		"score":     func(f float64) string { return s.p.Decimal(f, 2) },
		"label":     func(code any) string { return s.p.Label(fmt.Sprint(code)) },
		"inc":       func(i int) int { return i + 1 },
		"pct":       func(f float64) float64 { return f * 100 },
		"nipSpaced": nip.Spaced,
		"roles":     func() []sop.Role { return s.def.Roles },
		"agency":    func() string { return s.def.Agency },
		"isOp":      func(u *user) bool { return u != nil && u.Role == roleOperator },
		"isAud":     func(u *user) bool { return u != nil && (u.Role == roleAuditor || u.Role == "kepala") },
		"isOff":     func(u *user) bool { return u != nil && len(s.roles(u)) > 0 },
	}
}

// perPage is how many rows a list shows at once: a phone scrolls 25 cards without trouble.
const perPage = 25

// page is one page of a list of n rows: rows lo to hi, page Page of Pages.
type page struct{ Page, Pages, lo, hi int }

// paginate reads the page asked for (hal, from 1), kept within the list.
func paginate(n int, asked string) page {
	p, _ := strconv.Atoi(asked)
	pages := max(1, (n+perPage-1)/perPage)
	p = min(max(p, 1), pages)
	return page{Page: p, Pages: pages, lo: (p - 1) * perPage, hi: min(p*perPage, n)}
}

// fetchPage fetches the page asked for, from the offset fetch is given, which answers how
// many rows there are in all and how many it got; a page past the last is the last.
func fetchPage(asked string, fetch func(offset int) (total, got int, err error)) (page, error) {
	p, _ := strconv.Atoi(asked)
	total, got, err := fetch((max(p, 1) - 1) * perPage)
	if err != nil {
		return page{}, err
	}
	pg := paginate(total, asked)
	if got == 0 && total > 0 {
		_, _, err = fetch(pg.lo)
	}
	return pg, err
}

// derefAll gives a message the values a template holds by pointer, as the template would
// print them.
func derefAll(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case *int:
			if v != nil {
				args[i] = *v
			}
		case *string:
			if v != nil {
				args[i] = *v
			}
		case *float64:
			if v != nil {
				args[i] = *v
			}
		}
	}
	return args
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
