// Package faulttest drives the real parts of skflow (an in-process Temporal server, PostgreSQL,
// the worker with its real activities and the web app over HTTP) through what a hostile user,
// an operator with Temporal's own tools and an outage do, and checks that every case stays
// decidable by the right official, that nothing is written twice and that the audit chain
// holds. Run it with: go test ./faulttest -v
package faulttest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/reconcile"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/web"
	"github.com/skflow/skflow/workflows"
	"github.com/skflow/skflow/worktime"
)

const queue = "skflow-fault"

var nip = allinone.DemoNIPs()

// rig is one running system: Temporal, the store, a worker and the web app.
type rig struct {
	t   *testing.T
	env *testenv.Env
	ops *caseops.Ops
	st  *store.Store
	web *httptest.Server
}

func newRig(t *testing.T) *rig {
	t.Helper()
	e := testenv.New(t, queue)
	r := &rig{t: t, env: e, st: e.Store, ops: caseops.New(e.Client, queue)}
	r.ops.Wait = 5 * time.Second
	r.web = e.Web(t, r.ops, web.Options{Calendar: worktime.DefaultSpec(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return r
}

func (r *rig) start(id string) {
	r.t.Helper()
	r.env.StartCase(r.t, r.ops, id, worktime.DefaultSpec())
}

// decideOpen decides the case's open step as its role and says how long it took to land.
func (r *rig) decideOpen(id string) time.Duration {
	r.t.Helper()
	ctx := context.Background()
	began := time.Now()
	for {
		s, err := r.ops.Status(ctx, id)
		if err == nil {
			s, err = testenv.Produce(ctx, r.ops, sop.Default(), s)
		}
		if err != nil {
			r.t.Fatal(err)
		}
		d := chain.Decision{Step: s.Open.Step, Attempt: s.Open.Attempt, Action: chain.Agree,
			Actor: chain.Actor{NIP: nip[s.Open.Role], Role: s.Open.Role}}
		if s.Draft != nil {
			d.Document = s.Draft.SHA256
		}
		_, err = r.ops.Decide(ctx, id, fmt.Sprintf("fault:%s:%d:%d", id, d.Step, d.Attempt), d)
		var rej *caseops.Rejection
		if errors.As(err, &rej) && rej.Type == chain.RejectBusy && time.Since(began) < 10*time.Second {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err != nil {
			r.t.Fatalf("the right official cannot decide case %s: %v", id, err)
		}
		return time.Since(began)
	}
}

// intact checks that nothing was written twice and that the audit chain holds.
func (r *rig) intact() {
	r.t.Helper()
	ctx := context.Background()
	var dupes int
	if err := r.st.DB().GetContext(ctx, &dupes, `SELECT count(*) FROM (SELECT 1 FROM step_tasks
		GROUP BY case_id, step, attempt HAVING count(*) > 1) d`); err != nil || dupes != 0 {
		r.t.Fatalf("%d tasks written twice (%v)", dupes, err)
	}
	check, err := r.st.VerifyAudit(ctx)
	if err != nil || check.Broken != nil {
		r.t.Fatalf("audit chain: %+v %v", check.Broken, err)
	}
}

// browser is a signed-in (or anonymous) web session that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (r *rig) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: r.t, base: r.web.URL, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (r *rig) login(role string) *browser {
	b := r.browser()
	if code, _, body := b.post("/login", url.Values{"nip": {nip[role]}, "password": {allinone.DemoPassword}}); code != http.StatusSeeOther {
		r.t.Fatalf("sign in as %s: %d\n%s", role, code, body)
	}
	return b
}

// Hostile inputs through every door: the forms, the sign-in, and a client that bypasses the
// forms and sends Updates itself. None may wedge a case, and each case is decided afterwards
// by the right official within 10 seconds.
func TestHostileInputsWedgeNoCase(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const id = "fault-hostile"
	r.start(id)
	kabid, op := r.login("kabid"), r.login("operator")
	huge := strings.Repeat("9", 1<<20)
	tried, wedged := 0, 0
	var candidatesBefore int
	_ = r.st.DB().GetContext(ctx, &candidatesBefore, `SELECT count(*) FROM candidates`)

	// stillDecidable: no request is left pending in the case, whatever the input did.
	stillDecidable := func(what string) {
		tried++
		s, err := r.ops.Status(ctx, id)
		if err != nil || s.State != chain.Running || s.Open == nil || s.Open.Step != 1 {
			wedged++
			t.Errorf("%s: case is %v (%v)", what, s.State, err)
		}
	}
	decideForm := func(reason, step, attempt, action string) url.Values {
		return url.Values{"token": {"0123456789abcdef0123456789abcdef"}, "step": {step}, "attempt": {attempt}, "action": {action}, "reason": {reason}}
	}
	for what, form := range map[string]url.Values{
		"NUL reason":         decideForm("\x00", "1", "1", "agree"),
		"NUL inside reason":  decideForm("setuju\x00lanjut", "1", "1", "return"),
		"bidi override":      decideForm("setuju \u202eEDISER", "1", "1", "agree"),
		"escape sequence":    decideForm("\x1b[2J\x1b[31m", "1", "1", "agree"),
		"invalid UTF-8":      decideForm("\xff\xfe\xfd", "1", "1", "agree"),
		"3000-char reason":   decideForm(strings.Repeat("alasan ", 430), "1", "1", "agree"),
		"1 MiB reason":       decideForm(huge, "1", "1", "agree"),
		"unknown action":     decideForm("", "1", "1", "approve"),
		"attempt zero":       decideForm("", "1", "0", "agree"),
		"negative attempt":   decideForm("", "1", "-1", "agree"),
		"unknown step":       decideForm("", "999", "1", "agree"),
		"stale attempt":      decideForm("", "1", "7", "agree"),
		"no token":           {"step": {"1"}, "attempt": {"1"}, "action": {"agree"}},
		"step of other role": decideForm("", "2", "1", "agree"),
	} {
		code, _, body := kabid.post("/tasks/"+id+"/decide", form)
		if code == http.StatusInternalServerError || strings.Contains(body, "pq:") {
			t.Errorf("%s: %d leaks or fails:\n%.300s", what, code, body)
		}
		stillDecidable("decide with " + what)
	}
	for what, reason := range map[string]string{"NUL": "batal\x00", "bidi": "\u2066batal", "long": strings.Repeat("b", 2001)} {
		op.post("/cases/"+id+"/cancel", url.Values{"reason": {reason}})
		stillDecidable("cancel with " + what + " reason")
	}
	// A client that bypasses the forms: the Update validators refuse what the forms would.
	for what, d := range map[string]chain.Decision{
		"NUL actor name": {Step: 1, Attempt: 1, Action: chain.Agree, Actor: chain.Actor{NIP: nip["kabid"], Name: "\x00", Role: "kabid"}},
		"1 MiB NIP":      {Step: 1, Attempt: 1, Action: chain.Agree, Actor: chain.Actor{NIP: huge, Role: "kabid"}},
		"NUL reason":     {Step: 1, Attempt: 1, Action: chain.Agree, Reason: "\x00", Actor: chain.Actor{NIP: nip["kabid"], Role: "kabid"}},
		"forged hash":    {Step: 1, Attempt: 1, Action: chain.Agree, Document: "../../etc", Actor: chain.Actor{NIP: nip["kabid"], Role: "kabid"}},
	} {
		_, err := r.ops.Decide(ctx, id, "bypass:"+what, d)
		var rej *caseops.Rejection
		if !errors.As(err, &rej) || rej.Type != chain.RejectBadText {
			t.Errorf("bypass with %s: %v", what, err)
		}
		stillDecidable("Update with " + what)
	}
	if _, err := r.ops.Cancel(ctx, id, "bypass:cancel", chain.Cancellation{Reason: "\x00", By: "x"}); err == nil {
		t.Error("a cancellation with a NUL was accepted")
	}
	stillDecidable("cancel Update with a NUL")
	if _, err := r.ops.Version(ctx, id, chain.Revision{Version: 9, SHA256: "\x00", By: "x", Role: "analis"}); err == nil {
		t.Error("a revision with a NUL was accepted")
	}
	stillDecidable("version Update with a NUL")

	// Starting a case with a title no store can keep leaves nothing behind.
	for what, title := range map[string]string{"NUL title": "Latsar\x00", "bidi title": "\u202eLatsar", "1000-char title": strings.Repeat("L", 1000)} {
		code, _, _ := op.post("/cases", url.Values{"title": {title}})
		var candidatesAfter, orphans int
		_ = r.st.DB().GetContext(ctx, &candidatesAfter, `SELECT count(*) FROM candidates`)
		_ = r.st.DB().GetContext(ctx, &orphans, `SELECT count(*) FROM cases WHERE id <> $1`, id)
		tried++
		if code >= 500 || candidatesAfter != candidatesBefore || orphans != 0 {
			wedged++
			t.Errorf("start with %s: %d, %d candidates, %d other cases", what, code, candidatesAfter-candidatesBefore, orphans)
		}
	}

	// Sign-in: a 1 MiB NIP is neither echoed nor logged whole; redirects stay on this site.
	anon := r.browser()
	code, _, body := anon.post("/login", url.Values{"nip": {huge}, "password": {"x"}})
	tried++
	if code != http.StatusUnauthorized || len(body) > 64<<10 || strings.Contains(body, strings.Repeat("9", 100)) {
		t.Errorf("1 MiB NIP: %d, %d bytes back", code, len(body))
	}
	var longest int
	_ = r.st.DB().GetContext(ctx, &longest, `SELECT coalesce(max(length(actor)), 0) FROM audit_log WHERE action = 'sign_in_failed'`)
	if longest == 0 || longest > 64 {
		t.Errorf("failed sign-in audited with an actor of %d characters", longest)
	}
	// Each from another official: five sign-ins a minute is one official's budget.
	roles := []string{"pelaksana", "analis", "sekretaris", "kepala", "sekda"}
	for i, next := range []string{"/\\evil.example", "//evil.example", "https://evil.example/", "/\t/evil.example", "javascript:alert(1)"} {
		tried++
		b := r.browser()
		_, loc, _ := b.post("/login", url.Values{"nip": {nip[roles[i]]}, "password": {allinone.DemoPassword}, "next": {next}})
		if loc != "/" {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
	}
	tried++
	if code, body := anon.get("/tidak/ada"); code != http.StatusNotFound || !strings.Contains(body, "Tidak ditemukan") {
		t.Errorf("unknown URL: %d %.200s", code, body)
	}

	took := r.decideOpen(id)
	if took > 10*time.Second {
		t.Errorf("the Kabid's decision took %s after the hostile inputs", took)
	}
	tasks, _ := r.st.Tasks(ctx, id)
	lost := 0
	if len(tasks) != 2 || tasks[0].Decision == nil || *tasks[0].Decision != "agree" || *tasks[0].ActorNIP != nip["kabid"] {
		lost = 1
		t.Errorf("after the hostile inputs the records hold %+v", tasks)
	}
	r.intact()
	t.Logf("%d hostile inputs tried, %d wedged cases, %d lost decisions; the right official decided %s later", tried, wedged, lost, took.Round(time.Millisecond))
}

// Cancel and terminate from Temporal's own tools: the records follow within seconds, and the
// case's task leaves the inbox.
func TestClosedFromTemporalIsRecorded(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.start("fault-cancel")
	r.decideOpen("fault-cancel")
	began := time.Now()
	if err := r.env.Client.CancelWorkflow(ctx, "fault-cancel", ""); err != nil {
		t.Fatal(err)
	}
	for {
		c, err := r.st.Case(ctx, "fault-cancel")
		if err != nil {
			t.Fatal(err)
		}
		if c.State == string(chain.Cancelled) {
			if c.CancelReason == nil || *c.CancelReason != workflows.CancelledOutside {
				t.Fatalf("cancel reason %v", c.CancelReason)
			}
			break
		}
		if time.Since(began) > 10*time.Second {
			t.Fatalf("10 s after Temporal's cancel the records say %s", c.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("Temporal's cancel recorded %s later", time.Since(began).Round(time.Millisecond))
	var run client.WorkflowRun = r.env.Client.GetWorkflow(ctx, "fault-cancel", "")
	if err := run.Get(ctx, nil); err == nil {
		t.Fatal("the cancelled run closed as completed")
	}

	r.start("fault-terminate")
	if err := r.env.Client.TerminateWorkflow(ctx, "fault-terminate", "", "operator pressed Terminate"); err != nil {
		t.Fatal(err)
	}
	stopped, err := reconcileNow(ctx, r)
	if err != nil || len(stopped) != 1 || stopped[0].CaseID != "fault-terminate" {
		t.Fatalf("reconciler: %+v %v", stopped, err)
	}
	c, _ := r.st.Case(ctx, "fault-terminate")
	if c.State != string(chain.Stopped) || c.CancelReason == nil || !strings.Contains(*c.CancelReason, "terminated") {
		t.Fatalf("terminated case recorded as %s %v", c.State, c.CancelReason)
	}
	open, err := r.st.OpenTasks(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range open {
		if task.CaseID == "fault-terminate" || task.CaseID == "fault-cancel" {
			t.Fatalf("a closed case's task is still in an inbox: %+v", task)
		}
	}
	if again, err := reconcileNow(ctx, r); err != nil || len(again) != 0 {
		t.Fatalf("second reconciliation: %+v %v", again, err)
	}
	r.intact()
}

func reconcileNow(ctx context.Context, r *rig) ([]reconcile.Stopped, error) {
	return (&reconcile.Reconciler{Store: r.st, Client: r.env.Client}).Once(ctx)
}
