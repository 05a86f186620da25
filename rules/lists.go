package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// sameListFunc compares two lists element by element: it is not part of
// the library, so rules cannot call it.
const sameListFunc = "$sameList"

// sameList is sameListFunc: whether a and b, lists, have the same length
// and equal elements in the same order, each pair compared as == compares
// two values in a rule, a value of a named string type (an ID) as its
// text.
func sameList(p ...any) (any, error) {
	a, b := reflect.ValueOf(p[0]), reflect.ValueOf(p[1])
	la, lb := 0, 0
	if a.IsValid() {
		la = a.Len()
	}
	if b.IsValid() {
		lb = b.Len()
	}
	if la != lb {
		return false, nil
	}
	for i := range la {
		x, _ := toString(a.Index(i).Interface())
		y, _ := toString(b.Index(i).Interface())
		if !runtime.Equal(x, y) {
			return false, nil
		}
	}
	return true, nil
}

// listPatcher makes a == b and a != b, where a and b are lists of
// different types (persons == [], persons == [person]: a list of persons
// and one written in the rule, of values of any type), compare them
// element by element. expr compares such lists as Go values of different
// types, which are never equal, so persons == [] never held.
type listPatcher struct{ calls callTypes }

func (p listPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || (n.Operator != "==" && n.Operator != "!=") {
		return
	}
	l, r := p.calls.typeOf(n.Left), p.calls.typeOf(n.Right)
	if !isList(l) || !isList(r) || l == r {
		return
	}
	callee := &ast.IdentifierNode{Value: sameListFunc}
	callee.SetLocation(n.Location())
	var x ast.Node = &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Left, n.Right}}
	x.SetLocation(n.Location())
	if n.Operator == "!=" {
		x = &ast.UnaryNode{Operator: "!", Node: x}
		x.SetLocation(n.Location())
	}
	*node = x
}

func isList(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)
}
