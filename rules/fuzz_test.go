package rules_test

import (
	"testing"

	"github.com/quorumhq/quorum/rules"
)

// FuzzCompileEval checks that no source, valid or not, makes compile or
// evaluation panic, and that every failure is one of the documented errors.
func FuzzCompileEval(f *testing.F) {
	for _, s := range []string{
		`person.seniority in ["C-Level", "VP"] && person.department == "Finance"`,
		`activity.type == "fill_out_form"`,
		`count(persons, .department == "IT") >= 2`,
		`attr(person.attributes, "tier", "") == "gold"`,
		`match(person.title, "(?i)chief")`,
		`daysSince(person.updatedAt) > 30`,
		`between(account.employees, 1, 2)`,
		`inList(account.industry, ["a", "b"])`,
		`person.attributes["x"] > 3`,
		`1 / 0 > 1`,
		`"a" + `, `((((`, `person.Name()`, `now()`, "\x00", `{"a": 1}.a == 1`,
	} {
		f.Add(s)
	}
	eng := rules.New(rules.WithLimits(rules.Limits{CacheSize: 64}))
	f.Fuzz(func(t *testing.T, src string) {
		for _, kind := range []rules.Kind{rules.KindBool, rules.KindNumber, rules.KindString} {
			p, err := eng.Compile(rules.Rule{Name: "fuzz", Source: src}, reflectRoleEnv, kind)
			if err != nil {
				var ce *rules.CompileError
				if !asCompileError(err, &ce) {
					t.Fatalf("compile error of unexpected type %T: %v", err, err)
				}
				continue
			}
			v, err := p.Eval(env())
			if err != nil {
				if !isEvalError(err) {
					t.Fatalf("eval error of unexpected type %T: %v", err, err)
				}
				continue
			}
			switch kind {
			case rules.KindBool:
				_ = v.(bool)
			case rules.KindNumber:
				_ = v.(float64)
			case rules.KindString:
				_ = v.(string)
			}
		}
	})
}
