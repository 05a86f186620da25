package rules

import (
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// stringFunc converts a value of a named string type (b2b.AccountID) to
// a string: it is not part of the library, so rules cannot call it.
const stringFunc = "$string"

// textFunc reads a value of no known type that may hold a value of a
// named string type as text, and leaves any other value as it is: it is
// not part of the library, so rules cannot call it. Unlike stringFunc it
// gives a value of no known type, which a rule compares by equality
// whatever it holds: given as a string, a number or nil failed the
// comparison with an ID converted to text.
const textFunc = "$text"

// toString is stringFunc and textFunc: a value of a string kind as a
// string, and any other value (nil, an optional chain that stopped,
// compared with nil or given a default) as it is.
func toString(p ...any) (any, error) {
	switch x := p[0].(type) {
	case nil, string:
		return x, nil
	}
	if v := reflect.ValueOf(p[0]); v.Kind() == reflect.String {
		return v.String(), nil
	}
	return p[0], nil
}

// namedPatcher makes a value of a named string type (b2b.AccountID,
// b2b.PersonID) read as a string where a rule uses it as text: compared
// with a string (account.id == "acme", account.id in ["acme", "globex"],
// person.id < "q"), matched, given to a function that takes a string
// (icontains(person.id, "p"), lower(account.id)), used as the key of a
// map of strings, given a default with ?? or taken by a condition with
// a string as the other value, put in a list or a map, or computed by a
// predicate (map(persons, .id)). expr's checker refuses such a value
// where a string is wanted, and its evaluation fails on it, or compares
// it with a string as unequal.
//
// The value x becomes $string(x) (see stringFunc). It is left as it is
// where its own type is wanted: compared with nil, or with a value of a
// named string type (person.id == activity.personId; of another named
// type, as person.id == account.id, it stays an error, as in Go), tested
// with in against a list or a map of its type, used as a key of a map of
// its type, given to a function that takes its type (or only values of
// any type, string() included), or bound with let (each use is converted instead, so that
// elemPatcher sees the variable). It runs before every other patcher,
// on a tree that expr's checker has typed though it found the errors
// this patcher corrects: the others see strings.
type namedPatcher struct {
	params map[string][][]reflect.Type // parameter types of the library's functions, per signature (see guard)
	calls  callTypes                   // the types of the calls it has visited (owner() == "p1")
}

func (p namedPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "==", "!=":
			if isNilNode(n.Left) || isNilNode(n.Right) || p.namedString(n.Left) != nil && p.namedString(n.Right) != nil {
				return
			}
			// A value of no type before the rule runs (an element of
			// filter(ids, true), a host function's) may hold an ID: it
			// is read as text where the other side is text, or may be
			// (an ID converted, a string, a value of no type), so that
			// it equals the ID's text.
			if p.text(n.Left) {
				p.convertAny(&n.Right)
			}
			if p.text(n.Right) {
				p.convertAny(&n.Left)
			}
			p.convertNamed(&n.Left)
			p.convertNamed(&n.Right)
		case "??":
			p.pair(&n.Left, &n.Right)
		case "<", ">", "<=", ">=", "+", "matches", "contains", "startsWith", "endsWith":
			p.convertNamed(&n.Left)
			p.convertNamed(&n.Right)
		case "in":
			// Left as it is against a list or a map of its type, and of
			// another named type, which the checker refuses as ==
			// refuses two IDs of different types.
			if t := p.namedString(n.Left); t != nil && p.keyOrElem(n.Right) != t && p.namedKind(p.keyOrElem(n.Right)) == nil {
				p.convertNamed(&n.Left)
			}
		}
	case *ast.ConditionalNode:
		p.pair(&n.Exp1, &n.Exp2)
	case *ast.MemberNode:
		p.convertNamed(&n.Node) // person.id[0]
		if t := p.namedString(n.Property); t != nil && p.keyOrElem(n.Node) != t && !p.idKeyed(n.Node) {
			p.convertNamed(&n.Property)
		}
		p.elemOfIDKeyed(n, n.Node, n.Property)
	case *ast.ChainNode:
		if n.Nature().Type == nil && n.Node.Nature().Type != nil {
			n.SetType(n.Node.Type()) // byId?.p1, typed by elemOfIDKeyed
		}
	case *ast.SliceNode:
		p.convertNamed(&n.Node)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		for i := range n.Arguments {
			if t := p.namedString(n.Arguments[i]); t != nil && p.wantsString(id.Value, i, t) {
				p.convertNamed(&n.Arguments[i])
			}
		}
	case *ast.BuiltinNode:
		if n.Name == "string" {
			return // it takes any value
		}
		for i := range n.Arguments {
			if pr, ok := n.Arguments[i].(*ast.PredicateNode); ok {
				p.convertNamed(&pr.Node) // map(persons, .id)
				continue
			}
			if n.Name == "get" && i == 1 && len(n.Arguments) == 2 && (p.keyOrElem(n.Arguments[0]) == p.namedString(n.Arguments[1]) || p.idKeyed(n.Arguments[0])) {
				continue
			}
			p.convertNamed(&n.Arguments[i])
		}
		if n.Name == "get" && len(n.Arguments) == 2 {
			p.elemOfIDKeyed(n, n.Arguments[0], n.Arguments[1])
		}
	case *ast.ArrayNode:
		for i := range n.Nodes {
			p.convertNamed(&n.Nodes[i])
		}
	case *ast.PairNode:
		p.convertNamed(&n.Key)
		p.convertNamed(&n.Value)
	}
}

// pair converts the two values of x ?? y or of c ? x : y, unless they are
// of one named type (or one is nil): then the whole is of that type, and
// converted where it is used.
func (p namedPatcher) pair(a, b *ast.Node) {
	if isNilNode(*a) || isNilNode(*b) {
		return
	}
	if ta := p.namedString(*a); ta != nil && ta == p.namedString(*b) {
		return
	}
	p.convertNamed(a)
	p.convertNamed(b)
}

// wantsString reports whether a signature of the library's function
// name (the host's included) takes a string at argument i, and none
// takes t, the argument's named type: a function that takes a value of
// that type, or only values of any type, gets it as it is.
func (p namedPatcher) wantsString(name string, i int, t reflect.Type) bool {
	return wants(p.params, name, i, t, stringType)
}

// wants reports whether a signature of the library's function name (of
// params, the parameter types of each signature) takes a value of type
// wantType at argument i, and none takes t, the argument's type.
func wants(params map[string][][]reflect.Type, name string, i int, t, wantType reflect.Type) bool {
	want := false
	for _, in := range params[name] {
		var pts []reflect.Type
		switch {
		case i < len(in)-1:
			pts = []reflect.Type{in[i]}
		case len(in) == 0:
			continue
		case in[len(in)-1].Kind() == reflect.Slice:
			// The last parameter of a variadic function (...string)
			// takes this argument as its element, and that of a
			// function that is not variadic ([]string) takes it as it
			// is; a named string is no slice, and a list no element
			// of a list of strings, so the other reading changes
			// nothing of the checker's verdict.
			pts = []reflect.Type{in[len(in)-1].Elem()}
			if i == len(in)-1 {
				pts = append(pts, in[i])
			}
		case i == len(in)-1:
			pts = []reflect.Type{in[i]}
		default:
			continue
		}
		for _, pt := range pts {
			switch pt {
			case t:
				return false
			case wantType:
				want = true
			}
		}
	}
	return want
}

// convertNamed replaces *node with $string(*node) where it is of a named
// string type.
func (p namedPatcher) convertNamed(node *ast.Node) {
	if p.namedString(*node) == nil {
		return
	}
	wrap(node)
}

// text reports whether n is text (a string, or an ID, which is
// converted to one) or of no known type, which may hold text.
func (p namedPatcher) text(n ast.Node) bool {
	t := p.calls.typeOf(n)
	return t == nil || t.Kind() == reflect.String || t.Kind() == reflect.Interface
}

// convertAny replaces *node with $text(*node) where its type is an
// interface: toString reads a string kind as a string, and leaves any
// other value as it is, of no known type still.
func (p namedPatcher) convertAny(node *ast.Node) {
	if p.calls.untyped(*node) {
		wrapIn(node, textFunc)
	}
}

// wrap replaces *node with $string(*node).
func wrap(node *ast.Node) { wrapIn(node, stringFunc) }

// wrapIn replaces *node with a call of conversion fn on it.
func wrapIn(node *ast.Node, fn string) {
	callee := &ast.IdentifierNode{Value: fn}
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{*node}}
	callee.SetLocation((*node).Location())
	call.SetLocation((*node).Location())
	*node = call
}

// namedString returns n's type where it is a named string type (not
// string itself, nor an alias of it such as b2b.ActivityType), or nil.
func (p namedPatcher) namedString(n ast.Node) reflect.Type {
	if n == nil {
		return nil
	}
	if t := p.calls.typeOf(n); t != nil && t.Kind() == reflect.String && t != stringType {
		return t
	}
	return nil
}

// idKeyed reports whether n is a map keyed by a named string type (or a
// pointer to one): an ID of another type is left as it is as its key,
// for the checker to refuse as in Go, naming its type.
func (p namedPatcher) idKeyed(n ast.Node) bool {
	return idKeyed(p.calls.typeOf(n)) != nil
}

// elemOfIDKeyed types n, m[key] or get(m, key) where m is a map keyed by
// IDs and key is no ID, as the map's element, for the parent, in this
// pass: the checker refused text as the key (byId["p1"]), which
// textInIDs reads the map with, and left n without a type, which a
// comparison with text would take for a value of no type. A key of
// another type (byId[1]) stays refused by the checker.
func (p namedPatcher) elemOfIDKeyed(n, m, key ast.Node) {
	if t := idKeyed(p.calls.typeOf(m)); t != nil && n.Nature().Type == nil && p.namedString(key) == nil {
		n.SetType(t.Elem())
	}
}

// namedKind returns t where it is a named string type, or nil.
func (p namedPatcher) namedKind(t reflect.Type) reflect.Type {
	if t != nil && t.Kind() == reflect.String && t != stringType {
		return t
	}
	return nil
}

// unconverted returns x without the conversion namedPatcher put around
// it.
func unconverted(x ast.Node) ast.Node {
	if c, ok := x.(*ast.CallNode); ok && len(c.Arguments) == 1 {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && (id.Value == stringFunc || id.Value == textFunc) {
			return c.Arguments[0]
		}
	}
	return x
}

// keyOrElem returns the key type of a map (or a pointer to one) or the
// element type of a list, or nil.
func (p namedPatcher) keyOrElem(n ast.Node) reflect.Type {
	t := p.calls.typeOf(n)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Key()
	case reflect.Slice, reflect.Array:
		return t.Elem()
	}
	return nil
}

func isNilNode(n ast.Node) bool {
	_, ok := n.(*ast.NilNode)
	return ok
}

// asWritten writes n, a node of the rule src that the patchers may have
// rewritten (an attr call given its counter, an element wrapped to read
// its zero value, an index taken by indexFunc), as the rule writes it:
// the node that the parser makes at n's place in src, of n's kind if
// there is one, else the outermost there; or, where the parser makes
// none there, n written out without the conversions.
func asWritten(src string, n ast.Node) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return withoutConversions(n.String())
	}
	var same, outer ast.Node
	ast.Find(tree.Node, func(x ast.Node) bool {
		// Children come before their parent: the last found is the
		// outermost.
		if x.Location() == n.Location() {
			outer = x
			if reflect.TypeOf(x) == reflect.TypeOf(n) {
				same = x
			}
		}
		return false
	})
	switch {
	case same != nil:
		return same.String()
	case outer != nil:
		return outer.String()
	}
	return withoutConversions(n.String())
}

// withoutConversions returns a message that quotes parts of a rule with
// the conversions namedPatcher and nilPatcher put in them taken out:
// "$string(person.id)" reads "person.id", as the rule was written (a
// rule cannot write stringFunc, textFunc or anyFunc). Quoted text in the
// message is left as it is.
func withoutConversions(msg string) string {
	if !strings.Contains(msg, stringFunc+"(") && !strings.Contains(msg, textFunc+"(") && !strings.Contains(msg, textsFunc+"(") && !strings.Contains(msg, stringKeyFunc+"(") && !strings.Contains(msg, anyFunc+"(") {
		return msg
	}
	var b strings.Builder
	var open []bool // per open parenthesis: whether it is a conversion's
	var quote byte
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(msg) {
				b.WriteByte(c)
				i++
				c = msg[i]
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case strings.HasPrefix(msg[i:], stringFunc+"("):
			open = append(open, true)
			i += len(stringFunc)
			continue
		case strings.HasPrefix(msg[i:], anyFunc+"("):
			open = append(open, true)
			i += len(anyFunc)
			continue
		case strings.HasPrefix(msg[i:], textFunc+"("):
			open = append(open, true)
			i += len(textFunc)
			continue
		case strings.HasPrefix(msg[i:], textsFunc+"("):
			open = append(open, true)
			i += len(textsFunc)
			continue
		case strings.HasPrefix(msg[i:], stringKeyFunc+"("):
			open = append(open, true)
			i += len(stringKeyFunc)
			continue
		case c == '(':
			open = append(open, false)
		case c == ')' && len(open) > 0:
			conv := open[len(open)-1]
			open = open[:len(open)-1]
			if conv {
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
