package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// TestTypedCallsBeforeInAndEquals: a call of a function of a known type
// (a host function's) keeps its type before in, == and get: an ID it
// gives is tested against a list of IDs as it is, and a list it gives is
// compared with another element by element. A call was taken for a value
// of no type there, so owner() in ids was refused ("cannot use
// b2b.PersonID as type string in array") and ids == pair() never held.
func TestTypedCallsBeforeInAndEquals(t *testing.T) {
	t.Parallel()
	eng := rules.New(
		rules.WithFunction("owner", func(...any) (any, error) { return b2b.PersonID("p1"), nil }, new(func() b2b.PersonID)),
		rules.WithFunction("stranger", func(...any) (any, error) { return b2b.PersonID("p9"), nil }, new(func() b2b.PersonID)),
		rules.WithFunction("owners", func(...any) (any, error) { return []b2b.PersonID{"p2", "p1"}, nil }, new(func() []b2b.PersonID)),
		rules.WithFunction("pair", func(...any) (any, error) { return []string{"p1", "p2"}, nil }, new(func() []string)),
		rules.WithFunction("prefs", func(...any) (any, error) { return map[string]string{"color": "red"}, nil }, new(func() map[string]string)),
	)
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`owner() in ids`:                                     true,
		`owner() not in ids`:                                 false,
		`stranger() in ids`:                                  false,
		`owner() in ids && stranger() not in ids`:            true,
		`ids == pair()`:                                      true,
		`pair() == ids`:                                      true,
		`ids != pair()`:                                      false,
		`owners() == pair()`:                                 false,
		`owners() == ["p2", "p1"]`:                           true,
		`get(owners(), 0) in ids`:                            true,
		`get(owners(), 1) == person.id`:                      true,
		`get(prefs(), "color") in ["red"]`:                   true,
		`attr(person.attributes, "ref", "") in ["p1", "p2"]`: true,
	})
}

// TestTypedCallsOfIDsReadAsText: an ID that a function gives (a host
// function's) reads as text where a rule uses it as text, as an ID read
// from a field does: it was taken for a value of no type, so owner() ==
// "p1" was refused, owner() startsWith "p" failed the rule ("interface
// conversion: interface {} is b2b.PersonID, not string") and (owner() ??
// "x") == "p1" never held.
func TestTypedCallsOfIDsReadAsText(t *testing.T) {
	t.Parallel()
	eng := rules.New(
		rules.WithFunction("owner", func(...any) (any, error) { return b2b.PersonID("p1"), nil }, new(func() b2b.PersonID)),
		rules.WithFunction("owners", func(...any) (any, error) { return []b2b.PersonID{"p2", "p1"}, nil }, new(func() []b2b.PersonID)),
		rules.WithFunction("pair", func(...any) (any, error) { return []string{"p1", "p2"}, nil }, new(func() []string)),
	)
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`owner() == "p1"`:                                      true,
		`owner() != "p1"`:                                      false,
		`owner() startsWith "p"`:                               true,
		`lower(owner()) == "p1"`:                               true,
		`owner() in ["p1", "x"] && owner() not in ["q"]`:       true,
		`owner() in pair()`:                                    true,
		`person.id in owners()`:                                true,
		`(owner() ?? "x") == "p1"`:                             true,
		`(true ? owner() : "x") == "p1"`:                       true,
		`{"a": owner()}.a == "p1"`:                             true,
		`names[owner()] == 7`:                                  true,
		`byId[owner()] == 3`:                                   true,
		`person.attributes.ref == owner()`:                     true,
		`owner() == person.id && owner() == activity.personId`: true,
	})
}

// TestTypedCallsOfLists: a list or a map a function gives (a host
// function's) is read as one of a field: max, min, mean and median of its
// numbers are numbers, and an element that is not there reads as its
// type's zero, counted as missing. The call was taken for a value of no
// type, so max(nums()) > 2 was refused ("has no type before the rule
// runs"), nums()[5] == 0 failed the rule ("index out of range") and a
// missing channel of a map of consents was not ConsentUnknown.
func TestTypedCallsOfLists(t *testing.T) {
	t.Parallel()
	eng := rules.New(
		rules.WithFunction("nums", func(...any) (any, error) { return []int{1, 3}, nil }, new(func() []int)),
		rules.WithFunction("pair", func(...any) (any, error) { return []string{"p1", "p2"}, nil }, new(func() []string)),
		rules.WithFunction("consents", func(...any) (any, error) { return map[b2b.Channel]b2b.Consent{}, nil }, new(func() map[b2b.Channel]b2b.Consent)),
	)
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`max(nums()) > 2`:                              true,
		`min(nums()) < 2`:                              true,
		`max(nums(), 7) > 6`:                           true,
		`mean(nums()) > 1.5`:                           true,
		`median(nums()) < 2.5`:                         true,
		`nums()[5] == 0`:                               true,
		`nums()[5] != 0`:                               false,
		`pair()[5] == "x"`:                             false,
		`nums()[1] == 3`:                               true,
		`consents()["email"].status == "unknown"`:      true,
		`get(consents(), "email").status == "unknown"`: true,
	})
}

// requireRules requires each rule over E to load and to give, on e, the
// result wanted.
func requireRules[E any, T rules.Result](t *testing.T, eng rules.Engine, e *E, want map[string]T) {
	t.Helper()
	for src, want := range want {
		t.Run(src, func(t *testing.T) {
			x, err := rules.Compile[E, T](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err)
			got, err := x.Eval(e)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}
