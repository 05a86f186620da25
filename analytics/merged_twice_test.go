package analytics_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestMergeLoggedTwiceAtTheEarliestTime: a log whose order is not its
// times' can hold an account's merge twice. The account merged at the
// earliest time the log dates it: a period that ends between the two
// sees it merged, as the earlier merge says.
func TestMergeLoggedTwiceAtTheEarliestTime(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("acme", day(0), "buyinggroup.group_created", created("acme/dp", "dp", day(0))).
		add("mk-7", day(0), "buyinggroup.group_created", created("mk-7/dp", "dp", day(0))).
		add("mk-7", day(5), "account.merged", m{"into": "acme"}).
		add("mk-7", day(2), "account.merged", m{"into": "acme"})
	tests := []struct {
		name             string
		to               float64
		accounts, groups int
	}{
		{name: "before either merge: two accounts", to: 1, accounts: 2, groups: 2},
		{name: "between the two: merged at the earlier", to: 3, accounts: 1, groups: 1},
		{name: "after both", to: 6, accounts: 1, groups: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Equal(t, tt.accounts, r.Accounts, "accounts")
			require.Equal(t, tt.groups, r.Groups, "groups")
		})
	}
}
