package main

import "slices"

// tally gathers, for one floor, skflow's counted rounds' ratios: throughput, p50 and p99.
type tally [3][]float64

// add counts a round's ratios; round 0 is the warm-up, printed and not counted.
func (t *tally) add(round int, ratio [3]float64) {
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
