package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker/nature"
)

// guard runs after expr's type checker, on the checked tree, and refuses
// what that checker lets through but evaluation would reject on ordinary
// data: a value of unknown type (a custom attribute read by index, max of
// a list) used where a type is needed, a regular expression or a divisor
// taken from data, a string parsed at run time (int, float, date,
// duration, timezone), a count that could be negative. Nothing it accepts
// fails for those reasons when the rule runs; see "What can fail at run
// time" in the package documentation for what remains.
type guard struct {
	src    string
	params map[string][][]reflect.Type // parameter types of the library's functions, per signature
	hasNow bool                        // the environment has a now field (for attr's suggested default)
	typed  map[ast.Node]bool           // values that a patcher gives a type (see aggPatcher)
	err    *CompileError

	// Functions named without a call (first != nil) are refused when the
	// walk is over: the walk visits a callee before its call.
	funcs   []*ast.IdentifierNode
	callees map[ast.Node]bool
}

func newGuard(src string, env reflect.Type, lib []libFunc) *guard {
	g := &guard{src: src, params: map[string][][]reflect.Type{}, hasNow: hasField(env, "now"), typed: map[ast.Node]bool{}, callees: map[ast.Node]bool{}}
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
func (g *guard) result() *CompileError {
	for _, f := range g.funcs {
		if !g.callees[f] {
			g.fail(f, "%s is a function: call it, as %s(...)", f.Value, f.Value)
		}
	}
	return g.err
}

func (g *guard) fail(n ast.Node, format string, args ...any) {
	if g.err != nil {
		return
	}
	line, col := position(g.src, n.Location().From)
	for i, a := range args {
		if x, ok := a.(ast.Node); ok {
			args[i] = asWritten(g.src, x) // a part of the rule as written
		}
	}
	g.err = &CompileError{Source: g.src, Line: line, Column: col, Msg: withoutConversions(fmt.Sprintf(format, args...))}
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
		g.need(n.Node, "reading "+memberWord(n), containerType)
		g.need(n.Property, "an index", nil)
	case *ast.SliceNode:
		g.need(n.Node, "a slice", nil)
		if n.From != nil {
			g.need(n.From, "a slice", intType)
		}
		if n.To != nil {
			g.need(n.To, "a slice", intType)
		}
	case *ast.IdentifierNode:
		if nt := n.Nature(); nt.TypeData != nil && nt.TypeData.Func != nil {
			g.funcs = append(g.funcs, n)
		}
	case *ast.PairNode:
		// A key written in parentheses is computed: expr's map holds
		// string keys, and fails on another when the rule runs.
		if _, written := n.Key.(*ast.StringNode); !written {
			g.need(n.Key, "a key of a map", stringType)
			if t := n.Key.Type(); g.err == nil && t != nil && t.Kind() != reflect.String {
				g.fail(n.Key, "a key of a map is a string, and %s is %s", n.Key, t)
			}
		}
	case *ast.CallNode:
		g.callees[n.Callee] = true
		g.call(n)
	case *ast.BuiltinNode:
		g.builtin(n)
	}
}

var (
	boolType     = reflect.TypeFor[bool]()
	intType      = reflect.TypeFor[int]()
	stringType   = reflect.TypeFor[string]()
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	// containerType stands for a list or a map where the guard needs
	// one (an element read, in, inList's list).
	containerType = reflect.TypeFor[[]any]()
	locationType  = reflect.TypeFor[time.Location]()
)

func isFloat(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64)
}

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
		g.need(n.Right, op, containerType)
		return
	case "&&", "||", "and", "or":
		g.need(n.Left, op, boolType)
		g.need(n.Right, op, boolType)
		return
	case "matches":
		// The pattern first: with a quoted one, a text of no type is
		// taken (see textOps).
		if _, ok := n.Right.(*ast.StringNode); !ok {
			g.fail(n.Right, "the pattern of matches must be a quoted string, checked when the rule is loaded (a pattern taken from data may be invalid when the rule runs); compare with data using ==, icontains or istartsWith")
			return
		}
		g.need(n.Left, op, stringType)
		return
	case "%":
		g.need(n.Left, op, intType)
		if d, ok := constInt(n.Right); !ok {
			g.fail(n.Right, "the divisor of %% must be a number written in the rule: %s may be 0 when the rule runs", n.Right)
		} else if d == 0 {
			g.fail(n.Right, "integer divide by zero")
		}
		return
	case "..":
		for _, b := range []ast.Node{n.Left, n.Right} {
			if _, ok := constInt(b); !ok {
				g.fail(b, "the bounds of a range must be numbers written in the rule: a range from data may be too large to build; test a number with between(x, lo, hi)")
			}
		}
		return
	case "*":
		// The checker types a duration times a float64 as a duration; the
		// product is a float64, which no duration compares with.
		for _, x := range [][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
			if x[0].Type() == durationType && isFloat(x[1].Type()) {
				g.fail(x[1], `a duration times a fraction is not a duration when the rule runs; multiply it by a whole number (duration("1h") * 36), or compare hours with hoursSince`)
				return
			}
		}
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
		// inList, iequals and the functions that search text compare
		// a value of any type as in and == do: text as text, and any
		// other value as no text.
		if slices.Contains(comparesAny[id.Value], i) {
			continue
		}
		var want reflect.Type
		needed, lists := len(sigs) > 0, len(sigs) > 0
		for _, in := range sigs {
			if i >= len(in) || in[i].Kind() == reflect.Interface {
				needed = false
				break
			}
			lists = lists && isList(in[i])
			if want == nil {
				want = in[i]
			} else if want != in[i] {
				want = nil
			}
		}
		if want == nil && lists {
			want = containerType // inList(s, []string) and (s, []any)
		}
		if needed {
			g.need(arg, "the call to "+id.Value, want)
		}
	}
	if id.Value == "match" && len(n.Arguments) == 2 {
		if _, ok := n.Arguments[1].(*ast.StringNode); !ok {
			g.fail(n.Arguments[1], "the pattern of match must be a quoted string, checked when the rule is loaded (a pattern taken from data may be invalid when the rule runs); compare with data using ==, icontains or istartsWith")
		}
	}
}

// comparesAny are the functions of the library that take a value of any
// type at the arguments given, as in and == do (see textOf): text, or an
// ID, as text, and any other value as no text, which no text equals,
// contains, starts or ends with, and no pattern matches (match's pattern
// is a string written in the rule).
var comparesAny = map[string][]int{
	"inList": {0}, "iequals": {0, 1},
	"icontains": {0, 1}, "istartsWith": {0, 1}, "iendsWith": {0, 1}, "match": {0},
}

// predicates are the builtins whose predicate must give a value of a known
// type: a condition, or a number (sum) or key (sortBy, groupBy).
var predicates = map[string]reflect.Type{
	"all": boolType, "none": boolType, "any": boolType, "one": boolType,
	"filter": boolType, "count": boolType, "find": boolType, "findIndex": boolType,
	"findLast": boolType, "findLastIndex": boolType, "sum": nil, "sortBy": nil,
	"groupBy": nil,
}

// parsers are the builtins that parse a string: their string arguments must
// be written in the rule, and are parsed when it is loaded.
var parsers = map[string]string{
	"int":      "keep numbers in attributes and read them with attr(m, key, 0)",
	"float":    "keep numbers in attributes and read them with attr(m, key, 0.0)",
	"date":     "keep times in attributes and read them with attr(m, key, now)",
	"duration": "compare hours or days with hoursSince and daysSince",
	"timezone": "name the zone in the rule",
}

// counts are the builtins whose argument at the index given must be a
// count written in the rule: a negative count fails.
var counts = map[string]int{"take": 1, "bitshl": 1, "bitshr": 1, "bitushr": 1}

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
			g.need(arg, what, builtinParam(n.Name, i))
		}
	}
	if g.err != nil {
		return
	}
	if n.Name == "get" && len(n.Arguments) == 2 && untyped(n.Arguments[0]) {
		// Of a value of no known type, get reads an element only where
		// the value has one under the key (see getPatcher), which it
		// tells for a key written in the rule.
		if _, ok := copyLiteral(n.Arguments[1]); !ok {
			g.fail(n.Arguments[1], "get of %s, which has no type before the rule runs, takes a key written in the rule (a name or a number), and %s is not one", n.Arguments[0], n.Arguments[1])
			return
		}
	}
	if n.Name == "count" && len(n.Arguments) == 1 && elemType(n.Arguments[0]) != boolType {
		// count(list) counts the elements that are true.
		g.fail(n.Arguments[0], "count of a list counts its elements that are true, and the elements of %s are %s; count with a predicate: count(%s, ...)", n.Arguments[0], elemWord(elemType(n.Arguments[0])), n.Arguments[0])
		return
	}
	switch n.Name {
	case "int", "float", "date", "duration", "timezone":
		if n.Name == "float" && len(n.Arguments) == 1 && n.Arguments[0].Type() == durationType {
			g.fail(n.Arguments[0], "float needs a number, and %s is a duration; compare hours with hoursSince or daysSince", n.Arguments[0])
			return
		}
		if n.Name == "date" {
			// The checker takes any value; date parses text (after a
			// time zone, which the parse below checks). Its zone comes
			// last, by name: a location (timezone("...")) fails it.
			for _, arg := range n.Arguments {
				if t := arg.Type(); t == locationType || t == reflect.PointerTo(locationType) {
					g.fail(arg, "date() takes the zone by its name: write date(s, layout, %s), not %s", zoneExample(arg), arg)
					return
				}
				if t := arg.Type(); t != nil && t.Kind() != reflect.String && t != locationType && t != reflect.PointerTo(locationType) {
					also := ""
					if t == timeType {
						also = ": it is a time already, use it as it is"
					}
					g.fail(arg, "date() parses text, and %s is %s%s", arg, t, also)
					return
				}
			}
		}
		g.parse(n)
	case "take", "bitshl", "bitshr", "bitushr":
		if i := counts[n.Name]; i < len(n.Arguments) {
			if c, ok := constInt(n.Arguments[i]); !ok || c < 0 {
				g.fail(n.Arguments[i], "the count of %s must be a number written in the rule, 0 or more: a count from data may be negative when the rule runs", n.Name)
			}
		}
	case "join":
		if len(n.Arguments) > 0 && elemType(n.Arguments[0]) != stringType {
			g.fail(n.Arguments[0], "join needs a list of strings, and the elements of %s are %s", n.Arguments[0], elemWord(elemType(n.Arguments[0])))
		}
	case "sum":
		// Durations are no numbers to sum: the sum starts from 0, and a
		// duration plus an int fails when the rule runs.
		if len(n.Arguments) == 1 && (!number(elemType(n.Arguments[0])) || elemType(n.Arguments[0]) == durationType) {
			g.fail(n.Arguments[0], "sum needs numbers, and the elements of %s are %s", n.Arguments[0], elemWord(elemType(n.Arguments[0])))
		} else if len(n.Arguments) == 2 {
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok && (!number(p.Node.Type()) || p.Node.Type() == durationType) {
				g.fail(p.Node, "sum needs numbers, and %s is %s", p.Node, elemWord(p.Node.Nature().Type))
			}
		}
	case "abs", "ceil", "floor", "round":
		// The checker takes a duration for a number; these fail on one.
		if len(n.Arguments) == 1 && n.Arguments[0].Type() == durationType {
			g.fail(n.Arguments[0], "%s needs a number, and %s is a duration; compare hours with hoursSince or daysSince", n.Name, n.Arguments[0])
		}
	case "groupBy":
		// The key goes into a map: one that Go cannot hash (a map, a
		// list, a struct holding one) fails when the rule runs.
		if len(n.Arguments) == 2 {
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok && p.Node.Type() != nil && !p.Node.Type().Comparable() {
				g.fail(p.Node, "groupBy needs a key that a map can hold (a string, a number, a bool or a time), and %s is %s", p.Node, elemWord(p.Node.Nature().Type))
				return
			}
		}
	case "sort", "sortBy":
		order := 1
		if n.Name == "sortBy" {
			order = 2
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok && !ordered(p.Node.Nature().Type) {
				g.fail(p.Node, "sortBy needs a key that is a number, a string or a time, and %s is %s", p.Node, elemWord(p.Node.Nature().Type))
				return
			}
		} else if len(n.Arguments) > 0 && !ordered(elemType(n.Arguments[0])) {
			g.fail(n.Arguments[0], "sort needs a list of numbers, strings or times, and the elements of %s are %s", n.Arguments[0], elemWord(elemType(n.Arguments[0])))
			return
		}
		if order < len(n.Arguments) {
			if s, ok := n.Arguments[order].(*ast.StringNode); !ok || (s.Value != "asc" && s.Value != "desc") {
				g.fail(n.Arguments[order], `the order of %s must be "asc" or "desc", written in the rule`, n.Name)
			}
		}
	case "max", "min", "mean", "median":
		for _, arg := range n.Arguments {
			if k := arg.Nature().Kind; (k == reflect.Slice || k == reflect.Array) && !number(elemType(arg)) {
				g.fail(arg, "%s needs numbers, and the elements of %s are %s", n.Name, arg, elemWord(elemType(arg)))
				return
			}
			// With a list among them, the checker takes any value for
			// the others, which fail when the rule runs unless numbers.
			if k := arg.Nature().Kind; k != reflect.Slice && k != reflect.Array && !number(arg.Type()) && slices.ContainsFunc(n.Arguments, func(a ast.Node) bool {
				k := a.Nature().Kind
				return k == reflect.Slice || k == reflect.Array
			}) {
				g.fail(arg, "%s needs numbers, and %s is %s", n.Name, arg, elemWord(arg.Type()))
				return
			}
			// The checker takes durations for numbers, but max and min
			// of a list fail on them when the rule runs (of durations
			// not in a list they are right: see below).
			if k := arg.Nature().Kind; (k == reflect.Slice || k == reflect.Array) && elemType(arg) == durationType && (n.Name == "max" || n.Name == "min") {
				g.fail(arg, "%s needs a list of numbers, and the elements of %s are durations; compare hours with hoursSince or daysSince", n.Name, arg)
				return
			}
		}
		// Durations compare with durations only: max(d, 3) fails when
		// the rule runs.
		if d := slices.IndexFunc(n.Arguments, func(a ast.Node) bool { return a.Type() == durationType }); d >= 0 {
			for _, arg := range n.Arguments {
				if t := arg.Type(); t != durationType {
					g.fail(arg, "%s needs values of one type, and %s is %s where %s is %s", n.Name, arg, elemWord(t), n.Arguments[d], durationType)
					return
				}
			}
		}
	}
}

// builtinParam is the type that each signature of expr's builtin name
// takes at argument i (a string for lower(s)), for the default that a
// message suggests, or nil where they differ, take any value or declare
// none.
func builtinParam(name string, i int) reflect.Type {
	at, ok := builtin.Index[name]
	if !ok {
		return nil
	}
	var want reflect.Type
	for _, ft := range builtin.Builtins[at].Types {
		var pt reflect.Type
		switch {
		case ft.Kind() != reflect.Func:
			return nil
		case ft.IsVariadic() && i >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		default:
			continue
		}
		if pt.Kind() == reflect.Interface || want != nil && want != pt {
			return nil
		}
		want = pt
	}
	return want
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
	if x := anyArg(n); x != nil {
		g.fail(nilLiteral(x), "%s is nil where it takes its nil, and nil cannot be used with %s (only == and != accept it); give it a default: (%s) ?? %s", x, use, x, g.defaultFor(x.Type()))
		return
	}
	def := g.defaultFor(want)
	if b, ok := n.(*ast.BinaryNode); ok && b.Operator == "??" && constant(b.Right) {
		// m["key"] ?? 0: the default is there, attr gives it a type.
		n, def = b.Left, b.Right.String()
	}
	if m, key, ok := attribute(n); ok && (want == containerType || isList(want) || isMap(want)) {
		// No default of attr's gives a list or a map.
		g.fail(n, "%s[%s] has no type before the rule runs (an attribute may hold any value, or none), so %s cannot be checked; attr reads an attribute as text, a number, a bool or a time: compare one that holds a list or a map with == or != (%s[%s] == [...])",
			m, strconv.Quote(key), use, m, strconv.Quote(key))
		return
	}
	if m, key, ok := attribute(n); ok {
		g.fail(n, "%s[%s] has no type before the rule runs (an attribute may hold any value, or none), so %s cannot be checked; use attr(%s, %s, %s): its default gives the type and stands in for a missing value",
			m, strconv.Quote(key), use, m, strconv.Quote(key), def)
		return
	}
	g.fail(n, "%s has no type before the rule runs, so %s cannot be checked (a value of unknown type may only be compared with == or !=, be an element tested with in, or be given to iequals, icontains, istartsWith, iendsWith, inList, match, contains, startsWith, endsWith or matches, which read it as text where it is text)", n, use)
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

func elemType(n ast.Node) reflect.Type { return elemOf(n.Nature()) }

func elemOf(nt *nature.Nature) reflect.Type {
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

func ordered(t reflect.Type) bool {
	return number(t) || t != nil && (t.Kind() == reflect.String || t == timeType)
}

// constInt returns the value of an integer written in the rule (3, -3),
// or of integer arithmetic (+, -, * and %, as in Go: the first three wrap
// around) on such integers (0 - 1, -(2 * 3), 5 % 3): its value is the same
// whatever the data, as expr's optimizer finds too.
func constInt(n ast.Node) (int, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return x.Value, true
	case *ast.UnaryNode:
		if v, ok := constInt(x.Node); ok && (x.Operator == "-" || x.Operator == "+") {
			if x.Operator == "-" {
				v = -v
			}
			return v, true
		}
	case *ast.BinaryNode:
		l, okL := constInt(x.Left)
		r, okR := constInt(x.Right)
		if !okL || !okR {
			return 0, false
		}
		switch x.Operator {
		case "+":
			return l + r, true
		case "-":
			return l - r, true
		case "*":
			return l * r, true
		case "%":
			if r == 0 {
				return 0, false // refused where it is written: integer divide by zero
			}
			return l % r, true
		}
	}
	return 0, false
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

// elemWord names type t in a message: "string", or "of no known type".
func elemWord(t reflect.Type) string {
	if t == nil || t.Kind() == reflect.Interface {
		return "of no known type"
	}
	return t.String()
}
