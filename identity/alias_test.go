package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestGraphKeepsNoMapOfItsCallers checks that the consent and attributes
// a record gives are the graph's own: a caller that changes its maps (or
// a list attribute) after adding the record, or changes what the graph
// handed out, changes nothing in the graph.
func TestGraphKeepsNoMapOfItsCallers(t *testing.T) {
	t.Parallel()
	wantPerson := b2b.Person{
		Consent:    map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, At: at(0)}},
		Attributes: map[string]any{"tier": "gold", "tags": []string{"a", "b"}},
	}
	wantAccount := map[string]any{"segment": "enterprise", "stack": []string{"go", "sql"}}
	change := func(consent map[b2b.Channel]b2b.Consent, attrs map[string]any) {
		if consent != nil {
			consent[b2b.ChannelEmail] = b2b.Consent{Status: b2b.ConsentOptIn, At: at(5)}
		}
		for k, v := range attrs {
			if l, ok := v.([]string); ok && len(l) > 0 {
				l[0] = "changed"
			} else {
				attrs[k] = "changed"
			}
		}
		attrs["added"] = "x"
	}
	tests := []struct {
		name string
		// mutate changes what the caller gave or got after the calls.
		mutate func(t *testing.T, g *identity.Graph, p *b2b.Person, a *b2b.Account, pid b2b.PersonID)
	}{
		{"the records given", func(t *testing.T, g *identity.Graph, p *b2b.Person, a *b2b.Account, pid b2b.PersonID) {
			change(p.Consent, p.Attributes)
			change(nil, a.Attributes)
		}},
		{"the golden records handed out", func(t *testing.T, g *identity.Graph, p *b2b.Person, a *b2b.Account, pid b2b.PersonID) {
			gp, err := g.Person(pid)
			require.NoError(t, err)
			change(gp.Person.Consent, gp.Person.Attributes)
			ga, err := g.Account("acme")
			require.NoError(t, err)
			change(nil, ga.Account.Attributes)
		}},
		{"the snapshot handed out", func(t *testing.T, g *identity.Graph, p *b2b.Person, a *b2b.Account, pid b2b.PersonID) {
			st := g.Snapshot()
			for _, ps := range st.Persons {
				change(ps.Record.Person.Consent, ps.Record.Person.Attributes)
			}
			for _, as := range st.Accounts {
				change(nil, as.Record.Account.Attributes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			a := b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"},
				Attributes: map[string]any{"segment": "enterprise", "stack": []string{"go", "sql"}}}
			_, err := g.AddAccount(identity.AccountRecord{Source: b2b.SourceSalesforce, Account: a, Time: at(0)})
			require.NoError(t, err)
			p := b2b.Person{Email: "ann@acme.com",
				Consent:    map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, At: at(0)}},
				Attributes: map[string]any{"tier": "gold", "tags": []string{"a", "b"}}}
			res, err := g.AddPerson(identity.PersonRecord{Source: b2b.SourceMarketo, RecordID: "L-1", Person: p, Time: at(1)})
			require.NoError(t, err)

			tt.mutate(t, g, &p, &a, res.Person)

			gp, err := g.Person(res.Person)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(wantPerson.Consent, gp.Person.Consent))
			require.Empty(t, cmp.Diff(wantPerson.Attributes, gp.Person.Attributes))
			ga, err := g.Account("acme")
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(wantAccount, ga.Account.Attributes))
			st := g.Snapshot()
			require.Len(t, st.Persons, 1)
			require.Empty(t, cmp.Diff(wantPerson.Consent, st.Persons[0].Record.Person.Consent))
			require.Empty(t, cmp.Diff(wantPerson.Attributes, st.Persons[0].Record.Person.Attributes))
			require.Len(t, st.Accounts, 1)
			require.Empty(t, cmp.Diff(wantAccount, st.Accounts[0].Record.Account.Attributes))
		})
	}
}
