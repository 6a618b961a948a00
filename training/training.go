// Package training defines the Latsar that follows a signed SK, as data: its phases and
// activities in seed 000's order, who records each and for how long it is open, the evaluation's
// weighted components, the qualification bands, the one remedial and the award rule; and it
// computes each participant's outcome from their scores. Like sop, it knows neither Temporal
// nor the database: a training run interprets a snapshot of it.
package training

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Definition is one version of a training.
type Definition struct {
	ID             string     `yaml:"id" json:"id"`
	Version        int        `yaml:"version" json:"version"`
	Name           string     `yaml:"name" json:"name"`
	Organiser      string     `yaml:"organiser" json:"organiser"`
	BatchSize      int        `yaml:"batch_size" json:"batch_size"`
	SeparateGroups bool       `yaml:"separate_groups" json:"separate_groups"`
	ReminderDays   int        `yaml:"reminder_days" json:"reminder_days"`
	Phases         []Phase    `yaml:"phases" json:"phases"`
	Evaluation     Evaluation `yaml:"evaluation" json:"evaluation"`
}

// Phase is a stage of learning: its activities run one after another.
type Phase struct {
	ID         string     `yaml:"id" json:"id"`
	Name       string     `yaml:"name" json:"name"`
	Activities []Activity `yaml:"activities" json:"activities"`
}

// Activity is one thing every participant goes through, recorded by them or by the organiser.
type Activity struct {
	ID        string `yaml:"id" json:"id"`
	Name      string `yaml:"name" json:"name"`
	By        Actor  `yaml:"by" json:"by"`
	Kind      Kind   `yaml:"kind" json:"kind"`
	Component string `yaml:"component,omitempty" json:"component,omitempty"` // for a score
	Days      int    `yaml:"days" json:"days"`
}

// Actor records an activity.
type Actor string

const (
	Participant Actor = "participant"
	Organiser   Actor = "organiser"
)

// Kind is what recording an activity means.
type Kind string

const (
	Confirm  Kind = "confirm"  // attendance confirmed and the registration form filled
	Done     Kind = "done"     // completed
	Score    Kind = "score"    // a component's score
	Announce Kind = "announce" // the outcome is computed and announced
)

// Evaluation turns scores into an outcome.
type Evaluation struct {
	Components   []Component `yaml:"components" json:"components"`
	Bands        []Band      `yaml:"bands" json:"bands"`
	RemedialDays int         `yaml:"remedial_days" json:"remedial_days"`
	Award        Award       `yaml:"award" json:"award"`
}

// Component is a weighted part of the final score.
type Component struct {
	ID     string  `yaml:"id" json:"id"`
	Name   string  `yaml:"name" json:"name"`
	Weight float64 `yaml:"weight" json:"weight"`
}

// Band is a qualification: a final score above Above (and not above the next band's) takes it.
type Band struct {
	Name     string  `yaml:"name" json:"name"`
	Above    float64 `yaml:"above" json:"above"`
	Passed   bool    `yaml:"passed,omitempty" json:"passed,omitempty"`
	Deferred bool    `yaml:"deferred,omitempty" json:"deferred,omitempty"`
}

// Award is the Piagam Penghargaan's rule.
type Award struct {
	Count    int      `yaml:"count" json:"count"`
	MinBand  string   `yaml:"min_band" json:"min_band"`
	TieBreak []string `yaml:"tie_break" json:"tie_break"` // components, then NIP
}

//go:embed latsar.yaml
var latsarYAML []byte

// Default is the embedded Latsar CPNS definition.
func Default() *Definition {
	d, err := Parse(latsarYAML)
	if err != nil {
		panic("training: embedded definition is invalid: " + err.Error()) // a test parses it too
	}
	return d
}

// Load reads and validates a definition file.
func Load(path string) (*Definition, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("definisi pelatihan: %w", err)
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("definisi pelatihan %s: %w", path, err)
	}
	return d, nil
}

// Parse reads a definition and validates it.
func Parse(b []byte) (*Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Label is the definition's id and version, as a run records it.
func (d *Definition) Label() string { return fmt.Sprintf("%s v%d", d.ID, d.Version) }

// Validate checks the definition, naming the field of every problem, all at once.
func (d *Definition) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if strings.TrimSpace(d.ID) == "" {
		bad("id: must not be empty")
	}
	if d.Version < 1 {
		bad("version: must be 1 or more")
	}
	if d.BatchSize < 1 {
		bad("batch_size: must be 1 or more, got %d", d.BatchSize)
	}
	if d.ReminderDays < 0 {
		bad("reminder_days: must not be negative")
	}
	comps := map[string]bool{}
	var total float64
	for i, c := range d.Evaluation.Components {
		where := fmt.Sprintf("evaluation.components[%d] %q", i, c.ID)
		switch {
		case c.ID == "":
			bad("%s: id must not be empty", where)
		case comps[c.ID]:
			bad("%s: listed twice", where)
		case c.Weight <= 0:
			bad("%s: weight must be more than 0", where)
		}
		comps[c.ID] = true
		total += c.Weight
	}
	if len(d.Evaluation.Components) == 0 {
		bad("evaluation.components: at least one is needed")
	} else if math.Abs(total-100) > 1e-9 {
		bad("evaluation.components: weights must add up to 100, they add up to %g", total)
	}
	seen := map[string]bool{}
	scored := map[string]bool{}
	announced := 0
	if len(d.Phases) == 0 {
		bad("phases: at least one is needed")
	}
	for _, p := range d.Phases {
		if p.ID == "" || len(p.Activities) == 0 {
			bad("phase %q: needs an id and at least one activity", p.ID)
		}
		for _, a := range p.Activities {
			where := fmt.Sprintf("phase %s activity %q", p.ID, a.ID)
			switch {
			case a.ID == "" || seen[a.ID]:
				bad("%s: id must be given and unique", where)
			case a.By != Participant && a.By != Organiser:
				bad("%s: by %q must be %s or %s", where, a.By, Participant, Organiser)
			case a.Days < 1:
				bad("%s: days must be 1 or more", where)
			}
			seen[a.ID] = true
			switch a.Kind {
			case Confirm, Done:
			case Score:
				if !comps[a.Component] {
					bad("%s: component %q is not an evaluation component", where, a.Component)
				}
				if scored[a.Component] {
					bad("%s: component %q is scored by another activity already", where, a.Component)
				}
				scored[a.Component] = true
			case Announce:
				announced++
			default:
				bad("%s: kind %q must be confirm, done, score or announce", where, a.Kind)
			}
		}
	}
	for c := range comps {
		if !scored[c] {
			bad("evaluation component %q: no activity scores it", c)
		}
	}
	if announced != 1 {
		bad("phases: exactly one announce activity is needed, found %d", announced)
	} else if last := d.Phases[len(d.Phases)-1]; len(last.Activities) > 0 && last.Activities[len(last.Activities)-1].Kind != Announce {
		bad("phases: the announce activity must come last")
	}
	bands := d.Evaluation.Bands
	names := map[string]bool{}
	for i, b := range bands {
		if b.Name == "" || names[b.Name] {
			bad("evaluation.bands[%d]: name must be given and unique", i)
		}
		names[b.Name] = true
		if i > 0 && b.Above >= bands[i-1].Above {
			bad("evaluation.bands[%d] %q: bands go from the highest down (above %g after %g)", i, b.Name, b.Above, bands[i-1].Above)
		}
		if b.Passed && b.Deferred {
			bad("evaluation.bands[%d] %q: passed or deferred, not both", i, b.Name)
		}
	}
	if len(bands) == 0 || bands[len(bands)-1].Above >= 0 {
		bad("evaluation.bands: the lowest band must take every score (above below 0)")
	}
	if d.Evaluation.RemedialDays < 1 {
		bad("evaluation.remedial_days: must be 1 or more")
	}
	aw := d.Evaluation.Award
	if aw.Count < 0 {
		bad("evaluation.award.count: must not be negative")
	}
	if aw.Count > 0 && !names[aw.MinBand] {
		bad("evaluation.award.min_band %q: not a band", aw.MinBand)
	}
	for _, c := range aw.TieBreak {
		if !comps[c] {
			bad("evaluation.award.tie_break: %q is not a component", c)
		}
	}
	return errors.Join(errs...)
}

// Activities lists every activity in order.
func (d *Definition) Activities() []Activity {
	var out []Activity
	for _, p := range d.Phases {
		out = append(out, p.Activities...)
	}
	return out
}

// Activity is the activity with the id; ok is false when there is none.
func (d *Definition) Activity(id string) (Activity, bool) {
	for _, a := range d.Activities() {
		if a.ID == id {
			return a, true
		}
	}
	return Activity{}, false
}

// RunName names an angkatan's training: "Pelatihan Dasar CPNS Golongan III Angkatan 1".
func (d *Definition) RunName(group string, batch int) string {
	return fmt.Sprintf("%s Golongan %s Angkatan %d", d.Name, group, batch)
}

// ActivityName is an activity's name, or its id when there is none of that id.
func (d *Definition) ActivityName(id string) string {
	if a, ok := d.Activity(id); ok {
		return a.Name
	}
	return id
}

// PhaseOf names the phase an activity belongs to.
func (d *Definition) PhaseOf(id string) string {
	for _, p := range d.Phases {
		for _, a := range p.Activities {
			if a.ID == id {
				return p.Name
			}
		}
	}
	return ""
}
