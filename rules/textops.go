package rules

import (
	"reflect"
	"regexp"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// textOps makes the operators contains, startsWith, endsWith and matches
// take a value of no type before the rule runs (an attribute read by
// index, a host function's) as icontains, istartsWith, iendsWith and
// match take it: text, or an ID, as text, and any other value (a
// number, a list, a missing attribute) as no text, which contains,
// starts and ends with none, is in none and matches no pattern. expr's
// evaluation fails on such a value where it is not a string, so the
// guard refused it. x contains y, where x or y is of no type, becomes
// $contains(x, y) (likewise $startsWith and $endsWith), and x matches
// "re" becomes match(x, "re"); an operator between values of a type is
// left to expr, as it was, and so is one with a value of another type
// than text (x contains 1, refused by expr's checker) or nil (nil
// written in the rule, or taken where a rule's nil is: c ? x : nil,
// refused by the guard). It runs right before the guard.
type textOps struct{ calls callTypes }

// textOpFuncs are the functions the operators become: they are not part
// of the library, so rules cannot call them.
var textOpFuncs = map[string]string{
	"contains": "$contains", "startsWith": "$startsWith", "endsWith": "$endsWith",
}

func (p textOps) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	fn, ok := textOpFuncs[n.Operator]
	if n.Operator == "matches" {
		// A pattern from data, or one that does not compile, stays
		// refused.
		re, quoted := n.Right.(*ast.StringNode)
		fn, ok = "match", quoted && validRegexp(re.Value)
	}
	if !ok || !p.untyped(n.Left) && !p.untyped(n.Right) || !p.text(n.Left) || !p.text(n.Right) {
		return
	}
	callee := &ast.IdentifierNode{Value: fn}
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Left, n.Right}}
	callee.SetLocation(n.Location())
	call.SetLocation(n.Location())
	*node = call
}

func (p textOps) untyped(n ast.Node) bool { return p.calls.untyped(n) }

// text reports whether n may be text: a value of no type or of a string
// kind. A value of another type (x contains 1) stays for expr's checker
// to refuse, and so do nil written in the rule and a value that takes a
// rule's nil (c ? x : nil), for the guard.
func (p textOps) text(n ast.Node) bool {
	if _, isNil := n.(*ast.NilNode); isNil || anyArg(n) != nil {
		return false
	}
	t := p.calls.typeOf(n)
	return t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.String
}

// textOp is the function an operator of textOpFuncs becomes, comparing
// text as the operator does and any other value as no text.
func textOp(f func(s, sub string) bool) func(p ...any) (any, error) {
	return func(p ...any) (any, error) {
		s, okS := textOf(p[0])
		sub, okSub := textOf(p[1])
		return okS && okSub && f(s, sub), nil
	}
}

// textOpImpls are the functions of textOpFuncs, by name.
var textOpImpls = map[string]func(p ...any) (any, error){
	"$contains":   textOp(strings.Contains),
	"$startsWith": textOp(strings.HasPrefix),
	"$endsWith":   textOp(strings.HasSuffix),
}

func validRegexp(pattern string) bool {
	_, err := regexp.Compile(pattern)
	return err == nil
}
