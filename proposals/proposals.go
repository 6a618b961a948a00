// Package proposals reads the OPDs' proposal spreadsheets (CSV or XLSX): one row per CPNS
// candidate with NIP, name, position, OPD, golongan and which of the four required documents
// are present. Headers are matched loosely. Row problems are reported with row numbers (in
// Bahasa Indonesia, for the OPDs); a file that cannot be read as a proposal list is refused.
package proposals

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/sheet"
	"github.com/skflow/skflow/textcheck"
)

// Limits on what is read.
const (
	MaxBytes    = 10 << 20
	MaxUnzipped = sheet.MaxUnzipped // an XLSX's content once unpacked
	MaxRows     = 10000
)

// Errors that refuse a whole file; nothing from it may be stored.
var (
	ErrNotSpreadsheet = sheet.ErrNotSpreadsheet
	ErrTooLarge       = sheet.ErrTooLarge
	ErrMissingColumn  = errors.New("kolom wajib tidak ada")
	ErrEmpty          = errors.New("berkas tidak berisi data usulan")
)

// Docs says which of the four required documents (Persyaratan) a candidate has.
type Docs struct {
	SKCPNS bool `json:"sk_cpns"`     // SK Pengangkatan CPNS
	Sehat  bool `json:"surat_sehat"` // surat keterangan berbadan sehat
	SPT    bool `json:"surat_tugas"` // surat perintah tugas
	Foto   bool `json:"pasfoto"`     // pasfoto
}

// Candidate is one valid row.
type Candidate struct {
	Row      int    `json:"row"`
	NIP      string `json:"nip"`
	Name     string `json:"name"`
	Position string `json:"position"`
	OPD      string `json:"opd"`
	Golongan string `json:"golongan"` // normalised: II/a, III/b, ...
	Docs     Docs   `json:"docs"`
}

// Problem is what is wrong with one row (or one cell).
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// Result is a read file: the valid rows and the problems of the others.
type Result struct {
	Rows       int         `json:"rows"`
	Candidates []Candidate `json:"candidates"`
	Problems   []Problem   `json:"problems"`
	Columns    []Column    `json:"columns"` // which header was read as which field
}

// ColumnsString says the column mapping in one line: NIP ← "NIP (18 digit)", ...
func ColumnsString(cols []Column) string {
	if len(cols) == 0 {
		return "tidak ada"
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s ← %q", c.Field, c.Header)
	}
	return strings.Join(parts, ", ")
}

type field int

const (
	fNIP field = iota
	fName
	fPosition
	fOPD
	fGolongan
	fSK
	fSehat
	fSPT
	fFoto
	nFields
)

var fieldNames = [nFields]string{"NIP", "Nama", "Jabatan", "OPD", "Golongan", "SK CPNS", "Surat sehat", "Surat perintah tugas", "Pasfoto"}

// Column says which header of the file was read as which field, so the operator can check it.
type Column struct {
	Field  string `json:"field"`
	Header string `json:"header"`
}

// rules recognise a field from the key words of a header, as OPD spreadsheets write them:
// in any order, with extra words, abbreviations and remarks in parentheses ("NIP (18 digit)",
// "Pangkat / Gol. Ruang", "Unit Kerja / OPD asal", "SK Pengangkatan CPNS (ada/tidak)"). They are
// tried in this order, so "Nama Jabatan" is the position and "Nama Unit Kerja" the OPD, not the
// name, and "Surat Keterangan Sehat" is not the SK CPNS.
var rules = []struct {
	f     field
	match func(h keywords) bool
}{
	{fSPT, func(h keywords) bool { return h.any("spt", "sprint", "perintah") || h.all("surat", "tugas") }},
	{fSehat, func(h keywords) bool { return h.prefix("sehat") || h.any("kesehatan") }},
	{fSK, func(h keywords) bool {
		return h.any("skcpns") || (h.any("sk", "keputusan") && h.any("cpns", "pengangkatan", "pengangkatancpns"))
	}},
	{fFoto, func(h keywords) bool { return h.prefix("foto", "pasfoto", "photo", "pasphoto") }},
	{fNIP, func(h keywords) bool { return h.prefix("nip") || h.any("induk") }},
	{fGolongan, func(h keywords) bool { return h.prefix("gol") || h.any("ruang", "pangkat") }},
	{fOPD, func(h keywords) bool {
		return h.any("opd", "skpd", "instansi", "unitkerja", "satker") || h.all("unit", "kerja") || h.all("perangkat", "daerah")
	}},
	{fPosition, func(h keywords) bool { return h.prefix("jabatan") || h.any("position") }},
	{fName, func(h keywords) bool { return h.prefix("nama") || h.any("name") }},
}

// keywords are a header cell's key words: lower case, remarks in parentheses left out (unless
// they are all there is).
type keywords []string

func words(text string) keywords {
	outside := parenthesised.ReplaceAllString(text, " ")
	if strings.TrimSpace(outside) == "" {
		outside = text
	}
	return strings.FieldsFunc(strings.ToLower(outside), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var parenthesised = regexp.MustCompile(`\([^)]*\)|\[[^]]*\]`)

func (h keywords) any(ws ...string) bool {
	for _, w := range h {
		if slices.Contains(ws, w) {
			return true
		}
	}
	return false
}

func (h keywords) all(ws ...string) bool {
	for _, w := range ws {
		if !slices.Contains(h, w) {
			return false
		}
	}
	return true
}

func (h keywords) prefix(ps ...string) bool {
	for _, w := range h {
		for _, p := range ps {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}

// fieldOf is the field a header is read as, if any.
func fieldOf(text string) (field, bool) {
	h := words(text)
	for _, r := range rules {
		if r.match(h) {
			return r.f, true
		}
	}
	return 0, false
}

// Read reads a proposals file. progress, if set, is told how many of the data rows are done.
func Read(r io.Reader, progress func(done, total int)) (Result, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("baca berkas: %w", err)
	}
	if len(b) > MaxBytes {
		return Result{}, fmt.Errorf("%w (maksimal %d MiB)", ErrTooLarge, MaxBytes>>20)
	}
	rows, err := sheet.Read(b)
	if errors.Is(err, sheet.ErrEmpty) {
		return Result{}, ErrEmpty
	}
	if err != nil {
		return Result{}, err
	}
	return parse(rows, progress)
}

var (
	golPattern = regexp.MustCompile(`^(iv|iii|ii|i|4|3|2|1)\s*[/.\- ]?\s*([a-e])?$`)
	// A pangkat written before its golongan: "Penata Muda / III/a", "Pengatur (II/c)".
	golSuffix = regexp.MustCompile(`[\s/(,]\(?(iv|iii|ii|i|4|3|2|1)\s*[/.\- ]?\s*([a-e])\)?$`)
)

// Golongan normalises "III/a", "3a", "iii - A" to "III/a"; ok is false when it is not a golongan.
func Golongan(s string) (string, bool) {
	low := strings.ToLower(strings.TrimSpace(s))
	m := golPattern.FindStringSubmatch(low)
	if m == nil {
		m = golSuffix.FindStringSubmatch(low)
	}
	if m == nil || m[2] == "" {
		return "", false
	}
	roman := map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV"}[m[1]]
	if roman == "" {
		roman = strings.ToUpper(m[1])
	}
	return roman + "/" + m[2], true
}

func present(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ya", "y", "ada", "1", "true", "v", "✓", "√", "lengkap", "sudah":
		return true, true
	case "tidak", "t", "tidak ada", "0", "false", "", "-", "belum", "x":
		return false, true
	}
	return false, false
}

func parse(rows []sheet.Row, progress func(done, total int)) (Result, error) {
	head, ok := sheet.Header(rows)
	if !ok {
		return Result{}, ErrEmpty
	}
	col := [nFields]int{}
	for i := range col {
		col[i] = -1
	}
	for i, h := range rows[head].Cells {
		if f, ok := fieldOf(h); ok && col[f] < 0 {
			col[f] = i
		}
	}
	var missing []string
	var columns []Column
	for f, c := range col {
		if c < 0 {
			missing = append(missing, fieldNames[f])
			continue
		}
		columns = append(columns, Column{Field: fieldNames[f], Header: strings.TrimSpace(rows[head].Cells[c])})
	}
	if len(missing) > 0 {
		return Result{}, fmt.Errorf("%w: %s (kolom terbaca: %s)", ErrMissingColumn, strings.Join(missing, ", "), ColumnsString(columns))
	}
	data := rows[head+1:]
	if len(data) > MaxRows {
		return Result{}, fmt.Errorf("%w (maksimal %d baris)", ErrTooLarge, MaxRows)
	}
	res := Result{Candidates: []Candidate{}, Problems: []Problem{}, Columns: columns}
	seen := map[string]Candidate{}
	for i, rec := range data {
		r, rowNo := rec.Cells, rec.Line
		if progress != nil && (i%200 == 0 || i == len(data)-1) {
			progress(i+1, len(data))
		}
		cell := func(f field) string {
			if col[f] < len(r) {
				return strings.TrimSpace(r[col[f]])
			}
			return ""
		}
		if rec.Blank() {
			continue
		}
		res.Rows++
		var probs []Problem
		bad := func(f field, format string, a ...any) {
			probs = append(probs, Problem{Row: rowNo, Column: fieldNames[f], Message: fmt.Sprintf(format, a...)})
		}
		c := Candidate{Row: rowNo, Name: cell(fName), Position: cell(fPosition), OPD: cell(fOPD)}
		if n, err := nip.Parse(cell(fNIP)); err != nil {
			bad(fNIP, "%v", err)
		} else {
			c.NIP = n.Digits
		}
		// Text a person reads later, and the database keeps: no control characters (PostgreSQL
		// refuses U+0000), nothing that reorders what is shown, a bounded length.
		for f, v := range map[field]string{fName: c.Name, fPosition: c.Position, fOPD: c.OPD} {
			var e *textcheck.Error
			if errors.As(textcheck.Line(fieldNames[f], v, textcheck.NameMax), &e) {
				bad(f, "%s", e.Problem)
			}
		}
		if c.Name == "" {
			bad(fName, "nama kosong")
		}
		if c.OPD == "" {
			bad(fOPD, "OPD kosong")
		}
		if g, ok := Golongan(cell(fGolongan)); ok {
			c.Golongan = g
		} else {
			bad(fGolongan, "golongan %q tidak dikenal (contoh: III/a)", cell(fGolongan))
		}
		for f, dst := range map[field]*bool{fSK: &c.Docs.SKCPNS, fSehat: &c.Docs.Sehat, fSPT: &c.Docs.SPT, fFoto: &c.Docs.Foto} {
			v, ok := present(cell(f))
			if !ok {
				bad(f, "isi %q tidak dikenal; tulis ya atau tidak", cell(f))
			}
			*dst = v
		}
		if first, dup := seen[c.NIP]; dup && c.NIP != "" {
			bad(fNIP, "NIP %s sudah diusulkan di baris %d (%s)", c.NIP, first.Row, first.OPD)
		}
		if len(probs) > 0 {
			sortProblems(probs)
			res.Problems = append(res.Problems, probs...)
			continue
		}
		seen[c.NIP] = c
		res.Candidates = append(res.Candidates, c)
	}
	if res.Rows == 0 {
		return Result{}, ErrEmpty
	}
	return res, nil
}

// sortProblems orders one row's problems by column, so reports do not depend on map order.
func sortProblems(p []Problem) {
	order := map[string]int{}
	for i, n := range fieldNames {
		order[n] = i
	}
	slices.SortStableFunc(p, func(a, b Problem) int { return order[a.Column] - order[b.Column] })
}
