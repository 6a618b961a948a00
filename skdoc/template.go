package skdoc

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // an emblem may be a JPEG
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Template is the decree's wording and layout data: everything an agency changes to issue its
// own decree. Its texts are Go templates over Vars.
type Template struct {
	Emblem      string   `yaml:"emblem"` // image path, relative to the template's file
	Kop         []string `yaml:"kop"`
	Title       string   `yaml:"title"`
	Number      string   `yaml:"number"`
	Subject     string   `yaml:"subject"`
	Preamble    string   `yaml:"preamble"`
	Official    string   `yaml:"official"`
	Place       string   `yaml:"place"`
	Considering []string `yaml:"considering"`
	Bases       []string `yaml:"bases"`
	Decisions   []string `yaml:"decisions"`
	Copies      []string `yaml:"copies"`
	Appendix    string   `yaml:"appendix"`
	ESignNote   string   `yaml:"esign_note"`

	emblem       []byte
	emblemFormat string // png or jpeg, as image.DecodeConfig names them
	parsed       map[string]*template.Template
}

// Vars are what a template's texts may say.
type Vars struct {
	Number     string // the register's number, or the blank a draft leaves for it
	Year       int
	Groups     string // "II dan III"
	Total      int
	TotalWords string // "seratus dua belas"
	Batches    int
	MaxBatch   int
	Date       string // "1 Desember 2026"
	Subject    string
	Official   string
}

//go:embed keputusan-bupati-wajo.yaml
var wajoTemplate []byte

//go:embed lambang.png
var placeholderEmblem []byte

var wajo = func() *Template {
	t, err := Parse(wajoTemplate, "")
	if err != nil {
		panic("skdoc: the embedded decree template: " + err.Error()) // a test parses it too
	}
	return t
}()

// Wajo is the embedded template: the Keputusan Bupati Wajo on the Latsar participants.
func Wajo() *Template { return wajo }

// Open reads a template file (empty: the embedded one) and, when emblem is set, the emblem
// image that replaces the template's.
func Open(file, emblem string) (*Template, error) {
	t := wajo
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("templat SK: %w", err)
		}
		if t, err = Parse(b, filepath.Dir(file)); err != nil {
			return nil, fmt.Errorf("templat SK %s: %w", file, err)
		}
	}
	if emblem == "" {
		return t, nil
	}
	c := *t
	if err := c.loadEmblem(emblem); err != nil {
		return nil, err
	}
	return &c, nil
}

// Parse reads a template; dir is where a relative emblem path is found. Every text is tried on
// a sample decree, so a template that parses cannot fail when a decree is written.
func Parse(b []byte, dir string) (*Template, error) {
	var t Template
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	var errs []error
	for name, v := range map[string]string{"title": t.Title, "number": t.Number, "subject": t.Subject, "official": t.Official, "place": t.Place, "appendix": t.Appendix} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("%s kosong", name))
		}
	}
	if len(t.Decisions) == 0 || len(t.Decisions) > len(dicta) {
		errs = append(errs, fmt.Errorf("decisions: 1 sampai %d diktum, bukan %d", len(dicta), len(t.Decisions)))
	}
	t.parsed = map[string]*template.Template{}
	sample := Vars{Number: "000/0001/2026", Year: 2026, Groups: "II dan III", Total: 2, TotalWords: "dua", Batches: 2, MaxBatch: 40, Date: "1 Desember 2026", Subject: "X", Official: "X"}
	for _, s := range t.texts() {
		p, err := template.New(s).Option("missingkey=error").Parse(s)
		if err == nil {
			err = p.Execute(new(bytes.Buffer), sample)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("teks %q: %w", short(s), err))
			continue
		}
		t.parsed[s] = p
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	emblem := t.Emblem
	if emblem != "" && !filepath.IsAbs(emblem) {
		emblem = filepath.Join(dir, emblem)
	}
	if emblem == "" {
		t.emblem, t.emblemFormat = placeholderEmblem, "png"
		return &t, nil
	}
	return &t, t.loadEmblem(emblem)
}

func (t *Template) loadEmblem(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("lambang daerah: %w", err)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") {
		return fmt.Errorf("lambang daerah %s: bukan gambar PNG atau JPEG", path)
	}
	t.emblem, t.emblemFormat = b, format
	return nil
}

func (t *Template) texts() []string {
	all := append([]string{t.Title, t.Number, t.Subject, t.Preamble, t.Official, t.Place, t.Appendix, t.ESignNote}, t.Kop...)
	all = append(all, t.Considering...)
	all = append(all, t.Bases...)
	all = append(all, t.Decisions...)
	return append(all, t.Copies...)
}

// render fills one of the template's texts. Parse executed each of them on a sample, and
// Vars holds only strings and numbers, so a failure here is a bug, not bad data.
func (t *Template) render(s string, v Vars) string {
	var b strings.Builder
	if err := t.parsed[s].Execute(&b, v); err != nil {
		panic(fmt.Sprintf("skdoc: text %q of a parsed template failed: %v", short(s), err))
	}
	return b.String()
}

func (t *Template) renderAll(ss []string, v Vars) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = t.render(s, v)
	}
	return out
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
