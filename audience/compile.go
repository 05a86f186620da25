package audience

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// The aggregate functions that audience rules may call, on top of the rules
// library.
const (
	// FuncActivityCount is activityCount(type, days): the account's
	// activities of a type in the last days.
	FuncActivityCount = "activityCount"
	// FuncPersonActivityCount is personActivityCount(type, days): the
	// current person's activities of a type in the last days, inside a
	// predicate over persons.
	FuncPersonActivityCount = "personActivityCount"
)

// MaxDays is the longest window an aggregate may ask for (ten years).
const MaxDays = 3650

// aggName is the environment field that holds the precomputed aggregate
// values; rules cannot name it themselves.
const aggName = "_agg"

// Aggregate is one activity aggregate a rule uses: the activities of Type
// (or of any type for "*") in the last Days days, counted for the account,
// or for each person when PerPerson is set.
type Aggregate struct {
	Type      string
	Days      float64
	PerPerson bool
}

// String renders the aggregate as it is written in a rule.
func (a Aggregate) String() string {
	fn := FuncActivityCount
	if a.PerPerson {
		fn = FuncPersonActivityCount
	}
	return fmt.Sprintf("%s(%q, %s)", fn, a.Type, strconv.FormatFloat(a.Days, 'f', -1, 64))
}

// aggCall is one call found in a rule, with its span in runes.
type aggCall struct {
	agg       Aggregate
	from, to  int // [from, to) covers the whole call, parentheses included
	line, col int
}

// scanned is what the pre-pass over a rule found.
type scanned struct {
	calls   []aggCall
	account []accountRead // account.<field> and custom attributes read by key anywhere in the rule, for explanations
	groups  []string      // fields of the current group read in predicates over groups (.velocity), for explanations
	persons bool          // the rule reads persons
}

// An accountRead is what a rule reads of the account, for explanations:
// the field named field or, when attr is set, the custom attribute under
// key (account.attributes.tier, account.attributes["tier"],
// attr(account.attributes, "tier", "") or get(account.attributes, "tier")).
type accountRead struct {
	field string
	key   string
	attr  bool
}

// scan parses src and finds the aggregate calls, checking that each has a
// constant type and number of days and, for the per-person function, that it
// sits directly inside a predicate over persons. A parse error is left for
// the engine to report (ok is then false with a nil error).
func scan(name, src string) (s scanned, ok bool, err *rules.CompileError) {
	tree, perr := parser.Parse(src)
	if perr != nil {
		return s, false, nil
	}
	runes := []rune(src)
	fail := func(n ast.Node, format string, args ...any) *rules.CompileError {
		line, col := position(runes, startOf(n))
		return &rules.CompileError{Rule: name, Source: src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	seenAccount, seenGroup := map[accountRead]bool{}, map[string]bool{}
	read := func(r accountRead) {
		if !seenAccount[r] {
			seenAccount[r] = true
			s.account = append(s.account, r)
		}
	}
	// keyed holds the reads of account.attributes that take one element
	// (by key, or as attr's or get's map): they are not the whole map.
	keyed := map[ast.Node]bool{}
	attrKey := func(m, key ast.Node) {
		for c, chained := m.(*ast.ChainNode); chained; c, chained = m.(*ast.ChainNode) {
			m = c.Node // account?.attributes
		}
		k, ok := key.(*ast.StringNode)
		if ok && isAccountAttributes(m) {
			keyed[m] = true
			read(accountRead{key: k.Value, attr: true})
		}
	}
	groupField := func(p ast.Node) {
		if p, ok := p.(*ast.StringNode); ok && !seenGroup[p.Value] {
			seenGroup[p.Value] = true
			s.groups = append(s.groups, p.Value)
		}
	}
	var walk func(n ast.Node, pred predicateKind) *rules.CompileError
	walk = func(n ast.Node, pred predicateKind) *rules.CompileError {
		if n == nil {
			return nil
		}
		switch x := n.(type) {
		case *ast.IdentifierNode:
			if x.Value == aggName {
				return fail(x, "%s is a reserved name", aggName)
			}
			if x.Value == "persons" {
				s.persons = true
			}
		case *ast.MemberNode:
			// Inside a predicate too: `account` there is still the
			// account, not the current element (that is '.' or #).
			if id, ok := x.Node.(*ast.IdentifierNode); ok && id.Value == "account" && !keyed[x] {
				if p, ok := x.Property.(*ast.StringNode); ok {
					read(accountRead{field: p.Value})
				}
			}
			attrKey(x.Node, x.Property)
			switch n := x.Node.(type) {
			case *ast.PointerNode: // .field (or #.field) of the current group
				if pred == groupsPredicate && n.Name == "" {
					groupField(x.Property)
				}
			case *ast.MemberNode: // groups[0].field
				if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "groups" {
					if _, index := n.Property.(*ast.IntegerNode); index {
						groupField(x.Property)
					}
				}
			}
			if p, ok := x.Property.(*ast.StringNode); ok && p.Value == aggName {
				return fail(x, "%s is a reserved name", aggName)
			}
		case *ast.BuiltinNode:
			if x.Name == "get" && len(x.Arguments) == 2 {
				attrKey(x.Arguments[0], x.Arguments[1])
			}
			over := otherPredicate
			if len(x.Arguments) > 0 {
				if id, ok := x.Arguments[0].(*ast.IdentifierNode); ok {
					switch id.Value {
					case "persons":
						over = personsPredicate
					case "groups":
						over = groupsPredicate
					}
				}
			}
			for i, arg := range x.Arguments {
				inner := pred
				if _, ok := arg.(*ast.PredicateNode); ok && i > 0 {
					inner = over
				}
				if err := walk(arg, inner); err != nil {
					return err
				}
			}
			return nil
		case *ast.CallNode:
			if id, ok := x.Callee.(*ast.IdentifierNode); ok && id.Value == "attr" && len(x.Arguments) == 3 {
				attrKey(x.Arguments[0], x.Arguments[1])
			}
			if id, ok := x.Callee.(*ast.IdentifierNode); ok && (id.Value == FuncActivityCount || id.Value == FuncPersonActivityCount) {
				call, err := checkCall(runes, x, id.Value, pred, fail)
				if err != nil {
					return err
				}
				s.calls = append(s.calls, call)
				return nil
			}
		}
		for _, c := range children(n) {
			if err := walk(c, pred); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(tree.Node, noPredicate); err != nil {
		return s, false, err
	}
	return s, true, nil
}

// isAccountAttributes reports whether n reads account.attributes (by dot
// or by index, with optional chaining or not).
func isAccountAttributes(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	p, isText := m.Property.(*ast.StringNode)
	return ok && id.Value == "account" && isText && p.Value == "attributes"
}

type predicateKind uint8

const (
	noPredicate predicateKind = iota
	personsPredicate
	groupsPredicate
	otherPredicate
)

func checkCall(runes []rune, x *ast.CallNode, fn string, pred predicateKind, fail func(ast.Node, string, ...any) *rules.CompileError) (aggCall, *rules.CompileError) {
	usage := fmt.Sprintf(`%s(type, days) takes a constant activity type and a constant number of days, e.g. %s("visit_web_page", 30)`, fn, fn)
	// expr reads `"open_email" | activityCount(30)` as a call whose first
	// argument comes before the function's name: rewrite replaces the
	// call from its name on and would leave the pipe behind, a rule the
	// engine then refuses with an error about a token nobody wrote.
	if len(x.Arguments) > 0 && startOf(x.Arguments[0]) < x.Callee.Location().From {
		return aggCall{}, fail(x.Arguments[0], "%s: write them inside the parentheses, not through a pipe", usage)
	}
	if len(x.Arguments) != 2 {
		return aggCall{}, fail(x, "%s: %d arguments given", usage, len(x.Arguments))
	}
	typ, ok := x.Arguments[0].(*ast.StringNode)
	if !ok {
		return aggCall{}, fail(x.Arguments[0], "%s: the type is not a string literal", usage)
	}
	if typ.Value != AnyActivity && !b2b.ValidActivityType(typ.Value) {
		return aggCall{}, fail(typ, "%q is not a valid activity type (lower-case letters, digits, _ . : -, starting with a letter; or \"*\" for any type)", typ.Value)
	}
	var days float64
	switch d := x.Arguments[1].(type) {
	case *ast.IntegerNode:
		days = float64(d.Value)
	case *ast.FloatNode:
		days = d.Value
	case *ast.UnaryNode:
		// A negative number (-7) is a number literal too, out of range;
		// anything else negated is not one.
		n, ok := literal(d)
		if !ok {
			return aggCall{}, fail(x.Arguments[1], "%s: the number of days is not a number literal", usage)
		}
		days = n
	default:
		return aggCall{}, fail(x.Arguments[1], "%s: the number of days is not a number literal", usage)
	}
	if !(days > 0 && days <= MaxDays) || math.IsNaN(days) {
		return aggCall{}, fail(x.Arguments[1], "the number of days must be more than 0 and at most %d, got %v", MaxDays, days)
	}
	perPerson := fn == FuncPersonActivityCount
	if perPerson && pred != personsPredicate {
		return aggCall{}, fail(x, `%s counts the current person's activities: use it directly inside a predicate over persons, e.g. count(persons, %s("open_email", 30) >= 1) >= 2`, fn, fn)
	}
	from := x.Callee.Location().From
	to, ok := closingParen(runes, x.Callee.Location().To)
	if !ok {
		return aggCall{}, fail(x, "cannot find the end of the call to %s", fn)
	}
	line, col := position(runes, from)
	return aggCall{agg: Aggregate{Type: typ.Value, Days: days, PerPerson: perPerson}, from: from, to: to, line: line, col: col}, nil
}

// literal returns the value of a negated number literal (-7, -0.5).
func literal(u *ast.UnaryNode) (float64, bool) {
	if u.Operator != "-" {
		return 0, false
	}
	switch n := u.Node.(type) {
	case *ast.IntegerNode:
		return -float64(n.Value), true
	case *ast.FloatNode:
		return -n.Value, true
	}
	return 0, false
}

// closingParen returns the index just after the parenthesis that closes the
// one at or after i, skipping string literals and comments.
func closingParen(r []rune, i int) (int, bool) {
	depth := 0
	for ; i < len(r); i++ {
		switch c := r[i]; c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"', '\'', '`':
			for i++; i < len(r) && r[i] != c; i++ {
				if r[i] == '\\' && c != '`' {
					i++
				}
			}
		case '/':
			if i+1 < len(r) && r[i+1] == '/' {
				for i < len(r) && r[i] != '\n' {
					i++
				}
			} else if i+1 < len(r) && r[i+1] == '*' {
				for i += 2; i+1 < len(r) && !(r[i] == '*' && r[i+1] == '/'); i++ {
				}
				i++
			}
		}
	}
	return 0, false
}

// startOf returns the leftmost source offset of n and its descendants (a
// member access is located at its dot, not at its start).
func startOf(n ast.Node) int {
	from := n.Location().From
	for _, c := range children(n) {
		from = min(from, startOf(c))
	}
	return from
}

// offset converts a 1-based line and column to a rune offset.
func offset(r []rune, line, col int) int {
	l, c := 1, 1
	for i := range r {
		if l == line && c == col {
			return i
		}
		if r[i] == '\n' {
			l++
			c = 1
		} else {
			c++
		}
	}
	return len(r)
}

// children returns the direct child nodes of n.
func children(n ast.Node) []ast.Node {
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	v = v.Elem()
	if v.Kind() != reflect.Struct {
		return nil
	}
	nodeType := reflect.TypeFor[ast.Node]()
	var out []ast.Node
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch {
		case f.Type() == nodeType:
			if !f.IsNil() {
				out = append(out, f.Interface().(ast.Node))
			}
		case f.Kind() == reflect.Slice && f.Type().Elem() == nodeType:
			for j := 0; j < f.Len(); j++ {
				if c := f.Index(j); !c.IsNil() {
					out = append(out, c.Interface().(ast.Node))
				}
			}
		}
	}
	return out
}

// rewrite replaces each aggregate call by a read of its precomputed value,
// padded with spaces (newlines kept) so that every other token keeps its
// line and column and the engine's errors point into the original source.
func rewrite(src string, calls []aggCall, index func(Aggregate) int) string {
	r := []rune(src)
	for _, c := range calls {
		repl := fmt.Sprintf("%s[%d]", aggName, index(c.agg))
		if c.agg.PerPerson {
			repl = "#." + repl
		}
		for i := c.from; i < c.to; i++ {
			k := i - c.from
			switch {
			case r[i] == '\n':
			case k < len(repl):
				r[i] = rune(repl[k])
			default:
				r[i] = ' '
			}
		}
	}
	return string(r)
}

// position converts a rune offset to a 1-based line and column.
func position(r []rune, offset int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < offset && i < len(r); i++ {
		if r[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
