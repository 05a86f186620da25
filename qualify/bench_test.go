package qualify_test

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/internal/cputime"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/rules"
)

// qBenchDefs are three solution interests with role templates of five
// roles each, written as a marketer would: seniority and department lists,
// title keywords, a regular expression, account size and industry, and a
// custom attribute. Two rules are shared by two templates.
func qBenchDefs() buyinggroup.Definitions {
	r := func(name, src string, prio int, req bool) buyinggroup.Role {
		return buyinggroup.Role{Name: name, Rule: rules.Rule{Source: src}, Priority: prio, Required: req}
	}
	eb := `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"]`
	return buyinggroup.Definitions{
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Template: "data"},
			{ID: "security-suite", Template: "security"},
			{ID: "enterprise-crm", Template: "crm"},
		},
		Templates: []buyinggroup.RoleTemplate{
			{ID: "data", Roles: []buyinggroup.Role{
				r("Economic Buyer", eb, 100, true),
				r("Technical Evaluator", `person.seniority in ["C-Level", "VP", "Director"] && person.department in ["IT", "Engineering"]`, 90, true),
				r("Champion", `person.seniority in ["Director", "Manager"] && (icontains(person.title, "data") || icontains(person.title, "analytics"))`, 80, true),
				r("End User", `person.seniority == "Individual Contributor" && (icontains(person.title, "engineer") || icontains(person.title, "analyst"))`, 20, false),
				r("Influencer", `person.seniority in ["Director", "Manager"] && account.employees >= 1000`, 40, false),
			}},
			{ID: "security", Roles: []buyinggroup.Role{
				r("Economic Buyer", eb, 100, true),
				r("Technical Evaluator", `person.department in ["Security", "IT"] && person.seniority in ["C-Level", "VP", "Director"]`, 90, true),
				r("Champion", `person.department == "Security" && person.seniority == "Manager"`, 80, true),
				r("Compliance", `icontains(person.title, "compliance") || icontains(person.title, "risk")`, 60, false),
				r("Cleared User", `person.department in ["IT", "Security"] && attr(person.attributes, "clearance", "") == "high"`, 20, false),
			}},
			{ID: "crm", Roles: []buyinggroup.Role{
				r("Economic Buyer", `person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive", "Sales"]`, 100, true),
				r("Decision Maker", `person.seniority in ["VP", "C-Level"] && person.department in ["Sales", "Marketing"]`, 90, true),
				r("Champion", `person.department in ["Sales", "Marketing"] && person.seniority in ["Director", "Manager"]`, 80, true),
				r("End User", `person.department == "Sales" && person.seniority == "Individual Contributor"`, 20, false),
				r("Operations", `match(person.title, "(?i)\\b(ops|operations)\\b") && account.industry != "Government"`, 50, false),
			}},
		},
	}
}

// qPopulation describes persons compactly (1,000,000 full b2b.Person values
// would take ~300 MB); person i is materialised when it is qualified.
type qPopulation struct {
	titles   []qTitle
	accounts []b2b.Account
	ids      []b2b.PersonID
	spec     []qSpec
}

type qTitle struct{ title, seniority, department string }

type qSpec struct {
	title   uint16
	account uint16
	flags   uint8 // 1: unclassified (no seniority/department), 2: clearance high
}

// qLoadPopulation builds n persons in 1,000 accounts from the labelled
// titles of testdata, each title in 24 variants (prefix x region suffix),
// 2% of persons unclassified and 5% with a custom attribute.
func qLoadPopulation(tb testing.TB, n int) *qPopulation {
	f, err := os.Open("testdata/labelled-titles.csv")
	require.NoError(tb, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(tb, err)
	pop := &qPopulation{}
	for _, row := range rows[1:] {
		for _, pre := range []string{"", "Senior ", "Global "} {
			for _, suf := range []string{"", ", EMEA", " - North America", " (Interim)", ", Global", " II", ", DACH", " APAC"} {
				pop.titles = append(pop.titles, qTitle{pre + row[0] + suf, row[1], row[2]})
			}
		}
	}
	r := rand.New(rand.NewPCG(42, 7))
	industries := []string{"Software", "Financial Services", "Manufacturing", "Government", "Healthcare", "Retail"}
	for i := range 1000 {
		pop.accounts = append(pop.accounts, b2b.Account{
			ID: b2b.AccountID(fmt.Sprintf("acct-%04d", i)), Name: fmt.Sprintf("Account %d", i),
			Employees: []int{50, 200, 800, 1500, 5000, 20000}[r.IntN(6)], Industry: industries[r.IntN(len(industries))],
		})
	}
	pop.ids = make([]b2b.PersonID, n)
	pop.spec = make([]qSpec, n)
	for i := range n {
		pop.ids[i] = b2b.PersonID(fmt.Sprintf("p%07d", i))
		s := qSpec{title: uint16(r.IntN(len(pop.titles))), account: uint16(r.IntN(len(pop.accounts)))}
		if r.IntN(50) == 0 {
			s.flags |= 1
		}
		if r.IntN(20) == 0 {
			s.flags |= 2
		}
		pop.spec[i] = s
	}
	return pop
}

var qHigh = map[string]any{"clearance": "high"}

func (pop *qPopulation) person(i int, p *b2b.Person) {
	s := pop.spec[i]
	t := &pop.titles[s.title]
	*p = b2b.Person{ID: pop.ids[i], Title: t.title, Seniority: t.seniority, Department: t.department}
	if s.flags&1 != 0 {
		p.Seniority, p.Department = "", ""
	}
	if s.flags&2 != 0 {
		p.Attributes = qHigh
	}
}

// BenchmarkQualify qualifies 1,000,000 persons against 3 templates of 5
// roles (every interest applies to every account) and reports persons/s.
// The variants run in the same process so their ratio is meaningful:
// exhaustive evaluates all 15 rules per person; prefilter shares rules
// between templates and skips the rules a pre-filter proves false; memo
// (the default) also reuses the results of cacheable rules for persons
// with the same inputs.
func BenchmarkQualify(b *testing.B) {
	const n = 1_000_000
	pop := qLoadPopulation(b, n)
	cat := qCatalog(b, qBenchDefs())
	for _, v := range []struct {
		name string
		cfg  qualify.Config
	}{
		{"memo", qualify.Config{}},
		{"prefilter", qualify.Config{MemoSize: -1}},
		{"exhaustive", qualify.Config{Exhaustive: true}},
	} {
		b.Run(v.name, func(b *testing.B) {
			v.cfg.Catalog = cat
			q, err := qualify.New(v.cfg)
			require.NoError(b, err)
			var matches, qualified int
			var stats qualify.Stats
			b.ReportAllocs()
			cpu0 := cputime.Process()
			for b.Loop() {
				e := q.NewEvaluator()
				applicable := make([][]int, len(pop.accounts))
				for i := range pop.accounts {
					applicable[i], err = q.Applicable(&pop.accounts[i], qT0)
					if err != nil {
						b.Fatal(err)
					}
				}
				var p b2b.Person
				var buf []qualify.Match
				matches, qualified = 0, 0
				for i := range n {
					pop.person(i, &p)
					acct := pop.spec[i].account
					buf, err = e.Person(buf[:0], &pop.accounts[acct], &p, applicable[acct], qT0)
					if err != nil {
						b.Fatal(err)
					}
					matches += len(buf)
					if len(buf) > 0 {
						qualified++
					}
				}
				stats = e.Stats()
			}
			qReportRate(b, float64(n)*float64(b.N), cputime.Process()-cpu0)
			b.ReportMetric(float64(stats.Evaluated)/n, "evals/person")
			b.ReportMetric(100*float64(stats.MemoHits)/float64(stats.Evaluated+stats.Decided+stats.MemoHits), "memo-hit-%")
			b.ReportMetric(100*float64(qualified)/n, "qualified-%")
			b.Logf("%s: %d matches, %d persons qualified, stats %+v", v.name, matches, qualified, stats)
		})
	}
}

// BenchmarkQualifyAccount runs the whole account path (groups created,
// claims with the values seen, precedence, events) for 2,000 accounts of
// 50 persons and reports persons/s.
func BenchmarkQualifyAccount(b *testing.B) {
	const accounts, per = 2000, 50
	pop := qLoadPopulation(b, accounts*per)
	q := qNew(b, qCatalog(b, qBenchDefs()))
	inputs := make([]qualify.AccountInput, accounts)
	for a := range inputs {
		inputs[a].Account = pop.accounts[a%len(pop.accounts)]
		inputs[a].Account.ID = b2b.AccountID(fmt.Sprintf("acct-%05d", a))
		inputs[a].Persons = make([]b2b.Person, per)
		for k := range per {
			pop.person(a*per+k, &inputs[a].Persons[k])
		}
	}
	var rate qualify.Rate
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		e := q.NewEvaluator()
		rate = qualify.Rate{}
		for a := range inputs {
			res, err := e.Account(inputs[a], qT0)
			if err != nil {
				b.Fatal(err)
			}
			rate = rate.Add(res.Rate)
		}
	}
	qReportRate(b, float64(accounts*per)*float64(b.N), cputime.Process()-cpu0)
	b.ReportMetric(100*rate.Value(), "qualified-%")
}

// qReportRate reports persons per wall-clock second and per CPU second of
// the process (which includes the garbage collector's work on other
// threads; on a busy machine the wall-clock figure understates a core).
func qReportRate(b *testing.B, persons float64, cpu time.Duration) {
	b.ReportMetric(persons/b.Elapsed().Seconds(), "persons/s")
	if cpu > 0 {
		b.ReportMetric(persons/cpu.Seconds(), "persons/cpu-s")
	}
}
