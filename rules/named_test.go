package rules_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// idEnv holds values of named string types (b2b.PersonID, b2b.AccountID):
// a person and an account by pointer, lists and maps of them.
type idEnv struct {
	Person   *b2b.Person          `expr:"person"`
	Account  *b2b.Account         `expr:"account"`
	Activity b2b.Activity         `expr:"activity"`
	Persons  []b2b.Person         `expr:"persons"`
	Names    map[string]int       `expr:"names"`
	IDs      []b2b.PersonID       `expr:"ids"`
	ByID     map[b2b.PersonID]int `expr:"byId"`
}

func idEnvironment() *idEnv {
	return &idEnv{
		Person:   &b2b.Person{ID: "p1", AccountID: "acme", Title: "CFO", Attributes: map[string]any{"ref": "p1", "p1": "yes"}},
		Account:  &b2b.Account{ID: "acme", Name: "Acme"},
		Activity: b2b.Activity{ID: "a1", Person: "p1", Account: "acme"},
		Persons:  []b2b.Person{{ID: "p2", AccountID: "acme"}, {ID: "p1", AccountID: "globex"}},
		Names:    map[string]int{"p1": 7},
		IDs:      []b2b.PersonID{"p1", "p2"},
		ByID:     map[b2b.PersonID]int{"p1": 3},
	}
}

// TestNamedStringsReadAsText: a value of a named string type (an ID) is
// compared with text, and given where text is wanted, as a string; it was
// refused (person.id == "p1": mismatched types b2b.PersonID and string),
// failed at run time (person.id < "q", person.id startsWith "p") or was
// unequal to any string ((person?.id ?? "x") == "p1").
func TestNamedStringsReadAsText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want bool
	}{
		{`person.id == "p1"`, true},
		{`"p1" == person.id`, true},
		{`account.id == "acme"`, true},
		{`account.id == "globex"`, false},
		{`account.id != ""`, true},
		{`account.id != "acme"`, false},
		{`account.id == ""`, false},
		{`person.id < "q"`, true},
		{`person.id > "q"`, false},
		{`person.id <= "p1" && person.id >= "p1"`, true},
		{`account.id in ["acme", "globex"]`, true},
		{`account.id in ["initech"]`, false},
		{`account.id not in ["acme", "globex"]`, false},
		{`account.id in {"acme": 1}`, true},
		{`person.id in names`, true},
		{`account.id in names`, false},
		{`names[person.id] == 7`, true},
		{`names?.[person.id] == 7`, true},
		{`get(names, person.id) == 7`, true},
		{`(person?.id ?? "none") == "p1"`, true},
		{`person.id matches "^p[0-9]$"`, true},
		{`person.id startsWith "p"`, true},
		{`person.id endsWith "1"`, true},
		{`person.id contains "1"`, true},
		{`person.id + "@" + account.id == "p1@acme"`, true},
		{`lower(account.id) == "acme" && upper(account.id) == "ACME" && len(account.id) == 4`, true},
		{`trim(account.id) == "acme" && split(account.id, "c")[0] == "a"`, true},
		{`icontains(account.id, "CM") && istartsWith(account.id, "AC") && iequals(account.id, " Acme ")`, true},
		{`inList(account.id, ["ACME", "Globex"])`, true},
		{`match(account.id, "^a")`, true},
		{`attr(person.attributes, person.id, "") == "yes" && attr(person.attributes, "ref", account.id) == "p1"`, true},
		{`(person.title == "CFO" ? person.id : "none") == "p1"`, true},
		{`let id = person.id; id == "p1" && id != "p2"`, true},
		{`any(persons, .id == "p1")`, true},
		{`count(persons, .accountId in ["acme", "globex"]) == 2`, true},
		{`"p1" in map(persons, .id)`, true},
		{`sortBy(persons, .id)[0].id == "p1"`, true},
		{`ids[0] == "p1" && first(ids) == "p1" && last(ids) == "p2"`, true},
		{`any(ids, # == "p2")`, true},
		{`[person.id, account.id] == ["p1", "acme"]`, true},
		{`{"who": person.id}.who == "p1"`, true},
		{`person.id[0:1] == "p"`, true},
		{`activity.personId == "p1" && activity.accountId == "acme" && activity.id == "a1"`, true},
		{`string(person.id) == "p1"`, true},
		{`person.id == person.attributes["ref"] && person.id == person.attributes.ref`, true},
		// Values of the type itself are compared as they were.
		{`person.id == activity.personId && person.accountId == account.id`, true},
		{`person.id in ids && "p1" in map(ids, string(#))`, true},
		{`byId[person.id] == 3 && get(byId, person.id) == 3 && person.id in byId`, true},
		{`person.id == nil`, false},
		{`person.id == first(filter(ids, true)) && first(ids) == person.id`, true},
		{`person.id != last(ids)`, true},
		{`person.id == person.attributes["ref"]`, true},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
			require.NoError(t, err)
			got, err := x.Eval(idEnvironment())
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Zero(t, x.MissingAttributes())
		})
	}

	for _, tt := range []struct{ src, want string }{
		{`person.id`, "p1"},
		{`account.id + "/" + person.id`, "acme/p1"},
		{`upper(account.id)`, "ACME"},
		{`person.title == "CFO" ? account.id : "none"`, "acme"},
		{`person?.id ?? "none"`, "p1"},
	} {
		x, err := rules.Compile[idEnv, string](eng, rules.Rule{Name: "r", Source: tt.src})
		require.NoError(t, err, tt.src)
		got, err := x.Eval(idEnvironment())
		require.NoError(t, err, tt.src)
		require.Equal(t, tt.want, got, tt.src)
	}
}

// TestNamedStringComparedWithAValueOfNoType: an ID compared with a value
// of no type before the rule runs (an attribute, an element of a list of
// mixed values) equals it where the value is that ID's text, and differs
// from it where the value is anything else: another text, a number, a
// list, or nil for a missing attribute. Read as text, such a value was
// taken for a string, and the rule failed where it was not one
// ("interface conversion: interface {} is int, not string").
func TestNamedStringComparedWithAValueOfNoType(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	srcs := []string{
		`person.id == person.attributes["ref"]`,
		`person.attributes.ref == person.id`,
		`!(person.attributes["ref"] != account.id) || person.attributes["ref"] == "p1"`,
		`(person.attributes["ref"] ?? "none") == person.id`,
		`any(values(person.attributes), # == person.id)`,
		`let r = get(person.attributes, "ref"); person.id == r`,
		`any(["x", 1, person.attributes["ref"]], person.id == #)`,
		`person.attributes["ref"] in ids && person.attributes.ref not in ["p2"]`,
		`person.attributes.ref in ["p1", "p3"]`,
		`[person.attributes.ref] == ["p1"]`,
	}
	for _, ref := range []any{"p1", "p2", 3, 2.5, true, []any{"p1"}, nil} {
		e := idEnvironment()
		e.Person.Attributes = map[string]any{"ref": ref}
		if ref == nil {
			e.Person.Attributes = nil
		}
		for _, src := range srcs {
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err, src)
			got, err := x.Eval(e)
			require.NoError(t, err, "%s with ref %#v", src, ref)
			require.Equal(t, ref == "p1", got, "%s with ref %#v", src, ref)
		}
	}
}

// TestValueOfNoTypeHoldingAnID: a value of no type that holds an ID (a
// host function's, as attributes hold no IDs) compares as its text
// wherever it is compared: it equals that text written in the rule or
// read from a field, is in a list of strings or of IDs that holds it, and
// a list of values of no type that holds the ID or its text holds it, as
// a list holding it equals a list of its text. It was == to no string
// and in no list of strings, while in a list of IDs where it was one's
// text.
func TestValueOfNoTypeHoldingAnID(t *testing.T) {
	t.Parallel()
	for _, ref := range []any{b2b.PersonID("p1"), b2b.PersonID("p2"), b2b.AccountID("p1"), "p1", 1, nil} {
		eng := rules.New(
			rules.WithFunction("ref", func(...any) (any, error) { return ref, nil }, new(func() any)),
			rules.WithFunction("pair", func(...any) (any, error) { return []string{"p1", "p3"}, nil }, new(func() []string)),
			rules.WithFunction("mixed", func(...any) (any, error) { return []any{b2b.PersonID("p1"), "p3", 2}, nil }, new(func() []any)),
		)
		e := idEnvironment()
		e.Person.Attributes = map[string]any{"ref": ref}
		text, isText := ref.(string)
		if s := fmt.Sprint(ref); !isText && ref != nil && s != "1" {
			text, isText = s, true
		}
		p1 := isText && text == "p1"
		for src, want := range map[string]bool{
			`person.attributes.ref == person.id`:    p1,
			`person.attributes["ref"] in ids`:       isText && (text == "p1" || text == "p2"),
			`person.attributes.ref in ["p1", "p3"]`: p1,
			`person.attributes.ref not in ["p2"]`:   !isText || text != "p2",
			`person.attributes.ref == "p1"`:         p1,
			`"p1" == person.attributes.ref`:         p1,
			`person.attributes.ref != "p1"`:         !p1,
			`ref() == "p1"`:                         p1,
			`ref() == person.title`:                 false,
			`ref() in ["p1", "p3"]`:                 p1,
			`ref() in pair()`:                       p1,
			`ref() in [person.title, "p1"]`:         p1,
			`ref() in mixed()`:                      p1,
			`"p1" in mixed()`:                       true,
			`person.id in mixed()`:                  true,
			`2 in mixed()`:                          true,
			`ref() == mixed()[1]`:                   false,
			`ref() == mixed()[0]`:                   p1,
			`ref() in ids`:                          isText && (text == "p1" || text == "p2"),
			`[ref()] == ["p1"]`:                     p1,
			`ref() == person.attributes.ref`:        true,
		} {
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err, src)
			got, err := x.Eval(e)
			require.NoError(t, err, src)
			require.Equal(t, want, got, "%s with ref %T %v", src, ref, ref)
		}
	}
}

// TestLibraryReadsAnIDAsText: attr with a text default and inList read
// an ID held by a value of no type as its text, as == does: attr gave
// the default for an attribute that holds an ID, and inList found no ID
// in a list of values of no type.
func TestLibraryReadsAnIDAsText(t *testing.T) {
	t.Parallel()
	eng := rules.New(
		rules.WithFunction("mixed", func(...any) (any, error) { return []any{b2b.PersonID("P1"), 2}, nil }, new(func() []any)))
	e := idEnvironment()
	e.Person.Attributes = map[string]any{"ref": b2b.PersonID("p1")}
	for src, want := range map[string]bool{
		`attr(person.attributes, "ref", "") == "p1"`:                  true,
		`attr(person.attributes, "ref", "") == person.attributes.ref`: true,
		`inList(" p1 ", mixed())`:                                     true,
		`inList("p2", mixed())`:                                       false,
		`inList(person.id, mixed())`:                                  true,
		`inList("P2", ids)`:                                           true,
		`inList(account.id, ids)`:                                     false,
	} {
		x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
		got, err := x.Eval(e)
		require.NoError(t, err, src)
		require.Equal(t, want, got, src)
		require.Zero(t, x.MissingAttributes(), src)
	}
}

// TestLibraryComparesAValueOfNoType: inList, iequals, icontains,
// istartsWith, iendsWith and match take a value of no type before the
// rule runs (a host function's, an attribute read by index), as in and
// == do: text, or an ID as its text, is compared as they compare text,
// and any other value (a number, a list, a missing attribute) is in no
// list, equal to no text, contains, starts and ends with none and
// matches no pattern. They were refused ("ref() has no type before the
// rule runs, so the call to inList cannot be checked") where ref() in
// ["a", "b"] and ref() == "a" were not; icontains, istartsWith,
// iendsWith and match were still refused where inList and iequals took
// such a value.
func TestLibraryComparesAValueOfNoType(t *testing.T) {
	t.Parallel()
	for _, ref := range []any{"a", " A ", "c", b2b.PersonID("p1"), b2b.AccountID("P2"), 1, true, []any{"a"}, map[string]any{"a": 1}, nil} {
		eng := rules.New(
			rules.WithFunction("ref", func(...any) (any, error) { return ref, nil }, new(func() any)),
			rules.WithFunction("mixed", func(...any) (any, error) { return []any{"x", 2, b2b.PersonID("A")}, nil }, new(func() []any)))
		e := idEnvironment()
		e.Person.Attributes = map[string]any{"ref": ref}
		text, raw, isText := "", "", false
		if v := reflect.ValueOf(ref); v.Kind() == reflect.String {
			raw, isText = v.String(), true
			text = strings.ToLower(strings.TrimSpace(raw))
		}
		low := strings.ToLower(raw)
		for src, want := range map[string]bool{
			`icontains(ref(), "a")`:                             isText && strings.Contains(low, "a"),
			`icontains(person.attributes.ref, "")`:              isText,
			`icontains("xAy", ref())`:                           isText && strings.Contains("xay", low),
			`istartsWith(ref(), "p")`:                           isText && strings.HasPrefix(low, "p"),
			`istartsWith(person.attributes["ref"], " ")`:        isText && strings.HasPrefix(low, " "),
			`iendsWith(ref(), "2") || iendsWith("p2", ref())`:   isText && (strings.HasSuffix(low, "2") || strings.HasSuffix("p2", low)),
			`iendsWith(person.attributes.ref, "1")`:             isText && strings.HasSuffix(low, "1"),
			`match(ref(), "(?i)^p")`:                            isText && strings.HasPrefix(low, "p"),
			`match(person.attributes.ref, "A")`:                 isText && strings.Contains(raw, "A"),
			`any(persons, icontains(ref(), .title))`:            isText,
			`inList(ref(), ["a", "b"])`:                         text == "a",
			`inList(person.attributes.ref, ["a", "b"])`:         text == "a",
			`inList(person.attributes["ref"], account.domains)`: false,
			`inList(ref(), ids)`:                                text == "p1" || text == "p2",
			`inList(ref(), mixed())`:                            text == "a" || text == "x",
			`iequals(ref(), "a")`:                               text == "a",
			`iequals("A", ref())`:                               text == "a",
			`iequals(ref(), person.attributes.ref)`:             text != "",
			`iequals(ref(), person.id)`:                         text == "p1",
		} {
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
			require.NoError(t, err, src)
			got, err := x.Eval(e)
			require.NoError(t, err, "%s with ref %#v", src, ref)
			require.Equal(t, want, got, "%s with ref %#v", src, ref)
		}
	}
}

// TestTextInAListOfIDs: text is in a list of IDs where it is one's text,
// as it equals that ID (ids[0] == "p1", any(ids, # == "p1")). It was
// refused ("cannot use string as type b2b.PersonID in array"). An ID of
// another type stays refused, as == refuses it.
func TestTextInAListOfIDs(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`"p1" in ids`:               true,
		`"p3" in ids`:               false,
		`"p1" not in ids`:           false,
		`person.title in ids`:       false,
		`"p2" in ids[1:]`:           true,
		`lower(person.id) in ids`:   true,
		`"p2" in map(persons, .id)`: true,
		// attr with a text default is text too (ref holds "p1").
		`attr(person.attributes, "ref", "") in ids`:        true,
		`attr(person.attributes, "ref", "") not in ids`:    false,
		`attr(person.attributes, "none", "p2") in ids`:     true,
		`attr(person.attributes, "none", "p3") in ids[1:]`: false,
	})
	_, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: `account.id in ids`})
	require.ErrorIs(t, err, rules.ErrCompile)
	require.ErrorContains(t, err, `rule "r" 1:12: cannot use b2b.AccountID as type b2b.PersonID in array`)
}

// TestTextInAMapOfIDs: text is in a map keyed by IDs where it is one
// key's text, as it is in a list of IDs; it was refused ("cannot use
// string as type b2b.PersonID in map key"). An ID of another type stays
// refused, as == refuses it.
func TestTextInAMapOfIDs(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`"p1" in byId`:                               true,
		`"p2" in byId`:                               false,
		`"p1" not in byId`:                           false,
		`"p2" not in byId`:                           true,
		`person.title in byId`:                       false,
		`lower(person.id) in byId`:                   true,
		`any(persons, string(.id) in byId)`:          true,
		`all(persons, string(.id) in byId)`:          false,
		`attr(person.attributes, "ref", "") in byId`: true,
		`"p1" in byId && person.id in byId`:          true,
	})
	e := idEnvironment()
	e.ByID = nil
	requireRules(t, eng, e, map[string]bool{`"p1" in byId`: false, `"p1" not in byId`: true})
	_, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: `account.id in byId`})
	require.ErrorIs(t, err, rules.ErrCompile)
	require.ErrorContains(t, err, `rule "r" 1:12: cannot use b2b.AccountID as type b2b.PersonID in map key`)
}

// TestTextReadsAnElementOfAMapOfIDs: text reads the element of a map
// keyed by IDs under the key that is its text (byId["p1"], get(byId,
// "p1"), byId.p1), as it is in such a map where it is one key's text;
// expr's checker refused it ("cannot use string to get an element from
// map[b2b.PersonID]int"). A key the map does not hold reads the zero
// value, as for any map; get of one reads it counted. A key of another
// type stays refused, and an ID of another type is named as such.
func TestTextReadsAnElementOfAMapOfIDs(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`byId["p1"] == 3`:                                   true,
		`byId.p1 == 3`:                                      true,
		`byId?.p1 == 3 && byId?.["p1"] == 3`:                true,
		`get(byId, "p1") == 3`:                              true,
		`byId["p2"] == 0 && get(byId, "p2") == 0`:           true,
		`byId[lower(person.id)] == 3`:                       true,
		`byId[person.title] == 0`:                           true,
		`byId[attr(person.attributes, "ref", "")] == 3`:     true,
		`any(persons, byId[string(.id)] == 3)`:              true,
		`byId[person.id] == byId["p1"]`:                     true,
		`let k = "p1"; byId[k] + get(byId, k) == 6`:         true,
		`byId[person.id + ""] == 3 && byId["p" + "1"] == 3`: true,
		`(byId[first(account.domains)] ?? 1) == 0`:          true,
	})
	e := idEnvironment()
	e.ByID = nil
	requireRules(t, eng, e, map[string]bool{`byId["p1"] == 0`: true, `get(byId, "p1") == 0`: true})

	x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: `get(byId, "p2") == 0`})
	require.NoError(t, err)
	_, err = x.Eval(idEnvironment())
	require.NoError(t, err)
	require.Equal(t, uint64(1), x.MissingAttributes(), "get of a key the map does not hold is counted")

	for _, tt := range []struct{ src, want string }{
		{`byId[1] == 3`, `rule "r" 1:6: cannot use int to get an element from map[b2b.PersonID]int`},
		{`get(byId, true) == 3`, `rule "r" 1:11: cannot use bool to get an element from map[b2b.PersonID]int`},
		{`byId[account.id] == 3`, `cannot use b2b.AccountID to get an element from map[b2b.PersonID]int`},
		{`get(byId, account.id) == 3`, `cannot use b2b.AccountID to get an element from map[b2b.PersonID]int`},
		{`byId["p1"] == "x"`, `rule "r" 1:12: invalid operation: == (mismatched types int and string)`},
		{`byId[lower(person.id)] == "x"`, `invalid operation: == (mismatched types int and string)`},
		{`get(byId, person.title) == "x"`, `invalid operation: == (mismatched types int and string)`},
		{`byId?.p1 == "x"`, `invalid operation: == (mismatched types int and string)`},
		{`byId[person.attributes.ref] == 3`, `person.attributes["ref"] has no type before the rule runs`},
	} {
		_, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.ErrorIs(t, err, rules.ErrCompile, tt.src)
		require.ErrorContains(t, err, tt.want, tt.src)
		require.NotContains(t, err.Error(), "$", tt.src)
	}
}

// TestListsOfIDsCompared: a list of IDs equals a list of their texts, as
// an ID equals its text (ids == ["p1", "p2"]); as lists of two Go types
// they were never equal.
func TestListsOfIDsCompared(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`ids == ["p1", "p2"]`:               true,
		`ids == [person.id, "p2"]`:          true,
		`["p1", "p2"] == ids`:               true,
		`ids != ["p1", "p2"]`:               false,
		`ids == ["p2", "p1"]`:               false,
		`ids == ["p1"]`:                     false,
		`map(persons, .id) == ids`:          false,
		`map(persons, .id) == ["p2", "p1"]`: true,
	})
}

// TestNestedListsCompared: lists and maps inside lists and maps compare
// as lists and maps do, element by element with an ID read as its text;
// one level down they were compared as Go values of different types,
// never equal ([ids] == [["p1", "p2"]]).
func TestNestedListsCompared(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	requireRules(t, eng, idEnvironment(), map[string]bool{
		`[ids] == [["p1", "p2"]]`:                             true,
		`[ids] != [["p1", "p2"]]`:                             false,
		`[ids] == [["p2", "p1"]]`:                             false,
		`[ids, 1] == [["p1", "p2"], 1.0]`:                     true,
		`[ids] == [["p1", "p2"], 1]`:                          false,
		`[[]] == [[]]`:                                        true,
		`[ids] == [nil]`:                                      false,
		`{"a": ids} == {"a": ["p1", "p2"]}`:                   true,
		`{"a": ids} != {"a": ["p1", "p2"]}`:                   false,
		`{"a": ids} == {"a": ["p1"]}`:                         false,
		`{"a": ids} == {"b": ["p1", "p2"]}`:                   false,
		`{"a": ids} == {"a": ["p1", "p2"], "b": 1}`:           false,
		`{"a": [ids]} == {"a": [["p1", "p2"]]}`:               true,
		`[{"a": ids}] == [{"a": ["p1", "p2"]}]`:               true,
		`[{"a": ids}] == [{"a": ["p1", "p3"]}]`:               false,
		`[byId] == [{"p1": 3}]`:                               true,
		`[byId] == [{"p1": 4}]`:                               false,
		`[byId] == [{"p2": 3}]`:                               false,
		`[byId] == [{"p1": 3, "p2": 3}]`:                      false,
		`{"n": names} == {"n": {"p1": 7}}`:                    true,
		`[person.attributes] == [{"ref": "p1", "p1": "yes"}]`: true,
	})

	// A map that holds itself, twice: compared with itself the
	// comparison ends, and holds.
	e := idEnvironment()
	m := map[string]any{"n": 1}
	m["a"], m["b"] = m, []any{m, m}
	e.Person.Attributes = m
	// A map of keys of any type that holds an ID and its text as two
	// keys, against one that holds that text and another: both keys
	// found the text, and the comparison held one way and not the other.
	two := rules.New(
		rules.WithFunction("mixed", func(...any) (any, error) { return map[any]int{"p1": 1, b2b.PersonID("p1"): 1}, nil }, new(func() any)),
		rules.WithFunction("other", func(...any) (any, error) { return map[string]int{"p1": 1, "p2": 1}, nil }, new(func() any)))
	for _, src := range []string{`[mixed()] == [other()]`, `[other()] == [mixed()]`} {
		x, err := rules.Compile[idEnv, bool](two, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
		got, err := x.Eval(idEnvironment())
		require.NoError(t, err, src)
		require.False(t, got, src)
	}

	for src, want := range map[string]bool{
		`[person.attributes] == [person.attributes]`:                    true,
		`{"m": person.attributes} == {"m": {"n": 1, "a": {}, "b": []}}`: false,
	} {
		x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.NoError(t, err, src)
		got, err := x.Eval(e)
		require.NoError(t, err, src)
		require.Equal(t, want, got, src)
	}
}

// TestValueOfNoTypeComparedWithAListOrAMap: a value of no type before
// the rule runs (an attribute) that holds a list or a map equals a list
// or a map where they hold equal elements, as a list or a map inside one
// does ([person.attributes.m] == [{"a": 1}]): an attribute read from JSON
// ({"a": 1.0}) was unequal to {"a": 1}, and a list of texts to the list
// of IDs with those texts. A missing attribute is no list.
func TestValueOfNoTypeComparedWithAListOrAMap(t *testing.T) {
	t.Parallel()
	e := idEnvironment()
	e.Person.Attributes = map[string]any{
		"m": map[string]any{"a": 1.0}, "n": map[string]int{"a": 1}, "ls": []string{"p1", "p2"}, "lf": []any{1.0, 2.0}, "tier": "gold",
	}
	requireRules(t, rules.New(), e, map[string]bool{
		`person.attributes.m == {"a": 1}`:                     true,
		`{"a": 1} == person.attributes.m`:                     true,
		`person.attributes.m != {"a": 1}`:                     false,
		`person.attributes.m == {"a": 2}`:                     false,
		`person.attributes.m == {"a": 1, "b": 1}`:             false,
		`[person.attributes.m] == [{"a": 1}]`:                 true,
		`person.attributes.m == person.attributes.n`:          true,
		`person.attributes.ls == ids`:                         true,
		`ids == person.attributes.ls`:                         true,
		`ids != person.attributes.ls`:                         false,
		`person.attributes.ls == ["p2", "p1"]`:                false,
		`person.attributes.lf == [1, 2]`:                      true,
		`person.attributes.lf == person.attributes.ls`:        false,
		`person.attributes.nope == []`:                        false,
		`person.attributes.nope == {}`:                        false,
		`person.attributes.nope == nil`:                       true,
		`person.attributes.tier == ["gold"]`:                  false,
		`person.attributes.tier == person.attributes.tier`:    true,
		`person.attributes.tier == person.attributes["tier"]`: true,
	})
}

// TestNamedStringOfANilPointer: an optional chain that stops at a nil
// pointer before an ID reads "", counted as missing data; compared with
// nil, or given a default, it is nil.
func TestNamedStringOfANilPointer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src     string
		want    bool
		missing uint64
	}{
		{`person?.id == "p1"`, false, 1},
		{`person?.id != "p1"`, true, 1},
		{`person?.id == ""`, true, 1},
		{`person?.id in ["p1", "p2"]`, false, 1},
		{`person?.id not in ["p1"]`, true, 1},
		{`person?.id > "a"`, false, 1},
		{`icontains(person?.id, "p")`, false, 1},
		{`person?.id == nil`, true, 0},
		{`person?.id != nil`, false, 0},
		{`(person?.id ?? "none") == "none"`, true, 0},
		{`(account?.id ?? (person?.id ?? "none")) == "none"`, true, 0},
		{`let id = person?.id; id == ""`, true, 1},
		{`let id = person?.id; id == nil`, true, 0},
		{`let id = person?.id; (id ?? "none") == "none"`, true, 0},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
			require.NoError(t, err)
			got, err := x.Eval(&idEnv{})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.missing, x.MissingAttributes())
		})
	}
}

// TestNamedStringToHostFunction: a host function that takes a string is
// given an ID as a string; one that takes the ID's type gets it as it is.
func TestNamedStringToHostFunction(t *testing.T) {
	t.Parallel()
	eng := rules.New(
		rules.WithFunction("isPartner", func(p ...any) (any, error) { return p[0].(string) == "acme", nil }, new(func(string) bool)),
		rules.WithFunction("isCustomer", func(p ...any) (any, error) { return p[0].(b2b.AccountID) == "acme", nil }, new(func(b2b.AccountID) bool)),
		rules.WithFunction("anyOf", func(p ...any) (any, error) { return p[len(p)-1].(string) == "acme", nil }, new(func(...string) bool)),
	)
	x, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: `isPartner(account.id) && isCustomer(account.id) && anyOf(account.id) && anyOf("x", account.id)`})
	require.NoError(t, err)
	got, err := x.Eval(idEnvironment())
	require.NoError(t, err)
	require.True(t, got)
}

// TestNamedStringErrors: an ID compared with an ID of another type is
// refused, as in Go; errors keep their line:column and caret.
func TestNamedStringErrors(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for _, tt := range []struct{ src, want string }{
		{`person.id == account.id`, "rule \"r\" 1:11: invalid operation: == (mismatched types b2b.PersonID and b2b.AccountID)\n" +
			"  | person.id == account.id\n" +
			"  |           ^"},
		{`account.id in ["acme"] &&` + "\n" + `  persn.id == "p1"`, "rule \"r\" 2:3: unknown name persn"},
		{`lower(account.id) > 3`, `rule "r" 1:19: invalid operation: > (mismatched types string and int)`},
		{`person.id * 2 == "p1"`, `rule "r" 1:11: invalid operation: * (mismatched types b2b.PersonID and int)`},
		{`person.attributes[person.id] > 3`, `person.attributes[person.id] has no type before the rule runs`},
		{`int(person.id) > 3`, `rule "r" 1:12: int() parses a string, so its argument must be written in the rule: person.id may not parse when the rule runs`},
	} {
		_, err := rules.Compile[idEnv, bool](eng, rules.Rule{Name: "r", Source: tt.src})
		require.ErrorIs(t, err, rules.ErrCompile, tt.src)
		require.Contains(t, err.Error(), tt.want, tt.src)
		require.NotContains(t, err.Error(), "$string", "the rule as written")
	}
}

// code is a named string type of a map element whose Missing value sets
// it: compared with "" it is always false, as a string field is.
type (
	code  string
	coded struct {
		Code code `expr:"code"`
	}
	codeEnv struct {
		Codes map[string]coded `expr:"codes"`
	}
)

func (coded) Missing() coded { return coded{Code: "none"} }

func TestNamedStringNeverEmpty(t *testing.T) {
	t.Parallel()
	eng := rules.New()
	for _, src := range []string{`codes.a.code == ""`, `(codes.a.code ?? "") == ""`, `codes.a.code in [""]`, `let c = codes.a; c.code == ""`} {
		_, err := rules.Compile[codeEnv, bool](eng, rules.Rule{Name: "r", Source: src})
		require.ErrorContains(t, err, `this comparison is always false: the code of a rules_test.coded read from a map is never ""`, src)
	}
	x, err := rules.Compile[codeEnv, bool](eng, rules.Rule{Name: "r", Source: `codes.a.code == "none" && codes.b.code == "x1"`})
	require.NoError(t, err)
	got, err := x.Eval(&codeEnv{Codes: map[string]coded{"b": {Code: "x1"}}})
	require.NoError(t, err)
	require.True(t, got)
}
