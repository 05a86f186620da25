package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestAdvanceGoesOnPastAnUnreadableState: under a program with a
// frequency cap, an account whose stored state this engine cannot read
// fails its pass, and Advance says which; the other accounts due are
// advanced all the same (the wait of each ends and its email goes out),
// as without caps.
func TestAdvanceGoesOnPastAnUnreadableState(t *testing.T) {
	t.Parallel()
	defs := weeklyCapProgram()
	defs.Journeys = append(defs.Journeys, journey.Journey{ID: "wait", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Duration(26 * time.Hour), Next: "mail"}},
			{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
				Recipients: &journey.Recipients{SolutionInterest: "data-platform"}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}},
		}})
	st := bytesOnly{memory.New()}
	b := setupOn(t, defs, st)
	b.clock.Set(day(1))
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{account("acme", "Acme", "acme.com", ""), account("globex", "Globex", "globex.com", "")},
		Persons: []identity.PersonRecord{contact("003A", "cto@acme.com", "Ann", "Lee", "Chief Technology Officer", "acme"),
			contact("003G", "cto@globex.com", "Zoe", "Ng", "Chief Technology Officer", "globex")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	for _, id := range []string{"acme", "globex"} {
		_, err = b.eng.Enter(b.ctx, b2b.AccountID(id), "wait")
		require.NoError(t, err)
	}

	rec, err := st.LoadAccount(b.ctx, "default", "globex")
	require.NoError(t, err)
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "globex", ExpectedVersion: rec.Version,
		State: []byte(`{"v":99}`), DueAt: rec.DueAt, Now: day(1)})
	require.NoError(t, err)

	b.clock.Set(day(3))
	_, err = b.eng.Advance(b.ctx, day(3))
	require.ErrorContains(t, err, `account "globex"`)
	var to []string
	for _, m := range claimAll(t, b, day(3)) {
		to = append(to, m.To)
	}
	require.Equal(t, []string{"cto@acme.com"}, to, "the readable account's email")
}
