package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// fitFunc gives the value that get reads an element of, where the value
// is of no known type before the rule runs, or nil where the value has no
// element under the key because it is of another shape: it is not part of
// the library, so rules cannot call it.
const fitFunc = "$fit"

// fit is fitFunc: x where expr's get can read key in it, and nil where get
// would fail (a list asked for a name, a map asked for a key of another
// type than its keys') or where x is text, which has no elements in a
// rule, so that get reads an element that is not there, as for a missing
// key.
func fit(p ...any) (any, error) {
	x, key := p[0], p[1]
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map:
		if key == nil {
			return x, nil // get reads the zero key
		}
		if k := reflect.TypeOf(key); !k.Comparable() || !k.AssignableTo(v.Type().Key()) {
			return nil, nil
		}
	case reflect.String:
		// Text has no elements in a rule (person.title[0] is refused),
		// where expr's get reads a byte of it.
		return nil, nil
	case reflect.Array, reflect.Slice:
		switch key.(type) {
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		default:
			return nil, nil
		}
	case reflect.Struct:
		if _, ok := key.(string); !ok {
			return nil, nil
		}
	}
	return x, nil
}

// getPatcher makes get(x, key), where x is of no known type before the
// rule runs (a custom attribute that holds a map or a list), read
// get($fit(x, key), key): an element where x has one under key, and an
// element that is not there where x is of another shape, where expr's get
// failed the rule ("invalid operation: int(string)"). The guard refuses a
// key not written in the rule for such an x, so the key is a literal that
// fit is given a copy of. It runs after the guard.
type getPatcher struct{ calls callTypes }

func (p getPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BuiltinNode)
	if !ok || n.Name != "get" || len(n.Arguments) != 2 || !p.calls.untyped(n.Arguments[0]) {
		return
	}
	if c, ok := n.Arguments[0].(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && id.Value == fitFunc {
			return
		}
	}
	key, ok := copyLiteral(n.Arguments[1])
	if !ok {
		return // refused by the guard
	}
	callee := &ast.IdentifierNode{Value: fitFunc}
	callee.SetLocation(n.Arguments[0].Location())
	fitted := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Arguments[0], key}}
	fitted.SetLocation(n.Arguments[0].Location())
	n.Arguments[0] = fitted
}

// copyLiteral returns a copy of n, a key written in the rule: a string or
// a number, negated or not.
func copyLiteral(n ast.Node) (ast.Node, bool) {
	var c ast.Node
	switch x := n.(type) {
	case *ast.StringNode:
		c = &ast.StringNode{Value: x.Value}
	case *ast.IntegerNode:
		c = &ast.IntegerNode{Value: x.Value}
	case *ast.FloatNode:
		c = &ast.FloatNode{Value: x.Value}
	case *ast.UnaryNode:
		inner, ok := copyLiteral(x.Node)
		if !ok || (x.Operator != "-" && x.Operator != "+") {
			return nil, false
		}
		c = &ast.UnaryNode{Operator: x.Operator, Node: inner}
	default:
		return nil, false
	}
	c.SetLocation(n.Location())
	return c, true
}
