package sop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultIsTheWajoChain(t *testing.T) {
	d := Default()
	if d.Label() != "latsar-penetapan-peserta v2" {
		t.Fatalf("label = %q", d.Label())
	}
	if len(d.Steps) != 15 || len(d.Roles) != 7 {
		t.Fatalf("got %d steps and %d roles, want 15 and 7", len(d.Steps), len(d.Roles))
	}
	if d.Deadline != (Deadline{Days: 51, Unit: CalendarDays}) {
		t.Fatalf("deadline = %+v", d.Deadline)
	}
	wantRoles := []string{"kabid", "analis", "pelaksana", "analis", "pelaksana", "analis", "kabid",
		"sekretaris", "kepala", "sekda", "bupati", "kepala", "kabid", "analis", "pelaksana"}
	wantMinutes := []int{30, 20, 60, 240, 60, 15, 15, 0, 0, 0, 0, 0, 0, 0, 0}
	for i, s := range d.Steps {
		if s.Number != i+1 || s.Role != wantRoles[i] || s.StandardMinutes() != wantMinutes[i] {
			t.Errorf("step %d: number %d role %s minutes %d; want role %s minutes %d",
				i+1, s.Number, s.Role, s.StandardMinutes(), wantRoles[i], wantMinutes[i])
		}
	}
	returns := map[int]int{}
	for _, s := range d.Steps {
		if s.CanReturn() {
			returns[s.Number] = s.ReturnTo
		}
	}
	want := map[int]int{6: 5, 7: 6, 8: 7, 9: 7, 10: 9}
	if len(returns) != len(want) {
		t.Fatalf("returns = %v, want %v", returns, want)
	}
	for from, to := range want {
		if returns[from] != to {
			t.Errorf("step %d returns to %d, want %d", from, returns[from], to)
		}
	}
	if r, _ := d.Role("sekda"); r.Superior != "bupati" {
		t.Errorf("sekda's superior = %q", r.Superior)
	}
	if r, _ := d.Role("bupati"); r.Superior != "" {
		t.Errorf("bupati has superior %q", r.Superior)
	}
}

func TestValidationNamesStepAndField(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"unknown role", "role: sekda\n", "role: camat\n", `step 10: role "camat" is not a defined role`},
		{"return target later", "return_to: 9\n", "return_to: 12\n", "step 10: return_to 12 is not an earlier step"},
		{"return to itself", "return_to: 5\n", "return_to: 6\n", "step 6: return_to 6 is not an earlier step"},
		{"duplicate number", "number: 2\n", "number: 1\n", "step 1: number used twice"},
		{"negative minutes", "minutes: 240\n", "minutes: -5\n", "step 4: minutes must not be negative, got -5"},
		{"bad kind", "kind: sign\n", "kind: stamp\n", `step 11: kind "stamp" must be task, order, review or sign`},
		{"return from a task", "kind: review\n    action: Memeriksa draft SK; jika setuju membubuhi paraf dan menyerahkan kepada Kabid,",
			"kind: task\n    action: Memeriksa draft SK; jika setuju membubuhi paraf dan menyerahkan kepada Kabid,",
			"step 6: return_to is only allowed on review or sign steps, not task"},
		{"unknown superior", "superior: bupati\n", "superior: gubernur\n", `role sekda: superior "gubernur" is not a defined role`},
		{"deadline unit", "unit: calendar\n", "unit: weeks\n", `deadline.unit "weeks"`},
		{"zero deadline", "days: 51\n", "days: 0\n", "deadline.days: must be 1 or more, got 0"},
		{"misspelt field", "return_to: 5\n", "retrun_to: 5\n", "field retrun_to not found"},
		{"version", "version: 2\n", "version: 0\n", "version: must be 1 or more"},
	}
	base := string(DefaultYAML())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("fixture text %q not in the default definition", c.from)
			}
			_, err := Parse([]byte(strings.Replace(base, c.from, c.to, 1)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestSuperiorCycleIsRejected(t *testing.T) {
	y := strings.Replace(string(DefaultYAML()), "name: Bupati Wajo\n", "name: Bupati Wajo\n    superior: pelaksana\n", 1)
	_, err := Parse([]byte(y))
	if err == nil || !strings.Contains(err.Error(), "superiors form a cycle") {
		t.Fatalf("error = %v", err)
	}
}

func TestLoadReportsThePath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sop.yaml")
	if err := os.WriteFile(p, []byte("id: x\nversion: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "at least one step") {
		t.Fatalf("error = %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("missing file loaded")
	}
}

func TestATaskIsNotReturnable(t *testing.T) {
	if KindTask.Returnable() {
		t.Fatal("a task step is returnable")
	}
}

func TestFirstReview(t *testing.T) {
	i, s, ok := Default().FirstReview()
	if !ok || i != 5 || s.Number != 6 || s.Role != "analis" {
		t.Fatalf("first review %d %+v %v", i, s, ok)
	}
}

func TestDraftingRoles(t *testing.T) {
	d := Default()
	if !d.MayDraft("pelaksana") || !d.MayDraft("analis") || d.MayDraft("kabid") || d.MayDraft("operator") {
		t.Fatalf("drafting roles %v", d.DraftingRoles)
	}
	d.DraftingRoles = append(d.DraftingRoles, "juru-ketik")
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), `drafting_roles: "juru-ketik" is not a defined role`) {
		t.Fatalf("unknown drafting role: %v", err)
	}
	d.DraftingRoles = nil // an older definition: every role of the chain, and only those
	if !d.MayDraft("kabid") || d.MayDraft("operator") {
		t.Fatal("without drafting roles")
	}
}
