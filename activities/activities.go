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
	"github.com/skflow/skflow/training"
)

// Recorder is where transitions go; *store.Store is the real one.
type Recorder interface {
	Apply(ctx context.Context, t chain.Transition) error
}

// Issuer issues a signed case's decree; *publish.Publisher is the real one.
type Issuer interface {
	Issue(ctx context.Context, caseID string) (store.Decree, error)
}

// TrainingStore keeps the training runs; *store.Store is the real one.
type TrainingStore interface {
	ApplyTraining(ctx context.Context, t training.Transition) error
	Case(ctx context.Context, id string) (store.Case, error)
	Participants(ctx context.Context, caseID string) ([]store.CandidateRow, error)
}

// Certifier issues a finished run's certificates; *publish.Publisher is the real one.
type Certifier interface {
	Certificates(ctx context.Context, s training.RunState, def *training.Definition) ([]training.Document, error)
}

// Activities are registered on the worker under the contract's names.
type Activities struct {
	Store  Recorder
	Issuer Issuer
	// The training after the SK: its definition (nil: none is run), where runs are kept and
	// who certifies them.
	Training  *training.Definition
	Trainings TrainingStore
	Certifier Certifier
}

// Record writes a transition. A transition naming rows that do not exist, or data the database
// refuses, will not get better with retries and fails at once, so the workflow can record an
// incident; anything else, such as the database being down, is retried.
func (a *Activities) Record(ctx context.Context, t chain.Transition) error {
	return refusable(a.Store.Apply(ctx, t))
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

// RecordTraining writes a training run's step, as Record writes a case's.
func (a *Activities) RecordTraining(ctx context.Context, t training.Transition) error {
	return refusable(a.Trainings.ApplyTraining(ctx, t))
}

// PlanTrainings makes the runs a completed case starts: one per angkatan of the participants
// its signed decree froze, on the configured training definition. A case without them, or a
// worker without a training, has nothing to plan; that will not change with retries.
func (a *Activities) PlanTrainings(ctx context.Context, caseID string) ([]training.RunInput, error) {
	notPlanned := func(msg string) error {
		return temporal.NewNonRetryableApplicationError(msg, chain.FailNotIssuable, nil)
	}
	if a.Training == nil || a.Trainings == nil {
		return nil, notPlanned("this worker runs no training after the SK")
	}
	c, err := a.Trainings.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	ps, err := a.Trainings.Participants(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var plans []training.RunInput
	for _, p := range ps {
		if !p.Eligible || p.Group == nil || p.Batch == nil {
			continue
		}
		id := training.RunID(caseID, *p.Group, *p.Batch)
		if n := len(plans); n == 0 || plans[n-1].ID != id {
			plans = append(plans, training.RunInput{ID: id, CaseID: caseID, Title: c.Title, Group: *p.Group, Batch: *p.Batch, Definition: *a.Training})
		}
		in := &plans[len(plans)-1]
		in.Members = append(in.Members, training.Member{NIP: p.NIP, Name: p.Name, Position: p.Position, OPD: p.OPD, Golongan: p.Golongan})
	}
	if len(plans) == 0 {
		return nil, notPlanned("case " + caseID + " has no participants to train")
	}
	return plans, nil
}

// IssueCertificates issues a finished run's certificates once.
func (a *Activities) IssueCertificates(ctx context.Context, r training.CertificateRequest) ([]training.Document, error) {
	if a.Certifier == nil {
		return nil, errors.New("this worker has no certificate issuer configured")
	}
	return a.Certifier.Certificates(ctx, r.Run, &r.Definition)
}

// refusable turns the store's refusals into failures the workflow does not retry.
func refusable(err error) error {
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
	r.RegisterActivityWithOptions(a.Issue, activity.RegisterOptions{Name: chain.ActivityIssue})
	r.RegisterActivityWithOptions(a.RecordTraining, activity.RegisterOptions{Name: training.ActivityRecord})
	r.RegisterActivityWithOptions(a.PlanTrainings, activity.RegisterOptions{Name: training.ActivityPlan})
	r.RegisterActivityWithOptions(a.IssueCertificates, activity.RegisterOptions{Name: training.ActivityIssue})
}
