package rules

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/expr-lang/expr/ast"
)

// inStrings makes x in ["a", "b"], where x is of no known type before the
// rule runs (a custom attribute read by index), test x against each
// string as == does. expr's optimizer turns a list of strings written in
// the rule into a set that it looks x up in, which fails the rule where x
// is not a string ("reflect.Value.MapIndex: value of type int is not
// assignable to type string") and finds nil, a missing attribute, to be
// "". The test becomes $stringKey(x) in set instead, with the strings in
// a stringSet made once when the rule is loaded: a string is looked up as
// it is, and any other value (a number, a bool, a list, a map, nil) as
// nil, which no set holds, as it is == to no string. A list of values
// (which the optimizer leaves alone) would do the same but take time in
// proportion to its length.
//
// Likewise x in ids, a list of a named string type (IDs), tests x against
// the IDs' texts, as x == id does (see namedPatcher), where expr took a
// text for no ID (text in ids, "p1" in ids, is textInIDs').
//
// And a list of IDs given to a function of the library that takes a list
// of strings, and none that takes the list's type (inList(s, ids)), is
// given as the IDs' texts. namedPatcher cannot tell: where another
// argument is an ID (inList(account.id, ids)), expr's checker stops at it
// and leaves the list without a type for that pass.
type inStrings struct {
	calls  callTypes
	params map[string][][]reflect.Type // parameter types of the library's functions, per signature (see guard)
}

func (p inStrings) Visit(node *ast.Node) {
	p.calls.retype(node)
	if c, ok := (*node).(*ast.CallNode); ok {
		p.texts(c)
		return
	}
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || n.Operator != "in" {
		return
	}
	left := p.calls.typeOf(n.Left)
	if (left == nil || left.Kind() == reflect.String || left.Kind() == reflect.Interface) && p.mayHoldIDs(n.Right) {
		// A list of values of no type may hold IDs, and x may be one
		// or the text of one: x is in it where it equals an element
		// as == compares them, an ID as its text.
		callee := &ast.IdentifierNode{Value: inListFunc}
		callee.SetLocation(n.Location())
		call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Left, n.Right}}
		call.SetLocation(n.Location())
		*node = call
		return
	}
	if !p.calls.untyped(n.Left) {
		return
	}
	if t := p.calls.typeOf(n.Right); isList(t) && t.Elem().Kind() == reflect.String && t.Elem() != stringType {
		// A list of IDs: the value is in it where it is one's text, as
		// it equals that ID (see namedPatcher).
		callee := &ast.IdentifierNode{Value: textsFunc}
		callee.SetLocation(n.Right.Location())
		texts := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Right}}
		texts.SetLocation(n.Right.Location())
		n.Right = texts
		// And the value as text where it holds an ID.
		wrapIn(&n.Left, textFunc)
		return
	}
	list, ok := n.Right.(*ast.ArrayNode)
	if !ok || len(list.Nodes) == 0 {
		if t := p.calls.typeOf(n.Right); isList(t) && t.Elem() == stringType {
			// A list of strings (pair(), account.domains): the value
			// as text where it holds an ID.
			wrapIn(&n.Left, textFunc)
		}
		return
	}
	set := make(stringSet, len(list.Nodes))
	for _, e := range list.Nodes {
		s, ok := e.(*ast.StringNode)
		if !ok {
			// A list the optimizer leaves alone, of values of a type
			// (a list that may hold IDs is taken above): the value as
			// text where it holds an ID.
			wrapIn(&n.Left, textFunc)
			return
		}
		set[s.Value] = struct{}{}
	}
	callee := &ast.IdentifierNode{Value: stringKeyFunc}
	callee.SetLocation(n.Left.Location())
	key := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Left}}
	key.SetLocation(n.Left.Location())
	n.Left = key
	c := &ast.ConstantNode{Value: set}
	c.SetType(reflect.TypeOf(set))
	c.SetLocation(list.Location())
	n.Right = c
}

// stringSet is a list of strings written in a rule, as a set that in
// looks a value up in (see inStrings). Its keys are of any type so that
// nil, a value that is no string, is looked up as nil, which it does not
// hold: a set of strings would look nil up as "".
type stringSet map[any]struct{}

// MarshalJSON writes the set as a list of its strings, sorted: expr writes
// a constant as JSON where it writes a rule's expression (in an error
// message), which fails on a map with keys of any type.
func (s stringSet) MarshalJSON() ([]byte, error) {
	list := make([]string, 0, len(s))
	for k := range s {
		list = append(list, k.(string))
	}
	slices.Sort(list)
	return json.Marshal(list)
}

// stringKeyFunc gives a value of no known type as a key of a stringSet:
// it is not part of the library, so rules cannot call it.
const stringKeyFunc = "$stringKey"

// stringKey is stringKeyFunc: x where it is a string, its text where it
// is an ID (a host function's, which equals its text), and nil
// otherwise.
func stringKey(p ...any) (any, error) {
	if s, ok := p[0].(string); ok {
		return s, nil
	}
	if v := reflect.ValueOf(p[0]); v.Kind() == reflect.String {
		return v.String(), nil
	}
	return nil, nil
}

// mayHoldIDs reports whether n is a list that may hold an ID as a value
// of no type: a list of values of any type, unless one written in the
// rule of values of a type each ([person.title, "p1"], ["a", 1]).
func (p inStrings) mayHoldIDs(n ast.Node) bool {
	if list, ok := n.(*ast.ArrayNode); ok {
		return slices.ContainsFunc(list.Nodes, p.calls.untyped)
	}
	t := p.calls.typeOf(n)
	return isList(t) && t.Elem().Kind() == reflect.Interface
}

// inListFunc tests a value against a list of values of no type, as ==
// compares them: it is not part of the library, so rules cannot call it.
const inListFunc = "$inList"

// inList is inListFunc: whether list holds an element equal to x as
// same compares them (an ID as its text).
func inList(p ...any) (any, error) {
	v := reflect.ValueOf(p[1])
	if !v.IsValid() || !isList(v.Type()) {
		return false, nil
	}
	var c comparison
	for i := range v.Len() {
		if c.same(p[0], v.Index(i).Interface()) {
			return true, nil
		}
	}
	return false, nil
}

// textsFunc gives the texts of a list of values of a named string type
// (IDs): it is not part of the library, so rules cannot call it.
const textsFunc = "$texts"

func toTexts(p ...any) (any, error) {
	v := reflect.ValueOf(p[0])
	if !v.IsValid() {
		return []string(nil), nil
	}
	out := make([]string, v.Len())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out, nil
}

// texts gives the IDs' texts for each list of IDs that c, a call of a
// function of the library, passes where the function takes a list of
// strings.
func (p inStrings) texts(c *ast.CallNode) {
	id, ok := c.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	for i := range c.Arguments {
		t := p.calls.typeOf(c.Arguments[i])
		if isList(t) && t.Elem().Kind() == reflect.String && t.Elem() != stringType && wants(p.params, id.Value, i, t, reflect.SliceOf(stringType)) {
			wrapIn(&c.Arguments[i], textsFunc)
		}
	}
}

// textInIDs makes text in ids ("p1" in ids, lower(person.id) in ids),
// where ids is a list of a named string type (IDs), test the text
// against the IDs' texts, as it equals one of them, and text in a map
// keyed by IDs ("p1" in byId) test it against the keys' texts; expr's
// checker refused them ("cannot use string as type b2b.PersonID in
// array", "in map key"). Text read as a key of such a map (byId["p1"],
// byId.p1, get(byId, person.title)) reads the element under the key
// that is its text; the checker refused it too ("cannot use string to
// get an element from map[b2b.PersonID]int"). An ID of another type
// (account.id in ids, byId[account.id]) stays refused, as == refuses it.
// It runs right after namedPatcher, whose conversions it reads, and
// before the guard, which would take the refused in for a value of no
// type.
type textInIDs struct {
	calls callTypes
	typed map[ast.Node]bool // the guard's: the values converted
}

func (p textInIDs) Visit(node *ast.Node) {
	p.calls.retype(node)
	switch n := (*node).(type) {
	case *ast.MemberNode:
		p.key(n.Node, &n.Property)
		return
	case *ast.BuiltinNode:
		if n.Name == "get" && len(n.Arguments) == 2 {
			p.key(n.Arguments[0], &n.Arguments[1])
		}
		return
	}
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || n.Operator != "in" || p.calls.typeOf(n.Left) != stringType || unconverted(n.Left) != n.Left {
		return
	}
	t := p.calls.typeOf(n.Right)
	if isList(t) && t.Elem().Kind() == reflect.String && t.Elem() != stringType {
		wrapIn(&n.Right, textsFunc)
		return
	}
	if idKeyed(t) != nil {
		// A map keyed by IDs: the text is in it where it is one key's
		// text ("p1" in byId).
		callee := &ast.IdentifierNode{Value: hasKeyFunc}
		callee.SetLocation(n.Location())
		call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Right, n.Left}}
		call.SetLocation(n.Location())
		call.SetType(boolType) // for the parent, in this pass
		*node = call
	}
}

// key replaces *key, text read as a key of m (m[key], get(m, key)), with
// $idKey(key, zero) where m is a map keyed by a named string type (IDs),
// zero being that type's zero value: the text as the ID that is its
// text, which the map is read with. Text converted from an ID of
// another type (byId[account.id]) is left for the checker to refuse.
func (p textInIDs) key(m ast.Node, key *ast.Node) {
	t := idKeyed(p.calls.typeOf(m))
	if t == nil || p.calls.typeOf(*key) != stringType || unconverted(*key) != *key {
		return
	}
	loc := (*key).Location()
	zero := &ast.ConstantNode{Value: reflect.Zero(t.Key()).Interface()}
	zero.SetType(t.Key())
	callee := &ast.IdentifierNode{Value: idKeyFunc}
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{*key, zero}}
	for _, x := range []ast.Node{zero, callee, call} {
		x.SetLocation(loc)
	}
	// The call gives a value of no type to expr's checker, which reads
	// a map with it as with a key of the map's type.
	p.typed[call] = true
	*key = call
}

// idKeyed returns t, or the map t points to, where it is a map keyed by
// a named string type, and nil otherwise.
func idKeyed(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Key() != stringType {
		return t
	}
	return nil
}

// idKeyFunc gives text as a key of a map keyed by a named string type
// (IDs): it is not part of the library, so rules cannot call it.
const idKeyFunc = "$idKey"

// idKey is idKeyFunc: p[0], text, as a value of the type of p[1], and
// nil, which reads the zero key, as it is (an optional chain that
// stopped).
func idKey(p ...any) (any, error) {
	v := reflect.ValueOf(p[0])
	if v.Kind() != reflect.String {
		return p[0], nil
	}
	return v.Convert(reflect.TypeOf(p[1])).Interface(), nil
}

// hasKeyFunc tests whether a map keyed by a named string type (IDs)
// holds a key whose text is a string: it is not part of the library, so
// rules cannot call it.
const hasKeyFunc = "$hasKey"

// hasKey is hasKeyFunc.
func hasKey(p ...any) (any, error) {
	m := reflect.ValueOf(p[0])
	for m.Kind() == reflect.Pointer && !m.IsNil() {
		m = m.Elem()
	}
	s, ok := p[1].(string)
	if m.Kind() != reflect.Map || !ok || m.Type().Key().Kind() != reflect.String {
		return false, nil
	}
	return m.MapIndex(reflect.ValueOf(s).Convert(m.Type().Key())).IsValid(), nil
}
