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

// A parallel track's sales alert carries the reason of the decision that
// led to it, as the main track's does: the parent's (the split or listen
// before the parallel node) until the track decides on its own. It used
// to carry none.
func TestAlertReasonOnAParallelTrack(t *testing.T) {
	t.Parallel()
	// fanned runs before, then a track per interest from branch (the
	// nodes on, before the alert), then merges.
	fanned := func(before []journey.Node, branch journey.NodeID, on ...journey.Node) journey.Journey {
		nodes := append(before,
			journey.Node{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: branch, Merge: "join"}})
		nodes = append(nodes, on...)
		nodes = append(nodes,
			journey.Node{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "join"}},
			journey.Node{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "done"}},
			end("done", ""), end("lost", ""))
		return journey.Journey{ID: "fanned", Nodes: nodes}
	}
	split := journey.Node{ID: "big?", Kind: journey.KindSplit, Split: &journey.Split{
		Paths: []journey.Path{{Name: "yes", When: "group.score >= 150", Next: "fan"}}, Else: "lost"}}
	listen := journey.Node{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
		Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
		Timeout: journey.Days(7), Next: "fan", OnTimeout: "lost"}}
	onTrack := journey.Node{ID: "ready?", Kind: journey.KindSplit, Split: &journey.Split{
		Paths: []journey.Path{{Name: "engaged", When: "group.score >= 150", Next: "alert"}}, Else: "join"}}
	demo := journey.Event{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, Person: "p-vpe", At: day0.Add(days(2))}
	tests := []struct {
		name   string
		j      journey.Journey
		second []journey.Event
		want   string
	}{
		{"split before the parallel node", fanned([]journey.Node{split}, "alert"),
			nil, `big? took path "yes" (rule "big? yes": group.score >= 150) with group.score=160`},
		{"listen before the parallel node", fanned([]journey.Node{listen}, "alert"),
			[]journey.Event{demo}, `listen heard activity request_demo by Victor Eng`},
		{"split on the track", fanned([]journey.Node{split}, "ready?", onTrack),
			nil, `ready? took path "engaged" (rule "ready? engaged": group.score >= 150) with group.score=160`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, tt.j)
			view := acmeView()
			view.Groups[0].Score = 160
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("fanned", day0)})
			if tt.second != nil {
				require.Empty(t, ofType(res.Outbox, journey.ActionSalesAlert))
				res = cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(2)), Events: tt.second})
			}
			alerts := ofType(res.Outbox, journey.ActionSalesAlert)
			require.Len(t, alerts, 1)
			require.Equal(t, "Data Platform", alerts[0].SolutionInterest)
			require.Equal(t, tt.want, alerts[0].Alert.Reason)
			// Forgetting the person whose event a reason tells of
			// forgets it on every track.
			st.ForgetPerson("p-vpe")
			for _, in := range st.Instances {
				for _, tr := range in.Tracks {
					require.NotContains(t, tr.Reason, "Victor")
				}
			}
		})
	}
}
