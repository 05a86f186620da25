package audience_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
)

// A rule that reads a custom attribute by its key (by dot, by index,
// through attr or get) is explained with that attribute, "missing" when
// the account has none under the key. The explanation used to show the
// whole map, as Go prints it ("account.attributes = map[region:NA
// seats:40 tier:silver]"), and could not tell a missing attribute from
// one that was never read. A rule that reads the map as a whole is still
// explained with it.
func TestExplainAttributesByKey(t *testing.T) {
	t.Parallel()
	ev, err := audience.New(audience.Config{Audiences: []audience.Audience{
		{Name: "attr", Rule: `attr(account.attributes, "tier", "") == "gold" && attr(account.attributes, "seats", 0) >= 50`},
		{Name: "index", Rule: `account.attributes["region"] == "EU" || get(account.attributes, "plan") == "pro"`},
		{Name: "odd key", Rule: `account?.attributes?.["annual plan"] == true && account.employees > 10`},
		{Name: "whole map", Rule: `"tier" in account.attributes`},
	}})
	require.NoError(t, err)
	d := &audience.AccountData{Account: b2b.Account{ID: "acme", Employees: 2000,
		Attributes: map[string]any{"tier": "silver", "seats": 40, "region": "NA", "annual plan": false}}}
	var got [][]audience.Value
	for _, dec := range ev.Explain(d, now) {
		require.NoError(t, dec.Err)
		got = append(got, dec.Values)
	}
	want := [][]audience.Value{
		{{Name: "account.attributes.tier", Value: "silver"}, {Name: "account.attributes.seats", Value: "40"}},
		{{Name: "account.attributes.region", Value: "NA"}, {Name: "account.attributes.plan", Value: "missing"}},
		{{Name: `account.attributes["annual plan"]`, Value: "false"}, {Name: "account.employees", Value: "2000"}},
		{{Name: "account.attributes", Value: "map[annual plan:false region:NA seats:40 tier:silver]"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}
