package storetest

import (
	"time"

	"github.com/skflow/skflow/chain"
)

// Started is the transition that records case id started at at, its first step open at the
// Kabid with a mutu baku of 30 minutes.
func Started(id string, at time.Time) chain.Transition {
	due := at.Add(30 * time.Minute)
	return chain.Transition{Events: []chain.Event{
		{CaseID: id, Kind: chain.CaseStarted, At: at, By: "operator", Case: &chain.CaseFacts{
			Title: "Latsar 2026", DefinitionID: "latsar", Version: 1, Deadline: at.AddDate(0, 0, 51), DeadlineDays: 51, Steps: 15}},
		{CaseID: id, Kind: chain.StepOpened, At: at, Task: &chain.Task{Step: 1, Attempt: 1, Role: "kabid", OpenedAt: at, DueAt: &due, StandardMinutes: 30}},
	}}
}

// Decided is the Kabid's agreement at at to the first step of a case started at start (20
// working minutes), which opens the second step.
func Decided(id string, start, at time.Time) chain.Transition {
	return Step(id, 1, start, at)
}

// Step is the agreement at at to step n of a case, opened at opened (20 working minutes),
// which opens step n+1: a decision's transition, as the workflow records it. The roles take
// turns, so consecutive steps are not the same role's.
func Step(id string, n int, opened, at time.Time) chain.Transition {
	roles := [...]string{"kabid", "analis"}
	task := chain.Task{Step: n, Attempt: 1, Role: roles[(n-1)%2], OpenedAt: opened}
	rec := chain.DecisionRecord{Task: task, Action: chain.Agree, Actor: chain.Actor{NIP: "197001012000031001", Role: task.Role, OnBehalfOf: "Pak Kabid"},
		DecidedAt: at, WorkingMinutes: 20}
	return chain.Transition{Events: []chain.Event{
		{CaseID: id, Kind: chain.StepDecided, At: at, Task: &task, Decision: &rec},
		{CaseID: id, Kind: chain.StepOpened, At: at, Task: &chain.Task{Step: n + 1, Attempt: 1, Role: roles[n%2], OpenedAt: at}},
	}}
}

// Completed is the agreement at at to step n of a case, opened at opened, as its last step:
// the decision and the case's completion, which queues the case's deliveries.
func Completed(id string, n int, opened, at time.Time) chain.Transition {
	t := Step(id, n, opened, at)
	t.Events[1] = chain.Event{CaseID: id, Kind: chain.CaseCompleted, At: at}
	return t
}
