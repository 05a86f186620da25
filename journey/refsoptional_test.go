package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/journey"
)

// A field read through optional chaining (group?.score) is read as much
// as one read with a dot: the decision tells its value. It used to tell
// none, as if the condition had read nothing.
func TestSplitValuesOfOptionalChaining(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"group?.score >= 150", "group.score >= 150", "group ?. score >= 150"} {
		t.Run(when, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, linear("j", wonIf(when), end("won", ""), end("lost", "")))
			view := acmeView()
			view.Groups[0].Score = 160
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("j", day0)})
			paths := decisions(res.Trace, journey.DecisionPath)
			want := []journey.Value{{Name: "group.score", Value: "160"}}
			if diff := cmp.Diff(want, paths[0].Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}
