package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
)

func (r *run) register() error {
	if err := workflow.SetQueryHandler(r.ctx, chain.QueryStatus, func() (chain.State, error) {
		return *r.s, nil
	}); err != nil {
		return fmt.Errorf("register status query: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateDecide, r.decide,
		workflow.UpdateHandlerOptions{Validator: r.validateDecision}); err != nil {
		return fmt.Errorf("register decide update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateCancel, r.cancelCase,
		workflow.UpdateHandlerOptions{Validator: r.validateCancel}); err != nil {
		return fmt.Errorf("register cancel update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateRevise, r.revise,
		workflow.UpdateHandlerOptions{Validator: r.validateRevision}); err != nil {
		return fmt.Errorf("register revise update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateVersion, r.revise,
		workflow.UpdateHandlerOptions{Validator: r.validateVersion}); err != nil {
		return fmt.Errorf("register version update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateOutput, r.produce,
		workflow.UpdateHandlerOptions{Validator: r.validateOutput}); err != nil {
		return fmt.Errorf("register output update: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(r.ctx, chain.UpdateCalendar, r.followCalendar,
		workflow.UpdateHandlerOptions{Validator: r.validateCalendar}); err != nil {
		return fmt.Errorf("register calendar update: %w", err)
	}
	return nil
}

func reject(kind, format string, a ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, a...), kind)
}

// validateDecision rejects a decision before it reaches history. It must not change state.
func (r *run) validateDecision(ctx workflow.Context, d chain.Decision) error {
	if _, ok := r.recalled(workflow.GetCurrentUpdateInfo(ctx).ID); ok {
		return nil // a repeat of an answered request gets the first answer
	}
	if r.s.State != chain.Running {
		return reject(chain.RejectCaseClosed, "case %s is %s; it takes no more decisions", r.s.CaseID, r.s.State)
	}
	if r.cancelled || r.ctx.Err() != nil {
		return r.cancelling()
	}
	if err := chain.CheckDecision(d); err != nil {
		return reject(chain.RejectBadText, "%v", err)
	}
	open := r.s.Open
	if open == nil || r.draining {
		return r.busy()
	}
	step, _ := r.def.Step(open.Step)
	switch {
	case d.Step != open.Step:
		return reject(chain.RejectWrongStep, "step %d is not open; case %s is at step %d (%s)",
			d.Step, r.s.CaseID, open.Step, r.def.RoleName(open.Role))
	case d.Attempt != 0 && d.Attempt != open.Attempt:
		return reject(chain.RejectStaleAttempt, "attempt %d of step %d is no longer open; attempt %d is",
			d.Attempt, d.Step, open.Attempt)
	case strings.TrimSpace(d.Actor.NIP) == "":
		return reject(chain.RejectNoActor, "a decision must name the official who makes it")
	case d.Actor.Role != open.Role:
		return reject(chain.RejectWrongRole, "step %d belongs to %s; %s cannot decide it",
			open.Step, r.def.RoleName(open.Role), roleOrNone(r, d.Actor.Role))
	case d.Action != chain.Agree && d.Action != chain.Return:
		return reject(chain.RejectBadAction, "action %q is unknown; use %q or %q", d.Action, chain.Agree, chain.Return)
	case d.Action == chain.Return && !step.CanReturn():
		return reject(chain.RejectNoReturn, "step %d (%s) cannot be returned", open.Step, step.Kind)
	case d.Action == chain.Return && strings.TrimSpace(d.Reason) == "":
		return reject(chain.RejectReasonRequired, "a return needs a reason")
	case d.Action == chain.Agree && !r.holds(step.Produces):
		return reject(chain.RejectMissingOutput, "step %d produces the %s, which the case does not hold yet", open.Step, step.Produces)
	case r.s.Draft != nil && d.Document != r.s.Draft.SHA256:
		return reject(chain.RejectStaleVersion, "the draft SK changed while it was read (now version %d); look again",
			r.s.Draft.Version)
	case r.requested():
		return r.busy()
	}
	return nil
}

// validateVersion accepts a new version of the draft SK from an official of a drafting role,
// numbered after the current one, until the decree is signed. The draft generated from the
// classification may only be version 1.
func (r *run) validateVersion(_ workflow.Context, rev chain.Revision) error {
	if r.cancelled || r.ctx.Err() != nil {
		return r.cancelling()
	}
	if err := chain.CheckRevision(rev); err != nil {
		return reject(chain.RejectBadText, "%v", err)
	}
	if r.s.State != chain.Running {
		return reject(chain.RejectNotRevisable, "case %s is %s; it takes no new versions of the draft", r.s.CaseID, r.s.State)
	}
	if r.s.Open == nil || r.draining {
		return r.busy()
	}
	current := 0
	if r.s.Draft != nil {
		current = r.s.Draft.Version
	}
	first, _, reviews := r.def.FirstReview()
	i, _ := r.def.Index(r.s.Open.Step)
	switch {
	case rev.Generated && (r.s.Draft != nil || rev.Version != 1):
		return reject(chain.RejectNotDrafter, "only version 1 may be the draft generated from the classification")
	case !rev.Generated && !r.def.MayDraft(rev.Role):
		return reject(chain.RejectNotDrafter, "%s may not change the decree; its drafting roles are %s",
			roleOrNone(r, rev.Role), strings.Join(r.def.Drafters(), ", "))
	case rev.Version <= current:
		return reject(chain.RejectStaleVersion, "version %d is not after the current version %d", rev.Version, current)
	case reviews && i > first && !r.def.Steps[i].Kind.Returnable():
		return reject(chain.RejectNotRevisable, "the decree is signed; it takes no new versions")
	case r.requested():
		return r.busy()
	}
	return nil
}

// validateOutput accepts an artefact a step of the definition produces (the draft goes through
// the version Update) from an official of a drafting role, until the first review: after it,
// what the decree says changes only by a new version.
func (r *run) validateOutput(_ workflow.Context, o chain.Output) error {
	if r.cancelled || r.ctx.Err() != nil {
		return r.cancelling()
	}
	if err := chain.CheckOutput(o); err != nil {
		return reject(chain.RejectBadText, "%v", err)
	}
	if r.s.State != chain.Running {
		return reject(chain.RejectCaseClosed, "case %s is %s; it takes no more outputs", r.s.CaseID, r.s.State)
	}
	if r.s.Open == nil || r.draining {
		return r.busy()
	}
	first, _, _ := r.def.FirstReview()
	i, _ := r.def.Index(r.s.Open.Step)
	_, produced := r.def.Producer(o.Artefact)
	switch {
	case !produced || o.Artefact == sop.DraftSK:
		return reject(chain.RejectBadAction, "no step of %s produces %q as an output", r.def.Label(), o.Artefact)
	case !r.def.MayDraft(o.Role):
		return reject(chain.RejectNotDrafter, "%s may not change the decree; its drafting roles are %s",
			roleOrNone(r, o.Role), strings.Join(r.def.Drafters(), ", "))
	case i > first:
		return reject(chain.RejectNotRevisable, "the %s is settled after the first review; a change needs a new version of the draft", o.Artefact)
	case r.requested():
		return r.busy()
	}
	return nil
}

func (r *run) produce(ctx workflow.Context, o chain.Output) (chain.State, error) {
	p := &pendingOutput{o: o}
	r.output = p
	return r.state(ctx, &p.done)
}

// holds reports whether the case holds an artefact (no artefact: nothing to hold).
func (r *run) holds(a sop.Artefact) bool {
	switch a {
	case "":
		return true
	case sop.DraftSK:
		return r.s.Draft != nil
	}
	return r.s.Outputs[a] != ""
}

// validateRevision is the older revise Update's rule, kept for the histories that hold it: a
// new version only while the draft climbs the reviews.
func (r *run) validateRevision(_ workflow.Context, rev chain.Revision) error {
	first, _, ok := r.def.FirstReview()
	if r.s.State != chain.Running || !ok {
		return reject(chain.RejectNotRevisable, "case %s takes no new versions of the draft", r.s.CaseID)
	}
	if r.cancelled || r.ctx.Err() != nil {
		return r.cancelling()
	}
	if err := chain.CheckRevision(rev); err != nil {
		return reject(chain.RejectBadText, "%v", err)
	}
	if r.s.Open == nil || r.draining {
		return r.busy()
	}
	i, _ := r.def.Index(r.s.Open.Step)
	switch {
	case strings.TrimSpace(rev.By) == "":
		return reject(chain.RejectNoActor, "a new version needs who uploaded it")
	case i <= first:
		return reject(chain.RejectNotRevisable, "no paraf has been given yet; the new version needs no new climb")
	case !r.def.Steps[i].Kind.Returnable():
		return reject(chain.RejectNotRevisable, "the decree is signed; it takes no new versions")
	case r.requested():
		return r.busy()
	}
	return nil
}

func (r *run) revise(ctx workflow.Context, rev chain.Revision) (chain.State, error) {
	p := &pendingRevision{rev: rev}
	r.revision = p
	return r.state(ctx, &p.done)
}

// busy refuses while another request is being recorded or the run is handing over to its
// continuation: a request accepted then would wait on a main loop that no longer runs.
func (r *run) busy() error {
	return reject(chain.RejectBusy, "another request on case %s is being recorded; try again", r.s.CaseID)
}

func (r *run) cancelling() error {
	return reject(chain.RejectCancelling, "case %s is being cancelled from Temporal; it takes no more requests", r.s.CaseID)
}

// state waits until the main loop has applied a request, then answers with the case's state.
func (r *run) state(ctx workflow.Context, done *bool) (chain.State, error) {
	if err := workflow.Await(ctx, func() bool { return *done }); err != nil {
		return chain.State{}, err
	}
	return *r.s, nil
}

func roleOrNone(r *run, role string) string {
	if role == "" {
		return "an official without a role"
	}
	return r.def.RoleName(role)
}

// decide hands the decision to the main loop and answers once it is recorded and the next
// task is open, so the caller can show where the case went.
func (r *run) decide(ctx workflow.Context, d chain.Decision) (chain.DecisionResult, error) {
	id := workflow.GetCurrentUpdateInfo(ctx).ID
	if res, ok := r.recalled(id); ok {
		return res, nil
	}
	p := &pendingDecision{id: id, d: d}
	r.pending = p
	if err := workflow.Await(ctx, func() bool { return p.result != nil }); err != nil {
		return chain.DecisionResult{}, err
	}
	return *p.result, nil
}

func (r *run) validateCancel(_ workflow.Context, c chain.Cancellation) error {
	switch {
	case r.s.State != chain.Running:
		return reject(chain.RejectCaseClosed, "case %s is %s; it cannot be cancelled", r.s.CaseID, r.s.State)
	case r.cancelled || r.ctx.Err() != nil:
		return r.cancelling()
	case chain.CheckCancellation(c) != nil:
		return reject(chain.RejectBadText, "%v", chain.CheckCancellation(c))
	case r.draining:
		return r.busy()
	case strings.TrimSpace(c.Reason) == "":
		return reject(chain.RejectReasonRequired, "a cancellation needs a reason")
	case strings.TrimSpace(c.By) == "":
		return reject(chain.RejectNoActor, "a cancellation must name the operator who makes it")
	case r.requested():
		return r.busy()
	}
	return nil
}

func (r *run) cancelCase(ctx workflow.Context, c chain.Cancellation) (chain.State, error) {
	p := &pendingCancel{c: c}
	r.cancel = p
	return r.state(ctx, &p.done)
}
