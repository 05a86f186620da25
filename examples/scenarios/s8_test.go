package scenarios_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestS8MultiRegion runs s8-multi-region.yaml on an engine with
// Config.Rollup (engine configuration, not part of the program): a person
// at Globex DE changes title from "Engineer" to "Head of IT"; the role
// changes at once, the completeness of the parent's rolled-up group
// updates, and the history shows both roles with their times.
func TestS8MultiRegion(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS8, func(c *engine.Config) { c.Rollup = true })
	acc := func(id, name, domain, parent string) identity.AccountRecord {
		return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: name, Domains: []string{domain}, ParentID: b2b.AccountID(parent)}}
	}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{acc("globex", "Globex", "globex.com", ""), acc("globex-uk", "Globex UK", "globex.co.uk", "globex"),
			acc("globex-de", "Globex DE", "globex.de", "globex")},
		Persons: []identity.PersonRecord{
			lead("L-UK", "cfo@globex.co.uk", "Uma", "Reed", "CFO", "Globex UK"),
			lead("L-DE", "jan@globex.de", "Jan", "Berg", "Engineer", "Globex DE"),
		}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	jan := b2b.PersonID("marketo:L-DE")
	parent := groupOf(t, b.view(t, "globex"), "data-platform")
	require.Equal(t, []string{"End User"}, parent.Group.RolesOf(jan), "the parent's group rolls up the subsidiaries' persons")
	require.InDelta(t, 1.0/3, parent.Group.Completeness, 1e-9, "the UK CFO is the Economic Buyer")
	de := groupOf(t, b.view(t, "globex-de"), "data-platform")
	require.Equal(t, []string{"End User"}, de.Group.RolesOf(jan))

	// The title change arrives on day 10.
	promoted := lead("L-DE", "jan@globex.de", "Jan", "Berg", "Head of IT", "Globex DE")
	promoted.Time = day(10)
	changedAt := day(10).Add(time.Minute)
	b.clock.Set(changedAt)
	rep, err = b.eng.UpsertPersons(b.ctx, promoted)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	parent = groupOf(t, b.view(t, "globex"), "data-platform")
	require.Equal(t, []string{"Technical Evaluator"}, parent.Group.RolesOf(jan), "the role changed at once")
	require.InDelta(t, 2.0/3, parent.Group.Completeness, 1e-9, "the parent's completeness updated")

	// The history shows both roles with their times.
	var ended, current bool
	for _, m := range parent.Group.History {
		if m.Person == jan && m.Role == "End User" {
			ended = true
			require.Equal(t, day0, m.Since)
			require.Equal(t, changedAt, m.Until)
		}
	}
	for _, m := range parent.Group.Members {
		if m.Person == jan && m.Role == "Technical Evaluator" {
			current = true
			require.Equal(t, changedAt, m.Since)
		}
	}
	require.True(t, ended, "the history keeps the End User role with its times")
	require.True(t, current)
}
