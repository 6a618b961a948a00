package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/web"
	"github.com/skflow/skflow/worktime"
)

// Demo officials' NIPs by role.
var nip = allinone.DemoNIPs()

type env struct {
	t    *testing.T
	srv  *httptest.Server
	st   *store.Store
	ops  *caseops.Ops
	tc   client.Client
	spec worktime.Spec
	sys  *testenv.Env
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvIn(t, nil)
}

// newEnvIn is newEnv with the app speaking p's language (Bahasa Indonesia when nil).
func newEnvIn(t *testing.T, p *i18n.Printer) *env {
	t.Helper()
	sys := testenv.New(t, "web-test")
	e := &env{t: t, st: sys.Store, tc: sys.Client, spec: worktime.DefaultSpec(), sys: sys}
	e.ops = caseops.New(e.tc, "web-test")
	e.srv = sys.Web(t, e.ops, web.Options{Calendar: e.spec, TemporalUI: "http://ui.test", Namespace: sys.Server.GetDefaultNamespace(), Printer: p,
		Health: func(ctx context.Context) error {
			_, err := e.tc.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		}})
	return e
}

// startCase starts a case directly (the operator's form has its own test) and waits for it.
func (e *env) startCase(id string) {
	e.t.Helper()
	e.sys.StartCase(e.t, e.ops, id, e.spec)
}

// drive has decide make the open step's decision, again and again, until step stop is open
// (stop 0: until the case has ended). It fails after more decisions than a case can need.
func (e *env) drive(id string, stop int, decide func(c store.Case)) {
	e.t.Helper()
	for n := 0; ; n++ {
		if n > 40 {
			e.t.Fatalf("case %s did not get to step %d", id, stop)
		}
		c, err := e.st.Case(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if c.State != "running" || (stop > 0 && *c.OpenStep == stop) {
			return
		}
		decide(c)
	}
}

// advance agrees steps through the workflow until step stop is open.
func (e *env) advance(id string, stop int) {
	e.t.Helper()
	e.drive(id, stop, func(c store.Case) {
		// As the web does: the step's output first, then the decision on the version held.
		dr := &drafts.Drafts{St: e.st, Ops: e.ops, Def: sop.Default(), Decrees: e.sys.Publisher}
		if err := dr.Produce(context.Background(), c, *c.OpenStep, nip[*c.OpenRole], *c.OpenRole); err != nil {
			e.t.Fatal(err)
		}
		if _, err := dr.ForDecision(context.Background(), c, nip[*c.OpenRole], time.Now()); err != nil {
			e.t.Fatal(err)
		}
		d := chain.Decision{Step: *c.OpenStep, Attempt: *c.OpenAttempt, Action: chain.Agree,
			Actor: chain.Actor{NIP: nip[*c.OpenRole], Role: *c.OpenRole}}
		d.Document = e.held(c.ID)
		if _, err := e.ops.Decide(context.Background(), c.ID, fmt.Sprintf("adv-%s-%d-%d", c.ID, *c.OpenStep, *c.OpenAttempt), d); err != nil {
			e.t.Fatal(err)
		}
	})
}

// held is the hash of the draft version the case holds, which a decision must name.
func (e *env) held(id string) string {
	e.t.Helper()
	s, err := e.ops.Status(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	if s.Draft == nil {
		return ""
	}
	return s.Draft.SHA256
}

// officials are the demo officials signed in to the web app, one session per role.
type officials struct {
	e        *env
	sessions map[string]*browser
}

func (e *env) officials() *officials { return &officials{e: e, sessions: map[string]*browser{}} }

// decide submits the open step's form as its role: agree, or return with a reason.
func (o *officials) decide(c store.Case, action chain.Action, reason string) {
	o.e.t.Helper()
	role := *c.OpenRole
	if o.sessions[role] == nil {
		o.sessions[role] = o.e.login(role)
	}
	b := o.sessions[role]
	agree, ret, page := b.taskForm(c.ID)
	form := url.Values{"token": {agree}, "step": {fmt.Sprint(*c.OpenStep)}, "attempt": {fmt.Sprint(*c.OpenAttempt)}, "action": {string(action)},
		"document": {documentOf(page)}, "confirm": {"ya"}}
	if action == chain.Return {
		form.Set("token", ret)
		form.Set("reason", reason)
	}
	if code, loc, body := b.post("/tasks/"+c.ID+"/decide", form); code != http.StatusSeeOther || loc != "/inbox" {
		o.e.t.Fatalf("step %d by %s: %d %s\n%s", *c.OpenStep, role, code, loc, body)
	}
}

// advanceByWeb agrees steps through the web forms, each by its role, until step stop is open.
func (e *env) advanceByWeb(id string, stop int) {
	e.t.Helper()
	o := e.officials()
	e.drive(id, stop, func(c store.Case) { o.decide(c, chain.Agree, "") })
}

type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func (e *env) anonymous() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, base: e.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *env) login(role string) *browser {
	e.t.Helper()
	b := e.anonymous()
	if code, loc, _ := b.post("/login", url.Values{"nip": {nip[role]}, "password": {allinone.DemoPassword}}); code != http.StatusSeeOther || loc != "/" {
		e.t.Fatalf("sign in as %s: %d %s", role, code, loc)
	}
	return b
}

func (b *browser) do(req *http.Request) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (b *browser) get(path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	code, _, body := b.do(req)
	return code, body
}

func (b *browser) post(path string, form url.Values) (int, string, string) {
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload posts a multipart form with one file, as the browser's file inputs do.
func (b *browser) upload(path string, fields map[string]string, fileField, name string, content []byte) (int, string, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile(fileField, name)
	_, _ = fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var (
	tokenRE    = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
	documentRE = regexp.MustCompile(`name="document" value="([0-9a-f]*)"`)
)

// documentOf is the version hash a task page's forms carry: what the official read.
func documentOf(page string) string {
	if m := documentRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// taskForm opens a task page and returns the agree and return forms' tokens.
func (b *browser) taskForm(caseID string) (string, string, string) {
	b.t.Helper()
	code, body := b.get("/tasks/" + caseID)
	if code != http.StatusOK {
		b.t.Fatalf("task page %s: %d", caseID, code)
	}
	m := tokenRE.FindAllStringSubmatch(body, -1)
	if len(m) == 0 {
		b.t.Fatalf("no form token on the task page:\n%s", body)
	}
	ret := ""
	if len(m) > 1 {
		ret = m[1][1]
	}
	return m[0][1], ret, body
}

func TestSignInOutAuditedAndRateLimited(t *testing.T) {
	e := newEnv(t)
	b := e.anonymous()
	if code, loc, _ := b.post("/login", url.Values{"nip": {nip["kabid"]}, "password": {"salah"}}); code != http.StatusUnauthorized || loc != "" {
		t.Fatalf("wrong password: %d", code)
	}
	if code, _ := b.get("/inbox"); code != http.StatusSeeOther {
		t.Fatalf("inbox without signing in: %d", code)
	}
	k := e.login("kabid")
	if code, loc, _ := k.post("/logout", nil); code != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("sign out: %d %s", code, loc)
	}
	if code, _ := k.get("/inbox"); code != http.StatusSeeOther {
		t.Fatalf("inbox after signing out: %d", code)
	}
	audit, _ := e.st.Audit(context.Background(), "")
	var actions []string
	for _, a := range audit {
		if a.Actor == nip["kabid"] {
			actions = append(actions, a.Action)
		}
	}
	if strings.Join(actions, ",") != "sign_in_failed,sign_in,sign_out" {
		t.Fatalf("audit of the kabid's sign-ins: %v", actions)
	}

	// Five tries a minute per NIP; the sixth is refused even with the right password.
	a := e.anonymous()
	for i := 0; i < 5; i++ {
		a.post("/login", url.Values{"nip": {nip["sekda"]}, "password": {"tebakan"}})
	}
	code, _, body := a.post("/login", url.Values{"nip": {nip["sekda"]}, "password": {allinone.DemoPassword}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
		t.Fatalf("sixth sign-in attempt: %d", code)
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-auth") // step 1 is open for the kabid
	type action struct {
		name, method, path string
		form               url.Values
		allowed            []string // roles that pass the check; everyone else gets 403
	}
	chainRoles := []string{"pelaksana", "analis", "kabid", "sekretaris", "kepala", "sekda", "bupati"}
	everyone := append(append([]string{}, chainRoles...), "operator", "auditor")
	// Allowed state-changing requests carry input that the handler refuses after the role
	// check, so every cell sees the same case.
	actions := []action{
		{"inbox", "GET", "/inbox", nil, chainRoles},
		{"open task", "GET", "/tasks/c-auth", nil, []string{"kabid"}},
		{"decide", "POST", "/tasks/c-auth/decide", url.Values{"token": {"bad"}, "step": {"1"}}, []string{"kabid"}},
		{"board", "GET", "/board", nil, []string{"operator", "auditor"}},
		{"start case", "POST", "/cases", url.Values{"title": {""}}, []string{"operator"}},
		{"cancel case", "POST", "/cases/c-auth/cancel", url.Values{"reason": {""}}, []string{"operator"}},
		{"case page", "GET", "/cases/c-auth", nil, everyone},
		{"report", "GET", "/report", nil, []string{"auditor", "kepala"}},
		{"report csv", "GET", "/report.csv", nil, []string{"auditor", "kepala"}},
		{"report xlsx", "GET", "/report.xlsx", nil, []string{"auditor", "kepala"}},
		{"officials", "GET", "/officials", nil, []string{"operator"}},
		{"add official", "POST", "/officials", url.Values{"nip": {"1"}}, []string{"operator"}},
		{"change official", "POST", "/officials/" + nip["kabid"], url.Values{"op": {"bogus"}}, []string{"operator"}},
		{"appoint stand-in", "POST", "/standins", url.Values{"role": {"camat"}}, []string{"operator"}},
	}
	sessions := map[string]*browser{"anonymous": e.anonymous()}
	for _, r := range everyone {
		sessions[r] = e.login(r)
	}
	for _, a := range actions {
		for who, b := range sessions {
			var code int
			var loc string
			if a.method == "GET" {
				req, _ := http.NewRequest("GET", e.srv.URL+a.path, nil)
				code, loc, _ = b.do(req)
			} else {
				code, loc, _ = b.post(a.path, a.form)
			}
			switch {
			case who == "anonymous":
				if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
					t.Errorf("%s by nobody: %d %s, want the sign-in page", a.name, code, loc)
				}
			case contains(a.allowed, who):
				if code == http.StatusForbidden || code >= 500 || strings.HasPrefix(loc, "/login") {
					t.Errorf("%s by %s: %d %s, want it allowed", a.name, who, code, loc)
				}
			default:
				if code != http.StatusForbidden {
					t.Errorf("%s by %s: %d, want 403", a.name, who, code)
				}
			}
		}
	}
	if tasks, _ := e.st.Tasks(context.Background(), "c-auth"); len(tasks) != 1 || tasks[0].DecidedAt != nil {
		t.Fatalf("the matrix changed the case: %+v", tasks)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestOperatorSetsAnOfficialsEmail(t *testing.T) {
	e := newEnv(t)
	op := e.login("operator")
	if code, _, _ := op.post("/officials/"+nip["kabid"], url.Values{"op": {"email"}, "email": {"bukan alamat"}}); code != http.StatusSeeOther {
		t.Fatalf("bad address: %d", code)
	}
	if _, page := op.get("/officials"); !strings.Contains(page, "Alamat e-mail tidak sah.") {
		t.Fatal("a bad address was not refused in plain words")
	}
	op.post("/officials/"+nip["kabid"], url.Values{"op": {"email"}, "email": {"kabid@wajokab.go.id"}})
	if o, _ := e.st.Official(context.Background(), nip["kabid"]); o.Email == nil || *o.Email != "kabid@wajokab.go.id" {
		t.Fatalf("email not stored: %+v", o)
	}
}

func TestCrossOriginHealthMetricsAndReport(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader("nip=1&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if code, _, _ := e.anonymous().do(req); code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", code)
	}
	b := e.anonymous()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "skflow_http_requests_total"} {
		if code, body := b.get(path); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q", path, code, body)
		}
	}
	e.startCase("c-report")
	e.advance("c-report", 5)
	// The case's start and five decisions went through the store's group queue.
	_, body := b.get("/metrics")
	var written float64
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, "skflow_store_transitions_written_total "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			written = n
		}
	}
	if written < 6 {
		t.Errorf("/metrics: %v transitions written by the store, want the start and 5 decisions at least", written)
	}
	aud := e.login("auditor")
	code, page := aud.get("/report")
	if code != http.StatusOK || !strings.Contains(page, `class="chart"`) || !strings.Contains(page, "<td>4</td><td>Analis SDMA Ahli Muda</td><td>1</td>") {
		t.Fatalf("report page: %d\n%s", code, page)
	}
	code, csv := aud.get("/report.csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, "\ufeffID berkas;Langkah;Percobaan") || strings.Count(csv, "\nc-report;") != 5 {
		t.Fatalf("report csv: %d\n%s", code, csv)
	}
	if code, x := aud.get("/report.xlsx"); code != http.StatusOK || !strings.HasPrefix(x, "PK\x03\x04") {
		t.Fatalf("report xlsx: %d", code)
	}
	if code, page = aud.get("/report?from=2000-01-01&to=2000-12-31"); code != http.StatusOK || strings.Contains(page, "c-report") {
		t.Fatal("the period filter kept a case started outside it")
	}
}
