package report

import (
	"slices"
	"strconv"

	"github.com/skflow/skflow/store"
)

// Stat summarises decided attempts of one step or one role.
type Stat struct {
	Key      string  `json:"key"` // the step number or the role id
	Step     int     `json:"step,omitempty"`
	Role     string  `json:"role"`
	Count    int     `json:"count"`
	Median   int     `json:"median_minutes"`
	P90      int     `json:"p90_minutes"`
	Standard *int    `json:"standard_minutes"` // per step only; nil when none is set
	LatePct  float64 `json:"late_pct"`
	Returns  int     `json:"returns"`
}

// ByStep is the store's per-step statistics as the report shows them, in step order.
func ByStep(rows []store.DecidedStat) []Stat {
	out := make([]Stat, 0, len(rows))
	for _, r := range rows {
		st := stat(r)
		st.Step, st.Key, st.Standard = r.Step, strconv.Itoa(r.Step), r.Standard
		out = append(out, st)
	}
	return out
}

// ByRole is the store's per-role statistics in the given role order; roles outside it last.
func ByRole(rows []store.DecidedStat, order []string) []Stat {
	out := make([]Stat, 0, len(rows))
	for _, r := range rows {
		st := stat(r)
		st.Key = r.Role
		out = append(out, st)
	}
	rank := func(role string) int {
		if i := slices.Index(order, role); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(out, func(a, b Stat) int { return rank(a.Role) - rank(b.Role) })
	return out
}

func stat(r store.DecidedStat) Stat {
	st := Stat{Role: r.Role, Count: r.Count, Median: r.Median, P90: r.P90, Returns: r.Returns}
	if r.Count > 0 {
		st.LatePct = round1(100 * float64(r.Late) / float64(r.Count))
	}
	return st
}
