package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
)

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// Every message says the same things in every language: the same verbs, in the same order.
func TestEveryLanguageFillsTheSameVerbs(t *testing.T) {
	if len(Keys()) < 50 {
		t.Fatalf("the catalogue has %d keys", len(Keys()))
	}
	for _, k := range Keys() {
		src := raw[k] // unformatted, as the file holds it
		if got, want := verb.FindAllString(src["en"], -1), verb.FindAllString(src["id"], -1); !slices.Equal(got, want) {
			t.Errorf("%s: English fills %v, Indonesian %v", k, got, want)
		}
	}
}

func TestAMissingLanguageIsRefused(t *testing.T) {
	if _, _, _, err := load([]byte("a.b: {id: satu, dua: ''}\n")); err == nil || !strings.Contains(err.Error(), "a.b has no en message") {
		t.Fatalf("load: %v", err)
	}
	if _, _, _, err := load([]byte("a.b: {id: satu, dua, en: one}\n")); err == nil || !strings.Contains(err.Error(), "a.b has 3 messages") {
		t.Fatalf("load of a stray comma: %v", err)
	}
}

func TestPrinters(t *testing.T) {
	id, en := New(Indonesian), New(English)
	wita := time.FixedZone("WITA", 8*3600)
	at := time.Date(2027, 1, 1, 13, 20, 0, 0, wita)
	for _, c := range []struct{ got, want string }{
		{id.DateTime(at), "1 Januari 2027 13:20 WITA"}, {en.DateTime(at), "1 January 2027 13:20 WITA"},
		{id.Decimal(0.5, 1), "0,5"}, {en.Decimal(0.5, 1), "0.5"},
		{id.Label("running"), "berjalan"}, {en.Label("running"), "running"}, {id.Label("no-such-code"), "no-such-code"},
		{id.T("report.col.opened", "WITA"), "Dibuka (WITA)"}, {en.T("report.col.opened", "WITA"), "Opened (WITA)"},
		{id.Lang(), "id"}, {en.Lang(), "en"}, {New(English).T("label.yes"), "yes"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	for _, c := range []struct {
		all, msgs, lang string
		want            string
	}{
		{"", "", "", "id"}, {"", "", "C.UTF-8", "id"}, {"", "", "en_US.UTF-8", "en"}, {"", "", "id_ID.UTF-8", "id"},
		{"C", "", "en_US.UTF-8", "id"}, {"", "en_GB", "id_ID", "en"},
	} {
		if got := FromEnv(c.all, c.msgs, c.lang).String(); got != c.want {
			t.Errorf("FromEnv(%q, %q, %q) = %s, want %s", c.all, c.msgs, c.lang, got, c.want)
		}
	}
	for in, want := range map[string]string{"id": "id", "en": "en", "en_US": "en", " EN ": "en"} {
		if got, err := Parse(in); err != nil || got.String() != want {
			t.Errorf("Parse(%q) = %s, %v", in, got, err)
		}
	}
	if _, err := Parse("jv"); err == nil || !strings.Contains(err.Error(), "pilih id (Bahasa Indonesia) atau en") {
		t.Errorf("Parse(jv): %v", err)
	}
}

// uses finds the keys the code asks for: p.T("key", …), a.t("key", …) and {{t "key" …}}.
var uses = regexp.MustCompile(`(?:\.T|\.t|\{\{-? ?th?)\(?\s*"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

// byCode are the keys looked up by a code rather than named in the code.
var byCode = []string{"label.", "refusal.", "cli.kind."}

// Every key the code or a template asks for is in the catalogue, and every key in the catalogue
// is asked for (those looked up by code are exempt): no page shows a raw key and
// no message is kept that nothing says.
func TestTheCodeAndTheCatalogueAgree(t *testing.T) {
	used := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (d.Name() == "data" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, k := range Keys() {
		known[k] = true
		if !used[k] && !slices.ContainsFunc(byCode, func(p string) bool { return strings.HasPrefix(k, p) }) {
			t.Errorf("%s is in the catalogue but nothing says it", k)
		}
	}
	for k := range used {
		if !known[k] {
			t.Errorf("%s is asked for but not in the catalogue", k)
		}
	}
}

// Every step kind and case state has its words: the agree button and the board say them.
func TestEveryKindAndStateIsLabelled(t *testing.T) {
	p := New(English)
	for _, code := range []string{string(sop.KindTask), string(sop.KindOrder), string(sop.KindReview), string(sop.KindSign),
		string(chain.Running), string(chain.Completed), string(chain.Cancelled), string(chain.Stopped), string(chain.Agree), string(chain.Return)} {
		if !p.Has("label." + code) {
			t.Errorf("no label for %q", code)
		}
	}
}
