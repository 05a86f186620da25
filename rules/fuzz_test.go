package rules_test

import (
	"strings"
	"testing"

	"github.com/quorumhq/quorum/rules"
)

// FuzzCompileEval checks that no source, valid or not, makes compile or
// evaluation panic, that every failure is one of the documented errors, and
// that a rule that compiles fails at run time, on ordinary and on odd
// data, only as the package documentation says it may.
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
		// Accepted by expr's type checker, refused or defined by rules.
		`account.attributes["seats"] > 3`,
		`account.attributes.seats >= 50`,
		`(account.attributes["seats"] ?? 0) > 3`,
		`icontains(person.attributes["tier"], "gold")`,
		`let seats = account.attributes["seats"]; seats > 3`,
		`any(persons, match(.title, account.name))`,
		`person.title matches account.name`,
		`10 % account.employees == 0`,
		`account.employees % 7 == 5`,
		`int(person.title) > 3`,
		`date("2026-02-30") < now`,
		`duration(person.title) > duration("1h")`,
		`take(persons, len(persons) - 4) == []`,
		`bitshr(1, account.employees - 1) > 0`,
		`sort(account.domains, person.title) == []`,
		`sum(persons, .title) == ""`,
		`join(map(persons, len(.title))) == ""`,
		`account.employees in 0..account.employees`,
		`fromJSON(person.title) == nil`,
		`reduce(persons, #acc + 1, 0) > 2`,
		`persons[0].title == "CFO"`,
		`persons[-1].department == "Finance"`,
		`first(persons).department == "IT"`,
		`find(persons, .department == "Sales").title == ""`,
		`get(person.consent, "sms").status == "unknown"`,
		`first(persons) == nil`,
		`max(map(persons, len(.title))) > 3`,
		`mean(map(persons, len(.title))) >= 0`,
		`split(person.title, " ")[5] == ""`,
		`10 / account.employees > 1`,
		`len(0..1000000) > 0`,
		`count(persons) > 1`,
		`first != nil`,
		`now - person.updatedAt > duration("24h") * 1.5`,
		`abs(now - person.updatedAt) > duration("1h")`,
		`sum(persons, now - .updatedAt) > duration("1h")`,
		`min(now - person.updatedAt, 3) > duration("1h")`,
		`float(now - person.updatedAt) > 1`,
		`date(person.updatedAt) < now`,
		`mean(account.employees, 3) % 2 == 0`,
		`bitand(median(account.employees), 1) == 0`,
		`mean(now - person.updatedAt, duration("1h")) > duration("1h")`,
		`inList(account.industry, ["a" * 2])`,
		`person.consent?.email?.status == "unknown"`,
		`any(persons, .consent.sms.status == "unknown")`,
		`person.consent[person.title].at < now`,
		`findIndex(persons, .title == "x") >= 0`,
		`let c = person.consent.email; c == nil || c.status == "opt-out"`,
		`let p = first(persons); let q = p; q?.title == "" && q != nil`,
		`let c = person.consent?.email; (c ?? person.consent.sms).status == "unknown"`,
		`person.consent.email.status == ""`,
		`let c = person.consent?.email; c?.status == ""`,
		`(person.consent.email.status ?? "") == ""`,
		`person.consent.email.status in ["", "opt-in"]`,
		`person.consent.email.status not in [""]`,
		// IDs of named string types read as text.
		`account.id in ["acme", "globex"] && person.id != ""`,
		`(persons[0]?.accountId ?? "none") < account.id || icontains(person.id, "p")`,
		// Indexes and slices computed when the rule runs, text by
		// characters, int of a float.
		`let i = findIndex(persons, .title == "x"); persons[i].title == "" && person.title[i:] != ""`,
		`person.title[indexOf(person.title, " "):len(person.title) - 1] == "é"`,
		`int(10 / account.employees) > 3`,
		// Indexes written as arithmetic, values of no type given to
		// inList and iequals or compared with lists and maps.
		`persons[0 - 1].department == "Finance" && len(persons[1 - 2:]) == 1`,
		`inList(person.attributes["tier"], ["gold"]) || iequals(account.attributes.plan, "pro")`,
		`person.attributes.tier == ["gold"] || account.attributes.plan != {"a": 1}`,
		// Values of no type given to the functions that search text.
		`icontains(person.attributes.tier, "g") || istartsWith("gold", account.attributes["plan"]) || match(person.attributes.since, "^l")`,
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
			for _, e := range []*roleEnv{env(), emptyEnv(), oddEnv()} {
				v, err := p.Eval(e)
				if err != nil {
					if !isEvalError(err) {
						t.Fatalf("eval error of unexpected type %T: %v", err, err)
					}
					if !documented(err, kind) {
						t.Fatalf("%s compiles as a %v rule but fails at run time: %v", src, kind, err)
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
		}
	})
}

// documented reports whether err is one of the run-time failures the
// package documentation lists for a rule of the default engine without
// host functions: a number rule's NaN or infinite result, int of a
// number that no int holds, expr's memory budget.
func documented(err error, kind rules.Kind) bool {
	msg := err.Error()
	if strings.Contains(msg, ": no int holds it") {
		return true
	}
	if kind == rules.KindNumber && (strings.Contains(msg, ": result is NaN") || strings.Contains(msg, ": result is +Inf") || strings.Contains(msg, ": result is -Inf")) {
		return true
	}
	return strings.Contains(msg, "memory budget exceeded")
}
