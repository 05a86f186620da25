package journey_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// A published version is immutable: a host that edits its definition
// afterwards (to build the next version) changes nothing of what runs.
// The settings a node reads as it runs (a wait's duration, an external
// call's name and parameters, a split path's role count) are the
// version's own.
func TestPublishedVersionKeepsNothingOfItsDefinition(t *testing.T) {
	t.Parallel()
	j := journey.Journey{
		ID:       "j",
		Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "champions?", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{Name: "no champion", RoleAtLeast: &journey.RoleCount{Role: "Economic Buyer", Count: 1}, Next: "call"}},
				Else:  "done",
			}},
			{ID: "call", Kind: journey.KindExternal, External: &journey.External{
				Call: "crm.create_task", Params: map[string]string{"queue": "sdr"}, Timeout: journey.Days(1),
				OnSuccess: "wait", OnError: "wait", OnTimeout: "wait",
			}},
			wait("wait", journey.Days(2), "done"),
			end("done", ""),
		},
	}
	cat := newCatalog(t, journey.Config{}, j)

	// The host edits its definition for the next version.
	j.Nodes[0].Split.Paths[0].RoleAtLeast.Count = 5
	j.Nodes[1].External.Call = "crm.delete_account"
	j.Nodes[1].External.Params["queue"] = "nobody"
	j.Nodes[2].Wait.For = journey.Days(30)

	var st journey.State
	res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0,
		Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "j", At: day0}}})
	calls := ofType(res.Outbox, journey.ActionExternal)
	require.Len(t, calls, 1, "the split's path held: one Economic Buyer is enough")
	require.Equal(t, "crm.create_task", calls[0].Call)
	require.Equal(t, map[string]string{"queue": "sdr"}, calls[0].Params)

	res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(1))})
	require.Equal(t, day0.Add(days(3)), res.Due, "the wait of two days")
}
