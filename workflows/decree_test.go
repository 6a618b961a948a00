package workflows

import (
	"testing"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/worktime"
)

// The Bupati's signature, and only it, asks the register for the decree's number, with the year
// of the signature in WITA (00:30 WITA on 1 January is still 31 December in UTC).
func TestTheSignatureNumbersTheDecree(t *testing.T) {
	newYear := at("2026-12-31", "23:00") // a Thursday: the chain runs through the night into 2027
	h := newHarness(t, newYear, alwaysOpen())
	h.in.Register = &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}
	// A step every ten minutes from 23:00: the Bupati signs (step 11) at 00:50 WITA, in 2027.
	h.agreeEvery(0, 15)
	s := h.run()
	if s.State != chain.Completed {
		t.Fatalf("case ended %s", s.State)
	}
	ev := h.rec.events(chain.DecreeSigned)
	if len(ev) != 1 || ev[0].Register.Year != 2027 || ev[0].Task.Step != 11 || ev[0].By != "nip-bupati" ||
		ev[0].Register.Format != chain.DefaultNumberFormat {
		t.Fatalf("decree events: %+v", ev)
	}

	// A case started before decrees were numbered carries no register and asks for none.
	h2 := newHarness(t, monday, worktime.DefaultSpec())
	h2.agreeEvery(0, 15)
	h2.run()
	if ev := h2.rec.events(chain.DecreeSigned); len(ev) != 0 {
		t.Fatalf("a case without a register numbered its decree: %+v", ev)
	}
}

// alwaysOpen is a calendar without days off, so a test's clock can cross midnight and a year.
func alwaysOpen() worktime.Spec {
	spec := worktime.Spec{TimeZone: worktime.DefaultTimeZone}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		spec.Week = append(spec.Week, worktime.Hours{Day: d, From: "00:00", To: "23:59"})
	}
	return spec
}
