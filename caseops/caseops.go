// Package caseops is the callers' side of a case: start it, decide its open step, cancel it
// and read its status through Temporal, with the workflow's rejections turned into plain errors.
// The CLI and the web app use it; it knows no screen and no database.
package caseops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/i18n"
)

// Rejection is a request the case refused; Type is one of chain.Reject*.
type Rejection struct {
	Type    string
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// Text says the rejection to a person in p's language: the catalogue's sentence for its type
// (with the text's problem for a text refused), or the workflow's own message for a type the
// catalogue does not name.
func (r *Rejection) Text(p *i18n.Printer) string {
	key := "refusal." + r.Type
	if !p.Has(key) {
		return r.Message
	}
	if r.Type == chain.RejectBadText {
		return p.T(key, r.Message)
	}
	return p.T(key)
}

// ErrNoCase means no case has the given ID in Temporal.
var ErrNoCase = errors.New("no such case")

// ErrNotTaken means no worker took the request in time. The server may still hand it to a
// worker that comes back; sending it again under the same key is safe.
var ErrNotTaken = errors.New("worker tidak menjawab; keputusan belum diterima (apakah worker berjalan?). " +
	"Mengirim ulang aman: keputusan tidak akan tercatat dua kali")

// ErrNotYetRecorded means the case accepted the request but could not record it in time,
// usually because the database is unreachable; it is recorded as soon as the database returns.
var ErrNotYetRecorded = errors.New("permintaan diterima berkas tetapi belum tercatat; akan tercatat begitu basis data kembali")

// Ops runs case operations against one Temporal namespace and task queue.
type Ops struct {
	tc        client.Client
	taskQueue string
	// Wait bounds how long a request waits to be taken by a worker, and then to be recorded;
	// a person waiting on a page must get an answer. 0 means 15 seconds each.
	Wait time.Duration
}

// New wraps a connected Temporal client.
func New(tc client.Client, taskQueue string) *Ops { return &Ops{tc: tc, taskQueue: taskQueue} }

func (o *Ops) wait() time.Duration {
	if o.Wait > 0 {
		return o.Wait
	}
	return 15 * time.Second
}

// NewCaseID makes a readable, unique case ID: the definition's first word, the local date and
// six random hex digits (latsar-20261122-3f9a1c).
func NewCaseID(definitionID string, now time.Time) string {
	prefix, _, _ := strings.Cut(definitionID, "-")
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s-%s", prefix, now.Format("20060102"), hex.EncodeToString(b))
}

// Start starts a case; the case ID is the workflow ID and can never be used again.
func (o *Ops) Start(ctx context.Context, in chain.CaseInput) error {
	if err := chain.CheckStart(in); err != nil {
		return fmt.Errorf("start case: %w", err)
	}
	_, err := o.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    in.CaseID,
		TaskQueue:             o.taskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, chain.WorkflowName, in)
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &exists) {
		return fmt.Errorf("start case %s: a case with this ID already exists", in.CaseID)
	}
	if err != nil {
		return fmt.Errorf("start case %s: %w", in.CaseID, err)
	}
	return nil
}

// Decide sends a decision and waits until it is recorded. The update ID is the idempotency
// key: the same ID sent twice is one decision with one answer.
func (o *Ops) Decide(ctx context.Context, caseID, updateID string, d chain.Decision) (chain.DecisionResult, error) {
	var res chain.DecisionResult
	err := o.update(ctx, caseID, chain.UpdateDecide, updateID, d, &res)
	if err != nil {
		return res, fmt.Errorf("decide step %d of case %s: %w", d.Step, caseID, err)
	}
	return res, nil
}

// Outcome is a decision's answer and whether it was made before, by an earlier request with
// the same key (a double submit, a command run twice): then nothing new was decided.
type Outcome struct {
	chain.DecisionResult
	Repeat bool `json:"repeat"`
}

// DecideOnce decides unless the case already holds a decision made under updateID; the key
// should name what the person acted on (the attempt they saw), so a repeat is recognised by
// the workflow itself, never by a table that may lag it. It is one Update: Temporal (or the
// workflow, after a continue-as-new) answers a repeated key with the first decision's answer,
// which names the sending that made it, not this one.
func (o *Ops) DecideOnce(ctx context.Context, caseID, updateID string, d chain.Decision) (Outcome, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return Outcome{}, fmt.Errorf("decide step %d of case %s: %w", d.Step, caseID, err)
	}
	d.Request = hex.EncodeToString(nonce)
	res, err := o.Decide(ctx, caseID, updateID, d)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{DecisionResult: res, Repeat: res.Request != d.Request}, nil
}

// Cancel stops a case for the given reason.
func (o *Ops) Cancel(ctx context.Context, caseID, updateID string, c chain.Cancellation) (chain.State, error) {
	var s chain.State
	if err := o.update(ctx, caseID, chain.UpdateCancel, updateID, c, &s); err != nil {
		return s, fmt.Errorf("cancel case %s: %w", caseID, err)
	}
	return s, nil
}

// Output gives the case an artefact a step produces.
func (o *Ops) Output(ctx context.Context, caseID string, out chain.Output) (chain.State, error) {
	var s chain.State
	if err := o.update(ctx, caseID, chain.UpdateOutput, fmt.Sprintf("output:%s:%s:%s", caseID, out.Artefact, out.SHA256), out, &s); err != nil {
		return s, fmt.Errorf("%s of case %s: %w", out.Artefact, caseID, err)
	}
	return s, nil
}

// Calendar brings a running case onto a new version of the working calendar; a case already
// on it (or a newer one) refuses with chain.RejectStaleCalendar.
func (o *Ops) Calendar(ctx context.Context, caseID string, c chain.CalendarChange) (chain.State, error) {
	var s chain.State
	if err := o.update(ctx, caseID, chain.UpdateCalendar, fmt.Sprintf("calendar:%s:%d", caseID, c.Version), c, &s); err != nil {
		return s, fmt.Errorf("calendar version %d for case %s: %w", c.Version, caseID, err)
	}
	return s, nil
}

// Version makes a stored version of the draft the case's current one; from the first review on
// the draft climbs again from there.
func (o *Ops) Version(ctx context.Context, caseID string, rev chain.Revision) (chain.State, error) {
	var s chain.State
	if err := o.update(ctx, caseID, chain.UpdateVersion, fmt.Sprintf("version:%s:%d:%s", caseID, rev.Version, rev.SHA256), rev, &s); err != nil {
		return s, fmt.Errorf("new version %d of case %s: %w", rev.Version, caseID, err)
	}
	return s, nil
}

// update sends an Update in two bounded waits, so the caller learns which part failed: no
// worker took it in time (nothing decided yet), or the case took it and has not recorded it yet
// (it will).
func (o *Ops) update(ctx context.Context, caseID, name, updateID string, arg, out any) error {
	actx, cancel := context.WithTimeout(ctx, o.wait())
	defer cancel()
	h, err := o.tc.UpdateWorkflow(actx, client.UpdateWorkflowOptions{
		WorkflowID:   caseID,
		UpdateName:   name,
		UpdateID:     updateID,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		if timedOut(actx, ctx, err) {
			return ErrNotTaken
		}
		return plain(caseID, err)
	}
	gctx, cancel := context.WithTimeout(ctx, o.wait())
	defer cancel()
	if err := h.Get(gctx, out); err != nil {
		if timedOut(gctx, ctx, err) {
			return ErrNotYetRecorded
		}
		return plain(caseID, err)
	}
	return nil
}

// timedOut reports whether a wait ended on its own bound (the server may answer just before
// the context's deadline does), not on the caller's.
func timedOut(bounded, caller context.Context, err error) bool {
	var wait *client.WorkflowUpdateServiceTimeoutOrCanceledError
	return caller.Err() == nil && (bounded.Err() != nil || errors.As(err, &wait))
}

// Status asks the running (or recently closed) case where it is. Right after a worker restart
// a query can reach the old worker's sticky queue and come back cancelled by the server; that
// is retried a few times before it is reported.
func (o *Ops) Status(ctx context.Context, caseID string) (chain.State, error) {
	var s chain.State
	var err error
	for try := 0; try < 5; try++ {
		var v converter.EncodedValue
		if v, err = o.tc.QueryWorkflow(ctx, caseID, "", chain.QueryStatus); err == nil {
			err = v.Get(&s)
		}
		var cancelled *serviceerror.Canceled
		if err == nil || !errors.As(err, &cancelled) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	if err != nil {
		return s, fmt.Errorf("status of case %s: %w", caseID, plain(caseID, err))
	}
	return s, nil
}

// plain turns Temporal's errors into what a person can act on.
func plain(caseID string, err error) error {
	if err == nil {
		return nil
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return &Rejection{Type: app.Type(), Message: app.Message()}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %s", ErrNoCase, caseID)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (%w)", ErrNotTaken, err)
	}
	return err
}
