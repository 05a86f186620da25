package journey_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// A listen that heard a person's event keeps, as its track's reason for a
// later sales alert, who it heard ("by Victor Eng", and the values its
// condition read, event.personId among them). ForgetPerson forgets that
// too: the state names the person nowhere, and the alert tells of a
// forgotten person, not of them. Another person's event is kept.
func TestForgetPersonForgetsTheEventAListenHeard(t *testing.T) {
	t.Parallel()
	j := journey.Journey{
		ID:       "watch",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "Data Platform"}},
		Nodes: []journey.Node{
			{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
				Events: []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo,
					When: `event.personId != ""`}},
				Timeout: journey.Days(7), Next: "wait", OnTimeout: "done"}},
			wait("wait", journey.Days(1), "alert"),
			{ID: "alert", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSalesAlert, Template: "bg-ready", Next: "done"}},
			end("done", ""),
		},
	}
	created := journey.Event{Type: journey.EventGroupCreated, SolutionInterest: "Data Platform", At: day0}
	demo := journey.Event{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo, Person: "p-vpe", At: day0.Add(days(2))}
	for _, tc := range []struct {
		name       string
		forget     b2b.PersonID
		wantN      int
		wantReason string
	}{
		{"the person heard", "p-vpe", 1, "a listen heard an event of a person who was forgotten"},
		{"another person", "p-cfo", 0, `listen heard activity request_demo by Victor Eng (rule "listen event 0": event.personId != "") with event.personId="p-vpe"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			var st journey.State
			cat.Step(&st, journey.Input{View: view, Now: day0, Events: []journey.Event{created}})
			cat.Step(&st, journey.Input{View: view, Now: demo.At, Events: []journey.Event{demo}})
			require.Equal(t, tc.wantN, st.ForgetPerson(tc.forget))
			raw, err := json.Marshal(st)
			require.NoError(t, err)
			if tc.wantN > 0 {
				require.NotContains(t, string(raw), "Victor")
				require.NotContains(t, string(raw), "p-vpe")
				require.Zero(t, st.ForgetPerson(tc.forget), "nothing left to forget")
			}
			res := cat.Step(&st, journey.Input{View: view, Now: demo.At.Add(days(1))})
			alerts := ofType(res.Outbox, journey.ActionSalesAlert)
			require.Len(t, alerts, 1)
			require.Equal(t, tc.wantReason, alerts[0].Alert.Reason)
		})
	}
}
