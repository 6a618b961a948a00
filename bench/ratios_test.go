package main

import "testing"

// The ratios are binary fractions, so that the medians are exact.
func TestTheWarmUpIsNotCounted(t *testing.T) {
	var tl tally
	tl.add(0, ratios{0.125, 8, 8, 8}) // a cold warm-up, far from the rest
	for round, r := range []float64{0.5, 0.75, 1, 0.25} {
		tl.add(round+1, ratios{r, 1 / r, 2 * r, 4 * r})
	}
	if median, least, most := tl.summary(0); median != 0.625 || least != 0.25 || most != 1 {
		t.Errorf("throughput over the counted rounds: median %v (%v–%v), want 0.625 (0.25–1)", median, least, most)
	}
	if median, least, most := tl.summary(2); median != 1.25 || least != 0.5 || most != 2 {
		t.Errorf("p99 over the counted rounds: median %v (%v–%v), want 1.25 (0.5–2)", median, least, most)
	}
	if median, least, most := tl.summary(3); median != 2.5 || least != 1 || most != 4 {
		t.Errorf("CPU a decision over the counted rounds: median %v (%v–%v), want 2.5 (1–4)", median, least, most)
	}
}

func TestARoundsRatiosAreNamed(t *testing.T) {
	got := ratios{0.5, 1.25, 2, 1.1875}.String()
	if want := "throughput 0.50×, p50 1.25×, p99 2.00×, CPU a decision 1.19×"; got != want {
		t.Errorf("a round's ratios read %q, want %q", got, want)
	}
}
