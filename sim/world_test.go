package sim_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/sim"
)

func TestWorldIsReproducible(t *testing.T) {
	t.Parallel()
	cfg := sim.Config{Seed: 7, Accounts: 40, Days: 20}
	a, err := sim.New(cfg)
	require.NoError(t, err)
	b, err := sim.New(cfg)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(a.Accounts, b.Accounts))
	require.Empty(t, cmp.Diff(a.Persons, b.Persons))
	require.Empty(t, cmp.Diff(a.Truth, b.Truth))
	for d := range 20 {
		require.Empty(t, cmp.Diff(a.Day(d), b.Day(d)), "day %d", d)
	}
	c, err := sim.New(sim.Config{Seed: 8, Accounts: 40, Days: 20})
	require.NoError(t, err)
	require.NotEqual(t, a.Persons[0].Email, c.Persons[0].Email, "another seed, another world")
}

func TestWorldRecordsAreValid(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 1, Accounts: 200, Days: 30})
	require.NoError(t, err)
	ids := map[b2b.AccountID]bool{}
	for i := range w.Accounts {
		require.NoError(t, w.Accounts[i].Validate())
		ids[w.Accounts[i].ID] = true
	}
	subsidiaries := 0
	for _, a := range w.Accounts {
		if a.ParentID != "" {
			subsidiaries++
			require.True(t, ids[a.ParentID])
		}
	}
	require.Positive(t, subsidiaries)
	var crm, freeMail, noTitle int
	for i := range w.Persons {
		p := &w.Persons[i]
		require.NoError(t, p.Validate())
		require.Contains(t, w.Truth.Golden, p.ID)
		switch {
		case p.Source == b2b.SourceSalesforce:
			crm++
			require.NotEmpty(t, p.AccountID, "CRM contacts carry their account")
		case p.Title == "":
			noTitle++
		}
		for _, fm := range []string{"gmail.com", "outlook.com", "yahoo.com"} {
			if b2b.ValidEmail(p.Email) && p.Email[len(p.Email)-len(fm):] == fm {
				freeMail++
			}
		}
	}
	require.Positive(t, crm, "duplicates across sources exist")
	require.Positive(t, freeMail, "free-mail persons exist")
	require.Positive(t, noTitle, "leads without title exist")

	seen := map[b2b.ActivityID]bool{}
	total := 0
	for a := range w.Activities() {
		require.NoError(t, a.Validate())
		require.False(t, seen[a.ID], "activity IDs are unique")
		seen[a.ID] = true
		require.Contains(t, w.Truth.Golden, a.Person, "activities reference known person records")
		total++
	}
	// About 0.05 activities per person per day.
	golden := len(w.Truth.Account)
	perPersonDay := float64(total) / float64(golden*30)
	require.InDelta(t, 0.05, perPersonDay, 0.03, "activity rate %v", perPersonDay)
}

// TestAccountsAreDistinctCompanies checks that no two accounts share a
// name or a domain: a parent with two subsidiaries in one country has two
// companies, not one company twice, so that a person's e-mail domain or
// company name says which one they work for, as the truth says.
func TestAccountsAreDistinctCompanies(t *testing.T) {
	t.Parallel()
	for _, cfg := range []sim.Config{
		{Seed: 1, Accounts: 1000, Days: 1},
		{Seed: 2, Accounts: 500, Days: 1, SubsidiaryShare: 0.6},
	} {
		w, err := sim.New(cfg)
		require.NoError(t, err)
		names, domains := map[string]b2b.AccountID{}, map[string]b2b.AccountID{}
		for _, a := range w.Accounts {
			other, dup := names[a.Name]
			require.False(t, dup, "seed %d: %s and %s are both %q", cfg.Seed, other, a.ID, a.Name)
			names[a.Name] = a.ID
			for _, d := range a.Domains {
				other, dup := domains[d]
				require.False(t, dup, "seed %d: %s and %s both have the domain %s", cfg.Seed, other, a.ID, d)
				domains[d] = a.ID
			}
		}
	}
}

// TestIntentDrivesEngagement checks the property simulations rely on:
// in-market accounts engage more, with more high-intent actions, after
// their buying window opens.
func TestIntentDrivesEngagement(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 3, Accounts: 300, Days: 60})
	require.NoError(t, err)
	hot, cold := map[b2b.AccountID]bool{}, map[b2b.AccountID]bool{}
	for id, byInterest := range w.Truth.InMarket {
		if byInterest["data-platform"] {
			hot[id] = true
		} else if !byInterest["security-suite"] {
			cold[id] = true
		}
	}
	require.NotEmpty(t, hot)
	require.NotEmpty(t, cold)
	count := map[bool]int{}
	demo := map[bool]int{}
	for a := range w.Activities() {
		acc := w.Truth.Account[w.Truth.Golden[a.Person]]
		if !hot[acc] && !cold[acc] {
			continue
		}
		count[hot[acc]]++
		if a.Attr("form") == "Demo Request" {
			demo[hot[acc]]++
		}
	}
	hotRate := float64(count[true]) / float64(len(hot))
	coldRate := float64(count[false]) / float64(len(cold))
	require.Greater(t, hotRate, 2*coldRate, "in-market accounts engage much more")
	require.Greater(t, demo[true], 3*max(1, demo[false]), "and request demos")
	require.NotEmpty(t, w.Truth.Opportunities)
	for _, o := range w.Truth.Opportunities {
		require.NoError(t, o.Validate())
		require.True(t, w.Truth.InMarket[o.Account][o.SolutionInterest], "deals come from in-market accounts")
	}
}

func TestOpportunityChanges(t *testing.T) {
	t.Parallel()
	w, err := sim.New(sim.Config{Seed: 5, Accounts: 300, Days: 120})
	require.NoError(t, err)
	created, closed := 0, 0
	for d := range 120 {
		for _, o := range w.OpportunityChanges(d) {
			require.NoError(t, o.Validate())
			if o.Status == b2b.OpportunityOpen {
				created++
				require.Equal(t, w.Date(d), o.CreatedAt.Truncate(24*60*60*1e9))
			} else {
				closed++
			}
		}
	}
	require.Positive(t, created)
	require.Positive(t, closed)
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	_, err := sim.New(sim.Config{Accounts: -1, Days: 100000, InMarketShare: 2, SolutionInterests: []string{"a", "a"}})
	require.ErrorIs(t, err, sim.ErrConfig)
	for _, want := range []string{"accounts: must be between", "days: must be between", "inMarketShare: must be a share", `solutionInterests[1]: must be a non-empty, unique ID, got "a"`} {
		require.ErrorContains(t, err, want)
	}
}
