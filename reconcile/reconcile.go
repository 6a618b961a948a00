// Package reconcile finds cases that skflow's records call running although their workflow has
// closed outside skflow: terminated, timed out, failed or reset from Temporal's own tools, or
// gone from Temporal after its retention. Each is recorded as stopped ("dihentikan di luar
// skflow"), with the audit log saying how, so no dead case shows as running and no task of it
// waits in an inbox. The workflow stays the authority: a case is only marked when Temporal
// says its latest run is closed, and the mark applies only while the records still say running.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
)

// Reconciler compares the records with Temporal.
type Reconciler struct {
	Store  *store.Store
	Client client.Client
	// Grace skips cases started this recently: a workflow just started may not be visible yet.
	Grace time.Duration
}

// Stopped is one case recorded as stopped outside skflow.
type Stopped struct {
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
}

// Once checks every running case once and records those whose workflow is closed.
func (r *Reconciler) Once(ctx context.Context) ([]Stopped, error) {
	ids, err := r.Store.RunningCases(ctx, r.Grace)
	if err != nil {
		return nil, err
	}
	var out []Stopped
	for _, id := range ids {
		reason, at, closed, err := r.closedOutside(ctx, id)
		if err != nil {
			return out, err
		}
		if !closed {
			continue
		}
		ev := chain.Event{CaseID: id, Kind: chain.CaseStoppedOutside, At: at, Reason: reason, By: "reconciler"}
		err = r.Store.Apply(ctx, chain.Transition{Events: []chain.Event{ev}})
		if errors.Is(err, store.ErrInvalidTransition) {
			continue // the workflow's own record landed first
		}
		if err != nil {
			return out, fmt.Errorf("record case %s stopped: %w", id, err)
		}
		out = append(out, Stopped{CaseID: id, Reason: reason})
	}
	return out, nil
}

func (r *Reconciler) closedOutside(ctx context.Context, id string) (reason string, at time.Time, closed bool, err error) {
	d, err := r.Client.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return "dihentikan di luar skflow: alur kerjanya tidak ada lagi di Temporal", time.Now(), true, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("describe workflow of case %s: %w", id, err)
	}
	info := d.GetWorkflowExecutionInfo()
	status := info.GetStatus()
	if status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING || status == enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
		return "", time.Time{}, false, nil
	}
	at = time.Now()
	if ct := info.GetCloseTime(); ct != nil {
		at = ct.AsTime()
	}
	word := strings.ToLower(strings.TrimPrefix(status.String(), "WORKFLOW_EXECUTION_STATUS_"))
	return "dihentikan di luar skflow (Temporal: " + word + ")", at, true, nil
}

// Run checks every interval until ctx ends; report hears after every round, of the cases it
// stopped and its failure, if any, so the caller can do its own periodic work there too.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration, report func([]Stopped, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		stopped, err := r.Once(ctx)
		if ctx.Err() != nil {
			return
		}
		report(stopped, err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
