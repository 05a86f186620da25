package qualify_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

// qEquivDefs are rules of every shape the analysis distinguishes: with and
// without pre-filter constraints, cacheable or not, safe or able to fail,
// shared between templates, reading account fields, time and attributes.
func qEquivDefs() buyinggroup.Definitions {
	r := func(name, src string, prio int) buyinggroup.Role {
		return buyinggroup.Role{Name: name, Rule: rules.Rule{Source: src}, Priority: prio, Required: prio > 50}
	}
	return buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data", Template: "data"},
			{ID: "sec", Template: "sec", Applies: rules.Rule{Source: `account.employees >= 100`}},
			{ID: "crm", Template: "crm"},
			{ID: "std", Template: buyinggroup.StandardTemplateID},
		},
		Templates: []buyinggroup.RoleTemplate{
			{ID: "data", Roles: []buyinggroup.Role{
				r("Economic Buyer", `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`, 100),
				r("Technical Evaluator", `person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering"]`, 90),
				r("Champion", `person.seniority in ["Director", "Manager"] && (icontains(person.title, "data") || icontains(person.title, "analytics"))`, 80),
				r("End User", `person.seniority == "Individual Contributor" && (icontains(person.title, "engineer") || icontains(person.title, "analyst"))`, 20),
				r("Influencer", `person.seniority in ["Director", "Manager"] && account.employees >= 1000`, 40),
			}},
			{ID: "sec", Roles: []buyinggroup.Role{
				r("Economic Buyer", `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`, 100),
				r("Technical Evaluator", `"Security" == person.department && person.seniority != "Individual Contributor" || person.department == "IT" && person.seniority == "C-Level"`, 90),
				r("Compliance", `icontains(person.title, "compliance") || iequals(person.title, "risk officer")`, 60),
				// Fails at run time (beyond expr's memory budget) for a person without a score.
				r("Scorer", `(person.attributes["score"] != nil || len(0..1000000) > 0) && attr(person.attributes, "score", 0) > 3 && person.seniority == "VP"`, 30),
				r("Fresh", `daysSince(person.updatedAt) < 30 && person.department in ["IT", "Security"]`, 10),
			}},
			{ID: "crm", Roles: []buyinggroup.Role{
				r("Economic Buyer", `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive", "Sales"]`, 100),
				r("Ops", `match(person.title, "(?i)\\b(ops|operations)\\b") && account.industry != "Government"`, 70),
				r("Tiered", `attr(person.attributes, "tier", "") == "gold" && person.department in ["Sales", "Marketing"]`, 50),
				r("Big VP", `person.seniority not in ["Manager", "Individual Contributor", ""] && account.employees * 2 > 3000 && len(person.title) > 3`, 50),
				r("Regional", `account.region in ["EMEA", "APAC"] && person.seniority == "Manager" || account.country == "DE"`, 45),
			}},
		},
	}
}

var (
	qSeniorities = append([]string{"", "vp", "Chief"}, b2b.Seniorities...)
	qDepartments = append([]string{"", "it", "Government"}, b2b.Departments...)
	qTitles      = []string{"", "CFO", "VP Engineering", "Head of Data", "Sr. Data Engineer", "Analytics Manager",
		"Compliance Officer", "Risk Officer", "risk officer ", "Sales Ops Lead", "Director of Operations", "Operator",
		"CISO", "Security Analyst", "Marketing Coordinator", "IT", "Data"}
	qIndustries = []string{"Software", "Government", "", "Retail"}
	qRegions    = []string{"EMEA", "APAC", "NA", ""}
)

func qRandomAccount(r *rand.Rand, i int) b2b.Account {
	return b2b.Account{
		ID: b2b.AccountID(fmt.Sprintf("a%d", i)), Name: "A", Employees: []int{0, 50, 100, 999, 1000, 1500, 1501, 20000}[r.IntN(8)],
		Industry: qIndustries[r.IntN(len(qIndustries))], Region: qRegions[r.IntN(len(qRegions))],
		Country: []string{"DE", "FR", "US", ""}[r.IntN(4)],
	}
}

func qRandomPerson(r *rand.Rand, i int) b2b.Person {
	p := b2b.Person{
		ID:         b2b.PersonID(fmt.Sprintf("p%05d", i)),
		Seniority:  qSeniorities[r.IntN(len(qSeniorities))],
		Department: qDepartments[r.IntN(len(qDepartments))],
		Title:      qTitles[r.IntN(len(qTitles))],
		UpdatedAt:  qT0.AddDate(0, 0, -r.IntN(60)),
	}
	switch r.IntN(5) {
	case 0:
	case 1:
		p.Attributes = map[string]any{"score": 5, "tier": "gold"}
	default:
		p.Attributes = map[string]any{"score": r.IntN(8), "tier": []string{"gold", "silver"}[r.IntN(2)]}
	}
	return p
}

type qOutcome struct {
	Matches []qualify.Match
	Err     string
}

func qRun(t testing.TB, e *qualify.Evaluator, q *qualify.Qualifier, a *b2b.Account, p *b2b.Person) qOutcome {
	t.Helper()
	app, err := q.Applicable(a, qT0)
	require.NoError(t, err)
	ms, err := e.Person(nil, a, p, app, qT0)
	if err != nil {
		return qOutcome{Err: err.Error()}
	}
	return qOutcome{Matches: ms}
}

// TestShortcutsAreExact checks that pre-filters, shared rules and memos
// give exactly the results (and errors) of evaluating every rule, for
// persons of every kind, with warm memos and with memos that keep
// overflowing.
func TestShortcutsAreExact(t *testing.T) {
	t.Parallel()
	cat := qCatalog(t, qEquivDefs())
	mk := func(cfg qualify.Config) (*qualify.Qualifier, *qualify.Evaluator) {
		cfg.Catalog = cat
		q, err := qualify.New(cfg)
		require.NoError(t, err)
		return q, q.NewEvaluator()
	}
	qx, exhaustive := mk(qualify.Config{Exhaustive: true})
	_, fast := mk(qualify.Config{})
	_, tiny := mk(qualify.Config{MemoSize: 3})
	_, nomemo := mk(qualify.Config{MemoSize: -1})
	r := rand.New(rand.NewPCG(1, 2))
	accounts := make([]b2b.Account, 20)
	for i := range accounts {
		accounts[i] = qRandomAccount(r, i)
	}
	errs, matched := 0, 0
	for i := range 4000 {
		a := &accounts[r.IntN(len(accounts))]
		p := qRandomPerson(r, i)
		want := qRun(t, exhaustive, qx, a, &p)
		for name, e := range map[string]*qualify.Evaluator{"fast": fast, "tiny memo": tiny, "no memo": nomemo} {
			got := qRun(t, e, qx, a, &p)
			require.Empty(t, cmp.Diff(want, got, cmpopts.IgnoreUnexported(qualify.Match{})), "%s: person %+v account %+v (-want +got)", name, p, *a)
		}
		if want.Err != "" {
			errs++
		}
		matched += len(want.Matches)
	}
	// The population exercises both outcomes.
	require.Greater(t, errs, 100)
	require.Greater(t, matched, 4000)
	s := fast.Stats()
	require.Greater(t, s.MemoHits, int64(0))
	require.Greater(t, s.Decided, int64(0))
	require.Less(t, s.Evaluated, exhaustive.Stats().Evaluated/2, "the shortcuts save most evaluations")
}

func FuzzShortcutsAreExact(f *testing.F) {
	f.Add("VP", "Finance", "CFO", 2000, "Software", "EMEA", 5)
	f.Add("", "", "", 0, "", "", -1)
	f.Add("Manager", "Security", "compliance ops", 1501, "Government", "APAC", 4)
	f.Add("C-Level", "IT", "Chief Information Officer", 100, "Retail", "NA", 0)
	f.Add("vp", "it", "risk officer", 999, "", "", 9)
	cat := qCatalog(f, qEquivDefs())
	qx, err := qualify.New(qualify.Config{Catalog: cat, Exhaustive: true})
	require.NoError(f, err)
	q := qNew(f, cat)
	warm := q.NewEvaluator()
	f.Fuzz(func(t *testing.T, sen, dep, title string, employees int, industry, region string, score int) {
		a := b2b.Account{ID: "a", Employees: employees, Industry: industry, Region: region}
		p := b2b.Person{ID: "p", Seniority: sen, Department: dep, Title: title, UpdatedAt: qT0}
		if score >= 0 {
			p.Attributes = map[string]any{"score": score, "tier": title}
		}
		want := qRun(t, qx.NewEvaluator(), qx, &a, &p)
		for _, e := range []*qualify.Evaluator{q.NewEvaluator(), warm} {
			got := qRun(t, e, qx, &a, &p)
			require.Empty(t, cmp.Diff(want, got, cmpopts.IgnoreUnexported(qualify.Match{})), "(-want +got)")
		}
	})
}

func TestTieBreaks(t *testing.T) {
	t.Parallel()
	role := func(name, src string, prio int) buyinggroup.Role {
		return buyinggroup.Role{Name: name, Rule: rules.Rule{Source: src}, Priority: prio}
	}
	cat := qCatalog(t, buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{{ID: "x", Template: "t"}},
		Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
			role("A", `person.seniority == "VP"`, 10),
			role("B", `person.seniority == "VP" && person.department == "IT"`, 10),
			role("C", `person.department == "Legal"`, 20),
			role("D", `person.seniority == "VP" && icontains(person.title, "x")`, 10),
			role("E", `"VP" == person.seniority`, 10),
		}}},
	})
	q := qNew(t, cat)
	tests := []struct {
		name, sen, dep, title string
		want                  []string // matches, best first
		reason                string
	}{
		{"one match", "VP", "Sales", "", []string{"A", "E"}, "A and E are equally specific: template order"},
		{"more conditions", "VP", "IT", "", []string{"B", "A", "E"}, "B has 2 conditions, A 1"},
		{"more nodes", "VP", "IT", "x", []string{"D", "B", "A", "E"}, "B and D have 2 conditions; D has 13 nodes, B 11"},
		{"priority first", "VP", "Legal", "x", []string{"C", "D", "A", "E"}, "C has priority 20 though fewer conditions than D"},
		{"nothing", "Manager", "Sales", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := q.Account(qualify.AccountInput{Account: qAcme(), Persons: []b2b.Person{{ID: "p", Seniority: tt.sen, Department: tt.dep, Title: tt.title}}}, qT0)
			require.NoError(t, err)
			var got []string
			for _, d := range res.Decisions {
				for _, m := range d.Matches {
					got = append(got, m.Role)
				}
			}
			require.Equal(t, tt.want, got, tt.reason)
			if len(tt.want) > 0 {
				require.Equal(t, []string{tt.want[0]}, res.Groups[0].RolesOf("p"), "one role per person: the best")
			}
		})
	}
}

func TestOtherEngineSkipsAnalysis(t *testing.T) {
	t.Parallel()
	// A host engine (here the default one behind a wrapper) gets no
	// analysis: every rule is evaluated, and results are the same.
	defs := qEquivDefs()
	cat, err := buyinggroup.Compile(defs, buyinggroup.Config{Engine: qWrappedEngine{rules.New()}})
	require.NoError(t, err)
	q := qNew(t, cat)
	qx, err := qualify.New(qualify.Config{Catalog: qCatalog(t, defs), Exhaustive: true})
	require.NoError(t, err)
	e, ex := q.NewEvaluator(), qx.NewEvaluator()
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		a, p := qRandomAccount(r, i), qRandomPerson(r, i)
		want := qRun(t, ex, qx, &a, &p)
		got := qRun(t, e, q, &a, &p)
		// Without analysis specificity is 0: compare roles, not measures.
		require.Equal(t, want.Err, got.Err)
		require.Equal(t, len(want.Matches), len(got.Matches))
	}
	require.Zero(t, e.Stats().MemoHits)
	require.Zero(t, e.Stats().Decided)
}

type qWrappedEngine struct{ rules.Engine }

// FuzzAnalysisIsExact compiles a role rule of any source and checks that
// what New derives from its syntax (specificity, pre-filters, memo keys,
// shared evaluation) gives exactly what evaluating it gives: the same
// matches, measures and errors for a run of persons and accounts through
// one evaluator (so the memo is warm) and through a fresh one. Sources
// that do not compile are skipped.
func FuzzAnalysisIsExact(f *testing.F) {
	for _, src := range []string{
		`person.seniority == "VP"`,
		`"VP" == person.seniority && person.department in ["IT", "Finance"]`,
		`person.seniority in ["Director", "Manager"] && (icontains(person.title, "data") || icontains(person.title, "analytics"))`,
		`person.department == "IT" || person.department == "Security" || person.title == ""`,
		`(person.department == "IT" || person.department == "Security") && len(person.title) > 3`,
		`person.seniority not in ["VP", ""] && account.employees * 2 > 3000`,
		`person.seniority == "VP" && person.seniority == "Director"`,
		`person.seniority in [] || account.region in ["EMEA"]`,
		`match(person.title, "(?i)\\bops\\b") && account.industry != "Government"`,
		`person.title matches "^(?i)vp" && person.department != account.name`,
		`person.title startsWith "VP" and not (person.department endsWith "T")`,
		`attr(person.attributes, "tier", "") == "gold" && person.department in ["Sales"]`,
		`any(["cto", "cio"], lower(person.title) == #) && account.country == "DE"`,
		`account.employees % 7 == 0 && person.seniority == "VP"`,
		`account.annualRevenue / account.employees > 100 && person.department == "Finance"`,
		`daysSince(person.updatedAt) < 30 && person.department in ["IT"]`,
		`person.attributes["score"] != nil || person.seniority == "VP"`,
		`let t = trim(person.title); t != "" && t contains account.name`,
		`(person.title ?? "x") == "CFO" && person.seniority == "C-Level"`,
		`person.consent?.email?.status == "granted" && person.seniority == "VP"`,
		`between(account.employees, 100, 1000) && inList(person.department, ["it", "security"])`,
		`iequals(person.title, "risk officer") ? person.department == "Legal" : account.employees > 10`,
		`count(["a", "b"], # == person.firstName) == 1 && person.lastName == ""`,
		`len(0..1000000) > 3 && person.seniority == "VP"`,
		`person.title[0:2] == "VP" && person.department == "IT"`,
	} {
		f.Add(src, "VP", "IT", "VP Data Ops", "Acme", 1500, "EMEA", 4)
	}
	f.Add(`person.seniority == "Manager" || account.region == "APAC"`, "Manager", "", "", "", 0, "APAC", -1)
	// Employees beyond 2^53, which a float64 does not tell apart.
	f.Add(`account.employees > 9007199254740992 && icontains(person.title, "x")`, "", "", "x", "", 1<<53, "", -1)
	qualified := func(t *testing.T, q *qualify.Qualifier, e *qualify.Evaluator, a *b2b.Account, p *b2b.Person) qOutcome {
		t.Helper()
		ms, err := e.Person(nil, a, p, []int{0}, qT0)
		if err != nil {
			return qOutcome{Err: err.Error()}
		}
		return qOutcome{Matches: ms}
	}
	f.Fuzz(func(t *testing.T, src, sen, dep, title, name string, employees int, region string, score int) {
		role := func(name, src string) buyinggroup.Role {
			return buyinggroup.Role{Name: name, Rule: rules.Rule{Source: src}}
		}
		// The fuzzed rule beside rules that share its fields, so that
		// it shares memo groups and evaluations with them.
		cat, err := buyinggroup.Compile(buyinggroup.Definitions{
			Interests: []buyinggroup.SolutionInterest{{ID: "x", Template: "t"}},
			Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
				role("Fuzzed", src),
				role("Titled", `person.seniority in ["VP", "Manager"] && icontains(person.title, "data")`),
				role("Again", src),
				role("Wide", `icontains(person.title, account.name) || person.department == "IT"`),
			}}},
		}, buyinggroup.Config{})
		if err != nil {
			return
		}
		qx, err := qualify.New(qualify.Config{Catalog: cat, Exhaustive: true})
		require.NoError(t, err)
		warm, err := qualify.New(qualify.Config{Catalog: cat})
		require.NoError(t, err)
		tiny, err := qualify.New(qualify.Config{Catalog: cat, MemoSize: 1})
		require.NoError(t, err)
		ew, et := warm.NewEvaluator(), tiny.NewEvaluator()
		// Variations that keep some fields and change others, so that
		// memo keys are both hit and missed.
		for i, v := range []struct{ sen, dep, title, name, region string }{
			{sen, dep, title, name, region},
			{sen, dep, title, name + "x", region},
			{sen, "IT", title, name, ""},
			{sen, dep, title, name, region},
			{"VP", dep, title + " data", name, region},
			{sen, dep, title, name, region},
		} {
			a := b2b.Account{ID: "a", Name: v.name, Employees: employees + i%2, Region: v.region, Country: "DE", AnnualRevenue: float64(score) * 1e5}
			p := b2b.Person{ID: "p", Seniority: v.sen, Department: v.dep, Title: v.title, FirstName: v.name, UpdatedAt: qT0.AddDate(0, 0, -score)}
			if score >= 0 {
				p.Attributes = map[string]any{"score": score, "tier": v.title}
			}
			want := qualified(t, qx, qx.NewEvaluator(), &a, &p)
			for name, e := range map[string]*qualify.Evaluator{"warm": ew, "tiny memo": et, "fresh": warm.NewEvaluator()} {
				got := qualified(t, warm, e, &a, &p)
				require.Empty(t, cmp.Diff(want, got, cmpopts.IgnoreUnexported(qualify.Match{})), "%s, variation %d: (-want +got)", name, i)
			}
		}
	})
}
