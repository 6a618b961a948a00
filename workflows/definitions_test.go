package workflows

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/worktime"
)

// Another agency's chain is a file: Bone's example definition, with other roles, nine steps and
// its own drafting roles, runs on the same workflow. Its outputs are enforced as Wajo's are
// (no agreement at the proposals step without them, no proposals from a reviewer), a return
// goes where its file says, and its signature numbers and issues the decree.
func TestAnotherAgencysDefinitionRunsOnTheSameWorkflow(t *testing.T) {
	def, err := sop.Load(filepath.Join("..", "examples", "sop-bkpsdm-bone-latsar.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, monday, worktime.DefaultSpec())
	h.def, h.in.Definition = def, *def
	h.in.Register = &chain.Register{Agency: def.Agency, Format: chain.DefaultNumberFormat}
	errs := map[string]*error{}
	send := func(at time.Duration, id, name string, arg any) {
		errs[id] = new(error)
		h.after(at, func() { h.env.UpdateWorkflow(name, id, &testsuite_rejects{err: errs[id]}, arg) })
	}
	h.after(10*time.Minute, func() { h.decideNow("order", chain.Agree, "") })
	send(20*time.Minute, "no-proposals", chain.UpdateDecide, chain.Decision{Step: 2, Action: chain.Agree, Actor: actorFor("kasubid")})
	send(21*time.Minute, "proposals-by-kabid", chain.UpdateOutput, chain.Output{Artefact: sop.Proposals, SHA256: hash(1), By: "nip-kabid", Role: "kabid"})
	off := h.agreeEvery(21*time.Minute, 3) // 2, 3, 4 with their outputs: the Kabid's review (5) is open
	h.after(off+10*time.Minute, func() { h.act(chain.Return, "klasifikasi angkatan 2 belum sesuai") })
	h.agreeEvery(off+10*time.Minute, 7) // 3 again, then 4 to 9
	s := h.run()
	for id, want := range map[string]string{"no-proposals": chain.RejectMissingOutput, "proposals-by-kabid": chain.RejectNotDrafter} {
		if got := rejectionType(*errs[id]); got != want {
			t.Errorf("%s: %q (%v), want %q", id, got, *errs[id], want)
		}
	}
	if s.State != chain.Completed || s.Definition != "latsar-penetapan-peserta-bone v1" {
		t.Fatalf("case ended %s on %s", s.State, s.Definition)
	}
	if got, want := steps(s.Decisions), []int{1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(got, want) {
		t.Fatalf("decisions on steps %v, want %v", got, want)
	}
	signed := h.rec.events(chain.DecreeSigned)
	if len(signed) != 1 || signed[0].Task.Step != 8 || signed[0].Register.Agency != "BKPSDM Kabupaten Bone" || s.Outputs[sop.SignedDecree] == "" {
		t.Fatalf("signature %+v, outputs %v", signed, s.Outputs)
	}
}
