package identity_test

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// Two sources describe the same CFO: a Salesforce contact and a Marketo
// lead with the same email. They merge into one golden person, linked to
// the account the CRM names, and every field tells where it came from. The
// CFO opted out of email in the CRM on day 1 and opted in again through a
// Marketo form on day 3: the later statement wins, being more than a day
// after the opt-out.
func Example() {
	g, err := identity.New(identity.Config{})
	if err != nil {
		panic(err)
	}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }

	_, err = g.AddAccount(identity.AccountRecord{
		Source:  b2b.SourceSalesforce,
		Account: b2b.Account{ID: "001A", Name: "Acme, Inc.", Domains: []string{"acme.com"}},
		Time:    day(1),
	})
	if err != nil {
		panic(err)
	}
	crm, err := g.AddPerson(identity.PersonRecord{
		Source:      b2b.SourceSalesforce,
		RecordID:    "0035e00000AbCdE",
		Identifiers: []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: "0035e00000AbCdE"}},
		Person: b2b.Person{Email: "Dana.Cho@Acme.com", FirstName: "Dana", LastName: "Cho",
			Title: "Chief Financial Officer", AccountID: "001A",
			Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, At: day(1)}}},
		Time: day(2),
	})
	if err != nil {
		panic(err)
	}
	mkto, err := g.AddPerson(identity.PersonRecord{
		Source:      b2b.SourceMarketo,
		RecordID:    "4711",
		Identifiers: []identity.Identifier{{Namespace: identity.NSMarketoPersonID, Value: "4711"}},
		Person: b2b.Person{Email: "dana.cho@acme.com", Title: "CFO",
			Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, At: day(3)}}},
		Time: day(4), // newer, but the CRM wins for title
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(crm.Outcome, crm.Person)
	fmt.Println(mkto.Outcome, mkto.Person)

	p, err := g.Person(mkto.Person)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Person.Name(), "|", p.Person.Title, "|", p.Person.Email, "| email consent:", p.Person.ConsentFor(b2b.ChannelEmail).Status)
	for _, f := range []string{"email", "title", "consent.email", "accountId"} {
		fmt.Printf("  %-13s <- %s\n", f, p.Provenance[f])
	}
	for _, l := range p.Links {
		fmt.Printf("account %s: %s, confidence %.1f, primary %v (%s)\n", l.Account, l.Method, l.Confidence, l.Primary, l.Evidence)
	}
	fmt.Println(g.MatchRate())
	// Output:
	// created salesforce:0035e00000AbCdE
	// joined salesforce:0035e00000AbCdE
	// Dana Cho | Chief Financial Officer | dana.cho@acme.com | email consent: opt-in
	//   email         <- marketo:4711 @ 2025-03-04T09:00:00Z (most recent)
	//   title         <- salesforce:0035e00000AbCdE @ 2025-03-02T09:00:00Z (source priority salesforce > dynamics, then most recent)
	//   consent.email <- marketo:4711 @ 2025-03-04T09:00:00Z (strictest recent statement, within 24h0m0s of the latest): opt-in at 2025-03-03T09:00:00Z wins over opt-out of salesforce:0035e00000AbCdE at 2025-03-01T09:00:00Z (stricter, but older by more than 24h0m0s)
	//   accountId     <- salesforce:0035e00000AbCdE @ 2025-03-02T09:00:00Z (source priority salesforce > dynamics, then most recent)
	// account 001A: explicit, confidence 1.0, primary true (account reference "001A")
	// 1 of 1 persons linked to an account (100.0%)
}

// Two Salesforce accounts, a company's UK and German subsidiaries, carry
// the same domain. A conflict keeps them apart, and the domain finds the
// account that held it first: a Marketo company with the domain joins it.
func ExampleGraph_LookupAccount() {
	g, err := identity.New(identity.Config{})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, rec := range []identity.AccountRecord{
		{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "gx-uk", Name: "Globex UK", Domains: []string{"globex.com"}}, Time: at},
		{Source: b2b.SourceSalesforce, Account: b2b.Account{ID: "gx-de", Name: "Globex DE", Domains: []string{"globex.com", "globex.de"}}, Time: at},
		{Source: b2b.SourceMarketo, Account: b2b.Account{ID: "mk-1", Name: "Globex", Domains: []string{"www.globex.com"}}, Time: at},
	} {
		res, err := g.AddAccount(rec)
		if err != nil {
			panic(err)
		}
		fmt.Println(rec.Account.ID, res.Outcome, res.Account, len(res.Conflicts), "conflicts")
	}
	for _, id := range []identity.Identifier{
		{Namespace: identity.NSAccountDomain, Value: "Globex.com"},
		{Namespace: identity.NSAccountDomain, Value: "globex.de"},
		{Namespace: identity.NSAccountID, Value: "mk-1"},
		{Namespace: identity.NSAccountDomain, Value: "initech.com"},
	} {
		acc, ok := g.LookupAccount(id)
		fmt.Printf("%s -> %q %v\n", id, acc, ok)
	}
	// Output:
	// gx-uk created gx-uk 0 conflicts
	// gx-de created gx-de 1 conflicts
	// mk-1 joined gx-uk 0 conflicts
	// account_domain:Globex.com -> "gx-uk" true
	// account_domain:globex.de -> "gx-de" true
	// account_id:mk-1 -> "gx-uk" true
	// account_domain:initech.com -> "" false
}
