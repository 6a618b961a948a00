package main

import (
	"fmt"
	"slices"
	"strings"
)

// ratioNames are the ratios of skflow's figures to a floor's, as ratios holds them. On a
// machine the phases saturate, throughput is the cores over the CPU a decision costs, so the
// last says how much of a throughput ratio the work explains and how much the minute it ran in.
var ratioNames = [...]string{"throughput", "p50", "p99", "CPU a decision"}

// ratios is one round's ratios, in the order of ratioNames.
type ratios [len(ratioNames)]float64

func (r ratios) String() string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = fmt.Sprintf("%s %.2f×", ratioNames[i], v)
	}
	return strings.Join(parts, ", ")
}

// tally gathers, for one floor, skflow's counted rounds' ratios.
type tally [len(ratioNames)][]float64

// add counts a round's ratios; round 0 is the warm-up, printed and not counted.
func (t *tally) add(round int, ratio ratios) {
	if round == 0 {
		return
	}
	for i := range ratio {
		t[i] = append(t[i], ratio[i])
	}
}

// summary is the median, least and most of the i-th ratio over the counted rounds.
func (t *tally) summary(i int) (median, least, most float64) {
	r := slices.Sorted(slices.Values(t[i]))
	return (r[(len(r)-1)/2] + r[len(r)/2]) / 2, r[0], r[len(r)-1]
}
