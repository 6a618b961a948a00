package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/textcheck"
)

const (
	roleOperator = "operator"
	roleAuditor  = "auditor"
	roleOfficial = "*official" // any role of the chain, or a stand-in for one
)

// user is the signed-in person, with the stand-in appointments in force today.
type user struct {
	NIP      string
	Name     string
	Role     string
	StandIns []store.StandIn
}

// actsFor reports whether the user may decide a role's tasks, and for whom ("a.n.") when it
// is as a stand-in.
func (u *user) actsFor(role string) (onBehalfOf string, ok bool) {
	if u.Role == role {
		return "", true
	}
	for _, si := range u.StandIns {
		if si.Role == role {
			return si.Holder, true
		}
	}
	return "", false
}

// actor is the user as a decision records them: for a stand-in, on behalf of the holder and
// with the appointment's title (Plt./Plh.).
func (u *user) actor(role, onBehalfOf string) chain.Actor {
	a := chain.Actor{NIP: u.NIP, Name: u.Name, Role: role, OnBehalfOf: onBehalfOf}
	if onBehalfOf != "" {
		for _, si := range u.StandIns {
			if si.Role == role {
				a.Appointment = si.Title()
			}
		}
	}
	return a
}

// roles are the chain roles whose tasks the user sees: their own and those they stand in for.
func (s *Server) roles(u *user) []string {
	var out []string
	if _, ok := s.def.Role(u.Role); ok {
		out = append(out, u.Role)
	}
	for _, si := range u.StandIns {
		if !slices.Contains(out, si.Role) {
			out = append(out, si.Role)
		}
	}
	return out
}

type ctxKey struct{}

func userOf(r *http.Request) *user {
	u, _ := r.Context().Value(ctxKey{}).(*user)
	return u
}

// load finds the session's user; nil when nobody (or a deactivated official) is signed in.
func (s *Server) load(r *http.Request) (*user, error) {
	nip := s.sessions.GetString(r.Context(), "nip")
	if nip == "" {
		return nil, nil
	}
	o, err := s.st.Official(r.Context(), nip)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !o.Active) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	standIns, err := s.st.StandIns(r.Context(), nip, s.o.Now().In(s.cal.Location()))
	if err != nil {
		return nil, err
	}
	return &user{NIP: o.NIP, Name: o.Name, Role: o.Role, StandIns: standIns}, nil
}

// signedIn sends anonymous visitors to the sign-in page.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.load(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if u == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.Path)), http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	}
}

// allow lets through signed-in users holding one of the roles; others get 403.
func (s *Server) allow(roles ...string) func(http.HandlerFunc) http.HandlerFunc {
	return func(h http.HandlerFunc) http.HandlerFunc {
		return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
			u := userOf(r)
			for _, role := range roles {
				if role == u.Role || (role == roleOfficial && len(s.roles(u)) > 0) {
					h(w, r)
					return
				}
			}
			s.forbidden(w, r)
		})
	}
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusForbidden)
	s.render(w, r, "error", map[string]any{"Title": s.p.T("web.forbidden.title"), "Message": s.p.T("web.forbidden")})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// loginForm shows the sign-in form with data (where to go next, the NIP typed, an error).
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, data map[string]any) {
	data["Title"] = s.p.T("web.login.title")
	s.render(w, r, "login", data)
}

// safeNext is where to go after signing in: a path of this site, or the home page. Browsers
// read "/\evil.example" and "//evil.example" as another host.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") || len(next) > 512 {
		return "/"
	}
	return next
}

// dummyHash keeps the time of a failed sign-in the same whether or not the NIP exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such official"), bcrypt.DefaultCost)

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	nip := strings.TrimSpace(r.PostFormValue("nip"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	// Five tries a minute per account; an office shares one address, so an address gets more.
	allowed, err := s.allowSignIn(r, nip)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !allowed {
		w.WriteHeader(http.StatusTooManyRequests)
		s.loginForm(w, r, map[string]any{"Next": next, "NIP": echoNIP(nip),
			"Error": s.p.T("web.login.too_many")})
		return
	}
	// A NIP is 18 digits; anything else is refused before any lookup, and neither echoed
	// whole nor logged whole.
	if !nipPattern.MatchString(nip) || len(password) > 72 {
		s.audit(r, "nip-tidak-sah:"+textcheck.Clean(nip, 24), "sign_in_failed", nil)
		w.WriteHeader(http.StatusUnauthorized)
		s.loginForm(w, r, map[string]any{"Next": next, "NIP": echoNIP(nip),
			"Error": s.p.T("web.login.malformed")})
		return
	}
	c, err := s.st.Credentials(r.Context(), nip)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	hash := dummyHash
	if err == nil && c.PasswordHash != nil {
		hash = []byte(*c.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || c.PasswordHash == nil || !c.Active {
		s.audit(r, nip, "sign_in_failed", nil)
		w.WriteHeader(http.StatusUnauthorized)
		s.loginForm(w, r, map[string]any{"Next": next, "NIP": nip, "Error": s.p.T("web.login.wrong")})
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "nip", c.NIP)
	s.audit(r, c.NIP, "sign_in", nil)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.audit(r, userOf(r).NIP, "sign_out", nil)
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// audit notes a web action in the audit log; a failure is logged, not shown to the user.
func (s *Server) audit(r *http.Request, actor, action string, detail map[string]any) {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["ip"] = clientIP(r)
	if err := s.st.Note(r.Context(), actor, action, detail); err != nil {
		s.o.Log.Error("audit log write failed", "action", action, "actor", actor, "err", err)
	}
}

// echoNIP is what the sign-in form shows again of a typed NIP: a NIP, or nothing.
func echoNIP(nip string) string {
	if nipPattern.MatchString(nip) {
		return nip
	}
	return ""
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowSignIn counts the attempt against its address and, when it names one, its account (by
// a hash: the table is no list of NIPs).
func (s *Server) allowSignIn(r *http.Request, nip string) (bool, error) {
	ok, err := s.st.AllowSignIn(r.Context(), "ip:"+clientIP(r), 60, time.Minute)
	if err != nil || !ok || !nipPattern.MatchString(nip) {
		return ok, err
	}
	sum := sha256.Sum256([]byte(nip))
	return s.st.AllowSignIn(r.Context(), "nip:"+hex.EncodeToString(sum[:12]), 5, time.Minute)
}
