package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// The records of the result tests, at hour h.

func acctRec(src b2b.Source, id b2b.AccountID, name, domain string, parent b2b.AccountID, h int, ids ...b2b.AccountID) identity.AccountRecord {
	rec := identity.AccountRecord{Source: src, Time: at(h), Account: b2b.Account{ID: id, Name: name, ParentID: parent}}
	if domain != "" {
		rec.Account.Domains = []string{domain}
	}
	for _, x := range ids {
		rec.Identifiers = append(rec.Identifiers, identity.Identifier{Namespace: identity.NSAccountID, Value: string(x)})
	}
	return rec
}

func leadRec(id, email, company string, h int) identity.PersonRecord {
	return identity.PersonRecord{Source: "marketo", RecordID: id, Time: at(h), Person: b2b.Person{Email: email, Company: company}}
}

// Salesforce contact IDs.
const (
	c1 = "0035e00000000C1"
	c2 = "0035e00000000C2"
	c3 = "0035e00000000C3"
)

func contactRec(id, email string, acct b2b.AccountID, h int, others ...b2b.AccountID) identity.PersonRecord {
	return identity.PersonRecord{Source: "salesforce", RecordID: id, Time: at(h), OtherAccounts: others,
		Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: id}},
		Person:      b2b.Person{Email: email, AccountID: acct}}
}

// resultAccounts are the accounts the result tests start from: Acme with
// a European subsidiary on a subdomain, Globex, Initech.
func resultAccounts() []identity.AccountRecord {
	return []identity.AccountRecord{
		acctRec("salesforce", "001A", "Acme", "acme.com", "", 0),
		acctRec("salesforce", "001E", "Acme Europe", "eu.acme.com", "001A", 0),
		acctRec("salesforce", "001G", "Globex", "globex.com", "", 0),
		acctRec("salesforce", "001I", "Initech", "initech.com", "", 0),
	}
}

func loadResultWorld(t *testing.T, accounts []identity.AccountRecord, persons []identity.PersonRecord) *identity.Graph {
	t.Helper()
	g := newGraph(t, identity.Config{})
	for _, a := range accounts {
		_, err := g.AddAccount(a)
		require.NoError(t, err)
	}
	for _, p := range persons {
		_, err := g.AddPerson(p)
		require.NoError(t, err)
	}
	return g
}

func conflictKinds(cs []identity.Conflict) []identity.ConflictKind {
	var out []identity.ConflictKind
	for _, c := range cs {
		out = append(out, c.Kind)
	}
	return out
}

// TestPersonResultChanges: a person record reports exactly the persons it
// merged into its person (Merged) and the accounts that its person, or a
// person it merged, was linked to before and is not now (Unlinked).
func TestPersonResultChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before []identity.PersonRecord
		rec    identity.PersonRecord
		want   identity.PersonResult // without Conflicts
		links  []b2b.AccountID       // the accounts of the result's person after the record
		// conflicts are the kinds of the conflicts the record reports.
		conflicts []identity.ConflictKind
	}{
		{name: "a new email merges a person of another account into the record's",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1), leadRec("2", "ann@globex.com", "", 1)},
			rec:    leadRec("1", "ann@globex.com", "", 2),
			want: identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, Merged: []b2b.PersonID{"marketo:2"},
				LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links: []b2b.AccountID{"001G"}},
		{name: "a new email merges the record's person into an older one of another account",
			before: []identity.PersonRecord{leadRec("1", "ann@globex.com", "", 1), leadRec("2", "ann@acme.com", "", 1)},
			rec:    leadRec("2", "ann@globex.com", "", 2),
			// The older person keeps its ID and its links; the record's
			// person, merged into it, left Acme.
			want: identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, Merged: []b2b.PersonID{"marketo:2"},
				Unlinked: []b2b.AccountID{"001A"}},
			links: []b2b.AccountID{"001G"}},
		{name: "a new record carrying two persons' emails merges them",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1), leadRec("2", "ann@globex.com", "", 1)},
			rec: identity.PersonRecord{Source: "hubspot", RecordID: "h1", Time: at(2), Person: b2b.Person{Email: "ann@globex.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@acme.com"}}},
			want: identity.PersonResult{Person: "marketo:1", Outcome: identity.Joined, Merged: []b2b.PersonID{"marketo:2"},
				LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links: []b2b.AccountID{"001G"}},
		{name: "a new record merges three persons of three accounts",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1), leadRec("2", "ann@globex.com", "", 1),
				leadRec("3", "ann@initech.com", "", 1)},
			rec: identity.PersonRecord{Source: "hubspot", RecordID: "h1", Time: at(2), Person: b2b.Person{Email: "ann@initech.com"},
				Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "ann@globex.com"}, {Namespace: identity.NSEmail, Value: "ann@acme.com"}}},
			want: identity.PersonResult{Person: "marketo:1", Outcome: identity.Joined, Merged: []b2b.PersonID{"marketo:2", "marketo:3"},
				LinksChanged: true, Unlinked: []b2b.AccountID{"001A", "001G"}},
			links: []b2b.AccountID{"001I"}},
		{name: "persons of one account merged leave none",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1), leadRec("2", "a.n@acme.com", "", 1)},
			rec:    leadRec("2", "ann@acme.com", "", 2),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, Merged: []b2b.PersonID{"marketo:2"}},
			links:  []b2b.AccountID{"001A"}},
		{name: "a person of a subsidiary merged into one of its parent leaves the subsidiary",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1), leadRec("2", "ann@eu.acme.com", "", 1)},
			rec:    leadRec("2", "ann@acme.com", "", 2), // ann@eu.acme.com stays an identifier of the record
			want: identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, Merged: []b2b.PersonID{"marketo:2"},
				Unlinked: []b2b.AccountID{"001E"}},
			links: []b2b.AccountID{"001A"}},
		{name: "a new record joins a person and moves them with its account reference",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    contactRec(c1, "ann@acme.com", "001G", 2),
			// The record's own new person is not reported as merged.
			want:  identity.PersonResult{Person: "marketo:1", Outcome: identity.Joined, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links: []b2b.AccountID{"001G"}},
		{name: "a CRM contact moved to another account",
			before: []identity.PersonRecord{contactRec(c1, "ann@gmail.com", "001A", 1)},
			rec:    contactRec(c1, "ann@gmail.com", "001G", 2),
			want:   identity.PersonResult{Person: "salesforce:" + c1, Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links:  []b2b.AccountID{"001G"}},
		{name: "a CRM contact moved to an account not loaded yet",
			before: []identity.PersonRecord{contactRec(c1, "ann@gmail.com", "001A", 1)},
			rec:    contactRec(c1, "ann@gmail.com", "001X", 2),
			want:   identity.PersonResult{Person: "salesforce:" + c1, Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}}},
		{name: "a CRM contact's other account becomes its account",
			before: []identity.PersonRecord{contactRec(c1, "ann@gmail.com", "001A", 1, "001G")},
			rec:    contactRec(c1, "ann@gmail.com", "001G", 2),
			want:   identity.PersonResult{Person: "salesforce:" + c1, Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links:  []b2b.AccountID{"001G"}},
		{name: "a CRM contact related to one more account",
			before: []identity.PersonRecord{contactRec(c1, "ann@gmail.com", "001A", 1, "001G")},
			rec:    contactRec(c1, "ann@gmail.com", "001A", 2, "001I"),
			want:   identity.PersonResult{Person: "salesforce:" + c1, Outcome: identity.Updated, LinksChanged: true},
			links:  []b2b.AccountID{"001A", "001G", "001I"}},
		{name: "other accounts a new version leaves out stay",
			before: []identity.PersonRecord{contactRec(c1, "ann@gmail.com", "001A", 1, "001G")},
			rec:    contactRec(c1, "ann@gmail.com", "001A", 2),
			// OtherAccounts accumulate over a record's versions.
			want:  identity.PersonResult{Person: "salesforce:" + c1, Outcome: identity.Updated},
			links: []b2b.AccountID{"001A", "001G"}},
		{name: "a lead whose company now names another account",
			before: []identity.PersonRecord{leadRec("1", "ann@gmail.com", "Acme Inc", 1)},
			rec:    leadRec("1", "ann@gmail.com", "Globex GmbH", 2),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links:  []b2b.AccountID{"001G"}},
		{name: "a lead whose new email is on another account's domain",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    leadRec("1", "ann@globex.com", "", 2),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links:  []b2b.AccountID{"001G"}},
		{name: "a lead whose new email is on a subsidiary's subdomain",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    leadRec("1", "ann@eu.acme.com", "", 2),
			// Unlinked names the account of the direct link only: Acme
			// still has her among its persons with subsidiaries.
			want:  identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}},
			links: []b2b.AccountID{"001E"}},
		{name: "a lead who leaves a subsidiary for its parent",
			before: []identity.PersonRecord{leadRec("1", "ann@eu.acme.com", "", 1)},
			rec:    leadRec("1", "ann@acme.com", "", 2),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001E"}},
			links:  []b2b.AccountID{"001A"}},
		{name: "a lead whose new email is free mail, without a company",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    leadRec("1", "ann@gmail.com", "", 2),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated, LinksChanged: true, Unlinked: []b2b.AccountID{"001A"}}},
		{name: "a new version that changes no link",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    identity.PersonRecord{Source: "marketo", RecordID: "1", Time: at(2), Person: b2b.Person{Email: "ann@acme.com", Title: "CTO"}},
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Updated},
			links:  []b2b.AccountID{"001A"}},
		{name: "the same version again",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    leadRec("1", "ann@acme.com", "", 1),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Duplicate},
			links:  []b2b.AccountID{"001A"}},
		{name: "an older version that would have moved her",
			before: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:    leadRec("1", "ann@globex.com", "", 0),
			want:   identity.PersonResult{Person: "marketo:1", Outcome: identity.Stale},
			links:  []b2b.AccountID{"001A"}},
		{name: "a merge refused: two CRM contacts with one email",
			before:    []identity.PersonRecord{contactRec(c1, "ann@acme.com", "001A", 1)},
			rec:       contactRec(c2, "ann@acme.com", "001G", 2),
			want:      identity.PersonResult{Person: "salesforce:" + c2, Outcome: identity.Created, LinksChanged: true},
			links:     []b2b.AccountID{"001G"},
			conflicts: []identity.ConflictKind{identity.ConflictUniqueNamespace}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := loadResultWorld(t, resultAccounts(), tt.before)
			res, err := g.AddPerson(tt.rec)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, res, cmpopts.IgnoreFields(identity.PersonResult{}, "Conflicts"), cmpopts.EquateEmpty()))
			require.Equal(t, tt.conflicts, conflictKinds(res.Conflicts))
			require.Empty(t, cmp.Diff(tt.links, linkedAccounts(t, g, res.Person), cmpopts.EquateEmpty()))
			for _, m := range res.Merged {
				p, err := g.Person(m)
				require.NoError(t, err)
				require.Equal(t, res.Person, p.ID, "merged %s resolves to the record's person", m)
			}
			for _, a := range res.Unlinked {
				ps, err := g.Persons(a, false)
				require.NoError(t, err)
				require.NotContains(t, ps, res.Person, "unlinked %s", a)
			}
		})
	}
}

func linkedAccounts(t *testing.T, g *identity.Graph, p b2b.PersonID) []b2b.AccountID {
	t.Helper()
	accts, err := g.AppendLinkedAccounts(nil, p)
	require.NoError(t, err)
	return accts
}

// TestAccountResultChanges: an account record reports exactly the golden
// accounts it merged into its account (Merged), the persons whose links
// it changed (Relinked) and the accounts such a person was linked to
// before and is not now (Unlinked).
func TestAccountResultChanges(t *testing.T) {
	t.Parallel()
	// Persons of a Marketo company: by its domain, by its name, by a
	// reference to it, and one of Acme's related to it too.
	mkPersons := []identity.PersonRecord{
		leadRec("1", "ann@acme.com", "", 1),
		leadRec("2", "bo@acme-mktg.com", "", 1),
		leadRec("3", "cy@gmail.com", "Acme Marketing", 1),
		contactRec(c1, "dee@gmail.com", "mk-7", 1),
		contactRec(c2, "eve@gmail.com", "001A", 1, "mk-7"),
	}
	mk7 := acctRec("marketo", "mk-7", "Acme Marketing", "acme-mktg.com", "", 0)
	renamed := func(id b2b.AccountID, h int, ids ...b2b.AccountID) identity.AccountRecord {
		rec := acctRec("marketo", id, "Acme Marketing", "acme-mktg.com", "", h, ids...)
		rec.RecordID = "co-7"
		return rec
	}
	tests := []struct {
		name     string
		accounts []identity.AccountRecord // after resultAccounts
		first    bool                     // accounts go before resultAccounts
		persons  []identity.PersonRecord
		rec      identity.AccountRecord
		want     identity.AccountResult // without Conflicts
		// links are the accounts of persons' links after the record.
		links     map[b2b.PersonID][]b2b.AccountID
		conflicts []identity.ConflictKind
	}{
		{name: "a record merges a Marketo company into a CRM account",
			accounts: []identity.AccountRecord{mk7},
			persons:  mkPersons,
			rec:      acctRec("marketo", "mk-7", "Acme Marketing", "acme-mktg.com", "", 2, "001A"),
			// The company's persons are Acme's now. Those linked by its
			// domain or its ID keep their links, which name Acme now, and
			// are not relinked; the one linked by its name, which Acme's
			// CRM name replaces, is linked to none now, and so "left"
			// Acme, which mk-7 is part of. eve was linked to Acme twice.
			want: identity.AccountResult{Account: "001A", Outcome: identity.Updated, Merged: []b2b.AccountID{"mk-7"},
				Relinked: []b2b.PersonID{"marketo:3", "salesforce:" + c2}, Unlinked: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001A"}, "marketo:2": {"001A"}, "marketo:3": nil,
				"salesforce:" + c1: {"001A"}, "salesforce:" + c2: {"001A"}}},
		{name: "the same merge, the Marketo company the older",
			accounts: []identity.AccountRecord{mk7},
			first:    true,
			persons:  mkPersons,
			rec:      acctRec("marketo", "mk-7", "Acme Marketing", "acme-mktg.com", "", 2, "001A"),
			want: identity.AccountResult{Account: "mk-7", Outcome: identity.Updated, Merged: []b2b.AccountID{"001A"},
				Relinked: []b2b.PersonID{"marketo:3", "salesforce:" + c2}, Unlinked: []b2b.AccountID{"mk-7"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"mk-7"}, "marketo:2": {"mk-7"}, "marketo:3": nil,
				"salesforce:" + c1: {"mk-7"}, "salesforce:" + c2: {"mk-7"}}},
		{name: "a new record merges two accounts",
			accounts: []identity.AccountRecord{mk7},
			persons:  mkPersons,
			rec:      acctRec("hubspot", "hs-1", "Acme", "", "", 2, "mk-7", "001A"),
			want: identity.AccountResult{Account: "001A", Outcome: identity.Joined, Merged: []b2b.AccountID{"mk-7"},
				Relinked: []b2b.PersonID{"marketo:3", "salesforce:" + c2}, Unlinked: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:2": {"001A"}, "salesforce:" + c1: {"001A"}}},
		{name: "a new account takes a person by its subdomain",
			persons: []identity.PersonRecord{leadRec("1", "ann@nordics.acme.com", "", 1), leadRec("2", "bo@acme.com", "", 1)},
			rec:     acctRec("salesforce", "001N", "Acme Nordics", "nordics.acme.com", "001A", 2),
			want: identity.AccountResult{Account: "001N", Outcome: identity.Created,
				Relinked: []b2b.PersonID{"marketo:1"}, Unlinked: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001N"}, "marketo:2": {"001A"}}},
		{name: "a subsidiary's new domain takes a person over",
			persons: []identity.PersonRecord{leadRec("1", "ann@nordics.acme.com", "", 1)},
			rec: identity.AccountRecord{Source: "salesforce", Time: at(2), Account: b2b.Account{ID: "001E", Name: "Acme Europe",
				Domains: []string{"nordics.acme.com"}, ParentID: "001A"}},
			want: identity.AccountResult{Account: "001E", Outcome: identity.Updated,
				Relinked: []b2b.PersonID{"marketo:1"}, Unlinked: []b2b.AccountID{"001A"}, FormerAncestors: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001E"}}},
		{name: "a second account of a name makes it ambiguous",
			accounts: []identity.AccountRecord{mk7},
			persons:  mkPersons,
			rec:      acctRec("hubspot", "hs-2", "Acme Marketing Inc", "", "", 2),
			want: identity.AccountResult{Account: "hs-2", Outcome: identity.Created,
				Relinked: []b2b.PersonID{"marketo:3"}, Unlinked: []b2b.AccountID{"mk-7"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:3": nil}},
		{name: "a CRM account sharing another's domain stays apart and shares its persons",
			persons: []identity.PersonRecord{leadRec("1", "ann@acme.com", "", 1)},
			rec:     acctRec("salesforce", "001S", "Acme Services", "acme.com", "", 2),
			want: identity.AccountResult{Account: "001S", Outcome: identity.Created,
				Relinked: []b2b.PersonID{"marketo:1"}},
			links:     map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001A", "001S"}},
			conflicts: []identity.ConflictKind{identity.ConflictSameSource}},
		{name: "the account a person waited for arrives",
			persons: []identity.PersonRecord{contactRec(c3, "hal@acme.com", "001X", 1)},
			rec:     acctRec("salesforce", "001X", "Xylo", "", "", 2),
			want: identity.AccountResult{Account: "001X", Outcome: identity.Created,
				Relinked: []b2b.PersonID{"salesforce:" + c3}, Unlinked: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"salesforce:" + c3: {"001X"}}},
		{name: "an account moved to another parent",
			persons: []identity.PersonRecord{leadRec("1", "ann@eu.acme.com", "", 1)},
			rec:     acctRec("salesforce", "001E", "Acme Europe", "eu.acme.com", "001G", 2),
			// No person's links change: the persons with subsidiaries of
			// Acme do (FormerAncestors).
			want:  identity.AccountResult{Account: "001E", Outcome: identity.Updated, FormerAncestors: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001E"}}},
		{name: "a new version that changes no link",
			persons: []identity.PersonRecord{leadRec("1", "ann@globex.com", "", 1)},
			rec: identity.AccountRecord{Source: "salesforce", Time: at(2), Account: b2b.Account{ID: "001G", Name: "Globex",
				Domains: []string{"globex.com"}, Industry: "Chemicals"}},
			want:  identity.AccountResult{Account: "001G", Outcome: identity.Updated},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001G"}}},
		{name: "the same version again",
			persons: []identity.PersonRecord{leadRec("1", "ann@globex.com", "", 1)},
			rec:     acctRec("salesforce", "001G", "Globex", "globex.com", "", 0),
			want:    identity.AccountResult{Account: "001G", Outcome: identity.Duplicate},
			links:   map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001G"}}},
		{name: "the same version again, its record's domains accumulated",
			accounts: []identity.AccountRecord{acctRec("salesforce", "001G", "Globex", "globex.de", "", 1)},
			persons:  []identity.PersonRecord{leadRec("1", "ann@globex.com", "", 1)},
			rec:      acctRec("salesforce", "001G", "Globex", "globex.de", "", 1),
			want:     identity.AccountResult{Account: "001G", Outcome: identity.Duplicate},
			links:    map[b2b.PersonID][]b2b.AccountID{"marketo:1": {"001G"}}},
		{name: "a new version of an account's oldest record with another account ID",
			accounts: []identity.AccountRecord{renamed("mk-7", 0)},
			persons:  mkPersons,
			rec:      renamed("mk-8", 2),
			// The golden account's ID is its oldest record's account ID:
			// mk-8 now, and mk-7 names it as an account merged into it.
			want: identity.AccountResult{Account: "mk-8", Outcome: identity.Updated, Merged: []b2b.AccountID{"mk-7"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:2": {"mk-8"}, "marketo:3": {"mk-8"},
				"salesforce:" + c1: {"mk-8"}, "salesforce:" + c2: {"001A", "mk-8"}}},
		{name: "the same, merged into another account",
			accounts: []identity.AccountRecord{renamed("mk-7", 0)},
			persons:  mkPersons,
			rec:      renamed("mk-8", 2, "001A"),
			want: identity.AccountResult{Account: "001A", Outcome: identity.Updated, Merged: []b2b.AccountID{"mk-7"},
				Relinked: []b2b.PersonID{"marketo:3", "salesforce:" + c2}, Unlinked: []b2b.AccountID{"001A"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:2": {"001A"}, "salesforce:" + c1: {"001A"}}},
		{name: "the same, with the ID of an account it merges",
			accounts: []identity.AccountRecord{renamed("mk-7", 0), acctRec("hubspot", "hs-3", "Acme Marketing", "", "", 1)},
			first:    true,
			persons:  mkPersons,
			rec:      renamed("hs-3", 2),
			// hs-3 is the golden account's ID now: it is Account, not an
			// account merged into it. The name the two shared is no
			// longer ambiguous.
			want: identity.AccountResult{Account: "hs-3", Outcome: identity.Updated, Merged: []b2b.AccountID{"mk-7"},
				Relinked: []b2b.PersonID{"marketo:3"}},
			links: map[b2b.PersonID][]b2b.AccountID{"marketo:2": {"hs-3"}, "marketo:3": {"hs-3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			accounts := append(resultAccounts(), tt.accounts...)
			if tt.first {
				accounts = append(tt.accounts, resultAccounts()...)
			}
			g := loadResultWorld(t, accounts, tt.persons)
			res, err := g.AddAccount(tt.rec)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, res, cmpopts.IgnoreFields(identity.AccountResult{}, "Conflicts"), cmpopts.EquateEmpty()))
			require.Equal(t, tt.conflicts, conflictKinds(res.Conflicts))
			for p, want := range tt.links {
				require.Empty(t, cmp.Diff(want, linkedAccounts(t, g, p), cmpopts.EquateEmpty()), "links of %s", p)
			}
			for _, m := range res.Merged {
				a, err := g.Account(m)
				require.NoError(t, err)
				require.Equal(t, res.Account, a.ID, "merged %s resolves to the record's account", m)
			}
		})
	}
}
