package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// An instance whose tracks all ended at end nodes completed: its decision
// says so, with the main track's outcome, and is no exit; an instance an
// exit criterion ends still exits. One that ended at an end node the
// journey does not complete at (it names others) ended: its decision is
// an end, not a completion, as the completion rate counts it.
func TestCompletedInstanceIsTracedAsCompleted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		j    journey.Journey
		want []told
	}{
		{"an end with an outcome", linear("j", email("mail", "hi", "done", nil), end("done", "sales ready")),
			[]told{{journey.DecisionComplete, "j", 1, "done", "", "completed, outcome sales ready"}}},
		{"an end without one", linear("j", email("mail", "hi", "done", nil), end("done", "")),
			[]told{{journey.DecisionComplete, "j", 1, "done", "", "completed"}}},
		{"parallel tracks that merge", linear("j",
			journey.Node{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "mail", Merge: "join"}},
			email("mail", "hi", "join", nil),
			journey.Node{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "done"}},
			end("done", "nurtured")),
			[]told{{journey.DecisionComplete, "j", 1, "done", "", "completed, outcome nurtured"}}},
		{"an end the journey does not complete at", func() journey.Journey {
			j := linear("j", email("mail", "hi", "big?", nil), wonIf("account.employees >= 1000000"), end("lost", "not engaged"), end("won", "sales ready"))
			j.Completion = journey.Completion{EndNodes: []journey.NodeID{"won"}}
			return j
		}(), []told{{journey.DecisionEnd, "j", 1, "lost", "", "ended, outcome not engaged (not an end the journey completes at)"}}},
		{"an end it completes at", func() journey.Journey {
			j := linear("j", email("mail", "hi", "big?", nil), wonIf("account.employees >= 0"), end("won", "sales ready"), end("lost", "not engaged"))
			j.Completion = journey.Completion{EndNodes: []journey.NodeID{"won"}}
			return j
		}(), []told{{journey.DecisionComplete, "j", 1, "won", "", "completed, outcome sales ready"}}},
		{"an exit criterion", func() journey.Journey {
			j := linear("j", wait("wait", journey.Days(3), "done"), end("done", ""))
			j.Exits = []journey.Exit{{Reason: "too small", When: "account.employees < 5000"}}
			return j
		}(), []told{{journey.DecisionExit, "j", 1, "", "", "exit criterion: too small"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, tc.j)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("j", day0)})
			require.Len(t, res.Ended, 1)
			if diff := cmp.Diff(tc.want, tell(res.Trace, journey.DecisionExit, journey.DecisionComplete, journey.DecisionEnd)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// wonIf is a split "big?" that goes to "won" when the condition holds,
// else to "lost".
func wonIf(when string) journey.Node {
	return journey.Node{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{
		Paths: []journey.Path{{Name: "yes", When: when, Next: "won"}}, Else: "lost"}}
}
