package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestRestoreMergesWhatAReplayMerges: a state saved by a version that
// normalised an identifier otherwise (before an email's local part was
// in NFC, "jo\u0308rg@acme.com" and "jörg@acme.com" were two addresses)
// holds apart persons whose identifiers are now one, and does not list
// the identifier as one that finds another person (the saving version
// saw none). Restore links them as adding the same records again does:
// the graph restored is the graph replayed, one person for one address,
// unless a conflict keeps them apart as it would a new record.
func TestRestoreMergesWhatAReplayMerges(t *testing.T) {
	t.Parallel()
	rec := func(src b2b.Source, id, email string, acct b2b.AccountID, h int) identity.PersonRecord {
		return identity.PersonRecord{Source: src, RecordID: id, Time: at(h), Person: b2b.Person{Email: email, AccountID: acct}}
	}
	lead := func(id, email string, h int) identity.PersonRecord {
		r := mktoLead(id, email)
		r.Time = at(h)
		return r
	}
	tests := []struct {
		name     string
		accounts []identity.AccountRecord
		persons  []identity.PersonState
		want     int // golden persons
	}{{
		name: "address with a combining accent",
		persons: []identity.PersonState{
			{Person: "marketo:1", Record: rec("marketo", "1", "jörg@acme.com", "", 1)},
			{Person: "salesforce:c-1", Record: rec("salesforce", "c-1", "jo\u0308rg@acme.com", "", 2)},
		},
		want: 1,
	}, {
		name: "three records, the later one first",
		persons: []identity.PersonState{
			{Person: "marketo:1", Record: rec("marketo", "1", "ann@acme.com", "", 1)},
			{Person: "marketo:2", Record: lead("2", "jo\u0308rg@acme.com", 3)},
			{Person: "marketo:2", Record: identity.PersonRecord{Source: "salesforce", RecordID: "c-2", Time: at(1),
				Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "2"}}}},
			{Person: "marketo:3", Record: rec("marketo", "3", "jörg@acme.com", "", 2)},
		},
		want: 2,
	}, {
		name: "as an identifier",
		persons: []identity.PersonState{
			{Person: "marketo:1", Record: identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(1),
				Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "jo\u0308rg@acme.com"}}}},
			{Person: "salesforce:c-1", Record: rec("salesforce", "c-1", "jörg@acme.com", "", 2)},
		},
		want: 1,
	}, {
		name: "kept apart by their accounts",
		accounts: []identity.AccountRecord{
			{Source: "salesforce", Account: b2b.Account{ID: "A", Name: "Acme"}, Time: at(0)},
			{Source: "salesforce", Account: b2b.Account{ID: "B", Name: "Bee"}, Time: at(0)},
		},
		persons: []identity.PersonState{
			{Person: "salesforce:1", Record: rec("salesforce", "1", "jörg@acme.com", "A", 1)},
			{Person: "salesforce:2", Record: rec("salesforce", "2", "jo\u0308rg@acme.com", "B", 2)},
		},
		want: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := identity.State{Persons: tt.persons}
			replay := newGraph(t, identity.Config{})
			for _, a := range tt.accounts {
				st.Accounts = append(st.Accounts, identity.AccountState{Record: a, Account: a.Account.ID})
				_, err := replay.AddAccount(a)
				require.NoError(t, err)
			}
			for _, p := range tt.persons {
				_, err := replay.AddPerson(p.Record)
				require.NoError(t, err)
			}
			g, err := identity.Restore(identity.Config{}, st)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(replay.Snapshot(), g.Snapshot()))
			require.Equal(t, tt.want, g.Stats().Persons)
			require.Equal(t, tt.want, replay.Stats().Persons)
			for _, p := range tt.persons {
				want, ok := replay.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "jörg@acme.com"})
				require.True(t, ok)
				got, ok := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "jörg@acme.com"})
				require.True(t, ok)
				require.Equal(t, want, got)
				// Each former person's ID finds its person.
				wantP, err := replay.Person(p.Person)
				require.NoError(t, err)
				gotP, err := g.Person(p.Person)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(wantP, gotP))
			}
		})
	}
}
