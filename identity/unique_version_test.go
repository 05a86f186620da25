package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// The Salesforce contact IDs and DUNS numbers of the tests of new values
// of unique namespaces.
const (
	uvC1 = "0035e00000AAAAA"
	uvC2 = "0035e00000BBBBB"
)

func uvContact(v string) identity.Identifier {
	return identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: v}
}

func uvDuns(v string) identity.Identifier { return identity.Identifier{Namespace: "duns", Value: v} }

func uvEmail(v string) identity.Identifier {
	return identity.Identifier{Namespace: identity.NSEmail, Value: v}
}

// uvPerson is a person record at hour h with an email and identifiers.
func uvPerson(src b2b.Source, id, email string, h int, ids ...identity.Identifier) *identity.PersonRecord {
	return &identity.PersonRecord{Source: src, RecordID: id, Identifiers: ids, Person: b2b.Person{Email: email}, Time: at(h)}
}

// uvAccount is an account record at hour h with identifiers.
func uvAccount(src b2b.Source, id b2b.AccountID, h int, ids ...identity.Identifier) *identity.AccountRecord {
	return &identity.AccountRecord{Source: src, Identifiers: ids, Account: b2b.Account{ID: id, Name: "Acme " + string(id)}, Time: at(h)}
}

// uvStep is a record to add and the conflicts adding it reports.
type uvStep struct {
	person    *identity.PersonRecord
	account   *identity.AccountRecord
	conflicts []identity.Conflict
}

// TestNewVersionReplacesUniqueValue: a new version of a record that gives
// another value of a unique namespace than its older version (a Marketo
// lead re-synced to another Salesforce contact, an account whose DUNS
// number is corrected) replaces the old value: the golden record no
// longer holds it, is not found by it, and a later record that gives it
// becomes or joins another golden record without a conflict; unless
// another record of the golden record still gives it, which then keeps
// it and refuses the new value with a conflict. Non-unique namespaces
// accumulate. The graph answers the same through AddPersons, after
// Restore, and erases as before.
func TestNewVersionReplacesUniqueValue(t *testing.T) {
	t.Parallel()
	duns := identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}}
	uniqueEmail := identity.Config{Namespaces: []identity.NamespaceSpec{{Name: identity.NSEmail, Unique: true}}}
	refused := func(id identity.Identifier, rec identity.RecordRef, golden, kept string) identity.Conflict {
		return identity.Conflict{Kind: identity.ConflictUniqueNamespace, Identifier: id, Record: rec, Kept: golden, Other: golden,
			Detail: string(id.Namespace) + ` "` + kept + `" vs "` + id.Value + `"`}
	}
	tests := []struct {
		name  string
		cfg   identity.Config
		steps []uvStep
		// found maps identifiers to the golden person (or account, for
		// accounts) they find, "" for none.
		found map[identity.Identifier]string
		// idents maps golden records to their identifiers.
		idents    map[string][]identity.Identifier
		conflicts int // Stats().Conflicts[unique_namespace]
	}{{
		name: "a lead re-synced to another contact",
		steps: []uvStep{
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2))},
			{person: uvPerson("salesforce", uvC1, "bob@acme.com", 3, uvContact(uvC1))},
		},
		found: map[identity.Identifier]string{
			uvContact(uvC1): "salesforce:" + uvC1, uvContact(uvC2): "marketo:L-1",
			uvEmail("ann@acme.com"): "marketo:L-1", uvEmail("bob@acme.com"): "salesforce:" + uvC1,
		},
		idents: map[string][]identity.Identifier{"marketo:L-1": {uvEmail("ann@acme.com"), uvContact(uvC2)}},
	}, {
		name: "a record with the old value and the person's email conflicts with the new value",
		steps: []uvStep{
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2))},
			{person: uvPerson("salesforce", uvC1, "ann@acme.com", 3, uvContact(uvC1)), conflicts: []identity.Conflict{{
				Kind: identity.ConflictUniqueNamespace, Identifier: uvEmail("ann@acme.com"),
				Record: identity.RecordRef{Source: "salesforce", RecordID: uvC1}, Kept: "marketo:L-1", Other: "salesforce:" + uvC1,
				Detail: `salesforce_contact_id "` + uvC2 + `" vs "` + uvC1 + `"`,
			}}},
		},
		found:     map[identity.Identifier]string{uvContact(uvC1): "salesforce:" + uvC1, uvContact(uvC2): "marketo:L-1"},
		conflicts: 1,
	}, {
		name: "a lead re-synced to a contact another person holds joins it",
		steps: []uvStep{
			{person: uvPerson("salesforce", uvC2, "bob@acme.com", 1, uvContact(uvC2))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2))},
		},
		found: map[identity.Identifier]string{
			uvContact(uvC1): "", uvContact(uvC2): "salesforce:" + uvC2, uvEmail("ann@acme.com"): "salesforce:" + uvC2,
		},
		idents: map[string][]identity.Identifier{"salesforce:" + uvC2: {
			uvEmail("ann@acme.com"), uvEmail("bob@acme.com"), uvContact(uvC2),
		}},
	}, {
		name: "the old value another record still gives stays, and the new one is refused",
		steps: []uvStep{
			{person: uvPerson("salesforce", uvC1, "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2)), conflicts: []identity.Conflict{
				refused(uvContact(uvC2), identity.RecordRef{Source: "marketo", RecordID: "L-1"}, "salesforce:"+uvC1, uvC1),
			}},
			{person: uvPerson("forms", "f-1", "", 3, uvContact(uvC1))},
		},
		found: map[identity.Identifier]string{uvContact(uvC1): "salesforce:" + uvC1, uvContact(uvC2): ""},
		idents: map[string][]identity.Identifier{"salesforce:" + uvC1: {
			uvEmail("ann@acme.com"), uvContact(uvC1), uvContact(uvC2),
		}},
		conflicts: 1,
	}, {
		name: "a version's first value is refused while another record gives another",
		steps: []uvStep{
			{person: uvPerson("salesforce", uvC1, "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1)},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2)), conflicts: []identity.Conflict{
				refused(uvContact(uvC2), identity.RecordRef{Source: "marketo", RecordID: "L-1"}, "salesforce:"+uvC1, uvC1),
			}},
			{person: uvPerson("forms", "f-1", "", 3, uvContact(uvC1))},
		},
		found: map[identity.Identifier]string{uvContact(uvC1): "salesforce:" + uvC1, uvContact(uvC2): ""},
		idents: map[string][]identity.Identifier{"salesforce:" + uvC1: {
			uvEmail("ann@acme.com"), uvContact(uvC1), uvContact(uvC2),
		}},
		conflicts: 1,
	}, {
		name: "the old value goes once the other record gives the new one too",
		steps: []uvStep{
			{person: uvPerson("salesforce", uvC1, "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2, uvContact(uvC2)), conflicts: []identity.Conflict{
				refused(uvContact(uvC2), identity.RecordRef{Source: "marketo", RecordID: "L-1"}, "salesforce:"+uvC1, uvC1),
			}},
			{person: uvPerson("salesforce", uvC1, "ann@acme.com", 3, uvContact(uvC2))},
			{person: uvPerson("forms", "f-1", "", 4, uvContact(uvC1))},
		},
		found: map[identity.Identifier]string{uvContact(uvC1): "forms:f-1", uvContact(uvC2): "salesforce:" + uvC1},
		idents: map[string][]identity.Identifier{
			"salesforce:" + uvC1: {uvEmail("ann@acme.com"), uvContact(uvC2)},
			"forms:f-1":          {uvContact(uvC1)},
		},
		conflicts: 1,
	}, {
		name: "a new email of a unique email namespace",
		cfg:  uniqueEmail,
		steps: []uvStep{
			{person: uvPerson("marketo", "1", "ann@acme.com", 1)},
			{person: uvPerson("marketo", "1", "a.lee@acme.com", 2)},
			{person: uvPerson("forms", "f-1", "ann@acme.com", 3)},
		},
		found:  map[identity.Identifier]string{uvEmail("ann@acme.com"): "forms:f-1", uvEmail("a.lee@acme.com"): "marketo:1"},
		idents: map[string][]identity.Identifier{"marketo:1": {uvEmail("a.lee@acme.com")}},
	}, {
		name: "emails accumulate when their namespace is not unique",
		steps: []uvStep{
			{person: uvPerson("marketo", "1", "ann@acme.com", 1)},
			{person: uvPerson("marketo", "1", "a.lee@acme.com", 2)},
			{person: uvPerson("forms", "f-1", "ann@acme.com", 3)},
		},
		found:  map[identity.Identifier]string{uvEmail("ann@acme.com"): "marketo:1", uvEmail("a.lee@acme.com"): "marketo:1"},
		idents: map[string][]identity.Identifier{"marketo:1": {uvEmail("a.lee@acme.com"), uvEmail("ann@acme.com")}},
	}, {
		name: "a version that gives no value keeps the old",
		steps: []uvStep{
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 1, uvContact(uvC1))},
			{person: uvPerson("marketo", "L-1", "ann@acme.com", 2)},
		},
		found:  map[identity.Identifier]string{uvContact(uvC1): "marketo:L-1"},
		idents: map[string][]identity.Identifier{"marketo:L-1": {uvEmail("ann@acme.com"), uvContact(uvC1)}},
	}, {
		name: "an account's corrected DUNS number",
		cfg:  duns,
		steps: []uvStep{
			{account: uvAccount("salesforce", "acme", 0, uvDuns("111"))},
			{account: uvAccount("salesforce", "acme", 1, uvDuns("222"))},
			{account: uvAccount("dynamics", "dyn-1", 2, uvDuns("111"))},
		},
		found: map[identity.Identifier]string{uvDuns("111"): "dyn-1", uvDuns("222"): "acme"},
		idents: map[string][]identity.Identifier{"acme": {
			{Namespace: identity.NSAccountID, Value: "acme"}, uvDuns("222"),
		}},
	}, {
		name: "the old DUNS number another record still gives stays",
		cfg:  duns,
		steps: []uvStep{
			{account: uvAccount("salesforce", "acme", 0, uvDuns("111"))},
			{account: uvAccount("marketo", "mk-1", 0, uvDuns("111"))},
			{account: uvAccount("salesforce", "acme", 1, uvDuns("222")), conflicts: []identity.Conflict{
				refused(uvDuns("222"), identity.RecordRef{Source: "salesforce", RecordID: "acme"}, "acme", "111"),
			}},
			{account: uvAccount("dynamics", "dyn-1", 2, uvDuns("111"))},
			// dyn-1 gives 111 still.
			{account: uvAccount("marketo", "mk-1", 3, uvDuns("222")), conflicts: []identity.Conflict{
				refused(uvDuns("222"), identity.RecordRef{Source: "marketo", RecordID: "mk-1"}, "acme", "111"),
			}},
		},
		found: map[identity.Identifier]string{uvDuns("111"): "acme", uvDuns("222"): ""},
		idents: map[string][]identity.Identifier{"acme": {
			{Namespace: identity.NSAccountID, Value: "acme"}, {Namespace: identity.NSAccountID, Value: "dyn-1"},
			{Namespace: identity.NSAccountID, Value: "mk-1"}, uvDuns("111"), uvDuns("222"),
		}},
		conflicts: 2,
	}, {
		name: "a corrected DUNS number leaves the account, which a later record does not join",
		cfg:  duns,
		steps: []uvStep{
			{account: uvAccount("salesforce", "acme", 0, uvDuns("111"))},
			{account: uvAccount("marketo", "mk-1", 0, uvDuns("111"))},
			{account: uvAccount("salesforce", "acme", 1, uvDuns("222")), conflicts: []identity.Conflict{
				refused(uvDuns("222"), identity.RecordRef{Source: "salesforce", RecordID: "acme"}, "acme", "111"),
			}},
			{account: uvAccount("marketo", "mk-1", 3, uvDuns("222"))},
			{account: uvAccount("hubspot", "hs-1", 4, uvDuns("111"))},
		},
		found: map[identity.Identifier]string{uvDuns("111"): "hs-1", uvDuns("222"): "acme"},
		idents: map[string][]identity.Identifier{"acme": {
			{Namespace: identity.NSAccountID, Value: "acme"}, {Namespace: identity.NSAccountID, Value: "mk-1"}, uvDuns("222"),
		}},
		conflicts: 1,
	}, {
		name: "a record renamed to an account that holds its new DUNS number joins it",
		cfg:  duns,
		steps: []uvStep{
			{account: uvAccount("salesforce", "acme", 0, uvDuns("111"))},
			{account: uvAccount("hubspot", "B", 0, uvDuns("222"))},
			{account: &identity.AccountRecord{Source: "salesforce", RecordID: "acme", Time: at(2),
				Account: b2b.Account{ID: "B", Name: "Acme B"}, Identifiers: []identity.Identifier{uvDuns("222")}}},
		},
		found: map[identity.Identifier]string{uvDuns("111"): "", uvDuns("222"): "B", {Namespace: identity.NSAccountID, Value: "acme"}: "B"},
		idents: map[string][]identity.Identifier{"B": {
			{Namespace: identity.NSAccountID, Value: "B"}, {Namespace: identity.NSAccountID, Value: "acme"}, uvDuns("222"),
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, tt.cfg)
			var persons []identity.PersonRecord
			var conflicts []identity.Conflict
			for n, s := range tt.steps {
				var got []identity.Conflict
				if s.person != nil {
					res, err := g.AddPerson(*s.person)
					require.NoError(t, err, "step %d", n)
					got = res.Conflicts
					persons = append(persons, *s.person)
				} else {
					res, err := g.AddAccount(*s.account)
					require.NoError(t, err, "step %d", n)
					got = res.Conflicts
				}
				require.Empty(t, cmp.Diff(s.conflicts, got), "step %d (-want +got)", n)
				conflicts = append(conflicts, got...)
			}
			check := func(name string, g *identity.Graph) {
				t.Helper()
				for id, want := range tt.found {
					var got string
					var ok bool
					if tt.steps[0].account != nil {
						var a b2b.AccountID
						a, ok = g.LookupAccount(id)
						got = string(a)
					} else {
						var p b2b.PersonID
						p, ok = g.Lookup(id)
						got = string(p)
					}
					require.Equal(t, want != "", ok, "%s: %s", name, id)
					require.Equal(t, want, got, "%s: %s", name, id)
				}
				for gold, want := range tt.idents {
					var got []identity.Identifier
					if tt.steps[0].account != nil {
						a, err := g.Account(b2b.AccountID(gold))
						require.NoError(t, err)
						got = a.Identifiers
					} else {
						p, err := g.Person(b2b.PersonID(gold))
						require.NoError(t, err)
						got = p.Identifiers
					}
					require.Empty(t, cmp.Diff(want, got), "%s: identifiers of %s (-want +got)", name, gold)
				}
				if name != "restored" { // a state holds no counters
					require.Equal(t, tt.conflicts, g.Stats().Conflicts[identity.ConflictUniqueNamespace], name)
				}
			}
			check("graph", g)

			h, err := identity.Restore(tt.cfg, g.Snapshot())
			require.NoError(t, err)
			requireSameViews(t, g, h)
			check("restored", h)

			if len(persons) == len(tt.steps) {
				b := newGraph(t, tt.cfg)
				res := b.AddPersons(persons)
				require.Empty(t, res.Rejected)
				require.Empty(t, cmp.Diff(conflicts, res.Conflicts), "batch conflicts (-want +got)")
				requireSameGraph(t, g, b)
				check("batch", b)

				// Erase forgets every identifier of each person, the
				// retired ones included, as before.
				for _, ps := range g.Snapshot().Persons {
					id, ok := g.PersonOfRecord(ps.Record.Source, ps.Record.RecordID)
					if !ok {
						continue
					}
					_, err := g.Erase(id)
					require.NoError(t, err)
				}
				for id := range tt.found {
					_, ok := g.Lookup(id)
					require.False(t, ok, "after Erase: %s", id)
				}
				require.Zero(t, g.Stats().Persons)
			}
		})
	}
}

// TestRestoreKeepsUniqueValuesOfOlderVersions: a state saved while a new
// version's value of a unique namespace was taken besides the old one
// restores as it was (both find the person); the record's next version
// that gives a value retires the others.
func TestRestoreKeepsUniqueValuesOfOlderVersions(t *testing.T) {
	t.Parallel()
	st := identity.State{Persons: []identity.PersonState{{
		Person: "marketo:L-1",
		Record: identity.PersonRecord{Source: "marketo", RecordID: "L-1", Time: at(2),
			Person: b2b.Person{Email: "ann@acme.com", Source: "marketo", UpdatedAt: at(2)}, Identifiers: []identity.Identifier{uvContact(uvC1), uvContact(uvC2)}},
	}}}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	for _, v := range []string{uvC1, uvC2} {
		got, ok := g.Lookup(uvContact(v))
		require.True(t, ok, v)
		require.Equal(t, b2b.PersonID("marketo:L-1"), got)
	}
	require.Empty(t, cmp.Diff(st, g.Snapshot()))

	res, err := g.AddPerson(*uvPerson("marketo", "L-1", "ann@acme.com", 3, uvContact(uvC2)))
	require.NoError(t, err)
	require.Equal(t, identity.Updated, res.Outcome)
	require.Empty(t, res.Conflicts)
	_, ok := g.Lookup(uvContact(uvC1))
	require.False(t, ok)
	p, err := g.Person("marketo:L-1")
	require.NoError(t, err)
	require.Equal(t, []identity.Identifier{uvEmail("ann@acme.com"), uvContact(uvC2)}, p.Identifiers)
}

// TestReplacedAccountValueGoesToItsOtherHolder: a DUNS number that two
// CRM accounts give, kept with the first by a conflict, goes to the
// second once a new version of the first's record replaces it: the
// second is found by it, a later record that gives it joins the second,
// and a graph restored from the snapshot (or from a state saved while
// the number found no account) answers the same.
func TestReplacedAccountValueGoesToItsOtherHolder(t *testing.T) {
	t.Parallel()
	cfg := identity.Config{Namespaces: []identity.NamespaceSpec{{Name: "duns", Unique: true}}}
	g := newGraph(t, cfg)
	for _, r := range []*identity.AccountRecord{
		uvAccount("salesforce", "acme", 0, uvDuns("111")),
		uvAccount("salesforce", "bee", 0, uvDuns("111")),
		uvAccount("salesforce", "acme", 1, uvDuns("222")),
	} {
		_, err := g.AddAccount(*r)
		require.NoError(t, err)
	}
	st := g.Snapshot()
	legacy := g.Snapshot()
	for i := range legacy.Accounts {
		if legacy.Accounts[i].Account == "bee" {
			legacy.Accounts[i].Unindexed = append(legacy.Accounts[i].Unindexed, uvDuns("111"))
		}
	}
	h, err := identity.Restore(cfg, st)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(st, h.Snapshot()))
	l, err := identity.Restore(cfg, legacy)
	require.NoError(t, err)
	for name, x := range map[string]*identity.Graph{"graph": g, "restored": h, "restored from a state that left it to none": l} {
		got, ok := x.LookupAccount(uvDuns("111"))
		require.True(t, ok, name)
		require.Equal(t, b2b.AccountID("bee"), got, name)
		res, err := x.AddAccount(*uvAccount("hubspot", "hs-1", 2, uvDuns("111")))
		require.NoError(t, err)
		require.Equal(t, identity.Joined, res.Outcome, name)
		require.Empty(t, res.Conflicts, name)
		got, ok = x.LookupAccount(identity.Identifier{Namespace: identity.NSAccountID, Value: "hs-1"})
		require.True(t, ok, name)
		require.Equal(t, b2b.AccountID("bee"), got, name)
	}
}
