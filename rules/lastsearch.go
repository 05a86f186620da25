package rules

import "github.com/expr-lang/expr/ast"

// expr (v1.17.8) compiles findLast and findLastIndex, and last(filter(l,
// p)), which its optimizer makes findLast, to a loop that leaves values
// of its own on the evaluation stack below its result. Where the
// expression holds another value to use with that result (x ==
// findLast(l, p), icontains(s, findLast(l, p))), the operation takes one
// of those instead of the value: the rule fails ("interface {} is bool,
// not string") or gives a wrong answer. Where nothing is held (findLast(l,
// p) == x, let f = findLast(l, p); ..., a condition of && or ?:), the
// values left below are never read. find and findIndex loop forwards and
// leave none.
//
// lastPatcher writes a comparison whose right operand searches backwards
// and whose left does not the other way round (x == findLast(l, p) is
// findLast(l, p) == x, x < findLastIndex(l, p) is findLastIndex(l, p) >
// x), which means the same; the rules compiled then are checked with
// lastSearchHeld, which refuses those where a value is still held.
type lastPatcher struct{}

// flipped are the comparisons and what each is with its operands swapped.
var flipped = map[string]string{"==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}

func (lastPatcher) Visit(node *ast.Node) {
	retype(node)
	n, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	op, ok := flipped[n.Operator]
	if !ok || !searchesBackwards(n.Right) || searchesBackwards(n.Left) {
		return
	}
	n.Operator, n.Left, n.Right = op, n.Right, n.Left
}

// searchesBackwards reports whether n holds findLast, findLastIndex or
// last(filter(...)).
func searchesBackwards(n ast.Node) bool {
	found := false
	ast.Walk(&n, visitorFunc(func(x ast.Node) {
		if b, ok := x.(*ast.BuiltinNode); ok && isBackwardSearch(b) {
			found = true
		}
	}))
	return found
}

func isBackwardSearch(b *ast.BuiltinNode) bool {
	switch b.Name {
	case "findLast", "findLastIndex":
		return true
	case "last":
		if len(b.Arguments) == 1 {
			f, ok := b.Arguments[0].(*ast.BuiltinNode)
			return ok && f.Name == "filter" && len(f.Arguments) == 2
		}
	}
	return false
}

type visitorFunc func(ast.Node)

func (f visitorFunc) Visit(node *ast.Node) { f(*node) }

// inheriting are the builtins with a predicate whose loop holds no value
// while the predicate is evaluated: filter and map hold the elements
// they have collected.
var inheriting = map[string]bool{
	"all": true, "none": true, "any": true, "one": true, "count": true, "sum": true,
	"find": true, "findIndex": true, "findLast": true, "findLastIndex": true, "groupBy": true, "sortBy": true,
}

// lastSearchHeld returns a backward search of the compiled tree n that
// is evaluated while the expression holds another value (held), in the
// order expr's compiler evaluates the tree, or nil.
func lastSearchHeld(n ast.Node, held bool) *ast.BuiltinNode {
	first := func(nodes []ast.Node, held bool) *ast.BuiltinNode {
		for i, x := range nodes {
			if b := lastSearchHeld(x, held || i > 0); b != nil {
				return b
			}
		}
		return nil
	}
	all := func(held bool, nodes ...ast.Node) *ast.BuiltinNode {
		for _, x := range nodes {
			if x == nil {
				continue
			}
			if b := lastSearchHeld(x, held); b != nil {
				return b
			}
		}
		return nil
	}
	switch x := n.(type) {
	case *ast.BuiltinNode:
		if (x.Name == "findLast" || x.Name == "findLastIndex") && held {
			return x
		}
		if _, ok := predicates[x.Name]; ok && len(x.Arguments) >= 2 {
			if b := lastSearchHeld(x.Arguments[0], held); b != nil {
				return b
			}
			if b := all(held || !inheriting[x.Name], x.Arguments[1:]...); b != nil {
				return b
			}
			if x.Map != nil {
				return lastSearchHeld(x.Map, true)
			}
			return nil
		}
		return first(x.Arguments, held)
	case *ast.CallNode:
		return first(x.Arguments, held)
	case *ast.UnaryNode:
		return lastSearchHeld(x.Node, held)
	case *ast.BinaryNode:
		switch x.Operator {
		case "&&", "||", "and", "or", "??":
			// The left value is dropped before the right is evaluated.
			return all(held, x.Left, x.Right)
		}
		return first([]ast.Node{x.Left, x.Right}, held)
	case *ast.ChainNode:
		return lastSearchHeld(x.Node, held)
	case *ast.MemberNode:
		return first([]ast.Node{x.Node, x.Property}, held)
	case *ast.SliceNode:
		if b := lastSearchHeld(x.Node, held); b != nil {
			return b
		}
		return all(true, x.From, x.To)
	case *ast.PredicateNode:
		return lastSearchHeld(x.Node, held)
	case *ast.VariableDeclaratorNode:
		return all(held, x.Value, x.Expr)
	case *ast.SequenceNode:
		return all(held, x.Nodes...)
	case *ast.ConditionalNode:
		return all(held, x.Cond, x.Exp1, x.Exp2)
	case *ast.ArrayNode:
		return first(x.Nodes, held)
	case *ast.MapNode:
		for i, p := range x.Pairs {
			if b := lastSearchHeld(p, held || i > 0); b != nil {
				return b
			}
		}
	case *ast.PairNode:
		return first([]ast.Node{x.Key, x.Value}, held)
	}
	return nil
}
