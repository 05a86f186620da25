package rules

import "github.com/expr-lang/expr/ast"

// anyFunc gives its argument as a value of no known type: it is not
// part of the library, so rules cannot call it.
const anyFunc = "$any"

func toAny(p ...any) (any, error) { return p[0], nil }

// nilPatcher makes a value that is nil where the rule's nil literal is
// taken ((c ? "a" : nil), (x ?? nil)) a value of no known type where the
// rule uses it. expr's checker types c ? "a" : nil as a string, and its
// evaluation fails on the nil where a string is wanted: compared with
// "x" ((c ? "a" : nil) == "x" failed with "interface {} is nil, not
// string"), added to, given to a function. Of no known type, the value
// is compared by equality (nil equals no string), and the guard refuses
// every other use when the rule is loaded, as it refuses the nil
// literal's, with what to write instead. It is left as it is where nil
// is passed on: a branch of ?:, and the value that ?? gives a default;
// the rule's own value is checked after compiling (see mayBeNil).
//
// The value x becomes $any(x) (see anyFunc). It runs after namedPatcher,
// which may have converted x to text ($string(c ? person.id : nil)),
// and before the guard.
type nilPatcher struct{}

func (nilPatcher) Visit(node *ast.Node) {
	retype(node)
	switch n := (*node).(type) {
	case *ast.UnaryNode:
		untype(&n.Node)
	case *ast.BinaryNode:
		if n.Operator != "??" {
			untype(&n.Left)
		}
		untype(&n.Right)
	case *ast.MemberNode:
		untype(&n.Node)
		untype(&n.Property)
	case *ast.ChainNode:
		untype(&n.Node)
	case *ast.SliceNode:
		untype(&n.Node)
		if n.From != nil {
			untype(&n.From)
		}
		if n.To != nil {
			untype(&n.To)
		}
	case *ast.CallNode:
		if unconverted(n) != ast.Node(n) {
			return // $string(x): the conversion passes nil on, and is untyped with x
		}
		for i := range n.Arguments {
			untype(&n.Arguments[i])
		}
	case *ast.BuiltinNode:
		for i := range n.Arguments {
			untype(&n.Arguments[i])
		}
	case *ast.PredicateNode:
		untype(&n.Node)
	case *ast.VariableDeclaratorNode:
		untype(&n.Value)
	case *ast.SequenceNode:
		for i := range n.Nodes {
			if i < len(n.Nodes)-1 {
				untype(&n.Nodes[i])
			}
		}
	case *ast.ConditionalNode:
		untype(&n.Cond)
	case *ast.ArrayNode:
		for i := range n.Nodes {
			untype(&n.Nodes[i])
		}
	case *ast.PairNode:
		untype(&n.Key)
		untype(&n.Value)
	}
}

// untype replaces *node with $any(*node) where it is nil where a nil
// literal of the rule is taken, and is not that literal itself (which is
// of no type already).
func untype(node *ast.Node) {
	if isNilNode(unconverted(*node)) || isAny(*node) || !mayBeNil(*node) {
		return
	}
	callee := &ast.IdentifierNode{Value: anyFunc}
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{*node}}
	callee.SetLocation((*node).Location())
	call.SetLocation((*node).Location())
	*node = call
}

// mayBeNil reports whether n is nil where a nil literal of the rule is
// taken: the literal, c ? x : y where x or y may be, x ?? y where y may
// be, and a let or a sequence whose value may be.
func mayBeNil(n ast.Node) bool {
	n = unconverted(n)
	if isAny(n) {
		return true
	}
	switch x := n.(type) {
	case *ast.NilNode:
		return true
	case *ast.ConditionalNode:
		return mayBeNil(x.Exp1) || mayBeNil(x.Exp2)
	case *ast.BinaryNode:
		return x.Operator == "??" && mayBeNil(x.Right)
	case *ast.VariableDeclaratorNode:
		return mayBeNil(x.Expr)
	case *ast.SequenceNode:
		return len(x.Nodes) > 0 && mayBeNil(x.Nodes[len(x.Nodes)-1])
	}
	return false
}

// nilLiteral returns the nil literal that makes n nil, where mayBeNil
// holds, for the message that refuses n to point at.
func nilLiteral(n ast.Node) ast.Node {
	n = unconverted(n)
	if x := anyArg(n); x != nil {
		return nilLiteral(x)
	}
	switch x := n.(type) {
	case *ast.NilNode:
		return x
	case *ast.ConditionalNode:
		if mayBeNil(x.Exp1) {
			return nilLiteral(x.Exp1)
		}
		return nilLiteral(x.Exp2)
	case *ast.BinaryNode:
		return nilLiteral(x.Right)
	case *ast.VariableDeclaratorNode:
		return nilLiteral(x.Expr)
	case *ast.SequenceNode:
		return nilLiteral(x.Nodes[len(x.Nodes)-1])
	}
	return n
}

// isAny reports whether n is $any(x), and anyArg returns x.
func isAny(n ast.Node) bool { return anyArg(n) != nil }

func anyArg(n ast.Node) ast.Node {
	if c, ok := n.(*ast.CallNode); ok && len(c.Arguments) == 1 {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && id.Value == anyFunc {
			return c.Arguments[0]
		}
	}
	return nil
}
