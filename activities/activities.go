// Package activities carries out a case's side effects against the store: every transition the
// workflow records is written in one transaction, idempotently. It knows no screen.
package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/store"
)

// Recorder is where transitions go; *store.Store is the real one.
type Recorder interface {
	Apply(ctx context.Context, t chain.Transition) error
}

// Activities are registered on the worker under the contract's names.
type Activities struct {
	Store Recorder
}

// Record writes a transition. A transition naming rows that do not exist, or data the database
// refuses, will not get better with retries and fails at once, so the workflow can record an
// incident; anything else, such as the database being down, is retried.
func (a *Activities) Record(ctx context.Context, t chain.Transition) error {
	err := a.Store.Apply(ctx, t)
	switch {
	case errors.Is(err, store.ErrInvalidTransition):
		return temporal.NewNonRetryableApplicationError(err.Error(), chain.FailInvalidTransition, err)
	case errors.Is(err, store.ErrDataRejected):
		return temporal.NewNonRetryableApplicationError(err.Error(), chain.FailDataRejected, err)
	}
	return err
}

// Register adds the activities to a worker.
func Register(r worker.ActivityRegistry, a *Activities) {
	r.RegisterActivityWithOptions(a.Record, activity.RegisterOptions{Name: chain.ActivityRecord})
}
