package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/expr-lang/expr/ast"
)

// guard runs after expr's type checker, on the checked tree, and refuses
// what that checker lets through but evaluation would reject on ordinary
// data: a value of unknown type (a custom attribute read by index, an
// element of a list of mixed values) used where a type is needed.
type guard struct {
	src    string
	params map[string][][]reflect.Type // parameter types of the library's functions, per signature
	hasNow bool                        // the environment has a now field (for attr's suggested default)
	typed  map[ast.Node]bool           // values that a patcher gives a type (see aggPatcher)
	err    *CompileError
}

func newGuard(src string, env reflect.Type, lib []libFunc) *guard {
	g := &guard{src: src, params: map[string][][]reflect.Type{}, hasNow: hasField(env, "now"), typed: map[ast.Node]bool{}}
	for _, f := range lib {
		for _, t := range f.types {
			ft := reflect.TypeOf(t)
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() != reflect.Func {
				continue
			}
			in := make([]reflect.Type, ft.NumIn())
			for i := range in {
				in[i] = ft.In(i)
			}
			g.params[f.name] = append(g.params[f.name], in)
		}
	}
	return g
}

// result returns the first problem found, once the walk is over.
func (g *guard) result() *CompileError { return g.err }

func (g *guard) fail(n ast.Node, format string, args ...any) {
	if g.err != nil {
		return
	}
	line, col := position(g.src, n.Location().From)
	g.err = &CompileError{Source: g.src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// Visit checks the operands of each node: expr's walk visits children
// before their parent, so every operand is checked where it is used.
func (g *guard) Visit(node *ast.Node) {
	if g.err != nil {
		return
	}
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		g.binary(n)
	case *ast.UnaryNode:
		g.need(n.Node, "the operator "+n.Operator, boolOrNumber(n.Operator))
	case *ast.ConditionalNode:
		g.need(n.Cond, "the condition", boolType)
	case *ast.MemberNode:
		g.need(n.Node, "reading "+memberWord(n), nil)
		g.need(n.Property, "an index", nil)
	case *ast.SliceNode:
		g.need(n.Node, "a slice", nil)
		if n.From != nil {
			g.need(n.From, "a slice", intType)
		}
		if n.To != nil {
			g.need(n.To, "a slice", intType)
		}
	case *ast.CallNode:
		g.call(n)
	case *ast.BuiltinNode:
		g.builtin(n)
	}
}

var (
	boolType = reflect.TypeFor[bool]()
	intType  = reflect.TypeFor[int]()
	timeType = reflect.TypeFor[time.Time]()
)

func boolOrNumber(op string) reflect.Type {
	if op == "!" || op == "not" {
		return boolType
	}
	return nil
}

func memberWord(n *ast.MemberNode) string {
	if s, ok := n.Property.(*ast.StringNode); ok {
		return "its field " + s.Value
	}
	return "an element of it"
}

func (g *guard) binary(n *ast.BinaryNode) {
	op := "the operator " + n.Operator
	switch n.Operator {
	case "==", "!=", "??":
		// Equality is defined for values of every type, nil included, and
		// ?? passes its operands on: their use is checked where it is.
		return
	case "in":
		// An element of unknown type is compared by equality with those of
		// a list; a map or a string needs a key of its own type.
		if !untyped(n.Right) && n.Right.Nature().Kind != reflect.Slice && n.Right.Nature().Kind != reflect.Array {
			g.need(n.Left, op, nil)
		}
		g.need(n.Right, op, nil)
		return
	case "&&", "||", "and", "or":
		g.need(n.Left, op, boolType)
		g.need(n.Right, op, boolType)
		return
	}
	g.need(n.Left, op, siblingType(n.Right))
	g.need(n.Right, op, siblingType(n.Left))
}

// siblingType is the type of a binary operator's other operand, from
// which attr's suggested default is written.
func siblingType(n ast.Node) reflect.Type {
	if untyped(n) {
		return nil
	}
	return n.Type()
}

func (g *guard) call(n *ast.CallNode) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return // refused before type checking
	}
	sigs := g.params[id.Value]
	for i, arg := range n.Arguments {
		// attr reads its map with a type assertion that tolerates any value.
		if id.Value == "attr" && i == 0 {
			continue
		}
		var want reflect.Type
		needed := len(sigs) > 0
		for _, in := range sigs {
			if i >= len(in) || in[i].Kind() == reflect.Interface {
				needed = false
				break
			}
			if want == nil {
				want = in[i]
			} else if want != in[i] {
				want = nil
			}
		}
		if needed {
			g.need(arg, "the call to "+id.Value, want)
		}
	}
}

// predicates are the builtins whose predicate must give a value of a known
// type: a condition, or a number (sum) or key (sortBy).
var predicates = map[string]reflect.Type{
	"all": boolType, "none": boolType, "any": boolType, "one": boolType,
	"filter": boolType, "count": boolType, "find": boolType, "findIndex": boolType,
	"findLast": boolType, "findLastIndex": boolType, "sum": nil, "sortBy": nil,
}

func (g *guard) builtin(n *ast.BuiltinNode) {
	what := "the call to " + n.Name
	for i, arg := range n.Arguments {
		if p, ok := arg.(*ast.PredicateNode); ok {
			if want, ok := predicates[n.Name]; ok {
				g.need(p.Node, "the predicate of "+n.Name, want)
			}
			continue
		}
		switch {
		case n.Name == "string" || n.Name == "type":
			// Defined for every value.
		case n.Name == "get" && i == 0:
			// get of nothing is nothing.
		default:
			g.need(arg, what, nil)
		}
	}
}

// need refuses n where a value of a known type is needed: n's type is
// unknown (an interface) or it is the nil literal, and use says where it is
// used. want is the type the use expects, when known, for the default
// that the message suggests.
func (g *guard) need(n ast.Node, use string, want reflect.Type) {
	if n == nil || !untyped(n) || g.typed[n] {
		return
	}
	if _, ok := n.(*ast.NilNode); ok {
		g.fail(n, "nil cannot be used with %s (only == and != accept it)", use)
		return
	}
	def := g.defaultFor(want)
	if b, ok := n.(*ast.BinaryNode); ok && b.Operator == "??" && constant(b.Right) {
		// m["key"] ?? 0: the default is there, attr gives it a type.
		n, def = b.Left, b.Right.String()
	}
	if m, key, ok := attribute(n); ok {
		g.fail(n, "%s[%s] has no type before the rule runs (an attribute may hold any value, or none), so %s cannot be checked; use attr(%s, %s, %s): its default gives the type and stands in for a missing value",
			m, strconv.Quote(key), use, m, strconv.Quote(key), def)
		return
	}
	g.fail(n, "%s has no type before the rule runs, so %s cannot be checked (a value of unknown type may only be compared with == or !=)", n, use)
}

// attribute reports whether n reads a key of a map of values of any type
// (m["key"], m.key, get(m, "key")), the custom attributes: attr reads
// them with a type.
func attribute(n ast.Node) (m ast.Node, key string, ok bool) {
	if c, isChain := n.(*ast.ChainNode); isChain {
		n = c.Node
	}
	switch x := n.(type) {
	case *ast.MemberNode:
		m = x.Node
		if s, isStr := x.Property.(*ast.StringNode); isStr {
			key, ok = s.Value, true
		}
	case *ast.BuiltinNode:
		if x.Name == "get" && len(x.Arguments) == 2 {
			m = x.Arguments[0]
			if s, isStr := x.Arguments[1].(*ast.StringNode); isStr {
				key, ok = s.Value, true
			}
		}
	}
	if !ok {
		return nil, "", false
	}
	t := m.Nature().Type
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Map || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.Interface {
		return nil, "", false
	}
	return m, key, true
}

// defaultFor writes the default attr takes for a value of type t.
func (g *guard) defaultFor(t reflect.Type) string {
	if t == nil {
		return "default"
	}
	if t == timeType {
		if g.hasNow {
			return "now"
		}
		return "default"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "false"
	case reflect.String:
		return `""`
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "0"
	case reflect.Float32, reflect.Float64:
		return "0.0"
	}
	return "default"
}

// untyped reports whether the type checker knows nothing of n's type:
// an interface (the value of an attribute, max of a list, an element of
// a list of mixed values) or the nil literal.
func untyped(n ast.Node) bool {
	nt := n.Nature()
	return nt.Type == nil || nt.Type.Kind() == reflect.Interface
}

func elemType(n ast.Node) reflect.Type {
	nt := n.Nature()
	if nt.Ref != nil {
		return nt.Ref.Type
	}
	if t := nt.Type; t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}
	return nil
}

func number(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// constant reports whether n is written in the rule: a literal, or a
// builtin call on literals.
func constant(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return true
	case *ast.UnaryNode:
		return constant(x.Node)
	case *ast.BuiltinNode:
		for _, a := range x.Arguments {
			if !constant(a) {
				return false
			}
		}
		return true
	}
	return false
}
