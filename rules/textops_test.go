package rules_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// TestTextOperatorsTakeAValueOfNoType: contains, startsWith, endsWith
// and matches take a value of no type before the rule runs (an attribute
// read by index, a host function's), as icontains, istartsWith,
// iendsWith and match do: text, or an ID as its text, is compared as
// they compare text, case included, and any other value (a number, a
// list, a missing attribute) contains, starts and ends with no text, is
// in no text and matches no pattern. They were refused
// ("person.attributes["plan"] has no type before the rule runs, so the
// operator contains cannot be checked") where icontains took the same
// value.
func TestTextOperatorsTakeAValueOfNoType(t *testing.T) {
	t.Parallel()
	for _, ref := range []any{"pro plan", "Pro", "p1", b2b.PersonID("p1"), b2b.AccountID("acme-pro"), 1, true, []any{"pro"}, map[string]any{"pro": 1}, nil} {
		eng := rules.New(rules.WithFunction("ref", func(...any) (any, error) { return ref, nil }, new(func() any)))
		e := idEnvironment()
		e.Person.Attributes = map[string]any{"ref": ref}
		raw, isText := "", false
		if v := reflect.ValueOf(ref); v.Kind() == reflect.String {
			raw, isText = v.String(), true
		}
		for src, want := range map[string]bool{
			`person.attributes["ref"] contains "pro"`:          isText && strings.Contains(raw, "pro"),
			`person.attributes.ref startsWith "p"`:             isText && strings.HasPrefix(raw, "p"),
			`person.attributes.ref endsWith "pro"`:             isText && strings.HasSuffix(raw, "pro"),
			`person.attributes.ref matches "^(?i)pro"`:         isText && regexp.MustCompile("^(?i)pro").MatchString(raw),
			`"the pro plan" contains person.attributes.ref`:    isText && strings.Contains("the pro plan", raw),
			`person.title contains ref() || ref() contains ""`: isText,
			`ref() startsWith person.id`:                       isText && strings.HasPrefix(raw, "p1"),
			`"p1-x" startsWith ref()`:                          isText && strings.HasPrefix("p1-x", raw),
			`ref() endsWith account.id || ref() matches "1$"`:  isText && (strings.HasSuffix(raw, "acme") || strings.HasSuffix(raw, "1")),
			`not (ref() contains "o")`:                         !isText || !strings.Contains(raw, "o"),
			`any(persons, .attributes.ref contains "p")`:       false,
			`any(persons, ref() contains .title)`:              isText,
			`any(["a", 1, ref()], # contains "a")`:             true,
			`all(["a", 1], # startsWith "a")`:                  false,
		} {
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err, src)
			got, err := x.Eval(e)
			require.NoError(t, err, "%s with ref %#v", src, ref)
			require.Equal(t, want, got, "%s with ref %#v", src, ref)
		}
	}
}

// TestTextOperatorsStillRefuse: a value of no type given to contains,
// startsWith, endsWith or matches does not let through what they refuse
// of a value of a type: an operand of another type than text, nil, a
// pattern from data or one that does not compile.
func TestTextOperatorsStillRefuse(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for src, want := range map[string]string{
		`person.attributes.plan contains 1`:                      `rule "r" 1:24: invalid operation: contains (mismatched types interface {} and int)`,
		`[1] endsWith person.attributes.plan`:                    `rule "r" 1:5: invalid operation: endsWith (mismatched types []interface {} and interface {})`,
		`person.attributes.plan startsWith nil`:                  `invalid operation: startsWith (mismatched types interface {} and unknown)`,
		`person.attributes.plan matches "("`:                     "error parsing regexp: missing closing ): `(`",
		`person.attributes.plan matches account.name`:            `the pattern of matches must be a quoted string`,
		`person.attributes.plan matches person.attributes.plan`:  `the pattern of matches must be a quoted string`,
		`(person.attributes.plan contains "a") + "b" == "trueb"`: `invalid operation: + (mismatched types bool and string)`,
	} {
		_, err := rules.Compile[roleEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.ErrorContains(t, err, want, src)
	}
}
