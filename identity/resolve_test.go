package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

func TestResolution(t *testing.T) {
	t.Parallel()
	accounts := []b2b.Account{
		acme(),
		{ID: "globex", Name: "Globex GmbH", Domains: []string{"globex.de"}},
		{ID: "initech-us", Name: "Initech, Inc.", Domains: []string{"initech.com"}},
		{ID: "initech-uk", Name: "Initech Ltd"}, // same name key as initech-us
		// Internationalised domains, as the CRM writes them or in punycode.
		{ID: "buecher", Name: "Bücher AG", Domains: []string{"Bücher.de"}},
		{ID: "muenchen", Name: "Stadtwerke", Domains: []string{"xn--mnchen-3ya.de"}},
		// A private public suffix is its owner's domain; the names under
		// it are its customers'.
		{ID: "github", Name: "GitHub", Domains: []string{"github.io"}},
		{ID: "pages", Name: "Pages Co", Domains: []string{"pages.github.io"}},
	}
	tests := []struct {
		name   string
		cfg    identity.Config
		person b2b.Person
		want   []identity.Link
		reason identity.UnresolvedReason
		detail string
	}{
		{name: "explicit reference wins over the email domain",
			person: b2b.Person{Email: "a@globex.de", AccountID: "acme"},
			want:   []identity.Link{{Account: "acme", Method: identity.MethodExplicit, Confidence: 1, Primary: true, Evidence: `account reference "acme"`}}},
		{name: "email domain",
			person: b2b.Person{Email: "a@acme.com"},
			want:   []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.com"`}}},
		{name: "second domain of an account",
			person: b2b.Person{Email: "a@acme.io"},
			want:   []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.io"`}}},
		{name: "subdomain",
			person: b2b.Person{Email: "a@mail.eu.acme.com"},
			want: []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.8, Primary: true,
				Evidence: `email domain "mail.eu.acme.com" under account domain "acme.com"`}}},
		{name: "Unicode account domain, punycode email domain",
			person: b2b.Person{Email: "Jörg@xn--bcher-kva.de"},
			want:   []identity.Link{{Account: "buecher", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "xn--bcher-kva.de"`}}},
		{name: "punycode account domain, Unicode email subdomain",
			person: b2b.Person{Email: "anna@Stadt.München.de"},
			want: []identity.Link{{Account: "muenchen", Method: identity.MethodEmailDomain, Confidence: 0.8, Primary: true,
				Evidence: `email domain "stadt.xn--mnchen-3ya.de" under account domain "xn--mnchen-3ya.de"`}}},
		{name: "no climbing to a private public suffix",
			person: b2b.Person{Email: "a@initech.github.io"},
			reason: identity.ReasonNoDomainMatch, detail: `email domain "initech.github.io" matches no account domain`},
		{name: "a customer's name under a private public suffix",
			person: b2b.Person{Email: "a@docs.pages.github.io"},
			want: []identity.Link{{Account: "pages", Method: identity.MethodEmailDomain, Confidence: 0.8, Primary: true,
				Evidence: `email domain "docs.pages.github.io" under account domain "pages.github.io"`}}},
		{name: "the owner of a private public suffix",
			person: b2b.Person{Email: "a@github.io"},
			want:   []identity.Link{{Account: "github", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "github.io"`}}},
		{name: "unknown reference falls back to the domain",
			person: b2b.Person{Email: "a@acme.com", AccountID: "001-gone"},
			want:   []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.com"`}}},
		{name: "free mail falls back to the company name",
			person: b2b.Person{Email: "ann@gmail.com", Company: "ACME Inc."},
			want: []identity.Link{{Account: "acme", Method: identity.MethodCompanyName, Confidence: 0.6, Primary: true,
				Evidence: `company "ACME Inc." normalises to account name key "acme"`}}},
		{name: "free mail list is overridable",
			cfg:    identity.Config{FreeMailDomains: []string{"acme.com"}},
			person: b2b.Person{Email: "ann@acme.com"},
			reason: identity.ReasonFreeMail, detail: `email domain "acme.com" is free mail (acme.com)`},
		{name: "gmail is no free mail when the list is empty",
			cfg:    identity.Config{FreeMailDomains: []string{}},
			person: b2b.Person{Email: "ann@gmail.com"},
			reason: identity.ReasonNoDomainMatch, detail: `email domain "gmail.com" matches no account domain`},
		{name: "ambiguous company name",
			person: b2b.Person{Email: "bob@yahoo.co.uk", Company: "INITECH"},
			reason: identity.ReasonFreeMail,
			detail: `email domain "yahoo.co.uk" is free mail (yahoo.co.uk); company "INITECH" (key "initech") matches 2 accounts: initech-uk, initech-us`},
		{name: "a company of legal words only",
			person: b2b.Person{Email: "ann@gmail.com", Company: "Holdings, Inc."},
			reason: identity.ReasonFreeMail,
			detail: `email domain "gmail.com" is free mail (gmail.com); company "Holdings, Inc." has no name besides legal words`},
		{name: "a company of punctuation only",
			person: b2b.Person{Email: "ann@gmail.com", Company: "???"},
			reason: identity.ReasonFreeMail,
			detail: `email domain "gmail.com" is free mail (gmail.com); company "???" has no words`},
		{name: "nothing to go on",
			person: b2b.Person{FirstName: "Anon"},
			reason: identity.ReasonNoEvidence, detail: "no account reference, no company email and no company name"},
		{name: "every step fails",
			person: b2b.Person{Email: "z@umbrella.org", Company: "Umbrella", AccountID: "x-1"},
			reason: identity.ReasonUnknownAccount,
			detail: `account reference "x-1" matches no account; email domain "umbrella.org" matches no account domain; company "Umbrella" (key "umbrella") matches no account name`},
		{name: "a test address",
			person: b2b.Person{Email: "z@mail.example.org", Company: "Umbrella"},
			reason: identity.ReasonPlaceholderDomain,
			detail: `email domain "mail.example.org" is reserved for examples and tests, and names no company; company "Umbrella" (key "umbrella") matches no account name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t, tt.cfg)
			for _, a := range accounts {
				addAccount(t, g, "salesforce", a)
			}
			res := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "1", Person: tt.person})
			links, err := g.Links(res.Person)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, links))
			un := g.Unresolved()
			if tt.reason == "" {
				require.Empty(t, un)
				require.Equal(t, 1.0, g.MatchRate().Rate)
				return
			}
			require.Len(t, un, 1)
			require.Equal(t, tt.reason, un[0].Reason)
			require.Equal(t, tt.detail, un[0].Detail)
			m := g.MatchRate()
			require.Equal(t, identity.MatchRate{Persons: 1, ByMethod: map[identity.Method]int{},
				Unresolved: map[identity.UnresolvedReason]int{tt.reason: 1}}, m)
		})
	}
}

func TestManyToMany(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", acme())
	addAccount(t, g, "salesforce", b2b.Account{ID: "acme-labs", Name: "Acme Labs", Domains: []string{"labs.acme.com"}})
	// A second CRM account sharing acme.com stays separate (same source).
	shared := addAccount(t, g, "salesforce", b2b.Account{ID: "acme-svc", Name: "Acme Services", Domains: []string{"acmeservices.com", "acme.com"}})
	require.Equal(t, identity.ConflictSameSource, shared.Conflicts[0].Kind)

	// A CRM contact related to a second account (AccountContactRelation).
	res := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1",
		Person: b2b.Person{Email: "a@acme.com", AccountID: "acme"}, OtherAccounts: []b2b.AccountID{"acme-labs", "acme"}})
	links, err := g.Links(res.Person)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]identity.Link{
		{Account: "acme", Method: identity.MethodExplicit, Confidence: 1, Primary: true, Evidence: `account reference "acme"`},
		{Account: "acme-labs", Method: identity.MethodExplicit, Confidence: 1, Evidence: `account reference "acme-labs"`},
	}, links))

	// A domain held by two accounts links to both; the
	// primary is the account whose main domain it is, then the oldest.
	res = addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "b@acme.com"}})
	links, err = g.Links(res.Person)
	require.NoError(t, err)
	require.Len(t, links, 2)
	require.Equal(t, []b2b.AccountID{"acme", "acme-svc"}, []b2b.AccountID{links[0].Account, links[1].Account})
	require.True(t, links[0].Primary)
	require.False(t, links[1].Primary)

	// The most specific domain wins over its parent.
	res = addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m2", Person: b2b.Person{Email: "c@labs.acme.com"}})
	links, _ = g.Links(res.Person)
	require.Equal(t, b2b.AccountID("acme-labs"), links[0].Account)
	require.Len(t, links, 1)

	persons, err := g.Persons("acme", false)
	require.NoError(t, err)
	require.Equal(t, []b2b.PersonID{"marketo:m1", "salesforce:c1"}, persons)
}

// TestAccountArrivesLater: persons loaded before their account are
// re-resolved by the account, whichever step it satisfies.
func TestAccountArrivesLater(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	byRef := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1", Person: b2b.Person{Email: "a@gmail.com", AccountID: "001A"}})
	byDomain := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "b@eu.acme.com"}})
	byName := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m2", Person: b2b.Person{Email: "c@gmail.com", Company: "Acme, Inc."}})
	other := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m3", Person: b2b.Person{Email: "d@other.com"}})
	require.Len(t, g.Unresolved(), 4)

	res := addAccount(t, g, "salesforce", b2b.Account{ID: "001A", Name: "ACME Inc", Domains: []string{"acme.com"}})
	require.Equal(t, []b2b.PersonID{byDomain.Person, byName.Person, byRef.Person}, res.Relinked) // sorted by ID
	require.Empty(t, res.Unlinked, "they were linked to no account before")
	require.Equal(t, []identity.Unresolved{{Person: other.Person, Reason: identity.ReasonNoDomainMatch,
		Reasons: []identity.UnresolvedReason{identity.ReasonNoDomainMatch}, Detail: `email domain "other.com" matches no account domain`}}, g.Unresolved())

	// A new account for the subdomain takes the person over.
	res = addAccount(t, g, "salesforce", b2b.Account{ID: "001B", Name: "Acme Europe", Domains: []string{"eu.acme.com"}, ParentID: "001A"})
	require.Equal(t, []b2b.PersonID{byDomain.Person}, res.Relinked)
	require.Equal(t, []b2b.AccountID{"001A"}, res.Unlinked)
	links, _ := g.Links(byDomain.Person)
	require.Equal(t, b2b.AccountID("001B"), links[0].Account)
	require.Equal(t, 0.9, links[0].Confidence)

	// A second account with the same name makes the name ambiguous.
	res = addAccount(t, g, "hubspot", b2b.Account{ID: "hs-9", Name: "Acme"})
	require.Equal(t, []b2b.PersonID{byName.Person}, res.Relinked)
	require.Equal(t, []b2b.AccountID{"001A"}, res.Unlinked)
	un := g.Unresolved()
	require.Len(t, un, 2)
	require.Equal(t, identity.ReasonFreeMail, un[0].Reason)
	require.Equal(t, []identity.UnresolvedReason{identity.ReasonFreeMail, identity.ReasonAmbiguousCompany}, un[0].Reasons)

	m := g.MatchRate()
	require.Equal(t, identity.MatchRate{Persons: 4, Resolved: 2, Rate: 0.5,
		ByMethod:   map[identity.Method]int{identity.MethodExplicit: 1, identity.MethodEmailDomain: 1},
		Unresolved: map[identity.UnresolvedReason]int{identity.ReasonFreeMail: 1, identity.ReasonNoDomainMatch: 1}}, m)
	require.Equal(t, "2 of 4 persons linked to an account (50.0%)", m.String())
}

// TestAccountMergeMovesPersons: when two golden accounts merge, their
// persons end up on the survivor.
func TestAccountMergeMovesPersons(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"acme.com"}})
	addAccount(t, g, "marketo", b2b.Account{ID: "mk-7", Name: "Acme Corp", Domains: []string{"acme.net"}})
	p := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "a@acme.net"}})
	links, _ := g.Links(p.Person)
	require.Equal(t, b2b.AccountID("mk-7"), links[0].Account)

	res := addAccount(t, g, "marketo", b2b.Account{ID: "mk-7", Name: "Acme Corp", Domains: []string{"acme.net"}, UpdatedAt: at(3)},
		identity.Identifier{Namespace: identity.NSAccountID, Value: "001A"})
	require.Equal(t, identity.Updated, res.Outcome)
	require.Equal(t, []b2b.AccountID{"mk-7"}, res.Merged)
	require.Equal(t, b2b.AccountID("001A"), res.Account)
	links, _ = g.Links(p.Person)
	require.Equal(t, b2b.AccountID("001A"), links[0].Account)
	persons, _ := g.Persons("mk-7", false)
	require.Equal(t, []b2b.PersonID{p.Person}, persons)
}

// TestUnlinkedByAPersonRecord: a record that moves its person, or merges
// a person linked elsewhere, names the accounts they left; one that keeps
// them where they were names none.
func TestUnlinkedByAPersonRecord(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"acme.com"}})
	addAccount(t, g, "salesforce", b2b.Account{ID: "001G", Name: "Globex", Domains: []string{"globex.com"}})
	addAccount(t, g, "salesforce", b2b.Account{ID: "001I", Name: "Initech", Domains: []string{"initech.com"}})
	gina := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "gina@globex.com"}})
	require.Empty(t, gina.Unlinked)

	// Updated with the same account: re-resolved in place.
	res := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Time: at(2),
		Person: b2b.Person{Email: "gina@globex.com", Title: "CTO"}})
	require.Equal(t, identity.Updated, res.Outcome)
	require.Empty(t, res.Unlinked)

	// A CRM contact of Acme with her address: joined, and linked to Acme
	// alone (an explicit link beats the domain).
	res = addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1",
		Person: b2b.Person{Email: "gina@globex.com", AccountID: "001A"}})
	require.Equal(t, identity.Joined, res.Outcome)
	require.Equal(t, []b2b.AccountID{"001G"}, res.Unlinked)

	// A person of Initech merged into her by a record carrying both
	// addresses leaves Initech.
	ian := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m2", Person: b2b.Person{Email: "ian@initech.com"}})
	res = addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1", Time: at(3),
		Person: b2b.Person{Email: "ian@initech.com", AccountID: "001A"}})
	require.Equal(t, []b2b.PersonID{ian.Person}, res.Merged)
	require.Equal(t, []b2b.AccountID{"001I"}, res.Unlinked)
	persons, err := g.Persons("001I", false)
	require.NoError(t, err)
	require.Empty(t, persons)
}

// TestRenameEndsAnAmbiguity: a person whose company name matched two
// accounts is linked by it once one of them is renamed, or merged into
// the other, as a graph that never had the ambiguity would link them.
func TestRenameEndsAnAmbiguity(t *testing.T) {
	t.Parallel()
	for _, merge := range []bool{false, true} {
		g := newGraph(t, identity.Config{})
		addAccount(t, g, "salesforce", b2b.Account{ID: "001A", Name: "Acme"})
		addAccount(t, g, "hubspot", b2b.Account{ID: "hs-1", Name: "Acme Inc"})
		p := addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "a@gmail.com", Company: "Acme"}})
		require.Len(t, g.Unresolved(), 1)
		var res identity.AccountResult
		if merge {
			res = addAccount(t, g, "hubspot", b2b.Account{ID: "hs-1", Name: "Acme Inc", UpdatedAt: at(3)},
				identity.Identifier{Namespace: identity.NSAccountID, Value: "001A"})
			require.Equal(t, []b2b.AccountID{"hs-1"}, res.Merged)
		} else {
			res = addAccount(t, g, "hubspot", b2b.Account{ID: "hs-1", Name: "Globex", UpdatedAt: at(3)})
		}
		require.Equal(t, []b2b.PersonID{p.Person}, res.Relinked, "merge=%v", merge)
		links, err := g.Links(p.Person)
		require.NoError(t, err)
		require.Len(t, links, 1)
		require.Equal(t, b2b.AccountID("001A"), links[0].Account)
		require.Equal(t, identity.MethodCompanyName, links[0].Method)
		require.Empty(t, g.Unresolved())
	}
}

// TestAccountIDProvenanceNamesTheReferenceThatLinked: a golden person's
// accountId is its primary link's account; its provenance names the record
// field it came from only when that field's reference made the link.
func TestAccountIDProvenanceNamesTheReferenceThatLinked(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addAccount(t, g, "salesforce", acme())
	// The contact's account is not loaded; a related account is.
	res := addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "c1",
		Person: b2b.Person{Email: "a@gmail.com", AccountID: "x-1"}, OtherAccounts: []b2b.AccountID{"acme"}})
	p, err := g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("acme"), p.Person.AccountID)
	require.Equal(t, identity.Provenance{Source: b2b.SourceQuorum, Rule: `resolved by explicit: account reference "acme"`},
		p.Provenance["accountId"])

	// Once the contact's account is loaded, its reference links.
	addAccount(t, g, "salesforce", b2b.Account{ID: "x-1", Name: "Xylo"})
	p, err = g.Person(res.Person)
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("x-1"), p.Person.AccountID)
	require.Equal(t, "c1", p.Provenance["accountId"].RecordID)
}

// TestMatchRateString: a rate that is neither none nor all is never
// printed as 0.0% or 100.0%, which would say that no person, or every
// person, is linked.
func TestMatchRateString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    identity.MatchRate
		want string
	}{
		{"none", identity.MatchRate{Persons: 3}, "0 of 3 persons linked to an account (0.0%)"},
		{"all", identity.MatchRate{Persons: 3, Resolved: 3, Rate: 1}, "3 of 3 persons linked to an account (100.0%)"},
		{"half", identity.MatchRate{Persons: 4, Resolved: 2, Rate: 0.5}, "2 of 4 persons linked to an account (50.0%)"},
		{"one short of all", identity.MatchRate{Persons: 2000, Resolved: 1999, Rate: 1999.0 / 2000},
			"1999 of 2000 persons linked to an account (>99.9%)"},
		{"one of many", identity.MatchRate{Persons: 20000, Resolved: 1, Rate: 1.0 / 20000},
			"1 of 20000 persons linked to an account (<0.1%)"},
		{"no persons", identity.MatchRate{}, "0 of 0 persons linked to an account (0.0%)"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.m.String(), tt.name)
	}
}

// TestUnresolvedOnceEach: an account reference that several records give,
// or that a record gives both as its account and among its others (as a
// Salesforce contact's direct AccountContactRelation does), is explained
// once, and each step is listed once among the reasons.
func TestUnresolvedOnceEach(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	addPerson(t, g, identity.PersonRecord{Source: "salesforce", RecordID: "003A", OtherAccounts: []b2b.AccountID{"001X", "001Y"},
		Person: b2b.Person{Email: "ann@gmail.com", AccountID: "001X"}})
	addPerson(t, g, identity.PersonRecord{Source: "marketo", RecordID: "9", OtherAccounts: []b2b.AccountID{"001Y"},
		Person: b2b.Person{Email: "ann@gmail.com"}})
	require.Equal(t, []identity.Unresolved{{Person: "salesforce:003A", Reason: identity.ReasonUnknownAccount,
		Reasons: []identity.UnresolvedReason{identity.ReasonUnknownAccount, identity.ReasonFreeMail},
		Detail:  `account reference "001X" matches no account; account reference "001Y" matches no account; email domain "gmail.com" is free mail (gmail.com)`}},
		g.Unresolved())
}

// TestReferencesToOneAccountLoadedLater: persons whose explicit account
// references are two IDs of one account are one person, whether the
// accounts arrive before the persons, after them, or between them; and
// persons whose references name accounts that turn out to be two stay
// two in every order.
func TestReferencesToOneAccountLoadedLater(t *testing.T) {
	t.Parallel()
	sfAcme := identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"acme.com"}}, Time: at(0)}
	mkAcme := identity.AccountRecord{Source: "marketo", Account: b2b.Account{ID: "mk-9", Name: "Acme", Domains: []string{"acme.com"}}, Time: at(0)}
	// mk-9 first with another domain only, then a version that adds
	// acme.com merges it with 001A.
	mkAcmeIO := identity.AccountRecord{Source: "marketo", Account: b2b.Account{ID: "mk-9", Name: "Acme", Domains: []string{"acme.io"}}, Time: at(0)}
	mkAcme2 := mkAcme
	mkAcme2.Account.Domains, mkAcme2.Time = []string{"acme.io", "acme.com"}, at(2)
	// mk-7: another company entirely.
	mkInitech := identity.AccountRecord{Source: "marketo", Account: b2b.Account{ID: "mk-7", Name: "Initech", Domains: []string{"initech.com"}}, Time: at(0)}
	ann := identity.PersonRecord{Source: "salesforce", RecordID: "0030000000001", Person: b2b.Person{Email: "ann@acme.com", AccountID: "001A"}, Time: at(1)}
	lead := identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "mk-9"}, Time: at(1)}
	otherLead := identity.PersonRecord{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "mk-7"}, Time: at(1)}

	type step struct {
		acct   *identity.AccountRecord
		person *identity.PersonRecord
	}
	A := func(r identity.AccountRecord) step { return step{acct: &r} }
	P := func(r identity.PersonRecord) step { return step{person: &r} }
	type outcome struct {
		Persons map[string]b2b.PersonID // record -> golden person
		Members []b2b.PersonID          // persons of 001A
	}
	one := outcome{Persons: map[string]b2b.PersonID{"salesforce:0030000000001": "salesforce:0030000000001", "marketo:m1": "salesforce:0030000000001"},
		Members: []b2b.PersonID{"salesforce:0030000000001"}}
	two := outcome{Persons: map[string]b2b.PersonID{"salesforce:0030000000001": "salesforce:0030000000001", "marketo:m1": "marketo:m1"},
		Members: []b2b.PersonID{"salesforce:0030000000001"}}
	for _, tt := range []struct {
		name  string
		steps []step
		want  outcome
		// merges: the MergedPersons of the step that merged the persons.
		merges []identity.PersonMerge
	}{
		{"accounts first", []step{A(sfAcme), A(mkAcme), P(ann), P(lead)}, one, nil},
		{"persons first", []step{P(ann), P(lead), A(sfAcme), A(mkAcme)}, one,
			[]identity.PersonMerge{{Person: "salesforce:0030000000001", Merged: []b2b.PersonID{"marketo:m1"}}}},
		{"persons first, accounts reversed", []step{P(lead), P(ann), A(mkAcme), A(sfAcme)}, outcome{
			Persons: map[string]b2b.PersonID{"salesforce:0030000000001": "marketo:m1", "marketo:m1": "marketo:m1"},
			Members: []b2b.PersonID{"marketo:m1"}},
			[]identity.PersonMerge{{Person: "marketo:m1", Merged: []b2b.PersonID{"salesforce:0030000000001"}}}},
		{"one account between the persons", []step{A(sfAcme), P(ann), P(lead), A(mkAcme)}, one,
			[]identity.PersonMerge{{Person: "salesforce:0030000000001", Merged: []b2b.PersonID{"marketo:m1"}}}},
		{"accounts merged by a later version", []step{A(sfAcme), A(mkAcmeIO), P(ann), P(lead), A(mkAcme2)}, one,
			[]identity.PersonMerge{{Person: "salesforce:0030000000001", Merged: []b2b.PersonID{"marketo:m1"}}}},
		{"different accounts, accounts first", []step{A(sfAcme), A(mkInitech), P(ann), P(otherLead)}, two, nil},
		{"different accounts, persons first", []step{P(ann), P(otherLead), A(sfAcme), A(mkInitech)}, two, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, identity.Config{})
			var merges []identity.PersonMerge
			for _, s := range tt.steps {
				if s.acct != nil {
					res, err := g.AddAccount(*s.acct)
					require.NoError(t, err)
					for _, m := range res.MergedPersons {
						require.Contains(t, res.Relinked, m.Person)
					}
					merges = append(merges, res.MergedPersons...)
					continue
				}
				_, err := g.AddPerson(*s.person)
				require.NoError(t, err)
			}
			require.Empty(t, cmp.Diff(tt.merges, merges))
			check := func(g *identity.Graph) {
				got := outcome{Persons: map[string]b2b.PersonID{}}
				for _, r := range []struct{ src, id string }{{"salesforce", "0030000000001"}, {"marketo", "m1"}} {
					p, ok := g.PersonOfRecord(r.src, r.id)
					require.True(t, ok)
					got.Persons[r.src+":"+r.id] = p
				}
				var err error
				got.Members, err = g.Persons("001A", false)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(tt.want, got))
			}
			check(g)
			// The state restores to the same persons.
			r, err := identity.Restore(identity.Config{}, g.Snapshot())
			require.NoError(t, err)
			check(r)
		})
	}
}

// TestThreeReferencesToOneAccountLoadedLater: three records of one person
// (ann@acme.com) whose account references are the two IDs of one account
// (Marketo's mk-9, Salesforce's 001A twice) end as one person whether the
// accounts or the persons come first: the first merge the account's
// arrival makes gives the merged person the reference of the third
// record, which must still be merged with them.
func TestThreeReferencesToOneAccountLoadedLater(t *testing.T) {
	t.Parallel()
	sfAcme := identity.AccountRecord{Source: "salesforce", Account: b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"acme.com"}}, Time: at(0)}
	mkAcme := identity.AccountRecord{Source: "marketo", Account: b2b.Account{ID: "mk-9", Name: "Acme", Domains: []string{"acme.com"}}, Time: at(0)}
	persons := []identity.PersonRecord{
		{Source: "marketo", RecordID: "m1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "mk-9"}, Time: at(2)},
		{Source: "salesforce", RecordID: "0030000000001", Person: b2b.Person{Email: "ann@acme.com", AccountID: "001A"}, Time: at(1)},
		{Source: "hubspot", RecordID: "h1", Person: b2b.Person{Email: "ann@acme.com", AccountID: "001A"}, Time: at(2)},
	}
	run := func(accountsFirst bool) map[string]b2b.PersonID {
		g, err := identity.New(identity.Config{})
		require.NoError(t, err)
		addAccounts := func() {
			for _, a := range []identity.AccountRecord{sfAcme, mkAcme} {
				_, err := g.AddAccount(a)
				require.NoError(t, err)
			}
		}
		if accountsFirst {
			addAccounts()
		}
		for _, p := range persons {
			_, err := g.AddPerson(p)
			require.NoError(t, err)
		}
		if !accountsFirst {
			addAccounts()
		}
		out := map[string]b2b.PersonID{}
		for _, p := range persons {
			id, ok := g.PersonOfRecord(p.Source, p.RecordID)
			require.True(t, ok)
			out[string(p.Source)+":"+p.RecordID] = id
		}
		return out
	}
	want := map[string]b2b.PersonID{"marketo:m1": "marketo:m1", "salesforce:0030000000001": "marketo:m1", "hubspot:h1": "marketo:m1"}
	require.Empty(t, cmp.Diff(want, run(true)), "accounts first (-want +got)")
	require.Empty(t, cmp.Diff(want, run(false)), "persons first (-want +got)")
}
