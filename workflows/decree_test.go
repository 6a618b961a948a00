package workflows

import (
	"testing"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
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

// After the signature the decree is issued, and the case holds the hash of what was issued as
// its signed decree; an issuing that fails for a while (the signing service away) is retried,
// and the next step waits for nothing but the issue.
func TestTheSignedDecreeIsIssuedAndHeld(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Register = &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}
	h.issuer.failures = 2
	h.agreeEvery(0, 15)
	s := h.run()
	if s.State != chain.Completed || s.Outputs[sop.SignedDecree] != "sha-of-"+h.in.CaseID || h.issuer.calls != 3 {
		t.Fatalf("case %s, outputs %v, issue tried %d times", s.State, s.Outputs, h.issuer.calls)
	}
	ev := h.rec.events(chain.DecreeIssued)
	if len(ev) != 1 || ev[0].Task.Step != 11 || ev[0].Output.Artefact != sop.SignedDecree || ev[0].Output.SHA256 != "sha-of-"+h.in.CaseID {
		t.Fatalf("issued events: %+v", ev)
	}
	if inc := h.rec.events(chain.Incident); len(inc) != 0 {
		t.Fatalf("incidents: %+v", inc)
	}
}

// A signed case whose decree cannot be issued (no participants, say) records an incident and
// goes on: the SK's later steps are not held hostage, and the cause is on the case.
func TestADecreeThatCannotBeIssuedIsAnIncident(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.in.Register = &chain.Register{Agency: "BKPSDM Kabupaten Wajo", Format: chain.DefaultNumberFormat}
	h.issuer.notIssued = true
	h.agreeEvery(0, 15)
	s := h.run()
	inc := h.rec.events(chain.Incident)
	if s.State != chain.Completed || s.Outputs[sop.SignedDecree] != "" || len(inc) != 1 || inc[0].Failed != chain.DecreeIssued ||
		inc[0].Reason != "tidak ada peserta" || h.issuer.calls != 1 {
		t.Fatalf("case %s, outputs %v, incidents %+v", s.State, s.Outputs, inc)
	}
}
