package identity_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// TestPlaceholderEmailLinksNobody: two Marketo leads of different persons,
// both imported with the address a form fills in for a person who gave
// none, stay two persons; the address stays their email, is no identifier
// of theirs (Lookup finds nobody by it) and still says their company's
// domain. A record that gives it as an identifier, or a later version
// that replaces it, links by it neither.
func TestPlaceholderEmailLinksNobody(t *testing.T) {
	t.Parallel()
	lead := func(id, first, last, email string) identity.PersonRecord {
		r := mktoLead(id, email)
		r.Person.FirstName, r.Person.LastName = first, last
		return r
	}
	acmeLink := []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.com"`}}
	tests := []struct {
		name    string
		records []identity.PersonRecord
		// persons are the golden persons' IDs with their records.
		persons map[b2b.PersonID][]identity.RecordRef
		links   []identity.Link // of every person
		// emails are the golden persons' emails: a placeholder is kept.
		emails map[b2b.PersonID]string
	}{
		{name: "two leads with noreply@ at the company's domain",
			records: []identity.PersonRecord{
				lead("L-1", "Ann", "Lee", "noreply@acme.com"),
				lead("L-2", "Bob", "Stone", "NoReply@ACME.com"),
			},
			persons: map[b2b.PersonID][]identity.RecordRef{
				"marketo:L-1": {{Source: b2b.SourceMarketo, RecordID: "L-1"}},
				"marketo:L-2": {{Source: b2b.SourceMarketo, RecordID: "L-2"}},
			},
			links:  acmeLink,
			emails: map[b2b.PersonID]string{"marketo:L-1": "noreply@acme.com", "marketo:L-2": "noreply@acme.com"}},
		{name: "unknown@unknown.com names no account",
			records: []identity.PersonRecord{
				lead("L-1", "Ann", "Lee", "unknown@unknown.com"),
				lead("L-2", "Bob", "Stone", "unknown@unknown.com"),
			},
			persons: map[b2b.PersonID][]identity.RecordRef{
				"marketo:L-1": {{Source: b2b.SourceMarketo, RecordID: "L-1"}},
				"marketo:L-2": {{Source: b2b.SourceMarketo, RecordID: "L-2"}},
			},
			emails: map[b2b.PersonID]string{"marketo:L-1": "unknown@unknown.com", "marketo:L-2": "unknown@unknown.com"}},
		{name: "a placeholder given as an identifier",
			records: []identity.PersonRecord{
				{Source: "form", RecordID: "F-1", Person: b2b.Person{FirstName: "Ann", LastName: "Lee"},
					Identifiers: []identity.Identifier{{Namespace: identity.NSEmail, Value: "test@example.com"}}},
				lead("L-2", "Bob", "Stone", "test@example.com"),
			},
			persons: map[b2b.PersonID][]identity.RecordRef{
				"form:F-1":    {{Source: "form", RecordID: "F-1"}},
				"marketo:L-2": {{Source: b2b.SourceMarketo, RecordID: "L-2"}},
			},
			emails: map[b2b.PersonID]string{"form:F-1": "", "marketo:L-2": "test@example.com"}},
		{name: "a later version replaces the placeholder: it is kept as no former email",
			records: []identity.PersonRecord{
				lead("L-1", "Ann", "Lee", "noreply@acme.com"),
				func() identity.PersonRecord {
					r := lead("L-1", "Ann", "Lee", "ann@acme.com")
					r.Time = at(2)
					return r
				}(),
				lead("L-2", "Bob", "Stone", "noreply@acme.com"),
			},
			persons: map[b2b.PersonID][]identity.RecordRef{
				"marketo:L-1": {{Source: b2b.SourceMarketo, RecordID: "L-1"}},
				"marketo:L-2": {{Source: b2b.SourceMarketo, RecordID: "L-2"}},
			},
			links:  acmeLink,
			emails: map[b2b.PersonID]string{"marketo:L-1": "ann@acme.com", "marketo:L-2": "noreply@acme.com"}},
		{name: "a real address still links",
			records: []identity.PersonRecord{
				lead("L-1", "Ann", "Lee", "ann@acme.com"),
				sfContact("0035e00000CoNtA", "ann@acme.com", ""),
			},
			persons: map[b2b.PersonID][]identity.RecordRef{
				"marketo:L-1": {{Source: b2b.SourceMarketo, RecordID: "L-1"}, {Source: b2b.SourceSalesforce, RecordID: "0035e00000CoNtA"}},
			},
			links:  acmeLink,
			emails: map[b2b.PersonID]string{"marketo:L-1": "ann@acme.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			one := newGraph(t, identity.Config{})
			addAccount(t, one, b2b.SourceSalesforce, acme())
			for _, r := range tc.records {
				addPerson(t, one, r)
			}
			batch := newGraph(t, identity.Config{})
			addAccount(t, batch, b2b.SourceSalesforce, acme())
			recs := make([]identity.PersonRecord, len(tc.records))
			for i, r := range tc.records {
				if r.Time.IsZero() {
					r.Time = at(1)
				}
				recs[i] = r
			}
			require.Empty(t, batch.AddPersons(recs).Rejected)
			restored, err := identity.Restore(identity.Config{}, one.Snapshot())
			require.NoError(t, err)
			for name, g := range map[string]*identity.Graph{"AddPerson": one, "AddPersons": batch, "Restore": restored} {
				got := map[b2b.PersonID][]identity.RecordRef{}
				st := g.Snapshot()
				for _, ps := range st.Persons {
					gp, err := g.Person(ps.Person)
					require.NoError(t, err)
					got[gp.ID] = gp.Records
				}
				require.Empty(t, cmp.Diff(tc.persons, got), name)
				for _, ps := range st.Persons {
					for _, id := range ps.Unindexed {
						require.False(t, b2b.PlaceholderEmail(id.Value), "%s: %s unindexed", name, id)
					}
					gp, err := g.Person(ps.Person)
					require.NoError(t, err)
					for _, id := range gp.Identifiers {
						require.False(t, b2b.PlaceholderEmail(id.Value), "%s: %s of %s", name, id, gp.ID)
					}
					require.Equal(t, tc.emails[gp.ID], gp.Person.Email, "%s: %s", name, gp.ID)
					links, err := g.Links(gp.ID)
					require.NoError(t, err)
					require.Empty(t, cmp.Diff(tc.links, links), "%s: %s", name, gp.ID)
				}
				for _, e := range []string{"noreply@acme.com", "unknown@unknown.com", "test@example.com"} {
					_, ok := g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: e})
					require.False(t, ok, "%s: %s finds a person", name, e)
				}
			}
		})
	}
}

// TestGoldenPrefersARealAddress: of a person's records, one with a real
// email or phone gives the golden person's, over one with a placeholder
// (b2b.PlaceholderEmail, b2b.PlaceholderPhone), whatever the merge
// policy, the records' times and the order they arrive in; a
// placeholder is the golden value only when no record gives a real one.
// The account is then resolved from the real address's domain.
func TestGoldenPrefersARealAddress(t *testing.T) {
	t.Parallel()
	// contact is a CRM contact; lead a Marketo lead carrying the
	// contact's ID, so that the two are one person whatever their emails.
	contact := func(h int, email, phone string) identity.PersonRecord {
		r := sfContact("0035e00000CoNtA", email, "")
		r.Person.Phone, r.Time = phone, at(h)
		return r
	}
	lead := func(h int, email, phone string) identity.PersonRecord {
		r := mktoLead("L-1", email)
		r.Identifiers = append(r.Identifiers, identity.Identifier{Namespace: identity.NSSalesforceContactID, Value: "0035e00000CoNtA"})
		r.Person.Phone, r.Time = phone, at(h)
		return r
	}
	crmEmail := &identity.MergePolicy{Fields: map[string]identity.FieldRule{"email": {Sources: []b2b.Source{b2b.SourceSalesforce}}}}
	acmeLink := []identity.Link{{Account: "acme", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.com"`}}
	tests := []struct {
		name    string
		policy  *identity.MergePolicy
		records []identity.PersonRecord
		// email and phone are the golden values, with the records
		// ("source:recordID") they come from.
		email, emailFrom, phone, phoneFrom string
		links                              []identity.Link
	}{
		{name: "the placeholder is the most recent",
			records: []identity.PersonRecord{lead(1, "jane@acme.com", ""), contact(2, "noreply@acme.com", "")},
			email:   "jane@acme.com", emailFrom: "marketo:L-1", links: acmeLink},
		{name: "the real address is the most recent",
			records: []identity.PersonRecord{contact(1, "noreply@acme.com", ""), lead(2, "jane@acme.com", "")},
			email:   "jane@acme.com", emailFrom: "marketo:L-1", links: acmeLink},
		{name: "the CRM wins the email but gives a placeholder",
			policy:  crmEmail,
			records: []identity.PersonRecord{contact(2, "NoReply@Acme.com", ""), lead(1, "jane@acme.com", "")},
			email:   "jane@acme.com", emailFrom: "marketo:L-1", links: acmeLink},
		{name: "the placeholder's domain names no account, the real one's does",
			records: []identity.PersonRecord{lead(1, "jane@acme.com", ""), contact(2, "unknown@unknown.com", "")},
			email:   "jane@acme.com", emailFrom: "marketo:L-1", links: acmeLink},
		{name: "placeholders only: the rule decides",
			records: []identity.PersonRecord{lead(1, "test@example.com", "000-000-0000"), contact(2, "noreply@acme.com", "n/a")},
			email:   "noreply@acme.com", emailFrom: "salesforce:0035e00000CoNtA", phone: "n/a", phoneFrom: "salesforce:0035e00000CoNtA", links: acmeLink},
		{name: "real addresses only: the rule decides",
			policy:  crmEmail,
			records: []identity.PersonRecord{contact(1, "jane@acme.com", "+1 415 555 0100"), lead(2, "jane.doe@acme.com", "+1 415 555 0199")},
			email:   "jane@acme.com", emailFrom: "salesforce:0035e00000CoNtA", phone: "+1 415 555 0199", phoneFrom: "marketo:L-1", links: acmeLink},
		{name: "the CRM wins the phone but gives a placeholder",
			records: []identity.PersonRecord{contact(2, "", "000-000-0000"), lead(1, "", "+1 415 555 0100")},
			phone:   "+1 415 555 0100", phoneFrom: "marketo:L-1"},
		{name: "the CRM's phone counts up",
			records: []identity.PersonRecord{lead(1, "", "+44 20 7946 0958"), contact(2, "", "123-456-7890")},
			phone:   "+44 20 7946 0958", phoneFrom: "marketo:L-1"},
		{name: "a new version gives a placeholder",
			records: []identity.PersonRecord{lead(1, "jane@acme.com", "+1 415 555 0100"), contact(2, "ann@acme.com", "+1 415 555 0111"), contact(3, "none@acme.com", "0")},
			email:   "jane@acme.com", emailFrom: "marketo:L-1", phone: "+1 415 555 0100", phoneFrom: "marketo:L-1", links: acmeLink},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := identity.Config{PersonMerge: tc.policy}
			graphs := map[string]*identity.Graph{}
			for _, order := range []string{"in order", "reversed"} {
				recs := slices.Clone(tc.records)
				if order == "reversed" {
					slices.Reverse(recs)
				}
				one := newGraph(t, cfg)
				addAccount(t, one, b2b.SourceSalesforce, acme())
				for _, r := range recs {
					_, err := one.AddPerson(r)
					require.NoError(t, err)
				}
				batch := newGraph(t, cfg)
				addAccount(t, batch, b2b.SourceSalesforce, acme())
				require.Empty(t, batch.AddPersons(slices.Clone(recs)).Rejected)
				restored, err := identity.Restore(cfg, one.Snapshot())
				require.NoError(t, err)
				graphs["AddPerson "+order] = one
				graphs["AddPersons "+order] = batch
				graphs["Restore "+order] = restored
			}
			for name, g := range graphs {
				id, ok := g.PersonOfRecord(b2b.SourceMarketo, "L-1")
				require.True(t, ok, name)
				gp, err := g.Person(id)
				require.NoError(t, err)
				require.Len(t, gp.Records, 2, name)
				require.Equal(t, tc.email, gp.Person.Email, name)
				require.Equal(t, tc.phone, gp.Person.Phone, name)
				from := func(f string) string {
					if p, ok := gp.Provenance[f]; ok {
						return p.Source + ":" + p.RecordID
					}
					return ""
				}
				require.Equal(t, tc.emailFrom, from("email"), name)
				require.Equal(t, tc.phoneFrom, from("phone"), name)
				links, err := g.Links(id)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(tc.links, links), name)
			}
		})
	}
}

// TestRestoreOfPersonsMergedByAPlaceholder: a state saved by a version
// that still linked persons by a placeholder email holds two leads of
// different persons as one golden person. Restore keeps them one (it
// decides no link again, see State), but the placeholder identifies no
// one any more: Lookup finds nobody by it, a new record that gives it
// joins no one, it is none of the person's identifiers, and the golden
// email is the real address one of the records gives, though the
// placeholder's record is the most recent.
func TestRestoreOfPersonsMergedByAPlaceholder(t *testing.T) {
	t.Parallel()
	ann := mktoLead("L-1", "ann@acme.com")
	ann.Person.FirstName, ann.Time = "Ann", at(2)
	// The address the lead had before, kept as an identifier.
	ann.Identifiers = append(ann.Identifiers, identity.Identifier{Namespace: identity.NSEmail, Value: "noreply@acme.com"})
	bob := mktoLead("L-2", "noreply@acme.com")
	bob.Person.FirstName, bob.Time = "Bob", at(3)
	st := identity.State{Persons: []identity.PersonState{
		{Record: ann, Person: "marketo:L-1"},
		{Record: bob, Person: "marketo:L-1"},
	}}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	id, ok := g.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	require.Equal(t, b2b.PersonID("marketo:L-1"), id, "the records stay one person")
	gp, err := g.Person(id)
	require.NoError(t, err)
	require.Equal(t, "ann@acme.com", gp.Person.Email)
	require.Equal(t, "marketo:L-1", gp.Provenance["email"].Source+":"+gp.Provenance["email"].RecordID)
	require.Equal(t, "Bob", gp.Person.FirstName)
	require.Equal(t, []identity.Identifier{
		{Namespace: identity.NSEmail, Value: "ann@acme.com"},
		{Namespace: identity.NSMarketoPersonID, Value: "l-1"},
		{Namespace: identity.NSMarketoPersonID, Value: "l-2"},
	}, gp.Identifiers)
	_, ok = g.Lookup(identity.Identifier{Namespace: identity.NSEmail, Value: "noreply@acme.com"})
	require.False(t, ok)
	res := addPerson(t, g, mktoLead("L-3", "noreply@acme.com"))
	require.Equal(t, identity.Created, res.Outcome)
	require.Equal(t, b2b.PersonID("marketo:L-3"), res.Person)
	for _, ps := range g.Snapshot().Persons {
		require.NotContains(t, ps.Record.Identifiers, identity.Identifier{Namespace: identity.NSEmail, Value: "noreply@acme.com"}, ps.Record.RecordID)
	}
}

// TestPlaceholderEmailLinksNoAccounts: an account record may carry an
// email among its identifiers (a billing or a shared inbox); a
// placeholder there (noreply@, unknown@unknown.com) is dropped as a
// person record's is, so that accounts that are not the same do not
// merge by it, and LookupAccount finds no account by it. A real one
// still links.
func TestPlaceholderEmailLinksNoAccounts(t *testing.T) {
	t.Parallel()
	email := func(v string) identity.Identifier { return identity.Identifier{Namespace: identity.NSEmail, Value: v} }
	tests := []struct {
		name         string
		first, other string // the emails the two accounts carry
		merged       bool
	}{
		{name: "noreply at a free mail domain", first: "noreply@gmail.com", other: "NoReply@Gmail.com"},
		{name: "unknown@unknown.com", first: "unknown@unknown.com", other: "unknown@unknown.com"},
		{name: "a real address", first: "billing@acme.com", other: "billing@acme.com", merged: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recs := []identity.AccountRecord{
				{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "001A", Name: "Acme Inc"}, Identifiers: []identity.Identifier{email(tc.first)}, Time: at(0)},
				{Source: b2b.SourceMarketo, Account: b2b.Account{ID: "M-7", Name: "Globex"}, Identifiers: []identity.Identifier{email(tc.other)}, Time: at(1)},
			}
			one := newGraph(t, identity.Config{})
			for _, r := range recs {
				_, err := one.AddAccount(r)
				require.NoError(t, err)
			}
			restored, err := identity.Restore(identity.Config{}, one.Snapshot())
			require.NoError(t, err)
			for name, g := range map[string]*identity.Graph{"AddAccount": one, "Restore": restored} {
				a, err := g.Account("M-7")
				require.NoError(t, err)
				if tc.merged {
					require.Equal(t, b2b.AccountID("001A"), a.ID, name)
					continue
				}
				require.Equal(t, b2b.AccountID("M-7"), a.ID, name)
				require.NotContains(t, a.Identifiers, email(tc.other), name)
				_, ok := g.LookupAccount(email(tc.first))
				require.False(t, ok, name)
			}
		})
	}
}

// TestPlaceholderAtAPlaceholderDomain: a placeholder address whose
// domain is filled in too (unknown@unknown.com, test@example.com, a
// domain reserved for examples and tests or named like a placeholder)
// says nothing of the person's company: its domain links the person to
// no account, even one that holds it (an import that filled in the
// account's website as well), and resolution goes on to the company
// name. A real address at a domain reserved for examples and tests
// (ann@example.com, a test address) links by it no more: the domain
// identifies no account; at a domain merely named like a placeholder
// (ann@unknown.com, ann@test.io: real companies hold such domains) it
// links as at any other. A
// placeholder at a company's domain (noreply@acme.com) and a real
// address there still link by it, and an explicit account reference or
// the company name links any of them.
func TestPlaceholderAtAPlaceholderDomain(t *testing.T) {
	t.Parallel()
	accounts := []b2b.Account{
		acme(),
		{ID: "filler", Name: "Unknown", Domains: []string{"unknown.com", "example.com", "test.com", "noreply.co.uk", "acme.test"}},
		{ID: "testio", Name: "Test IO", Domains: []string{"test.io"}},
	}
	byDomain := func(acct b2b.AccountID, d string) []identity.Link {
		return []identity.Link{{Account: acct, Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "` + d + `"`}}
	}
	tests := []struct {
		email, company string
		acct           b2b.AccountID
		want           []identity.Link
		reasons        []identity.UnresolvedReason
	}{
		{email: "unknown@unknown.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "Test@Example.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "test@mail.example.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "none@test.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "no-reply@noreply.co.uk", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "invalid@acme.test", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "unknown@unknown.com", company: "Acme, Inc.",
			want: []identity.Link{{Account: "acme", Method: identity.MethodCompanyName, Confidence: 0.6, Primary: true, Evidence: `company "Acme, Inc." normalises to account name key "acme"`}}},
		{email: "unknown@unknown.com", company: "Initech",
			reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail, identity.ReasonNoCompanyMatch}},
		{email: "noreply@acme.com", want: byDomain("acme", "acme.com")},
		{email: "ann@acme.com", want: byDomain("acme", "acme.com")},
		{email: "ann@unknown.com", want: byDomain("filler", "unknown.com")},
		{email: "ann@test.io", want: byDomain("testio", "test.io")},
		{email: "test@test.io", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderEmail}},
		{email: "ann@example.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderDomain}},
		{email: "ann@eu.example.com", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderDomain}},
		{email: "ann@acme.test", reasons: []identity.UnresolvedReason{identity.ReasonPlaceholderDomain}},
		{email: "ann@example.com", company: "Acme, Inc.",
			want: []identity.Link{{Account: "acme", Method: identity.MethodCompanyName, Confidence: 0.6, Primary: true, Evidence: `company "Acme, Inc." normalises to account name key "acme"`}}},
		{email: "ann@example.com", acct: "filler",
			want: []identity.Link{{Account: "filler", Method: identity.MethodExplicit, Confidence: 1, Primary: true, Evidence: `account reference "filler"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.email+" "+tc.company+" "+string(tc.acct), func(t *testing.T) {
			t.Parallel()
			r := mktoLead("L-1", tc.email)
			r.Person.Company, r.Person.AccountID = tc.company, tc.acct
			g := newGraph(t, identity.Config{})
			for _, a := range accounts {
				addAccount(t, g, b2b.SourceSalesforce, a)
			}
			// The person arrives before the accounts too: an account
			// that arrives later links it no more.
			late := newGraph(t, identity.Config{})
			addPerson(t, late, r)
			for _, a := range accounts {
				addAccount(t, late, b2b.SourceSalesforce, a)
			}
			for name, g := range map[string]*identity.Graph{"accounts first": g, "person first": late} {
				pr := addPerson(t, g, r)
				links, err := g.Links(pr.Person)
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(tc.want, links), name)
				var reasons []identity.UnresolvedReason
				for _, u := range g.Unresolved() {
					reasons = u.Reasons
				}
				require.Equal(t, tc.reasons, reasons, name)
			}
		})
	}
}

// TestPlaceholderDomainIdentifiesNoAccount: an import that fills in a
// missing website gives accounts that are not the same one domain
// (example.com, a domain reserved for examples and tests). Such a domain
// identifies no account: the
// accounts do not merge by it (nor conflict over it), LookupAccount finds
// none by it, and it is none of the golden account's identifiers; it stays
// among the golden account's domains, after every real one. A real domain
// still merges, and so does one merely named like a placeholder (test.io,
// a real company's), the same after Restore.
func TestPlaceholderDomainIdentifiesNoAccount(t *testing.T) {
	t.Parallel()
	domain := func(v string) identity.Identifier {
		return identity.Identifier{Namespace: identity.NSAccountDomain, Value: v}
	}
	rec := func(src b2b.Source, id b2b.AccountID, name string, domains []string, ids ...identity.Identifier) identity.AccountRecord {
		return identity.AccountRecord{Source: src, Account: b2b.Account{ID: id, Name: name, Domains: domains}, Identifiers: ids, Time: at(0)}
	}
	tests := []struct {
		name        string
		first, next identity.AccountRecord
		merged      bool
		placeholder string   // finds no account
		domains     []string // of the first's golden account
	}{
		{name: "example.com from two sources",
			first:       rec(b2b.SourceSalesforce, "001A", "Acme Inc", []string{"example.com"}),
			next:        rec(b2b.SourceMarketo, "M-7", "Globex", []string{"Example.COM"}),
			placeholder: "example.com", domains: []string{"example.com"}},
		{name: "a real company's domain named like a placeholder from two sources",
			first:  rec(b2b.SourceSalesforce, "001A", "Test IO", []string{"test.io"}),
			next:   rec(b2b.SourceMarketo, "M-7", "Test IO GmbH", []string{"test.io"}),
			merged: true, domains: []string{"test.io"}},
		{name: "a domain under .test from one source",
			first:       rec(b2b.SourceSalesforce, "001A", "Acme Inc", []string{"www.acme.test"}),
			next:        rec(b2b.SourceSalesforce, "001B", "Globex", []string{"ACME.test"}),
			placeholder: "acme.test", domains: []string{"acme.test"}},
		{name: "example.org given as an identifier",
			first:       rec(b2b.SourceSalesforce, "001A", "Acme Inc", []string{"example.org"}),
			next:        rec(b2b.SourceMarketo, "M-7", "Globex", nil, domain("example.org")),
			placeholder: "example.org", domains: []string{"example.org"}},
		{name: "acme.com from two sources",
			first:  rec(b2b.SourceSalesforce, "001A", "Acme Inc", []string{"acme.com"}),
			next:   rec(b2b.SourceMarketo, "M-7", "Acme", []string{"acme.com"}),
			merged: true, domains: []string{"acme.com"}},
		{name: "a real domain besides the placeholder",
			first:  rec(b2b.SourceSalesforce, "001A", "Acme Inc", []string{"example.com", "acme.com"}),
			next:   rec(b2b.SourceMarketo, "M-7", "Acme", []string{"example.net", "acme.com", "acme.io"}),
			merged: true, placeholder: "example.net", domains: []string{"acme.com", "acme.io", "example.com", "example.net"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			one := newGraph(t, identity.Config{})
			_, err := one.AddAccount(tc.first)
			require.NoError(t, err)
			res, err := one.AddAccount(tc.next)
			require.NoError(t, err)
			require.Empty(t, res.Conflicts)
			st := one.Snapshot()
			for _, s := range st.Accounts {
				require.Empty(t, s.Unindexed, s.Record.RecordID)
			}
			restored, err := identity.Restore(identity.Config{}, st)
			require.NoError(t, err)
			for name, g := range map[string]*identity.Graph{"AddAccount": one, "Restore": restored} {
				a, err := g.Account(tc.next.Account.ID)
				require.NoError(t, err)
				if tc.merged {
					require.Equal(t, tc.first.Account.ID, a.ID, name)
				} else {
					require.Equal(t, tc.next.Account.ID, a.ID, name)
					require.Equal(t, 2, g.Stats().Accounts, name)
				}
				first, err := g.Account(tc.first.Account.ID)
				require.NoError(t, err)
				require.Equal(t, tc.domains, first.Account.Domains, name)
				if tc.placeholder == "" {
					continue
				}
				for _, a := range []identity.GoldenAccount{a, first} {
					require.NotContains(t, a.Identifiers, domain(tc.placeholder), name)
				}
				_, ok := g.LookupAccount(domain(tc.placeholder))
				require.False(t, ok, name)
			}
		})
	}
}

// TestPlaceholderDomainIsNoMainDomain: the main domain of an account,
// which decides the primary link of a person whose domain several
// accounts hold, is its first real domain, not a placeholder before it.
func TestPlaceholderDomainIsNoMainDomain(t *testing.T) {
	t.Parallel()
	g := newGraph(t, identity.Config{})
	// Two CRM accounts, which share a domain and are kept apart.
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "001B", Name: "Acme EU", Domains: []string{"acme.com"}})
	addAccount(t, g, b2b.SourceSalesforce, b2b.Account{ID: "001A", Name: "Acme", Domains: []string{"example.com", "acme.com"}})
	pr := addPerson(t, g, mktoLead("L-1", "ann@acme.com"))
	links, err := g.Links(pr.Person)
	require.NoError(t, err)
	require.Len(t, links, 2)
	require.Equal(t, identity.Link{Account: "001A", Method: identity.MethodEmailDomain, Confidence: 0.9, Primary: true, Evidence: `email domain "acme.com"`}, links[0])
	a, err := g.Account("001A")
	require.NoError(t, err)
	require.Equal(t, []string{"acme.com", "example.com"}, a.Account.Domains)
}

// TestRestoreOfAccountsMergedByAPlaceholderDomain: a state saved by a
// version that still merged accounts by a placeholder domain holds them
// as one; Restore keeps them one, as it does persons merged by a
// placeholder email, and the domain finds no account and links no person.
func TestRestoreOfAccountsMergedByAPlaceholderDomain(t *testing.T) {
	t.Parallel()
	st := identity.State{
		Accounts: []identity.AccountState{
			{Record: identity.AccountRecord{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "001A", Name: "Acme Inc", Domains: []string{"example.com"}}, Time: at(0)}, Account: "001A"},
			{Record: identity.AccountRecord{Source: b2b.SourceMarketo, Account: b2b.Account{ID: "M-7", Name: "Globex", Domains: []string{"example.com"}}, Time: at(0)}, Account: "001A"},
		},
	}
	g, err := identity.Restore(identity.Config{}, st)
	require.NoError(t, err)
	a, err := g.Account("M-7")
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("001A"), a.ID)
	_, ok := g.LookupAccount(identity.Identifier{Namespace: identity.NSAccountDomain, Value: "example.com"})
	require.False(t, ok)
	pr := addPerson(t, g, mktoLead("L-1", "ann@example.com"))
	links, err := g.Links(pr.Person)
	require.NoError(t, err)
	require.Empty(t, links)
}
