package engine_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

func oppHolders(t *testing.T, b *bundle, id string, accs ...b2b.AccountID) []b2b.AccountID {
	t.Helper()
	var out []b2b.AccountID
	for _, a := range accs {
		rec, err := b.store.LoadAccount(b.ctx, "default", a)
		require.NoError(t, err)
		if strings.Contains(engine.StateJSON(rec), `"id":"`+id+`"`) {
			out = append(out, a)
		}
	}
	return out
}

func threeAccounts(t *testing.T) *bundle {
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	_, err := b.eng.UpsertAccounts(b.ctx,
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}},
		identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0, Account: b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com"}}})
	require.NoError(t, err)
	return b
}

// One batch carries two records of one opportunity: the CRM put it on acme,
// then on globex. The batch's last word is globex; acme must not keep it.
func TestOpportunityMovedWithinOneBatch(t *testing.T) {
	b := threeAccounts(t)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0}
	moved := opp
	moved.Account = "globex"
	_, err := b.eng.UpsertOpportunities(b.ctx, opp, moved)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"globex"}, oppHolders(t, b, "o1", "acme", "globex"))

	// Back to acme, then on to initech and back to acme, in one batch.
	again := opp
	third := opp
	third.Account = "initech"
	_, err = b.eng.UpsertOpportunities(b.ctx, again, third, again)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, oppHolders(t, b, "o1", "acme", "globex", "initech"))
}

// Two concurrent upserts of one opportunity (held by initech) to two
// accounts: at most one account may hold it afterwards.
func TestConcurrentOpportunityMoves(t *testing.T) {
	b := threeAccounts(t)
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("o%d", i)
		opp := b2b.Opportunity{ID: b2b.OpportunityID(id), Account: "initech", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
			Stage: "Discovery", Amount: 1000, CreatedAt: day0}
		_, err := b.eng.UpsertOpportunities(b.ctx, opp)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for _, acc := range []b2b.AccountID{"acme", "globex"} {
			o := opp
			o.Account = acc
			wg.Add(1)
			go func() { defer wg.Done(); _, err := b.eng.UpsertOpportunities(b.ctx, o); require.NoError(t, err) }()
		}
		wg.Wait()
		h := oppHolders(t, b, id, "acme", "globex", "initech")
		require.LessOrEqual(t, len(h), 1, "iteration %d: %v all hold %s", i, h, id)
	}
}
