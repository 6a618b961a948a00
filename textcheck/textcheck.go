// Package textcheck decides whether a text a person typed may enter a case: valid UTF-8, no
// control characters (tab and newline only where a paragraph makes sense), no bidirectional
// controls that could make a reason read differently from what it says, and a bounded length.
// The workflow's Update validators apply it, so no path around a form can wedge a case with a
// value the database refuses (PostgreSQL rejects U+0000 in text); forms apply it too, for a
// friendly message. It knows neither Temporal nor the database.
package textcheck

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits, in characters, of the texts that reach a case.
const (
	ReasonMax = 2000 // a return or cancellation reason, an instruction
	TitleMax  = 200  // a case title
	NameMax   = 200  // an official's name
	IDMax     = 64   // a NIP, a role, an operator's ID, a hash
)

// Error says which field is wrong and why, in Bahasa Indonesia.
type Error struct {
	Field   string
	Problem string
}

func (e *Error) Error() string { return e.Field + ": " + e.Problem }

// Line checks a one-line text: no control character at all.
func Line(field, s string, max int) error { return check(field, s, max, false) }

// Paragraph checks a text that may hold tabs and line breaks.
func Paragraph(field, s string, max int) error { return check(field, s, max, true) }

func check(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return &Error{field, "bukan teks UTF-8 yang sah"}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return &Error{field, fmt.Sprintf("terlalu panjang (%d karakter, paling banyak %d)", n, max)}
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case bidiControl(r):
			return &Error{field, fmt.Sprintf("berisi karakter pengarah teks %U yang dapat menyamarkan isinya", r)}
		case unicode.IsControl(r) || r == utf8.RuneError:
			return &Error{field, fmt.Sprintf("berisi karakter kendali %U yang tidak diizinkan", r)}
		}
	}
	return nil
}

// bidiControl reports the explicit embedding, override and isolate controls (Trojan Source).
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// Clean drops what Line would refuse and cuts the text to max characters, for texts that are
// only shown or logged (an unknown NIP typed at sign-in), never stored as a person's words.
func Clean(s string, max int) string {
	out := make([]rune, 0, min(len(s), max))
	for _, r := range s {
		if len(out) == max {
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || bidiControl(r) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
