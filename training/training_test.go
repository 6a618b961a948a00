package training

import (
	"fmt"
	"strings"
	"testing"
)

func TestTheDefaultIsSeed000(t *testing.T) {
	d := Default()
	var ids []string
	for _, a := range d.Activities() {
		ids = append(ids, a.ID)
	}
	want := "konfirmasi mooc-registrasi mooc e-learning evaluasi-akademik seminar-rancangan aktualisasi pktbt lapor-masuk klasikal seminar-aktualisasi pengumuman"
	if strings.Join(ids, " ") != want || d.BatchSize != 40 || !d.SeparateGroups || d.Evaluation.RemedialDays != 14 {
		t.Fatalf("activities %v", ids)
	}
	if d.PhaseOf("pktbt") != "Pembelajaran kolaboratif" {
		t.Fatal("phase of PKTBT")
	}
}

func TestValidationNamesTheField(t *testing.T) {
	for name, tc := range map[string]struct{ from, to, want string }{
		"weights":   {"weight: 30}", "weight: 31}", "weights must add up to 100, they add up to 101"},
		"unscored":  {"component: pktbt, days: 5", "component: akademik, days: 5", `component "akademik" is scored by another activity`},
		"actor":     {"by: participant, kind: confirm", "by: peserta, kind: confirm", `by "peserta" must be participant or organiser`},
		"bands":     {"{name: Memuaskan, above: 80, passed: true}", "{name: Memuaskan, above: 95, passed: true}", "bands go from the highest down"},
		"award":     {"min_band: Memuaskan", "min_band: Bagus", `award.min_band "Bagus": not a band`},
		"kind":      {"kind: done, days: 1}", "kind: hadir, days: 1}", `kind "hadir" must be confirm, done, score or announce`},
		"unknown":   {"reminder_days: 1", "reminder_days: 1\npengingat: 2", "field pengingat not found"},
		"remedial":  {"remedial_days: 14", "remedial_days: 0", "remedial_days: must be 1 or more"},
		"announce":  {"kind: announce, days: 1}", "kind: done, days: 1}", "exactly one announce activity"},
		"component": {"component: sikap, days: 21", "component: perilaku, days: 21", `component "perilaku" is not an evaluation component`},
	} {
		if !strings.Contains(string(latsarYAML), tc.from) {
			t.Fatalf("%s: the embedded file has no %q", name, tc.from)
		}
		_, err := Parse([]byte(strings.Replace(string(latsarYAML), tc.from, tc.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// scores gives every component the same score, then overrides.
func scores(all float64, over map[string]float64) map[string]float64 {
	s := map[string]float64{}
	for _, c := range Default().Evaluation.Components {
		s[c.ID] = all
	}
	for k, v := range over {
		s[k] = v
	}
	return s
}

func ptr(f float64) *float64 { return &f }

// Outcomes by the bands, the one remedial and the award rule: a tie at third place goes to the
// better actualisation; a top-3 who is only Cukup Memuaskan gets no Piagam, and nobody below
// takes it.
func TestOutcomes(t *testing.T) {
	d := Default()
	people := []Person{
		{NIP: "a", Scores: scores(95, nil)},                                                     // 95: Sangat Memuaskan, rank 1
		{NIP: "b", Scores: scores(85, nil)},                                                     // 85, tied at third with c; its actualisation is worse
		{NIP: "c", Scores: scores(85, map[string]float64{"aktualisasi": 90, "akademik": 77.5})}, // also 85
		{NIP: "d", Scores: scores(88, nil)},                                                     // 88, rank 2
		{NIP: "e", Scores: scores(65, nil), Remedial: ptr(75)},                                  // ditunda, passes the remedial
		{NIP: "f", Scores: scores(62, nil), Remedial: ptr(64)},                                  // ditunda, fails it
		{NIP: "g", Scores: scores(66, nil)},                                                     // ditunda, remedial not yet
		{NIP: "h", Absent: true},                                                                // never confirmed
		{NIP: "i", Scores: scores(50, nil)},                                                     // Tidak Memuaskan
	}
	got := map[string]Result{}
	for _, r := range d.Outcomes(people) {
		got[r.NIP] = r
	}
	if got["b"].Final != got["c"].Final || got["c"].Rank != 3 || got["b"].Rank != 4 || !got["c"].Award || got["b"].Award {
		t.Fatalf("the tie at third: b %+v, c %+v", got["b"], got["c"])
	}
	for nip, want := range map[string]struct {
		band    string
		outcome Outcome
		award   bool
	}{
		"a": {"Sangat Memuaskan", Passed, true}, "d": {"Memuaskan", Passed, true},
		"e": {"Ditunda kelulusannya", Passed, false}, "f": {"Ditunda kelulusannya", Failed, false},
		"g": {"Ditunda kelulusannya", Deferred, false}, "h": {"", Absent, false}, "i": {"Tidak Memuaskan", Failed, false},
	} {
		if r := got[nip]; r.Band != want.band || r.Outcome != want.outcome || r.Award != want.award {
			t.Errorf("%s: %+v, want %+v", nip, r, want)
		}
	}
	if got["e"].Decided != "Cukup Memuaskan" || got["h"].Rank != 0 {
		t.Fatalf("e decided on %q, h ranked %d", got["e"].Decided, got["h"].Rank)
	}

	// When the third best is only Cukup Memuaskan, two Piagam are given, not three.
	few := d.Outcomes([]Person{{NIP: "1", Scores: scores(95, nil)}, {NIP: "2", Scores: scores(85, nil)},
		{NIP: "3", Scores: scores(75, nil)}, {NIP: "4", Scores: scores(72, nil)}})
	awards := 0
	for _, r := range few {
		if r.Award {
			awards++
		}
	}
	if awards != 2 || few[2].Rank != 3 || few[2].Band != "Cukup Memuaskan" || few[2].Award {
		t.Fatalf("a Cukup Memuaskan third: %+v", few)
	}
}

// An organiser's results sheet: columns named by activity or component, decimal commas,
// "ya" for done; a stranger's row and a bad cell are problems of their own, the rest is taken.
func TestReadResults(t *testing.T) {
	csv := "NIP;mooc;akademik;Seminar aktualisasi;catatan\n" +
		"19980101 202403 1 001;ya;85,5;90;\n" +
		"199801012024031002;;101;80;\n" +
		"199901012024031099;ya;70;70;\n" +
		"199801012024031003;tidak;;;\n"
	imp, err := ReadResults([]byte(csv), Default(), []string{"199801012024031001", "199801012024031002", "199801012024031003"}, "org")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range imp.Recordings {
		got[r.Activity] = len(r.Entries)
	}
	if got["mooc"] != 1 || got["evaluasi-akademik"] != 1 || got["seminar-aktualisasi"] != 2 || len(imp.Recordings) != 3 {
		t.Fatalf("recordings %+v", imp.Recordings)
	}
	if *imp.Recordings[1].Entries[0].Score != 85.5 {
		t.Fatalf("a decimal comma: %v", *imp.Recordings[1].Entries[0].Score)
	}
	var lines []string
	for _, p := range imp.Problems {
		lines = append(lines, fmt.Sprintf("%d %s", p.Line, p.Column))
	}
	if strings.Join(lines, ",") != "3 akademik,4 NIP,5 mooc" {
		t.Fatalf("problems %+v", imp.Problems)
	}
	if _, err := ReadResults([]byte("nama,akademik\nx,1\n"), Default(), nil, "org"); err != ErrNoNIPColumn {
		t.Fatalf("no NIP column: %v", err)
	}
}
