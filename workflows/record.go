package workflows

// Bookkeeping writes: every transition goes to the store through one activity, first local,
// then server-side; what the store can never take becomes an incident.

import (
	"errors"
	"fmt"
	"math"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/chain"
)

// A bookkeeping write is tried first as a local activity: in-process, no extra workflow task.
// It gives up after a short while, because while a local activity retries the workflow task
// heartbeats and every heartbeat adds history; the write then moves to a server-side activity,
// whose retries add none however long the database is down, and whose short backoff lands the
// write within seconds of the database's return.
var (
	localRecord = workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: 20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        500 * time.Millisecond,
			BackoffCoefficient:     2,
			MaximumInterval:        4 * time.Second,
			NonRetryableErrorTypes: unrecordable,
		},
	}
	remoteRecord = workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Second,
			// Unlimited in effect (centuries at the longest interval); stated, because the SDK's
			// test environment caps an unset limit at ten attempts.
			MaximumAttempts:        math.MaxInt32,
			NonRetryableErrorTypes: unrecordable,
		},
	}
	// unrecordable failures will not get better with retries: the transition names a case or
	// task the store does not have, or the database refuses its data.
	unrecordable = []string{chain.FailInvalidTransition, chain.FailDataRejected}
)

// record writes a transition from the coroutine that owns ctx. A cancellation of the run does
// not interrupt a write: what happened is recorded before the run closes. A transition the
// store can never take becomes an incident on the case instead of a wedge.
func (r *run) record(ctx workflow.Context, t chain.Transition) error {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	err := r.write(ctx, t)
	if err == nil || !unrecordableFailure(err) {
		return err
	}
	if !r.changed(changeIncident) {
		return err
	}
	var app *temporal.ApplicationError
	errors.As(err, &app)
	incident := t.Incident(workflow.Now(ctx), app.Message(), app.Type() == chain.FailDataRejected)
	if ierr := r.write(ctx, incident); ierr != nil {
		// The case goes on whatever the store says: the workflow is its authority.
		workflow.GetLogger(ctx).Error("incident could not be recorded", "case", r.s.CaseID, "err", ierr, "cause", err)
	}
	return nil
}

func (r *run) write(ctx workflow.Context, t chain.Transition) error {
	lctx := workflow.WithLocalActivityOptions(ctx, localRecord)
	err := workflow.ExecuteLocalActivity(lctx, chain.ActivityRecord, t).Get(lctx, nil)
	if err != nil && !unrecordableFailure(err) &&
		r.changed(changeRecordFallback) {
		actx := workflow.WithActivityOptions(ctx, remoteRecord)
		err = workflow.ExecuteActivity(actx, chain.ActivityRecord, t).Get(actx, nil)
	}
	if err != nil {
		return fmt.Errorf("record %s: %w", t.Events[0].Kind, err)
	}
	return nil
}

func unrecordableFailure(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && (app.Type() == chain.FailInvalidTransition || app.Type() == chain.FailDataRejected)
}
