package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// let binds n's variable to its value left nil where the value is an
// element that is not there, and wraps each use of the variable in n's
// expression as the value was wrapped: the variable reads as its value
// written out in its place. Of an optional chain whose last part is such
// an element, a use reads as that element where the variable is nil,
// unless the chain may stop before the map it reads the element of (see
// stopping).
func (p *elemPatcher) let(n *ast.VariableDeclaratorNode) {
	w, ok := p.inner[n.Value]
	if !ok {
		return
	}
	if c, ok := w.x.(*ast.ChainNode); ok {
		if last, ok := p.inner[c.Node]; ok {
			if last.missing && stopsBefore(last.x) && p.stopping(n, last, w) {
				return
			}
			c.Node = last.x
			last.x = c
			w = last
		}
	}
	n.Value = w.x
	ast.Walk(&n.Expr, &varPatcher{p: p, name: n.Name, w: w})
}

// stopping binds the variable of let v = m?.x.key; ... where the chain
// may stop at a nil pointer before the map (person?.consent.email): there
// the chain reads the zero value of the element (a status ""), and where
// the map does not hold the key its missing element (a status
// "unknown"), which one nil cannot tell apart. It makes n
//
//	let $map:v = (m?.x ?? empty); let v = $map:v == nil ? nil : get($map:v, key); ...
//
// $map:v being nil only where the chain stopped (empty is an empty map of
// m's type, for a nil map), and wraps each use of v as v ?? (missing(counter)
// ? ($map:v == nil ? zero : missing) : missing). last is the wrapping of
// get(m, key) in the chain, chain that of the chain. It reports false,
// changing nothing, where m's type is not a map's.
func (p *elemPatcher) stopping(n *ast.VariableDeclaratorNode, last, chain wrapping) bool {
	g := last.x.(*ast.BuiltinNode) // get(m, key), as stopsBefore found
	m, key := g.Arguments[0], g.Arguments[1]
	t := m.Type()
	var empty reflect.Value
	switch {
	case t == nil:
		return false
	case t.Kind() == reflect.Map:
		empty = reflect.MakeMap(t)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Map:
		empty = reflect.New(t.Elem())
		empty.Elem().Set(reflect.MakeMap(t.Elem()))
	default:
		return false
	}
	loc := n.Location()
	hidden := "$map:" + n.Name
	at := func(x ast.Node) ast.Node { x.SetLocation(loc); return x }
	ref := func() ast.Node { return at(&ast.IdentifierNode{Value: hidden}) }
	reached := at(&ast.ChainNode{Node: at(&ast.BinaryNode{Operator: "??", Left: m, Right: at(&ast.ConstantNode{Value: empty.Interface()})})})
	value := at(&ast.ConditionalNode{
		Cond: at(&ast.BinaryNode{Operator: "==", Left: ref(), Right: at(&ast.NilNode{})}),
		Exp1: at(&ast.NilNode{}),
		Exp2: at(&ast.BuiltinNode{Name: "get", Arguments: []ast.Node{ref(), key}}),
	})
	v := &ast.VariableDeclaratorNode{Name: n.Name, Value: value, Expr: n.Expr}
	at(v)
	n.Name, n.Value, n.Expr = hidden, reached, v
	w := wrapping{zero: last.zero, counted: true, missing: true, stop: hidden, stopZero: chain.zero}
	ast.Walk(&v.Expr, &varPatcher{p: p, name: v.Name, w: w})
	return true
}

// varPatcher wraps the uses of a variable bound with let (see
// elemPatcher.let). expr refuses a variable declared again in its scope,
// so each identifier of that name is the variable.
type varPatcher struct {
	p    *elemPatcher
	name string
	w    wrapping
	// uses are the wrapped uses of the variable: only a comparison or a
	// default that reads one is looked at again; the rest of the body
	// was patched already, and patching it again would take off the
	// wrappings the first pass put on.
	uses map[ast.Node]bool
}

func (v *varPatcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == v.name {
			w := v.w
			w.x = n
			v.p.put(node, w)
			if v.uses == nil {
				v.uses = map[ast.Node]bool{}
			}
			v.uses[*node] = true
		}
	case *ast.BinaryNode:
		if v.reads(n.Left) || v.reads(n.Right) {
			v.p.binary(node, n)
		}
	case *ast.ConditionalNode:
		if v.reads(n.Exp1) || v.reads(n.Exp2) {
			v.p.liftBranches(node, n)
		}
	case *ast.VariableDeclaratorNode:
		v.p.let(n) // let d = c
	}
}

// reads reports whether x is a use of the variable, or a member or an
// optional chain read from one (c.status, c?.status), as the first pass
// may have wrapped it, or one given a default (c.status ?? "").
func (v *varPatcher) reads(x ast.Node) bool {
	for {
		if v.uses[x] {
			return true
		}
		if w, ok := v.p.inner[x]; ok {
			x = w.x
			continue
		}
		if u := unconverted(x); u != x {
			x = u // a variable of a named string type
			continue
		}
		switch n := x.(type) {
		case *ast.IdentifierNode:
			return n.Value == v.name // a use that lift took out of its wrapping
		case *ast.ConditionalNode:
			return v.reads(n.Exp1) || v.reads(n.Exp2) // (c ? v : "x") ?? "none"
		case *ast.ChainNode:
			x = n.Node
		case *ast.MemberNode:
			x = n.Node
		case *ast.BinaryNode:
			if n.Operator != "??" {
				return false
			}
			if v.reads(n.Right) {
				return true // (x ?? c) == nil
			}
			x = n.Left // (c.status ?? "") == ""
		default:
			return false
		}
	}
}
