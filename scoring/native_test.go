package scoring

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// TestNativeMatchesExpr: a condition translated to Go gives, on persons and
// accounts chosen to sit on every boundary the conditions test (and NaN,
// infinities, empty strings), the answer of the expression machine.
func TestNativeMatchesExpr(t *testing.T) {
	translated := []string{
		`person.seniority in ["C-Level", "VP"]`,
		`person.seniority not in ["C-Level", "VP"]`,
		`not (person.department in ["Finance", "IT"])`,
		`person.department in []`,
		`account.employees >= 1000`,
		`1000 <= account.employees`,
		`account.employees == 1000.0`,
		`account.employees != 3 and account.employees < 5000`,
		`account.employees > account.annualRevenue`,
		`account.annualRevenue > 1e6 || account.employees < 50`,
		`account.annualRevenue == 0 or account.annualRevenue != account.annualRevenue`,
		`account.annualRevenue >= 1000 && account.annualRevenue <= 1000`,
		`account.annualRevenue < 2.5`,
		`person.title <= "M" && account.country == "DE"`,
		`person.title > "" and person.title < person.email`,
		`!(account.region == "EMEA") || true`,
		`person.seniority == "VP" && account.industry != "Software" || !false`,
	}
	notTranslated := []string{
		`icontains(person.title, "vp")`,
		`account.employees + 1 > 5`,
		`-account.employees < 0`,
		`person.id == "p-1"`, // a named string type
		`account.domains[0] == "acme.com"`,
		`person.consent == nil`,
		`person?.seniority == "VP"`,
		`account.employees in [1, 2]`,
		`person.seniority in ["VP", 1]`,
		`account.updatedAt > account.updatedAt`,
		`person.seniority`,
		`activity.type == "attend_event"`,
	}
	eng := rules.New()
	compile := func(src string) *rules.Expr[Env, bool] {
		x, err := rules.Compile[Env, bool](eng, rules.Rule{Name: "c", Source: src})
		require.NoError(t, err, src)
		return x
	}
	for _, src := range notTranslated {
		require.Nil(t, compileNative(src), src)
	}
	strs := []string{"", "VP", "C-Level", "Finance", "IT", "M", "Ma", "DE", "EMEA", "Software", "a@b.c"}
	nums := []float64{0, 2.5, 3, 49, 50, 999, 1000, 1000.5, 4999, 5000, 1e6, 1e6 + 1, -1, math.NaN(), math.Inf(1), math.Inf(-1)}
	rng := rand.New(rand.NewPCG(5, 5))
	pick := func() string { return strs[rng.IntN(len(strs))] }
	for _, src := range translated {
		f := compileNative(src)
		require.NotNil(t, f, src)
		x := compile(src)
		for range 2000 {
			p := &b2b.Person{Seniority: pick(), Department: pick(), Title: pick(), Email: pick()}
			a := &b2b.Account{Employees: int(nums[rng.IntN(9)]), AnnualRevenue: nums[rng.IntN(len(nums))],
				Country: pick(), Region: pick(), Industry: pick()}
			want, err := x.Eval(&Env{Activity: &b2b.Activity{}, Person: p, Account: a})
			require.NoError(t, err, src)
			require.Equal(t, want, f(p, a), "%s on %+v %+v", src, p, a)
		}
	}
}
