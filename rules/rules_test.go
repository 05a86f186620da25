package rules_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// roleEnv is the environment of a role rule.
type roleEnv struct {
	Person  b2b.Person   `expr:"person"`
	Account b2b.Account  `expr:"account"`
	Persons []b2b.Person `expr:"persons"`
	Now     time.Time    `expr:"now"`
}

// scoreEnv is the environment of a scoring condition.
type scoreEnv struct {
	Activity b2b.Activity `expr:"activity"`
	Person   b2b.Person   `expr:"person"`
}

// noNowEnv has no now field.
type noNowEnv struct {
	Person b2b.Person `expr:"person"`
}

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func env() *roleEnv {
	return &roleEnv{
		Person: b2b.Person{ID: "p1", Email: "Ann@Acme.COM", Title: "Chief Financial Officer", Seniority: "C-Level", Department: "Finance",
			Attributes: map[string]any{"tier": "gold", "visits": 7, "ratio": 0.5, "vip": true, "since": now.Add(-72 * time.Hour)}},
		Account: b2b.Account{ID: "acme", Name: "Acme", Employees: 2000, Industry: "Software", Domains: []string{"acme.com"}},
		Persons: []b2b.Person{{Department: "IT"}, {Department: "IT"}, {Department: "Finance"}},
		Now:     now,
	}
}

func TestBoolRules(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"in list", `person.seniority in ["C-Level", "VP"] && person.department == "Finance"`, true},
		{"icontains", `icontains(person.title, "FINANCIAL")`, true},
		{"icontains no", `icontains(person.title, "engineer")`, false},
		{"istartsWith", `istartsWith(person.title, "chief")`, true},
		{"iendsWith", `iendsWith(person.title, "OFFICER")`, true},
		{"iequals trims", `iequals(" software ", account.industry)`, true},
		{"match", `match(person.title, "(?i)^chief .* officer$")`, true},
		{"match operator", `person.title matches "^Chief"`, true},
		{"domain", `domain(person.email) == "acme.com"`, true},
		{"domain in account domains", `domain(person.email) in account.domains`, true},
		{"daysSince", `daysSince(attr(person.attributes, "since", now)) == 3`, true},
		{"hoursSince", `hoursSince(attr(person.attributes, "since", now)) == 72`, true},
		{"daysSince explicit now", `daysSince(attr(person.attributes, "since", now), now) > 2.5`, true},
		{"never is infinitely long ago", `daysSince(person.updatedAt) > 10000`, true},
		{"hourOf", `hourOf(now) == 12 && hourOf(attr(person.attributes, "since", now)) == 12`, true},
		{"weekdayOf", `weekdayOf(now) == "Monday" && weekdayOf(now) not in ["Saturday", "Sunday"]`, true},
		{"hourOf and weekdayOf of never", `hourOf(person.updatedAt) == -1 && weekdayOf(person.updatedAt) == ""`, true},
		{"between int", `between(account.employees, 500, 5000)`, true},
		{"between float bounds", `between(account.employees, 2000.5, 3000)`, false},
		{"inList literal", `inList(account.industry, ["software", "Financial Services"])`, true},
		{"inList field", `inList("ACME.com", account.domains)`, true},
		{"attr string", `attr(person.attributes, "tier", "") == "gold"`, true},
		{"attr missing default", `attr(person.attributes, "nope", "bronze") == "bronze"`, true},
		{"attr int", `attr(person.attributes, "visits", 0) > 5`, true},
		{"attr int as float", `attr(person.attributes, "visits", 0.0) == 7.0`, true},
		{"attr float as int is default", `attr(person.attributes, "ratio", 0) == 0`, true},
		{"attr bool", `attr(person.attributes, "vip", false)`, true},
		{"attr wrong type is default", `attr(person.attributes, "tier", 0) == 0`, true},
		{"attr nil map", `attr(account.attributes, "x", "d") == "d"`, true},
		{"count persons", `count(persons, .department == "IT") >= 2`, true},
		{"any persons", `any(persons, .department == "Finance")`, true},
		{"all persons", `all(persons, .department == "IT")`, false},
		{"filter persons", `len(filter(persons, .department == "IT")) == 2`, true},
		{"lower upper trim", `lower(person.department) == "finance" && upper("it") == "IT" && trim("  x ") == "x"`, true},
		{"multi line", "person.seniority == \"C-Level\"\n  && account.employees > 1000", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			got, err := x.Eval(env())
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestNumberAndStringRules(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	n, err := rules.Compile[roleEnv, float64](eng, rules.Rule{Name: "points", Source: `account.employees / 100`})
	require.NoError(t, err)
	got, err := n.Eval(env())
	require.NoError(t, err)
	require.Equal(t, 20.0, got)

	i, err := rules.Compile[roleEnv, float64](eng, rules.Rule{Name: "int points", Source: `10 + len(persons)`})
	require.NoError(t, err)
	got, err = i.Eval(env())
	require.NoError(t, err)
	require.Equal(t, 13.0, got)

	s, err := rules.Compile[roleEnv, string](eng, rules.Rule{Name: "tier", Source: `account.employees > 1000 ? "enterprise" : "smb"`})
	require.NoError(t, err)
	str, err := s.Eval(env())
	require.NoError(t, err)
	require.Equal(t, "enterprise", str)
	require.Equal(t, "tier", s.Rule().Name)
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	eng := rules.New(rules.WithLimits(rules.Limits{MaxSourceLen: 200, MaxNodes: 20}))
	tests := []struct {
		name string
		src  string
		kind rules.Kind
		want string
	}{
		{"unknown name", `person.seniority in ["C-Level", "VP"] && persn.department == "Finance"`, rules.KindBool,
			"rule \"r\" 1:42: unknown name persn\n  | person.seniority in [\"C-Level\", \"VP\"] && persn.department == \"Finance\"\n  |                                          ^"},
		{"wrong result kind", `account.employees * 2`, rules.KindBool,
			"rule \"r\" 1:19: expected bool, got int\n  | account.employees * 2\n  |                   ^"},
		{"string wanted", `account.employees > 2`, rules.KindString, `expected string, got bool`},
		{"number wanted", `person.title`, rules.KindNumber, `expected a number, got string`},
		{"unknown type result", `person.attributes["x"] == nil ? person.attributes["x"] : true`, rules.KindBool, `expected bool, got a value of unknown type`},
		// An attribute read by index is read with attr; another value of
		// no type is compared, or written as text: attr is no advice.
		{"attribute as the result", `person.attributes.vip`, rules.KindBool,
			`rule "r" 1:19: expected bool, got a value of unknown type: person.attributes["vip"] has no type before the rule runs (an attribute may hold any value, or none); use attr(person.attributes, "vip", false): its default gives the type`},
		{"attribute as a number", `get(account.attributes, "seats")`, rules.KindNumber,
			`expected a number, got a value of unknown type: account.attributes["seats"] has no type before the rule runs (an attribute may hold any value, or none); use attr(account.attributes, "seats", 0)`},
		{"element of a mixed list as the result", `first(["a", 1])`, rules.KindBool,
			`rule "r" 1:1: expected bool, got a value of unknown type: first(["a", 1]) has no type before the rule runs; compare it with a value: (first(["a", 1])) == true`},
		{"variable as the result", `let x = ["a", 1][0]; x`, rules.KindBool,
			`expected bool, got a value of unknown type: x has no type before the rule runs; compare it with a value: (x) == true`},
		{"element of a mixed list as text", `["a", 1][0]`, rules.KindString,
			`expected string, got a value of unknown type: ["a", 1][0] has no type before the rule runs; write it as text: string(["a", 1][0])`},
		{"syntax", `person.title ==`, rules.KindBool, `rule "r" 1:`},
		{"second line", "person.title == \"x\" &&\n  account.employes > 3", rules.KindBool, "rule \"r\" 2:11: type b2b.Account has no field employes"},
		{"empty", ``, rules.KindBool, `rule "r": expression is empty`},
		{"blank", " \n\t ", rules.KindBool, `rule "r": expression is empty`},
		{"too long", strings.Repeat("1 + ", 60) + "1 > 0", rules.KindBool, `expression is 245 bytes long, the limit is 200`},
		{"too many nodes", `1+1+1+1+1+1+1+1+1+1+1+1+1+1 > 0`, rules.KindBool, `expression has 29 nodes, the limit is 20`},
		{"method call", `person.Name() == "x"`, rules.KindBool, `method calls are not allowed`},
		{"unknown function", `exec("rm") == ""`, rules.KindBool, `unknown function exec`},
		{"now disabled", `now() > person.updatedAt`, rules.KindBool, `now() is not available: time is an input`},
		{"bad regexp", `match(person.title, "(")`, rules.KindBool, `rule "r" 1:21: invalid regular expression "("`},
		{"wrong argument type", `icontains(account.employees, "x")`, rules.KindBool, `cannot use int as argument (type string)`},
		{"type error in an argument", `inList(account.industry, ["a" * 2])`, rules.KindBool, "rule \"r\" 1:31: invalid operation: * (mismatched types string and int)"},
		{"type error in an argument's argument", `icontains(lower(person.title + 1), "x")`, rules.KindBool, "invalid operation: + (mismatched types string and int)"},
		{"attr without default", `attr(person.attributes, "x") == "a"`, rules.KindBool, "rule \"r\" 1:1: not enough arguments to call attr"},
		{"attr with a fourth argument", `attr(person.attributes, "x", "d", 3) == "a"`, rules.KindBool, "rule \"r\" 1:1: too many arguments to call attr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := eng.Compile(rules.Rule{Name: "r", Source: tt.src}, reflect.TypeFor[roleEnv](), tt.kind)
			require.Error(t, err)
			require.ErrorIs(t, err, rules.ErrCompile)
			require.Contains(t, err.Error(), tt.want)
			var ce *rules.CompileError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "r", ce.Rule)
		})
	}
}

func TestNowRequiresEnvironment(t *testing.T) {
	t.Parallel()
	_, err := rules.Compile[noNowEnv, bool](nil, rules.Rule{Name: "recent", Source: `daysSince(person.updatedAt) < 30`})
	require.ErrorContains(t, err, `rule "recent" 1:1: daysSince(t) needs the rule's environment to provide now`)
}

// Clock is a part of an environment that embeds it: expr gives its
// fields to rules as the environment's own.
type Clock struct {
	Now time.Time `expr:"now"`
}

type embeddedNowEnv struct {
	Clock
	Person b2b.Person `expr:"person"`
}

type embeddedPtrNowEnv struct {
	*Clock
	Person b2b.Person `expr:"person"`
}

// unexportedNowEnv has a field now that expr does not show to rules.
type unexportedNowEnv struct {
	now    time.Time
	Person b2b.Person `expr:"person"`
}

// TestNowFromEmbeddedStruct: a now field promoted from an embedded struct
// is the environment's now, as expr reads it.
func TestNowFromEmbeddedStruct(t *testing.T) {
	t.Parallel()
	updated := b2b.Person{UpdatedAt: now.Add(-48 * time.Hour)}
	x, err := rules.Compile[embeddedNowEnv, float64](nil, rules.Rule{Name: "age", Source: `daysSince(person.updatedAt)`})
	require.NoError(t, err)
	got, err := x.Eval(&embeddedNowEnv{Clock: Clock{Now: now}, Person: updated})
	require.NoError(t, err)
	require.Equal(t, 2.0, got)

	y, err := rules.Compile[embeddedPtrNowEnv, float64](nil, rules.Rule{Name: "age", Source: `hoursSince(person.updatedAt)`})
	require.NoError(t, err)
	got, err = y.Eval(&embeddedPtrNowEnv{Clock: &Clock{Now: now}, Person: updated})
	require.NoError(t, err)
	require.Equal(t, 48.0, got)

	_, err = rules.Compile[unexportedNowEnv, bool](nil, rules.Rule{Name: "recent", Source: `daysSince(person.updatedAt) < 30`})
	require.ErrorContains(t, err, `rule "recent" 1:1: daysSince(t) needs the rule's environment to provide now`)
	_ = unexportedNowEnv{}.now
}

// TestSinceBeyondDurationRange: daysSince and hoursSince measure times
// further apart than a time.Duration holds (about 292 years), as a
// mistyped year in a CRM ("0202-01-01") is, instead of stopping there.
func TestSinceBeyondDurationRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want float64
	}{
		{`daysSince(date("0202-01-01"))`, float64(now.Unix()-time.Date(202, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) / 86400},
		{`hoursSince(date("2500-01-01"))`, -float64(time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC).Unix()-now.Unix()) / 3600},
		{`daysSince(date("2026-05-30T12:00:00Z"))`, 2},
		{`hoursSince(date("1900-01-01"))`, float64(now.Unix()-time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) / 3600},
	}
	for _, tt := range tests {
		x, err := rules.Compile[roleEnv, float64](nil, rules.Rule{Name: "age", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(env())
		require.NoError(t, err, tt.src)
		require.InEpsilon(t, tt.want, got, 1e-12, tt.src)
	}
}

// TestProgramRefusesAnotherEnvironment: a Program evaluated on an
// environment of another type than it was compiled for fails, rather than
// reading whatever fields of that type have the same names.
func TestProgramRefusesAnotherEnvironment(t *testing.T) {
	t.Parallel()
	p := rules.MustCompile[roleEnv, bool](nil, rules.Rule{Name: "vp", Source: `person.seniority == ""`}).Program()
	for _, other := range []any{&scoreEnv{}, scoreEnv{}, &noNowEnv{}, (*scoreEnv)(nil), 3} {
		_, err := p.Eval(other)
		require.ErrorIs(t, err, rules.ErrEval, "%T", other)
		require.ErrorContains(t, err, fmt.Sprintf(`rule "vp": the environment is %T, the rule was compiled for rules_test.roleEnv`, other))
	}
	for _, same := range []any{env(), *env()} {
		got, err := p.Eval(same)
		require.NoError(t, err, "%T", same)
		require.Equal(t, false, got)
	}
}

// TestEvalOfANilEnvironment: a rule evaluated on no environment (nil,
// or a nil pointer to its environment type) fails with an error that
// says so, whatever the rule reads; a rule that read a field failed
// with "reflect: call of reflect.Value.Field on zero Value", and one
// that read none gave a result.
func TestEvalOfANilEnvironment(t *testing.T) {
	t.Parallel()
	for _, src := range []string{`person.seniority == ""`, `true`, `len(persons) == 0`, `account?.name == ""`} {
		x := rules.MustCompile[roleEnv, bool](nil, rules.Rule{Name: "vp", Source: src})
		_, err := x.Eval(nil)
		require.ErrorIs(t, err, rules.ErrEval, src)
		require.EqualError(t, err, `rule "vp": the environment is a nil *rules_test.roleEnv: give a pointer to a rules_test.roleEnv`, src)
		_, err = x.Program().Eval((*roleEnv)(nil))
		require.EqualError(t, err, `rule "vp": the environment is a nil *rules_test.roleEnv: give a pointer to a rules_test.roleEnv`, src)
		_, err = x.Program().Eval(nil)
		require.ErrorIs(t, err, rules.ErrEval, src)
		require.EqualError(t, err, `rule "vp": no environment (nil): give a pointer to a rules_test.roleEnv`, src)
	}
}

// TestEnvironmentOfAPointerType: an Expr compiled for a pointer to an
// environment struct (Compile[*roleEnv, bool], which the engine
// compiles for roleEnv) evaluates on a pointer to such a pointer; it
// failed on every one ("the environment is **rules_test.roleEnv, the
// rule was compiled for rules_test.roleEnv"). A nil pointer on the way
// is refused as a nil environment.
func TestEnvironmentOfAPointerType(t *testing.T) {
	t.Parallel()
	x, err := rules.Compile[*roleEnv, bool](nil, rules.Rule{Name: "vp", Source: `person.seniority == "C-Level"`})
	require.NoError(t, err)
	e := env()
	got, err := x.Eval(&e)
	require.NoError(t, err)
	require.True(t, got)
	var none *roleEnv
	_, err = x.Eval(&none)
	require.ErrorIs(t, err, rules.ErrEval)
	require.EqualError(t, err, `rule "vp": the environment is a nil *rules_test.roleEnv: give a pointer to a rules_test.roleEnv`)
	_, err = x.Eval(nil)
	require.ErrorIs(t, err, rules.ErrEval)
	require.EqualError(t, err, `rule "vp": the environment is a nil *rules_test.roleEnv: give a pointer to a rules_test.roleEnv`)
}

func TestEnvironmentMustBeStruct(t *testing.T) {
	t.Parallel()
	_, err := rules.Compile[int, bool](nil, rules.Rule{Name: "x", Source: `true`})
	require.ErrorContains(t, err, "environment must be a struct type, got int")
}

func TestCompileAllReportsEveryError(t *testing.T) {
	t.Parallel()
	rs := []rules.Rule{
		{Name: "good", Source: `person.seniority == "VP"`},
		{Name: "bad1", Source: `person.senority == "VP"`},
		{Name: "bad2", Source: `account.employees`},
	}
	xs, err := rules.CompileAll[roleEnv, bool](nil, rs)
	require.Error(t, err)
	var list rules.Errors
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 2)
	require.Contains(t, list[0].Error(), `rule "bad1"`)
	require.Contains(t, list[1].Error(), `rule "bad2"`)
	require.NotNil(t, xs[0])
	require.Nil(t, xs[1])
	_, err = rules.CompileAll[roleEnv, bool](nil, rs[:1])
	require.NoError(t, err)
}

func TestCacheKeepsRuleNames(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	a, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "a", Source: `true`})
	require.NoError(t, err)
	b, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "b", Source: `true`})
	require.NoError(t, err)
	require.Equal(t, "a", a.Rule().Name)
	require.Equal(t, "b", b.Rule().Name)
	_, err = eng.Compile(rules.Rule{Name: "e1", Source: `nope`}, reflect.TypeFor[roleEnv](), rules.KindBool)
	require.ErrorContains(t, err, `rule "e1"`)
	_, err = eng.Compile(rules.Rule{Name: "e2", Source: `nope`}, reflect.TypeFor[roleEnv](), rules.KindBool)
	require.ErrorContains(t, err, `rule "e2"`)
	// The same source as another kind is a different program.
	_, err = eng.Compile(rules.Rule{Name: "n", Source: `true`}, reflect.TypeFor[roleEnv](), rules.KindNumber)
	require.ErrorContains(t, err, "expected a number, got bool")
}

func TestMissingAttributesAreCounted(t *testing.T) {
	t.Parallel()
	x := rules.MustCompile[roleEnv, bool](nil, rules.Rule{Name: "tier", Source: `attr(person.attributes, "segment", "none") == "none"`})
	for range 3 {
		ok, err := x.Eval(env())
		require.NoError(t, err)
		require.True(t, ok)
	}
	require.Equal(t, uint64(3), x.MissingAttributes())
}

// Rules with the same source share a compilation, but each counts its own
// attribute defaults: a rule never evaluated reports none.
func TestMissingAttributesPerRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		perEval uint64 // defaults one evaluation of env() uses
	}{
		{"one attr", `attr(person.attributes, "plan", "") == "gold"`, 1},
		{"two attrs", `attr(person.attributes, "plan", "") == "gold" || attr(person.attributes, "seats", 0) > 10`, 2},
		{"attr in a predicate", `count(persons, attr(.attributes, "plan", "") == "gold") == 0`, 3},
		{"attr found", `attr(person.attributes, "tier", "") == "gold"`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eng := rules.New()
			a := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "scoring", Source: tt.src})
			b := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "audience", Source: tt.src})
			for range 3 {
				_, err := a.Eval(env())
				require.NoError(t, err)
			}
			require.Equal(t, 3*tt.perEval, a.MissingAttributes())
			require.Zero(t, b.MissingAttributes(), "rule %q was never evaluated", b.Rule().Name)
			_, err := b.Eval(env())
			require.NoError(t, err)
			require.Equal(t, tt.perEval, b.MissingAttributes())
			require.Equal(t, 3*tt.perEval, a.MissingAttributes())
			// A third rule with the source starts from zero too.
			c := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "journey", Source: tt.src})
			require.Zero(t, c.MissingAttributes())
		})
	}
}

func TestHostFunction(t *testing.T) {
	t.Parallel()
	eng := rules.New(rules.WithFunction("isPublicCompany", func(p ...any) (any, error) {
		return strings.HasSuffix(p[0].(string), "plc"), nil
	}, new(func(string) bool)))
	x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "plc", Source: `isPublicCompany("Acme plc")`})
	require.NoError(t, err)
	got, err := x.Eval(env())
	require.NoError(t, err)
	require.True(t, got)
}

// TestHostFunctionNameClash: a host function may not take the name of a
// function of the library or of a builtin: it would silently change what
// every rule that calls that name means (len(persons) would no longer
// count persons). Every rule compiled on such an engine fails, naming the
// function.
func TestHostFunctionNameClash(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"domain", "len", "now", "fromJSON", "", "my func"} {
		eng := rules.New(rules.WithFunction(name, func(p ...any) (any, error) { return true, nil }, new(func(string) bool)))
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: `len(persons) > 1`})
		require.ErrorIs(t, err, rules.ErrCompile, "%q", name)
		want := fmt.Sprintf(`rule "r": host function %q has the name of a function of the rules language; register it under another name`, name)
		if name == "" || name == "my func" {
			want = fmt.Sprintf(`rule "r": host function %q: a name is a letter followed by letters, digits or _`, name)
		}
		require.EqualError(t, err, want)
	}
	fn := func(p ...any) (any, error) { return true, nil }
	eng := rules.New(rules.WithFunction("isPartner", fn, new(func(string) bool)), rules.WithFunction("isPartner", fn, new(func(int) bool)))
	_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: `isPartner("acme")`})
	require.EqualError(t, err, `rule "r": host function "isPartner" is registered twice; register it once with all its signatures`)
}

// TestHostFunctionMisdeclared: a host function registered without an
// implementation, or with a signature that is no function type, makes
// every rule compiled on the engine fail, naming the function and what
// is wrong; Compile panicked ("expr: type of f is not a function", a nil
// pointer dereference), or failed with expr's stack trace in the message.
func TestHostFunctionMisdeclared(t *testing.T) {
	t.Parallel()
	fn := func(p ...any) (any, error) { return true, nil }
	for _, tt := range []struct {
		opt  rules.Option
		want string
	}{
		{rules.WithFunction("f", fn, 3), `rule "r": host function "f": its signature 1 is int, not a function type (declare one as new(func(string) bool))`},
		{rules.WithFunction("f", fn, new(func() bool), "x"), `rule "r": host function "f": its signature 2 is string, not a function type (declare one as new(func(string) bool))`},
		{rules.WithFunction("f", fn, nil), `rule "r": host function "f": its signature 1 is nil, not a function type (declare one as new(func(string) bool))`},
		{rules.WithFunction("f", nil, new(func() bool)), `rule "r": host function "f" has no implementation (its fn is nil)`},
	} {
		eng := rules.New(tt.opt)
		require.NotPanics(t, func() {
			_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: `len(persons) > 1`})
			require.ErrorIs(t, err, rules.ErrCompile, tt.want)
			require.EqualError(t, err, tt.want)
		}, tt.want)
	}
	// A function value declares its signature as new(func...) does.
	eng := rules.New(rules.WithFunction("f", fn, func() bool { return false }))
	x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: `f()`})
	require.NoError(t, err)
	got, err := x.Eval(env())
	require.NoError(t, err)
	require.True(t, got)
}

func TestConcurrentEval(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	x := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "c", Source: `count(persons, .department == "IT") >= 2 && match(person.title, "Chief")`})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := env()
			for range 200 {
				ok, err := x.Eval(e)
				if err != nil || !ok {
					t.Errorf("got %v, %v", ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestDomain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Ann@Acme.COM": "acme.com", "x@eu.acme.co.uk.": "eu.acme.co.uk", "nope": "", "a@": "", "a@acme.com. ": "acme.com", "a@ acme.com.\t": "acme.com"} {
		require.Equal(t, want, rules.Domain(in), in)
	}
}

func TestErrorsIsAs(t *testing.T) {
	t.Parallel()
	err := rules.Errors{&rules.CompileError{Rule: "a", Msg: "m"}}.Err()
	require.True(t, errors.Is(err, rules.ErrCompile))
	require.Nil(t, rules.Errors(nil).Err())
	require.Equal(t, "bool", rules.KindBool.String())
	require.False(t, math.IsNaN(0))
}

var reflectRoleEnv = reflect.TypeFor[roleEnv]()

func asCompileError(err error, target **rules.CompileError) bool { return errors.As(err, target) }

func isEvalError(err error) bool { return errors.Is(err, rules.ErrEval) }

// TestHourOfReadsTheTimesZone: hourOf and weekdayOf read the clock of the
// time's zone: a Monday 12:00 UTC is Monday 08:00 in New York and Monday
// 21:00 in Tokyo, a Sunday 23:30 in Los Angeles is Monday in UTC.
func TestHourOfReadsTheTimesZone(t *testing.T) {
	t.Parallel()
	x, err := rules.Compile[roleEnv, string](nil, rules.Rule{Name: "clock", Source: `weekdayOf(now) + " " + string(hourOf(now))`})
	require.NoError(t, err)
	for _, tt := range []struct {
		zone string
		at   time.Time
		want string
	}{
		{"UTC", now, "Monday 12"},
		{"America/New_York", now, "Monday 8"},
		{"Asia/Tokyo", now, "Monday 21"},
		{"America/Los_Angeles", time.Date(2026, 5, 31, 23, 30, 0, 0, time.UTC).Add(7 * time.Hour), "Sunday 23"},
	} {
		loc, err := time.LoadLocation(tt.zone)
		require.NoError(t, err)
		e := env()
		e.Now = tt.at.In(loc)
		got, err := x.Eval(e)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, tt.zone)
	}
}
