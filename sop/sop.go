// Package sop holds a service's standard operating procedure as data: the roles of the chain,
// its steps with their mutu baku, where a return sends the draft, and the service deadline.
// It knows neither Temporal nor the database; a running case carries a Definition snapshot.
package sop

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kind says what an official does on a step, and so what "agree" means there.
type Kind string

const (
	KindTask   Kind = "task"   // do the work and hand it on
	KindOrder  Kind = "order"  // instruct the next role (disposisi)
	KindReview Kind = "review" // check the draft and initial it (paraf)
	KindSign   Kind = "sign"   // sign the decree
)

// Returnable reports whether a step of this kind may send the draft back.
func (k Kind) Returnable() bool { return k == KindReview || k == KindSign }

// DeadlineUnit is how the service deadline is counted.
type DeadlineUnit string

const (
	CalendarDays DeadlineUnit = "calendar"
	WorkingDays  DeadlineUnit = "working"
)

// Definition is one version of a service's SOP.
type Definition struct {
	ID       string   `yaml:"id" json:"id"`
	Version  int      `yaml:"version" json:"version"`
	Name     string   `yaml:"name" json:"name"`
	Agency   string   `yaml:"agency" json:"agency"`
	Service  string   `yaml:"service" json:"service"`
	Deadline Deadline `yaml:"deadline" json:"deadline"`
	Roles    []Role   `yaml:"roles" json:"roles"`
	Steps    []Step   `yaml:"steps" json:"steps"`
	// DraftingRoles may change what the decree says (upload a version, correct the
	// classification); nobody else may, neither an operator nor a reviewer of another role.
	// Empty: the definition predates the rule and any role of the chain may.
	DraftingRoles []string `yaml:"drafting_roles,omitempty" json:"drafting_roles,omitempty"`
}

// Drafters names the roles that may change what the decree says.
func (d *Definition) Drafters() []string {
	var names []string
	for _, r := range d.Roles {
		if d.MayDraft(r.ID) {
			names = append(names, r.Name)
		}
	}
	return names
}

// MayDraft reports whether a role may change what the decree says.
func (d *Definition) MayDraft(role string) bool {
	if len(d.DraftingRoles) == 0 {
		_, ok := d.Role(role)
		return ok
	}
	return slices.Contains(d.DraftingRoles, role)
}

// Deadline is the promise of the service standard ("Waktu Penyelesaian 51 Hari").
type Deadline struct {
	Days int          `yaml:"days" json:"days"`
	Unit DeadlineUnit `yaml:"unit" json:"unit"`
}

// Role is one swimlane of the chain.
type Role struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	Superior string `yaml:"superior,omitempty" json:"superior,omitempty"` // told when this role is late
}

// Step is one row of the SOP table.
type Step struct {
	Number   int    `yaml:"number" json:"number"`
	Role     string `yaml:"role" json:"role"`
	Kind     Kind   `yaml:"kind" json:"kind"`
	Action   string `yaml:"action" json:"action"`
	Input    string `yaml:"input" json:"input"`
	Minutes  *int   `yaml:"minutes,omitempty" json:"minutes,omitempty"` // mutu baku in working minutes; nil when the SOP sets none
	Output   string `yaml:"output" json:"output"`
	ReturnTo int    `yaml:"return_to,omitempty" json:"return_to,omitempty"` // 0: no return from this step
	// Produces is the artefact the step's output is; its agreement is refused until the case
	// holds it.
	Produces Artefact `yaml:"produces,omitempty" json:"produces,omitempty"`
}

// Artefact is an output of a step that the case holds by its SHA-256.
type Artefact string

// The artefacts a decree's chain produces.
const (
	Proposals      Artefact = "proposals"      // the OPDs' proposals file
	Classification Artefact = "classification" // the candidates classified into angkatan
	DraftSK        Artefact = "draft"          // a version of the draft decree
	// SignedDecree is the decree as issued after the sign step: numbered, signed, sealed. The
	// sign step's agreement produces it; no step lists it.
	SignedDecree Artefact = "decree"
)

// Producer is the index of the step that produces an artefact; ok is false when none does.
func (d *Definition) Producer(a Artefact) (int, bool) {
	for i, s := range d.Steps {
		if s.Produces == a {
			return i, true
		}
	}
	return 0, false
}

// HasStandard reports whether the SOP sets working minutes for the step.
func (s Step) HasStandard() bool { return s.Minutes != nil && *s.Minutes > 0 }

// StandardMinutes is the step's mutu baku, 0 when none is set.
func (s Step) StandardMinutes() int {
	if s.Minutes == nil {
		return 0
	}
	return *s.Minutes
}

// CanReturn reports whether an official may send the draft back from this step.
func (s Step) CanReturn() bool { return s.ReturnTo > 0 }

//go:embed wajo-latsar.yaml
var wajoLatsar []byte

// Default is the embedded Wajo Latsar definition. It panics only if the embedded file is
// broken, which the package's tests rule out.
func Default() *Definition {
	d, err := Parse(wajoLatsar)
	if err != nil {
		panic(fmt.Sprintf("embedded SOP definition is invalid: %v", err))
	}
	return d
}

// DefaultYAML is the embedded definition's text, for operators who want a file to edit.
func DefaultYAML() []byte { return bytes.Clone(wajoLatsar) }

// Load reads and validates a definition file.
func Load(path string) (*Definition, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read SOP definition: %w", err)
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("SOP definition %s: %w", path, err)
	}
	return d, nil
}

// Parse decodes and validates a definition. Unknown fields are errors, so a misspelt key
// (say "retrun_to") is caught instead of silently meaning "no return".
func Parse(b []byte) (*Definition, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode YAML: %w", err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// Validate checks the definition and reports every problem at once, each naming the step or
// role and the field.
func (d *Definition) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	if !idPattern.MatchString(d.ID) {
		bad("id %q: must be lower-case letters, digits, - or _", d.ID)
	}
	if d.Version < 1 {
		bad("version: must be 1 or more, got %d", d.Version)
	}
	if strings.TrimSpace(d.Name) == "" {
		bad("name: must not be empty")
	}
	if d.Deadline.Days < 1 {
		bad("deadline.days: must be 1 or more, got %d", d.Deadline.Days)
	}
	if d.Deadline.Unit != CalendarDays && d.Deadline.Unit != WorkingDays {
		bad("deadline.unit %q: must be %q or %q", d.Deadline.Unit, CalendarDays, WorkingDays)
	}

	roles := make(map[string]bool, len(d.Roles))
	for i, r := range d.Roles {
		switch {
		case !idPattern.MatchString(r.ID):
			bad("role #%d: id %q must be lower-case letters, digits, - or _", i+1, r.ID)
		case roles[r.ID]:
			bad("role %s: defined twice", r.ID)
		}
		roles[r.ID] = true
		if strings.TrimSpace(r.Name) == "" {
			bad("role %s: name must not be empty", r.ID)
		}
	}
	if len(d.Roles) == 0 {
		bad("roles: at least one role is needed")
	}
	for _, id := range d.DraftingRoles {
		if !roles[id] {
			bad("drafting_roles: %q is not a defined role", id)
		}
	}
	for _, r := range d.Roles {
		if r.Superior == "" {
			continue
		}
		if !roles[r.Superior] {
			bad("role %s: superior %q is not a defined role", r.ID, r.Superior)
		} else if d.superiorCycle(r.ID) {
			bad("role %s: superiors form a cycle", r.ID)
		}
	}

	if len(d.Steps) == 0 {
		bad("steps: at least one step is needed")
	}
	seen := make(map[int]bool, len(d.Steps))
	produced := map[Artefact]bool{}
	prev := 0
	for _, s := range d.Steps {
		where := fmt.Sprintf("step %d", s.Number)
		switch {
		case s.Number < 1:
			bad("%s: number must be 1 or more", where)
		case seen[s.Number]:
			bad("%s: number used twice", where)
		case s.Number < prev:
			bad("%s: steps must be listed in ascending order (comes after step %d)", where, prev)
		}
		seen[s.Number] = true
		prev = max(prev, s.Number)
		if !roles[s.Role] {
			bad("%s: role %q is not a defined role", where, s.Role)
		}
		switch s.Kind {
		case KindTask, KindOrder, KindReview, KindSign:
		default:
			bad("%s: kind %q must be task, order, review or sign", where, s.Kind)
		}
		if strings.TrimSpace(s.Action) == "" {
			bad("%s: action must not be empty", where)
		}
		if s.Minutes != nil && *s.Minutes < 0 {
			bad("%s: minutes must not be negative, got %d", where, *s.Minutes)
		}
		switch s.Produces {
		case "", Proposals, Classification, DraftSK:
			if s.Produces != "" && produced[s.Produces] {
				bad("%s: produces %q, which an earlier step produces already", where, s.Produces)
			}
			produced[s.Produces] = true
		default:
			bad("%s: produces %q must be %q, %q or %q", where, s.Produces, Proposals, Classification, DraftSK)
		}
		if s.ReturnTo != 0 {
			if !s.Kind.Returnable() {
				bad("%s: return_to is only allowed on review or sign steps, not %s", where, s.Kind)
			}
			if s.ReturnTo >= s.Number || !seen[s.ReturnTo] {
				bad("%s: return_to %d is not an earlier step", where, s.ReturnTo)
			}
		}
	}
	return errors.Join(errs...)
}

func (d *Definition) superiorCycle(start string) bool {
	cur := start
	for range d.Roles {
		r, ok := d.Role(cur)
		if !ok || r.Superior == "" {
			return false
		}
		if r.Superior == start {
			return true
		}
		cur = r.Superior
	}
	return true
}

// Role finds a role by id.
func (d *Definition) Role(id string) (Role, bool) {
	for _, r := range d.Roles {
		if r.ID == id {
			return r, true
		}
	}
	return Role{}, false
}

// RoleName is the role's display name, or the id when it is unknown.
func (d *Definition) RoleName(id string) string {
	if r, ok := d.Role(id); ok {
		return r.Name
	}
	return id
}

// Index is the position of step number n in Steps.
func (d *Definition) Index(n int) (int, bool) {
	for i, s := range d.Steps {
		if s.Number == n {
			return i, true
		}
	}
	return 0, false
}

// Step finds a step by its number.
func (d *Definition) Step(n int) (Step, bool) {
	if i, ok := d.Index(n); ok {
		return d.Steps[i], true
	}
	return Step{}, false
}

// FirstReview is the first step where the draft is initialled (paraf). Its role corrects the
// classification until it is decided, and a new version of the draft climbs again from it,
// because every paraf from there on was given to an older version.
func (d *Definition) FirstReview() (index int, step Step, ok bool) {
	for i, s := range d.Steps {
		if s.Kind == KindReview {
			return i, s, true
		}
	}
	return 0, Step{}, false
}

// Label names the definition and version, as cases and reports show it.
func (d *Definition) Label() string { return fmt.Sprintf("%s v%d", d.ID, d.Version) }
