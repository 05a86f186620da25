package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store/memory"
)

// TestEngineLogOpportunityMoved: the CRM opens a deal on Acme on day 2
// and puts it on Globex on day 4; the engine's log makes it Globex's
// deal, counted once.
func TestEngineLogOpportunityMoved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prog, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	clk := clock.NewManual(day0)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk, UnsubscribeURL: sim.UnsubscribeURL})
	require.NoError(t, err)
	account := func(id, domain string) identity.AccountRecord {
		return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-time.Hour),
			Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{domain}}}
	}
	lead := func(id, email string) identity.PersonRecord {
		return identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: id, Time: day0.Add(-time.Hour),
			Person: b2b.Person{Email: email, FirstName: "A", LastName: "X", Title: "Chief Financial Officer"}}
	}
	_, err = eng.Apply(ctx, engine.Batch{Accounts: []identity.AccountRecord{account("acme", "acme.com"), account("globex", "globex.com")},
		Persons: []identity.PersonRecord{lead("L-1", "carla@acme.com"), lead("L-2", "gina@globex.com")}})
	require.NoError(t, err)
	deal := b2b.Opportunity{ID: "006A", Account: "acme", SolutionInterest: "data-platform", Name: "DP", Stage: "Qualify",
		Status: b2b.OpportunityOpen, Source: b2b.SourceSalesforce, CreatedAt: day(2), UpdatedAt: day(2)}
	clk.Set(day(2))
	_, err = eng.UpsertOpportunities(ctx, deal)
	require.NoError(t, err)
	clk.Set(day(4))
	deal.Account, deal.UpdatedAt = "globex", day(4)
	_, err = eng.UpsertOpportunities(ctx, deal)
	require.NoError(t, err)

	log := wholeLog(t, eng)
	var types []string
	for _, ev := range log {
		if ev.Type == "opportunity.moved" || ev.Type == "opportunity.created" {
			types = append(types, string(ev.Account)+" "+ev.Type)
		}
	}
	require.ElementsMatch(t, []string{"acme opportunity.created", "globex opportunity.created", "acme opportunity.moved"}, types)

	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{To: day(10)})
	require.NoError(t, err)
	require.Equal(t, 2, r.Groups)
	require.Equal(t, analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1},
		r.Velocity.ToOpportunity, "Globex's group, created on day 0, got the deal of day 2; Acme's has none")
}
