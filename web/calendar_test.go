package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/idfmt"
)

// The operator keeps the working calendar on "Kalender kerja": a day off added on the day a
// waiting step is due moves that due time in the records at once (the Kabid's inbox, the board);
// an edit made on an older version, or one that is no calendar, changes nothing; the auditor
// reads it but cannot change it.
func TestTheOperatorKeepsTheCalendarAndRunningCasesFollow(t *testing.T) {
	e := newEnv(t)
	const id = "c-cal"
	e.startCase(id)
	before, err := e.st.Case(context.Background(), id)
	if err != nil || before.OpenDue == nil {
		t.Fatalf("case %+v %v", before, err)
	}
	aud := e.login("auditor")
	if code, page := aud.get("/calendar"); code != http.StatusOK || !strings.Contains(page, "Versi 1") || !strings.Contains(page, "Ramadan 1447 H") {
		t.Fatalf("the auditor's calendar page: %d", code)
	}
	if code, _, _ := aud.post("/calendar", url.Values{"op": {"holiday"}, "version": {"1"}, "date": {"2026-12-02"}, "name": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("the auditor's edit: %d", code)
	}
	op := e.login("operator")
	// An edit redirects back to the page, which says what became of it.
	edit := func(form url.Values) (int, string) {
		code, _, _ := op.post("/calendar", form)
		_, page := op.get("/calendar")
		return code, page
	}
	day := before.OpenDue.In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02")
	form := url.Values{"op": {"holiday"}, "version": {"1"}, "date": {day}, "name": {"HUT Kabupaten Wajo"}, "kind": {"daerah"}}
	if code, page := edit(form); code != http.StatusSeeOther || !strings.Contains(page, "Kalender kerja versi 2: libur "+day+" HUT Kabupaten Wajo. 1 berkas berjalan mengikuti versi ini.") {
		t.Fatalf("add a holiday: %d\n%s", code, page)
	}
	after, _ := e.st.Case(context.Background(), id)
	if after.OpenDue == nil || !after.OpenDue.After(*before.OpenDue) || after.OpenDue.In(time.FixedZone("WITA", 8*3600)).Format("2006-01-02") == day {
		t.Fatalf("due %v, was %v", after.OpenDue, before.OpenDue)
	}
	if _, inbox := e.login("kabid").get("/inbox"); !strings.Contains(inbox, idfmt.DateTime(after.OpenDue.In(time.FixedZone("WITA", 8*3600)))) {
		t.Fatalf("the inbox does not show the new due time %s", after.OpenDue)
	}
	if _, page := edit(form); !strings.Contains(page, "Kalender tidak diubah: kalender kerja sudah diubah orang lain") {
		t.Fatalf("an edit on version 1 after version 2:\n%s", page)
	}
	bad := url.Values{"op": {"hours"}, "version": {"2"}, "day": {"mon"}, "from": {"07:30"}, "to": {"16:00"}, "break_from": {"06:00"}, "break_to": {"07:00"}}
	if _, page := edit(bad); !strings.Contains(page, "Kalender tidak diubah") || !strings.Contains(page, "must lie inside the hours") {
		t.Fatalf("a break outside the hours:\n%s", page)
	}
	if vs, _ := e.st.Calendars(context.Background()); len(vs) != 2 {
		t.Fatalf("%d calendar versions, want 2", len(vs))
	}
	if _, page := op.get("/cases/" + id); !strings.Contains(page, "batas layanan 51 hari kalender, jatuh") || !strings.Contains(page, "kalender kerja versi 2") {
		t.Fatalf("the case page does not say its deadline and calendar:\n%s", page)
	}
}
