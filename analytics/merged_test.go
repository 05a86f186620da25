package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestMergedAccounts: an account merged into another (account.merged) is
// no account from its merge on: a period that ends after it leaves the
// account and its groups out of the account and group counts, the
// stocks (completeness, engagement, stages, qualification rate), the MQA
// rate and the clocks still running; a period that ends before it counts
// it as any account. What it did before the merge still counts.
func TestMergedAccounts(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("acme", day(0), "buyinggroup.group_created", created("acme/dp", "dp", day(0))).
		add("acme", day(0), "group.updated", snap("acme/dp", "dp", "Awareness", 1, 40, "")).
		add("acme", day(0), "qualify.rate", m{"persons": 4, "qualified": 3}).
		add("mk-7", day(0), "buyinggroup.group_created", created("mk-7/dp", "dp", day(0))).
		add("mk-7", day(1), "group.updated", snap("mk-7/dp", "dp", "Sales Ready", 0.5, 90, "")).
		add("mk-7", day(1), "qualify.rate", m{"persons": 2, "qualified": 1}).
		add("mk-7", day(2), "account.merged", m{"into": "acme"}).
		add("mk-7", day(2), "group.updated", snap("mk-7/dp", "dp", "Sales Ready", 0, 0, "")).
		add("mk-7", day(2), "qualify.rate", m{"persons": 0, "qualified": 0})

	type kpis struct {
		Accounts, Groups int
		Completeness     analytics.Ratio
		Engagement       analytics.Average
		MQA              analytics.MQA
		Qualification    analytics.Qualification
		Stages           []analytics.StageCount
		Pending          int // groups not sales-ready yet
		OppPending       int // groups with no opportunity yet
		ToSalesReady     analytics.Average
	}
	of := func(r *analytics.Report) kpis {
		return kpis{r.Accounts, r.Groups, r.Completeness, r.Engagement, r.MQA, r.Qualification, r.Stages,
			r.Velocity.ToSalesReady.Pending, r.Velocity.ToOpportunity.Pending, r.Velocity.ToSalesReady.Days}
	}
	tests := []struct {
		name string
		to   float64
		want kpis
	}{{
		name: "before the merge: two accounts",
		to:   1.5,
		want: kpis{
			Accounts: 2, Groups: 2,
			Completeness: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
			Engagement:   analytics.Average{Sum: 130, Count: 2, Mean: val(65), Median: val(65)},
			MQA: analytics.MQA{Accounts: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
				Groups: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}},
			Qualification: analytics.Qualification{Ratio: analytics.Ratio{Numerator: 4, Denominator: 6, Value: val(0.666667)}, Accounts: 2},
			Stages: []analytics.StageCount{
				{Stage: "Awareness", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}},
				{Stage: "Sales Ready", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)}},
			},
			Pending:      1,
			OppPending:   2,
			ToSalesReady: analytics.Average{Sum: 1, Count: 1, Mean: val(1), Median: val(1)},
		},
	}, {
		name: "after the merge: one account; the merged group's time to sales-ready still counts",
		to:   3,
		want: kpis{
			Accounts: 1, Groups: 1,
			Completeness: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Engagement:   analytics.Average{Sum: 40, Count: 1, Mean: val(40), Median: val(40)},
			MQA: analytics.MQA{Accounts: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
				Groups: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}},
			Qualification: analytics.Qualification{Ratio: analytics.Ratio{Numerator: 3, Denominator: 4, Value: val(0.75)}, Accounts: 1},
			Stages: []analytics.StageCount{
				{Stage: "Awareness", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}},
			},
			Pending:      1,
			OppPending:   1,
			ToSalesReady: analytics.Average{Sum: 1, Count: 1, Mean: val(1), Median: val(1)},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.want, of(r)), "(-want +got)")
		})
	}

	_, err := analytics.Compute(eventLog{}.add("mk-7", day(0), "account.merged", m{}), analytics.Config{}, analytics.Period{})
	require.ErrorIs(t, err, analytics.ErrMalformed)
}
