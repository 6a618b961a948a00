package workflows

// The artefacts a case holds: the versions of its draft SK and the outputs its steps produce.

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
)

// applyRevision makes the new version current. From the first review on it closes the open
// review as superseded and reopens the first review step: every paraf is given again on it.
func (r *run) applyRevision() error {
	p := r.revision
	now := workflow.Now(r.ctx)
	t := r.s.Open
	draft := &chain.DraftVersion{Version: p.rev.Version, SHA256: p.rev.SHA256}
	r.s.Draft = draft
	first, _, _ := r.def.FirstReview()
	var events []chain.Event
	if i, _ := r.def.Index(t.Step); i > first {
		rec := chain.DecisionRecord{Task: *t, Action: chain.Superseded, DecidedAt: now, Document: p.rev.SHA256,
			Reason:         fmt.Sprintf("versi %d draft SK diunggah", p.rev.Version),
			Actor:          chain.Actor{NIP: p.rev.By, Role: t.Role},
			WorkingMinutes: int(r.workingTime(t.OpenedAt, now) / time.Minute)}
		r.s.Decisions = append(r.s.Decisions, rec)
		r.decisions++
		events = append(events, chain.Event{CaseID: r.s.CaseID, Kind: chain.StepDecided, At: now, Task: copyTask(t), Decision: &rec},
			r.open(first, now))
	} else {
		events = append(events, chain.Event{CaseID: r.s.CaseID, Kind: chain.DraftVersioned, At: now, Task: copyTask(t),
			By: p.rev.By, Draft: draft})
	}
	if err := r.record(r.ctx, chain.Transition{Events: events}); err != nil {
		return err
	}
	p.done = true
	r.revision = nil
	return nil
}

// applyOutput makes an artefact the case's current one of its kind.
func (r *run) applyOutput() error {
	p := r.output
	if r.s.Outputs == nil {
		r.s.Outputs = map[sop.Artefact]string{}
	}
	r.s.Outputs[p.o.Artefact] = p.o.SHA256
	o := p.o
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.OutputRecorded, At: workflow.Now(r.ctx), Task: copyTask(r.s.Open),
		By: o.By, Output: &o}
	if err := r.record(r.ctx, chain.Transition{Events: []chain.Event{ev}}); err != nil {
		return err
	}
	p.done = true
	r.output = nil
	return nil
}
