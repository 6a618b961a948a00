package workflows

import (
	"fmt"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/worktime"
)

func hash(n int) string { return fmt.Sprintf("%064x", n) }

// The workflow holds the current version of the draft: only a drafting role makes one (never a
// reviewer, never an operator), numbers only go up, the generated draft is only version 1, a
// decision on another version than the current one is refused, and a version from the first
// review on sends the draft back to it.
func TestTheWorkflowHoldsTheCurrentVersion(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	outcome := map[string]*error{}
	version := func(id string, rev chain.Revision) {
		outcome[id] = new(error)
		h.env.UpdateWorkflow(chain.UpdateVersion, id, &testsuite_rejects{err: outcome[id]}, rev)
	}
	off := h.agreeEvery(0, 4) // step 5: the Pelaksana types the draft
	for i, v := range []struct {
		id  string
		rev chain.Revision
	}{
		{"generated", chain.Revision{Version: 1, SHA256: hash(1), By: "system", Generated: true}},
		{"generated-again", chain.Revision{Version: 2, SHA256: hash(2), By: "system", Generated: true}},
		{"by-kabid", chain.Revision{Version: 2, SHA256: hash(2), By: "nip-kabid", Role: "kabid"}},
		{"by-operator", chain.Revision{Version: 2, SHA256: hash(2), By: "nip-operator", Role: "operator"}},
		{"typed", chain.Revision{Version: 2, SHA256: hash(2), By: "nip-pelaksana", Role: "pelaksana"}},
		{"older-number", chain.Revision{Version: 2, SHA256: hash(3), By: "nip-pelaksana", Role: "pelaksana"}},
	} {
		h.after(off+time.Duration(i+1)*time.Second, func() { version(v.id, v.rev) })
	}
	var stale error
	h.after(off+2*time.Minute, func() {
		h.env.UpdateWorkflow(chain.UpdateDecide, "on-version-1", &testsuite_rejects{err: &stale},
			chain.Decision{Step: 5, Action: chain.Agree, Document: hash(1), Actor: actorFor("pelaksana")})
	})
	off = h.agreeEvery(off+2*time.Minute, 3) // steps 5, 6 and 7 on version 2: step 8 open
	var after chain.State
	h.after(off+time.Minute, func() {
		version("corrected", chain.Revision{Version: 3, SHA256: hash(3), By: "nip-analis", Role: "analis"})
	})
	h.after(off+time.Minute+30*time.Second, func() { after = h.status() })
	h.agreeEvery(off+time.Minute, 10)
	s := h.run()

	for id, want := range map[string]string{"generated": "", "generated-again": chain.RejectNotDrafter,
		"by-kabid": chain.RejectNotDrafter, "by-operator": chain.RejectNotDrafter, "typed": "",
		"older-number": chain.RejectStaleVersion, "corrected": ""} {
		if got := rejectionType(*outcome[id]); got != want {
			t.Errorf("%s: %q (%v), want %q", id, got, *outcome[id], want)
		}
	}
	if rejectionType(stale) != chain.RejectStaleVersion {
		t.Errorf("a decision on version 1 after version 2: %v", stale)
	}
	if after.Open.Step != 6 || after.Draft.Version != 3 {
		t.Errorf("after version 3 at step 8: open %d, draft %+v", after.Open.Step, after.Draft)
	}
	if ev := h.rec.events(chain.DraftVersioned); len(ev) != 2 || ev[0].Draft.Version != 1 || ev[1].Draft.Version != 2 {
		t.Errorf("versions before the first review: %+v", ev)
	}
	for _, d := range s.Decisions {
		if d.Step >= 5 && d.Action == chain.Agree && d.Document == "" {
			t.Errorf("step %d was decided on no version", d.Step)
		}
	}
	if s.State != chain.Completed || s.Draft.SHA256 != hash(3) {
		t.Fatalf("case ended %s on %+v", s.State, s.Draft)
	}
}

// A step's output is an artefact the case holds by hash: its agreement is refused while the
// case lacks it; only a drafting role gives it, and only until the first review. Proposals the
// operator starts the case with are held from the start.
func TestAStepIsNotAgreedWithoutItsOutput(t *testing.T) {
	h := newHarness(t, monday, worktime.DefaultSpec())
	errs := map[string]*error{}
	send := func(at time.Duration, id, name string, arg any) {
		errs[id] = new(error)
		h.after(at, func() { h.env.UpdateWorkflow(name, id, &testsuite_rejects{err: errs[id]}, arg) })
	}
	for i := 1; i <= 2; i++ { // steps 1 and 2 are orders: nothing to hold
		h.after(time.Duration(i)*10*time.Minute, func() { h.decideNow(fmt.Sprintf("order-%d", i), chain.Agree, "") })
	}
	send(30*time.Minute, "no-proposals", chain.UpdateDecide, chain.Decision{Step: 3, Action: chain.Agree, Actor: actorFor("pelaksana")})
	send(31*time.Minute, "proposals-by-kabid", chain.UpdateOutput, chain.Output{Artefact: "proposals", SHA256: hash(7), By: "nip-kabid", Role: "kabid"})
	send(32*time.Minute, "unknown-artefact", chain.UpdateOutput, chain.Output{Artefact: "foto", SHA256: hash(7), By: "nip-pelaksana", Role: "pelaksana"})
	send(33*time.Minute, "proposals", chain.UpdateOutput, chain.Output{Artefact: "proposals", SHA256: hash(7), By: "nip-pelaksana", Role: "pelaksana"})
	send(34*time.Minute, "with-proposals", chain.UpdateDecide, chain.Decision{Step: 3, Action: chain.Agree, Actor: actorFor("pelaksana")})
	off := h.agreeEvery(34*time.Minute, 4) // 4 (classification), 5 (draft), 6, 7 through prepare: step 8 open
	send(off+time.Minute, "late-classification", chain.UpdateOutput, chain.Output{Artefact: "classification", SHA256: hash(8), By: "nip-analis", Role: "analis"})
	h.agreeEvery(off+time.Minute, 8)
	s := h.run()
	for id, want := range map[string]string{"no-proposals": chain.RejectMissingOutput, "proposals-by-kabid": chain.RejectNotDrafter,
		"unknown-artefact": chain.RejectBadAction, "proposals": "", "with-proposals": "", "late-classification": chain.RejectNotRevisable} {
		if got := rejectionType(*errs[id]); got != want {
			t.Errorf("%s: %q (%v), want %q", id, got, *errs[id], want)
		}
	}
	if s.State != chain.Completed || s.Outputs["proposals"] != hash(7) || s.Outputs["classification"] == "" || s.Draft == nil {
		t.Fatalf("case ended %s holding %v and %+v", s.State, s.Outputs, s.Draft)
	}
	if ev := h.rec.events(chain.OutputRecorded); len(ev) != 2 || ev[0].Output.Artefact != "proposals" || ev[0].By != "nip-pelaksana" {
		t.Fatalf("outputs recorded: %+v", ev)
	}

	// Started with the proposals: step 3 needs nothing more.
	h2 := newHarness(t, monday, worktime.DefaultSpec())
	h2.in.Proposals = hash(9)
	h2.agreeEvery(0, 15)
	if s := h2.run(); s.Outputs["proposals"] != hash(9) || len(h2.rec.events(chain.OutputRecorded)) != 1 {
		t.Fatalf("with proposals at the start: %v, %d outputs recorded", s.Outputs, len(h2.rec.events(chain.OutputRecorded)))
	}
}
