package web

// The officials the operator manages: accounts, roles, e-mail and stand-ins (Plt/Plh).

import (
	"errors"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/textcheck"
)

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
	s.render(w, r, "officials", map[string]any{"Title": s.p.T("web.nav.officials"), "Officials": officials, "StandIns": standIns,
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
		s.flashBack(w, r, "/officials", s.p.T("web.officials.nip"))
		return
	case o.Name == "":
		s.flashBack(w, r, "/officials", s.p.T("web.officials.name"))
		return
	case !s.validRole(o.Role):
		s.flashBack(w, r, "/officials", s.p.T("web.officials.role"))
		return
	case len(password) < 8:
		s.flashBack(w, r, "/officials", s.p.T("web.officials.password"))
		return
	case o.Email != nil && !validEmail(*o.Email):
		s.flashBack(w, r, "/officials", s.p.T("web.officials.email"))
		return
	}
	added, err := s.st.AddOfficial(r.Context(), o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !added {
		s.flashBack(w, r, "/officials", s.p.T("web.officials.exists", o.NIP))
		return
	}
	if !s.setPassword(w, r, o.NIP, password) {
		return
	}
	s.audit(r, userOf(r).NIP, "official_added", map[string]any{"nip": o.NIP, "role": o.Role})
	s.flashBack(w, r, "/officials", s.p.T("web.officials.added", o.Name))
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
			s.flashBack(w, r, "/officials", s.p.T("web.officials.password"))
			return
		}
		if _, err := s.st.Official(r.Context(), nip); err != nil {
			s.flashBack(w, r, "/officials", s.p.T("web.officials.unknown", nip))
			return
		}
		if !s.setPassword(w, r, nip, p) {
			return
		}
		s.audit(r, userOf(r).NIP, "password_reset", detail)
		s.flashBack(w, r, "/officials", s.p.T("web.officials.password_changed", nip))
		return
	case "role":
		role := r.PostFormValue("role")
		if nip == userOf(r).NIP {
			s.flashBack(w, r, "/officials", s.p.T("web.officials.own_role"))
			return
		}
		if !s.validRole(role) {
			s.flashBack(w, r, "/officials", s.p.T("web.officials.role"))
			return
		}
		err, detail["role"] = s.st.SetRole(r.Context(), nip, role), role
	case "email":
		e := strings.TrimSpace(r.PostFormValue("email"))
		if e != "" && !validEmail(e) {
			s.flashBack(w, r, "/officials", s.p.T("web.officials.email"))
			return
		}
		err, detail["email"] = s.st.SetEmail(r.Context(), nip, e), e
	case "deactivate", "activate":
		err = s.st.SetActive(r.Context(), nip, op == "activate")
	default:
		http.Error(w, s.p.T("web.form.invalid"), http.StatusBadRequest)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		s.flashBack(w, r, "/officials", s.p.T("web.officials.unknown", nip))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, userOf(r).NIP, "official_"+r.PostFormValue("op"), detail)
	s.flashBack(w, r, "/officials", s.p.T("web.officials.updated", nip))
}

func (s *Server) addStandIn(w http.ResponseWriter, r *http.Request) {
	loc := s.cal.Location()
	from, err1 := time.ParseInLocation("2006-01-02", r.PostFormValue("from"), loc)
	until, err2 := time.ParseInLocation("2006-01-02", r.PostFormValue("until"), loc)
	si := store.StandIn{Role: r.PostFormValue("role"), NIP: strings.TrimSpace(r.PostFormValue("nip")),
		Holder: strings.TrimSpace(r.PostFormValue("holder")), StartsOn: from, EndsOn: until, CreatedBy: userOf(r).NIP}
	if _, ok := s.def.Role(si.Role); !ok {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.role"))
		return
	}
	if err1 != nil || err2 != nil || until.Before(from) {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.dates"))
		return
	}
	if si.Holder == "" {
		si.Holder = s.def.RoleName(si.Role)
	}
	si.Kind = r.PostFormValue("kind")
	if si.Kind != store.Plt && si.Kind != store.Plh {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.kind"))
		return
	}
	if err := textcheck.Line("nama pejabat definitif", si.Holder, textcheck.NameMax); err != nil {
		s.flashBack(w, r, "/officials", capitalize(err.Error())+".")
		return
	}
	if si.NIP == userOf(r).NIP {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.self"))
		return
	}
	// A stand-in decides for a role of the chain, so only an official of the chain may be one:
	// never an operator or an auditor, whose own roles must stay apart from the decisions.
	if o, err := s.st.Official(r.Context(), si.NIP); err != nil || !o.Active {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.unknown"))
		return
	} else if _, chainRole := s.def.Role(o.Role); !chainRole {
		s.flashBack(w, r, "/officials", s.p.T("web.standin.chain"))
		return
	}
	if err := s.st.AddStandIn(r.Context(), si); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, userOf(r).NIP, "stand_in_appointed", map[string]any{"nip": si.NIP, "role": si.Role, "kind": si.Kind,
		"from": r.PostFormValue("from"), "until": r.PostFormValue("until")})
	s.flashBack(w, r, "/officials", s.p.T("web.standin.done"))
}
