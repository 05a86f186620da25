package rules_test

import (
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

// TestMissingElementsReadAsZero: an element that is not there (an index
// past the end of a list, first or last of an empty list, find with no
// match, get of a missing key) reads as the zero value of its type and is
// counted, where it used to fail the rule at run time; compared with nil
// it is still nil.
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
		{"get of a missing key", `get(person.consent, "sms").status == ""`, result{true, true, 2}, "a typed map's missing key"},
		{"first as an argument", `icontains(first(account.domains), "acme")`, result{true, false, 1}, ""},
		{"ordered comparison", `first(account.domains) > "a"`, result{true, false, 1}, "nil > \"a\" failed"},
		{"nested in a library call", `between(daysSince(persons[4].updatedAt), 1, 2)`, result{false, false, 2}, "a zero time is never"},
		{"element of a split", `split(person.title, " ")[5] == ""`, result{true, true, 2}, ""},
		{"in a predicate", `count(persons, first(account.domains) == "acme.com") == 3`, result{true, false, 0}, "== passes nil on"},
		{"let", `let p = first(persons); p.department == "IT"`, result{true, false, 1}, ""},
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
