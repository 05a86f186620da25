package analytics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// TestVelocityDealBeforeGroup: a deal created before any group of its
// interest existed on its account (a first CRM sync brings the deals the
// CRM already held) ends no group's clock. The period it was created in
// counts it apart (beforeGroup), and its group, whose account had its deal
// before the group existed, is not pending nor closed; a deal created
// after the group still measures the group's days to it.
func TestVelocityDealBeforeGroup(t *testing.T) {
	t.Parallel()
	opp := func(id string, createdDay float64) m {
		return m{"id": id, "solutionInterest": "dp", "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	synced := eventLog{}.
		add("a", day(0), "opportunity.created", opp("o-a", -7)). // created in the CRM a week before the sync
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("a", day(0), "group.updated", snap("a/dp", "dp", "Consideration", 0.5, 40, "")).
		add("b", day(0), "buyinggroup.group_created", created("b/dp", "dp", day(0))).
		add("b", day(0), "group.updated", snap("b/dp", "dp", "Consideration", 0.5, 40, ""))
	noDeal := analytics.Average{Reason: "no buying group got an opportunity in the period"}
	tests := []struct {
		name string
		log  eventLog
		p    analytics.Period
		want analytics.Duration
	}{{
		name: "the synced deal is before its group; a is not pending, b is",
		log:  synced,
		p:    analytics.Period{To: day(10)},
		want: analytics.Duration{Days: noDeal, Pending: 1, BeforeGroup: 1},
	}, {
		name: "a period after the deal's creation does not count it; a is still not pending",
		log:  synced,
		p:    analytics.Period{From: day(0), To: day(10)},
		want: analytics.Duration{Days: noDeal, Pending: 1},
	}, {
		name: "a deal after the group measures it, the one before still counts apart",
		log:  synced.add("a", day(4), "opportunity.created", opp("o-a2", 4)),
		p:    analytics.Period{To: day(10)},
		want: analytics.Duration{Days: analytics.Average{Sum: 4, Count: 1, Mean: val(4), Median: val(4)}, Pending: 1, BeforeGroup: 1},
	}, {
		name: "a group with a deal before it, lost since, is not closed before either",
		log: synced.
			add("a", day(5), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "a/dp", "interest": "dp", "from": "Consideration", "to": "Closed Lost"}),
		p:    analytics.Period{To: day(10)},
		want: analytics.Duration{Days: noDeal, Pending: 1, BeforeGroup: 1},
	}, {
		name: "a later group of the interest, after a deal an earlier group had, is pending",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
			add("a", day(2), "opportunity.created", opp("o-1", 2)).
			add("a", day(5), "buyinggroup.group_created", created("a/dp2", "dp", day(5))),
		p:    analytics.Period{To: day(10)},
		want: analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1},
	}, {
		name: "a deal whose interest a later change gives counts from its creation, before the group",
		log: eventLog{}.
			add("a", day(-3), "opportunity.created", m{"id": "o-a", "stage": "Qualify", "status": "open", "createdAt": day(-3)}).
			add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
			add("a", day(1), "opportunity.changed", opp("o-a", -3)),
		p:    analytics.Period{To: day(10)},
		want: analytics.Duration{Days: noDeal, BeforeGroup: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, tt.p)
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
	t.Run("the text report says how many deals came before their group", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			log  eventLog
			want string
		}{
			{synced, "no buying group got an opportunity in the period; 1 pending, 1 deal before its group\n"},
			{synced.add("b", day(0), "opportunity.created", opp("o-b", -2)).add("a", day(4), "opportunity.created", opp("o-a2", 4)),
				"median 4.0 days, 0 pending, 2 deals before their group\n"},
		} {
			var b strings.Builder
			require.NoError(t, report(t, tt.log, analytics.Config{}, analytics.Period{To: day(10)}).WriteText(&b))
			require.Contains(t, b.String(), tt.want)
		}
	})
}

// TestEngineDealBeforeGroup: on a first CRM sync the engine forms Acme's
// group from its contact, then files the deal the CRM opened a week
// before: the deal counts before its group, and the group is not pending.
func TestEngineDealBeforeGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prog, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	clk := clock.NewManual(day0)
	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk, UnsubscribeURL: sim.UnsubscribeURL})
	require.NoError(t, err)
	_, err = eng.Apply(ctx, engine.Batch{
		Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0.Add(-time.Hour),
			Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}}}},
		Persons: []identity.PersonRecord{{Source: b2b.SourceMarketo, RecordID: "L-1", Time: day0.Add(-time.Hour),
			Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", LastName: "Diaz", Title: "Chief Financial Officer"}}}})
	require.NoError(t, err)
	_, err = eng.UpsertOpportunities(ctx, b2b.Opportunity{ID: "006A", Account: "acme", SolutionInterest: "data-platform", Name: "DP",
		Stage: "Qualify", Status: b2b.OpportunityOpen, Source: b2b.SourceSalesforce, CreatedAt: day(-7), UpdatedAt: day(-7)})
	require.NoError(t, err)
	clk.Set(day(10))
	_, err = eng.Advance(ctx, day(10))
	require.NoError(t, err)
	log := wholeLog(t, eng)
	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{})
	require.NoError(t, err)
	require.Equal(t, 1, r.Groups)
	require.Empty(t, cmp.Diff(analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, BeforeGroup: 1},
		r.Velocity.ToOpportunity), "(-want +got)")
}
