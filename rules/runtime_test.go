package rules_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// emptyEnv has no persons, no domains, no attributes and zero numbers.
func emptyEnv() *roleEnv {
	return &roleEnv{Person: b2b.Person{Title: "x"}, Now: now}
}

// oddEnv holds data a rule's author did not expect: a name that is not a
// regular expression, no employees, attributes of other types than the
// rules' defaults.
func oddEnv() *roleEnv {
	return &roleEnv{
		Person: b2b.Person{Title: "Head of (Data", Attributes: map[string]any{"tier": 3, "since": "last week", "vip": "yes"}},
		Account: b2b.Account{Name: "Acme (", Employees: 0, Domains: []string{}, Attributes: map[string]any{
			"seats": "many", "plan": []string{"a"}, "revenue": int64(7)}},
		Persons: []b2b.Person{{Title: "*"}},
		Now:     now,
	}
}

// TestMissingElementsReadAsZero: an element that is not there (an index
// past the end of a list, first or last of an empty list, find with no
// match, get of a missing key, max of an empty list) reads as the zero
// value of its type and is counted, where it used to fail the rule at run
// time; compared with nil it is still nil.
func TestMissingElementsReadAsZero(t *testing.T) {
	t.Parallel()
	type result struct {
		Full, Empty bool   // the rule's value on env() and on emptyEnv()
		Missing     uint64 // the rule's count of missing data after both
	}
	tests := []struct {
		name   string
		src    string
		want   result
		reason string
	}{
		{"index", `persons[0].department == "IT"`, result{true, false, 1}, "an empty person has no department"},
		{"negative index", `persons[-1].department == "Finance"`, result{true, false, 1}, "-1 is the last element"},
		{"index past the end", `persons[7].department == ""`, result{true, true, 2}, "env() has 3 persons"},
		{"index of a list of strings", `account.domains[0] == "acme.com"`, result{true, false, 1}, ""},
		{"index compared with nil", `persons[7] == nil`, result{true, true, 0}, "== nil tells an element that is not there"},
		{"first", `first(persons).department == "IT"`, result{true, false, 1}, ""},
		{"last", `last(persons).department == "Finance"`, result{true, false, 1}, ""},
		{"first compared with nil", `first(persons) != nil`, result{true, false, 0}, ""},
		{"find without a match", `find(persons, .department == "Sales").title == ""`, result{true, true, 2}, ""},
		{"findLast", `findLast(persons, .department == "IT").department == "IT"`, result{true, false, 1}, ""},
		{"get", `get(persons, 9).department == ""`, result{true, true, 2}, ""},
		{"get of a missing key", `get(person.consent, "sms").status == "unknown"`, result{true, true, 2}, "a channel without a statement reads as b2b.Consent's Missing value"},
		{"first as an argument", `icontains(first(account.domains), "acme")`, result{true, false, 1}, ""},
		{"ordered comparison", `first(account.domains) > "a"`, result{true, false, 1}, "nil > \"a\" failed"},
		{"nested in a library call", `between(daysSince(persons[4].updatedAt), 1, 2)`, result{false, false, 2}, "a zero time is never"},
		{"element of a split", `split(person.title, " ")[5] == ""`, result{true, true, 2}, ""},
		{"in a predicate", `count(persons, first(account.domains) == "acme.com") == 3`, result{true, false, 0}, "== passes nil on"},
		{"max of an empty list", `max(map(persons, len(.title))) == 0`, result{true, true, 1}, "max of nothing is 0"},
		{"min of numbers", `min(map(persons, len(.department))) == 2`, result{true, false, 1}, ""},
		{"mean of an empty list", `mean(map(persons, len(.department))) >= 0`, result{true, true, 0}, "mean of nothing is 0 in expr"},
		{"let", `let p = first(persons); p.department == "IT"`, result{true, false, 1}, ""},
		{"optional chain", `person.consent?.email?.status == "unknown"`, result{true, true, 2}, "a nil map holds no channel"},
		{"optional chain compared with nil", `person.consent?.email == nil`, result{true, true, 0}, "== nil tells an element that is not there"},
		{"map element compared with nil", `person.consent.email == nil`, result{true, true, 0}, ""},
		{"optional chain with a default", `(person.consent?.email?.status ?? "none") == "unknown"`, result{true, true, 2}, "the status of a channel without a statement is unknown, not nil"},
		// An optional chain stops at an element that is not there: compared
		// with nil or given a default, it is nil, uncounted.
		{"optional chain after first, with a default", `(first(persons)?.department ?? "none") == "none"`, result{false, true, 0}, "first of no persons is nil"},
		{"optional chain after an index, compared with nil", `persons[7]?.department == nil`, result{true, true, 0}, ""},
		{"optional chain after find, compared with nil", `find(persons, .department == "IT")?.title == nil`, result{false, true, 0}, ""},
		{"optional chain after first, read", `first(persons)?.department == ""`, result{false, true, 1}, "read as a value, it is the zero value, counted"},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			var got result
			got.Full, err = x.Eval(env())
			require.NoError(t, err, "on env()")
			got.Empty, err = x.Eval(emptyEnv())
			require.NoError(t, err, "on emptyEnv()")
			got.Missing = x.MissingAttributes()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s%s", tt.src, diff, tt.reason)
			}
		})
	}
}

// ptrEnv holds a pointer, which an optional chain stops at when it is nil.
type ptrEnv struct {
	Account *b2b.Account `expr:"account"`
}

// TestOptionalChainStopsAtNil: an optional chain that stops at a nil part
// reads as the zero value of its last field, counted; compared with nil,
// or given a default, it is still nil, also bound to a variable.
func TestOptionalChainStopsAtNil(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		want    bool
		missing uint64
	}{
		{"compared", `account?.name == ""`, true, 1},
		{"as an argument", `len(account?.name) == 0`, true, 1},
		{"compared with nil", `account?.name == nil`, true, 0},
		{"with a default", `(account?.name ?? "none") == "none"`, true, 0},
		{"bound with let", `let n = account?.name; n == ""`, true, 1},
		{"bound with let, compared with nil", `let n = account?.name; n == nil`, true, 0},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[ptrEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			got, err := x.Eval(&ptrEnv{})
			require.NoError(t, err)
			require.Equal(t, tt.want, got, tt.src)
			require.Equal(t, tt.missing, x.MissingAttributes(), tt.src)
		})
	}
}

// consentEnv: the person stated consent for sms only; of the persons, the
// first stated it for email, the second never stated any.
func consentEnv() *roleEnv {
	e := env()
	e.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptIn, Source: "crm"}}
	e.Persons = []b2b.Person{
		{Department: "IT", Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut}}},
		{Department: "Finance"},
	}
	return e
}

// TestMissingChannelReadsUnknown: a channel that a person's consent map
// does not hold reads as b2b.ConsentUnknown, as b2b.(*Person).ConsentFor
// gives it (b2b.Consent's Missing value), in every form a rule reads it:
// through the map, an optional chain, an index, get, and in predicates
// over persons. It used to read "", so rules testing for "unknown" were
// false for exactly the persons they were meant for.
func TestMissingChannelReadsUnknown(t *testing.T) {
	t.Parallel()
	bools := []struct {
		name         string
		src          string
		stated, none bool // on consentEnv() and on emptyEnv() (no consent map)
	}{
		{"field", `person.consent.email.status == "unknown"`, true, true},
		{"stated", `person.consent.sms.status == "unknown"`, false, true},
		{"optional chain", `person.consent?.email?.status == "unknown"`, true, true},
		{"optional chain, stated", `person.consent?.sms?.status == "opt-in"`, true, false},
		{"index", `person.consent["email"].status == "unknown"`, true, true},
		{"get", `get(person.consent, "email").status == "unknown"`, true, true},
		{"in a predicate", `any(persons, .consent.sms.status == "unknown")`, true, false},
		{"counted in a predicate", `count(persons, .consent.email.status == "unknown") == 1`, true, false},
		{"all in a predicate", `all(persons, .consent.email.status in ["opt-out", "unknown"])`, true, true},
		{"let", `let c = person.consent; c.email.status == "unknown"`, true, true},
	}
	eng := rules.New()
	for _, tt := range bools {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			stated, err := x.Eval(consentEnv())
			require.NoError(t, err)
			none, err := x.Eval(emptyEnv())
			require.NoError(t, err)
			require.Equal(t, []bool{tt.stated, tt.none}, []bool{stated, none}, tt.src)
		})
	}
	strs := []struct {
		src          string
		stated, none string
	}{
		{`person.consent.email.status`, b2b.ConsentUnknown, b2b.ConsentUnknown},
		{`person.consent.sms.status`, b2b.ConsentOptIn, b2b.ConsentUnknown},
		{`person.consent?.email?.status`, b2b.ConsentUnknown, b2b.ConsentUnknown},
		{`person.consent.sms.source + "/" + person.consent.email.source`, "crm/", "/"},
		{`join(map(persons, .consent.email.status), ",")`, "opt-out,unknown", ""},
	}
	for _, tt := range strs {
		x, err := rules.Compile[roleEnv, string](eng, rules.Rule{Name: "status", Source: tt.src})
		require.NoError(t, err, tt.src)
		stated, err := x.Eval(consentEnv())
		require.NoError(t, err)
		none, err := x.Eval(emptyEnv())
		require.NoError(t, err)
		require.Equal(t, []string{tt.stated, tt.none}, []string{stated, none}, tt.src)
	}
	// As ConsentFor gives it.
	p := consentEnv().Person
	x := rules.MustCompile[roleEnv, string](eng, rules.Rule{Name: "email", Source: `person.consent.email.status`})
	got, err := x.Eval(consentEnv())
	require.NoError(t, err)
	require.Equal(t, p.ConsentFor(b2b.ChannelEmail).Status, got)
	// Each read of a channel without a statement is counted as missing data.
	require.Equal(t, uint64(1), x.MissingAttributes())
}

// level is a map element that says what an element the map does not hold
// reads as; badLevel's Missing does not give a badLevel, so it is not
// taken for that.
type (
	level struct {
		Name string `expr:"name"`
		Note string `expr:"note"`
	}
	badLevel struct {
		Name string `expr:"name"`
	}
	levelEnv struct {
		Levels map[string]level    `expr:"levels"`
		Bad    map[string]badLevel `expr:"bad"`
	}
)

func (level) Missing() level     { return level{Name: "none"} }
func (badLevel) Missing() string { return "none" }

// TestMissingElementOfAMap: a map whose element type has a method
// Missing() of its own type reads that value for a key it does not hold;
// another map reads the zero value.
func TestMissingElementOfAMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want string
	}{
		{`levels.gold.name`, "gold"},
		{`levels.silver.name`, "none"},
		{`levels?.silver?.name`, "none"},
		{`levels["silver"].name`, "none"},
		{`bad.silver.name`, ""},
		{`get(bad, "silver").name`, ""},
	}
	eng := rules.New()
	for _, tt := range tests {
		x, err := rules.Compile[levelEnv, string](eng, rules.Rule{Name: "level", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(&levelEnv{Levels: map[string]level{"gold": {Name: "gold"}}})
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
	v, ok := rules.MissingElement(reflect.TypeFor[level]())
	require.True(t, ok)
	require.Equal(t, level{Name: "none"}, v)
	for _, typ := range []reflect.Type{reflect.TypeFor[badLevel](), reflect.TypeFor[*level](), reflect.TypeFor[string](), reflect.TypeFor[any]()} {
		_, ok := rules.MissingElement(typ)
		require.False(t, ok, "%v", typ)
	}
}

// TestVariableReadsAsWrittenOut: a variable bound with let reads as the
// value it is bound to written out in its place. An element that is not
// there is nil compared with nil, or given a default with ??, and reads
// as its zero value or its map's missing element otherwise, counted at
// each such use; a variable bound to it used to be that zero value or
// missing element everywhere, so c == nil never held.
func TestVariableReadsAsWrittenOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		let, inline   string
		consent, none bool // on consentEnv() and emptyEnv()
	}{
		{"compared with nil", `let c = person.consent.email; c == nil`, `person.consent.email == nil`, true, true},
		{"stated, compared with nil", `let c = person.consent.sms; c != nil`, `person.consent.sms != nil`, true, false},
		{"nil first", `let c = person.consent.email; nil == c`, `nil == person.consent.email`, true, true},
		{"field", `let c = person.consent.email; c.status == "unknown"`, `person.consent.email.status == "unknown"`, true, true},
		{"nil or a field", `let c = person.consent.email; c == nil || c.status == "opt-out"`,
			`person.consent.email == nil || person.consent.email.status == "opt-out"`, true, true},
		{"two fields", `let c = person.consent.sms; c.status == "opt-in" && c.source == "crm"`,
			`person.consent.sms.status == "opt-in" && person.consent.sms.source == "crm"`, true, false},
		{"index", `let c = person.consent["email"]; c == nil`, `person.consent["email"] == nil`, true, true},
		{"get", `let c = get(person.consent, "email"); c == nil`, `get(person.consent, "email") == nil`, true, true},
		{"optional chain", `let c = person.consent?.email; c == nil`, `person.consent?.email == nil`, true, true},
		{"optional chain's field", `let c = person.consent?.email; c.status == "unknown"`, `person.consent?.email.status == "unknown"`, true, true},
		{"default", `let c = person.consent.email; (c ?? person.consent.sms).status == "opt-in"`,
			`(person.consent.email ?? person.consent.sms).status == "opt-in"`, true, false},
		{"bound again", `let c = person.consent.email; let d = c; d == nil`, `person.consent.email == nil`, true, true},
		{"two variables", `let c = person.consent.email; let s = person.consent.sms; c == nil && s != nil`,
			`person.consent.email == nil && person.consent.sms != nil`, true, false},
		{"in a predicate", `any(persons, let c = .consent.email; c == nil)`, `any(persons, .consent.email == nil)`, true, false},
		{"used in a predicate", `let c = person.consent.email; all(persons, c == nil)`, `all(persons, person.consent.email == nil)`, true, true},
		{"first", `let p = first(persons); p == nil`, `first(persons) == nil`, false, true},
		{"first's field", `let p = first(persons); p.department == "IT"`, `first(persons).department == "IT"`, true, false},
		{"index past the end", `let p = persons[5]; p == nil`, `persons[5] == nil`, true, true},
		{"find", `let p = find(persons, .department == "IT"); p != nil`, `find(persons, .department == "IT") != nil`, true, false},
		{"findIndex", `let i = findIndex(persons, .department == "Sales"); i == nil`, `findIndex(persons, .department == "Sales") == nil`, true, true},
		{"findIndex as a number", `let i = findIndex(persons, .department == "Sales"); i == -1`, `findIndex(persons, .department == "Sales") == -1`, true, true},
		// What the body reads apart from the variable reads as it does
		// without the let.
		{"another chain in the body", `let p = first(persons); [person.consent?.email][0].status == "unknown"`,
			`[person.consent?.email][0].status == "unknown"`, true, true},
		{"another chain in a call", `let p = first(persons); map([1], person.consent?.email)[0].status == "unknown"`,
			`map([1], person.consent?.email)[0].status == "unknown"`, true, true},
		{"another element beside the variable", `let c = person.consent.sms; c.status == "opt-in" && person.consent?.email.status == "unknown"`,
			`person.consent.sms.status == "opt-in" && person.consent?.email.status == "unknown"`, true, false},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				Consent, None bool
				Missing       uint64
			}
			run := func(src string) result {
				x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: src})
				require.NoError(t, err, src)
				var r result
				r.Consent, err = x.Eval(consentEnv())
				require.NoError(t, err, src)
				r.None, err = x.Eval(emptyEnv())
				require.NoError(t, err, src)
				r.Missing = x.MissingAttributes()
				return r
			}
			inline := run(tt.inline)
			require.Equal(t, []bool{tt.consent, tt.none}, []bool{inline.Consent, inline.None}, tt.inline)
			if diff := cmp.Diff(inline, run(tt.let)); diff != "" {
				t.Errorf("%s reads otherwise than %s (-inline +let):\n%s", tt.let, tt.inline, diff)
			}
		})
	}
}

// stopsEnv holds pointers, before maps whose element types say what an
// element the map does not hold reads as.
type stopsEnv struct {
	Person *b2b.Person `expr:"person"`
	Plan   *levelEnv   `expr:"plan"`
}

// TestVariableOfAChainThatStopsBeforeTheMap: a variable bound to an
// optional chain that reads a map's element after a pointer that may be
// nil (let c = person?.consent.email) reads as the chain written out in
// its place: where the pointer is nil the chain stops before the map and
// reads the zero value ("" for a field), where the map does not hold the
// key it reads the map's missing element ("unknown"). The variable used
// to read the missing element in both cases, and a comparison of its
// field with "" was refused as always false though it holds for a nil
// pointer.
func TestVariableOfAChainThatStopsBeforeTheMap(t *testing.T) {
	t.Parallel()
	envs := []struct {
		name string
		env  *stopsEnv
	}{
		{"nil pointer", &stopsEnv{}},
		{"nil map", &stopsEnv{Person: &b2b.Person{}, Plan: &levelEnv{}}},
		{"missing key", &stopsEnv{
			Person: &b2b.Person{Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptIn}}},
			Plan:   &levelEnv{Levels: map[string]level{"silver": {Name: "silver"}}}}},
		{"held", &stopsEnv{
			Person: &b2b.Person{Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut}}},
			Plan:   &levelEnv{Levels: map[string]level{"gold": {Name: "gold"}}}}},
	}
	tests := []struct {
		name        string
		let, inline string
		want        []bool // on each of envs
	}{
		{"element's field", `let l = plan?.levels.gold; l.name == ""`, `plan?.levels.gold.name == ""`, []bool{true, false, false, false}},
		{"missing element's field", `let l = plan?.levels.gold; l.name == "none"`, `plan?.levels.gold.name == "none"`, []bool{false, true, true, false}},
		{"compared with nil", `let l = plan?.levels.gold; l == nil`, `plan?.levels.gold == nil`, []bool{true, true, true, false}},
		{"default", `let l = plan?.levels.gold; (l ?? plan?.levels.silver).name == ""`, `(plan?.levels.gold ?? plan?.levels.silver).name == ""`, []bool{true, false, false, false}},
		{"bound again", `let l = plan?.levels.gold; let m = l; m.name == ""`, `plan?.levels.gold.name == ""`, []bool{true, false, false, false}},
		{"field", `let c = person?.consent.email; c.status == ""`, `person?.consent.email.status == ""`, []bool{true, false, false, false}},
		{"field unknown", `let c = person?.consent.email; c.status == "unknown"`, `person?.consent.email.status == "unknown"`, []bool{false, true, true, false}},
		{"field of a chain", `let c = person?.consent.email; c?.status == ""`, `person?.consent.email?.status == ""`, []bool{true, false, false, false}},
		{"nil or a field", `let c = person?.consent.email; c == nil || c.status == "opt-out"`,
			`person?.consent.email == nil || person?.consent.email.status == "opt-out"`, []bool{true, true, true, true}},
		{"optional map element", `let c = person?.consent?.email; c.status == ""`, `person?.consent?.email.status == ""`, []bool{true, false, false, false}},
		{"in a predicate", `all([1], let c = person?.consent.email; c.status == "")`, `all([1], person?.consent.email.status == "")`, []bool{true, false, false, false}},
		// A field read from the variable, compared with nil or given a
		// default, is nil where the chain stopped, uncounted.
		{"field with a default", `let c = person?.consent.email; (c.status ?? "") == ""`, `(person?.consent.email.status ?? "") == ""`, []bool{true, false, false, false}},
		{"field compared with nil", `let c = person?.consent.email; c.status == nil`, `person?.consent.email.status == nil`, []bool{true, false, false, false}},
		{"field of a chain with a default", `let c = person?.consent.email; (c?.status ?? "x") == "x"`, `(person?.consent.email?.status ?? "x") == "x"`, []bool{true, false, false, false}},
		{"element's field with a default", `let l = plan?.levels.gold; (l.name ?? "n") == "n"`, `(plan?.levels.gold.name ?? "n") == "n"`, []bool{true, false, false, false}},
		{"field with a default, bound again", `let l = plan?.levels.gold; let m = l; (m.name ?? "n") == "n"`, `(plan?.levels.gold.name ?? "n") == "n"`, []bool{true, false, false, false}},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				Values  []bool
				Missing uint64
			}
			run := func(src string) result {
				x, err := rules.Compile[stopsEnv, bool](eng, rules.Rule{Name: tt.name, Source: src})
				require.NoError(t, err, src)
				var r result
				for _, e := range envs {
					v, err := x.Eval(e.env)
					require.NoError(t, err, "%s on %s", src, e.name)
					r.Values = append(r.Values, v)
				}
				r.Missing = x.MissingAttributes()
				return r
			}
			inline := run(tt.inline)
			require.Equal(t, tt.want, inline.Values, tt.inline)
			if diff := cmp.Diff(inline, run(tt.let)); diff != "" {
				t.Errorf("%s reads otherwise than %s (-inline +let):\n%s", tt.let, tt.inline, diff)
			}
		})
	}
}

// TestMapReadAfterAnOptionalChain: expr's optional chain ends before an
// index (person?.consent["email"] is (person?.consent)["email"]), and a
// map read from such a chain, by index or with get, reads the map's
// missing element for a key it does not hold, as every other read of the
// map does, also where the chain stopped (a nil map holds no key). It
// used to read the zero value (a status ""), uncounted.
func TestMapReadAfterAnOptionalChain(t *testing.T) {
	t.Parallel()
	envs := []*stopsEnv{
		{},
		{Person: &b2b.Person{Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptIn}}},
			Plan: &levelEnv{Levels: map[string]level{"silver": {Name: "silver"}}}},
		{Person: &b2b.Person{Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut}}},
			Plan: &levelEnv{Levels: map[string]level{"gold": {Name: "gold"}}}},
	}
	tests := []struct {
		src     string
		want    []string // on each of envs
		missing uint64   // the nil pointer and each missing key
	}{
		{`person?.consent["email"].status`, []string{"unknown", "unknown", "opt-out"}, 3},
		{`get(person?.consent, "email").status`, []string{"unknown", "unknown", "opt-out"}, 3},
		{`plan?.levels["gold"].name`, []string{"none", "none", "gold"}, 3},
		{`get(plan?.levels, "gold").name`, []string{"none", "none", "gold"}, 3},
		{`let c = person?.consent["email"]; c.status`, []string{"unknown", "unknown", "opt-out"}, 3},
	}
	eng := rules.New()
	for _, tt := range tests {
		x, err := rules.Compile[stopsEnv, string](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		var got []string
		for _, e := range envs {
			v, err := x.Eval(e)
			require.NoError(t, err, tt.src)
			got = append(got, v)
		}
		require.Equal(t, tt.want, got, tt.src)
		require.Equal(t, tt.missing, x.MissingAttributes(), tt.src)
	}
	// It is never "", and the comparison is refused as for any read of
	// the map.
	_, err := rules.Compile[stopsEnv, bool](eng, rules.Rule{Name: "r", Source: `person?.consent["email"].status == ""`})
	require.ErrorContains(t, err, `rule "r" 1:36: this comparison is always false`)
	x, err := rules.Compile[stopsEnv, bool](eng, rules.Rule{Name: "r", Source: `person?.consent["email"] == nil`})
	require.NoError(t, err)
	for _, e := range envs[:2] {
		got, err := x.Eval(e)
		require.NoError(t, err)
		require.True(t, got, "== nil tells an element that is not there")
	}
}

// TestFindIndexWithoutMatch: findIndex and findLastIndex with no match
// give -1, where expr gives nil for a value its checker types as an int
// (nil >= 0 failed the rule at run time); compared with nil it is still
// nil.
func TestFindIndexWithoutMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		src         string
		full, empty bool // the rule's value on env() and on emptyEnv()
	}{
		{"found", `findIndex(persons, .department == "Finance") >= 0`, true, false},
		{"not found", `findIndex(persons, .department == "Sales") >= 0`, false, false},
		{"minus one", `findIndex(persons, .department == "Sales") == -1`, true, true},
		{"last", `findLastIndex(persons, .department == "IT") == 1`, true, false},
		{"last not found", `findLastIndex(persons, .department == "Sales") < 0`, true, true},
		{"arithmetic", `findIndex(persons, .department == "IT") + 1 == 1`, true, false},
		{"compared with nil", `findIndex(persons, .department == "Sales") == nil`, true, true},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			full, err := x.Eval(env())
			require.NoError(t, err, "on env()")
			empty, err := x.Eval(emptyEnv())
			require.NoError(t, err, "on emptyEnv()")
			require.Equal(t, []bool{tt.full, tt.empty}, []bool{full, empty}, tt.src)
			require.Zero(t, x.MissingAttributes(), "no match is an answer, not missing data")
		})
	}
	n, err := rules.Compile[roleEnv, float64](eng, rules.Rule{Name: "index", Source: `findIndex(persons, .department == "Sales")`})
	require.NoError(t, err)
	got, err := n.Eval(env())
	require.NoError(t, err)
	require.Equal(t, -1.0, got)
}

// TestNegativeIndexFromData: an index computed when the rule runs (from
// data, a variable, findIndex with no match, arithmetic) that is negative
// reads an element that is not there, as an index past the end does: the
// zero value, counted, and nil compared with nil. expr counted it from
// the end, so let i = findIndex(...); persons[i] read the last person
// where no person matched. An index written as a negative number
// (persons[-1]) still counts from the end, and so does one written as
// arithmetic on numbers (persons[0 - 1]), which read as missing while
// persons[-1] was the last person. A slice's bound computed negative is
// the start of the list, where expr counted it from the end too.
func TestNegativeIndexFromData(t *testing.T) {
	t.Parallel()
	type result struct {
		Full, Empty bool   // the rule's value on env() and on emptyEnv()
		Missing     uint64 // the rule's count of missing data after both
	}
	tests := []struct {
		name string
		src  string
		want result
	}{
		{"written", `persons[-1].department == "Finance"`, result{true, false, 1}},
		{"written, past the start", `persons[-4].department == ""`, result{true, true, 2}},
		{"written as arithmetic", `persons[0 - 1].department == "Finance"`, result{true, false, 1}},
		{"written as arithmetic, past the start", `persons[1 - 5].department == ""`, result{true, true, 2}},
		{"written as arithmetic, in parentheses", `persons[-(2 * 1 - 1)].department == "Finance"`, result{true, false, 1}},
		{"written as arithmetic with a remainder", `persons[5 % 3 - 3].department == "Finance"`, result{true, false, 1}},
		{"slice to a bound written with a remainder", `len(persons[:-(5 % 3) + 1]) == 2`, result{true, false, 0}},
		{"get written as arithmetic", `get(persons, 0 - 1).department == "Finance"`, result{true, false, 1}},
		{"slice written as arithmetic", `persons[0 - 1:][0].department == "Finance"`, result{true, false, 1}},
		{"slice to a bound written as arithmetic", `len(persons[:0 - 1]) == 2`, result{true, false, 0}},
		{"slice of text written as arithmetic", `person.title[0 - 3:] == person.title[-3:]`, result{true, true, 0}},
		{"found index bound", `let i = findIndex(persons, .department == "Finance"); persons[i].department == "Finance"`, result{true, false, 1}},
		{"no match bound", `let i = findIndex(persons, .department == "Sales"); persons[i].department == ""`, result{true, true, 2}},
		{"no match bound, compared with nil", `let i = findIndex(persons, .department == "Sales"); persons[i] == nil`, result{true, true, 0}},
		{"no match bound, with a default", `let i = findLastIndex(persons, .department == "Sales"); (persons[i]?.department ?? "none") == "none"`, result{true, true, 0}},
		{"no match", `persons[findIndex(persons, .department == "Sales")].department == ""`, result{true, true, 2}},
		{"get at no match", `get(persons, findIndex(persons, .department == "Sales")).department == ""`, result{true, true, 2}},
		{"get at no match bound", `let i = findIndex(account.domains, # endsWith ".de"); get(account.domains, i) == ""`, result{true, true, 2}},
		{"arithmetic", `persons[len(persons) - 4].department == ""`, result{true, true, 2}},
		{"arithmetic on a field", `account.domains[account.employees - 1] == ""`, result{true, true, 2}},
		{"variable", `let i = -1; persons[i].department == ""`, result{true, true, 2}},
		{"optional index", `persons?.[findIndex(persons, .department == "Sales")] == nil`, result{true, true, 0}},
		{"slice from no match", `persons[findIndex(persons, .department == "Sales"):] == persons`, result{true, true, 0}},
		{"slice to a negative bound", `len(persons[:len(persons) - 4]) == 0`, result{true, true, 0}},
		{"slice written", `persons[-1:][0].department == "Finance"`, result{true, false, 1}},
		{"slice of text", `let i = findIndex(persons, .department == "Sales"); person.title[i:] == person.title`, result{true, true, 0}},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: tt.name, Source: tt.src})
			require.NoError(t, err)
			var got result
			got.Full, err = x.Eval(env())
			require.NoError(t, err, "on env()")
			got.Empty, err = x.Eval(emptyEnv())
			require.NoError(t, err, "on emptyEnv()")
			got.Missing = x.MissingAttributes()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestIndexOfAnotherTypeRefused: an index, a slice's bound or an
// argument of indexOf or keys of a type that expr's checker refuses stays
// refused where the rule reads it as the package documentation says
// (a negative index from data, text by characters, a map in the order of
// its keys).
func TestIndexOfAnotherTypeRefused(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for src, want := range map[string]string{
		`let A = person.consent.A; (persons).A != ""`: `rule "r" 1:37: non-integer slice index string`,
		`get(persons, "a").title == ""`:               `rule "r"`,
		`persons["a":] == []`:                         `non-integer slice index string`,
		`person.title["a":] == ""`:                    `non-integer slice index string`,
		`person.title[:1.5] == ""`:                    `non-integer slice index float64`,
		`indexOf(person.title, 1) > 0`:                `cannot use int as argument`,
		`len(keys(persons)) > 0`:                      `cannot get keys from []b2b.Person`,
	} {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.ErrorIs(t, err, rules.ErrCompile, src)
		require.ErrorContains(t, err, want, src)
	}
}

// TestRefusedBeforeRunTime: what expr's type checker accepts but would
// fail when the rule runs on ordinary data is a compile error, with the
// rule's line:column and what to write instead.
func TestRefusedBeforeRunTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
		// why the rule would fail at run time
		reason string
	}{
		{"attribute compared", `account.attributes["seats"] > 3`,
			"rule \"r\" 1:19: account.attributes[\"seats\"] has no type before the rule runs (an attribute may hold any value, or none), so the operator > cannot be checked; use attr(account.attributes, \"seats\", 0): its default gives the type and stands in for a missing value\n" +
				"  | account.attributes[\"seats\"] > 3\n" +
				"  |                   ^",
			"invalid operation: <nil> > int"},
		{"attribute as a field", `account.attributes.seats >= 50`,
			`rule "r" 1:20: account.attributes["seats"] has no type before the rule runs`, "likewise"},
		{"attribute with a default", `(account.attributes["seats"] ?? 0) > 3`,
			`so the operator > cannot be checked; use attr(account.attributes, "seats", 0)`, `"many" > 3`},
		{"attribute as a string", `domain(person.attributes["email"]) == "acme.com"`,
			`rule "r" 1:25: person.attributes["email"] has no type before the rule runs (an attribute may hold any value, or none), so the call to domain cannot be checked; use attr(person.attributes, "email", "")`,
			"interface conversion: interface {} is nil, not string"},
		// The default suggested for a builtin is of the type it takes;
		// it was the word default.
		{"attribute given to a builtin", `lower(person.attributes["tier"]) == "gold"`,
			`rule "r" 1:24: person.attributes["tier"] has no type before the rule runs (an attribute may hold any value, or none), so the call to lower cannot be checked; use attr(person.attributes, "tier", "")`,
			"invalid argument for lower (type <nil>)"},
		{"attribute given to a builtin of two arguments", `hasPrefix("gold", account.attributes.plan)`,
			`so the call to hasPrefix cannot be checked; use attr(account.attributes, "plan", "")`, ""},
		{"attribute counted", `bitnot(account.attributes.seats) > 1`,
			`so the call to bitnot cannot be checked; use attr(account.attributes, "seats", 0)`, ""},
		{"attribute as a time", `daysSince(person.attributes["since"]) > 30`,
			`use attr(person.attributes, "since", now)`, ""},
		{"attribute as a condition", `!account.attributes["vip"]`,
			`so the operator ! cannot be checked; use attr(account.attributes, "vip", false)`, ""},
		{"attribute in a predicate", `any(persons, .attributes["vip"])`,
			`so the predicate of any cannot be checked; use attr(.attributes, "vip", false)`, ""},
		{"attribute's field", `account.attributes["plan"].name == "x"`,
			`so reading its field name cannot be checked`, "cannot fetch name from <nil>"},
		{"attribute as a key", `"x" in account.attributes["plan"]`, `so the operator in cannot be checked`, ""},
		{"attribute in a variable", `let seats = account.attributes["seats"]; seats > 3`,
			`rule "r" 1:42: seats has no type before the rule runs, so the operator > cannot be checked (a value of unknown type may only be compared with == or !=, be an element tested with in, or be given to iequals, icontains, istartsWith, iendsWith, inList, match, contains, startsWith, endsWith or matches, which read it as text where it is text)`, ""},
		// The operators that search text take it, but not nil.
		{"nil searched", `person.title contains (account.employees > 3 ? "a" : nil)`, `nil cannot be used with the operator contains`, ""},
		{"get of an attribute", `get(account.attributes, "seats") > 3`, `use attr(account.attributes, "seats", 0)`, ""},
		{"element of a mixed list", `any(["a", 1], # > "a")`, `# has no type before the rule runs`, "int > string"},
		{"pattern from data", `any(persons, match(.title, account.name))`,
			"rule \"r\" 1:36: the pattern of match must be a quoted string, checked when the rule is loaded (a pattern taken from data may be invalid when the rule runs); compare with data using ==, icontains or istartsWith\n" +
				"  | any(persons, match(.title, account.name))\n" +
				"  |                                    ^",
			"error parsing regexp: missing closing ): `Acme (`"},
		{"matches from data", `person.title matches account.name`, `rule "r" 1:30: the pattern of matches must be a quoted string`, ""},
		{"remainder by data", `10 % account.employees == 0`,
			"rule \"r\" 1:14: the divisor of % must be a number written in the rule: account.employees may be 0 when the rule runs\n" +
				"  | 10 % account.employees == 0\n" +
				"  |              ^",
			"integer divide by zero"},
		{"remainder by zero", `account.employees % 0 == 1`, `rule "r" 1:21: integer divide by zero`, ""},
		{"remainder by arithmetic that is zero", `account.employees % (2 - 2) == 1`, `rule "r" 1:24: integer divide by zero`, ""},
		{"remainder by a remainder that is zero", `account.employees % (4 % 2) == 1`, `rule "r" 1:24: integer divide by zero`, ""},
		{"negative count written as arithmetic", `take(persons, 1 - 2) == []`, `the count of take must be a number written in the rule, 0 or more`, "slice index out of bounds"},
		{"int of a string", `int(person.title) > 3`,
			`rule "r" 1:12: int() parses a string, so its argument must be written in the rule: person.title may not parse when the rule runs; keep numbers in attributes and read them with attr(m, key, 0)`,
			"invalid operation: int(x)"},
		{"float of a string", `float(person.title) > 3`, `float() parses a string`, ""},
		{"date of a string", `date(person.title) < now`, `date() parses a string`, "invalid date x"},
		{"date that does not parse", `date("2026-02-30") < now`, `rule "r" 1:1: date("2026-02-30") does not parse: invalid date 2026-02-30`, ""},
		{"unknown time zone", `date("2026-01-01", "2006-01-02", "Mars/Base") < now`, `does not parse: unknown time zone Mars/Base`, ""},
		{"duration of a string", `duration(person.title) > duration("1h")`, `duration() parses a string`, ""},
		{"negative count", `take(persons, len(persons) - 4) == []`, `the count of take must be a number written in the rule, 0 or more`, "slice index out of bounds"},
		{"negative shift", `bitshr(1, account.employees - 1) > 0`, `the count of bitshr must be a number written in the rule`, "negative shift count"},
		{"group by a map", `len(groupBy(persons, .consent)) > 1`,
			"rule \"r\" 1:23: groupBy needs a key that a map can hold (a string, a number, a bool or a time), and .consent is map[string]b2b.Consent\n" +
				"  | len(groupBy(persons, .consent)) > 1\n" +
				"  |                       ^",
			"hash of unhashable type: map[string]b2b.Consent"},
		{"group by a list", `len(groupBy(persons, [.title, .department])) > 1`, `groupBy needs a key that a map can hold (a string, a number, a bool or a time), and [.title, .department] is []`, "hash of unhashable type: []interface {}"},
		{"group by the element", `len(groupBy(persons, #)) > 1`, `groupBy needs a key that a map can hold (a string, a number, a bool or a time), and # is b2b.Person`, "hash of unhashable type: b2b.Person (its maps)"},
		{"group by an attribute", `len(groupBy(persons, .attributes["tier"])) > 1`,
			`rule "r" 1:33: .attributes["tier"] has no type before the rule runs (an attribute may hold any value, or none), so the predicate of groupBy cannot be checked; use attr(.attributes, "tier", default)`,
			"hash of unhashable type where a person's tier is a list"},
		{"order from data", `sort(account.domains, person.title) == []`, `the order of sort must be "asc" or "desc", written in the rule`, "invalid order"},
		{"sort of mixed values", `sort(["b", 1]) == []`, `sort needs a list of numbers, strings or times, and the elements of ["b", 1] are of no known type`, "int < string"},
		{"join of numbers", `join(map(persons, len(.title))) == ""`, `join needs a list of strings, and the elements of map(persons, len(.title)) are int`, ""},
		{"sum of strings", `sum(persons, .title) == ""`, `sum needs numbers, and .title is string`, "string + int"},
		{"max of strings", `max(map(persons, .title)) == ""`, `max needs numbers, and the elements of map(persons, .title) are string`, ""},
		{"range from data", `account.employees in 0..account.employees`, `the bounds of a range must be numbers written in the rule`, "memory budget exceeded"},
		{"count without a predicate", `count(persons) > 1`, `count of a list counts its elements that are true, and the elements of persons are b2b.Person; count with a predicate: count(persons, ...)`,
			"interface conversion: interface {} is b2b.Person, not bool"},
		{"function named without a call", `first != nil`, `rule "r" 1:1: first is a function: call it, as first(...)`, "cannot fetch first"},
		{"fromJSON", `fromJSON(person.title) == nil`, `rule "r" 1:1: fromJSON() is not available: a rule reads fields and attributes, not JSON`, ""},
		{"toJSON", `toJSON(person) != ""`, `toJSON() is not available`, "json: unsupported value"},
		{"fromBase64", `fromBase64(person.title) == ""`, `fromBase64() is not available`, ""},
		{"fromPairs", `len(fromPairs([["a"]])) > 0`, `fromPairs() is not available`, "invalid pair length"},
		{"repeat", `repeat(person.title, 3) == ""`, `repeat() is not available`, "memory budget exceeded"},
		{"reduce", `reduce(persons, #acc + 1, 0) > 2`, `reduce() is not available: its accumulator has no type`, "reduce of an empty array"},
		{"duration times a fraction", `now - person.updatedAt > duration("24h") * 1.5`,
			"rule \"r\" 1:44: a duration times a fraction is not a duration when the rule runs; multiply it by a whole number (duration(\"1h\") * 36), or compare hours with hoursSince\n" +
				"  | now - person.updatedAt > duration(\"24h\") * 1.5\n" +
				"  |                                            ^",
			"invalid operation: time.Duration > float64"},
		{"fraction times a duration", `0.5 * duration("1h") < now - person.updatedAt`, `rule "r" 1:1: a duration times a fraction is not a duration`, ""},
		{"duration times a number attribute", `duration("1h") * attr(account.attributes, "ratio", 0.0) > duration("1m")`, `a duration times a fraction`, ""},
		{"abs of a duration", `abs(now - person.updatedAt) > duration("1h")`,
			`rule "r" 1:9: abs needs a number, and now - person.updatedAt is a duration; compare hours with hoursSince or daysSince`, "invalid argument for abs (type time.Duration)"},
		{"round of a duration", `round(now - person.updatedAt) > 0`, `round needs a number, and now - person.updatedAt is a duration`, "invalid argument for round"},
		{"sum of durations", `sum(persons, now - .updatedAt) > duration("1h")`, `sum needs numbers, and now - .updatedAt is time.Duration`, "invalid operation: time.Duration + int"},
		{"float of a duration", `float(now - person.updatedAt) > 1`, `rule "r" 1:11: float needs a number, and now - person.updatedAt is a duration`, "invalid operation: float(time.Duration)"},
		{"date of a time", `date(person.updatedAt) < now`,
			`rule "r" 1:13: date() parses text, and person.updatedAt is time.Time: it is a time already, use it as it is`, "interface conversion: interface {} is time.Time, not string"},
		{"date of a number", `date(account.employees) < now`, `rule "r" 1:14: date() parses text, and account.employees is int`, "interface conversion: interface {} is int, not string"},
		{"date with a layout that is a time", `date("2026", now) < now`, `rule "r" 1:14: date() parses text, and now is time.Time`, ""},
		{"date with a zone that is a location", `date("2026-03-01", "2006-01-02", timezone("Europe/Berlin")) < now`,
			`rule "r" 1:34: date() takes the zone by its name: write date(s, layout, "Europe/Berlin"), not timezone("Europe/Berlin")`,
			"interface conversion: interface {} is *time.Location, not string"},
		{"date after a location", `date(timezone("Asia/Tokyo"), "2026-03-01", "2006-01-02") < now`,
			`rule "r" 1:6: date() takes the zone by its name: write date(s, layout, "Asia/Tokyo"), not timezone("Asia/Tokyo")`, "interface {} is time.Location, not string"},
		{"remainder of a mean of numbers", `mean(account.employees, 3) % 2 == 0`,
			`rule "r" 1:28: invalid operation: % (mismatched types float64 and int)`, "invalid operation: float64 % int"},
		{"mean of durations compared with one", `mean(now - person.updatedAt, duration("1h")) > duration("1h")`,
			`invalid operation: > (mismatched types float64 and time.Duration)`, "invalid operation: float64 > time.Duration"},
		{"bit operation on a median", `bitand(median(account.employees), 1) == 0`,
			`cannot use float64 as argument (type int) to call bitand`, "cannot use float64 as argument (type int) to call bitand"},
		{"get of an attribute by a key from data", `get(person.attributes.prefs, person.title) == "x"`,
			`rule "r" 1:37: get of person.attributes.prefs, which has no type before the rule runs, takes a key written in the rule (a name or a number), and person.title is not one`,
			"invalid operation: int(string) where prefs is a list"},
		{"map key of a number", `len({(account.employees): "many"}) == 1`,
			"rule \"r\" 1:15: a key of a map is a string, and account.employees is int\n" +
				"  | len({(account.employees): \"many\"}) == 1\n" +
				"  |               ^",
			"interface conversion: interface {} is int, not string"},
		{"map key of a map", `len({"a": 1, (person.consent): 2}) == 2`, `rule "r" 1:22: a key of a map is a string, and person.consent is map[string]b2b.Consent`, "interface conversion: interface {} is map[string]b2b.Consent, not string"},
		{"map key of an attribute", `len({(person.attributes["tier"]): 2}) == 1`,
			`rule "r" 1:24: person.attributes["tier"] has no type before the rule runs (an attribute may hold any value, or none), so a key of a map cannot be checked; use attr(person.attributes, "tier", "")`,
			"interface conversion: interface {} is nil, not string"},
		{"max of a list and a string", `max(map(persons, len(.title)), person.title) > 3`,
			"rule \"r\" 1:39: max needs numbers, and person.title is string\n" +
				"  | max(map(persons, len(.title)), person.title) > 3\n" +
				"  |                                       ^",
			"invalid argument for max (type string)"},
		{"median of a list and a time", `median([1, 2], now) > 1`, `rule "r" 1:16: median needs numbers, and now is time.Time`, "invalid argument for median (type time.Time)"},
		{"max of durations", `max(map(persons, now - .updatedAt)) > 5`,
			"rule \"r\" 1:5: max needs a list of numbers, and the elements of map(persons, now - .updatedAt) are durations; compare hours with hoursSince or daysSince\n" +
				"  | max(map(persons, now - .updatedAt)) > 5\n" +
				"  |     ^",
			"invalid argument for max (type time.Duration)"},
		{"min of a list of a duration", `min([now - person.updatedAt], 3) < 5`, `rule "r" 1:5: min needs a list of numbers, and the elements of [now - person.updatedAt] are durations`, "invalid argument for min (type time.Duration)"},
		{"min of a duration and a number", `min(now - person.updatedAt, 3) > duration("1h")`,
			`rule "r" 1:29: min needs values of one type, and 3 is int where now - person.updatedAt is time.Duration`, "invalid operation: time.Duration > int"},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireRefused(t, eng, tt.src, tt.want, "%s would fail at run time: %s", tt.src, tt.reason)
		})
	}
}

// TestNeverEmptyFieldRefused: a string field of a map's element that the
// element type's Missing value sets (the status of a consent) is never
// "": an element the map does not hold reads the Missing value, and one
// it holds has the field set. A rule that compares it with "" is always
// false, which used to go unnoticed; it is refused when it is loaded,
// in every form the field is read, given a default ((x ?? "") == "") or
// tested with in [""].
func TestNeverEmptyFieldRefused(t *testing.T) {
	t.Parallel()
	refused := []struct {
		src, want string
	}{
		{`person.consent.email.status == ""`,
			"rule \"r\" 1:32: this comparison is always false: the status of a b2b.Consent read from a map is never \"\" (one the map does not hold reads \"unknown\", b2b.Consent's Missing value, and one it holds has its status set); compare with \"unknown\" to find one the map does not hold\n" +
				"  | person.consent.email.status == \"\"\n" +
				"  |                                ^"},
		{`"" == person.consent.email.status`, `rule "r" 1:1: this comparison is always false`},
		{`person.consent["email"].status == ""`, `rule "r" 1:35: this comparison is always false`},
		{`person.consent.email["status"] == ""`, `rule "r" 1:35: this comparison is always false`},
		{`get(person.consent, "email").status == ""`, `rule "r" 1:40: this comparison is always false`},
		{`person.consent?.email?.status == ""`, `rule "r" 1:34: this comparison is always false`},
		{`person.consent?.email.status == ""`, `rule "r" 1:33: this comparison is always false`},
		{`person.consent[person.title].status == ""`, `this comparison is always false`},
		{`persons[0].consent.email.status == ""`, `this comparison is always false`},
		{`any(persons, .consent.sms.status == "")`, `rule "r" 1:37: this comparison is always false`},
		{`person.title == "" || count(persons, .consent.sms.status == "") > 0`, `rule "r" 1:61: this comparison is always false`},
		{`let c = person.consent.email; c.status == ""`, `rule "r" 1:43: this comparison is always false`},
		{`let c = person.consent?.email; let d = c; d?.status == ""`, `this comparison is always false`},
		// A default is never taken: the field is never nil.
		{`(person.consent.email.status ?? "") == ""`,
			"rule \"r\" 1:40: this comparison is always false: the status of a b2b.Consent read from a map is never \"\" (one the map does not hold reads \"unknown\", b2b.Consent's Missing value, and one it holds has its status set); compare with \"unknown\" to find one the map does not hold\n" +
				"  | (person.consent.email.status ?? \"\") == \"\"\n" +
				"  |                                        ^"},
		{`"" == (person.consent.email.status ?? "")`, `rule "r" 1:1: this comparison is always false`},
		{`(person.consent?.email?.status ?? "") == ""`, `rule "r" 1:42: this comparison is always false`},
		{`(person.consent.email.status ?? "none") == ""`, `rule "r" 1:44: this comparison is always false`},
		{`let c = person.consent.email; (c.status ?? "") == ""`, `rule "r" 1:51: this comparison is always false`},
		// A list of which "" is the only member never holds.
		{`person.consent.email.status in [""]`,
			"rule \"r\" 1:33: this comparison is always false: the status of a b2b.Consent read from a map is never \"\" (one the map does not hold reads \"unknown\", b2b.Consent's Missing value, and one it holds has its status set); compare with \"unknown\" to find one the map does not hold\n" +
				"  | person.consent.email.status in [\"\"]\n" +
				"  |                                 ^"},
		{`person.consent.email.status in ["", ""]`, `rule "r" 1:33: this comparison is always false`},
		{`(person.consent.email.status ?? "") in [""]`, `rule "r" 1:41: this comparison is always false`},
		{`let c = person.consent.email; c.status in [""]`, `rule "r" 1:44: this comparison is always false`},
		{`not (person.consent.email.status in [""])`, `rule "r" 1:38: this comparison is always false`}, // as !(x == "")
	}
	eng := rules.New()
	for _, tt := range refused {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.ErrorIs(t, err, rules.ErrCompile, tt.src)
		require.Contains(t, err.Error(), tt.want, tt.src)
	}
	_, err := rules.Compile[levelEnv, bool](eng, rules.Rule{Name: "r", Source: `levels.silver.name == ""`})
	require.ErrorContains(t, err, `rule "r" 1:23: this comparison is always false: the name of a rules_test.level read from a map is never "" (one the map does not hold reads "none", rules_test.level's Missing value, and one it holds has its name set); compare with "none"`)
	_, err = rules.Compile[levelEnv, bool](eng, rules.Rule{Name: "r", Source: `levels.silver.name in [""]`})
	require.ErrorContains(t, err, `rule "r" 1:24: this comparison is always false: the name of a rules_test.level read from a map is never ""`)

	accepted := []string{
		`person.consent.email.status == "unknown"`,
		`person.consent.email.status != ""`,
		`"" != person.consent.sms.status`,
		`person.consent.email.status in ["", "opt-in"]`, // holds for opt-in
		`person.consent.email.status in ["", "unknown"]`,
		`person.consent.email.status not in ["", "opt-out"]`,
		`person.consent.email.status in ["", person.title]`,
		`person.consent.email.status not in [""]`, // always true, as != "" is
		`(person.consent.email.status ?? "") != ""`,
		`(person.consent.email.source ?? "") == ""`,
		`person.consent.email.source in ["", "crm"]`,
		`person.title in [""]`,
		`person.consent.email.source == ""`, // Missing leaves the source ""
		`person.consent.email == nil`,
		`let c = person.consent.email; c == nil || c.source == ""`,
		`person.title == ""`,
		`persons[7].department == ""`,
		`any(persons, .consent.email.status == "opt-out")`,
	}
	for _, src := range accepted {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
	}
	// A chain that stops at a nil pointer before the map reads "".
	type ptrEnv struct {
		Person *b2b.Person            `expr:"person"`
		People map[string]*b2b.Person `expr:"people"`
	}
	for _, src := range []string{`person?.consent.email.status == ""`, `people.ann?.consent.email.status == ""`, `person?.consent?.email?.status == ""`,
		`(person?.consent.email.status ?? "") == ""`, `person?.consent.email.status in [""]`, `(person?.consent.email.status ?? "") in [""]`,
		`let c = person?.consent.email; (c.status ?? "") == ""`, `let c = person?.consent.email; c.status in [""]`} {
		x, err := rules.Compile[ptrEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
		got, err := x.Eval(&ptrEnv{})
		require.NoError(t, err, src)
		require.True(t, got, "%s with no person", src)
	}
	_, err = rules.Compile[ptrEnv, bool](eng, rules.Rule{Name: "r", Source: `person?.consent?.email.status == "" && person.consent.sms.status == ""`})
	require.ErrorContains(t, err, `rule "r" 1:69: this comparison is always false`, "a chain with no nil pointer to stop at")
	require.NotContains(t, err.Error(), "1:32", "the first chain may stop at a nil person")
	for _, src := range []string{`levels.silver.note == ""`, `bad.silver.name == ""`} {
		_, err := rules.Compile[levelEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
	}
}

// TestAcceptedRulesRunOnAnyData: rules that compile evaluate without an
// error on every environment, however odd its data.
func TestAcceptedRulesRunOnAnyData(t *testing.T) {
	t.Parallel()
	srcs := []string{
		`attr(account.attributes, "seats", 0) > 3`,
		`attr(person.attributes, "tier", "") == "gold"`,
		`daysSince(attr(person.attributes, "since", now)) < 30`,
		`account.attributes["seats"] == "many"`,
		`account.attributes["seats"] != nil`,
		`account.attributes["seats"] in [1, "many"]`,
		`person.attributes["tier"] in ["gold", "silver"] || person.attributes.vip not in ["yes"]`,
		`any(persons, .attributes["tier"] in ["gold"])`,
		`string(account.attributes["seats"]) == "many"`,
		`type(account.attributes["seats"]) == "string"`,
		`any(persons, match(.title, "(?i)^head of"))`,
		`any(persons, icontains(.title, account.name))`,
		`person.title matches "^Head"`,
		`account.employees % 7 == 0`,
		`account.employees % -7 == 0`,
		`10 / account.employees > 1`,
		`int("12") + int(3.5) > 10`,
		`date("2026-01-01") < now && duration("1h") > duration("1m")`,
		`persons[0].title != "CFO"`,
		`first(persons).title == "*"`,
		`find(persons, .title == "x").department == ""`,
		`last(account.domains) == ""`,
		`max(map(persons, len(.title))) < 3`,
		`mean(map(persons, len(.title))) < 3`,
		`sum(map(persons, len(.title))) < 3`,
		`sortBy(persons, .title, "desc")[0].title != ""`,
		`take(persons, 2) == persons`,
		`account.employees in 500..5000`,
		`len(persons[1:9]) == 0`,
		`bitshl(1, 3) == 8`,
		`now - person.updatedAt > duration("1h") * 36`,
		`now - person.updatedAt > duration("1h") * account.employees`,
		`min(now - person.updatedAt, duration("1h")) < duration("2h")`,
		`mean(map(persons, now - .updatedAt)) >= 0 && median(map(persons, now - .updatedAt)) >= 0`,
		`len({(person.title): 1, (person.id): 2, (attr(person.attributes, "tier", "")): 3, a: 4, 5: 6}) >= 2`,
		`abs(account.employees - 3) > 1`,
		`int(now - person.updatedAt) > 3600`,
		`mean(account.employees, 3) > 1 && median(account.employees) >= 0`,
		`date("2026-01-01 09:00", "2006-01-02 15:04", "Europe/Paris") < now`,
		`person.id < "q" && person.id startsWith "p" && account.id matches "^a"`,
		`account.id + "/" + person.id != "/" && account.id == person.attributes["tier"]`,
		`sortBy(persons, .id)[0].accountId in ["acme", account.id]`,
	}
	eng := rules.New()
	for _, src := range srcs {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err)
			for name, e := range map[string]*roleEnv{"env": env(), "empty": emptyEnv(), "odd": oddEnv()} {
				_, err := x.Eval(e)
				require.NoError(t, err, "on %s", name)
			}
		})
	}
}

// TestGetOfAValueOfUnknownType: get of a value of no known type (an
// attribute that holds a map or a list, read by get) reads the element
// where the value has one under the key, and, where it has none because
// it is of another shape (a string or a list asked for a name, a map of
// names asked for a number), reads as an element that is not there, as
// get of a missing key does, where it used to fail the rule ("invalid
// operation: int(string)", "value of type int is not assignable to type
// string").
func TestGetOfAValueOfUnknownType(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	byName := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "color", Source: `(get(person.attributes.prefs, "color") ?? "none") == "red"`})
	none := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "no color", Source: `get(person.attributes.prefs, "color") == nil`})
	byIndex := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "first tag", Source: `get(person.attributes.tags, 0) == "a"`})
	tests := []struct {
		name        string
		attr        any
		red, noneOK bool
		tagA        bool
	}{
		{"map", map[string]any{"color": "red"}, true, false, false},
		{"map without the key", map[string]any{"size": 3}, false, true, false},
		{"string", "red", false, true, false},
		{"list", []any{"a"}, false, true, true},
		{"number", 7, false, true, false},
		{"nil", nil, false, true, false},
		{"map of numbers by name", map[string]int{"color": 1}, false, false, false},
		{"map by number", map[int]string{0: "a"}, false, true, true},
	}
	for _, tt := range tests {
		e := env()
		e.Person.Attributes = map[string]any{"prefs": tt.attr, "tags": tt.attr}
		got, err := byName.Eval(e)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.red, got, "%s: color", tt.name)
		got, err = none.Eval(e)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.noneOK, got, "%s: no color", tt.name)
		got, err = byIndex.Eval(e)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.tagA, got, "%s: first tag", tt.name)
	}
}

// TestGetOfTextOfUnknownType: text held by a value of no known type has
// no element under a number, as text read from a field cannot be
// indexed (person.title[0] is refused): get of it reads an element that
// is not there. It read a byte of the text, a number (get("gold", 0) was
// 103).
func TestGetOfTextOfUnknownType(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	e := env()
	e.Person.Attributes = map[string]any{"tier": "gold", "plan": []string{"a"}}
	requireRules(t, eng, e, map[string]bool{
		`get(person.attributes.tier, 0) == nil`:                true,
		`get(person.attributes.tier, -1) == nil`:               true,
		`get(person.attributes.tier, 0) == 103`:                false,
		`(get(person.attributes.tier, 1) ?? "none") == "none"`: true,
		`get(person.attributes.plan, 0) == "a"`:                true,
	})
}

// TestTextPositionsCountCharacters: a position in text counts
// characters, as len does: a slice of text takes whole characters and
// indexOf and lastIndexOf give the character a text starts at. expr
// counted bytes there, so "héllo"[0:2] was "h" and half of "é", and
// s[0:len(s) - 1] cut a character in half where s held a letter of more
// than one byte.
func TestTextPositionsCountCharacters(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	e := env()
	e.Person.Title = "Société Générale"
	e.Person.Department = "a\xffb" // not UTF-8: its bytes are kept
	e.Account.Domains = []string{"é.com"}
	requireRules(t, eng, e, map[string]string{
		`"héllo"[0:2]`:                                  "hé",
		`"héllo"[1:]`:                                   "éllo",
		`"héllo"[:-1]`:                                  "héll",
		`"héllo"[-4:-2]`:                                "él",
		`"héllo"[3:1]`:                                  "",
		`"héllo"[2:99]`:                                 "llo",
		`"héllo"[-99:1]`:                                "h",
		`person.title[0:len(person.title) - 1]`:         "Société Général",
		`person.title[indexOf(person.title, "G"):]`:     "Générale",
		`person.title[:lastIndexOf(person.title, "é")]`: "Société Gén",
		`string(indexOf(person.title, "G"))`:            "8",
		`string(lastIndexOf(person.title, "é"))`:        "11",
		`string(indexOf(person.title, "x"))`:            "-1",
		`string(indexOf(person.title, ""))`:             "0",
		`string(lastIndexOf(person.title, ""))`:         "16",
		`person.id[0:1]`:                                "p",
		`person.department[1:]`:                         "\xffb",
		`account.domains[0][0:1]`:                       "é",
		`first(account.domains)[:-4]`:                   "é",
	})
}

// TestAttributeInStrings: a value of no known type tested with in against
// a list of strings written in the rule is in it when it is one of those
// strings, and not otherwise: a number, a bool, a list or a map is in no
// list of strings (where it used to fail the rule, "reflect.Value.MapIndex:
// value of type int is not assignable to type string", as expr looks the
// value up in a map of the strings), and neither is nil, a missing
// attribute, which is not "", as it is not == "".
func TestAttributeInStrings(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	in := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "tier", Source: `person.attributes["tier"] in ["gold", "", "3", "gold", "é"]`})
	notIn := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "not tier", Source: `person.attributes.tier not in ["gold", "", "3", "gold", "é"]`})
	equal := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "tier is", Source: `person.attributes.tier == "gold" || person.attributes.tier == "" || person.attributes.tier == "3" || person.attributes.tier == "é"`})
	for _, tier := range []any{nil, "gold", "Gold", "silver", "", "3", "é", 3, 2.5, true, b2b.PersonID("gold"), []any{"gold"}, map[string]any{"gold": 1}} {
		e := env()
		e.Person.Attributes = map[string]any{"tier": tier}
		want, err := equal.Eval(e)
		require.NoError(t, err)
		got, err := in.Eval(e)
		require.NoError(t, err, "%#v", tier)
		require.Equal(t, want, got, "%#v in", tier)
		got, err = notIn.Eval(e)
		require.NoError(t, err, "%#v", tier)
		require.Equal(t, !want, got, "%#v not in", tier)
	}
}

// TestListsCompared: two lists are equal where they hold equal elements in
// the same order, whatever types the rule's checker gave them: a list of
// persons compared with a list written in the rule ([] or [person])
// was never equal, as the two are lists of different Go types, so
// persons == [] never held, not even for an account without persons.
func TestListsCompared(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src         string
		full, empty bool // the rule's value on env() and on emptyEnv()
	}{
		{`persons == []`, false, true},
		{`[] == persons`, false, true},
		{`persons != []`, true, false},
		{`filter(persons, .department == "Sales") == []`, true, true},
		{`persons == [persons[0], persons[1], persons[2]]`, true, false},
		{`take(persons, 1) == [first(persons)]`, true, false},
		{`take(persons, 2) != persons`, true, false},
		{`account.domains == ["acme.com"]`, true, false},
		{`map(persons, .department) == ["IT", "IT", "Finance"]`, true, false},
		{`persons == persons`, true, true},
	}
	eng := rules.New()
	for _, tt := range tests {
		x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(env())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.full, got, "%s on env()", tt.src)
		got, err = x.Eval(emptyEnv())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.empty, got, "%s on emptyEnv()", tt.src)
	}
}

// TestRunTimeErrors: what can still fail at run time does so with an
// [*rules.EvalError] that names the rule, never a panic.
func TestRunTimeErrors(t *testing.T) {
	t.Parallel()
	eng := rules.New(rules.WithFunction("crmScore", func(p ...any) (any, error) {
		return nil, errors.New("CRM unavailable")
	}, new(func(string) float64)))
	x := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "host", Source: `crmScore(account.name) > 3`})
	_, err := x.Eval(env())
	require.ErrorIs(t, err, rules.ErrEval)
	require.ErrorContains(t, err, `rule "host": CRM unavailable`)

	n := rules.MustCompile[roleEnv, float64](eng, rules.Rule{Name: "inf", Source: `daysSince(person.updatedAt)`})
	_, err = n.Eval(env())
	require.ErrorIs(t, err, rules.ErrEval)
	require.ErrorContains(t, err, `rule "inf": result is +Inf`)

	big := rules.MustCompile[roleEnv, bool](eng, rules.Rule{Name: "big", Source: `len(0..1000000) > 0`})
	_, err = big.Eval(env())
	require.ErrorIs(t, err, rules.ErrEval)
	require.ErrorContains(t, err, "memory budget exceeded")
}

// TestIntOfANumberNoIntHolds: int of a number that no int holds (NaN,
// an infinity, as a division by zero gives, or one beyond the range of
// an int) fails the rule at run time, as a number rule's NaN or infinite
// result does. It gave -9223372036854775808 for each, so
// int(10 / account.employees) > 3 did not hold for an account without
// employees, where 10 / account.employees > 3 does.
func TestIntOfANumberNoIntHolds(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	e := env()
	e.Account.Employees = 0
	for src, want := range map[string]string{
		`int(10 / account.employees) > 3`:         "int of +Inf: no int holds it",
		`int(-10 / account.employees) < 3`:        "int of -Inf: no int holds it",
		`int(account.employees / 0) == 0`:         "int of NaN: no int holds it",
		`int(2 ** 63) > 0`:                        "int of 9.223372036854776e+18: no int holds it",
		`int(-(2 ** 64) + account.employees) < 0`: "int of -1.8446744073709552e+19: no int holds it",
		`int(2.0 * 1e300 * 1e300) > 0`:            "int of +Inf",
	} {
		x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "int", Source: src})
		require.NoError(t, err, src)
		_, err = x.Eval(e)
		require.ErrorIs(t, err, rules.ErrEval, src)
		require.ErrorContains(t, err, `rule "int": `+want, src)
	}
	requireRules(t, eng, e, map[string]bool{
		`int(account.employees / 7) == 0`:                 true,
		`int(2.9) == 2 && int(-2.9) == -2`:                true,
		`int(2 ** 62) == 4611686018427387904`:             true,
		`int(-(2 ** 63)) < 0`:                             true,
		`int(now - person.updatedAt) > 0`:                 true,
		`int(attr(person.attributes, "ratio", 1.5)) == 0`: true,
	})
}

// TestKeysInOrder: keys, values and toPairs of a map list its elements
// in the order of their keys, so that a rule that reads a position of
// the list, or compares it, gives one answer. They listed them in Go's
// map order, which changes from one evaluation to the next, so
// first(keys(person.attributes)) was any key.
func TestKeysInOrder(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	e := env()
	e.Person.Attributes = map[string]any{"tier": "gold", "visits": 7, "b": 1, "a": 2, "c": 3, "d": 4, "e": 5, "f": 6}
	// Go's map order differs from one evaluation to the next: twenty
	// evaluations of each rule would see it.
	for range 20 {
		requireRules(t, eng, e, map[string]bool{
			`first(keys(person.attributes)) == "a"`:                                       true,
			`last(keys(person.attributes)) == "visits"`:                                   true,
			`keys(person.attributes) == ["a", "b", "c", "d", "e", "f", "tier", "visits"]`: true,
			`values(person.attributes) == [2, 1, 3, 4, 5, 6, "gold", 7]`:                  true,
			`toPairs(person.attributes)[0] == ["a", 2]`:                                   true,
			`get(last(toPairs(person.attributes)), 1) == 7`:                               true,
			`keys({"b": 1, "a": 2, "c": 3}) == ["a", "b", "c"]`:                           true,
			`keys(groupBy(persons, .department)) == ["Finance", "IT"]`:                    true,
			`keys({(account.name): 1, "B": 2, "a": 3}) == ["Acme", "B", "a"]`:             true,
			`len(keys(person.consent)) == 0 && values(person.consent) == []`:              true,
			`keys(groupBy([10, 2, 1, 2], #)) == [1, 2, 10]`:                               true,
			`keys(groupBy(persons, len(.department) > 2)) == [false, true]`:               true,
		})
	}
}

// TestErrorsQuoteTheRuleAsWritten: a compile error quotes the parts of
// the rule as the rule writes them, not as the engine rewrote them to
// read missing data (get(...) ?? (if $missing({}) ...)), to count
// attribute defaults (attr(m, "x", 0, {})) or to take indexes, text and
// maps as the package documentation says ($index(i), $sliceText(...)).
func TestErrorsQuoteTheRuleAsWritten(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for src, want := range map[string]string{
		`(attr(person.attributes, "x", 0) > 1 ? person.attributes.y : 1) + 1`:           `attr(person.attributes, "x", 0) > 1 ? person.attributes.y : 1 has no type`,
		`(max(map(persons, len(.title))) > 1 ? person.attributes.y : 1) + 1`:            `max(map(persons, len(.title))) > 1 ? person.attributes.y : 1 has no type`,
		`account.employees > 3 ? persons[account.employees].title : nil`:                `give it a default: (account.employees > 3 ? persons[account.employees].title : nil) ?? ""`,
		`account.employees > 3 ? person.title[account.employees:] : nil`:                `(account.employees > 3 ? person.title[account.employees:] : nil) ?? ""`,
		`account.employees > 3 ? first(keys(person.attributes)) : nil`:                  `(account.employees > 3 ? first(keys(person.attributes)) : nil) ?? ""`,
		`"a" + findLast(persons[account.employees:], .title == person.title[1:]).title`: `findLast(persons[account.employees:], .title == person.title[1:]) is evaluated here`,
	} {
		_, err := rules.Compile[roleEnv, string](eng, rules.Rule{Name: "r", Source: src})
		require.ErrorIs(t, err, rules.ErrCompile, src)
		require.ErrorContains(t, err, want, src)
		require.NotContains(t, err.Error(), "$", src)
	}
}

// TestMachineTimeZoneRefused: "Local" names no zone but the zone of the
// machine the rule runs on (time.LoadLocation reads it so), so a rule
// with it would answer one way on a machine in Tokyo and another in New
// York: it is refused when the rule is loaded, as package b2b refuses it
// for an account. So is a zone abbreviation that date reads without a
// zone named (time.Parse looks it up in the machine's zone).
func TestMachineTimeZoneRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"date in the machine's zone", `date("2026-06-01 09:00", "2006-01-02 15:04", "Local") < now`,
			"rule \"r\" 1:46: \"Local\" is the time zone of the machine the rule runs on, not a zone name: name the zone (\"Europe/Berlin\", \"UTC\")\n" +
				"  | date(\"2026-06-01 09:00\", \"2006-01-02 15:04\", \"Local\") < now\n" +
				"  |                                              ^"},
		{"the machine's zone", `timezone("Local") != nil`, `rule "r" 1:10: "Local" is the time zone of the machine the rule runs on`},
		{"in a predicate", `any(persons, .updatedAt > date("2026-06-01", "2006-01-02", "Local"))`, `rule "r" 1:60: "Local" is the time zone`},
		// time.Parse gives an abbreviation the offset it has in the
		// machine's zone, and 0 where it has none: "CEST" is 09:00 UTC on
		// a server in UTC, two hours off.
		{"zone abbreviation", `date("01 Jun 26 09:00 CEST") < now`,
			"rule \"r\" 1:1: the zone abbreviation \"CEST\" in date(\"01 Jun 26 09:00 CEST\") is read in the time zone of the machine the rule runs on (an offset of 0 where it has none): write the offset (\"2026-06-01T09:00:00+02:00\") or name the zone: date(s, layout, \"Europe/Berlin\")"},
		{"zone abbreviation with a layout", `date("2026-06-01 09:00 EST", "2006-01-02 15:04 MST") < now`, `the zone abbreviation "EST" in date(`},
		// time.ParseInLocation gives an abbreviation the zone named
		// never uses the offset 0: 09:00 EST read as 09:00 UTC.
		{"another zone's abbreviation", `date("2026-06-01 09:00 EST", "2006-01-02 15:04 MST", "Europe/Berlin") < now`,
			"rule \"r\" 1:1: the zone abbreviation \"EST\" in date(\"2026-06-01 09:00 EST\", \"2006-01-02 15:04 MST\", \"Europe/Berlin\") is not one of Europe/Berlin's, so it reads as an offset of 0: write the offset (\"-05:00\", layout \"-07:00\"), or name the zone the abbreviation is of"},
		{"another zone's abbreviation, posix", `date("2026-06-01 09:00 PDT", "2006-01-02 15:04 MST", "posix/Asia/Tokyo") < now`, `"PDT" in date(`},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireRefused(t, eng, tt.src, tt.want)
		})
	}
	// A named zone and UTC are the same everywhere.
	for _, src := range []string{
		`date("2026-06-01 09:00", "2006-01-02 15:04", "Asia/Tokyo") < now`,
		`date("2026-06-01 09:00", "2006-01-02 15:04", "UTC") < now`,
		`date("2026-06-01 09:00", "2006-01-02 15:04") < now`,
		`date("2026-06-01T09:00:00+09:00") < now`,
		`date("01 Jun 26 09:00 UTC") < now`,
		`date("Mon, 01 Jun 2026 09:00:00 GMT") < now`,
		`date("2026-06-01 09:00 JST", "2006-01-02 15:04 MST", "Asia/Tokyo") < now`,
		`date("2026-01-05 09:00 CEST", "2006-01-02 15:04 MST", "Europe/Berlin") < now`,
		`date("2026-06-01 09:00 UTC", "2006-01-02 15:04 MST", "Europe/Berlin") < now`,
		`date("2026-06-01 09:00 GMT", "2006-01-02 15:04 MST", "America/New_York") < now`,
		`date("2026-05-01 09:00 EDT", "2006-01-02 15:04 MST", "America/New_York") < now`,
	} {
		requireHolds(t, eng, src)
	}
}

// TestGroupByKeys: groupBy puts its keys in a map, so a key that Go cannot
// hash (a map, a list, a struct holding one) failed the rule when it ran
// on any person ("hash of unhashable type"); such keys are refused when
// the rule is loaded (see TestRefusedBeforeRunTime), and the keys a map
// can hold still group.
func TestGroupByKeys(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for _, src := range []string{
		`len(groupBy(persons, .department)) == 2`,
		`len(groupBy(persons, .department)["IT"]) == 2`,
		`len(groupBy(persons, len(.department))) == 2`,
		`len(groupBy(persons, .department == "IT")) == 2`,
		`len(groupBy(persons, .updatedAt)) == 1`,
		`len(groupBy(persons, attr(.attributes, "tier", ""))) == 1`,
		`len(groupBy(account.domains, #)) == 1`,
	} {
		requireHolds(t, eng, src)
	}
}

// TestZoneFilePathRefused: a time zone written in a rule that names a
// file of the machine's zone database rather than a zone ("./UTC",
// "Europe//Berlin", the "right/" copy that counts leap seconds) loads
// only where that machine has such files (Go's embedded database has
// none), so the rule would load on one machine and not on another, or
// answer 27 seconds off: it is refused when the rule is loaded, as
// package b2b refuses it for an account. The "posix/" copy is the zone
// itself and reads as it, as in package b2b.
func TestZoneFilePathRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"path", `timezone("./UTC") != nil`,
			"rule \"r\" 1:10: \"./UTC\" is a path to a file of the time zone database of the machine the rule runs on, not a zone name: name the zone (\"UTC\")\n" +
				"  | timezone(\"./UTC\") != nil\n" +
				"  |          ^"},
		{"dot in the path", `date("2026-06-01 09:00", "2006-01-02 15:04", "Europe/./Berlin") < now`, `rule "r" 1:46: "Europe/./Berlin" is a path to a file`},
		{"double slash", `timezone("Europe//Berlin") != nil`, `rule "r" 1:10: "Europe//Berlin" is a path to a file of the time zone database of the machine the rule runs on, not a zone name: name the zone ("Europe/Berlin")`},
		{"absolute path", `timezone("/usr/share/zoneinfo/UTC") != nil`, `"/usr/share/zoneinfo/UTC" is a path to a file of the time zone database of the machine the rule runs on, not a zone name: name the zone ("Europe/Berlin", "UTC")`},
		{"parent directory", `timezone("Europe/../UTC") != nil`, `"Europe/../UTC" is a path to a file`},
		{"leap seconds", `timezone("right/UTC") != nil`,
			`rule "r" 1:10: "right/UTC" names the copy of the time zone database that counts leap seconds, which only some machines have (it is 27 seconds off UTC there): name the zone ("UTC")`},
		{"posix copy of a copy", `timezone("posix/right/UTC") != nil`, `"posix/right/UTC" names the copy of the time zone database that counts leap seconds`},
		{"posix twice", `timezone("posix/posix/UTC") != nil`, `"posix/posix/UTC" is a path to a file`},
		{"posix alone", `timezone("posix/") != nil`, `"posix/" is a path to a file`},
		{"in a predicate", `any(persons, .updatedAt > date("2026-06-01", "2006-01-02", "./UTC"))`, `rule "r" 1:60: "./UTC" is a path`},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireRefused(t, eng, tt.src, tt.want)
		})
	}
	// The posix/ copy is the zone: 09:00 in Berlin is 07:00 UTC in June.
	for _, src := range []string{
		`date("2026-06-01 09:00", "2006-01-02 15:04", "posix/Europe/Berlin") == date("2026-06-01T07:00:00Z")`,
		`date("2026-06-01 09:00", "2006-01-02 15:04", "posix/Asia/Tokyo") == date("2026-06-01T00:00:00Z")`,
		`timezone("posix/UTC") != nil`,
	} {
		requireHolds(t, eng, src)
	}
}

// chainEnv holds two pointers that optional chains stop at when nil.
type chainEnv struct {
	Person  *b2b.Person  `expr:"person"`
	Account *b2b.Account `expr:"account"`
}

// TestDefaultOfADefault: a ?? b ?? c, which reads (a ?? b) ?? c, is c
// where a and b are both nil, as (a ?? b) == nil holds there, also where
// a and b are optional chains that stopped or IDs read as text, and a
// variable bound to a ?? b reads as it written out. The chain b used to
// read as its zero value inside a ?? b, so the rule gave "" instead of
// c, and counted a missing value.
func TestDefaultOfADefault(t *testing.T) {
	t.Parallel()
	envs := []struct {
		name string
		env  *chainEnv
	}{
		{"neither", &chainEnv{}},
		{"account only", &chainEnv{Account: &b2b.Account{ID: "acme", Name: "Acme"}}},
		{"both", &chainEnv{Person: &b2b.Person{ID: "p1", AccountID: "globex", Title: "CFO"}, Account: &b2b.Account{ID: "acme", Name: "Acme"}}},
	}
	type result struct {
		Values  []string // on each of envs
		Missing uint64
	}
	tests := []struct {
		src  string
		want result
	}{
		{`person?.title ?? account?.name ?? "none"`, result{[]string{"none", "Acme", "CFO"}, 0}},
		{`(person?.title ?? account?.name) ?? "none"`, result{[]string{"none", "Acme", "CFO"}, 0}},
		{`person?.title ?? (account?.name ?? "none")`, result{[]string{"none", "Acme", "CFO"}, 0}},
		{`person?.id ?? account?.id ?? "none"`, result{[]string{"none", "acme", "p1"}, 0}},
		{`person?.accountId ?? account?.id ?? "none"`, result{[]string{"none", "acme", "globex"}, 0}},
		{`person?.title ?? account?.name ?? person?.id ?? "none"`, result{[]string{"none", "Acme", "CFO"}, 0}},
		{`(person?.title ?? account?.name) == nil ? "nil" : "set"`, result{[]string{"nil", "set", "set"}, 0}},
		// Read as a value, a ?? b is b's zero value where both are nil,
		// counted once.
		{`(person?.title ?? account?.name) + "."`, result{[]string{".", "Acme.", "CFO."}, 1}},
		{`let t = person?.title ?? account?.name; t ?? "none"`, result{[]string{"none", "Acme", "CFO"}, 0}},
		{`let t = person?.title ?? account?.name; t + "."`, result{[]string{".", "Acme.", "CFO."}, 1}},
		{`let n = account?.name; (person?.title ?? n) == nil ? "nil" : "set"`, result{[]string{"nil", "set", "set"}, 0}},
		{`let n = account?.name; person?.title ?? n ?? "none"`, result{[]string{"none", "Acme", "CFO"}, 0}},
		// So is c ? a : b where the branch taken is nil.
		{`(account == nil ? person?.title : account?.name) ?? "none"`, result{[]string{"none", "Acme", "Acme"}, 0}},
		{`(true ? person?.title : "x") ?? "none"`, result{[]string{"none", "none", "CFO"}, 0}},
		{`(false ? person?.title : "x") ?? "none"`, result{[]string{"x", "x", "x"}, 0}},
		{`(true ? person?.title : "x") == nil ? "nil" : "set"`, result{[]string{"nil", "nil", "set"}, 0}},
		{`(true ? person?.title : "x") + "."`, result{[]string{".", ".", "CFO."}, 2}},
		{`let t = true ? person?.title : "x"; t ?? "none"`, result{[]string{"none", "none", "CFO"}, 0}},
		{`let t = person?.title; (true ? t : "x") ?? "none"`, result{[]string{"none", "none", "CFO"}, 0}},
		{`let t = person?.title; (true ? t : "x") + "."`, result{[]string{".", ".", "CFO."}, 2}},
		// A branch that is the nil literal leaves the other branch nil
		// where it is.
		{`(true ? person?.title : nil) == nil ? "nil" : "set"`, result{[]string{"nil", "nil", "set"}, 0}},
		{`(true ? person?.title : nil) ?? "none"`, result{[]string{"none", "none", "CFO"}, 0}},
		{`(person?.title ?? nil) ?? "none"`, result{[]string{"none", "none", "CFO"}, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			values, missing := evalOnEach[chainEnv, string](t, tt.src, envs)
			if diff := cmp.Diff(tt.want, result{values, missing}); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestListReadAfterAnOptionalChain: expr's optional chain ends before an
// index (account?.domains[0] is (account?.domains)[0]), and an element
// of a list read from such a chain that is not there (of an empty list,
// or of no list where the chain stopped) reads as the zero value,
// counted, as every other element that is not there does: compared with
// nil or given a default it is nil. The rule used to fail at run time
// with "index out of range".
func TestListReadAfterAnOptionalChain(t *testing.T) {
	t.Parallel()
	envs := []struct {
		name string
		env  *ptrEnv
	}{
		{"no account", &ptrEnv{}},
		{"no domains", &ptrEnv{Account: &b2b.Account{Name: "Acme"}}},
		{"domains", &ptrEnv{Account: &b2b.Account{Name: "Acme", Domains: []string{"acme.com", "acme.de"}}}},
	}
	type result struct {
		Values  []bool // on each of envs
		Missing uint64
	}
	tests := []struct {
		src  string
		want result
	}{
		// Counted: the nil account or its nil list, as the chain reads
		// them, and the element that is not there, as for a map read
		// from a chain (TestMapReadAfterAnOptionalChain).
		{`account?.domains[0] == ""`, result{[]bool{true, true, false}, 4}},
		{`account?.domains[0] == "acme.com"`, result{[]bool{false, false, true}, 4}},
		{`account?.domains[-1] == "acme.de"`, result{[]bool{false, false, true}, 4}},
		{`account?.domains[5] == ""`, result{[]bool{true, true, true}, 5}},
		{`len(account?.domains[0]) == 0`, result{[]bool{true, true, false}, 4}},
		{`let d = account?.domains[0]; d == ""`, result{[]bool{true, true, false}, 4}},
		// Compared with nil or given a default, the element is nil.
		{`account?.domains[0] == nil`, result{[]bool{true, true, false}, 2}},
		{`(account?.domains[0] ?? "none") == "none"`, result{[]bool{true, true, false}, 2}},
		{`let d = account?.domains[0]; d == nil`, result{[]bool{true, true, false}, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			values, missing := evalOnEach[ptrEnv, bool](t, tt.src, envs)
			if diff := cmp.Diff(tt.want, result{values, missing}); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// namedEnv is an environment of a table test, with the name a failure
// reports.
type namedEnv[E any] = struct {
	name string
	env  *E
}

// evalOnEach compiles src and evaluates it on each of envs, in order: the
// values, and the rule's count of missing data after all of them.
func evalOnEach[E any, R rules.Result](t *testing.T, src string, envs []namedEnv[E]) ([]R, uint64) {
	t.Helper()
	x, err := rules.Compile[E, R](rules.New(), rules.Rule{Name: "r", Source: src})
	require.NoError(t, err)
	var values []R
	for _, e := range envs {
		v, err := x.Eval(e.env)
		require.NoError(t, err, "on %s", e.name)
		values = append(values, v)
	}
	return values, x.MissingAttributes()
}

// TestNilLiteralInACondition: a value that is nil where the rule's nil
// literal is taken (c ? "a" : nil, x ?? nil), which expr's checker types
// as the other value, is compared by equality (nil equals no string),
// and refused when the rule is loaded where a value of a type is needed,
// as the nil literal is. (false ? "a" : nil) == "x" used to fail at run
// time with "interface {} is nil, not string".
func TestNilLiteralInACondition(t *testing.T) {
	t.Parallel()
	accepted := []struct {
		src  string
		want bool
	}{
		{`(false ? "a" : nil) == "x"`, false},
		{`(true ? nil : "a") == "x"`, false},
		{`"x" != (false ? "a" : nil)`, true},
		{`(true ? "a" : nil) == "a"`, true},
		{`(false ? "a" : nil) == nil`, true},
		{`(false ? 1 : nil) == 1`, false},
		{`(false ? person.id : nil) == "p1"`, false},
		{`(true ? person.id : nil) == "p1"`, true},
		{`(person.title ?? nil) == "Chief Financial Officer"`, true},
		{`(persons[7] ?? nil) == nil`, true},
		{`(false ? "a" : nil) in ["a", "b"]`, false},
		{`((false ? "a" : nil) ?? "b") + "!" == "b!"`, true},
		{`(true ? (false ? "a" : nil) : "c") == "a"`, false},
		{`let v = false ? "a" : nil; v == nil`, true},
		{`any(persons, (.department == "IT" ? .title : nil) == "x")`, false},
	}
	eng := rules.New()
	for _, tt := range accepted {
		x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(env())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
	refused := []struct {
		src, want string
	}{
		{`(false ? "a" : nil) + "b" == "b"`,
			"rule \"r\" 1:16: false ? \"a\" : nil is nil where it takes its nil, and nil cannot be used with the operator + (only == and != accept it); give it a default: (false ? \"a\" : nil) ?? \"\"\n" +
				"  | (false ? \"a\" : nil) + \"b\" == \"b\"\n" +
				"  |                ^"},
		{`len(true ? nil : "a") > 0`, `rule "r" 1:12: true ? nil : "a" is nil where it takes its nil, and nil cannot be used with the call to len`},
		{`lower(person.title ?? nil) == ""`, `rule "r" 1:23: person.title ?? nil is nil where it takes its nil, and nil cannot be used with the call to lower`},
		{`(false ? person : nil).title == ""`, `is nil where it takes its nil, and nil cannot be used with reading its field title`},
		{`(false ? person.id : nil) < "q"`, `false ? person.id : nil is nil where it takes its nil, and nil cannot be used with the operator <`},
		{`!(false ? true : nil)`, `is nil where it takes its nil, and nil cannot be used with the operator !`},
		{`(false ? true : nil) ? 1 == 1 : false`, `is nil where it takes its nil, and nil cannot be used with the condition`},
		{`let v = false ? "a" : nil; v + "b" == "b"`, `rule "r" 1:28: v has no type before the rule runs`},
		{`false ? true : nil`, `rule "r" 1:16: the rule's value is nil where it takes its nil, and a rule gives bool; give it a default: (false ? true : nil) ?? false`},
		{`person.seniority == "VP" || (false ? true : nil)`, `is nil where it takes its nil, and nil cannot be used with the operator ||`},
	}
	for _, tt := range refused {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.ErrorIs(t, err, rules.ErrCompile, tt.src)
		require.Contains(t, err.Error(), tt.want, tt.src)
	}
	_, err := rules.Compile[roleEnv, string](eng, rules.Rule{Name: "r", Source: `person.title == "" ? nil : person.title`})
	require.ErrorContains(t, err, `the rule's value is nil where it takes its nil, and a rule gives string; give it a default: (person.title == "" ? nil : person.title) ?? ""`)
}

// TestBackwardSearchAfterAValue: expr evaluates findLast and
// findLastIndex (and last(filter(...)), which it makes findLast) wrongly
// where the rule holds another value to use with their result: x ==
// findLast(l, p) failed with "interface {} is bool, not string", or was
// false for an ID, while findLast(l, p) == x was right. A comparison is
// evaluated with the search first, which means the same; where the
// search cannot come first, the rule is refused when it is loaded, with
// what to write instead. find and findIndex are evaluated right.
func TestBackwardSearchAfterAValue(t *testing.T) {
	t.Parallel()
	accepted := []struct {
		src  string
		want bool
	}{
		{`"acme.com" == findLast(account.domains, true)`, true},
		{`"x" == findLast(account.domains, # == "x")`, false},
		{`"x" != findLast(account.domains, # == "x")`, true},
		{`"IT" == findLast(persons, .department == "IT").department`, true},
		{`1 == findLastIndex(persons, .department == "IT")`, true},
		{`0 < findLastIndex(persons, .department == "IT")`, true},
		{`2 <= findLastIndex(persons, .department == "IT")`, false},
		{`-1 == findLastIndex(persons, .department == "Sales")`, true},
		{`"acme.com" == last(filter(account.domains, true))`, true},
		{`findLast(account.domains, true) == "acme.com"`, true},
		{`let f = findLast(account.domains, true); "acme.com" == f`, true},
		{`person.title != "" && "acme.com" == findLast(account.domains, true)`, true},
		{`any(persons, 1 == findLastIndex(persons, .department == "IT"))`, true},
		{`count(persons, "Finance" == findLast(persons, true).department) == 3`, true},
		{`icontains("acme.com", find(account.domains, true))`, true},
		{`0 == findIndex(persons, .department == "IT")`, true},
	}
	eng := rules.New()
	for _, tt := range accepted {
		x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(env())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
	ids := []struct {
		src  string
		want bool
	}{
		{`person.id == findLast(ids, # == "p1")`, true},
		{`"p1" == findLast(ids, # == "p1")`, true},
		{`activity.personId == findLast(persons, .accountId == "globex").id`, true},
	}
	for _, tt := range ids {
		x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(idEnvironment())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
	refused := []struct {
		src, want string
	}{
		{`icontains("acme.com", findLast(account.domains, true))`,
			"rule \"r\" 1:23: findLast(account.domains, true) is evaluated here while the rule holds another value to use with it, and expr then mixes that value up with the values its backward search leaves behind (a wrong value, or a failure when the rule runs); bind it with let at the start of the rule (let x = findLast(account.domains, true); ...), or write it first in a comparison (findLast(account.domains, true) == ...)\n" +
				"  | icontains(\"acme.com\", findLast(account.domains, true))\n" +
				"  |                       ^"},
		{`findLast(account.domains, true) == findLast(account.domains, # != "")`, `rule "r" 1:36: findLast(account.domains, # != "") is evaluated here while the rule holds another value`},
		{`"a" + findLast(account.domains, true) == "aacme.com"`, `rule "r" 1:7: findLast(account.domains, true) is evaluated here`},
		{`["a", findLast(account.domains, true)][1] == "acme.com"`, `rule "r" 1:7: findLast(account.domains, true) is evaluated here`},
		{`between(findLastIndex(persons, true), 0, 5) && between(2, 0, findLastIndex(persons, true))`, `rule "r" 1:62: findLastIndex(persons, true) is evaluated here`},
		{`icontains("x", string(last(filter(account.domains, true))))`, `rule "r" 1:23: last(filter(account.domains, true)) is evaluated here`},
		{`len(map(persons, findLast(account.domains, true))) == 3`, `rule "r" 1:18: findLast(account.domains, true) is evaluated here`},
	}
	for _, tt := range refused {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.ErrorIs(t, err, rules.ErrCompile, tt.src)
		require.Contains(t, err.Error(), tt.want, tt.src)
	}
}

// requireHolds requires src to load and to be true on env().
func requireHolds(t *testing.T, eng rules.Engine, src string) {
	t.Helper()
	x, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: src})
	require.NoError(t, err, src)
	got, err := x.Eval(env())
	require.NoError(t, err, src)
	require.True(t, got, src)
}

// TestAttributeAsAListOrAMapRefused: an attribute read by index used as
// a list or a map (in, an element, a field, a slice, inList's list) is
// refused with what a rule can do with it: compare it with == or !=. The
// message said to read it with attr(m, key, default), whose default can
// only be text, a number, a bool or a time, so no rule could follow it.
func TestAttributeAsAListOrAMapRefused(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for _, src := range []string{
		`"gold" in person.attributes.tags`,
		`person.attributes["tags"][0] == "a"`,
		`person.attributes.prefs.color == "red"`,
		`inList("a", person.attributes.tags)`,
	} {
		_, err := eng.Compile(rules.Rule{Name: "r", Source: src}, reflect.TypeFor[roleEnv](), rules.KindBool)
		require.ErrorIs(t, err, rules.ErrCompile, src)
		require.ErrorContains(t, err, `has no type before the rule runs (an attribute may hold any value, or none)`, src)
		require.ErrorContains(t, err, `attr reads an attribute as text, a number, a bool or a time: compare one that holds a list or a map with == or !=`, src)
		require.NotContains(t, err.Error(), "use attr(", src)
	}
	requireRefused(t, eng, `person.attributes.seats > 3`, `use attr(person.attributes, "seats", 0)`)
}

// requireRefused requires the boolean rule src over roleEnv to be refused
// when it is loaded, with an error that contains want.
func requireRefused(t *testing.T, eng rules.Engine, src, want string, msgAndArgs ...any) {
	t.Helper()
	_, err := eng.Compile(rules.Rule{Name: "r", Source: src}, reflect.TypeFor[roleEnv](), rules.KindBool)
	require.ErrorIs(t, err, rules.ErrCompile, msgAndArgs...)
	require.Contains(t, err.Error(), want)
}
