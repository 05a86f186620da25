package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// An exit criterion that ends an instance after it reached its journey's
// completion goal is still traced as an exit criterion: the instance
// counts as completed (the goal is what the journey was for), but the
// decision says what ended it. A goal with ExitOnGoal is traced by its
// reason alone.
func TestExitCriterionAfterCompletionGoalSaysSo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		goal       journey.Goal
		wantReason string
		wantEnded  string
	}{
		{"an exit criterion after the completion goal",
			journey.Goal{Name: "engaged", When: "account.employees > 0"},
			"exit criterion: too small", "too small"},
		{"a goal that ends the instance",
			journey.Goal{Name: "engaged", When: "account.employees > 0", ExitOnGoal: true},
			"goal engaged reached", "goal engaged reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := linear("j", wait("wait", journey.Days(3), "done"), end("done", ""))
			j.Goals = []journey.Goal{tc.goal}
			j.Completion = journey.Completion{Goal: "engaged"}
			j.Exits = []journey.Exit{{Reason: "too small", When: "account.employees < 5000"}}
			cat := newCatalog(t, journey.Config{}, j)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("j", day0)})
			require.Len(t, res.Ended, 1)
			require.Equal(t, tc.wantEnded, res.Ended[0].Reason)
			require.True(t, res.Ended[0].Completed, "the completion goal was reached")
			want := []told{{journey.DecisionExit, "j", 1, "", "", tc.wantReason}}
			if diff := cmp.Diff(want, tell(res.Trace, journey.DecisionExit)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
