package textcheck

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name      string
		s         string
		multiline bool
		want      string // part of the problem; "" means accepted
	}{
		{"plain", "nomor SK", false, ""},
		{"indonesian letters", "Lampiran—é", false, ""},
		{"newline in a paragraph", "a\nb\r\n\tc", true, ""},
		{"newline in a line", "a\nb", false, "U+000A"},
		{"NUL", "setuju\x00", true, "U+0000"},
		{"escape", "\x1b[31m", true, "U+001B"},
		{"C1 control", "a\u0085b", true, "U+0085"},
		{"right-to-left override", "gaji \u202E0001", true, "U+202E"},
		{"isolate", "\u2066x\u2069", false, "U+2066"},
		{"invalid UTF-8", "a\xffb", true, "UTF-8"},
		{"too long", strings.Repeat("é", 11), false, "11 karakter, paling banyak 10"},
		{"at the limit", strings.Repeat("é", 10), false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := Line
			if c.multiline {
				check = Paragraph
			}
			err := check("alasan", c.s, 10)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Field != "alasan" || !strings.Contains(e.Problem, c.want) {
				t.Fatalf("got %v, want a problem naming %q", err, c.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	if got := Clean("1998\x00\u202E0909\n"+strings.Repeat("9", 100), 12); got != "199809099999" {
		t.Fatalf("Clean = %q", got)
	}
}

func FuzzCleanAgreesWithLine(f *testing.F) {
	f.Add("nomor SK keliru")
	f.Add("\x00\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		if Line("x", s, 1<<20) == nil && Clean(s, 1<<20) != s {
			t.Fatalf("Line accepts %q but Clean changes it", s)
		}
		if c := Clean(s, 100); Line("x", c, 100) != nil {
			t.Fatalf("Clean(%q) = %q is not a valid line", s, c)
		}
	})
}
