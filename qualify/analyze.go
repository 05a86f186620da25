package qualify

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// A field is a scalar of the role environment that the analysis knows how
// to read without reflection: the fields that pre-filters test and memo
// keys are made of.
type field struct {
	path string
	str  func(*buyinggroup.RoleEnv) string  // string fields
	num  func(*buyinggroup.RoleEnv) float64 // float fields
	// integer fields, kept whole: a float64 holds every int only up to
	// 2^53, and a rule compares ints exactly.
	integer func(*buyinggroup.RoleEnv) int64
}

var fields = []field{
	{path: "person.id", str: func(e *buyinggroup.RoleEnv) string { return string(e.Person.ID) }},
	{path: "person.email", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Email }},
	{path: "person.firstName", str: func(e *buyinggroup.RoleEnv) string { return e.Person.FirstName }},
	{path: "person.lastName", str: func(e *buyinggroup.RoleEnv) string { return e.Person.LastName }},
	{path: "person.title", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Title }},
	{path: "person.department", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Department }},
	{path: "person.seniority", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Seniority }},
	{path: "person.phone", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Phone }},
	{path: "person.company", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Company }},
	{path: "person.accountId", str: func(e *buyinggroup.RoleEnv) string { return string(e.Person.AccountID) }},
	{path: "person.source", str: func(e *buyinggroup.RoleEnv) string { return e.Person.Source }},
	{path: "account.id", str: func(e *buyinggroup.RoleEnv) string { return string(e.Account.ID) }},
	{path: "account.name", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Name }},
	{path: "account.industry", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Industry }},
	{path: "account.country", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Country }},
	{path: "account.region", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Region }},
	{path: "account.timeZone", str: func(e *buyinggroup.RoleEnv) string { return e.Account.TimeZone }},
	{path: "account.owner", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Owner }},
	{path: "account.territory", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Territory }},
	{path: "account.parentId", str: func(e *buyinggroup.RoleEnv) string { return string(e.Account.ParentID) }},
	{path: "account.source", str: func(e *buyinggroup.RoleEnv) string { return e.Account.Source }},
	{path: "account.employees", integer: func(e *buyinggroup.RoleEnv) int64 { return int64(e.Account.Employees) }},
	{path: "account.annualRevenue", num: func(e *buyinggroup.RoleEnv) float64 { return e.Account.AnnualRevenue }},
}

func fieldIndex(path string) int {
	return slices.IndexFunc(fields, func(f field) bool { return f.path == path })
}

// appendKey appends field f's value to a memo key, length-prefixed so that
// keys are unambiguous.
func (f *field) appendKey(b []byte, e *buyinggroup.RoleEnv) []byte {
	if f.str != nil {
		s := f.str(e)
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	}
	if f.integer != nil {
		return binary.LittleEndian.AppendUint64(b, uint64(f.integer(e)))
	}
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f.num(e)))
}

// A constraint is a necessary condition of a rule: the string field must
// hold one of values (exactly, as expr's == and in compare strings).
type constraint struct {
	field  int
	values []string
}

func (c *constraint) holds(e *buyinggroup.RoleEnv) bool {
	v := fields[c.field].str(e)
	for _, x := range c.values {
		if v == x {
			return true
		}
	}
	return false
}

// analysis is what the syntax tree of a role rule tells about it.
type analysis struct {
	parsed bool
	// conditions and nodes measure specificity (see the package doc).
	conditions, nodes int
	// refs are the environment paths the rule reads, for explanations.
	refs []ref
	// cacheable: the rule reads only fields of the table (no time, no
	// attributes, no collections), so its result is a function of them.
	cacheable bool
	// inputs are the fields that decide the rule once its constraints
	// hold (the fields its other conjuncts read): the memo key.
	inputs []int
	// constraints are necessary conditions; set only for rules that
	// cannot fail at run time (safe), so skipping is exact.
	safe        bool
	constraints []constraint
	// complete: the rule is nothing but its constraints, so they decide
	// it both ways.
	complete bool
}

// ref is one input of a rule as shown in explanations: a path such as
// person.title, or an attribute read with attr().
type ref struct {
	path []string
	attr string // attr(path, "attr", ...) when not empty
	// label is name(), made once: every qualified member's explanation
	// lists its rule's inputs by these names, and a state keeps them.
	label string
}

func (r ref) name() string {
	p := strings.Join(r.path, ".")
	if r.attr != "" {
		return fmt.Sprintf("attr(%s, %q)", p, r.attr)
	}
	return p
}

// boolFuncs are the library functions and builtins that are conditions.
var boolFuncs = map[string]bool{
	"icontains": true, "istartsWith": true, "iendsWith": true, "iequals": true, "match": true,
	"between": true, "inList": true, "any": true, "all": true, "none": true, "one": true,
}

var conditionOps = map[string]bool{
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true,
	"in": true, "contains": true, "startsWith": true, "endsWith": true, "matches": true,
}

// safeOps are the binary operators that cannot fail on scalar operands.
var safeOps = map[string]bool{
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "in": true,
	"contains": true, "startsWith": true, "endsWith": true, "&&": true, "||": true, "and": true, "or": true,
	"+": true, "-": true, "*": true,
}

// safeFuncs are the functions that cannot fail on scalar arguments of the
// types the type checker admitted.
var safeFuncs = map[string]bool{
	"icontains": true, "istartsWith": true, "iendsWith": true, "iequals": true,
	"between": true, "inList": true, "domain": true, "lower": true, "upper": true, "trim": true,
	"trimPrefix": true, "trimSuffix": true, "len": true, "hasPrefix": true, "hasSuffix": true,
	"any": true, "all": true, "none": true, "one": true, "count": true, "filter": true, "map": true,
	"match": true, // with a constant pattern, checked below
	"attr":  true, // a missing attribute gives the default
}

// analyze parses src with expr's parser. A source that does not parse
// (another engine's syntax) gets an empty analysis: no pre-filter, no
// memo, specificity 0.
func analyze(src string) analysis {
	tree, err := parser.Parse(src)
	if err != nil {
		return analysis{}
	}
	a := analysis{parsed: true, cacheable: true, safe: true}
	w := &walker{a: &a}
	w.walk(tree.Node)
	ast.Walk(&tree.Node, &a)
	// The residual is what the constraints leave to decide: the whole
	// rule, or for a safe rule the conjuncts that are not constraints.
	residual := &a
	if a.safe {
		var rest []ast.Node
		for _, c := range conjuncts(tree.Node) {
			if k, ok := constraintOf(c); ok {
				a.constraints = append(a.constraints, k)
			} else {
				rest = append(rest, c)
			}
		}
		a.complete = len(rest) == 0
		residual = &analysis{cacheable: true, safe: true}
		rw := &walker{a: residual}
		for _, c := range rest {
			rw.walk(c)
		}
	}
	if a.cacheable {
		for _, r := range residual.refs {
			a.inputs = append(a.inputs, fieldIndex(strings.Join(r.path, ".")))
		}
		slices.Sort(a.inputs)
		a.inputs = slices.Compact(a.inputs)
	}
	return a
}

// Visit counts the nodes of the syntax tree (ast.Walk visits each once).
func (a *analysis) Visit(*ast.Node) { a.nodes++ }

type walker struct{ a *analysis }

func (w *walker) addRef(r ref) {
	r.label = r.name()
	if !slices.ContainsFunc(w.a.refs, func(x ref) bool { return x.label == r.label }) {
		w.a.refs = append(w.a.refs, r)
	}
	if r.attr != "" {
		w.a.cacheable = false
		return
	}
	f := fieldIndex(strings.Join(r.path, "."))
	if f < 0 {
		w.a.cacheable, w.a.safe = false, false
	}
}

func (w *walker) walk(n ast.Node) {
	if n == nil {
		return
	}
	switch x := n.(type) {
	case *ast.IdentifierNode:
		w.addRef(ref{path: []string{x.Value}})
	case *ast.MemberNode:
		if p, ok := memberPath(x); ok {
			w.addRef(ref{path: p})
			return
		}
		w.a.safe = false // indexing can fail
		w.walk(x.Node)
		w.walk(x.Property)
	case *ast.UnaryNode:
		w.walk(x.Node)
	case *ast.BinaryNode:
		if conditionOps[x.Operator] {
			w.a.conditions++
		}
		if !safeOps[x.Operator] {
			if x.Operator == "matches" {
				if _, ok := x.Right.(*ast.StringNode); !ok {
					w.a.safe = false
				}
			} else {
				w.a.safe = false
			}
		}
		if x.Operator == "in" {
			if _, ok := x.Right.(*ast.ArrayNode); !ok {
				w.a.safe = false
			}
		}
		w.walk(x.Left)
		w.walk(x.Right)
	case *ast.CallNode:
		name := ""
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			name = id.Value
		} else {
			w.walk(x.Callee)
		}
		w.call(name, x.Arguments)
	case *ast.BuiltinNode:
		w.call(x.Name, x.Arguments)
	case *ast.ChainNode:
		w.a.safe = false
		// person.consent?.email?.status reads the status, as the same
		// chain without '?' does: explanations show that value.
		if p, ok := chainPath(x.Node); ok {
			w.addRef(ref{path: p})
			return
		}
		w.walk(x.Node)
	case *ast.SliceNode:
		w.a.safe = false
		w.walk(x.Node)
		w.walk(x.From)
		w.walk(x.To)
	case *ast.PredicateNode:
		w.walk(x.Node)
	case *ast.ConditionalNode:
		w.walk(x.Cond)
		w.walk(x.Exp1)
		w.walk(x.Exp2)
	case *ast.VariableDeclaratorNode:
		w.a.safe = false
		w.walk(x.Value)
		w.walk(x.Expr)
	case *ast.SequenceNode:
		w.a.safe = false
		for _, c := range x.Nodes {
			w.walk(c)
		}
	case *ast.ArrayNode:
		for _, c := range x.Nodes {
			w.walk(c)
		}
	case *ast.MapNode:
		for _, c := range x.Pairs {
			w.walk(c)
		}
	case *ast.PairNode:
		w.walk(x.Key)
		w.walk(x.Value)
	case *ast.PointerNode:
		// The current element of a predicate: what it ranges over is
		// referenced elsewhere.
	case *ast.NilNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.StringNode, *ast.BytesNode, *ast.ConstantNode:
	default:
		// A node this analysis does not know: assume the worst.
		w.a.cacheable, w.a.safe = false, false
	}
}

func (w *walker) call(name string, args []ast.Node) {
	if boolFuncs[name] {
		w.a.conditions++
	}
	if !safeFuncs[name] {
		w.a.safe = false
	}
	switch name {
	case "daysSince", "hoursSince":
		// They read the environment's now as well.
		w.addRef(ref{path: []string{"now"}})
	case "attr":
		if len(args) == 3 {
			if p, ok := pathOf(args[0]); ok {
				if k, ok := args[1].(*ast.StringNode); ok {
					w.addRef(ref{path: p, attr: k.Value})
					w.walk(args[2])
					return
				}
			}
		}
	case "match":
		if len(args) == 2 {
			if _, ok := args[1].(*ast.StringNode); ok {
				break
			}
		}
		w.a.safe = false
	}
	for _, a := range args {
		w.walk(a)
	}
}

// memberPath returns the identifiers of a chain like person.title
// (["person", "title"]).
func memberPath(m *ast.MemberNode) ([]string, bool) {
	if m.Optional || m.Method {
		return nil, false
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return nil, false
	}
	base, ok := pathOf(m.Node)
	if !ok {
		return nil, false
	}
	return append(base, prop.Value), true
}

// chainPath is memberPath for the members of an optional chain, '?' or
// not.
func chainPath(n ast.Node) ([]string, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return []string{x.Value}, true
	case *ast.MemberNode:
		prop, ok := x.Property.(*ast.StringNode)
		if !ok || x.Method {
			return nil, false
		}
		base, ok := chainPath(x.Node)
		if !ok {
			return nil, false
		}
		return append(base, prop.Value), true
	}
	return nil, false
}

func pathOf(n ast.Node) ([]string, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return []string{x.Value}, true
	case *ast.MemberNode:
		return memberPath(x)
	}
	return nil, false
}

// conjuncts splits a && b && c into its terms.
func conjuncts(n ast.Node) []ast.Node {
	if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
		return append(conjuncts(b.Left), conjuncts(b.Right)...)
	}
	return []ast.Node{n}
}

// constraintOf recognises the terms that restrict a string field to a set
// of values: f == "x", "x" == f, f in ["x", "y"], and a disjunction of
// such terms on the same field.
func constraintOf(n ast.Node) (constraint, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return constraint{}, false
	}
	strField := func(n ast.Node) int {
		p, ok := pathOf(n)
		if !ok {
			return -1
		}
		i := fieldIndex(strings.Join(p, "."))
		if i < 0 || fields[i].str == nil {
			return -1
		}
		return i
	}
	switch b.Operator {
	case "==":
		if f := strField(b.Left); f >= 0 {
			if s, ok := b.Right.(*ast.StringNode); ok {
				return constraint{field: f, values: []string{s.Value}}, true
			}
		}
		if f := strField(b.Right); f >= 0 {
			if s, ok := b.Left.(*ast.StringNode); ok {
				return constraint{field: f, values: []string{s.Value}}, true
			}
		}
	case "in":
		f := strField(b.Left)
		arr, ok := b.Right.(*ast.ArrayNode)
		if f < 0 || !ok {
			return constraint{}, false
		}
		var vs []string
		for _, e := range arr.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return constraint{}, false
			}
			vs = append(vs, s.Value)
		}
		return constraint{field: f, values: vs}, true
	case "||", "or":
		l, ok1 := constraintOf(b.Left)
		r, ok2 := constraintOf(b.Right)
		if ok1 && ok2 && l.field == r.field {
			return constraint{field: l.field, values: append(slices.Clip(l.values), r.values...)}, true
		}
	}
	return constraint{}, false
}

// value returns the value a rule read at ref, for explanations.
func (r ref) value(e *buyinggroup.RoleEnv) string {
	if r.attr == "" {
		if i := fieldIndex(strings.Join(r.path, ".")); i >= 0 {
			f := &fields[i]
			switch {
			case f.str != nil:
				return f.str(e)
			case f.integer != nil:
				return strconv.FormatInt(f.integer(e), 10)
			}
			return strconv.FormatFloat(f.num(e), 'f', -1, 64)
		}
	}
	v, why := lookup(reflect.ValueOf(e).Elem(), r.path)
	if why != "" {
		return why
	}
	if r.attr != "" {
		if v.Kind() != reflect.Map {
			return "<unknown>"
		}
		x := v.MapIndex(reflect.ValueOf(r.attr))
		if !x.IsValid() {
			return "<missing>"
		}
		v = x
	}
	return display(v)
}

func display(v reflect.Value) string {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "<nil>"
		}
		v = v.Elem()
	}
	if t, ok := v.Interface().(time.Time); ok {
		if t.IsZero() {
			return "<never>"
		}
		return t.UTC().Format(time.RFC3339)
	}
	s := fmt.Sprint(v.Interface())
	if len(s) > 200 {
		// Cut between characters, never inside one: the explanation
		// must stay valid text.
		cut := 197
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// lookup resolves a path of expr names in a struct value, or says why it
// cannot: "<missing>" for a key that is not in its map or a nil part (what
// an optional chain stops at), "<unknown>" for a name that is no field. A
// key that is not in a map whose element type says what a missing element
// reads as (rules.MissingElement) resolves to that value, as in the rule.
func lookup(v reflect.Value, path []string) (reflect.Value, string) {
	for _, name := range path {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return reflect.Value{}, "<missing>"
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			found := false
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				tag, has := f.Tag.Lookup("expr")
				if (has && tag == name) || (!has && f.Name == name) {
					v, found = v.Field(i), true
					break
				}
			}
			if !found {
				return reflect.Value{}, "<unknown>"
			}
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return reflect.Value{}, "<unknown>"
			}
			x := v.MapIndex(reflect.ValueOf(name).Convert(v.Type().Key()))
			if !x.IsValid() {
				// As the rule read it: person.consent.sms of a person
				// with no statement for sms is b2b.Consent's Missing.
				m, ok := rules.MissingElement(v.Type().Elem())
				if !ok {
					return reflect.Value{}, "<missing>"
				}
				x = reflect.ValueOf(m)
			}
			v = x
		default:
			return reflect.Value{}, "<unknown>"
		}
	}
	return v, ""
}
