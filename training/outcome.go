package training

import (
	"math"
	"slices"
	"strings"
)

// Outcome is how a participant's training ends, and which document they get.
type Outcome string

const (
	Passed   Outcome = "lulus"       // STTP
	Failed   Outcome = "tidak_lulus" // Surat Keterangan
	Absent   Outcome = "tidak_hadir" // never confirmed: Surat Keterangan
	Deferred Outcome = "ditunda"     // waiting for the one remedial
)

// Person is what the outcome is computed from.
type Person struct {
	NIP    string             `json:"nip"`
	Absent bool               `json:"absent,omitempty"`
	Scores map[string]float64 `json:"scores,omitempty"` // component → 0..100
	// Remedial is the final score of the one remedial, for a participant deferred.
	Remedial *float64 `json:"remedial,omitempty"`
}

// Result is one participant's outcome.
type Result struct {
	NIP     string  `json:"nip"`
	Final   float64 `json:"final"`             // the weighted score of the first attempt
	Band    string  `json:"band"`              // its qualification
	Outcome Outcome `json:"outcome"`           // after the remedial, if any
	Decided string  `json:"decided,omitempty"` // the band the outcome rests on (the remedial's, if taken)
	Rank    int     `json:"rank,omitempty"`    // in the angkatan, 1 the best; 0 when absent
	Award   bool    `json:"award,omitempty"`   // Piagam Penghargaan
}

// Final is the weighted score, rounded to two decimals as a certificate prints it. A component
// not scored counts as 0: the organiser records every score before the announcement.
func (e Evaluation) Final(scores map[string]float64) float64 {
	var sum, weight float64
	for _, c := range e.Components {
		sum += c.Weight * scores[c.ID]
		weight += c.Weight
	}
	return math.Round(sum/weight*100) / 100
}

// BandOf is the qualification of a final score.
func (e Evaluation) BandOf(final float64) Band {
	for _, b := range e.Bands {
		if final > b.Above {
			return b
		}
	}
	return e.Bands[len(e.Bands)-1]
}

func (e Evaluation) bandIndex(name string) int {
	return slices.IndexFunc(e.Bands, func(b Band) bool { return b.Name == name })
}

// Outcomes decides every participant's outcome: absent, deferred until their remedial, passed
// or not; ranks those present; and gives the Piagam to the best Award.Count of the ranks whose
// first attempt is at least Award.MinBand. Equal finals are ordered by Award.TieBreak, then NIP.
func (d *Definition) Outcomes(people []Person) []Result {
	e := d.Evaluation
	out := make([]Result, len(people))
	var present []int
	for i, p := range people {
		r := Result{NIP: p.NIP}
		if p.Absent {
			r.Outcome = Absent
			out[i] = r
			continue
		}
		r.Final = e.Final(p.Scores)
		b := e.BandOf(r.Final)
		r.Band, r.Decided = b.Name, b.Name
		switch {
		case b.Passed:
			r.Outcome = Passed
		case b.Deferred && p.Remedial == nil:
			r.Outcome = Deferred
		case b.Deferred:
			rb := e.BandOf(*p.Remedial)
			r.Decided = rb.Name
			r.Outcome = map[bool]Outcome{true: Passed, false: Failed}[rb.Passed]
		default:
			r.Outcome = Failed
		}
		out[i] = r
		present = append(present, i)
	}
	slices.SortStableFunc(present, func(a, b int) int {
		if x, y := out[a].Final, out[b].Final; x != y {
			return cmpDesc(x, y)
		}
		for _, c := range e.Award.TieBreak {
			if x, y := people[a].Scores[c], people[b].Scores[c]; x != y {
				return cmpDesc(x, y)
			}
		}
		return strings.Compare(people[a].NIP, people[b].NIP)
	})
	minBand := e.bandIndex(e.Award.MinBand)
	for rank, i := range present {
		out[i].Rank = rank + 1
		// Only the top ranks are candidates; a first attempt below the minimum band is not
		// given the Piagam, and nobody below moves up to take it.
		if rank < e.Award.Count && out[i].Outcome == Passed && e.bandIndex(out[i].Band) <= minBand {
			out[i].Award = true
		}
	}
	return out
}

func cmpDesc(x, y float64) int {
	if x > y {
		return -1
	}
	return 1
}
