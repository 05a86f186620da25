package analytics_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestSharedCRMProductAsTheEngineFilesIt: two interests give one CRM
// product (buyinggroup.Compile warns of it). The engine ties a deal of
// that product that names no interest to the first of them, and logs it
// with that interest: the first interest's group gets the deal and closes,
// the other's does not. The KPIs count it as the engine filed it, from
// the engine's log and from a log whose deals name only their product
// (ConfigForInterests maps the product to the first interest): one group
// got its opportunity, the other's clock still runs.
func TestSharedCRMProductAsTheEngineFilesIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	defs := program.Definitions{Name: "shared-product", Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Name: "Data Platform", CRMProduct: "Data Platform", Template: buyinggroup.StandardTemplateID},
		{ID: "dp-eu", Name: "Data Platform EU", CRMProduct: " data platform", Template: buyinggroup.StandardTemplateID}}}
	prog, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	clk := clock.NewManual(day0)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk, UnsubscribeURL: sim.UnsubscribeURL})
	require.NoError(t, err)
	rep, err := eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}}}},
		Persons: []identity.PersonRecord{{Source: b2b.SourceMarketo, RecordID: "L-1", Time: day0.Add(-time.Hour),
			Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", LastName: "X", Title: "Chief Financial Officer", Company: "Acme"}}}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	clk.Set(day(4))
	rep, err = eng.UpsertOpportunities(ctx, b2b.Opportunity{ID: "006A", Account: "acme", Product: "Data Platform", Name: "Acme DP",
		Status: b2b.OpportunityWon, Source: b2b.SourceSalesforce, CreatedAt: day(4), ClosedAt: day(4), UpdatedAt: day(4)})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err := eng.Account(ctx, "acme", day(4))
	require.NoError(t, err)
	stages := map[string]string{}
	for _, g := range v.Groups {
		stages[g.Group.Interest] = g.Group.Stage
	}
	require.Empty(t, cmp.Diff(map[string]string{"dp": buyinggroup.StageClosedWon, "dp-eu": buyinggroup.StageConsideration}, stages),
		"the engine closes the first interest's group only (-want +got)")

	log := wholeLog(t, eng)
	// productOnly is the log with its deals naming only their product.
	var productOnly []store.Event
	for _, ev := range log {
		if ev.Type == "opportunity.created" {
			var o map[string]any
			require.NoError(t, json.Unmarshal(ev.Data, &o))
			require.Equal(t, "dp", o["solutionInterest"], "the engine logs the deal with the first interest")
			delete(o, "solutionInterest")
			ev.Data, err = json.Marshal(o)
			require.NoError(t, err)
		}
		productOnly = append(productOnly, ev)
	}
	cfg := analytics.ConfigForInterests(prog.Groups.Interests()...)
	want := analytics.Duration{Days: analytics.Average{Sum: 4, Count: 1, Mean: val(4), Median: val(4)}, Pending: 1}
	for name, events := range map[string][]store.Event{"the engine's log": log, "deals naming only their product": productOnly} {
		r, err := analytics.Compute(events, cfg, analytics.Period{To: day(10)})
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(want, r.Velocity.ToOpportunity), "%s (-want +got)", name)
	}
}
