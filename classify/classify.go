// Package classify is step 4 of the SOP: each proposed candidate is eligible for Latsar or not,
// with the reasons, and the eligible are grouped by golongan (II and III train separately) into
// angkatan of at most a given size.
package classify

import (
	"cmp"
	"slices"
	"strings"

	"github.com/skflow/skflow/proposals"
)

// DefaultBatchSize is the most participants one angkatan takes (Pusdiklat's standard).
const DefaultBatchSize = 40

// Decision is one candidate's classification.
type Decision struct {
	proposals.Candidate
	Eligible bool     `json:"eligible"`
	Reasons  []string `json:"reasons,omitempty"` // why not eligible
	Group    string   `json:"group,omitempty"`   // II or III
	Batch    int      `json:"batch,omitempty"`   // angkatan number within the group
}

// Batch is one angkatan.
type Batch struct {
	Group   string     `json:"group"`
	Number  int        `json:"number"`
	Members []Decision `json:"members"`
}

// Result is the classification of a proposal list.
type Result struct {
	Decisions []Decision `json:"decisions"` // in the file's row order
	Batches   []Batch    `json:"batches"`
}

// Eligible counts the eligible candidates.
func (r Result) Eligible() int {
	n := 0
	for _, d := range r.Decisions {
		if d.Eligible {
			n++
		}
	}
	return n
}

// Classify decides every candidate and forms the angkatan. Within a golongan, members are
// ordered by OPD and name, and the angkatan are as even as possible (45 makes 23 and 22, not
// 40 and 5). A batch size below 1 means DefaultBatchSize.
func Classify(cands []proposals.Candidate, batchSize int) Result {
	if batchSize < 1 {
		batchSize = DefaultBatchSize
	}
	res := Result{Decisions: make([]Decision, len(cands)), Batches: []Batch{}}
	groups := map[string][]int{}
	for i, c := range cands {
		d := Decision{Candidate: c}
		for _, m := range missing(c.Docs) {
			d.Reasons = append(d.Reasons, m+" tidak ada")
		}
		group, _, _ := strings.Cut(c.Golongan, "/")
		if group != "II" && group != "III" {
			d.Reasons = append(d.Reasons, "Latsar CPNS hanya untuk golongan II dan III, bukan "+c.Golongan)
		}
		if d.Eligible = len(d.Reasons) == 0; d.Eligible {
			d.Group = group
			groups[group] = append(groups[group], i)
		}
		res.Decisions[i] = d
	}
	for _, g := range []string{"II", "III"} {
		idx := groups[g]
		slices.SortStableFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(cands[a].OPD, cands[b].OPD), cmp.Compare(cands[a].Name, cands[b].Name))
		})
		k := (len(idx) + batchSize - 1) / batchSize
		for b := 0; b < k; b++ {
			lo, hi := b*len(idx)/k, (b+1)*len(idx)/k
			batch := Batch{Group: g, Number: b + 1}
			for _, i := range idx[lo:hi] {
				res.Decisions[i].Batch = b + 1
				batch.Members = append(batch.Members, res.Decisions[i])
			}
			res.Batches = append(res.Batches, batch)
		}
	}
	return res
}

func missing(d proposals.Docs) []string {
	var out []string
	for _, x := range []struct {
		ok   bool
		name string
	}{{d.SKCPNS, "SK pengangkatan CPNS"}, {d.Sehat, "surat keterangan berbadan sehat"}, {d.SPT, "surat perintah tugas"}, {d.Foto, "pasfoto"}} {
		if !x.ok {
			out = append(out, x.name)
		}
	}
	return out
}
