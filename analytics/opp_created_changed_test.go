package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestVelocityOpportunityCreationCorrected: the CRM corrected a deal's
// creation time (opportunity.changed with another createdAt, which the
// engine keeps, as it keeps the deal's other fields). The deal counts
// from the creation the CRM gives it last, whether or not its interest
// changed too.
func TestVelocityOpportunityCreationCorrected(t *testing.T) {
	t.Parallel()
	opp := func(id, interest string, createdDay float64) m {
		return m{"id": id, "solutionInterest": interest, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	tests := []struct {
		name   string
		log    eventLog
		period analytics.Period
		want   analytics.Duration
	}{{
		name: "the same interest, created earlier than first said",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
			add("a", day(6), "opportunity.created", opp("o-a", "dp", 6)).
			add("a", day(7), "opportunity.changed", opp("o-a", "dp", 2)),
		period: analytics.Period{To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}},
	}, {
		name: "a period that begins after the corrected creation does not count it",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
			add("a", day(6), "opportunity.created", opp("o-a", "dp", 6)).
			add("a", day(7), "opportunity.changed", opp("o-a", "dp", 2)),
		period: analytics.Period{From: day(4), To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}},
	}, {
		name: "another interest and another creation",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
			add("a", day(0), "buyinggroup.group_created", created("gs", "sec", day(0))).
			add("a", day(6), "opportunity.created", opp("o-a", "dp", 6)).
			add("a", day(7), "opportunity.changed", opp("o-a", "sec", 3)),
		period: analytics.Period{To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
	}, {
		name: "a change that gives no creation time keeps the one it had",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
			add("a", day(6), "opportunity.created", opp("o-a", "dp", 6)).
			add("a", day(7), "opportunity.changed", m{"id": "o-a", "solutionInterest": "dp", "stage": "Proposal", "status": "open"}),
		period: analytics.Period{To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Sum: 6, Count: 1, Mean: val(6), Median: val(6)}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
}
