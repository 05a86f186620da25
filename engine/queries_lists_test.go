package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// TestAccountsInAJourneysList: a host lists the accounts a journey added
// to a list (to export them, say), as it lists them by stage: the list is
// in the accounts' index while they are in it.
func TestAccountsInAJourneysList(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Journeys = []journey.Journey{{ID: "vip", Name: "VIP for a day",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "add", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionAddToList, List: "vip", Next: "wait"}},
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1), Next: "remove"}},
			{ID: "remove", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionRemoveFromList, List: "vip", Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		}}}
	b := setup(t, defs)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
		lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	in, err := b.eng.Accounts(b.ctx, "list/vip", "in")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, in)

	b.clock.Set(day(2))
	_, err = b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	in, err = b.eng.Accounts(b.ctx, "list/vip", "in")
	require.NoError(t, err)
	require.Empty(t, in, "the journey took the account off the list")
}
