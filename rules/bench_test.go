package rules_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// BenchmarkOverhead compares evaluating a typical role rule and a typical
// score condition through rules with running the same programs with expr
// directly (expr.Run), in the same run. The figure is the ratio rules/expr
// of ns/op.
func BenchmarkOverhead(b *testing.B) {
	role := `person.seniority in ["C-Level", "VP"] && person.department == "Finance"`
	score := `activity.type == "fill_out_form" && attr(activity.attributes, "form", "") == "Demo Request"`
	re := &roleEnv{Person: b2b.Person{Seniority: "VP", Department: "Finance"}}
	se := &scoreEnv{Activity: b2b.Activity{Type: b2b.ActivityFillOutForm, Time: time.Now(), Attributes: map[string]any{"form": "Demo Request"}}}

	eng := rules.New()
	roleX := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "role", Source: role})
	scoreX := rules.MustCompile[scoreEnv, bool](eng, rules.Rule{Name: "score", Source: score})

	// The same programs compiled with expr alone; attr is registered as a
	// plain expr function with the same behaviour.
	attr := expr.Function("attr", func(p ...any) (any, error) {
		m, _ := p[0].(map[string]any)
		if v, ok := m[p[1].(string)].(string); ok {
			return v, nil
		}
		return p[2], nil
	}, new(func(map[string]any, string, string) string))
	roleP, err := expr.Compile(role, expr.Env(roleEnv{}), expr.AsBool())
	if err != nil {
		b.Fatal(err)
	}
	scoreP, err := expr.Compile(score, expr.Env(scoreEnv{}), expr.AsBool(), attr)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("expr", func(b *testing.B) {
		for b.Loop() {
			r, err := expr.Run(roleP, re)
			if err != nil || r != true {
				b.Fatal(r, err)
			}
			s, err := expr.Run(scoreP, se)
			if err != nil || s != true {
				b.Fatal(s, err)
			}
		}
	})
	b.Run("rules", func(b *testing.B) {
		for b.Loop() {
			r, err := roleX.Eval(re)
			if err != nil || !r {
				b.Fatal(r, err)
			}
			s, err := scoreX.Eval(se)
			if err != nil || !s {
				b.Fatal(s, err)
			}
		}
	})
}

// BenchmarkInStrings compares testing a value against a list of 300
// strings written in the rule: a value of no known type (an attribute read
// by index) with a string field and a string attr() call, which expr
// looks up in a set. The value is the last of the list.
func BenchmarkInStrings(b *testing.B) {
	codes := make([]string, 300)
	for i := range codes {
		codes[i] = fmt.Sprintf("%q", fmt.Sprintf("c%03d", i))
	}
	list := "[" + strings.Join(codes, ", ") + "]"
	e := env()
	e.Account.Country = "c299"
	e.Person.Attributes = map[string]any{"country": "c299"}
	eng := rules.New()
	for _, bc := range []struct{ name, src string }{
		{"typed", `account.country in ` + list},
		{"attr", `attr(person.attributes, "country", "") in ` + list},
		{"untyped", `person.attributes["country"] in ` + list},
	} {
		x := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: bc.name, Source: bc.src})
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if ok, err := x.Eval(e); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
