package analytics_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestVelocityUngrouped: a deal of a solution interest for which its
// account has no buying group (the interest does not apply to it) has no
// group whose time it could end. It is not in the velocity, and the
// report says how many such deals the period had, so that the deals the
// CRM shows add up.
func TestVelocityUngrouped(t *testing.T) {
	t.Parallel()
	opp := func(id, interest string, createdDay float64) m {
		return m{"id": id, "solutionInterest": interest, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("b", day(0), "buyinggroup.group_created", created("b/dp", "dp", day(0))).
		add("a", day(2), "opportunity.created", opp("o-a", "dp", 2)).
		add("b", day(3), "opportunity.created", opp("o-b", "sec", 3)).  // b has no security group
		add("c", day(4), "opportunity.created", opp("o-c", "dp", 4)).   // c has no group at all
		add("d", day(5), "opportunity.created", opp("o-d", "", 5)).     // no interest: unattributed
		add("b", day(8), "opportunity.created", opp("o-b2", "sec", 8)). // after a period ending on day 7
		add("b", day(9), "buyinggroup.group_created", created("b/sec", "sec", day(9)))
	tests := []struct {
		name string
		to   float64
		want analytics.Duration
	}{{
		name: "as of day 7: b's and c's deals have no group",
		to:   7,
		want: analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1, Unattributed: 1, Ungrouped: 2},
	}, {
		name: "as of day 10: b's security group came after both its deals, which count before it; c's has none",
		to:   10,
		want: analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1, Unattributed: 1, Ungrouped: 1,
			BeforeGroup: 2},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
	var b strings.Builder
	require.NoError(t, report(t, log, analytics.Config{}, analytics.Period{To: day(7)}).WriteText(&b))
	require.Contains(t, b.String(), "median 2.0 days, 1 pending, 1 deal without interest, 2 deals without group\n")
}
