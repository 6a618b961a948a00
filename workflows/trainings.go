package workflows

// A completed case's angkatan go to their training. Each is a child workflow the case starts
// and abandons: it is started from the case's own history, exactly once and visible there, with
// no Temporal client in an activity; and abandoned because the training is Pusdiklat's service,
// weeks long, with a life of its own that neither the case's completion nor a later
// termination of the case may end.

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/training"
)

// startTrainings plans the angkatan from the signed decree's participants and starts one run
// each. A case with nothing to train (no participants, no training configured) records an
// incident and ends as it would have.
func (r *run) startTrainings() error {
	if !r.changed(changeStartTrainings) {
		return nil
	}
	ctx, _ := workflow.NewDisconnectedContext(r.ctx)
	actx := workflow.WithActivityOptions(ctx, issueOptions)
	var plans []training.RunInput
	err := workflow.ExecuteActivity(actx, training.ActivityPlan, r.s.CaseID).Get(actx, &plans)
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == chain.FailNotIssuable {
		ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.TrainingsStarted, At: workflow.Now(ctx), By: "system"}
		return r.record(ctx, chain.Transition{Events: []chain.Event{ev}}.Incident(workflow.Now(ctx), app.Message(), false))
	}
	if err != nil {
		return err
	}
	var started []string
	for _, in := range plans {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            in.ID,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		})
		// Waiting for the start, not the end: the case may close once its runs exist.
		if err := workflow.ExecuteChildWorkflow(cctx, training.WorkflowName, in).GetChildWorkflowExecution().Get(cctx, nil); err != nil {
			return err
		}
		started = append(started, in.ID)
	}
	ev := chain.Event{CaseID: r.s.CaseID, Kind: chain.TrainingsStarted, At: workflow.Now(ctx), By: "system", Trainings: started}
	return r.record(ctx, chain.Transition{Events: []chain.Event{ev}})
}
