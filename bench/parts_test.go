package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/sop"
)

// BenchmarkDecisionParts splits a decision made alone (one at a time, nothing else running)
// into its parts, on the same embedded system the bench command runs:
//
//	update         a workflow Update that changes the workflow's state and answers: the
//	               server's admission and one workflow task
//	update-la-row  the same with a local activity writing one row: the recorded floor
//	update-la-row-timer
//	               the same, the workflow then cancelling its timer and starting another, as a
//	               decision moves its case's reminder to the next step
//	apply          the store's transaction for a decision (the step decided, the next one
//	               opened, both in the audit log), without Temporal
//	status         a status query, which the web and the CLI sent before each decision until
//	               the answer told a repeat itself
//	decide         skflow's decision through caseops, answered with the next task; a case's
//	               next is decided once its last decision's work (its trainings planned, its
//	               run closed) is done, as no other work runs beside the other parts
//
// Each reports the mean (ns/op), p50-ms, p99-ms and, where a workflow runs, its history
// events per request.
//
//	go test ./bench -run '^$' -bench DecisionParts -benchtime 300x
func BenchmarkDecisionParts(b *testing.B) {
	ctx := context.Background()
	sys, stop, err := embedded(ctx, "", 7320, 5520, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(stop)
	stopFloors, err := startFloors(ctx, sys.Client, sys.Store)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(stopFloors)
	ops := caseops.New(sys.Client, sys.Config.Temporal.TaskQueue)
	def := sop.Default()
	runs := 0
	name := func(part string) string {
		runs++
		return fmt.Sprintf("parts-%s-%d-%s", part, runs, time.Now().Format("150405"))
	}

	for kind, part := range []string{floorAlone: "update", floorRow: "update-la-row", floorTimer: "update-la-row-timer"} {
		b.Run(part, func(b *testing.B) {
			id := name(part)
			if err := startFloor(ctx, sys.Client, id, b.N+1, floorKind(kind)); err != nil {
				b.Fatal(err)
			}
			if _, err := floorStep(ctx, sys.Client, id, 0); err != nil { // the first workflow task, not timed
				b.Fatal(err)
			}
			took := timed(b, func(i int) (time.Duration, error) { return floorStep(ctx, sys.Client, id, i+1) })
			report(b, took, historyLen(ctx, b, sys.Client, id), b.N+1)
		})
	}

	b.Run("apply", func(b *testing.B) {
		var id string
		took := timed(b, func(i int) (time.Duration, error) {
			k := i % (len(def.Steps) - 1)
			if k == 0 {
				id = name("apply")
				if err := sys.Store.Apply(ctx, storeStart(id, def)); err != nil {
					return 0, err
				}
			}
			t := storeDecision(id, def, k)
			t0 := time.Now()
			err := sys.Store.Apply(ctx, t)
			return time.Since(t0), err
		})
		report(b, took, 0, 0)
	})

	b.Run("status", func(b *testing.B) {
		ids, err := startCases(ctx, sys, ops, name("status"), 1)
		if err != nil {
			b.Fatal(err)
		}
		took := timed(b, func(int) (time.Duration, error) {
			t0 := time.Now()
			_, err := ops.Status(ctx, ids[0])
			return time.Since(t0), err
		})
		report(b, took, 0, 0)
	})

	b.Run("decide", func(b *testing.B) {
		steps := len(def.Steps)
		ids, err := startCases(ctx, sys, ops, name("decide"), (b.N+steps-1)/steps)
		if err != nil {
			b.Fatal(err)
		}
		dc := &decider{ops: ops, st: sys.Store, def: def, drafts: map[string]string{}}
		for _, id := range ids {
			if err := dc.prepare(id); err != nil {
				b.Fatal(err)
			}
		}
		before := historyLen(ctx, b, sys.Client, ids[0])
		took := timed(b, func(i int) (time.Duration, error) {
			d, err := dc.step(ids[i/steps], i%steps)
			if err == nil && i%steps == steps-1 {
				// A completed case plans its trainings and closes: the next case's decisions
				// wait for that, untimed, so that each is made alone.
				err = sys.Client.GetWorkflow(ctx, ids[i/steps], "").Get(ctx, nil)
			}
			return d, err
		})
		events := 0
		if b.N >= steps {
			events = historyLen(ctx, b, sys.Client, ids[0]) - before
		}
		report(b, took, events, steps)
	})
}

// timed runs one b.N times and returns the durations it measured, sorted.
func timed(b *testing.B, one func(i int) (time.Duration, error)) []time.Duration {
	took := make([]time.Duration, b.N)
	for i := range b.N {
		d, err := one(i)
		if err != nil {
			b.Fatal(err)
		}
		took[i] = d
	}
	slices.Sort(took)
	return took
}

// report states the measured durations as the benchmark's mean and percentiles, and events
// (a workflow's history length) per request when given.
func report(b *testing.B, took []time.Duration, events, requests int) {
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(took)), "ns/op")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	if requests > 0 && events > 0 {
		b.ReportMetric(float64(events)/float64(requests), "events/request")
	}
}

func historyLen(ctx context.Context, b *testing.B, c client.Client, id string) int {
	it := c.GetWorkflowHistory(ctx, id, "", false, 0)
	n := 0
	for it.HasNext() {
		if _, err := it.Next(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// storeStart and storeDecision are the transitions a case's workflow records at its start and
// at its k-th decision (an agreement), for the store alone.
func storeStart(id string, def *sop.Definition) chain.Transition {
	now := time.Now()
	return chain.Transition{Events: []chain.Event{
		{CaseID: id, Kind: chain.CaseStarted, At: now, By: "bench", Case: &chain.CaseFacts{Title: "bench", DefinitionID: def.ID,
			Version: def.Version, Deadline: now.AddDate(0, 0, 51), DeadlineDays: 51, Steps: len(def.Steps)}},
		{CaseID: id, Kind: chain.StepOpened, At: now, Task: storeTask(def, 0, now)},
	}}
}

func storeDecision(id string, def *sop.Definition, k int) chain.Transition {
	now := time.Now()
	t := storeTask(def, k, now.Add(-time.Minute))
	rec := chain.DecisionRecord{Task: *t, Action: chain.Agree, Actor: chain.Actor{NIP: "bench-" + t.Role, Role: t.Role},
		DecidedAt: now, WorkingMinutes: 1, UpdateID: fmt.Sprintf("%s/%d", id, k)}
	return chain.Transition{Events: []chain.Event{
		{CaseID: id, Kind: chain.StepDecided, At: now, Task: t, Decision: &rec},
		{CaseID: id, Kind: chain.StepOpened, At: now, Task: storeTask(def, k+1, now)},
	}}
}

func storeTask(def *sop.Definition, k int, opened time.Time) *chain.Task {
	s := def.Steps[k]
	due := opened.Add(time.Duration(s.StandardMinutes()) * time.Minute)
	return &chain.Task{Step: s.Number, Attempt: 1, Role: s.Role, OpenedAt: opened, DueAt: &due, StandardMinutes: s.StandardMinutes()}
}
