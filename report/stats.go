package report

import (
	"slices"
	"sort"
	"strconv"
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

// ByStep summarises decided attempts per step, in step order.
func (r Report) ByStep() []Stat {
	groups := map[int][]Row{}
	for _, x := range r.Rows {
		if x.DecidedAt != nil {
			groups[x.Step] = append(groups[x.Step], x)
		}
	}
	steps := make([]int, 0, len(groups))
	for s := range groups {
		steps = append(steps, s)
	}
	sort.Ints(steps)
	out := make([]Stat, 0, len(steps))
	for _, s := range steps {
		st := summarise(groups[s])
		st.Step, st.Key, st.Role, st.Standard = s, strconv.Itoa(s), groups[s][0].Role, groups[s][0].StandardMinutes
		out = append(out, st)
	}
	return out
}

// ByRole summarises decided attempts per role, in the given role order.
func (r Report) ByRole(order []string) []Stat {
	groups := map[string][]Row{}
	for _, x := range r.Rows {
		if x.DecidedAt != nil {
			groups[x.Role] = append(groups[x.Role], x)
		}
	}
	var out []Stat
	for _, role := range order {
		if rows := groups[role]; len(rows) > 0 {
			st := summarise(rows)
			st.Key, st.Role = role, role
			out = append(out, st)
		}
	}
	return out
}

func summarise(rows []Row) Stat {
	mins := make([]int, len(rows))
	st := Stat{Count: len(rows)}
	late := 0
	for i, x := range rows {
		mins[i] = x.WorkingMinutes
		if x.Late {
			late++
		}
		if x.Decision == "return" {
			st.Returns++
		}
	}
	slices.Sort(mins)
	st.Median = mins[(len(mins)-1)/2]   // the lower median
	st.P90 = mins[(len(mins)*9+9)/10-1] // nearest rank: the ceil(0.9 n)-th smallest
	st.LatePct = round1(100 * float64(late) / float64(len(rows)))
	return st
}
