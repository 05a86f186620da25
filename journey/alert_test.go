package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// A sales alert's reason is the decision that led the track to it: the
// split path it took, the event a listen heard, or the listen's timeout.
// After a listen, the alert used to carry the reason of the split before
// it ("no path of ready? held ... group.score=42"), which says the
// opposite of why the alert went out.
func TestAlertReasonIsTheDecisionThatLedToIt(t *testing.T) {
	t.Parallel()
	watch := journey.Journey{
		ID:       "watch",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}},
		Nodes: []journey.Node{
			{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "engaged", When: "group.score >= 150", Next: "alert"}},
				Else:  "listen",
			}},
			{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
				Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
				Timeout: journey.Days(7), Next: "alert", OnTimeout: "alert"}},
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "done"}},
			end("done", ""),
		},
	}
	created := journey.Event{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: day0}
	demo := journey.Event{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, Person: "p-vpe", At: day0.Add(days(2))}
	tests := []struct {
		name   string
		score  float64
		second journey.Input
		want   string
	}{
		{"split", 160, journey.Input{}, `ready? took path "engaged" (rule "ready? engaged": group.score >= 150) with group.score=160`},
		{"listen heard", 42, journey.Input{Now: day0.Add(days(2)), Events: []journey.Event{demo}},
			`listen heard activity request_demo by Victor Eng`},
		{"listen timed out", 42, journey.Input{Now: day0.Add(days(8))}, `listen got no answer within 7d`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, watch)
			view := acmeView()
			view.Groups[0].Score = tt.score
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: []journey.Event{created}})
			if !tt.second.Now.IsZero() {
				require.Empty(t, ofType(res.Outbox, journey.ActionSalesAlert))
				tt.second.View = view
				res = cat.Step(&st, tt.second)
			}
			alerts := ofType(res.Outbox, journey.ActionSalesAlert)
			require.Len(t, alerts, 1)
			require.Equal(t, tt.want, alerts[0].Alert.Reason)
		})
	}
}

// A sales alert lists each engaged person once, with every role they
// hold in the group, in the group's order. A person with two roles used
// to be listed twice, once per role.
func TestAlertListsEachPersonOnce(t *testing.T) {
	t.Parallel()
	j := journey.Journey{
		ID:       "alert-now",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}},
		Nodes: []journey.Node{
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "done"}},
			end("done", ""),
		},
	}
	cat := newCatalog(t, journey.Config{}, j)
	tests := []struct {
		name  string
		extra []journey.Member
		want  []journey.PersonSummary
	}{
		{"one role each", nil, []journey.PersonSummary{
			{Person: "p-vpe", Name: "Victor Eng", Title: "VP of Engineering", Role: "Technical Evaluator", Score: 80},
			{Person: "p-cfo", Name: "Carla Finn", Title: "Chief Financial Officer", Role: "Economic Buyer", Score: 20},
		}},
		{"two roles", []journey.Member{{Person: "p-vpe", Role: "Champion"}}, []journey.PersonSummary{
			{Person: "p-vpe", Name: "Victor Eng", Title: "VP of Engineering", Role: "Technical Evaluator, Champion", Score: 80},
			{Person: "p-cfo", Name: "Carla Finn", Title: "Chief Financial Officer", Role: "Economic Buyer", Score: 20},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			view := acmeView()
			view.Groups[0].Members = append(view.Groups[0].Members, tt.extra...)
			setScore(view, "p-vpe", 80)
			setScore(view, "p-cfo", 20)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: []journey.Event{{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: day0}}})
			alerts := ofType(res.Outbox, journey.ActionSalesAlert)
			require.Len(t, alerts, 1)
			if diff := cmp.Diff(tt.want, alerts[0].Alert.Engaged); diff != "" {
				t.Errorf("engaged (-want +got):\n%s", diff)
			}
		})
	}
}
