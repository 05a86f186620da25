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
// account for each account ID, the same links for each person, and the
// same results for the records that arrive next.
func TestRestoreAnswersAsTheGraph(t *testing.T) {
	t.Parallel()
	type op struct {
		acct   *identity.AccountRecord
		person *identity.PersonRecord
		erase  b2b.PersonID
	}
	acct := func(src b2b.Source, rid string, a b2b.Account, h int, ids ...identity.Identifier) op {
		return op{acct: &identity.AccountRecord{Source: src, RecordID: rid, Account: a, Identifiers: ids, Time: at(h)}}
	}
	person := func(r identity.PersonRecord, h int) op {
		r.Time = at(h)
		return op{person: &r}
	}
	email := func(v string) identity.Identifier { return identity.Identifier{Namespace: identity.NSEmail, Value: v} }
	tests := []struct {
		name     string
		ops      []op
		idents   []identity.Identifier // looked up as persons
		accounts []b2b.AccountID       // looked up as accounts
		after    []op                  // applied to both graphs, with the same results
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
	}, {
		// A contact that takes another contact's email keeps its own
		// person: the email stays with the contact that held it first,
		// though that contact arrived later.
		name: "email kept by its first holder",
		ops: []op{
			person(sfContact("0035e00000AAAAA", "ann@acme.com", ""), 1),
			person(sfContact("0035e00000BBBBB", "bob@acme.com", ""), 1),
			person(sfContact("0035e00000AAAAA", "bob@acme.com", ""), 2),
		},
		idents: []identity.Identifier{email("ann@acme.com"), email("bob@acme.com")},
		after:  []op{person(mktoLead("7", "bob@acme.com"), 3)},
	}, {
		// Two persons of two accounts share an email, which stays with
		// the one that held it first, whose ID comes second: so it does
		// after Restore, and a lead with the email joins that one.
		name: "email kept by its first holder of another account",
		ops: []op{
			acct("salesforce", "A", b2b.Account{ID: "A", Name: "Acme"}, 0),
			acct("salesforce", "B", b2b.Account{ID: "B", Name: "Bee"}, 0),
			person(identity.PersonRecord{Source: "salesforce", RecordID: "2", Person: b2b.Person{Email: "desk@acme.com", AccountID: "B"}}, 1),
			person(identity.PersonRecord{Source: "salesforce", RecordID: "1", Person: b2b.Person{Email: "desk@acme.com", AccountID: "A"}}, 1),
		},
		idents: []identity.Identifier{email("desk@acme.com")},
		after:  []op{person(mktoLead("7", "desk@acme.com"), 3)},
	}, {
		// The holder of an email is erased: the email goes to the other
		// contact, whose record gives it, and finds it after Restore too.
		name: "email of an erased holder",
		ops: []op{
			person(sfContact("0035e00000AAAAA", "ann@acme.com", ""), 1),
			person(sfContact("0035e00000BBBBB", "ann@acme.com", ""), 1),
			{erase: "salesforce:0035e00000AAAAA"},
		},
		idents: []identity.Identifier{email("ann@acme.com")},
		after:  []op{person(mktoLead("7", "ann@acme.com"), 3)},
	}, {
		// Two Salesforce accounts are not merged: the account ID and the
		// domain that the older record took later stay with the account
		// that held them first.
		name: "account ID and domain kept by their first holder",
		ops: []op{
			acct("salesforce", "co-1", b2b.Account{ID: "B", Name: "Bee"}, 0),
			acct("salesforce", "A", b2b.Account{ID: "A", Name: "Acme", Domains: []string{"acme.com"}}, 0),
			acct("salesforce", "co-1", b2b.Account{ID: "B", Name: "Bee", Domains: []string{"acme.com"}}, 1,
				identity.Identifier{Namespace: identity.NSAccountID, Value: "A"}),
			person(identity.PersonRecord{Source: "marketo", RecordID: "1", Person: b2b.Person{Email: "x@gmail.com", AccountID: "A"}}, 2),
		},
		accounts: []b2b.AccountID{"A", "B"},
		after:    []op{acct("hubspot", "h1", b2b.Account{ID: "h1", Name: "Acme", Domains: []string{"acme.com"}}, 3)},
	}, {
		// A record's versions name two contacts: the record holds both,
		// though one version may name only one.
		name: "a record's versions with two values of a unique namespace",
		ops: []op{
			person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"}}}, 1),
			person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000BBBBB"}}}, 2),
		},
		idents: []identity.Identifier{
			{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"},
			{Namespace: identity.NSSalesforceContactID, Value: "0035e00000BBBBB"},
		},
		after: []op{person(sfContact("0035e00000BBBBB", "ann@acme.com", ""), 3)},
	}, {
		// A version's email is an identifier an earlier version gave.
		name: "email that was an identifier",
		ops: []op{
			person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com"},
				Identifiers: []identity.Identifier{email("a.lee@acme.com")}}, 1),
			person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "a.lee@acme.com"}}, 2),
		},
		idents: []identity.Identifier{email("ann@acme.com"), email("a.lee@acme.com")},
		after:  []op{person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "al@acme.com"}}, 3)},
	}, {
		// Two accounts hold a person's email domain; the primary link is
		// to the one whose main domain it is. The oldest record of the
		// other took a domain of its own after a younger record brought
		// the person's domain.
		name: "main domain of an account",
		ops: []op{
			acct("salesforce", "B", b2b.Account{ID: "B", Name: "Bee"}, 0),
			acct("salesforce", "C", b2b.Account{ID: "C", Name: "Cee", Domains: []string{"eu.acme.com"}}, 0),
			acct("marketo", "m1", b2b.Account{ID: "m1", Name: "Bee", Domains: []string{"eu.acme.com"}}, 0,
				identity.Identifier{Namespace: identity.NSAccountID, Value: "B"}),
			acct("salesforce", "B", b2b.Account{ID: "B", Name: "Bee", Domains: []string{"acme.com"}}, 1),
			person(mktoLead("7", "cy@eu.acme.com"), 2),
		},
		accounts: []b2b.AccountID{"B", "C"},
	}, {
		// An account's domains come from three records, the oldest
		// without any.
		name: "domains of three records",
		ops: []op{
			acct("salesforce", "A", b2b.Account{ID: "A", Name: "Acme"}, 0),
			acct("marketo", "m1", b2b.Account{ID: "m1", Name: "Acme", Domains: []string{"acme.io"}}, 0,
				identity.Identifier{Namespace: identity.NSAccountID, Value: "A"}),
			acct("hubspot", "h1", b2b.Account{ID: "h1", Name: "Acme", Domains: []string{"acme.com"}}, 0,
				identity.Identifier{Namespace: identity.NSAccountID, Value: "A"}),
			acct("dynamics", "d1", b2b.Account{ID: "d1", Name: "Acme Labs", Domains: []string{"acme.com"}}, 0),
			person(mktoLead("7", "kim@acme.com"), 2),
		},
		accounts: []b2b.AccountID{"A", "d1"},
	}, {
		// Two persons of two records each, one record of each with an
		// account reference besides its account field, merged by a fifth
		// record: the references count in the order their records
		// arrived, not in the order the records merged (which Restore
		// does otherwise), so the primary link stays the same.
		name: "account references of merged persons",
		ops: []op{
			acct("salesforce", "A", b2b.Account{ID: "A", Name: "Acme"}, 0),
			acct("salesforce", "B", b2b.Account{ID: "B", Name: "Bee"}, 0),
			person(mktoLead("1", "ann@gmail.com"), 1),
			person(identity.PersonRecord{Source: "marketo", RecordID: "2", Person: b2b.Person{Email: "bob@gmail.com"},
				OtherAccounts: []b2b.AccountID{"B"}}, 1),
			person(identity.PersonRecord{Source: "marketo", RecordID: "3", Person: b2b.Person{Email: "cy@gmail.com"},
				OtherAccounts: []b2b.AccountID{"A"}, Identifiers: []identity.Identifier{email("ann@gmail.com")}}, 1),
			person(identity.PersonRecord{Source: "marketo", RecordID: "4", Person: b2b.Person{Email: "dee@gmail.com"},
				Identifiers: []identity.Identifier{email("bob@gmail.com")}}, 1),
			person(identity.PersonRecord{Source: "marketo", RecordID: "5", Person: b2b.Person{Email: "eve@gmail.com"},
				Identifiers: []identity.Identifier{email("ann@gmail.com"), email("bob@gmail.com")}}, 1),
		},
		after: []op{person(identity.PersonRecord{Source: "marketo", RecordID: "6", Person: b2b.Person{Email: "fay@gmail.com"},
			Identifiers: []identity.Identifier{email("eve@gmail.com")}}, 2)},
	}, {
		// Two accounts that each hold a Marketo and a HubSpot record are
		// not merged by a domain they share: the conflict names the
		// same source, whatever order the graph took the sources in.
		name: "sources two accounts both hold",
		ops: []op{
			acct("salesforce", "A", b2b.Account{ID: "A", Name: "Acme", Domains: []string{"acme.com"}}, 0),
			acct("marketo", "m1", b2b.Account{ID: "m1", Name: "Acme"}, 0, identity.Identifier{Namespace: identity.NSAccountID, Value: "A"}),
			acct("hubspot", "h1", b2b.Account{ID: "h1", Name: "Acme"}, 0, identity.Identifier{Namespace: identity.NSAccountID, Value: "A"}),
			acct("marketo", "m2", b2b.Account{ID: "m2", Name: "Acme Labs"}, 0),
			acct("hubspot", "h2", b2b.Account{ID: "h2", Name: "Acme Labs"}, 0, identity.Identifier{Namespace: identity.NSAccountID, Value: "m2"}),
		},
		accounts: []b2b.AccountID{"A", "m2"},
		after:    []op{acct("marketo", "m2", b2b.Account{ID: "m2", Name: "Acme Labs", Domains: []string{"acme.com"}}, 1)},
	}, {
		// A person with a Salesforce and a Dynamics contact, and a
		// record that names two others: the conflict names the same
		// pair of contacts, whatever order the person took them in.
		name: "contacts of two unique namespaces",
		ops: []op{
			person(mktoLead("1", "ann@acme.com"), 1),
			person(identity.PersonRecord{Source: "forms", RecordID: "f1", Person: b2b.Person{Email: "ann@acme.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AAAAA"}}}, 1),
			person(identity.PersonRecord{Source: "forms", RecordID: "f2", Person: b2b.Person{Email: "ann@acme.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSDynamicsContactID, Value: "6f1c0a6e-8d1b-4c1e-9a51-000000000001"}}}, 1),
		},
		idents: []identity.Identifier{email("ann@acme.com")},
		after: []op{person(identity.PersonRecord{Source: "forms", RecordID: "f3", Person: b2b.Person{Email: "ann@acme.com"},
			Identifiers: []identity.Identifier{
				{Namespace: identity.NSSalesforceContactID, Value: "0035e00000BBBBB"},
				{Namespace: identity.NSDynamicsContactID, Value: "6f1c0a6e-8d1b-4c1e-9a51-000000000002"},
			}}, 2)},
	}}
	apply := func(t *testing.T, g *identity.Graph, o op) any {
		t.Helper()
		var res any
		var err error
		switch {
		case o.acct != nil:
			res, err = g.AddAccount(*o.acct)
		case o.person != nil:
			res, err = g.AddPerson(*o.person)
		default:
			res, err = g.Erase(o.erase)
		}
		require.NoError(t, err)
		return res
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			var persons []b2b.PersonID
			for _, o := range tt.ops {
				if res, ok := apply(t, g, o).(identity.PersonResult); ok {
					persons = append(persons, res.Person)
				}
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
				want, werr := g.Links(p)
				got, gerr := h.Links(p)
				require.Equal(t, werr, gerr, p)
				require.Empty(t, cmp.Diff(want, got), p)
			}
			for _, o := range tt.after {
				require.Empty(t, cmp.Diff(apply(t, g, o), apply(t, h, o)))
			}
		})
	}
}

// requireSameViews requires that two graphs answer alike for every
// golden record their snapshots name: the golden persons and accounts
// (their identifiers, records and domains in order), the unresolved
// persons, the match rate and the snapshot itself.
func requireSameViews(t *testing.T, want, got *identity.Graph) {
	t.Helper()
	ws, gs := want.Snapshot(), got.Snapshot()
	require.Empty(t, cmp.Diff(ws, gs), "snapshot (-want +got)")
	for _, s := range ws.Persons {
		w, werr := want.Person(s.Person)
		g, gerr := got.Person(s.Person)
		require.NoError(t, werr)
		require.NoError(t, gerr)
		require.Empty(t, cmp.Diff(w, g), "person %s (-want +got)", s.Person)
	}
	for _, s := range ws.Accounts {
		w, werr := want.Account(s.Account)
		g, gerr := got.Account(s.Account)
		require.NoError(t, werr)
		require.NoError(t, gerr)
		require.Empty(t, cmp.Diff(w, g), "account %s (-want +got)", s.Account)
	}
	require.Empty(t, cmp.Diff(want.Unresolved(), got.Unresolved()), "unresolved (-want +got)")
	require.Equal(t, want.MatchRate(), got.MatchRate())
}

// TestRestoreKeepsTheOrderOfIdentifiers: the identifiers of a record and
// of a golden record read in the same order from a restored graph as
// from the graph, and stay so through the versions that arrive next,
// though the records merged in another order than they arrived, took
// identifiers over several versions, and made an identifier their email.
func TestRestoreKeepsTheOrderOfIdentifiers(t *testing.T) {
	t.Parallel()
	email := func(v string) identity.Identifier { return identity.Identifier{Namespace: identity.NSEmail, Value: v} }
	lead := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSSalesforceLeadID, Value: v}
	}
	mkto := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSMarketoPersonID, Value: v}
	}
	acctID := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSAccountID, Value: v}
	}
	person := func(src b2b.Source, rid, mail string, h int, ids ...identity.Identifier) identity.PersonRecord {
		return identity.PersonRecord{Source: src, RecordID: rid, Person: b2b.Person{Email: mail, Company: "Acme"}, Identifiers: ids, Time: at(h)}
	}
	account := func(src b2b.Source, rid string, id b2b.AccountID, domains []string, h int, ids ...identity.Identifier) identity.AccountRecord {
		return identity.AccountRecord{Source: src, RecordID: rid, Identifiers: ids, Time: at(h),
			Account: b2b.Account{ID: id, Name: "Acme", Domains: domains}}
	}
	type step struct {
		person *identity.PersonRecord
		acct   *identity.AccountRecord
	}
	p := func(r identity.PersonRecord) step { return step{person: &r} }
	a := func(r identity.AccountRecord) step { return step{acct: &r} }
	tests := []struct {
		name          string
		before, after []step
	}{{
		name: "an identifier made the email, then another email",
		before: []step{
			p(person("forms", "f1", "ann@acme.com", 1, email("a.lee@acme.com"), mkto("7"))),
			p(person("forms", "f1", "a.lee@acme.com", 2)),
		},
		after: []step{
			p(person("forms", "f1", "al@acme.com", 3)),
			p(person("forms", "f1", "ann@acme.com", 4, lead("00Q5e00000AAAAA"))),
		},
	}, {
		name: "the first identifier made the email, of a person merged later",
		before: []step{
			p(person("marketo", "2", "zed@acme.com", 1, mkto("2"))),
			p(person("forms", "f1", "ann@acme.com", 1, email("bob@acme.com"))),
			p(person("forms", "f1", "bob@acme.com", 2, email("zed@acme.com"))),
		},
		after: []step{
			p(person("forms", "f1", "cy@acme.com", 3)),
			p(person("salesforce", "00Q5e00000AAAAA", "cy@acme.com", 3, lead("00Q5e00000AAAAA"))),
		},
	}, {
		name: "domains and IDs of accounts merged out of order",
		before: []step{
			a(account("hubspot", "h1", "h1", []string{"acme.de"}, 0)),
			a(account("marketo", "m1", "m1", []string{"acme.io", "acme.net"}, 0)),
			a(account("salesforce", "co-1", "A", []string{"acme.com"}, 0, acctID("m1"))),
			a(account("salesforce", "co-1", "B", []string{"acme.org"}, 1, acctID("h1"))),
		},
		after: []step{
			a(account("salesforce", "co-1", "A", []string{"acme.fr"}, 2)),
			a(account("hubspot", "h1", "h1", []string{"acme.com", "acme.ch"}, 2)),
			p(person("marketo", "1", "kim@acme.ch", 3)),
		},
	}}
	apply := func(t *testing.T, g *identity.Graph, s step) any {
		t.Helper()
		if s.acct != nil {
			res, err := g.AddAccount(*s.acct)
			require.NoError(t, err)
			return res
		}
		res, err := g.AddPerson(*s.person)
		require.NoError(t, err)
		return res
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			for _, s := range tt.before {
				apply(t, g, s)
			}
			h, err := identity.Restore(identity.Config{}, g.Snapshot())
			require.NoError(t, err)
			requireSameViews(t, g, h)
			for i, s := range tt.after {
				require.Empty(t, cmp.Diff(apply(t, g, s), apply(t, h, s)), "after[%d]", i)
				requireSameViews(t, g, h)
			}
		})
	}
}

// TestRestoreRefusesARecordTwice: a state that holds one source record
// twice, in one golden record or in two, is refused with the place of the
// second: restored, the record would be two, one of them unreachable by
// its name, and the person or account it belongs to would be a guess.
func TestRestoreRefusesARecordTwice(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, b2b.SourceSalesforce, acme())
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "globex", Name: "Globex"})
	addPerson(t, g, mktoLead("1", "ann@acme.com"))
	addPerson(t, g, mktoLead("2", "bob@acme.com"))
	tests := []struct {
		name string
		edit func(st *identity.State)
		want string
	}{{
		name: "a person record twice in its person",
		edit: func(st *identity.State) { st.Persons = append(st.Persons, st.Persons[0]) },
		want: `identity state: persons[2].record: person record marketo:1 is persons[0] already`,
	}, {
		name: "a person record in two persons",
		edit: func(st *identity.State) {
			st.Persons = append(st.Persons, identity.PersonState{Record: st.Persons[0].Record, Person: st.Persons[1].Person})
		},
		want: `identity state: persons[2].record: person record marketo:1 is persons[0] already`,
	}, {
		name: "an account record twice",
		edit: func(st *identity.State) {
			st.Accounts = append(st.Accounts, identity.AccountState{Record: st.Accounts[0].Record, Account: st.Accounts[1].Account})
		},
		want: `identity state: accounts[2].record: account record salesforce:acme is accounts[0] already`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := g.Snapshot()
			tt.edit(&st)
			_, err := identity.Restore(identity.Config{}, st)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.EqualError(t, err, tt.want)
		})
	}
}
