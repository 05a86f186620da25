package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestRestoreAnswersAsTheGraph: a graph restored from its snapshot answers
// as the graph did: the same person for each identifier, the same golden
// account for each account ID, the same links for each person.
func TestRestoreAnswersAsTheGraph(t *testing.T) {
	t.Parallel()
	type op struct {
		acct   *identity.AccountRecord
		person *identity.PersonRecord
	}
	acct := func(src b2b.Source, rid string, a b2b.Account, h int, ids ...identity.Identifier) op {
		return op{acct: &identity.AccountRecord{Source: src, RecordID: rid, Account: a, Identifiers: ids, Time: at(h)}}
	}
	person := func(r identity.PersonRecord, h int) op {
		r.Time = at(h)
		return op{person: &r}
	}
	tests := []struct {
		name     string
		ops      []op
		idents   []identity.Identifier // looked up as persons
		accounts []b2b.AccountID       // looked up as accounts
	}{{
		// A new version of an account's record with another ID: the
		// former ID names the account still.
		name: "renamed account",
		ops: []op{
			acct("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0),
			acct("salesforce", "co-1", b2b.Account{ID: "B", Name: "Acme"}, 1),
			person(identity.PersonRecord{Source: "marketo", RecordID: "1", Person: b2b.Person{Email: "x@gmail.com", AccountID: "A"}}, 2),
		},
		accounts: []b2b.AccountID{"A", "B"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			var persons []b2b.PersonID
			for _, o := range tt.ops {
				if o.acct != nil {
					_, err := g.AddAccount(*o.acct)
					require.NoError(t, err)
					continue
				}
				res, err := g.AddPerson(*o.person)
				require.NoError(t, err)
				persons = append(persons, res.Person)
			}
			st := g.Snapshot()
			h, err := identity.Restore(identity.Config{}, st)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(st, h.Snapshot()))
			for _, id := range tt.idents {
				want, wok := g.Lookup(id)
				got, gok := h.Lookup(id)
				require.Equal(t, wok, gok, id)
				require.Equal(t, want, got, id)
			}
			for _, a := range tt.accounts {
				want, werr := g.Account(a)
				got, gerr := h.Account(a)
				require.NoError(t, werr, a)
				require.NoError(t, gerr, a)
				require.Empty(t, cmp.Diff(want, got), a)
			}
			for _, p := range persons {
				want, err := g.Links(p)
				require.NoError(t, err)
				got, err := h.Links(p)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(want, got), p)
			}
		})
	}
}
