package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
)

// Each floor does what its name says for every Update: the recorded ones write one row, and
// only the timed one cancels its timer and starts another (the last timer ends with the run).
func TestTheFloorsDoWhatTheyAreNamedFor(t *testing.T) {
	const steps = 3
	for _, c := range []struct {
		kind                   floorKind
		rows, started, stopped int
	}{
		{floorAlone, 0, 0, 0},
		{floorRow, steps, 0, 0},
		{floorTimer, steps, steps, steps - 1},
	} {
		t.Run(fmt.Sprint(c.kind), func(t *testing.T) {
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			rows, started, stopped := 0, 0, 0
			env.RegisterWorkflow(floorWorkflow)
			env.RegisterActivityWithOptions(func(context.Context, string, int) error { rows++; return nil },
				activity.RegisterOptions{Name: "RecordRow"})
			env.SetOnTimerScheduledListener(func(string, time.Duration) { started++ })
			env.SetOnTimerCanceledListener(func(string) { stopped++ })
			for i := range steps {
				env.RegisterDelayedCallback(func() {
					env.UpdateWorkflow("step", fmt.Sprint(i), &testsuite.TestUpdateCallback{
						OnReject:   func(err error) { t.Errorf("step %d rejected: %v", i, err) },
						OnAccept:   func() {},
						OnComplete: func(_ any, err error) {},
					}, i)
				}, time.Duration(i+1)*time.Minute)
			}
			env.ExecuteWorkflow(floorWorkflow, steps, c.kind)
			if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
				t.Fatalf("the floor did not complete: %v", env.GetWorkflowError())
			}
			if rows != c.rows || started != c.started || stopped != c.stopped {
				t.Errorf("rows %d, timers started %d and cancelled %d; want %d, %d, %d",
					rows, started, stopped, c.rows, c.started, c.stopped)
			}
		})
	}
}
