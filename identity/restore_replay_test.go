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

// TestAccountRestoreMergesWhatAReplayMerges: accounts as persons are. A
// state saved by a version that read an identifier of two accounts as
// two values (an address with a combining accent, a domain in Unicode
// and in punycode) holds the accounts apart without listing the
// identifier as one that finds another account. Restore merges them as
// adding the same account records again, in order, does, unless a
// conflict keeps them apart as it would a new record; the persons that
// their references kept apart, which a replay makes one, are one.
func TestAccountRestoreMergesWhatAReplayMerges(t *testing.T) {
	t.Parallel()
	cfg := identity.Config{Namespaces: []identity.NamespaceSpec{
		{Name: "billing", Kind: identity.KindEmail}, {Name: "duns", Unique: true}}}
	billing := func(v string) identity.Identifier { return identity.Identifier{Namespace: "billing", Value: v} }
	duns := func(v string) identity.Identifier { return identity.Identifier{Namespace: "duns", Value: v} }
	acct := func(src b2b.Source, id b2b.AccountID, name string, domains []string, parent b2b.AccountID, h int, ids ...identity.Identifier) identity.AccountState {
		return identity.AccountState{Account: id, Record: identity.AccountRecord{Source: src, Time: at(h), Identifiers: ids,
			Account: b2b.Account{ID: id, Name: name, Domains: domains, ParentID: parent}}}
	}
	contact := func(id, email string, ref b2b.AccountID, unindexed ...identity.Identifier) identity.PersonState {
		return identity.PersonState{Person: b2b.PersonID("salesforce:" + id), Unindexed: unindexed,
			Record: identity.PersonRecord{Source: "salesforce", RecordID: id, Time: at(5), Person: b2b.Person{Email: email, AccountID: ref}}}
	}
	tests := []struct {
		name             string
		accounts         []identity.AccountState
		persons          []identity.PersonState
		wantAccts, wantP int
	}{{
		name: "billing address with a combining accent",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Acme", nil, "", 1, billing("jörg@acme.com")),
			acct("marketo", "M", "Acme Corp", nil, "", 2, billing("jo\u0308rg@acme.com")),
		},
		wantAccts: 1,
	}, {
		name: "domain in Unicode and in punycode",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Bücher", []string{"bücher.de"}, "", 1),
			acct("marketo", "M", "", []string{"xn--bcher-kva.de"}, "", 2),
			acct("dynamics", "D", "Bücher GmbH", []string{"acme.com"}, "", 3),
		},
		persons:   []identity.PersonState{contact("1", "ann@xn--bcher-kva.de", "")},
		wantAccts: 2, wantP: 1,
	}, {
		name: "three accounts, the later ones first",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Acme", []string{"acme.com"}, "", 1),
			acct("marketo", "M", "Acme", []string{"bücher.de"}, "", 2),
			acct("dynamics", "D", "Acme", []string{"acme.com", "xn--bcher-kva.de"}, "", 3),
		},
		wantAccts: 1,
	}, {
		name: "kept apart by their sources",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Acme", []string{"bücher.de"}, "", 1),
			acct("salesforce", "B", "Acme DE", []string{"xn--bcher-kva.de"}, "", 2),
		},
		wantAccts: 2,
	}, {
		name: "kept apart by a unique namespace",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Acme", nil, "", 1, billing("jörg@acme.com"), duns("1")),
			acct("marketo", "M", "Acme", nil, "", 2, billing("jo\u0308rg@acme.com"), duns("2")),
		},
		wantAccts: 2,
	}, {
		name: "persons kept apart by their accounts",
		accounts: []identity.AccountState{
			acct("salesforce", "A", "Acme", nil, "", 1, billing("jörg@acme.com")),
			acct("marketo", "M", "Acme", nil, "", 2, billing("jo\u0308rg@acme.com")),
		},
		persons: []identity.PersonState{
			contact("1", "ann@acme.com", "A"),
			contact("2", "ann@acme.com", "M", identity.Identifier{Namespace: identity.NSEmail, Value: "ann@acme.com"}),
		},
		wantAccts: 1, wantP: 1,
	}, {
		name: "a subsidiary",
		accounts: []identity.AccountState{
			acct("salesforce", "G", "Group", []string{"group.com"}, "", 0),
			acct("salesforce", "A", "Acme", []string{"bücher.de"}, "", 1),
			acct("marketo", "M", "Acme DE", []string{"xn--bcher-kva.de"}, "G", 2),
		},
		persons:   []identity.PersonState{contact("1", "ann@bücher.de", "")},
		wantAccts: 2, wantP: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			replay := newGraph(t, cfg)
			for _, a := range tt.accounts {
				_, err := replay.AddAccount(a.Record)
				require.NoError(t, err)
			}
			for _, p := range tt.persons {
				_, err := replay.AddPerson(p.Record)
				require.NoError(t, err)
			}
			g, err := identity.Restore(cfg, identity.State{Accounts: tt.accounts, Persons: tt.persons})
			require.NoError(t, err)
			requireSameViews(t, replay, g)
			again, err := identity.Restore(cfg, g.Snapshot())
			require.NoError(t, err)
			requireSameViews(t, g, again)
			require.Equal(t, tt.wantAccts, replay.Stats().Accounts)
			require.Equal(t, tt.wantAccts, g.Stats().Accounts)
			require.Equal(t, tt.wantP, g.Stats().Persons)
			for _, a := range tt.accounts {
				// Each former account's ID finds its account.
				want, err := replay.Account(a.Account)
				require.NoError(t, err)
				got, err := g.Account(a.Account)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(want, got))
				wantP, err := replay.Persons(a.Account, true)
				require.NoError(t, err)
				gotP, err := g.Persons(a.Account, true)
				require.NoError(t, err)
				require.Equal(t, wantP, gotP)
			}
		})
	}
}
