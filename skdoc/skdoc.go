// Package skdoc writes the decree: the Keputusan Bupati Wajo on the participants of the CPNS
// basic training, with a lampiran table per angkatan, as HTML for the screen and PDF for print
// and signature. Its wording and layout are data (Template), so another agency's decree is a
// file edit. The text is a draft for the Analis and the Pelaksana to check, not legal advice.
package skdoc

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/skflow/skflow/idfmt"
	"github.com/skflow/skflow/nip"
)

// Member is one participant in the lampiran.
type Member struct {
	NIP      string
	Name     string
	Position string
	OPD      string
	Golongan string
}

// Batch is one angkatan of the lampiran.
type Batch struct {
	Group   string // II or III
	Number  int
	Members []Member
}

// Draft is everything the decree says.
type Draft struct {
	CaseID   string
	Title    string
	Year     int
	Date     time.Time
	MaxBatch int // most participants in one angkatan
	Batches  []Batch
	Number   string // from the register, once signed; empty in a draft
	Signer   string // the signer's name, once signed
	// Appointment is Plt. or Plh. when a stand-in signed for the official.
	Appointment string
	VerifyURL   string    // the public verification page of a signed decree, for its QR code
	Template    *Template // the wording and layout; nil is the embedded Wajo decree
}

// Text is a decree's wording with every template filled in.
type Text struct {
	Kop                                                     []string
	Title, Number, Subject, Preamble, Official, Place, Date string
	Considering, Bases, Decisions, Copies                   []string
	Appendix, ESignNote, Signer                             string
	Signing                                                 string   // the office that signs, "Plt. BUPATI WAJO" for a stand-in
	Dicta                                                   []string // KESATU, KEDUA, ... one per decision
}

func (d Draft) template() *Template {
	if d.Template != nil {
		return d.Template
	}
	return wajo
}

// Text fills the template with this decree.
func (d Draft) Text() Text {
	t := d.template()
	v := Vars{Number: d.NumberText(), Year: d.Year, Groups: d.Groups(), Total: d.Total(), TotalWords: spell(d.Total()),
		Batches: len(d.Batches), MaxBatch: d.MaxBatch, Date: d.DateText()}
	v.Official = t.render(t.Official, v)
	v.Subject = t.render(t.Subject, v)
	signing := v.Official
	if d.Appointment != "" {
		signing = d.Appointment + " " + v.Official
	}
	return Text{Signing: signing, Kop: t.renderAll(t.Kop, v), Title: t.render(t.Title, v), Number: t.render(t.Number, v), Subject: v.Subject,
		Preamble: t.render(t.Preamble, v), Official: v.Official, Place: t.render(t.Place, v), Date: v.Date,
		Considering: t.renderAll(t.Considering, v), Bases: t.renderAll(t.Bases, v), Decisions: t.renderAll(t.Decisions, v),
		Copies: t.renderAll(t.Copies, v), Appendix: t.render(t.Appendix, v), ESignNote: t.render(t.ESignNote, v),
		Signer: d.SignerText(), Dicta: dicta[:len(t.Decisions)]}
}

// NumberText is the decree's number, or the blank a draft leaves for it.
func (d Draft) NumberText() string {
	if d.Number == "" {
		return "........................"
	}
	return d.Number
}

// SignerText is the signer's name, or the blank a draft leaves for it.
func (d Draft) SignerText() string {
	if d.Signer == "" {
		return "........................"
	}
	return d.Signer
}

// footer marks every page of a draft as one, and of a decree with its number.
func (d Draft) footer(t Text) string {
	if d.Number == "" {
		return "Draft " + d.CaseID
	}
	return t.Title + " " + t.Number
}

// Total counts the participants.
func (d Draft) Total() int {
	n := 0
	for _, b := range d.Batches {
		n += len(b.Members)
	}
	return n
}

// Groups names the golongan the decree covers, e.g. "II dan III".
func (d Draft) Groups() string {
	var gs []string
	for _, b := range d.Batches {
		if len(gs) == 0 || gs[len(gs)-1] != b.Group {
			gs = append(gs, b.Group)
		}
	}
	return strings.Join(gs, " dan ")
}

// Subject is the decree's "tentang".
func (d Draft) Subject() string { return d.Text().Subject }

// DateText writes the date the Indonesian way: 22 November 2026.
func (d Draft) DateText() string { return idfmt.Date(d.Date) }

var dicta = []string{"KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN", "KESEPULUH"}

//go:embed draft.html
var htmlText string

var page = template.Must(template.New("sk").Funcs(template.FuncMap{
	"letter": func(i int) string { return string(rune('a' + i)) },
	"inc":    func(i int) int { return i + 1 },
	"nip":    nip.Spaced,
}).Parse(htmlText))

// WriteHTML writes the draft as a standalone HTML page.
func (d Draft) WriteHTML(w io.Writer) error {
	t := d.template()
	return page.Execute(w, map[string]any{"D": d, "T": d.Text(),
		"Emblem": template.URL("data:image/" + t.emblemFormat + ";base64," + base64.StdEncoding.EncodeToString(t.emblem))})
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// spell writes a count in Indonesian words, as decrees do: 112 is "seratus dua belas".
func spell(n int) string {
	units := []string{"", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"}
	switch {
	case n < 12:
		if n == 0 {
			return "nol"
		}
		return units[n]
	case n < 20:
		return units[n-10] + " belas"
	case n < 100:
		return strings.TrimSpace(units[n/10] + " puluh " + spellRest(n%10))
	case n < 200:
		return strings.TrimSpace("seratus " + spellRest(n-100))
	case n < 1000:
		return strings.TrimSpace(units[n/100] + " ratus " + spellRest(n%100))
	case n < 2000:
		return strings.TrimSpace("seribu " + spellRest(n-1000))
	case n < 1000000:
		return strings.TrimSpace(spell(n/1000) + " ribu " + spellRest(n%1000))
	}
	return fmt.Sprint(n)
}

func spellRest(n int) string {
	if n == 0 {
		return ""
	}
	return spell(n)
}
