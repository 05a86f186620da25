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
	for src, want := range map[string]bool{
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
	} {
		t.Run(src, func(t *testing.T) {
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err)
			got, err := x.Eval(idEnvironment())
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}
