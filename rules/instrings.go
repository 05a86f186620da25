package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// inStrings makes x in ["a", "b"], where x is of no known type before the
// rule runs (a custom attribute read by index), test x against each
// string as == does. expr's optimizer turns a list of strings written in
// the rule into a set that it looks x up in, which fails the rule where x
// is not a string ("reflect.Value.MapIndex: value of type int is not
// assignable to type string") and finds nil, a missing attribute, to be
// "". The list is handed to expr as a constant list of values instead,
// which the optimizer leaves alone, so that a number, a bool, a list, a
// map or nil is in no list of strings, as it is == to no string.
//
// Likewise x in ids, a list of a named string type (IDs), tests x against
// the IDs' texts, as x == id does (see namedPatcher), where expr took a
// text for no ID.
type inStrings struct{ calls callTypes }

func (p inStrings) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || n.Operator != "in" || !p.calls.untyped(n.Left) {
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
		return
	}
	list, ok := n.Right.(*ast.ArrayNode)
	if !ok || len(list.Nodes) == 0 {
		return
	}
	values := make([]any, len(list.Nodes))
	for i, e := range list.Nodes {
		s, ok := e.(*ast.StringNode)
		if !ok {
			return // a list the optimizer leaves alone
		}
		values[i] = s.Value
	}
	c := &ast.ConstantNode{Value: values}
	c.SetType(reflect.TypeOf(values))
	c.SetLocation(list.Location())
	n.Right = c
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
