package workflows

import (
	"testing"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// A run on the baseline holds the changes made before it without asking, and asks about a
// change made after it, so a run already on the baseline when that change lands keeps the
// behaviour its history recorded. A run from before the baseline asks about every change.
func TestTheBaselineHoldsOnlyTheChangesBeforeIt(t *testing.T) {
	const later = "a-change-after-the-baseline"
	for _, c := range []struct {
		name          string
		baseline      workflow.Version
		before, after bool
	}{
		{"on the baseline", 1, true, false},
		{"from before it", workflow.DefaultVersion, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := (&testsuite.WorkflowTestSuite{}).NewTestWorkflowEnvironment()
			// Every change's own answer is "not yet", as a history without its marker gives.
			env.OnGetVersion(changeBaseline, workflow.DefaultVersion, 1).Return(c.baseline)
			env.OnGetVersion(changeWholeMinutes, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
			env.OnGetVersion(later, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
			env.ExecuteWorkflow(func(ctx workflow.Context) ([2]bool, error) {
				r := &run{ctx: ctx}
				r.askBaseline()
				return [2]bool{r.changed(changeWholeMinutes), r.changed(later)}, nil
			})
			var got [2]bool
			if err := env.GetWorkflowResult(&got); err != nil {
				t.Fatal(err)
			}
			if got != [2]bool{c.before, c.after} {
				t.Fatalf("a change before the baseline %t, after it %t; want %t and %t", got[0], got[1], c.before, c.after)
			}
		})
	}
}
