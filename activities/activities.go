// Package activities carries out a case's side effects: every transition the workflow records
// is written to the store in one transaction, idempotently, and a signed decree is issued once.
// It knows no screen.
package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/esign"
	"github.com/skflow/skflow/intake"
	"github.com/skflow/skflow/publish"
	"github.com/skflow/skflow/store"
)

// Recorder is where transitions go; *store.Store is the real one.
type Recorder interface {
	Apply(ctx context.Context, t chain.Transition) error
}

// Issuer issues a signed case's decree; *publish.Publisher is the real one.
type Issuer interface {
	Issue(ctx context.Context, caseID string) (store.Decree, error)
}

// Activities are registered on the worker under the contract's names.
type Activities struct {
	Store  Recorder
	Issuer Issuer
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

// Issue issues the decree of a signed case, or returns the one already issued. A case that
// has no decree to issue (not in the store, no numbered signature, no participants, a signed
// upload that takes no signature) will not get one by retrying; anything else (the database, the signing service) is retried.
func (a *Activities) Issue(ctx context.Context, r chain.IssueRequest) (chain.IssuedDecree, error) {
	if a.Issuer == nil {
		return chain.IssuedDecree{}, errors.New("this worker has no decree issuer configured")
	}
	d, err := a.Issuer.Issue(ctx, r.CaseID)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, publish.ErrNotSigned), errors.Is(err, intake.ErrNoCandidates),
		errors.Is(err, esign.ErrNotSignable):
		return chain.IssuedDecree{}, temporal.NewNonRetryableApplicationError(err.Error(), chain.FailNotIssuable, err)
	case err != nil:
		return chain.IssuedDecree{}, err
	}
	return chain.IssuedDecree{Number: d.Number, SHA256: d.SHA256}, nil
}

// Register adds the activities to a worker.
func Register(r worker.ActivityRegistry, a *Activities) {
	r.RegisterActivityWithOptions(a.Record, activity.RegisterOptions{Name: chain.ActivityRecord})
	r.RegisterActivityWithOptions(a.Issue, activity.RegisterOptions{Name: chain.ActivityIssue})
}
