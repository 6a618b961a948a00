package workflows

// The artefacts a case holds: the versions of its draft SK and the outputs its steps produce.

import (
	"errors"
	"fmt"
	"math"
	"time"

	"go.temporal.io/sdk/temporal"
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

// Issuing a decree renders it and has it signed, possibly by the agency's signing service over
// the network: it runs as a server-side activity that retries, at most a minute apart, for as
// long as the signer or the database is away. Only a decree that cannot exist stops it.
var issueOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        math.MaxInt32,
		NonRetryableErrorTypes: []string{chain.FailNotIssuable},
	},
}

// issueDecree has the numbered decree issued and holds the hash of what was issued as the
// case's signed decree. A decree that cannot be issued becomes an incident: the case goes on.
func (r *run) issueDecree(signed *chain.Task) error {
	if !r.changed(changeIssueAtSignature) {
		return nil
	}
	ctx, _ := workflow.NewDisconnectedContext(r.ctx)
	actx := workflow.WithActivityOptions(ctx, issueOptions)
	var out chain.IssuedDecree
	err := workflow.ExecuteActivity(actx, chain.ActivityIssue, chain.IssueRequest{CaseID: r.s.CaseID}).Get(actx, &out)
	now := workflow.Now(ctx)
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.DecreeIssued, At: now, Task: copyTask(signed), By: "system",
		Output: &chain.Output{Artefact: sop.SignedDecree, SHA256: out.SHA256, By: "system"}}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == chain.FailNotIssuable {
		return r.record(ctx, chain.Transition{Events: []chain.Event{ev}}.Incident(now, app.Message(), false))
	}
	if err != nil {
		return fmt.Errorf("issue the decree of %s: %w", r.s.CaseID, err)
	}
	if r.s.Outputs == nil {
		r.s.Outputs = map[sop.Artefact]string{}
	}
	r.s.Outputs[sop.SignedDecree] = out.SHA256
	return r.record(ctx, chain.Transition{Events: []chain.Event{ev}})
}
