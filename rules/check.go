package rules

import (
	"fmt"
	"reflect"
	"regexp"
	"sync/atomic"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
)

// checker walks a parsed rule before type checking: it counts nodes, refuses
// calls to anything outside the library (methods of environment values,
// function-typed fields), validates constant regular expressions, and notes
// uses of the functions that read now.
type checker struct {
	known   map[string]bool
	src     string
	regexps *regexpCache

	nodes   int
	err     *CompileError
	usesNow bool
	nowFunc string
	nowLine int
	nowCol  int
}

func (c *checker) fail(n ast.Node, format string, args ...any) {
	if c.err != nil {
		return
	}
	line, col := position(c.src, n.Location().From)
	c.err = &CompileError{Source: c.src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

func (c *checker) Visit(node *ast.Node) {
	c.nodes++
	if b, ok := (*node).(*ast.BuiltinNode); ok {
		if why, off := disabledBuiltins[b.Name]; off {
			c.fail(b, "%s() is not available: %s", b.Name, why)
		}
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	switch callee := call.Callee.(type) {
	case *ast.IdentifierNode:
		name := callee.Value
		if why, off := disabledBuiltins[name]; off {
			c.fail(call, "%s() is not available: %s", name, why)
			return
		}
		if !c.known[name] {
			c.fail(call, "unknown function %s (rules may call only the functions of the library)", name)
			return
		}
		switch name {
		case "attr":
			// The fourth argument is attrPatcher's, never the rule's.
			if len(call.Arguments) > 3 {
				c.fail(call, "too many arguments to call attr")
				return
			}
		case "daysSince", "hoursSince":
			if len(call.Arguments) == 1 && !c.usesNow {
				c.usesNow, c.nowFunc = true, name
				c.nowLine, c.nowCol = position(c.src, call.Location().From)
			}
		case "match":
			if len(call.Arguments) == 2 {
				if s, ok := call.Arguments[1].(*ast.StringNode); ok {
					if _, err := regexp.Compile(s.Value); err != nil {
						c.fail(s, "invalid regular expression %q: %v", s.Value, err)
						return
					}
					c.regexps.get(s.Value) // warm the cache
				}
			}
		}
	case *ast.MemberNode:
		c.fail(call, "method calls are not allowed (rules may call only the functions of the library)")
	default:
		c.fail(call, "only functions of the library can be called")
	}
}

// nowPatcher completes daysSince(t) and hoursSince(t) into
// daysSince(t, now): time is an input of the rule's environment, never the
// wall clock.
type nowPatcher struct{}

func (nowPatcher) Visit(node *ast.Node) {
	retype(node)
	call, ok := (*node).(*ast.CallNode)
	if !ok || len(call.Arguments) != 1 {
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || (id.Value != "daysSince" && id.Value != "hoursSince") {
		return
	}
	now := &ast.IdentifierNode{Value: "now"}
	now.SetLocation(call.Location())
	call.Arguments = append(call.Arguments, now)
}

// attrPatcher completes attr(m, key, default) into attr(m, key, default,
// counter), counter being a constant that stands for the counter of the
// rule's attribute defaults (see compiled.forRule).
type attrPatcher struct{ counter *atomic.Uint64 }

func (p attrPatcher) Visit(node *ast.Node) {
	retype(node)
	call, ok := (*node).(*ast.CallNode)
	if !ok || len(call.Arguments) != 3 {
		return
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "attr" {
		return
	}
	c := &ast.ConstantNode{Value: p.counter}
	c.SetLocation(call.Location())
	call.Arguments = append(call.Arguments, c)
}

// aggPatcher gives mean, median, max and min of lists of numbers the type
// that expr's checker leaves unknown (or, for mean and median of integers
// not in a list, gets wrong), so that rules can compare them:
// mean and median are float64 (0 for an empty list); max and min are int
// when every number they take is an integer and float64 otherwise, and of
// an empty list they are 0, counted as missing (see elemPatcher).
type aggPatcher struct {
	counter *atomic.Uint64
	typed   map[ast.Node]bool // the guard's: the values converted
	calls   callTypes         // the types of the calls it has visited (max(nums()))
}

func (p aggPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	n, ok := (*node).(*ast.BuiltinNode)
	if !ok || len(n.Arguments) == 0 {
		return
	}
	// Of numbers not in a list (mean(a, b), median(x)) expr's checker
	// keeps the type of the numbers, an int or a duration where
	// evaluation gives a float64.
	mistyped := (n.Name == "mean" || n.Name == "median") && number(n.Type()) && !isFloat(n.Type())
	if !untyped(n) && !mistyped {
		return
	}
	ints := true
	for _, a := range n.Arguments {
		nt := p.calls.nature(a)
		t := nt.Type
		if k := nt.Kind; k == reflect.Slice || k == reflect.Array {
			t = elemOf(&nt)
		}
		if !number(t) {
			return // refused by the guard
		}
		ints = ints && t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64
	}
	conv, zero := "float", any(0.0)
	var x ast.Node = n
	switch n.Name {
	case "mean", "median":
	case "max", "min":
		if ints {
			conv, zero = "int", 0
		}
		x = orZero(n, zero, p.counter, n.Location())
	default:
		return
	}
	typed := &ast.BuiltinNode{Name: conv, Arguments: []ast.Node{x}}
	typed.SetLocation(n.Location())
	p.typed[x] = true
	*node = typed
}

// retype forgets the type expr's checker found for a call, so that its
// next pass checks the call's arguments again: a pass keeps the type of a
// call that an earlier pass found and does not look at its arguments, not
// even to report their errors, nor to type those a patcher added. Each
// patcher calls it on every node it visits, and recheck on every node
// before the last pass.
func retype(node *ast.Node) {
	if c, ok := (*node).(*ast.CallNode); ok {
		c.SetType(nil)
	}
}

// callTypes keeps the type that expr's checker found for each call (nil
// where it found none) when retype forgets it, for the patchers that read
// the type of a call under the node they visit: a patcher walks the tree
// children first, so by the time it visits owner() in ids or ids ==
// pair() it has made the call of no known type, and would take an ID or a
// list of strings for a value of no type.
type callTypes map[*ast.CallNode]reflect.Type

// retype is retype, keeping the call's type.
func (c callTypes) retype(node *ast.Node) {
	if n, ok := (*node).(*ast.CallNode); ok {
		c[n] = n.Nature().Type
		n.SetType(nil)
	}
}

// typeOf is n's type (nil where the checker found none), as the checker
// found it before the walk where n is a call retype has forgotten the
// type of.
func (c callTypes) typeOf(n ast.Node) reflect.Type {
	if call, ok := n.(*ast.CallNode); ok && call.Nature().Type == nil {
		return c[call]
	}
	return n.Nature().Type
}

// nature is n's nature, read as typeOf reads its type.
func (c callTypes) nature(n ast.Node) nature.Nature {
	if call, ok := n.(*ast.CallNode); ok && call.Nature().Type == nil && c[call] != nil {
		return nature.FromType(c[call])
	}
	return *n.Nature()
}

// untyped is untyped, reading a call's type as typeOf does.
func (c callTypes) untyped(n ast.Node) bool {
	t := c.typeOf(n)
	return t == nil || t.Kind() == reflect.Interface
}

// recheck retypes every call right before expr's last type check: expr
// walks its repeatable patchers after the others, then checks the types
// once more, so a type error in a call's arguments (icontains(s,
// ["a" * 2])) is reported, not lost to an earlier pass.
type recheck struct{}

func (recheck) Visit(node *ast.Node) { retype(node) }
func (recheck) Reset()               {}
func (recheck) ShouldRepeat() bool   { return false }
