package main

// The floors skflow's decision is measured against: what the least durable, recorded decision
// costs on the same server and database. "Update alone" is a workflow Update that changes the
// workflow's state and returns; "Update + local activity + row" also writes one row through a
// local activity before it answers, as a recorded decision must. The third, "... + timer",
// also cancels a timer and starts another, as a decision moves its case's reminder to the
// next step: the least a recorded decision costs where each step reminds its official.

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/skflow/skflow/store"
)

const floorQueue = "bench-floor"

// floorKind is what a floor's Update does besides changing the workflow's state.
type floorKind int

const (
	floorAlone floorKind = iota
	floorRow             // writes one row through a local activity before it answers
	floorTimer           // writes the row; the workflow then sets its timer again
)

// floorTimeout is the floor's timer: far enough off never to fire while the bench runs.
const floorTimeout = 24 * time.Hour

// floorWorkflow takes steps Updates named "step" and ends; from floorRow on, each Update first
// writes its row through a local activity; with floorTimer one timer is pending at a time,
// cancelled and started again after each Update, as a case's reminder is.
func floorWorkflow(ctx workflow.Context, steps int, kind floorKind) error {
	done := 0
	if err := workflow.SetUpdateHandler(ctx, "step", func(ctx workflow.Context, n int) (int, error) {
		if kind >= floorRow {
			lao := workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}
			if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, lao), "RecordRow",
				workflow.GetInfo(ctx).WorkflowExecution.ID, n).Get(ctx, nil); err != nil {
				return 0, err
			}
		}
		done++
		return done, nil
	}); err != nil {
		return err
	}
	if kind < floorTimer {
		return workflow.Await(ctx, func() bool { return done >= steps })
	}
	for done < steps {
		tctx, cancel := workflow.WithCancel(ctx)
		workflow.NewTimer(tctx, floorTimeout)
		seen := done
		err := workflow.Await(ctx, func() bool { return done > seen })
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// floorRows is the local activity's one row per Update, idempotent on its key.
type floorRows struct{ st *store.Store }

func (f *floorRows) RecordRow(ctx context.Context, id string, n int) error {
	_, err := f.st.DB().ExecContext(ctx, `INSERT INTO bench_floor (id, n, at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`, id, n)
	return err
}

// startFloors runs the floor workflows' worker beside the system's.
func startFloors(ctx context.Context, c client.Client, st *store.Store) (func(), error) {
	if _, err := st.DB().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_floor (id text, n int, at timestamptz, PRIMARY KEY (id, n))`); err != nil {
		return nil, fmt.Errorf("floor table: %w", err)
	}
	w := worker.New(c, floorQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(floorWorkflow, workflow.RegisterOptions{Name: "FloorWorkflow"})
	w.RegisterActivity(&floorRows{st: st})
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w.Stop, nil
}

// startFloor starts one floor workflow that takes steps Updates.
func startFloor(ctx context.Context, c client.Client, id string, steps int, kind floorKind) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: floorQueue}, "FloorWorkflow", steps, kind)
	return err
}

// floorStep sends a floor workflow its step-th Update and waits for the answer.
func floorStep(ctx context.Context, c client.Client, id string, step int) (time.Duration, error) {
	t0 := time.Now()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "step", Args: []any{step},
		UpdateID: fmt.Sprintf("%s/%d", id, step), WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return time.Since(t0), err
}

// floor drives n floor workflows through steps Updates each, concurrently. A first Update,
// not timed, has every workflow through its first task, as skflow's cases are (their starts
// are recorded) before their decisions are timed; meter measures the timed Updates alone, as
// it does skflow's decisions.
func floor(ctx context.Context, c client.Client, meter cpuMeter, n, steps int, kind floorKind, label string) (result, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("floor-%s-%s-%03d", label, time.Now().Format("150405"), i)
		if err := startFloor(ctx, c, ids[i], steps+1, kind); err != nil {
			return result{}, err
		}
	}
	if _, err := drive(ids, 1, func(id string, _ int) (time.Duration, error) { return floorStep(ctx, c, id, 0) }); err != nil {
		return result{}, err
	}
	return meter.measure(func() (result, error) {
		return drive(ids, steps, func(id string, step int) (time.Duration, error) { return floorStep(ctx, c, id, step+1) })
	})
}
