package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// sameListFunc compares two lists element by element, or two maps: it is
// not part of the library, so rules cannot call it.
const sameListFunc = "$sameList"

// sameList is sameListFunc: whether a and b, lists, have the same length
// and equal elements in the same order, or, maps, equal elements under the
// same keys (see same). A list that is nil (an optional chain that
// stopped) is an empty list.
func sameList(p ...any) (any, error) {
	a, b := p[0], p[1]
	if a == nil {
		a = []any{}
	}
	if b == nil {
		b = []any{}
	}
	var c comparison
	return c.same(a, b), nil
}

// comparison is one comparison of two values by same.
type comparison struct {
	// seen holds the pairs of lists and of maps that same has compared
	// or is comparing, which it takes to be equal when it meets them
	// again (any difference in them decides the comparison), so that it
	// ends on a map or a list that holds itself and takes no longer on
	// one that holds the same list many times, as reflect.DeepEqual.
	seen map[pair]bool
}

type pair struct {
	a, b   uintptr
	la, lb int
	ta, tb reflect.Type
}

// same is whether x and y are equal as == compares two values in a rule,
// a value of a named string type (an ID) as its text, with two lists equal
// where they hold equal elements in the same order and two maps where they
// hold equal elements under equal keys, whatever their types, at any
// depth: expr compares lists and maps of different types as Go values,
// never equal.
func (c *comparison) same(x, y any) bool {
	x, _ = toString(x)
	y, _ = toString(y)
	a, b := reflect.ValueOf(x), reflect.ValueOf(y)
	if !a.IsValid() || !b.IsValid() {
		return runtime.Equal(x, y)
	}
	lists := isList(a.Type()) && isList(b.Type())
	maps := a.Kind() == reflect.Map && b.Kind() == reflect.Map
	if !lists && !maps {
		return runtime.Equal(x, y)
	}
	if a.Len() != b.Len() {
		return false
	}
	if a.Kind() != reflect.Array && b.Kind() != reflect.Array && a.Len() > 0 {
		p := pair{a.Pointer(), b.Pointer(), a.Len(), b.Len(), a.Type(), b.Type()}
		if c.seen[p] {
			return true
		}
		if c.seen == nil {
			c.seen = map[pair]bool{}
		}
		c.seen[p] = true
	}
	if lists {
		for i := range a.Len() {
			if !c.same(a.Index(i).Interface(), b.Index(i).Interface()) {
				return false
			}
		}
		return true
	}
	// Each key of a finds its own key of b: a map of keys of any type may
	// hold an ID and its text as two keys, which find the same one.
	used := make(map[any]bool, b.Len())
	for it := a.MapRange(); it.Next(); {
		k, v, ok := c.mapEntry(b, it.Key())
		if !ok || used[k] || !c.same(it.Value().Interface(), v.Interface()) {
			return false
		}
		used[k] = true
	}
	return true
}

// mapEntry is the key of m equal to k as same compares keys, and its
// element: looked up where k is of m's key type or converts to it (an ID
// and its text), and searched for otherwise, or where m's keys are of any
// type and may hold an ID where k is its text.
func (c *comparison) mapEntry(m, k reflect.Value) (any, reflect.Value, bool) {
	if k.Kind() == reflect.Interface {
		k = k.Elem()
	}
	kt := m.Type().Key()
	if k.IsValid() {
		key := k
		switch {
		case k.Type() == kt:
		case k.Kind() == reflect.String && kt.Kind() == reflect.String:
			key = k.Convert(kt)
		case kt.Kind() == reflect.Interface && k.Type().Comparable():
		default:
			key = reflect.Value{}
		}
		if key.IsValid() {
			if v := m.MapIndex(key); v.IsValid() {
				return key.Interface(), v, true
			}
			if kt.Kind() != reflect.Interface {
				return nil, reflect.Value{}, false
			}
		}
	}
	var kx any
	if k.IsValid() {
		kx = k.Interface()
	}
	for it := m.MapRange(); it.Next(); {
		if c.same(kx, it.Key().Interface()) {
			return it.Key().Interface(), it.Value(), true
		}
	}
	return nil, reflect.Value{}, false
}

// listPatcher makes a == b and a != b, where a and b are lists of
// different types (persons == [], persons == [person]: a list of persons
// and one written in the rule, of values of any type), or lists or maps
// that may hold lists or maps ([ids] == [["p1", "p2"]], {"a": ids} ==
// {"a": ["p1", "p2"]}), compare them element by element (see same). expr
// compares lists of different types as Go values of different types,
// which are never equal, so persons == [] never held; it does so for the
// lists and maps inside lists and maps too. Maps of different types
// compared with each other stay an error, as in Go.
type listPatcher struct{ calls callTypes }

func (p listPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || (n.Operator != "==" && n.Operator != "!=") {
		return
	}
	l, r := p.calls.typeOf(n.Left), p.calls.typeOf(n.Right)
	if isNilNode(n.Left) || isNilNode(n.Right) {
		return
	}
	if anyType(l) && (anyType(r) || isList(r) || isMap(r)) || anyType(r) && (isList(l) || isMap(l)) {
		// A value of no type (an attribute) may hold a list or a map:
		// compared as a list or a map inside one is. Unlike sameList,
		// nil (a missing attribute) is no list.
		compareBy(node, n, sameFunc)
		return
	}
	switch {
	case isList(l) && isList(r):
		if l == r && !nests(l.Elem()) {
			return
		}
	case l != nil && r != nil && l.Kind() == reflect.Map && l == r:
		if !nests(l.Elem()) {
			return
		}
	default:
		return
	}
	compareBy(node, n, sameListFunc)
}

// compareBy replaces *node, the comparison n (== or !=), with a call of
// fn on its two sides, negated for !=.
func compareBy(node *ast.Node, n *ast.BinaryNode, fn string) {
	callee := &ast.IdentifierNode{Value: fn}
	callee.SetLocation(n.Location())
	var x ast.Node = &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Left, n.Right}}
	x.SetLocation(n.Location())
	if n.Operator == "!=" {
		x = &ast.UnaryNode{Operator: "!", Node: x}
		x.SetLocation(n.Location())
	}
	*node = x
}

// sameFunc compares two values as same does, a value of no type that
// holds a list or a map too: it is not part of the library, so rules
// cannot call it.
const sameFunc = "$same"

// sameValue is sameFunc.
func sameValue(p ...any) (any, error) {
	var c comparison
	return c.same(p[0], p[1]), nil
}

// anyType reports whether t is an interface type: a value of no type
// before the rule runs.
func anyType(t reflect.Type) bool { return t != nil && t.Kind() == reflect.Interface }

// isMap reports whether t is a map type.
func isMap(t reflect.Type) bool { return t != nil && t.Kind() == reflect.Map }

func isList(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
}

// nests is whether a value of type t may be a list or a map.
func nests(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Slice, reflect.Array, reflect.Map:
		return true
	}
	return false
}
