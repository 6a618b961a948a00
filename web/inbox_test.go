package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

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
