package identity_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// globexWorld: Globex with subsidiaries Globex UK and Globex DE, and
// Globex DE Munich under DE; each has one person.
func globexWorld(t *testing.T) *identity.Graph {
	t.Helper()
	g := newGraph(t, identity.Config{})
	for _, a := range []b2b.Account{
		{ID: "gx-de-muc", Name: "Globex Muenchen", Domains: []string{"muc.globex.de"}, ParentID: "gx-de"}, // parent arrives later
		{ID: "gx", Name: "Globex", Domains: []string{"globex.com"}},
		{ID: "gx-uk", Name: "Globex UK", Domains: []string{"globex.co.uk"}, ParentID: "gx"},
		{ID: "gx-de", Name: "Globex DE", Domains: []string{"globex.de"}, ParentID: "gx"},
	} {
		addAccount(t, g, "salesforce", a)
	}
	for i, email := range []string{"ceo@globex.com", "it@globex.co.uk", "head.it@globex.de", "ops@muc.globex.de"} {
		addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: string(rune('a' + i)), Person: b2b.Person{Email: email}})
	}
	return g
}

func TestHierarchy(t *testing.T) {
	t.Parallel()
	g := globexWorld(t)
	tests := []struct {
		account     b2b.AccountID
		parent      b2b.AccountID
		ultimate    b2b.AccountID
		ancestors   []b2b.AccountID
		descendants []b2b.AccountID
		persons     []b2b.PersonID
		rollup      []b2b.PersonID
	}{
		{account: "gx", ultimate: "gx", descendants: []b2b.AccountID{"gx-de", "gx-de-muc", "gx-uk"},
			persons: []b2b.PersonID{"marketo:a"}, rollup: []b2b.PersonID{"marketo:a", "marketo:b", "marketo:c", "marketo:d"}},
		{account: "gx-de", parent: "gx", ultimate: "gx", ancestors: []b2b.AccountID{"gx"}, descendants: []b2b.AccountID{"gx-de-muc"},
			persons: []b2b.PersonID{"marketo:c"}, rollup: []b2b.PersonID{"marketo:c", "marketo:d"}},
		{account: "gx-de-muc", parent: "gx-de", ultimate: "gx", ancestors: []b2b.AccountID{"gx-de", "gx"},
			persons: []b2b.PersonID{"marketo:d"}, rollup: []b2b.PersonID{"marketo:d"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.account), func(t *testing.T) {
			p, err := g.Parent(tt.account)
			require.NoError(t, err)
			require.Equal(t, tt.parent, p)
			u, err := g.UltimateParent(tt.account)
			require.NoError(t, err)
			require.Equal(t, tt.ultimate, u)
			anc, err := g.Ancestors(tt.account)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.ancestors, anc))
			desc, err := g.Descendants(tt.account)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.descendants, desc))
			ps, err := g.Persons(tt.account, false)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.persons, ps))
			ps, err = g.Persons(tt.account, true)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.rollup, ps))
		})
	}
}

func TestHierarchyCycles(t *testing.T) {
	t.Parallel()
	g := globexWorld(t)
	// gx -> gx-de-muc would close gx -> gx-de-muc -> gx-de -> gx.
	_, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(5),
		Account: b2b.Account{ID: "gx", Name: "Globex", ParentID: "gx-de-muc"}})
	require.ErrorIs(t, err, identity.ErrCycle)
	require.EqualError(t, err, "account hierarchy cycle: gx -> gx-de-muc -> gx-de -> gx")
	// The graph is unchanged.
	p, err := g.Parent("gx")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID(""), p)

	// A self-parent is a validation error.
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Time: at(5),
		Account: b2b.Account{ID: "solo", Name: "Solo", ParentID: "solo"}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.ErrorContains(t, err, "account.parentId: an account cannot be its own parent")
	// A parent through another of its own IDs.
	_, err = g.AddAccount(identity.AccountRecord{Source: "marketo", Time: at(5),
		Account:     b2b.Account{ID: "mk-gx", Name: "Globex", ParentID: "gx"},
		Identifiers: []identity.Identifier{{Namespace: identity.NSAccountID, Value: "gx"}}})
	require.ErrorIs(t, err, identity.ErrCycle)
	require.Equal(t, 3, g.Stats().Rejected["account.parentId"]) // two cycles and the self-parent

	// An unknown parent is reported, not an error for the record.
	addAccount(t, g, "salesforce", b2b.Account{ID: "orphan", Name: "Orphan", ParentID: "not-loaded"})
	_, err = g.Parent("orphan")
	require.ErrorIs(t, err, identity.ErrUnknownAccount)
	require.EqualError(t, err, `parent of "orphan": unknown account "not-loaded" (not loaded yet)`)
	u, err := g.UltimateParent("orphan")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("orphan"), u)
}

func TestValidateHierarchy(t *testing.T) {
	t.Parallel()
	err := identity.ValidateHierarchy([]b2b.Account{
		{ID: "a", ParentID: "b"}, {ID: "b", ParentID: "c"}, {ID: "c", ParentID: "a"},
		{ID: "d", ParentID: "d"}, {ID: "e", ParentID: "zz"}, {ID: "f", ParentID: "a"}, {ID: "a"},
	})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, `account hierarchy: 4 problems:
  accounts[6].id: account "a" listed twice
  accounts[3].parentId: account "d" is its own parent
  accounts[4].parentId: parent "zz" of account "e" is not in the set
  accounts[2].parentId: account hierarchy cycle: a -> b -> c -> a`)
	require.NoError(t, identity.ValidateHierarchy([]b2b.Account{{ID: "a"}, {ID: "b", ParentID: "a"}}))

	// IDs are read as AddAccount reads them, without surrounding space: a
	// cycle through " b" is the cycle AddAccount refuses, and a parent
	// named with a space is in the set.
	accts := []b2b.Account{{ID: "a", Name: "A", ParentID: " b"}, {ID: "b ", Name: "B", ParentID: "a"}, {ID: "c", Name: "C", ParentID: "a "}}
	err = identity.ValidateHierarchy(accts)
	require.EqualError(t, err, `account hierarchy: accounts[1].parentId: account hierarchy cycle: a -> b -> a`)
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", accts[0])
	_, err = g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: accts[1], Time: at(0)})
	require.ErrorIs(t, err, identity.ErrCycle)
}

// TestFormerAncestors: a record reports the ancestors that the accounts
// it moved or merged had before it, a merged account's too, whose ID
// resolves to the account it merged into after.
func TestFormerAncestors(t *testing.T) {
	t.Parallel()
	g := globexWorld(t)
	res := addAccount(t, g, "salesforce", b2b.Account{ID: "gx-de-muc", Name: "Globex Muenchen", Domains: []string{"muc.globex.de"}, ParentID: "gx-uk"})
	require.Equal(t, []b2b.AccountID{"gx", "gx-de"}, res.FormerAncestors)
	anc, err := g.Ancestors("gx-de-muc")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"gx-uk", "gx"}, anc)

	addAccount(t, g, "salesforce", b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com"}})
	res = addAccount(t, g, "marketo", b2b.Account{ID: "mk-1", Name: "Initech Munich", Domains: []string{"initech.de"}, ParentID: "gx-de"})
	require.Empty(t, res.FormerAncestors, "a new account had no parent before")
	res = addAccount(t, g, "salesforce", b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com", "initech.de"}})
	require.Equal(t, []b2b.AccountID{"mk-1"}, res.Merged)
	require.Equal(t, []b2b.AccountID{"gx", "gx-de"}, res.FormerAncestors)
}

// TestRenamedParentKeepsItsSubsidiaries: a subsidiary that names its
// parent by an ID the parent's record has since changed is still its
// subsidiary, walked up or down.
func TestRenamedParentKeepsItsSubsidiaries(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	for _, r := range []identity.AccountRecord{
		{Source: "salesforce", RecordID: "co-1", Account: b2b.Account{ID: "gx-old", Name: "Globex"}, Time: at(0)},
		{Source: "salesforce", RecordID: "co-2", Account: b2b.Account{ID: "gx-de", Name: "Globex DE", ParentID: "gx-old"}, Time: at(0)},
		{Source: "salesforce", RecordID: "co-1", Account: b2b.Account{ID: "gx", Name: "Globex"}, Time: at(1)},
	} {
		_, err := g.AddAccount(r)
		require.NoError(t, err)
	}
	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "a", Person: b2b.Person{Email: "a@gmail.com", AccountID: "gx-de"}})

	p, err := g.Parent("gx-de")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("gx"), p)
	d, err := g.Descendants("gx")
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"gx-de"}, d)
	rollup, err := g.Persons("gx", true)
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{"marketo:a"}, rollup)
	a, err := g.Account("gx")
	require.NoError(t, err)
	require.Contains(t, a.Identifiers, identity.Identifier{Namespace: identity.NSAccountID, Value: "gx-old"})
}

// TestParentCycleConflict: accounts merged by a record whose parents then
// form a cycle are reported as a parent_cycle conflict, which says what
// happened: no merge was refused, and no identifier was at stake.
func TestParentCycleConflict(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "hubspot", b2b.Account{ID: "C", Name: "C", ParentID: "B"})
	addAccount(t, g, "salesforce", b2b.Account{ID: "A", Name: "A", ParentID: "C", Domains: []string{"a.com"}})
	addAccount(t, g, "dynamics", b2b.Account{ID: "B", Name: "B", Domains: []string{"b.com"}})
	// The Marketo company holds both domains: A and B become one, whose
	// parent C has B, itself, as its parent.
	res := addAccount(t, g, "marketo", b2b.Account{ID: "M", Name: "M", Domains: []string{"a.com", "b.com"}})
	require.Equal(t, []b2b.AccountID{"B"}, res.Merged)
	require.Equal(t, []identity.Conflict{{Kind: identity.ConflictParentCycle,
		Record: identity.RecordRef{Source: "marketo", RecordID: "M"}, Kept: "A", Other: "C",
		Detail: "account hierarchy cycle: A -> C -> A"}}, res.Conflicts)
	require.Equal(t, "parent_cycle conflict from marketo:M: account A is its own ancestor through C (account hierarchy cycle: A -> C -> A)",
		res.Conflicts[0].String())
}

// TestSubsidiarySharingItsParentsDomain: CRM subsidiaries that hold their
// group's domain are kept apart from it (a same_source conflict), so a
// subsidiary naming the group as its parent closes no cycle, in whatever
// order the accounts arrive; a Marketo company with the group's domain
// still joins the group, not a subsidiary.
func TestSubsidiarySharingItsParentsDomain(t *testing.T) {
	t.Parallel()
	accts := map[b2b.AccountID]b2b.Account{
		"gx":    {ID: "gx", Name: "Globex", Domains: []string{"globex.com"}},
		"gx-uk": {ID: "gx-uk", Name: "Globex UK", Domains: []string{"globex.co.uk", "globex.com"}, ParentID: "gx"},
		"gx-de": {ID: "gx-de", Name: "Globex DE", Domains: []string{"globex.de", "globex.com"}, ParentID: "gx"},
	}
	for _, order := range [][]b2b.AccountID{
		{"gx", "gx-uk", "gx-de"},
		{"gx", "gx-de", "gx-uk"},
		{"gx-uk", "gx", "gx-de"},
		{"gx-uk", "gx-de", "gx"},
		{"gx-de", "gx", "gx-uk"},
		{"gx-de", "gx-uk", "gx"},
	} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			for _, id := range order {
				res, err := g.AddAccount(identity.AccountRecord{Source: "salesforce", Account: accts[id], Time: at(0)})
				require.NoError(t, err, id)
				require.Equal(t, id, res.Account)
				require.Empty(t, res.Merged)
			}
			d, err := g.Descendants("gx")
			require.NoError(t, err)
			require.Empty(t, cmp.Diff([]b2b.AccountID{"gx-de", "gx-uk"}, d))
			for _, id := range []b2b.AccountID{"gx-uk", "gx-de"} {
				p, err := g.Parent(id)
				require.NoError(t, err)
				require.Equal(t, b2b.AccountID("gx"), p, id)
			}
			require.Zero(t, g.Stats().Rejected["account.parentId"])
			require.Zero(t, g.Stats().Conflicts[identity.ConflictParentCycle])

			// A Marketo subsidiary company carrying the CRM ID of Globex UK
			// joins it; its parent Globex is not the account it joins.
			res := addAccount(t, g, "marketo", b2b.Account{ID: "mk-uk", Name: "Globex UK", Domains: []string{"globex.co.uk"}, ParentID: "gx"},
				identity.Identifier{Namespace: identity.NSAccountID, Value: "gx-uk"})
			require.Equal(t, b2b.AccountID("gx-uk"), res.Account)
			d, err = g.Descendants("gx")
			require.NoError(t, err)
			require.Empty(t, cmp.Diff([]b2b.AccountID{"gx-de", "gx-uk"}, d))
		})
	}
}

// TestParentAmongItsOwnIDs: a record whose parent is one of its own
// account IDs, given among its identifiers and held by no account yet,
// names its own account as its parent: it is refused as a cycle, as a
// parent naming its account ID, or an ID it shares with an account it
// joins, is, and the graph is unchanged.
func TestParentAmongItsOwnIDs(t *testing.T) {
	t.Parallel()
	xID := identity.Identifier{Namespace: identity.NSAccountID, Value: "X"}
	tests := []struct {
		name   string
		before []identity.AccountRecord // loaded first
		rec    identity.AccountRecord
		want   string
	}{
		{
			name: "a new record",
			rec: identity.AccountRecord{Source: "salesforce", Time: at(1), Identifiers: []identity.Identifier{xID},
				Account: b2b.Account{ID: "A", Name: "Acme", ParentID: "X"}},
			want: "account hierarchy cycle: A -> A",
		},
		{
			name: "a new version that gives the ID",
			before: []identity.AccountRecord{{Source: "salesforce", Time: at(1),
				Account: b2b.Account{ID: "A", Name: "Acme"}}},
			rec: identity.AccountRecord{Source: "salesforce", Time: at(2), Identifiers: []identity.Identifier{xID},
				Account: b2b.Account{ID: "A", Name: "Acme", ParentID: "X"}},
			want: "account hierarchy cycle: A -> A",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			for _, r := range tt.before {
				_, err := g.AddAccount(r)
				require.NoError(t, err)
			}
			before := g.Snapshot()
			_, err := g.AddAccount(tt.rec)
			require.ErrorIs(t, err, identity.ErrCycle)
			require.EqualError(t, err, tt.want)
			require.Equal(t, 1, g.Stats().Rejected["account.parentId"])
			require.Empty(t, cmp.Diff(before, g.Snapshot()), "the graph is unchanged")
			_, ok := g.LookupAccount(xID)
			require.False(t, ok, "X names no account")
		})
	}
}

// TestParentMergedIntoItsChild: accounts merged by a record, one the
// parent of the other, make an account whose parent reference names
// itself: the loop is reported as a parent_cycle conflict, and the
// account reads as one without a parent (Parent, Ancestors,
// UltimateParent and its golden ParentID agree), not as the child of an
// account not loaded.
func TestParentMergedIntoItsChild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		records []identity.AccountRecord // the last merges
		want    identity.Conflict
		text    string
	}{
		{
			name: "the parent joins its child",
			records: []identity.AccountRecord{
				acctRec("salesforce", "A", "Acme", "acme.com", "m1", 1),
				acctRec("marketo", "m1", "Acme", "acme.com", "", 2),
			},
			want: identity.Conflict{Kind: identity.ConflictParentCycle, Record: identity.RecordRef{Source: "marketo", RecordID: "m1"},
				Kept: "A", Other: "A", Detail: "account hierarchy cycle: A -> A"},
			text: "parent_cycle conflict from marketo:m1: account A is its own parent (account hierarchy cycle: A -> A)",
		},
		{
			name: "a third record merges parent and child",
			records: []identity.AccountRecord{
				acctRec("salesforce", "A", "A", "a.com", "B", 1),
				acctRec("dynamics", "B", "B", "b.com", "", 2),
				{Source: "marketo", Time: at(3), Account: b2b.Account{ID: "M", Name: "M", Domains: []string{"a.com", "b.com"}}},
			},
			want: identity.Conflict{Kind: identity.ConflictParentCycle, Record: identity.RecordRef{Source: "marketo", RecordID: "M"},
				Kept: "A", Other: "A", Detail: "account hierarchy cycle: A -> A"},
			text: "parent_cycle conflict from marketo:M: account A is its own parent (account hierarchy cycle: A -> A)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			var res identity.AccountResult
			for _, r := range tt.records {
				var err error
				res, err = g.AddAccount(r)
				require.NoError(t, err)
			}
			require.Equal(t, []identity.Conflict{tt.want}, res.Conflicts)
			require.Equal(t, tt.text, res.Conflicts[0].String())
			require.Equal(t, 1, g.Stats().Conflicts[identity.ConflictParentCycle])
			p, err := g.Parent("A")
			require.NoError(t, err)
			require.Equal(t, b2b.AccountID(""), p)
			anc, err := g.Ancestors("A")
			require.NoError(t, err)
			require.Empty(t, anc)
			u, err := g.UltimateParent("A")
			require.NoError(t, err)
			require.Equal(t, b2b.AccountID("A"), u)
			ga, err := g.Account("A")
			require.NoError(t, err)
			require.Equal(t, b2b.AccountID(""), ga.Account.ParentID)
			require.NotContains(t, ga.Provenance, "parentId")
		})
	}
}
