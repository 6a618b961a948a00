package caseops

import (
	"context"
	"fmt"

	"github.com/skflow/skflow/training"
)

// The training runs of the angkatan, through the same bounded Updates as the cases'.

// TrainingStatus is a run's state as its workflow holds it.
func (o *Ops) TrainingStatus(ctx context.Context, id string) (training.RunState, error) {
	var s training.RunState
	v, err := o.tc.QueryWorkflow(ctx, id, "", training.QueryStatus)
	if err == nil {
		err = v.Get(&s)
	}
	if err != nil {
		return s, fmt.Errorf("status of training %s: %w", id, plain(id, err))
	}
	return s, nil
}

// Confirm records a participant's confirmation with their registration form.
func (o *Ops) Confirm(ctx context.Context, id string, c training.Confirmation) (training.RunState, error) {
	var s training.RunState
	err := o.update(ctx, id, training.UpdateConfirm, fmt.Sprintf("confirm:%s:%s", id, c.NIP), c, &s)
	return s, wrapTraining(err, "confirmation of "+c.NIP, id)
}

// Record records an activity for some participants; updateID makes a repeat one recording.
func (o *Ops) Record(ctx context.Context, id, updateID string, r training.Recording) (training.RunState, error) {
	var s training.RunState
	err := o.update(ctx, id, training.UpdateRecord, updateID, r, &s)
	return s, wrapTraining(err, r.Activity, id)
}

// Remedial records a deferred participant's one remedial.
func (o *Ops) Remedial(ctx context.Context, id string, r training.RemedialScore) (training.RunState, error) {
	var s training.RunState
	err := o.update(ctx, id, training.UpdateRemedial, fmt.Sprintf("remedial:%s:%s", id, r.NIP), r, &s)
	return s, wrapTraining(err, "remedial of "+r.NIP, id)
}

func wrapTraining(err error, what, id string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s in training %s: %w", what, id, err)
}
