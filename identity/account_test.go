package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestAccountAttributesAndUniqueNamespaces merges two account records with
// attributes and a value of a unique namespace, and refuses a third record
// that would bring a second value of it.
func TestAccountAttributesAndUniqueNamespaces(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}})
	duns := func(v string) identity.Identifier { return identity.Identifier{Namespace: "duns", Value: v} }
	add := func(src b2b.Source, a b2b.Account, h int, ids ...identity.Identifier) identity.AccountResult {
		t.Helper()
		res, err := g.AddAccount(identity.AccountRecord{Source: src, Account: a, Identifiers: ids, Time: at(h)})
		require.NoError(t, err)
		return res
	}
	add("marketo", b2b.Account{ID: "mk-1", Name: "Acme", Domains: []string{"acme.com"},
		Attributes: map[string]any{"tier": "gold", "seats": 10}}, 0, duns("111"))
	sf := add("salesforce", b2b.Account{ID: "001A", Name: "Acme Inc", Domains: []string{"acme.com", "acme.io"},
		Attributes: map[string]any{"tier": "platinum"}}, 1, duns("111"))
	require.Equal(t, identity.Joined, sf.Outcome)
	require.Empty(t, sf.Conflicts)

	a, err := g.Account("001A")
	require.NoError(t, err)
	require.Equal(t, map[string]any{"tier": "platinum", "seats": 10}, a.Account.Attributes)
	require.Equal(t, "salesforce", a.Provenance["attributes.tier"].Source)
	require.Equal(t, "marketo", a.Provenance["attributes.seats"].Source)
	require.Equal(t, []string{"acme.com", "acme.io"}, a.Account.Domains)
	require.Contains(t, a.Identifiers, duns("111"))

	// A Dynamics record with the domain but another DUNS number stays apart.
	dyn := add("dynamics", b2b.Account{ID: "dyn-9", Name: "Acme GmbH", Domains: []string{"acme.io"}}, 2, duns("222"))
	require.Equal(t, identity.Created, dyn.Outcome)
	require.Empty(t, cmp.Diff([]identity.Conflict{{
		Kind:       identity.ConflictUniqueNamespace,
		Identifier: identity.Identifier{Namespace: identity.NSAccountDomain, Value: "acme.io"},
		Record:     identity.RecordRef{Source: "dynamics", RecordID: "dyn-9"},
		Kept:       "mk-1", Other: "dyn-9",
		Detail: `duns "111" vs "222"`,
	}}, dyn.Conflicts))
	d, err := g.Account("dyn-9")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("dyn-9"), d.ID)

	// The state round-trips with the attributes and identifiers.
	g2, err := identity.Restore(identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}}, g.Snapshot())
	require.NoError(t, err)
	a2, err := g2.Account("001A")
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(a, a2))
}

// TestWaitingByCompanyNameThroughAMerge has two persons wait for an
// account by company name; they merge, and the account that arrives then
// relinks the merged person once.
func TestWaitingByCompanyNameThroughAMerge(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "crm_key"}}})
	key := identity.Identifier{Namespace: "crm_key", Value: "k-7"}
	p1 := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "M1",
		Person: b2b.Person{Email: "a@gmail.com", Company: "Initech"}})
	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "M2", Identifiers: []identity.Identifier{key},
		Person: b2b.Person{Email: "b@gmail.com", Company: "Initech, LLC"}})
	require.Len(t, g.Unresolved(), 2)
	p3 := addPerson(t, g, identity.PersonRecord{Source: "dynamics", RecordID: "D1", Identifiers: []identity.Identifier{key},
		Person: b2b.Person{Email: "a@gmail.com"}})
	require.Equal(t, p1.Person, p3.Person)
	require.Equal(t, []b2b.PersonID{"marketo:M2"}, p3.Merged)
	u := g.Unresolved()
	require.Len(t, u, 1)
	require.Equal(t, []identity.UnresolvedReason{identity.ReasonFreeMail, identity.ReasonNoCompanyMatch}, u[0].Reasons)

	res := addAccount(t, g, "salesforce", b2b.Account{ID: "001I", Name: "Initech Inc"})
	require.Equal(t, []b2b.PersonID{p1.Person}, res.Relinked)
	links, err := g.Links(p1.Person)
	require.NoError(t, err)
	require.Len(t, links, 1)
	require.Equal(t, identity.MethodCompanyName, links[0].Method)
	require.Equal(t, b2b.AccountID("001I"), links[0].Account)
	require.Empty(t, g.Unresolved())
}

// TestMainDomainChangeMovesThePrimaryLink: of two accounts holding a
// person's email domain, the one whose main domain it is (its oldest
// record's first) holds the primary link; a version that makes it the
// other's main domain moves the link, and says so.
func TestMainDomainChangeMovesThePrimaryLink(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	add := func(a b2b.Account, h int) identity.AccountResult {
		t.Helper()
		res, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: a, Time: at(h)})
		require.NoError(t, err)
		return res
	}
	add(b2b.Account{ID: "001B", Name: "Bee", Domains: []string{"bee.com", "shared.com"}}, 0)
	add(b2b.Account{ID: "001C", Name: "Cee", Domains: []string{"shared.com"}}, 0)
	p := addPerson(t, g, mktoLead("1", "kim@shared.com"))
	links, err := g.Links(p.Person)
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("001C"), links[0].Account)

	// Bee's CRM record now lists shared.com first: its main domain.
	res := add(b2b.Account{ID: "001B", Name: "Bee", Domains: []string{"shared.com"}}, 1)
	require.Equal(t, []b2b.PersonID{p.Person}, res.Relinked)
	links, err = g.Links(p.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]b2b.AccountID{"001B", "001C"}, []b2b.AccountID{links[0].Account, links[1].Account}))
	a, err := g.Account("001B")
	require.NoError(t, err)
	require.Equal(t, []string{"shared.com", "bee.com"}, a.Account.Domains)

	h, err := identity.Restore(identity.Config{}, g.Snapshot())
	require.NoError(t, err)
	restored, err := h.Links(p.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(links, restored))
}

// TestPrimaryLinkDoesNotDependOnTheAccountsOrder: of accounts whose main
// domain is the person's email domain, the lowest account ID holds the
// primary link whichever came first: the order of their arrival is one
// that a store's recovery, which rebuilds the graph from the accounts'
// states, does not keep (it took the first to arrive).
func TestPrimaryLinkDoesNotDependOnTheAccountsOrder(t *testing.T) {
	t.Parallel()
	accounts := []b2b.Account{
		{ID: "globex", Name: "Globex", Domains: []string{"acme.com"}},
		{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}},
	}
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		g := newGraph(t, identity.Config{})
		for _, i := range order {
			_, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: accounts[i], Time: at(0)})
			require.NoError(t, err)
		}
		p := addPerson(t, g, mktoLead("1", "victor@acme.com"))
		links, err := g.Links(p.Person)
		require.NoError(t, err)
		require.Equal(t, []b2b.AccountID{"acme", "globex"}, []b2b.AccountID{links[0].Account, links[1].Account}, "accounts added in order %v", order)
		require.True(t, links[0].Primary)
	}
}

// TestAccountIDThatFindsAnAccountItCannotJoin: a record whose account ID
// finds a golden account it cannot be merged with (another record of its
// source, another value of a unique namespace) is refused, and the graph
// is as it was: the two would be two golden accounts known by one ID.
func TestAccountIDThatFindsAnAccountItCannotJoin(t *testing.T) {
	t.Parallel()
	duns := func(v string) identity.Identifier { return identity.Identifier{Namespace: "duns", Value: v} }
	rec := func(src b2b.Source, rid string, a b2b.Account, h int, ids ...identity.Identifier) identity.AccountRecord {
		return identity.AccountRecord{Source: src, RecordID: rid, Account: a, Identifiers: ids, Time: at(h)}
	}
	tests := []struct {
		name    string
		before  []identity.AccountRecord
		rec     identity.AccountRecord
		wantErr string // empty: the record is taken
	}{{
		name:    "a new record of the source that holds the ID",
		before:  []identity.AccountRecord{rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0)},
		rec:     rec("salesforce", "co-2", b2b.Account{ID: "A", Name: "Acme Europe"}, 1),
		wantErr: `account record salesforce:co-2: account.id: "A" finds account A, which the record cannot join (both hold a salesforce record): one ID cannot name two accounts`,
	}, {
		name: "a record of the source renamed to the ID of another",
		before: []identity.AccountRecord{
			rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0),
			rec("salesforce", "co-2", b2b.Account{ID: "B", Name: "Bee"}, 0),
		},
		rec:     rec("salesforce", "co-2", b2b.Account{ID: "A", Name: "Bee"}, 1),
		wantErr: `account record salesforce:co-2: account.id: "A" finds account A, which the record cannot join (both hold a salesforce record): one ID cannot name two accounts`,
	}, {
		name: "the former ID of an account of the source",
		before: []identity.AccountRecord{
			rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0),
			rec("salesforce", "co-1", b2b.Account{ID: "B", Name: "Acme"}, 1),
		},
		rec:     rec("salesforce", "co-2", b2b.Account{ID: "A", Name: "Acme Europe"}, 2),
		wantErr: `account record salesforce:co-2: account.id: "A" finds account B, which the record cannot join (both hold a salesforce record): one ID cannot name two accounts`,
	}, {
		name:    "another value of a unique namespace",
		before:  []identity.AccountRecord{rec("marketo", "mk-1", b2b.Account{ID: "mk-1", Name: "Acme"}, 0, duns("111"))},
		rec:     rec("dynamics", "dyn-9", b2b.Account{ID: "mk-1", Name: "Acme GmbH"}, 1, duns("222")),
		wantErr: `account record dynamics:dyn-9: account.id: "mk-1" finds account mk-1, which the record cannot join (duns "111" vs "222"): one ID cannot name two accounts`,
	}, {
		name:   "a record of another source joins the account its ID finds",
		before: []identity.AccountRecord{rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0)},
		rec:    rec("hubspot", "h-1", b2b.Account{ID: "A", Name: "Acme"}, 1),
	}, {
		name:   "a new version of the record that holds the ID",
		before: []identity.AccountRecord{rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme"}, 0)},
		rec:    rec("salesforce", "co-1", b2b.Account{ID: "A", Name: "Acme Corp"}, 1),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}})
			for _, r := range tt.before {
				_, err := g.AddAccount(r)
				require.NoError(t, err)
			}
			before := g.Snapshot()
			res, err := g.AddAccount(tt.rec)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.Empty(t, res.Conflicts)
				require.Equal(t, tt.rec.Account.ID, res.Account)
				return
			}
			require.EqualError(t, err, tt.wantErr)
			require.Empty(t, cmp.Diff(before, g.Snapshot()))
			require.Equal(t, 1, g.Stats().Rejected["account.id"])
		})
	}
}

// TestLookupAccount: an account identifier finds the golden account that
// held it first, a conflict keeping it from the account that brought it
// later, and the account a record's account merged into; Restore keeps
// each identifier with its account.
func TestLookupAccount(t *testing.T) {
	t.Parallel()
	cfg := identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}}
	g := newGraph(t, cfg)
	addAccount(t, g, "salesforce", b2b.Account{ID: "gx-uk", Name: "Globex UK", Domains: []string{"globex.com"}})
	de := addAccount(t, g, "salesforce", b2b.Account{ID: "gx-de", Name: "Globex DE", Domains: []string{"globex.com", "globex.de"}},
		identity.Identifier{Namespace: "duns", Value: "222"})
	require.Len(t, de.Conflicts, 1, "the shared domain stays with gx-uk")
	mk := addAccount(t, g, "marketo", b2b.Account{ID: "mk-1", Name: "Globex", Domains: []string{"globex.co.uk"}},
		identity.Identifier{Namespace: identity.NSAccountID, Value: "gx-uk"})
	require.Equal(t, identity.Joined, mk.Outcome)
	addPerson(t, g, sfContact("0035e00000AAAAA", "kim@globex.com", "gx-uk"))

	tests := []struct {
		name string
		in   identity.Identifier
		want b2b.AccountID // "" for no account
	}{
		{"a domain two accounts carry", identity.Identifier{Namespace: identity.NSAccountDomain, Value: "globex.com"}, "gx-uk"},
		{"a domain normalised", identity.Identifier{Namespace: identity.NSAccountDomain, Value: " WWW.Globex.DE"}, "gx-de"},
		{"an account's own ID", identity.Identifier{Namespace: identity.NSAccountID, Value: "gx-de"}, "gx-de"},
		{"the ID of a record merged in", identity.Identifier{Namespace: identity.NSAccountID, Value: "mk-1"}, "gx-uk"},
		{"the domain of a record merged in", identity.Identifier{Namespace: identity.NSAccountDomain, Value: "globex.co.uk"}, "gx-uk"},
		{"a custom namespace", identity.Identifier{Namespace: "duns", Value: "222"}, "gx-de"},
		{"a domain no account holds", identity.Identifier{Namespace: identity.NSAccountDomain, Value: "initech.com"}, ""},
		{"a person's identifier", identity.Identifier{Namespace: identity.NSEmail, Value: "kim@globex.com"}, ""},
		{"an unknown namespace", identity.Identifier{Namespace: "sfdc_id", Value: "gx-uk"}, ""},
		{"an empty value", identity.Identifier{Namespace: identity.NSAccountID}, ""},
	}
	h, err := identity.Restore(cfg, g.Snapshot())
	require.NoError(t, err)
	for _, tt := range tests {
		// Not in parallel: a Graph is not safe for concurrent use.
		t.Run(tt.name, func(t *testing.T) {
			for name, g := range map[string]*identity.Graph{"graph": g, "restored": h} {
				got, ok := g.LookupAccount(tt.in)
				require.Equal(t, tt.want != "", ok, name)
				require.Equal(t, tt.want, got, name)
			}
		})
	}
}
