package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestRecordValuesKeptExactly: the graph gives back what records held,
// whatever form it stores them in: times with a monotonic clock reading or
// a location of their own, text longer than the compact form holds, an
// identifier added by a later version.
func TestRecordValuesKeptExactly(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, b2b.SourceSalesforce, acme())

	now := time.Now() // with a monotonic clock reading
	paris := time.FixedZone("Paris", 3600)
	local := at(3).In(paris)
	long := strings.Repeat("Head of Very Long Titles ", 3000) + "Head" // past 64 KiB

	c := sfContact("0035e00000AAAAAAAA", "ann@acme.com", "acme")
	c.Time, c.Person.Title = now, long
	addPerson(t, g, c)
	m := mktoLead("77", "ann@acme.com")
	m.Time, m.Person.FirstName = local, "Ann"
	res := addPerson(t, g, m)

	gp, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, long, gp.Person.Title)
	require.Equal(t, now, gp.Provenance["title"].Time)
	require.Equal(t, local, gp.Provenance["firstName"].Time)
	// Most recent wins: now is later than 2025.
	require.Equal(t, now, gp.Person.UpdatedAt)

	// A later version with a short title and a first identifier where the
	// lead had none besides its email.
	m2 := identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "77", Time: local.Add(time.Hour),
		Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceLeadID, Value: "00Q5e00000BBBBBBBB"}},
		Person:      b2b.Person{Email: "ann.lee@acme.com", Title: "CTO"}}
	g2 := newGraph(t, identity.Config{})
	addAccount(t, g2, b2b.SourceSalesforce, acme())
	first := addPerson(t, g2, identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "77", Time: local,
		Person: b2b.Person{Email: "ann@acme.com", Title: long}})
	up := addPerson(t, g2, m2)
	require.Equal(t, identity.Updated, up.Outcome)
	for _, id := range []identity.Identifier{
		{Namespace: identity.NSSalesforceLeadID, Value: "00Q5e00000BBBBBBBB"},
		{Namespace: identity.NSEmail, Value: "ann@acme.com"}, // the old email stays an identifier
		{Namespace: identity.NSEmail, Value: "ann.lee@acme.com"},
	} {
		p, ok := g2.Lookup(id)
		require.True(t, ok, id)
		require.Equal(t, first.Person, p, id)
	}
	gp2, err := g2.Person(first.Person)
	require.NoError(t, err)
	require.Equal(t, "CTO", gp2.Person.Title)
	require.Equal(t, local.Add(time.Hour), gp2.Provenance["title"].Time)

	// A snapshot restores the same values.
	for _, gr := range []*identity.Graph{g, g2} {
		st := gr.Snapshot()
		back, err := identity.Restore(identity.Config{}, st)
		require.NoError(t, err)
		require.Equal(t, st, back.Snapshot())
	}
}
