package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The auditor reads the audit log in the app, filtered, with the chain's verification, which
// turns red when a row is edited; the operator sees the unsent messages, retries one at a
// corrected address, and a bad address is refused. Neither sees the other's page.
func TestAuditLogAndOutboxInTheApp(t *testing.T) {
	e := newEnv(t)
	e.startCase("c-rec")
	e.advance("c-rec", 3)
	aud := e.login("auditor")
	code, page := aud.get("/audit?berkas=c-rec")
	if code != http.StatusOK || !strings.Contains(page, "Log audit utuh") || !strings.Contains(page, "langkah diputuskan") || strings.Contains(page, ">masuk<") {
		t.Fatalf("the audit page (%d):\n%s", code, page)
	}
	if _, page = aud.get("/audit?oleh=" + nip["kabid"]); !strings.Contains(page, "langkah diputuskan") || strings.Contains(page, "berkas dimulai") {
		t.Fatalf("filtered by actor:\n%s", page)
	}
	if code, _ := e.login("operator").get("/audit"); code != http.StatusForbidden {
		t.Fatalf("the operator reads the audit page: %d", code)
	}
	if _, err := e.st.DB().Exec(`UPDATE audit_log SET actor = 'orang lain' WHERE action = 'step_decided'`); err != nil {
		t.Fatal(err)
	}
	if _, page = aud.get("/audit"); !strings.Contains(page, "Log audit RUSAK: isi baris tidak cocok lagi dengan hash-nya (rantai &#34;c-rec&#34;") {
		t.Fatalf("an edited log reads as intact:\n%s", page)
	}

	op := e.login("operator")
	// A reminder the mailer could not send: its recipient has no address.
	if _, err := e.st.DB().Exec(`INSERT INTO outbox (key, case_id, kind, to_role, subject, body, created_at, attempts, last_error)
		VALUES ('c-rec/reminder/x', 'c-rec', 'reminder', 'kabid', 'Pengingat: langkah 1 c-rec', 'isi', now(), 1, 'penerima belum memiliki alamat e-mail')`); err != nil {
		t.Fatal(err)
	}
	box, _ := e.st.Outbox(context.Background(), "c-rec")
	m := box[len(box)-1]
	if code, page := op.get("/outbox"); code != http.StatusOK || !strings.Contains(page, m.Subject) {
		t.Fatalf("the outbox page (%d):\n%s", code, page)
	}
	if code, _ := aud.get("/outbox"); code != http.StatusForbidden {
		t.Fatalf("the auditor reads the outbox: %d", code)
	}
	retry := fmt.Sprintf("/outbox/%d/retry", m.ID)
	op.post(retry, url.Values{"email": {"bukan alamat"}})
	if _, page := op.get("/outbox"); !strings.Contains(page, "bukan alamat e-mail") {
		t.Fatalf("a bad address was not refused:\n%s", page)
	}
	if code, _, _ := op.post(retry, url.Values{"email": {"kabid@wajokab.go.id"}}); code != http.StatusSeeOther {
		t.Fatalf("retry: %d", code)
	}
	box, _ = e.st.Outbox(context.Background(), "c-rec")
	for _, b := range box {
		if b.ID == m.ID && (b.ToEmail == nil || *b.ToEmail != "kabid@wajokab.go.id") {
			t.Fatalf("the corrected address was not kept: %+v", b)
		}
	}
}
