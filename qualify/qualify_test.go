package qualify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

var qT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func qCatalog(t testing.TB, defs buyinggroup.Definitions) *buyinggroup.Catalog {
	t.Helper()
	cat, err := buyinggroup.Compile(defs, buyinggroup.Config{})
	require.NoError(t, err)
	return cat
}

func qNew(t testing.TB, cat *buyinggroup.Catalog) *qualify.Qualifier {
	t.Helper()
	q, err := qualify.New(qualify.Config{Catalog: cat})
	require.NoError(t, err)
	return q
}

func qAcme() b2b.Account {
	return b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000, Industry: "Software"}
}

// qS1Persons are the persons of scenario S1.
func qS1Persons() []b2b.Person {
	return []b2b.Person{
		{ID: "p1", Email: "cfo@acme.com", Title: "Chief Financial Officer", Seniority: "C-Level", Department: "Finance"},
		{ID: "p2", Email: "vpe@acme.com", Title: "VP of Engineering", Seniority: "VP", Department: "Engineering"},
		{ID: "p3", Email: "de@acme.com", Title: "Sr. Data Engineer", Seniority: "Individual Contributor", Department: "Engineering"},
		{ID: "p4", Email: "mc@acme.com", Title: "Marketing Coordinator", Seniority: "Individual Contributor", Department: "Marketing"},
		{ID: "p5", Email: "jo@gmail.com", Company: "ACME Inc."},
	}
}

func qMembers(g buyinggroup.Group) []string {
	var out []string
	for _, m := range g.Members {
		out = append(out, fmt.Sprintf("%s=%s/%s", m.Person, m.Role, m.Method))
	}
	return out
}

func TestAccountScenarioS1(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID},
	}})
	q := qNew(t, cat)
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()}, qT0)
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	g := res.Groups[0]
	require.Equal(t, "acme/data-platform", g.ID)
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(g))
	require.InDelta(t, 2.0/3, g.Completeness, 1e-12)
	missing, err := cat.MissingRoles(g)
	require.NoError(t, err)
	require.Equal(t, []buyinggroup.MissingRole{{Role: "Champion", Min: 1, Need: 1}}, missing)

	eb := g.Members[0]
	require.Equal(t, "Economic Buyer", eb.Rule)
	require.Equal(t, `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`, eb.Expr)
	require.Equal(t, []buyinggroup.Value{{Name: "person.seniority", Value: "C-Level"}, {Name: "person.department", Value: "Finance"}}, eb.Values)
	require.Equal(t, qT0, eb.Since)
	require.Equal(t, `rule "Economic Buyer" matched: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"] with person.seniority="C-Level", person.department="Finance"`, eb.Explain())

	require.Equal(t, qualify.Rate{Persons: 5, Qualified: 3}, res.Rate)
	require.Equal(t, "3 of 5 persons qualified (60.0%)", res.Rate.String())
	require.Equal(t, buyinggroup.EventGroupCreated, res.Events[0].Type)

	// VP of Engineering matches Technical Evaluator (priority 90) and
	// Decision Maker (70): the decision says so.
	var d2 qualify.Decision
	for _, d := range res.Decisions {
		if d.Person == "p2" {
			d2 = d
		}
	}
	require.Equal(t, `p2 in data-platform: Technical Evaluator (rule "Technical Evaluator" matched: person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering", "Security"] with person.seniority="VP", person.department="Engineering"); rules matched: Technical Evaluator (priority 90, 2 conditions), Decision Maker (priority 70, 2 conditions)`, d2.Explain())
}

func TestReevaluation(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard"}}})
	q := qNew(t, cat)
	in := qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()}
	res, err := q.Account(in, qT0)
	require.NoError(t, err)

	// The same input again changes nothing.
	in.Groups = res.Groups
	again, err := q.Account(in, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, again.Events)
	require.Empty(t, cmp.Diff(res.Groups, again.Groups), "(-want +got)")

	// A marketer makes the coordinator Champion; the VP of Engineering
	// becomes Head of IT... no: gets promoted to CTO (still Technical
	// Evaluator, new values); the data engineer becomes a manager (Champion
	// by rule too, now two champions); the CFO leaves.
	g, _, err := cat.AssignManual(again.Groups[0], "p4", "Champion", "ann", "runs the data project", qT0.Add(2*time.Hour))
	require.NoError(t, err)
	persons := qS1Persons()[1:]
	persons[0].Title, persons[0].Seniority = "CTO", "C-Level"
	persons[1].Title, persons[1].Seniority = "Data Engineering Manager", "Manager"
	in = qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: []buyinggroup.Group{g}}
	res, err = q.Account(in, qT0.Add(3*time.Hour))
	require.NoError(t, err)
	g = res.Groups[0]
	require.Equal(t, []string{"p2=Technical Evaluator/rule", "p3=Champion/rule", "p4=Champion/manual"}, qMembers(g))
	require.Equal(t, qT0, g.Members[0].Since, "still the same role: tenure kept")
	require.Equal(t, []buyinggroup.Value{{Name: "person.seniority", Value: "C-Level"}, {Name: "person.department", Value: "Engineering"}}, g.Members[0].Values)
	require.Equal(t, qT0.Add(3*time.Hour), g.Members[0].DecidedAt)

	var hist []string
	for _, m := range g.History {
		hist = append(hist, fmt.Sprintf("%s=%s %s..%s: %s", m.Person, m.Role, m.Since.Sub(qT0), m.Until.Sub(qT0), m.EndReason))
	}
	require.Equal(t, []string{
		"p1=Economic Buyer 0s..3h0m0s: left the account",
		"p3=End User 0s..3h0m0s: no qualification rule of the role matches any more",
	}, hist)
	var types []buyinggroup.EventType
	for _, e := range res.Events {
		types = append(types, e.Type)
	}
	require.Equal(t, []buyinggroup.EventType{
		// p1 left: Economic Buyer empty, completeness 1 -> 2/3 crosses 1 down.
		buyinggroup.EventMemberRemoved, buyinggroup.EventRoleEmptied, buyinggroup.EventCompletenessCrossed,
		// p3 End User -> Champion: the optional End User is empty now.
		buyinggroup.EventMemberRemoved, buyinggroup.EventMemberAdded, buyinggroup.EventRoleEmptied,
	}, types)
	require.Equal(t, qualify.Rate{Persons: 4, Qualified: 3}, res.Rate)
}

func TestAccountOpportunities(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
		{ID: "sec", Template: "standard"},
	}})
	q := qNew(t, cat)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEconomicBuyer}}}
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{opp}}, qT0)
	require.NoError(t, err)
	// In dp the CRM says p4 (a coordinator) is an Economic Buyer; the rule
	// still puts the CFO there too. sec is untouched by the opportunity.
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p4=Economic Buyer/crm", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(res.Groups[0]))
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(res.Groups[1]))
	require.Equal(t, qualify.Rate{Persons: 5, Qualified: 4}, res.Rate)
}

func TestApplicability(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "big", Template: "standard", Applies: rules.Rule{Source: `account.employees >= 5000`}},
		{ID: "sw", Template: "standard", Applies: rules.Rule{Source: `account.industry == "Software"`}},
	}})
	q := qNew(t, cat)
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()}, qT0)
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	require.Equal(t, "sw", res.Groups[0].Interest)

	// An explicitly created group is qualified even where the interest
	// does not apply.
	big, _, err := cat.NewGroup("acme", "big", "", qT0)
	require.NoError(t, err)
	res, err = q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Groups: []buyinggroup.Group{big}}, qT0)
	require.NoError(t, err)
	require.Len(t, res.Groups, 2)
	require.Equal(t, "big", res.Groups[0].Interest)
	require.Len(t, res.Groups[0].Members, 3)
}

// TestFailedRuleDoesNotHold: a role rule that fails to evaluate for a
// person does not hold for them, as package rules says of every consumer,
// and is reported; the person keeps the roles of their other rules, and
// the account's other persons are qualified as usual. A failure stopped
// the whole account's qualification (one person's data the rule could not
// read held every group of the account still).
func TestFailedRuleDoesNotHold(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Fan", Rule: rules.Rule{Source: `person.attributes["fan"] == true || len(0..1000000) > 3`}},
			{Name: "Reader", Rule: rules.Rule{Source: `person.title != ""`}},
		}}},
	})
	q := qNew(t, cat)
	persons := []b2b.Person{
		{ID: "p2", Title: "Analyst"},
		{ID: "p1", Attributes: map[string]any{"fan": true}},
	}
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons}, qT0)
	require.NoError(t, err)
	require.Len(t, res.RuleErrors, 1)
	re := res.RuleErrors[0]
	require.Equal(t, []string{"p2", "dp", "Fan"}, []string{string(re.Person), re.Interest, re.Role})
	require.ErrorIs(t, &re, rules.ErrEval)
	require.ErrorContains(t, &re, `person "p2", interest "dp", role "Fan": rule "Fan":`)

	require.Len(t, res.Groups, 1)
	var held []string
	for _, m := range res.Groups[0].Members {
		held = append(held, string(m.Person)+" "+m.Role)
	}
	require.ElementsMatch(t, []string{"p1 Fan", "p2 Reader"}, held)

	// A rule that fails for a person it gave the role before decides
	// nothing either: the claim of then stands, so no member leaves (and
	// comes back at the next pass) for a host function's passing error.
	// p1's attribute is gone, so the rule now fails for them too.
	persons[1].Attributes = nil
	again, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: res.Groups}, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, again.Events, "nothing changed")
	require.Equal(t, res.Groups, again.Groups)
	require.Len(t, again.RuleErrors, 2)
	require.Equal(t, b2b.PersonID("p1"), again.RuleErrors[0].Person)
	var p1 *qualify.Decision
	for i := range again.Decisions {
		if again.Decisions[i].Person == "p1" {
			p1 = &again.Decisions[i]
		}
	}
	require.NotNil(t, p1)
	require.Len(t, p1.Matches, 1)
	require.Equal(t, "Fan", p1.Matches[0].Role)
	require.Equal(t, res.Groups[0].Claims[0].Values, p1.Matches[0].Values, "the values the rule read when it held")

	// A changed rule that fails has decided nothing yet: the claim of the
	// rule before does not stand.
	cat2 := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Fan", Rule: rules.Rule{Source: `person.attributes["fan"] == true || len(0..2000000) > 3`}},
			{Name: "Reader", Rule: rules.Rule{Source: `person.title != ""`}},
		}}},
	})
	changed, err := qNew(t, cat2).Account(qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: res.Groups}, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, changed.RuleErrors, 2)
	require.Empty(t, changed.Groups[0].RolesOf("p1"))

	// A role renamed only in case ("Fan" to "fan") is the same role: its
	// rule failing decides nothing for it either, and the claim stands.
	renamed := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "fan", Rule: rules.Rule{Source: `person.attributes["fan"] == true || len(0..1000000) > 3`}},
			{Name: "Reader", Rule: rules.Rule{Source: `person.title != ""`}},
		}}},
	})
	kept, err := qNew(t, renamed).Account(qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: res.Groups}, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, kept.RuleErrors, 2)
	require.Len(t, kept.Groups[0].RolesOf("p1"), 1, "the claim of the role under its old name stands")

	// Person returns the matches of the rules that held and the failures.
	e := q.NewEvaluator()
	acct := qAcme()
	ms, err := e.Person(nil, &acct, &persons[0], []int{0}, qT0)
	require.ErrorIs(t, err, rules.ErrEval)
	var pe *qualify.RuleError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "Fan", pe.Role)
	require.Len(t, ms, 1)
	require.Equal(t, "Reader", ms[0].Role)
}

// TestFailedApplicabilityRuleDecidesNothing: an interest's applicability
// rule that fails to evaluate for an account decides nothing, as a role
// rule that fails does: the interest gets no group while it fails (a group
// it has stays, and is qualified), the account's other interests are
// qualified as usual, and the failure is reported, not the account
// refused.
func TestFailedApplicabilityRuleDecidesNothing(t *testing.T) {
	t.Parallel()
	const fails = `account.employees > 1000 || len(0..1000000) > 3` // fails for 1,000 employees or fewer
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "big", Template: "standard", Applies: rules.Rule{Name: "large accounts", Source: fails}},
		{ID: "dp", Template: "standard"},
	}})
	q := qNew(t, cat)
	small := qAcme()
	small.Employees = 10
	interests := func(gs []buyinggroup.Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.Interest)
		}
		return out
	}

	res, err := q.Account(qualify.AccountInput{Account: small, Persons: qS1Persons()}, qT0)
	require.NoError(t, err)
	require.Equal(t, []string{"dp"}, interests(res.Groups), "no group for the interest whose rule failed")
	require.Contains(t, qMembers(res.Groups[0]), "p1=Economic Buyer/rule", "the other interest is qualified")
	require.Len(t, res.RuleErrors, 1)
	re := &res.RuleErrors[0]
	require.Equal(t, []string{"", "big", ""}, []string{string(re.Person), re.Interest, re.Role})
	require.ErrorIs(t, re, rules.ErrEval)
	require.ErrorContains(t, re, `interest "big", applicability: rule "large accounts": memory budget exceeded`)

	// A group the interest has is kept and qualified, whatever its rule
	// says, so the rule is not needed and fails nothing.
	big, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()}, qT0)
	require.NoError(t, err)
	require.Equal(t, []string{"big", "dp"}, interests(big.Groups))
	shrunk, err := q.Account(qualify.AccountInput{Account: small, Persons: qS1Persons()[:1], Groups: big.Groups}, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"big", "dp"}, interests(shrunk.Groups))
	require.Equal(t, []string{"p1=Economic Buyer/rule"}, qMembers(shrunk.Groups[0]), "the kept group is qualified")
	require.Empty(t, shrunk.RuleErrors)
}

func TestAccountErrors(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Fan", Rule: rules.Rule{Source: `person.attributes["fan"] == true`}},
		}}},
	})
	q := qNew(t, cat)
	_, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{{ID: "p1"}, {ID: "p1"}}}, qT0)
	require.ErrorContains(t, err, `person "p1" appears twice`)
	_, err = q.Account(qualify.AccountInput{Account: qAcme(), Groups: []buyinggroup.Group{{ID: "x/dp", Account: "x", Interest: "dp"}}}, qT0)
	require.ErrorContains(t, err, `group "x/dp" belongs to account "x"`)
	_, err = qualify.New(qualify.Config{})
	require.ErrorIs(t, err, qualify.ErrNoCatalog)
}

// TestAccountPersonWithoutID: a person without an ID would be a member no
// one can address (or tell from the next one without): the account is
// refused, naming the person's place in the input.
func TestAccountPersonWithoutID(t *testing.T) {
	t.Parallel()
	q := qNew(t, qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard"}}}))
	for _, id := range []b2b.PersonID{"", " ", "\t"} {
		persons := qS1Persons()
		persons[2].ID = id
		_, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons}, qT0)
		require.EqualError(t, err, `account "acme": persons[2]: a person needs an ID`, "ID %q", id)
	}
}

// TestAccountDuplicateOpportunity: two opportunities with one ID are two
// versions of one deal, and which contact roles count would depend on
// their order: the account is refused, naming the opportunity.
func TestAccountDuplicateOpportunity(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
	}})
	q := qNew(t, cat)
	deal := func(p b2b.PersonID) b2b.Opportunity {
		return b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
			ContactRoles: []b2b.ContactRole{{Person: p, Role: b2b.ContactRoleEconomicBuyer}}}
	}
	many := make([]b2b.Opportunity, 40)
	for i := range many {
		many[i] = deal("p4")
		many[i].ID = b2b.OpportunityID(fmt.Sprintf("o%d", i+2))
	}
	many[29].ID = "o1"
	for _, opps := range [][]b2b.Opportunity{{deal("p3"), deal("p4")}, {deal("p4"), deal("p3")}, {deal("p4"), deal("p4")}, append(many, deal("p3"))} {
		_, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: opps}, qT0)
		require.EqualError(t, err, `account "acme": opportunity "o1" appears twice`)
	}
}

// TestAccountOpportunityOfAnotherAccount: an opportunity of another
// account (or of none) in an account's input would fill the account's
// roles with another account's contacts, or make an interest apply to
// it by another account's deal (here a cross-sell interest for accounts
// that won one): the account is refused, naming the opportunity, its
// place and both accounts, whether or not an interest matches it.
func TestAccountOpportunityOfAnotherAccount(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
		{ID: "xsell", Template: "standard", Applies: rules.Rule{Source: `any(opportunities, .status == "won")`}},
	}})
	q := qNew(t, cat)
	ours := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p3", Role: b2b.ContactRoleEconomicBuyer}}}
	for _, tc := range []struct {
		name  string
		other b2b.Opportunity
		want  string
	}{
		{"matched by an interest", b2b.Opportunity{ID: "o2", Account: "globex", Product: "Data Platform", Status: b2b.OpportunityOpen,
			ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEconomicBuyer}}},
			`account "acme": opportunities[1]: opportunity "o2" belongs to account "globex"`},
		{"read by an applicability rule", b2b.Opportunity{ID: "o2", Account: "globex", Product: "CRM", Status: b2b.OpportunityWon, ClosedAt: qT0},
			`account "acme": opportunities[1]: opportunity "o2" belongs to account "globex"`},
		{"of no account", b2b.Opportunity{ID: "o2", Product: "CRM", Status: b2b.OpportunityOpen},
			`account "acme": opportunities[1]: opportunity "o2" has no account (accountId is empty)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{ours, tc.other}}, qT0)
			require.EqualError(t, err, tc.want, "%d groups", len(res.Groups))
		})
	}
}

// TestErrorNamesTheRuleOfItsRole: two templates whose roles share a rule
// source share its evaluation, but an error names the rule of the role it
// is reported for, not the rule of the first template with that source.
func TestErrorNamesTheRuleOfItsRole(t *testing.T) {
	t.Parallel()
	const failing = `person.attributes["fan"] == true || len(0..1000000) > 3`
	cat := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "a", Template: "ta", Applies: rules.Rule{Source: `account.employees > 1000000`}},
			{ID: "b", Template: "tb"},
		},
		Templates: []buyinggroup.RoleTemplate{
			{ID: "ta", Roles: []buyinggroup.Role{{Name: "Fan", Rule: rules.Rule{Name: "fans of a", Source: failing}}}},
			{ID: "tb", Roles: []buyinggroup.Role{{Name: "Supporter", Rule: rules.Rule{Name: "supporters of b", Source: failing}}}},
		},
	})
	q := qNew(t, cat)
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{{ID: "p1"}}}, qT0)
	require.NoError(t, err)
	require.Len(t, res.RuleErrors, 1)
	err = &res.RuleErrors[0]
	require.ErrorIs(t, err, rules.ErrEval)
	require.ErrorContains(t, err, `person "p1", interest "b", role "Supporter": rule "supporters of b":`)
	var ee *rules.EvalError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, rules.Rule{Name: "supporters of b", Source: failing}, ee.Rule)
}

func TestRate(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0.0, qualify.Rate{}.Value())
	r := qualify.Rate{Persons: 4, Qualified: 1}.Add(qualify.Rate{Persons: 6, Qualified: 4})
	require.Equal(t, qualify.Rate{Persons: 10, Qualified: 5}, r)
	require.Equal(t, 0.5, r.Value())
}

// TestRateText: the rate's text has one decimal, or as many more as it
// takes not to read 100% where a person is not qualified, nor 0% where
// one is: 1999 of 2000 read "100.0%", and 1 of 3000 "0.0%".
func TestRateText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rate qualify.Rate
		want string
	}{
		{qualify.Rate{Persons: 4, Qualified: 3}, "3 of 4 persons qualified (75.0%)"},
		{qualify.Rate{Persons: 3, Qualified: 2}, "2 of 3 persons qualified (66.7%)"},
		{qualify.Rate{Persons: 2000, Qualified: 2000}, "2000 of 2000 persons qualified (100.0%)"},
		{qualify.Rate{Persons: 2000, Qualified: 1999}, "1999 of 2000 persons qualified (99.95%)"},
		{qualify.Rate{Persons: 3000000, Qualified: 2999999}, "2999999 of 3000000 persons qualified (99.99997%)"},
		{qualify.Rate{Persons: 3000, Qualified: 1}, "1 of 3000 persons qualified (0.03%)"},
		{qualify.Rate{Persons: 3000, Qualified: 0}, "0 of 3000 persons qualified (0.0%)"},
		{qualify.Rate{}, "0 of 0 persons qualified (0.0%)"},
	} {
		require.Equal(t, tt.want, tt.rate.String())
	}
}

func TestMoveBetweenAccounts(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "standard"}}})
	q := qNew(t, cat)
	globex := b2b.Account{ID: "globex", Name: "Globex", Employees: 800}
	cfo := qS1Persons()[0]
	acme, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()}, qT0)
	require.NoError(t, err)
	gx, err := q.Account(qualify.AccountInput{Account: globex}, qT0)
	require.NoError(t, err)
	require.Empty(t, gx.Groups[0].Members)

	// The CFO moves from Acme to Globex: each account is qualified with its
	// persons of now.
	later := qT0.Add(30 * 24 * time.Hour)
	acme, err = q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()[1:], Groups: acme.Groups}, later)
	require.NoError(t, err)
	gx, err = q.Account(qualify.AccountInput{Account: globex, Persons: []b2b.Person{cfo}, Groups: gx.Groups}, later)
	require.NoError(t, err)

	require.Empty(t, acme.Groups[0].RolesOf("p1"))
	h := acme.Groups[0].History
	require.Len(t, h, 1)
	require.Equal(t, buyinggroup.Member{
		Person: "p1", Role: "Economic Buyer", Method: buyinggroup.MethodRule, Rule: "Economic Buyer",
		Expr:   `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`,
		Values: []buyinggroup.Value{{Name: "person.seniority", Value: "C-Level"}, {Name: "person.department", Value: "Finance"}},
		Since:  qT0, DecidedAt: qT0, Until: later, EndReason: "left the account",
	}, h[0])
	require.Equal(t, []string{"Economic Buyer"}, gx.Groups[0].RolesOf("p1"))
	require.Equal(t, later, gx.Groups[0].Members[0].Since)
}

// The package doc: "re-evaluating an unchanged account changes nothing and
// emits no event", a CRM opportunity's contact roles included.
func TestReevaluationWithOpportunityChangesNothing(t *testing.T) {
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
	}})
	q := qNew(t, cat)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEconomicBuyer}, {Person: "p3", Role: b2b.ContactRoleOther}}}
	in := qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{opp}}
	res, err := q.Account(in, qT0)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(res.Events, func(ev buyinggroup.Event) bool {
		return ev.Type == buyinggroup.EventContactRoleUnmapped && ev.Person == "p3"
	}), "the contact role no role maps is reported")

	// The contact role no role maps ("Other") is not news again.
	in.Groups = res.Groups
	again, err := q.Account(in, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, again.Events)
	require.Empty(t, cmp.Diff(res.Groups, again.Groups), "unchanged input changed the group (-first +second)")
}

// A contact role of a person who is not among the account's persons (the
// CRM records a contact that identity resolution put in another account,
// or one not synced yet) makes no member: the person is not the account's.
// It is not added and then removed at every pass: the group and its
// history stay as they are, and a pass emits nothing.
func TestOpportunityContactOutsideTheAccount(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
	}})
	q := qNew(t, cat)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "stranger", Role: b2b.ContactRoleEconomicBuyer}}}
	in := qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{opp}}
	res, err := q.Account(in, qT0)
	require.NoError(t, err)
	g := res.Groups[0]
	require.Equal(t, []string{"p1=Economic Buyer/rule", "p2=Technical Evaluator/rule", "p3=End User/rule"}, qMembers(g))
	require.Empty(t, g.History)
	for _, ev := range res.Events {
		require.NotEqual(t, b2b.PersonID("stranger"), ev.Person, "event %+v", ev)
	}

	in.Groups = res.Groups
	again, err := q.Account(in, qT0.Add(time.Hour))
	require.NoError(t, err)
	require.Empty(t, again.Events)
	require.Empty(t, cmp.Diff(res.Groups, again.Groups), "unchanged input changed the group (-first +second)")
}

// A person who leaves the account while an opportunity still names them
// leaves its groups once, for that reason, and is not taken back in by the
// contact role at the next pass.
func TestLeaverStillNamedByAnOpportunity(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
	}})
	q := qNew(t, cat)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEconomicBuyer}}}
	in := qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: []b2b.Opportunity{opp}}
	res, err := q.Account(in, qT0)
	require.NoError(t, err)
	require.Equal(t, []string{"Economic Buyer"}, res.Groups[0].RolesOf("p4"))

	left := qT0.Add(24 * time.Hour)
	in.Groups, in.Persons = res.Groups, slices.DeleteFunc(qS1Persons(), func(p b2b.Person) bool { return p.ID == "p4" })
	res, err = q.Account(in, left)
	require.NoError(t, err)
	g := res.Groups[0]
	require.Empty(t, g.RolesOf("p4"))
	require.Len(t, g.History, 1)
	require.Equal(t, "left the account", g.History[0].EndReason)

	in.Groups = res.Groups
	again, err := q.Account(in, left.Add(24*time.Hour))
	require.NoError(t, err)
	require.Empty(t, again.Events)
	require.Empty(t, cmp.Diff(res.Groups, again.Groups), "unchanged input changed the group (-first +second)")
}

// A person whose rule matches a role they do not hold is told why: the
// role is full, a marketer excluded them, or they hold other roles up to
// the template's limit. "no role; rules matched: Champion" alone reads as a
// contradiction.
func TestDecisionSaysWhyAMatchIsNotHeld(t *testing.T) {
	t.Parallel()
	tpl := buyinggroup.RoleTemplate{ID: "t", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rules.Rule{Source: `person.seniority == "Manager"`}, Required: true, MaxMembers: 1, Priority: 10},
		{Name: "Influencer", Rule: rules.Rule{Source: `person.department == "Sales"`}},
	}}
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{{ID: "dp", Template: "t"}}, Templates: []buyinggroup.RoleTemplate{tpl}})
	q := qNew(t, cat)
	persons := []b2b.Person{
		{ID: "m1", Seniority: "Manager", Department: "IT"},
		{ID: "m2", Seniority: "Manager", Department: "Marketing"},
		{ID: "m3", Seniority: "Manager", Department: "Sales"},
	}
	res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons}, qT0)
	require.NoError(t, err)
	g, _, err := cat.ExcludeManual(res.Groups[0], "m3", "Influencer", "ann", "not involved", qT0)
	require.NoError(t, err)
	res, err = q.Account(qualify.AccountInput{Account: qAcme(), Persons: persons, Groups: []buyinggroup.Group{g}}, qT0.Add(time.Hour))
	require.NoError(t, err)
	var got []string
	for _, d := range res.Decisions {
		got = append(got, d.Explain())
	}
	require.Empty(t, cmp.Diff([]string{
		`m1 in dp: Champion (rule "Champion" matched: person.seniority == "Manager" with person.seniority="Manager")`,
		`m2 in dp: no role; rules matched: Champion (priority 10, 1 condition); Champion not held: role "Champion" is full (at most 1 member from rules and journeys)`,
		`m3 in dp: no role; rules matched: Champion (priority 10, 1 condition), Influencer (priority 0, 1 condition); Champion not held: role "Champion" is full (at most 1 member from rules and journeys); Influencer not held: excluded manually by ann`,
	}, got), "(-want +got)")
}

// TestOpportunityOrder: the account's opportunities give the same groups,
// history and events in whatever order they come. Two opportunities that
// name one person in two roles must not make the person hold one role and
// then, a moment later in the same call, the other, leaving a membership
// that never was in the history.
func TestOpportunityOrder(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard", CRMProduct: "Data Platform"},
	}})
	q := qNew(t, cat)
	o1 := b2b.Opportunity{ID: "o1", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEconomicBuyer}}}
	o2 := b2b.Opportunity{ID: "o2", Account: "acme", Product: "Data Platform", Status: b2b.OpportunityOpen,
		ContactRoles: []b2b.ContactRole{{Person: "p4", Role: b2b.ContactRoleEvaluator}}}
	tests := []struct {
		name string
		opps []b2b.Opportunity
	}{
		{"o1, o2", []b2b.Opportunity{o1, o2}},
		{"o2, o1", []b2b.Opportunity{o2, o1}},
	}
	var first *qualify.AccountResult
	for _, tt := range tests {
		res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons(), Opportunities: tt.opps}, qT0)
		require.NoError(t, err, tt.name)
		require.Contains(t, qMembers(res.Groups[0]), "p4=Economic Buyer/crm", tt.name)
		require.Empty(t, res.Groups[0].History, "%s: no membership ended", tt.name)
		if first == nil {
			first = &res
			continue
		}
		require.Empty(t, cmp.Diff(first.Groups, res.Groups), "%s: groups (-first +this)", tt.name)
		require.Empty(t, cmp.Diff(first.Events, res.Events), "%s: events (-first +this)", tt.name)
	}
}

// TestLongValuesAreCutBetweenCharacters: a long value a rule read is
// shortened for the explanation, between two characters, never inside
// one: the explanation stays valid text (a JSON encoder would otherwise
// replace the broken character).
func TestLongValuesAreCutBetweenCharacters(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Reader", Rule: rules.Rule{Source: `attr(person.attributes, "bio", "") != ""`}, Required: true},
		}}},
		Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}},
	})
	for _, bio := range []string{strings.Repeat("é", 150), "a" + strings.Repeat("é", 150), strings.Repeat("日本", 60)} {
		res, err := qNew(t, cat).Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{
			{ID: "p1", Attributes: map[string]any{"bio": bio}},
		}}, qT0)
		require.NoError(t, err)
		require.Len(t, res.Decisions, 1)
		got := res.Decisions[0].Matches[0].Values[0]
		require.Equal(t, `attr(person.attributes, "bio")`, got.Name)
		require.True(t, utf8.ValidString(got.Value), "%q is not valid UTF-8", got.Value)
		require.LessOrEqual(t, len(got.Value), 200)
		require.True(t, strings.HasSuffix(got.Value, "..."), got.Value)
		require.True(t, strings.HasPrefix(bio, strings.TrimSuffix(got.Value, "...")), got.Value)
	}
}

// TestOptionalChainValues: a rule that reads consent through an optional
// chain explains itself with the value at the end of the chain, as the
// same rule without '?' does, not with the whole map of consents; a
// channel without a statement reads unknown there, as in the rule.
func TestOptionalChainValues(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Templates: []buyinggroup.RoleTemplate{{ID: "t", MaxRolesPerPerson: 2, Roles: []buyinggroup.Role{
			{Name: "Reachable", Rule: rules.Rule{Source: `person.consent?.email?.status == "opt-in"`}, Required: true},
			{Name: "Unreached", Rule: rules.Rule{Source: `person.consent?.sms?.status != "opt-in"`}, Required: true},
		}}},
		Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}},
	})
	res, err := qNew(t, cat).Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{
		{ID: "p1", Consent: map[string]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, At: qT0}}},
	}}, qT0)
	require.NoError(t, err)
	require.Len(t, res.Decisions, 1)
	got := map[string][]buyinggroup.Value{}
	for _, m := range res.Decisions[0].Matches {
		got[m.Role] = m.Values
	}
	require.Empty(t, cmp.Diff(map[string][]buyinggroup.Value{
		"Reachable": {{Name: "person.consent.email.status", Value: "opt-in"}},
		"Unreached": {{Name: "person.consent.sms.status", Value: "unknown"}},
	}, got), "(-want +got)")
}

// TestUnknownConsentValues: a role for persons who never stated consent
// for a channel (person.consent.sms.status == "unknown") takes them, with
// or without a consent map, and explains itself with the status the rule
// read, unknown, as b2b.(*Person).ConsentFor gives it.
func TestUnknownConsentValues(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Templates: []buyinggroup.RoleTemplate{{ID: "t", MaxRolesPerPerson: 2, Roles: []buyinggroup.Role{
			{Name: "Never asked", Rule: rules.Rule{Source: `person.consent.sms.status == "unknown"`}, Required: true},
			{Name: "Never asked by mail", Rule: rules.Rule{Source: `person.consent?.email?.status == "unknown"`}},
		}}},
		Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}},
	})
	res, err := qNew(t, cat).Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{
		{ID: "p1", Consent: map[string]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, At: qT0}}},
		{ID: "p2"},
		{ID: "p3", Consent: map[string]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptOut, At: qT0}}},
	}}, qT0)
	require.NoError(t, err)
	got := map[b2b.PersonID]map[string][]buyinggroup.Value{}
	for _, d := range res.Decisions {
		for _, m := range d.Matches {
			if got[d.Person] == nil {
				got[d.Person] = map[string][]buyinggroup.Value{}
			}
			got[d.Person][m.Role] = m.Values
		}
	}
	sms := []buyinggroup.Value{{Name: "person.consent.sms.status", Value: b2b.ConsentUnknown}}
	email := []buyinggroup.Value{{Name: "person.consent.email.status", Value: b2b.ConsentUnknown}}
	require.Empty(t, cmp.Diff(map[b2b.PersonID]map[string][]buyinggroup.Value{
		"p1": {"Never asked": sms},
		"p2": {"Never asked": sms, "Never asked by mail": email},
		"p3": {"Never asked by mail": email},
	}, got), "(-want +got)")
}

// TestLargeEmployeeCounts: employee counts are whole numbers that a rule
// compares exactly, beyond 2^53 too, where two counts are one float64:
// the memo tells them apart, and a decision shows the count the rule read.
func TestLargeEmployeeCounts(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			{Name: "Giant", Rule: rules.Rule{Source: `account.employees > 9007199254740992 && icontains(person.title, "x")`}},
		}}},
		Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t"}},
	})
	e := qNew(t, cat).NewEvaluator()
	persons := []b2b.Person{{ID: "p1", Title: "x"}}
	tests := []struct {
		employees int
		want      []qualify.Decision
	}{
		{1 << 53, nil},
		{1<<53 + 1, []qualify.Decision{{Person: "p1", Interest: "i", Matches: []qualify.MatchValues{{Values: []buyinggroup.Value{
			{Name: "account.employees", Value: "9007199254740993"}, {Name: "person.title", Value: "x"},
		}}}}}},
		{1<<53 + 2, []qualify.Decision{{Person: "p1", Interest: "i", Matches: []qualify.MatchValues{{Values: []buyinggroup.Value{
			{Name: "account.employees", Value: "9007199254740994"}, {Name: "person.title", Value: "x"},
		}}}}}},
	}
	for _, tt := range tests { // in order, through one evaluator: its memo is warm
		a := qAcme()
		a.Employees = tt.employees
		res, err := e.Account(qualify.AccountInput{Account: a, Persons: persons}, qT0)
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(tt.want, res.Decisions, cmp.FilterPath(func(p cmp.Path) bool {
			return p.Last().String() == ".Match" || p.Last().String() == ".Holds"
		}, cmp.Ignore())), "%d employees (-want +got)", tt.employees)
	}
}

// TestEventOrder: the creations of the new groups come first, then each
// group's other changes, groups in catalog order.
func TestEventOrder(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, buyinggroup.Definitions{Interests: []buyinggroup.SolutionInterest{
		{ID: "dp", Template: "standard"}, {ID: "sec", Template: "standard"},
	}})
	res, err := qNew(t, cat).Account(qualify.AccountInput{Account: qAcme(), Persons: qS1Persons()[:1]}, qT0)
	require.NoError(t, err)
	var got []string
	for _, ev := range res.Events {
		got = append(got, fmt.Sprintf("%s %s %s", ev.Group, ev.Type, ev.Person))
	}
	require.Equal(t, []string{
		"acme/dp group_created ", "acme/sec group_created ",
		"acme/dp member_added p1", "acme/dp role_filled ",
		"acme/sec member_added p1", "acme/sec role_filled ",
	}, got)
}
