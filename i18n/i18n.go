// Package i18n is skflow's one message catalogue: every text a person reads on a screen, in the
// command line, in an export or an error is looked up here by key, in Bahasa Indonesia by
// default and in English by configuration. The messages are data (messages.yaml, embedded);
// golang.org/x/text/message formats them, so numbers follow the locale ("1.234" and "0,5" in
// Indonesian). Years, NIPs and IDs are passed as strings, or they would be grouped as numbers.
//
// Official correspondence (the decree, letters, certificates, the mails to OPDs) is always in
// Bahasa Indonesia whatever the locale (UU 24/2009 Pasal 33); it is not formatted here.
package i18n

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"gopkg.in/yaml.v3"

	"github.com/skflow/skflow/idfmt"
)

// The languages skflow speaks; the first is the default.
var (
	Indonesian = language.Indonesian
	English    = language.English
	supported  = []language.Tag{Indonesian, English}
)

//go:embed messages.yaml
var source []byte

var raw, cat, keys = mustLoad(source)

func mustLoad(src []byte) (map[string]map[string]string, *catalog.Builder, []string) {
	msgs, b, ks, err := load(src)
	if err != nil {
		panic(fmt.Sprintf("i18n: messages.yaml: %v", err)) // embedded: a test catches it before any build ships
	}
	return msgs, b, ks
}

// load reads the catalogue: every key has a message in every supported language.
func load(src []byte) (map[string]map[string]string, *catalog.Builder, []string, error) {
	var msgs map[string]map[string]string
	if err := yaml.Unmarshal(src, &msgs); err != nil {
		return nil, nil, nil, err
	}
	b := catalog.NewBuilder(catalog.Fallback(Indonesian))
	ks := make([]string, 0, len(msgs))
	for k, m := range msgs {
		if len(m) != len(supported) {
			// a stray comma in a one-line entry splits a message into a language of its own
			return nil, nil, nil, fmt.Errorf("%s has %d messages (%v), want one per language", k, len(m), m)
		}
		for _, tag := range supported {
			text, ok := m[tag.String()]
			if !ok || strings.TrimSpace(text) == "" {
				return nil, nil, nil, fmt.Errorf("%s has no %s message", k, tag)
			}
			if err := b.SetString(tag, k, text); err != nil {
				return nil, nil, nil, fmt.Errorf("%s (%s): %w", k, tag, err)
			}
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return msgs, b, ks, nil
}

// Keys lists the catalogue's keys, sorted.
func Keys() []string { return append([]string(nil), keys...) }

// Parse reads a configured language: "id" or "en" (a region such as "en-US" is allowed).
func Parse(s string) (language.Tag, error) {
	t, err := language.Parse(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	if err == nil {
		if base, _ := t.Base(); base.String() == "id" || base.String() == "en" {
			return language.Make(base.String()), nil
		}
	}
	return Indonesian, fmt.Errorf("bahasa %q tidak dikenal: pilih id (Bahasa Indonesia) atau en (English)", s)
}

// FromEnv is the language of a POSIX locale (LC_ALL, LC_MESSAGES, LANG, the first set wins):
// English for an English locale, Bahasa Indonesia for anything else, C and POSIX included.
func FromEnv(lcAll, lcMessages, lang string) language.Tag {
	for _, v := range []string{lcAll, lcMessages, lang} {
		if v == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(v), "en") {
			return English
		}
		return Indonesian
	}
	return Indonesian
}

// codes are the records' English codes a person must never read as they are.
var codes = regexp.MustCompile(`\b(running|completed|cancelled|stopped|reminder|escalation|breach|delivery|agree|superseded|` +
	`tidak_lulus|tidak_hadir|surat_keterangan|cuti_bersama|step_decided|case_started)\b`)

// Leaks lists what in an Indonesian text was not said in words: the records' English codes,
// raw catalogue keys and misformatted arguments. Tests run it over pages, output and mails.
func Leaks(text string) []string {
	var out []string
	for _, m := range codes.FindAllString(text, -1) {
		out = append(out, "code "+m)
	}
	for _, k := range keys {
		if strings.Contains(text, k) {
			out = append(out, "key "+k)
		}
	}
	if strings.Contains(text, "%!") {
		out = append(out, "a misformatted argument")
	}
	return out
}

// Printer writes the catalogue's messages, dates and numbers in one language.
type Printer struct {
	tag language.Tag
	p   *message.Printer
}

// New is a printer for tag (one of the supported languages; anything else is Indonesian).
func New(tag language.Tag) *Printer {
	if tag != English {
		tag = Indonesian
	}
	return &Printer{tag: tag, p: message.NewPrinter(tag, message.Catalog(cat))}
}

// Lang is the printer's language code, as an HTML lang attribute wants it.
func (p *Printer) Lang() string { return p.tag.String() }

// T is the message for key with args.
func (p *Printer) T(key string, args ...any) string { return p.p.Sprintf(key, args...) }

// Has says whether the catalogue has key.
func (p *Printer) Has(key string) bool {
	_, ok := raw[key]
	return ok
}

// Label says a records' code (a state, a role, a notice kind, an audit action) in words; a code
// the catalogue does not name is shown as it is.
func (p *Printer) Label(code string) string {
	k := "label." + code
	if !p.Has(k) {
		return code
	}
	return p.T(k)
}

// Date is "23 November 2026" ("1 Januari 2027" in Indonesian, "1 January 2027" in English).
func (p *Printer) Date(t time.Time) string {
	if p.tag == English {
		return t.Format("2 January 2006")
	}
	return idfmt.Date(t)
}

// DateTime is "23 November 2026 13:20 WITA", in t's own zone.
func (p *Printer) DateTime(t time.Time) string { return p.Date(t) + " " + t.Format("15:04 MST") }

// Decimal writes f with prec decimals and the locale's decimal mark.
func (p *Printer) Decimal(f float64, prec int) string {
	if p.tag == English {
		return fmt.Sprintf("%.*f", prec, f)
	}
	return idfmt.Decimal(f, prec)
}
