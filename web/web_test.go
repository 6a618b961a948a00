package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/go-pdf/fpdf"
	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/drafts"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/internal/pdftool"
	"github.com/skflow/skflow/internal/testenv"
	nipfmt "github.com/skflow/skflow/nip"
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
	sys := testenv.New(t, "web-test")
	e := &env{t: t, st: sys.Store, tc: sys.Client, spec: worktime.DefaultSpec(), sys: sys}
	e.ops = caseops.New(e.tc, "web-test")
	e.srv = sys.Web(t, e.ops, web.Options{Calendar: e.spec, TemporalUI: "http://ui.test", Namespace: sys.Server.GetDefaultNamespace(),
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

func TestKabidAgreesAndTheTaskMovesToTheAnalis(t *testing.T) {
	e := newEnv(t)
	op := e.login("operator")
	code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar CPNS 2026 angkatan I"}, "proposals", "usulan.csv",
		[]byte("NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n"+
			"199801152024032001,Andi <b>Nurul</b>,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"+
			"19980115,Salah,Analis,BKD,III/a,ya,ya,ya,ya\n"))
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/latsar-") {
		t.Fatalf("start a case: %d %s", code, loc)
	}
	id := strings.TrimPrefix(loc, "/cases/")
	_, casePage := op.get(loc)
	if !strings.Contains(casePage, "Usulan OPD: 2 baris, 1 bermasalah, 1 calon, 1 memenuhi syarat. Golongan III angkatan 1: 1 peserta.") ||
		!strings.Contains(casePage, "Andi &lt;b&gt;Nurul&lt;/b&gt;") || !strings.Contains(casePage, "<td>3</td><td>NIP</td>") {
		t.Fatalf("the case page does not show the proposals:\n%s", casePage)
	}

	if code, sk := op.get(loc + "/sk.pdf"); code != http.StatusOK || !strings.HasPrefix(sk, "%PDF-") {
		t.Fatalf("draft SK PDF: %d", code)
	}
	if code, sk := op.get(loc + "/sk"); code != http.StatusOK || !strings.Contains(sk, "Andi &lt;b&gt;Nurul&lt;/b&gt;") {
		t.Fatalf("draft SK HTML: %d", code)
	}
	k := e.login("kabid")
	_, inbox := k.get("/inbox")
	if !strings.Contains(inbox, `<strong id="waiting">1</strong>`) || !strings.Contains(inbox, "/tasks/"+id) {
		t.Fatalf("kabid inbox:\n%s", inbox)
	}
	agree, ret, page := k.taskForm(id)
	if ret != "" || !strings.Contains(page, "Lembar disposisi") || !strings.Contains(page, "30 menit kerja") || !strings.Contains(page, "Setuju: teruskan") {
		t.Fatalf("step 1 page (an order: no return form):\n%s", page)
	}
	// The candidates as the decree would list them, per angkatan, with the NIP as printed.
	if !strings.Contains(page, "Golongan III angkatan 1 (1 orang)") || !strings.Contains(page, "<td>19980115 202403 2 001</td><td>Andi &lt;b&gt;Nurul&lt;/b&gt;</td>") {
		t.Fatalf("step 1 page does not list the candidates per angkatan:\n%s", page)
	}
	form := url.Values{"token": {agree}, "step": {"1"}, "attempt": {"1"}, "action": {"agree"}}
	for i := 0; i < 2; i++ { // a double submit is one decision
		if code, loc, _ := k.post("/tasks/"+id+"/decide", form); code != http.StatusSeeOther || loc != "/inbox" {
			t.Fatalf("submit %d: %d %s", i+1, code, loc)
		}
	}
	tasks, _ := e.st.Tasks(context.Background(), id)
	if len(tasks) != 2 || *tasks[0].ActorNIP != nip["kabid"] || tasks[1].Role != "analis" {
		t.Fatalf("after the kabid's agreement: %+v", tasks)
	}
	if _, inbox = k.get("/inbox"); !strings.Contains(inbox, `<strong id="waiting">0</strong>`) {
		t.Fatal("the task is still in the kabid's inbox")
	}
	a := e.login("analis")
	if _, inbox = a.get("/inbox"); !strings.Contains(inbox, "/tasks/"+id) {
		t.Fatal("the task did not reach the analis's inbox")
	}
	if code, _ := k.get("/tasks/" + id); code != http.StatusForbidden {
		t.Fatalf("the kabid opens the analis's task: %d", code)
	}
}

func TestReturnNeedsAReasonAndReasonsAreEscaped(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-xss")
	e.advance("c-xss", 7)
	k := e.login("kabid")
	_, ret, _ := k.taskForm("c-xss")
	code, _, body := k.post("/tasks/c-xss/decide", url.Values{"token": {ret}, "step": {"7"}, "attempt": {"1"}, "action": {"return"}, "reason": {"   "}})
	if code != http.StatusConflict || !strings.Contains(body, "Alasan pengembalian wajib diisi.") {
		t.Fatalf("return without a reason: %d", code)
	}
	_, ret, page := k.taskForm("c-xss")
	evil := `<script>alert("x")</script> lampiran kurang`
	if code, _, _ := k.post("/tasks/c-xss/decide", url.Values{"token": {ret}, "step": {"7"}, "attempt": {"1"}, "action": {"return"}, "reason": {evil},
		"document": {documentOf(page)}}); code != http.StatusSeeOther {
		t.Fatalf("return: %d", code)
	}
	_, page = e.login("operator").get("/cases/c-xss")
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; lampiran kurang") {
		t.Fatalf("the reason is not escaped on the case page")
	}
	if !strings.Contains(page, `class="step open"`) || !strings.Contains(page, "<svg") {
		t.Fatal("the case page has no swimlane with the open step marked")
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

func TestStandInDecidesOnBehalfOfTheHolder(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-plh")
	op := e.login("operator")
	today := time.Now().In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02")
	form := url.Values{"role": {"kabid"}, "nip": {nip["sekretaris"]}, "holder": {"Andi Baso Rahman"}, "from": {today}, "until": {today}, "kind": {"plh"}}
	// Never an operator or an auditor, never oneself: a stand-in is an official of the chain.
	for who, f := range map[string]url.Values{"operator": {"nip": {nip["operator"]}}, "auditor": {"nip": {nip["auditor"]}}} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("nip", f.Get("nip"))
		op.post("/standins", bad)
		if _, page := op.get("/officials"); !strings.Contains(page, "bukan operator atau auditor") && !strings.Contains(page, "diri sendiri") {
			t.Fatalf("%s appointed as a stand-in:\n%s", who, page)
		}
	}
	if sis, _ := e.st.StandIns(context.Background(), "", time.Now()); len(sis) != 0 {
		t.Fatalf("refused appointments were stored: %+v", sis)
	}
	if code, loc, _ := op.post("/standins", form); code != http.StatusSeeOther || loc != "/officials" {
		t.Fatalf("appoint: %d %s", code, loc)
	}
	s := e.login("sekretaris")
	_, inbox := s.get("/inbox")
	if !strings.Contains(inbox, "/tasks/c-plh") || !strings.Contains(inbox, "a.n. Andi Baso Rahman") {
		t.Fatalf("the stand-in's inbox:\n%s", inbox)
	}
	agree, _, _ := s.taskForm("c-plh")
	if code, _, _ := s.post("/tasks/c-plh/decide", url.Values{"token": {agree}, "step": {"1"}, "attempt": {"1"}, "action": {"agree"}}); code != http.StatusSeeOther {
		t.Fatalf("decide as stand-in: %d", code)
	}
	tasks, _ := e.st.Tasks(context.Background(), "c-plh")
	if d := tasks[0]; *d.ActorNIP != nip["sekretaris"] || d.OnBehalfOf == nil || *d.OnBehalfOf != "Andi Baso Rahman" ||
		d.Appointment == nil || *d.Appointment != "Plh." {
		t.Fatalf("recorded %+v", d)
	}
	if _, page := op.get("/cases/c-plh"); !strings.Contains(page, "Plh. Kabid Pengembangan Kompetensi ASN (Andi Baso Rahman)") {
		t.Fatalf("the case history does not say Plh.:\n%s", page)
	}
	// The operator cannot change their own role.
	op.post("/officials/"+nip["operator"], url.Values{"op": {"role"}, "role": {"bupati"}})
	if o, _ := e.st.Official(context.Background(), nip["operator"]); o.Role != "operator" {
		t.Fatalf("the operator made themself %s", o.Role)
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

// The acceptance: each demo official signs in and takes one case through all 15 steps
// with one return, through the web forms; the auditor then sees the durations.
func TestWholeCaseThroughTheWebWithOneReturn(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-web")
	o := e.officials()
	returned := false
	e.drive("c-web", 0, func(c store.Case) {
		if *c.OpenStep == 7 && !returned {
			returned = true
			o.decide(c, chain.Return, "Lampiran angkatan II belum lengkap")
			return
		}
		o.decide(c, chain.Agree, "")
	})
	if c, _ := e.st.Case(context.Background(), "c-web"); c.State != "completed" {
		t.Fatalf("the case ended %s", c.State)
	}
	if len(o.sessions) != 7 {
		t.Fatalf("%d roles took part, want all 7", len(o.sessions))
	}
	tasks, _ := e.st.Tasks(context.Background(), "c-web")
	if len(tasks) != 17 {
		t.Fatalf("%d step attempts, want 17 (15 steps, 6 and 7 twice)", len(tasks))
	}
	_, page := e.login("auditor").get("/report")
	if !strings.Contains(page, "<td>7</td><td>Kabid Pengembangan Kompetensi ASN</td><td>2</td>") ||
		!strings.Contains(page, `<a href="/cases/c-web">Latsar c-web</a></td><td>selesai</td>`) {
		t.Fatalf("the auditor's report does not show the case's durations:\n%s", page)
	}
}

func TestStartRefusesAFileThatIsNotAProposalList(t *testing.T) {
	e := newEnv(t)
	op := e.login("operator")
	if code, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar salah berkas"}, "proposals", "undangan.pdf",
		[]byte("%PDF-1.4\x00\x01\x02")); code != http.StatusSeeOther || loc != "/board" {
		t.Fatalf("bad file: %d %s", code, loc)
	}
	if _, board := op.get("/board"); !strings.Contains(board, "Berkas tidak dimulai. undangan.pdf: berkas bukan lembar kerja CSV atau XLSX") {
		t.Fatalf("no plain refusal on the board:\n%s", board)
	}
	if cases, _ := e.st.Cases(context.Background()); len(cases) != 0 {
		t.Fatalf("a case was started from a refused file")
	}
}

func TestAnalisCorrectsTheClassificationUntilTheFirstParaf(t *testing.T) {
	e := newEnv(t)
	c := chain.CaseInput{CaseID: "c-fix", Title: "Latsar c-fix", StartedBy: nip["operator"], Definition: *sop.Default(), Calendar: e.spec}
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n" +
		"199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"199605202024031002,Arfah,Pranata,Diskominfo,III/a,ya,ya,tidak,ya\n"
	if _, err := intake.Take(context.Background(), e.st, "c-fix", "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.ops.Start(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), "c-fix", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	e.advance("c-fix", 4)
	fix := url.Values{"nip": {"199605202024031002"}, "action": {"move"}, "batch": {"2"}, "reason": {"SPT menyusul, sudah dikonfirmasi OPD"}}
	if code, _, _ := e.login("kabid").post("/cases/c-fix/candidates", fix); code != http.StatusForbidden {
		t.Fatalf("the kabid corrected: %d", code)
	}
	a := e.login("analis")
	if _, page := a.get("/cases/c-fix"); !strings.Contains(page, `class="grid correct"`) {
		t.Fatalf("the analis sees no correction form:\n%s", page)
	}
	if code, loc, _ := a.post("/cases/c-fix/candidates", fix); code != http.StatusSeeOther || loc != "/cases/c-fix" {
		t.Fatalf("correct: %d %s", code, loc)
	}
	cands, _ := e.st.Candidates(context.Background(), "c-fix")
	var arfah store.CandidateRow
	for _, x := range cands {
		if x.Name == "Arfah" {
			arfah = x
		}
	}
	if !arfah.Eligible || *arfah.Batch != 2 || *arfah.Group != "III" {
		t.Fatalf("after the correction: %+v", arfah)
	}
	audit, _ := e.st.Audit(context.Background(), "c-fix")
	if last := audit[len(audit)-1]; last.Action != "candidate_corrected" || last.Actor != nip["analis"] ||
		!strings.Contains(string(last.Detail), "SPT menyusul") {
		t.Fatalf("audit %+v", last)
	}
	// Once the Analis has initialled (step 6), the classification is settled.
	e.advance("c-fix", 7)
	a.post("/cases/c-fix/candidates", fix)
	if _, page := a.get("/cases/c-fix"); !strings.Contains(page, "Koreksi ditolak: klasifikasi sudah final setelah langkah 6 diparaf") {
		t.Fatal("a correction after the first paraf was not refused")
	}
}

func TestPublicListingShowsOnlyCompletedDecrees(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	for _, id := range []string{"c-done", "c-open"} {
		if _, err := intake.Take(context.Background(), e.st, id, "u.csv", []byte(csv), "op", 40, nil); err != nil {
			t.Fatal(err)
		}
		e.startCase(id)
	}
	e.advance("c-done", 15)
	if _, err := e.ops.Decide(context.Background(), "c-done", "last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: e.held("c-done")}); err != nil {
		t.Fatal(err)
	}
	b := e.anonymous()
	code, page := b.get("/publik")
	year := time.Now().In(time.FixedZone("WITA", 8*3600)).Year()
	number := fmt.Sprintf("000.8.3.4/0001.1/%d", year) // the register's first decree of the year
	if code != http.StatusOK || !strings.Contains(page, `/publik/c-done.pdf`) || strings.Contains(page, "c-open") ||
		!strings.Contains(page, "<td>"+number+"</td>") {
		t.Fatalf("public listing: %d\n%s", code, page)
	}
	if _, page := e.login("operator").get("/cases/c-done"); !strings.Contains(page, "SK nomor <strong>"+number+"</strong>") {
		t.Fatalf("the case page does not show the decree's number:\n%s", page)
	}
	code, pdf := b.get("/publik/c-done.pdf")
	if code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("published SK: %d", code)
	}
	// The decree is issued once: every copy is the same bytes, and the verification page names
	// their hash, the paraf chain, and tells a true copy from an altered one.
	if _, again := b.get("/publik/c-done.pdf"); again != pdf {
		t.Fatal("the published SK changed between two downloads")
	}
	sum := sha256.Sum256([]byte(pdf))
	_, page = b.get("/verifikasi/c-done")
	if !strings.Contains(page, number) || !strings.Contains(page, hex.EncodeToString(sum[:])) ||
		strings.Count(page, "<td>Bupati Wajo</td>") != 1 || strings.Count(page, "<td>Kabid Pengembangan Kompetensi ASN</td>") != 1 ||
		!strings.Contains(page, `<td id="seal">Sah: berkas resmi tidak berubah sejak ditandatangani</td>`) ||
		!strings.Contains(page, "<h1>Verifikasi KEPUTUSAN BUPATI WAJO</h1>") {
		t.Fatalf("verification page:\n%s", page)
	}
	if _, _, body := b.upload("/verifikasi/c-done", nil, "file", "sk.pdf", []byte(pdf)); !strings.Contains(body, "Cocok: berkas sk.pdf sama persis") {
		t.Fatalf("the issued PDF does not verify:\n%s", body)
	}
	altered := []byte(pdf)
	altered[len(altered)/2] ^= 1
	if _, _, body := b.upload("/verifikasi/c-done", nil, "file", "sk-ubah.pdf", altered); !strings.Contains(body, "Tidak cocok: berkas sk-ubah.pdf") ||
		!strings.Contains(body, "Tanda tangan di dalamnya tidak sah: berkas itu diubah setelah ditandatangani.") {
		t.Fatalf("an altered PDF verifies:\n%s", body)
	}
	if code, _ := b.get("/verifikasi/c-open"); code != http.StatusNotFound {
		t.Fatalf("an unsigned case has a verification page: %d", code)
	}
	if code, _ := b.get("/publik/c-open.pdf"); code != http.StatusNotFound {
		t.Fatalf("an unfinished case's SK is public: %d", code)
	}
	// The completed case queued one delivery per OPD (its training's summons aside).
	box, _ := e.st.Outbox(context.Background(), "c-done")
	var deliveries []store.Message
	for _, m := range box {
		if m.Kind == "delivery" {
			deliveries = append(deliveries, m)
		}
	}
	if len(deliveries) != 1 || *deliveries[0].OPD != "Dinas Pendidikan" {
		t.Fatalf("deliveries: %+v", deliveries)
	}
}

func uploadVersion(t *testing.T, e *env, b *browser, caseID, name string, content []byte) (int, string) {
	t.Helper()
	code, _, _ := b.upload("/cases/"+caseID+"/versions", nil, "file", name, content)
	_, page := b.get("/cases/" + caseID)
	return code, page
}

// Decisions from the first review on record the draft version's hash; a new version after
// some parafs sends the draft back to the Analis; once signed, the decree takes no version and
// the published SK is the version that was signed.
func TestDraftVersionsAndParafOnTheRightVersion(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	if _, err := intake.Take(context.Background(), e.st, "c-ver", "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	e.startCase("c-ver")
	e.advance("c-ver", 6)
	// The Analis initials through the web, on version 1: the generated draft step 5 produced.
	a := e.login("analis")
	agree, _, page := a.taskForm("c-ver")
	if !strings.Contains(page, "Draft SK versi <strong>1</strong>") || documentOf(page) == "" {
		t.Fatalf("the task page does not show the version decided on:\n%s", page)
	}
	// A form that names another version than the one the case holds changes nothing.
	if code, _, body := a.post("/tasks/c-ver/decide", url.Values{"token": {agree}, "step": {"6"}, "attempt": {"1"}, "action": {"agree"},
		"document": {strings.Repeat("ab", 32)}}); code != http.StatusConflict || !strings.Contains(body, "Draft SK berubah saat Anda membaca") {
		t.Fatalf("a paraf on a stale version: %d\n%s", code, body)
	}
	if code, _, _ := a.post("/tasks/c-ver/decide", url.Values{"token": {agree}, "step": {"6"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}}); code != http.StatusSeeOther {
		t.Fatalf("paraf: %d", code)
	}
	v1, ok, _ := e.st.LatestVersion(context.Background(), "c-ver")
	tasks, _ := e.st.Tasks(context.Background(), "c-ver")
	if !ok || v1.Version != 1 || v1.Kind != "generated" || tasks[5].Document == nil || *tasks[5].Document != v1.SHA256 {
		t.Fatalf("the Analis's paraf is not on version 1: %+v %+v", v1, tasks[5])
	}
	// Step 5 produces the typed draft: it was agreed on version 1, and step 4 on no version.
	if tasks[4].Document == nil || *tasks[4].Document != v1.SHA256 || tasks[3].Document != nil {
		t.Fatal("the draft's own step was not agreed on version 1, or an earlier step on a version")
	}

	p := e.login("pelaksana")
	if code, page := uploadVersion(t, e, p, "c-ver", "catatan.txt", []byte("bukan draft")); code != http.StatusSeeOther || !strings.Contains(page, "Versi baru ditolak: berkas harus PDF atau DOCX") {
		t.Fatalf("a text file as a version: %d", code)
	}
	// A file that only starts like a PDF could never be signed: refused before anyone initials it.
	if code, page := uploadVersion(t, e, p, "c-ver", "rusak.pdf", []byte("%PDF-1.7\nrevisi nomor SK\n%%EOF\n")); code != http.StatusSeeOther ||
		!strings.Contains(page, "Versi baru ditolak: berkas PDF rusak atau tidak lengkap sehingga tidak dapat ditandatangani") {
		t.Fatalf("a broken PDF as a version: %d\n%s", code, page)
	}
	revised := pdfWith(t, "revisi nomor SK")
	// A reviewer may return the draft, never change it; an operator may not even try.
	if code, page := uploadVersion(t, e, e.login("kabid"), "c-ver", "kabid.pdf", revised); code != http.StatusSeeOther ||
		!strings.Contains(page, "Versi baru ditolak: peran Anda tidak boleh mengubah isi SK: hanya Pelaksana pada Bidang Pengembangan Kompetensi ASN atau Analis SDMA Ahli Muda") {
		t.Fatalf("the Kabid's upload: %d\n%s", code, page)
	}
	if code, _, _ := e.login("operator").upload("/cases/c-ver/versions", nil, "file", "op.pdf", revised); code != http.StatusForbidden {
		t.Fatalf("the operator's upload: %d", code)
	}
	if vs, _ := e.st.Versions(context.Background(), "c-ver"); len(vs) != 1 {
		t.Fatalf("refused uploads stored %d versions", len(vs)-1)
	}
	if code, page := uploadVersion(t, e, p, "c-ver", "draft-revisi.pdf", revised); code != http.StatusSeeOther || !strings.Contains(page, "Versi 2 draft SK tersimpan") {
		t.Fatalf("upload: %d", code)
	}
	c, _ := e.st.Case(context.Background(), "c-ver")
	if *c.OpenStep != 6 || *c.OpenAttempt != 2 {
		t.Fatalf("after version 2 the case is at step %d attempt %d, want the Analis's review again", *c.OpenStep, *c.OpenAttempt)
	}
	tasks, _ = e.st.Tasks(context.Background(), "c-ver")
	if sup := tasks[6]; sup.Step != 7 || *sup.Decision != "superseded" {
		t.Fatalf("the Kabid's open review was not superseded: %+v", sup)
	}
	if _, page := p.get("/cases/c-ver"); !strings.Contains(page, "diganti versi baru") {
		t.Fatal("the case page does not say the review was superseded")
	}
	v2, _, _ := e.st.LatestVersion(context.Background(), "c-ver")

	e.advanceByWeb("c-ver", 12) // through the parafs and the signature: all on version 2
	tasks, _ = e.st.Tasks(context.Background(), "c-ver")
	for _, task := range tasks[7:] {
		if task.DecidedAt != nil && (task.Document == nil || *task.Document != v2.SHA256) {
			t.Fatalf("step %d attempt %d decided on %v, want version 2", task.Step, task.Attempt, task.Document)
		}
	}
	if code, page := uploadVersion(t, e, p, "c-ver", "telat.pdf", revised); code != http.StatusSeeOther || !strings.Contains(page, "SK sudah ditandatangani; versinya final") {
		t.Fatalf("a version after the signature: %d", code)
	}
	e.advance("c-ver", 15)
	// From the signature on, the task page names the signed decree and opens it.
	issued, ok, err := e.st.IssuedDecree(context.Background(), "c-ver")
	if err != nil || !ok {
		t.Fatalf("no decree issued at the signature (%v)", err)
	}
	if _, _, page := p.taskForm("c-ver"); !strings.Contains(page, "Nomor <strong>"+issued.Number+"</strong>, ditandatangani secara elektronik; SHA-256 <code>"+issued.SHA256) {
		t.Fatalf("the step-15 page does not name the signed decree:\n%s", page)
	}
	if code, body := p.get("/cases/c-ver/sk.pdf"); code != http.StatusOK || body != string(issued.Content) {
		t.Fatalf("the case's SK is not the issued decree: %d", code)
	}
	if _, err := e.ops.Decide(context.Background(), "c-ver", "ver-last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: v2.SHA256}); err != nil {
		t.Fatal(err)
	}
	// The published SK is version 2 itself, with the electronic signature appended to it.
	code, body := e.anonymous().get("/publik/c-ver.pdf")
	if code != http.StatusOK || !strings.HasPrefix(body, string(revised)) || len(body) == len(revised) {
		t.Fatalf("the published SK is not the signed version 2: %d %q", code, body)
	}
	if out := pdftool.Output(t, "pdfsig", pdftool.File(t, "sk.pdf", []byte(body))); !strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig on the published upload:\n%s", out)
	}
}

// Issue 5's acceptance: a case started with a real-looking XLSX of 130 proposals (some invalid)
// shows the problems, classifies the rest into angkatan of at most 40 per golongan, produces a
// PDF draft whose lampiran matches, and at step 15 each OPD's notification lists exactly its
// participants.
func TestAcceptance130Proposals(t *testing.T) {
	e := newEnv(t)
	xlsx, err := os.ReadFile("../examples/usulan-opd-130.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	op := e.login("operator")
	_, loc, _ := op.upload("/cases", map[string]string{"title": "Latsar CPNS 2026"}, "proposals", "usulan-opd-130.xlsx", xlsx)
	id := strings.TrimPrefix(loc, "/cases/")
	_, page := op.get(loc)
	if !strings.Contains(page, "Usulan OPD: 130 baris, 10 bermasalah, 120 calon, 112 memenuhi syarat.") ||
		strings.Count(page, "pada NIP bukan tanggal yang ada") != 10 {
		t.Fatalf("the case page does not show the proposals and their problems:\n%s", page)
	}

	cands, _ := e.st.Candidates(context.Background(), id)
	perBatch := map[string]int{}
	eligible := map[string]string{} // NIP to OPD
	for _, c := range cands {
		if c.Eligible {
			perBatch[fmt.Sprintf("%s/%d", *c.Group, *c.Batch)]++
			eligible[c.NIP] = c.OPD
		}
	}
	for b, n := range perBatch {
		if n > 40 {
			t.Fatalf("angkatan %s has %d participants", b, n)
		}
	}
	c, _ := e.st.Case(context.Background(), id)
	d, err := intake.Draft(context.Background(), e.st, c, 40, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := d.WritePDF(&pdf, false); err != nil {
		t.Fatal(err)
	}
	for nipNo := range eligible {
		if n := strings.Count(pdf.String(), "("+nipfmt.Spaced(nipNo)+")"); n != 1 {
			t.Fatalf("eligible NIP %s appears %d times in the lampiran", nipNo, n)
		}
	}
	if d.Total() != len(eligible) || len(d.Batches) != len(perBatch) {
		t.Fatalf("lampiran has %d in %d angkatan; classification %d in %d", d.Total(), len(d.Batches), len(eligible), len(perBatch))
	}

	e.advanceByWeb(id, 15)
	if _, err := e.ops.Decide(context.Background(), id, "acc-last", chain.Decision{Step: 15, Action: chain.Agree,
		Actor: chain.Actor{NIP: nip["pelaksana"], Role: "pelaksana"}, Document: e.held(id)}); err != nil {
		t.Fatal(err)
	}
	box, _ := e.st.Outbox(context.Background(), id)
	seen := map[string]bool{}
	deliveries := 0
	for _, m := range box {
		if m.Kind != "delivery" {
			continue
		}
		deliveries++
		for nipNo, opd := range eligible {
			if in := strings.Contains(m.Body, "NIP "+nipNo); in != (opd == *m.OPD) {
				t.Fatalf("NIP %s (%s) in the message to %s: %v", nipNo, opd, *m.OPD, in)
			}
		}
		seen[*m.OPD] = true
	}
	opds := map[string]bool{}
	for _, opd := range eligible {
		opds[opd] = true
	}
	if deliveries != len(opds) || len(seen) != len(opds) {
		t.Fatalf("%d delivery messages for %d OPDs", deliveries, len(opds))
	}
}

// Issue 9's scenario: the Kabid returns the draft, the Analis corrects the classification at the
// second attempt of step 6, and the chain signs and delivers. Every paraf from then on is on the
// regenerated version, and the decree is one document: the participants the signature froze are
// those /publik counts, the issued PDF that /verifikasi hashes, and exactly those each OPD is
// mailed.
func TestACorrectionAfterAReturnYieldsOneDocument(t *testing.T) {
	e := newEnv(t)
	csv := "NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n" +
		"199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n" +
		"199605202024031002,Arfah,Pranata Komputer,Diskominfo,III/a,ya,ya,ya,ya\n" +
		"200001012024032003,Rahma,Pengelola,Dinas Pendidikan,III/a,ya,ya,ya,ya\n"
	const id = "c-one"
	if _, err := intake.Take(context.Background(), e.st, id, "u.csv", []byte(csv), "op", 40, nil); err != nil {
		t.Fatal(err)
	}
	e.startCase(id)
	o := e.officials()
	e.drive(id, 7, func(c store.Case) { o.decide(c, chain.Agree, "") })
	c, _ := e.st.Case(context.Background(), id)
	o.decide(c, chain.Return, "Arfah belum menyerahkan surat perintah tugas")
	fix := url.Values{"nip": {"199605202024031002"}, "action": {"exclude"}, "reason": {"SPT tidak ada"}}
	if code, _, _ := o.sessions["analis"].post("/cases/"+id+"/candidates", fix); code != http.StatusSeeOther {
		t.Fatalf("correction at step 6, attempt 2: %d", code)
	}
	latest, ok, err := e.st.LatestVersion(context.Background(), id)
	if err != nil || !ok || latest.Version < 2 {
		t.Fatalf("the correction made no new version: %+v %v", latest, err)
	}
	e.drive(id, 0, func(c store.Case) { o.decide(c, chain.Agree, "") })

	tasks, _ := e.st.Tasks(context.Background(), id)
	for _, task := range tasks {
		if task.Step >= 6 && task.DecidedAt != nil && task.DecidedAt.After(latest.UploadedAt) &&
			(task.Document == nil || *task.Document != latest.SHA256) {
			t.Fatalf("step %d attempt %d was decided on %v, not the corrected version %d", task.Step, task.Attempt, task.Document, latest.Version)
		}
	}
	ps, _ := e.st.Participants(context.Background(), id)
	if len(ps) != 2 || ps[0].Name != "Andi" || ps[1].Name != "Rahma" {
		t.Fatalf("the signed decree names %+v", ps)
	}
	if code, page := e.login("operator").get("/cases/" + id); code != http.StatusOK || !strings.Contains(page, "Rincian setiap langkah") || strings.Contains(page, `class="open"`) {
		t.Fatalf("the completed case's page (%d)", code)
	}
	b := e.anonymous()
	if _, page := b.get("/publik"); !strings.Contains(page, "<td>2</td>") {
		t.Fatalf("/publik does not count the 2 participants of the signed decree:\n%s", page)
	}
	_, pdf := b.get("/publik/" + id + ".pdf")
	sum := sha256.Sum256([]byte(pdf))
	if _, page := b.get("/verifikasi/" + id); !strings.Contains(page, hex.EncodeToString(sum[:])) {
		t.Fatal("/verifikasi names another file than /publik serves")
	}
	box, _ := e.st.Outbox(context.Background(), id)
	var deliveries []store.Message
	for _, m := range box {
		if m.Kind == "delivery" {
			deliveries = append(deliveries, m)
		}
	}
	if len(deliveries) != 1 || *deliveries[0].OPD != "Dinas Pendidikan" || !strings.Contains(deliveries[0].Body, "Andi, NIP") ||
		!strings.Contains(deliveries[0].Body, "Rahma, NIP") || strings.Contains(deliveries[0].Body, "Arfah") {
		t.Fatalf("deliveries: %+v", deliveries)
	}
	// The mail names the issued file by its number and hash.
	if !strings.Contains(deliveries[0].Body, "SHA-256 berkas SK yang sah: "+hex.EncodeToString(sum[:])) {
		t.Fatalf("the delivery does not name the issued file:\n%s", deliveries[0].Body)
	}
	// The workflow, the case's authority, holds the hash of exactly that file.
	if s, err := e.ops.Status(context.Background(), id); err != nil || s.Outputs[sop.SignedDecree] != hex.EncodeToString(sum[:]) {
		t.Fatalf("the workflow holds %v as the signed decree (%v)", s.Outputs, err)
	}
	// And the issued PDF itself, read by poppler and zbar rather than by skflow, names exactly
	// them, is signed over its whole length, and its QR code is its verification page.
	path := pdftool.File(t, "sk.pdf", []byte(pdf))
	text := pdftool.Run(t, "pdftotext", "-layout", path, "-")
	if !strings.Contains(text, "Andi") || !strings.Contains(text, "Rahma") || strings.Contains(text, "Arfah") ||
		!strings.Contains(text, "19980115 202403 2 001") {
		t.Fatalf("the issued PDF:\n%.2000s", text)
	}
	if out := pdftool.Output(t, "pdfsig", path); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig on the issued decree:\n%s", out)
	}
	pages := t.TempDir()
	pdftool.Run(t, "pdftoppm", "-r", "150", "-png", path, filepath.Join(pages, "p"))
	shots, _ := filepath.Glob(filepath.Join(pages, "p*.png"))
	codes := 0
	for _, shot := range shots {
		switch code := strings.TrimSpace(pdftool.Output(t, "zbarimg", "-q", "--raw", shot)); code {
		case "":
		case testenv.PublicURL + "/verifikasi/" + id:
			codes++
		default:
			t.Fatalf("a QR code on the decree reads %q", code)
		}
	}
	if codes != 2 { // under the decree's signature and under its one lampiran's
		t.Fatalf("%d QR codes lead to the verification page, want 2", codes)
	}
}

// A case started without the OPD proposals cannot pass step 3 until the Pelaksana hands them
// in; a reviewer may not, and the agreement then gives them to the case.
func TestStepThreeWaitsForTheProposals(t *testing.T) {
	e := newEnv(t)
	const id = "c-noprop"
	in := chain.CaseInput{CaseID: id, Title: "Latsar tanpa usulan", StartedBy: nip["operator"], Definition: *sop.Default(), Calendar: e.spec}
	if err := e.ops.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	e.advance(id, 3)
	p := e.login("pelaksana")
	agree, _, page := p.taskForm(id)
	code, _, body := p.post("/tasks/"+id+"/decide", url.Values{"token": {agree}, "step": {"3"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}})
	if code != http.StatusConflict || !strings.Contains(body, "Keluaran langkah ini belum ada pada berkas") {
		t.Fatalf("step 3 without proposals: %d\n%s", code, body)
	}
	csv := []byte("NIP,Nama,Jabatan,OPD,Golongan,SK CPNS,Surat Sehat,SPT,Pasfoto\n199801152024032001,Andi,Analis,Dinas Pendidikan,III/a,ya,ya,ya,ya\n")
	if code, _, _ := e.login("kabid").upload("/cases/"+id+"/proposals", nil, "proposals", "usulan.csv", csv); code != http.StatusForbidden {
		t.Fatalf("the Kabid handed in proposals: %d", code)
	}
	if code, _, _ := p.upload("/cases/"+id+"/proposals", nil, "proposals", "usulan.csv", csv); code != http.StatusSeeOther {
		t.Fatalf("the Pelaksana's proposals: %d", code)
	}
	agree, _, page = p.taskForm(id)
	if code, _, body := p.post("/tasks/"+id+"/decide", url.Values{"token": {agree}, "step": {"3"}, "attempt": {"1"}, "action": {"agree"},
		"document": {documentOf(page)}}); code != http.StatusSeeOther {
		t.Fatalf("step 3 with proposals: %d\n%s", code, body)
	}
	s, err := e.ops.Status(context.Background(), id)
	if err != nil || s.Open.Step != 4 || s.Outputs[sop.Proposals] == "" {
		t.Fatalf("after step 3: %+v %v", s.Open, err)
	}
}

// A case started on an earlier version of the SOP, whose steps produce nothing, is decided by
// that version's rules: the web gives its steps no outputs, and none are asked for.
func TestACaseOnAnEarlierSOPVersionKeepsItsRules(t *testing.T) {
	e := newEnv(t)
	old := *sop.Default()
	old.Version, old.DraftingRoles = 1, nil
	old.Steps = append([]sop.Step(nil), old.Steps...)
	for i := range old.Steps {
		old.Steps[i].Produces = ""
	}
	const id = "c-v1"
	if err := e.ops.Start(context.Background(), chain.CaseInput{CaseID: id, Title: "Latsar v1", StartedBy: nip["operator"],
		Definition: old, Calendar: e.spec}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.WaitCase(context.Background(), id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	o := e.officials()
	e.drive(id, 8, func(c store.Case) { o.decide(c, chain.Agree, "") })
	if s, err := e.ops.Status(context.Background(), id); err != nil || len(s.Outputs) != 0 || s.Open.Step != 8 {
		t.Fatalf("a v1 case: %+v %v", s, err)
	}
}

// pdfWith is a real one-page PDF saying text, as an official's word processor would export.
func pdfWith(t *testing.T, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetFont("Times", "", 12)
	p.Cell(0, 10, text)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The Kabid's disposition at step 1 carries an instruction: the Analis sees it at the top of
// the task; the audit log keeps it.
func TestAnOrderCarriesItsInstructionToTheNextRole(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-note")
	k := e.login("kabid")
	agree, _, page := k.taskForm("c-note")
	if !strings.Contains(page, "Arahan untuk Analis SDMA Ahli Muda") {
		t.Fatalf("step 1 has no place for the instruction:\n%s", page)
	}
	form := url.Values{"token": {agree}, "step": {"1"}, "attempt": {"1"}, "action": {"agree"}, "note": {"Prioritaskan usulan <Dinas Pendidikan>"}}
	if code, _, _ := k.post("/tasks/c-note/decide", form); code != http.StatusSeeOther {
		t.Fatalf("agree: %d", code)
	}
	_, _, page = e.login("analis").taskForm("c-note")
	if !strings.Contains(page, `<p class="note" id="arahan"><strong>Arahan dari`) || !strings.Contains(page, "Prioritaskan usulan &lt;Dinas Pendidikan&gt;") {
		t.Fatalf("the Analis does not see the instruction:\n%s", page)
	}
	audit, _ := e.st.Audit(context.Background(), "c-note")
	found := false
	for _, a := range audit {
		found = found || (a.Action == "step_decided" && strings.Contains(string(a.Detail), "Prioritaskan usulan"))
	}
	if !found {
		t.Fatal("the audit log does not keep the instruction")
	}
}
