package training

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/skflow/skflow/nip"
	"github.com/skflow/skflow/sheet"
)

// Problem is a cell of an import that was not taken, by the row a person sees.
type Problem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Import is what a results spreadsheet holds: per activity, the entries to record.
type Import struct {
	Recordings []Recording `json:"recordings"`
	Problems   []Problem   `json:"problems,omitempty"`
	Columns    []string    `json:"columns"` // the activities the file's headers named
}

// ErrNoNIPColumn refuses a results file without its NIP column.
var ErrNoNIPColumn = errors.New("kolom NIP tidak ada")

// ReadResults reads an organiser's results, CSV or XLSX: a NIP column and one column per
// activity, named by its id or name (a score activity may be named by its component): a score
// from 0 to 100 (a comma for decimals too), or for an activity that is only done, "ya", "1" or
// "selesai". Empty cells are not recorded. A row whose NIP is not in members, or a cell that is
// not a result, is a problem of its own; the rest is taken.
func ReadResults(b []byte, def *Definition, members []string, by string) (Import, error) {
	rows, err := sheet.Read(b)
	if err != nil {
		return Import{}, err
	}
	head, ok := sheet.Header(rows)
	if !ok {
		return Import{}, sheet.ErrEmpty
	}
	nipCol := -1
	cols := map[int]Activity{}
	var named []string
	for c, h := range rows[head].Cells {
		key := strings.ToLower(strings.TrimSpace(h))
		if key == "nip" {
			nipCol = c
			continue
		}
		// An activity's own id or name first: "aktualisasi" is the activity of that id, not the
		// component its seminar scores.
		if a, ok := matchColumn(def, key); ok {
			cols[c] = a
			named = append(named, a.ID)
		}
	}
	if nipCol < 0 {
		return Import{}, ErrNoNIPColumn
	}
	known := map[string]bool{}
	for _, m := range members {
		known[m] = true
	}
	entries := map[string][]Entry{}
	var problems []Problem
	for _, r := range rows[head+1:] {
		if r.Blank() {
			continue
		}
		cell := func(c int) string {
			if c < len(r.Cells) {
				return strings.TrimSpace(r.Cells[c])
			}
			return ""
		}
		n, err := nip.Parse(cell(nipCol))
		if err != nil || !known[n.Digits] {
			problems = append(problems, Problem{Line: r.Line, Column: "NIP", Message: fmt.Sprintf("%q bukan peserta angkatan ini", cell(nipCol))})
			continue
		}
		for c, a := range cols {
			v := cell(c)
			if v == "" {
				continue
			}
			e := Entry{NIP: n.Digits}
			if a.Kind == Score {
				s, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
				if err != nil || s < 0 || s > 100 {
					problems = append(problems, Problem{Line: r.Line, Column: rows[head].Cells[c], Message: fmt.Sprintf("nilai %q harus angka 0 sampai 100", v)})
					continue
				}
				e.Score = &s
			} else {
				switch strings.ToLower(v) {
				case "ya", "y", "1", "selesai", "v", "x":
					e.Done = true
				default:
					problems = append(problems, Problem{Line: r.Line, Column: rows[head].Cells[c], Message: fmt.Sprintf("%q: tulis ya bila selesai, kosongkan bila belum", v)})
					continue
				}
			}
			entries[a.ID] = append(entries[a.ID], e)
		}
	}
	imp := Import{Problems: problems, Columns: named}
	for _, a := range def.Activities() {
		if es := entries[a.ID]; len(es) > 0 {
			imp.Recordings = append(imp.Recordings, Recording{Activity: a.ID, By: by, Role: Organiser, Entries: es})
		}
	}
	sort.SliceStable(imp.Problems, func(i, j int) bool { return imp.Problems[i].Line < imp.Problems[j].Line })
	return imp, nil
}

func matchColumn(def *Definition, key string) (Activity, bool) {
	var byComponent *Activity
	for _, a := range def.Activities() {
		if a.Kind != Done && a.Kind != Score {
			continue
		}
		if key == a.ID || key == strings.ToLower(a.Name) {
			return a, true
		}
		if a.Kind == Score && key == a.Component && byComponent == nil {
			byComponent = &a
		}
	}
	if byComponent != nil {
		return *byComponent, true
	}
	return Activity{}, false
}
