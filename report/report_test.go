package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/i18n"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
	"github.com/xuri/excelize/v2"
)

var wita = time.FixedZone("WITA", 8*3600)

func ptr[T any](v T) *T { return &v }

func TestBuildComparesWithMutuBakuAndDeadline(t *testing.T) {
	cal := worktime.MustNew(worktime.DefaultSpec())
	start := time.Date(2026, 11, 16, 8, 0, 0, 0, wita) // Monday
	now := time.Date(2026, 11, 16, 12, 0, 0, 0, wita)
	cases := []store.Case{
		{ID: "a", Title: "on time", State: "running", StartedAt: start, DeadlineDays: 51},
		{ID: "b", Title: "breached", State: "completed", StartedAt: start.AddDate(0, -2, 0), EndedAt: ptr(start), DeadlineDays: 51,
			DeadlineBreachedAt: ptr(start.AddDate(0, 0, -10))},
	}
	tasks := []store.Task{
		{CaseID: "a", Step: 6, Attempt: 1, Role: "analis", OpenedAt: start, DecidedAt: ptr(start.Add(20 * time.Minute)),
			Decision: ptr("return"), Reason: ptr("=HYPERLINK(\"x\")"), WorkingMinutes: ptr(20), StandardMinutes: ptr(15), Late: true},
		{CaseID: "a", Step: 5, Attempt: 2, Role: "pelaksana", OpenedAt: start.Add(20 * time.Minute), StandardMinutes: ptr(60)},
		{CaseID: "b", Step: 8, Attempt: 1, Role: "sekretaris", OpenedAt: start, DecidedAt: ptr(start.Add(time.Hour)),
			Decision: ptr("agree"), WorkingMinutes: ptr(60)},
	}
	r, err := Build(cases, tasks, cal, now)
	if err != nil {
		t.Fatal(err)
	}
	if open := r.Rows[1]; open.Decision != "open" || open.WorkingMinutes != 220 || !open.Late {
		t.Fatalf("open task row %+v: 220 working minutes so far against 60 is late", open)
	}
	a, b := r.Totals[0], r.Totals[1]
	if a.Returns != 1 || a.LateSteps != 2 || !a.WithinDeadline || a.DaysUsed != 0.2 {
		t.Fatalf("case a %+v", a)
	}
	if b.WithinDeadline || b.DaysUsed != 61 {
		t.Fatalf("case b %+v", b)
	}

	var buf bytes.Buffer
	id := i18n.New(i18n.Indonesian)
	if err := r.WriteTo(NewCSV(&buf, wita, id)); err != nil {
		t.Fatal(err)
	}
	// For a spreadsheet set to Indonesian: a byte-order mark, semicolons, Indonesian headers.
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbfID berkas;Langkah;")) {
		t.Fatalf("csv starts %q", buf.String()[:40])
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf"))))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1][10] != `'=HYPERLINK("x")` || rows[1][4] != "2026-11-16 08:00" || rows[1][9] != "dikembalikan" && rows[1][9] != "setuju" {
		t.Fatalf("csv rows %q", rows)
	}
	buf.Reset()
	if err := r.WriteTo(NewXLSX(&buf, wita, id)); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("Mutu baku", "A1"); v != "ID berkas" {
		t.Fatalf("xlsx header %q", v)
	}
	if typ, _ := x.GetCellType("Mutu baku", "G2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("working minutes stored as text (%v)", typ)
	}
	if n, _ := x.GetRows("Mutu baku"); len(n) != 4 {
		t.Fatalf("xlsx rows %d", len(n))
	}
	buf.Reset()
	if err := r.WriteTo(NewTable(&buf, wita, id)); err != nil || !strings.Contains(buf.String(), "breached") ||
		!strings.Contains(buf.String(), "dikembalikan") || !strings.Contains(buf.String(), "0,2") {
		t.Fatalf("table: %v\n%s", err, buf.String())
	}
	// JSON, written as it is read, is the report.
	buf.Reset()
	var back Report
	if err := r.WriteTo(NewJSON(&buf)); err != nil || json.Unmarshal(buf.Bytes(), &back) != nil || !reflect.DeepEqual(jsonRound(t, r), back) {
		t.Fatalf("json: %v\n%s", err, buf.String())
	}
	buf.Reset()
	if err := (Report{}).WriteTo(NewJSON(&buf)); err != nil || buf.String() != "{\"steps\": [\n  ],\n  \"cases\": [\n  ]\n}\n" {
		t.Fatalf("empty json: %v %q", err, buf.String())
	}
	// English by configuration: the same export with English headers and words.
	buf.Reset()
	if err := r.WriteTo(NewCSV(&buf, wita, i18n.New(i18n.English))); err != nil || !strings.HasPrefix(buf.String(), "\ufeffCase ID;Step;Attempt;Role;Opened (WITA)") ||
		!strings.Contains(buf.String(), ";returned;") {
		t.Fatalf("English csv: %v\n%s", err, buf.String())
	}
}

// jsonRound is r as it reads back from encoding/json (times lose their zone's name).
func jsonRound(t *testing.T, r Report) Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+62": "'+62", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "Kabid": "Kabid", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStatsAsTheReportShowsThem(t *testing.T) {
	rows := []store.DecidedStat{{Role: "sekretaris", Count: 2, Late: 1}, {Role: "kabid", Count: 10, Late: 8, Median: 40, P90: 80, Returns: 1}}
	roles := ByRole(rows, []string{"analis", "kabid", "sekretaris"})
	if len(roles) != 2 || roles[0].Role != "kabid" || roles[0].LatePct != 80 || roles[0].Key != "kabid" || roles[1].LatePct != 50 {
		t.Fatalf("roles %+v", roles)
	}
	steps := ByStep([]store.DecidedStat{{Step: 7, Role: "kabid", Count: 4, Late: 1, Standard: ptr(15)}})
	if len(steps) != 1 || steps[0].Key != "7" || *steps[0].Standard != 15 || steps[0].LatePct != 25 {
		t.Fatalf("steps %+v", steps)
	}
}
