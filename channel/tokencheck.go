package channel

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"strconv"
	"strings"
	"text/template/parse"
	"time"
)

// The token checker type-checks a parsed template against the type of its
// data (RenderContext) before any message is rendered, so that a misspelt or
// unknown token is a load-time error with its line and column, never a blank
// in a customer's inbox. It follows the dot through range and with, tracks
// variables (one type each for its scope: an assignment may not change it),
// checks the arguments of functions and builtins, refuses to print lists,
// maps and structs, refuses the builtins that fail or print "<no value>" at
// run time (index, slice, call), and marks each string
// token whose text is printed as required: at render time an empty value is
// an error, unless the action has a fallback ({{.Person.FirstName | default
// "there"}}, {{or .A .B}}). A token's text is printed when the action
// prints it as it is ({{.Person.FirstName}}) or through functions that keep
// its text (upper, lower, print, printf, println, html, js, urlquery:
// {{.Person.FirstName | upper}}, {{printf "Hi %s" .Person.FirstName}}),
// directly or through a variable that holds it ({{$n := .Person.FirstName}}
// ... {{$n}}, {{with $n := .Person.FirstName}}), the dot of a with
// that holds it ({{with .Person.FirstName}}{{.}}{{end}}) or an element
// of a list of text in a range ({{range .Group.MissingRoles}}{{.}}{{end}}).

// tokenProblem is one problem found in a template, at line:column.
type tokenProblem struct {
	tmpl string // the template (or fragment) name
	pos  string // "line:col"
	msg  string
}

func (p tokenProblem) Error() string { return p.pos + ": " + p.msg }

// scope is what the checker knows at a point of a template.
type scope struct {
	dot     reflect.Type // nil: dynamic (unknown until run time)
	dotPath string
	// dotToken: the dot holds a string token as it is ({{with
	// .Person.FirstName}}), which is required where it is printed.
	dotToken bool
	vars     map[string]typed
}

type typed struct {
	t    reflect.Type
	path string
	// dynamic is a value of one of several types, which one known only
	// at run time: an or (an and) of values of different types. Its t is
	// nil, as after a problem; a value of an interface type (an
	// attribute's) is known only at run time too (see runTimeTyped).
	dynamic bool
	// null is the constant nil, whose t is nil too.
	null bool
	// token is a variable that holds a string token's text as it is
	// ({{$n := .Account.Name}}): printing it prints the token, which
	// is then required as the token printed directly is.
	token bool
	// unprintable is a struct, a map or a list an or (an and) may give
	// ({{or .Person.FirstName .Group}}): printed, it would print Go
	// syntax for the recipients it is the value of.
	unprintable *unprintable
}

// unprintable is a value that cannot be printed, where it stands in the
// template and how the template writes it.
type unprintable struct {
	t    reflect.Type
	node parse.Node
	name string
}

// pipedValue is the value a command of a pipeline is handed: the result
// of command i-1 of pipe.
type pipedValue struct {
	typed
	pipe *parse.PipeNode
	i    int
}

// runTimeTyped reports whether the type of x's value is known only at
// run time: an attribute's value (any), or an or of values of different
// types. Such a value fails where a type is needed (a comparison with
// a value of another kind, len of a number, printf's format) for the
// recipients whose value is of the wrong type.
func runTimeTyped(x typed) bool {
	return x.dynamic || x.t != nil && x.t.Kind() == reflect.Interface
}

func (s scope) with(dot typed) scope {
	vars := make(map[string]typed, len(s.vars))
	for k, v := range s.vars {
		vars[k] = v
	}
	return scope{dot: dot.t, dotPath: dot.path, dotToken: dot.token && dot.t != nil && dot.t.Kind() == reflect.String, vars: vars}
}

type checker struct {
	root     reflect.Type
	funcs    map[string]reflect.Type
	lookup   func(name string) *parse.Tree
	tree     *parse.Tree
	problems []tokenProblem
	used     map[string]bool // token paths read, e.g. "Person.FirstName"; see wholeKey
	// printed are the token paths whose text an action prints (see
	// recordPrinted) in every rendering of what is being walked (see
	// branches): the unsubscribe link must be printed, not only read
	// ({{if .UnsubscribeURL}}), nor only for some recipients.
	printed map[string]bool
	// alwaysPrints is, by template walked, what it prints in every
	// rendering.
	alwaysPrints map[string]map[string]bool
	visited      map[string]bool
	onStack      map[string]bool      // templates being walked, to find recursion
	tokens       map[parse.Node]typed // field chains, with their types
	required     []requiredToken
	asText       []textSpot // printed values of a type known only at run time, and decimals (see markText)
}

var (
	stringType  = reflect.TypeFor[string]()
	boolType    = reflect.TypeFor[bool]()
	intType     = reflect.TypeFor[int]()
	float64Type = reflect.TypeFor[float64]()
	errorType   = reflect.TypeFor[error]()
	timeType    = reflect.TypeFor[time.Time]()
)

func newChecker(root reflect.Type, funcs map[string]any, lookup func(string) *parse.Tree) *checker {
	ft := make(map[string]reflect.Type, len(funcs))
	for name, f := range funcs {
		ft[name] = reflect.TypeOf(f)
	}
	return &checker{root: root, funcs: ft, lookup: lookup, used: map[string]bool{}, printed: map[string]bool{}, visited: map[string]bool{}, onStack: map[string]bool{},
		alwaysPrints: map[string]map[string]bool{}, tokens: map[parse.Node]typed{}}
}

// check walks the template called name and every template it calls.
// A template walked already is not walked again: what it prints in
// every rendering counts as printed where it is called again.
func (c *checker) check(name string) {
	if c.visited[name] {
		maps.Copy(c.printed, c.alwaysPrints[name])
		return
	}
	c.visited[name] = true
	tr := c.lookup(name)
	if tr == nil || tr.Root == nil {
		return
	}
	prev, outer := c.tree, c.printed
	c.tree, c.printed = tr, map[string]bool{}
	c.onStack[name] = true
	root := scope{dot: c.root, vars: map[string]typed{"$": {t: c.root}}}
	c.walk(tr.Root, root)
	c.onStack[name] = false
	c.alwaysPrints[name] = c.printed
	maps.Copy(outer, c.printed)
	c.tree, c.printed = prev, outer
}

// branches walks the two branches of an if, a with or a range (the
// body, run for some recipients, and the else), and counts as printed
// what both print: a marketing email's unsubscribe link printed under
// {{if .Person.FirstName}} or in {{range .Group.Members}} goes out
// without it to the others. The branch that a condition on one token
// alone, cond, runs only when the token is empty (the else of {{if
// .UnsubscribeURL}}, the body of {{if not .UnsubscribeURL}}; emptyInBody
// says which) would print nothing by printing it: cond counts as printed
// there.
func (c *checker) branches(cond string, emptyInBody bool, body, elseList func()) {
	outer := c.printed
	c.printed = map[string]bool{}
	if cond != "" && emptyInBody {
		c.printed[cond] = true
	}
	body()
	inBody := c.printed
	c.printed = map[string]bool{}
	if cond != "" && !emptyInBody {
		c.printed[cond] = true
	}
	elseList()
	for k := range inBody {
		if c.printed[k] {
			outer[k] = true
		}
	}
	c.printed = outer
}

func (c *checker) errorf(n parse.Node, format string, args ...any) {
	pos := position(c.tree, n)
	c.problems = append(c.problems, tokenProblem{tmpl: c.tree.ParseName, pos: pos, msg: fmt.Sprintf(format, args...)})
}

// position returns the 1-based "line:col" of a node, "?" when unknown.
func position(tr *parse.Tree, n parse.Node) string {
	_, pos := nodeLocation(tr, n)
	return pos
}

// nodeLocation returns the name of the template a node is in and its
// 1-based "line:col"; "?" when unknown.
func nodeLocation(tr *parse.Tree, n parse.Node) (string, string) {
	if tr == nil || n == nil {
		return "", "?"
	}
	// ErrorContext gives "name:line:col" with a 0-based column (the name
	// may contain ':').
	loc, _ := tr.ErrorContext(n)
	parts := strings.Split(loc, ":")
	if len(parts) < 3 {
		return "", "?"
	}
	line, col := parts[len(parts)-2], parts[len(parts)-1]
	c, err := strconv.Atoi(col)
	if err != nil {
		return "", "?"
	}
	return strings.Join(parts[:len(parts)-2], ":"), line + ":" + strconv.Itoa(c+1)
}

func (c *checker) walk(n parse.Node, sc scope) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.walk(x, sc)
		}
	case *parse.ActionNode:
		t := c.pipe(n.Pipe, sc)
		if len(n.Pipe.Decl) > 0 {
			c.holdToken(n.Pipe, sc, t)
			return
		}
		if t.t != nil && !printable(t.t) {
			c.errorf(n, "%s is %s and cannot be printed%s", tokenName(t.path), describe(t.t), printHint(t.t))
			return
		}
		if !c.printableValue(nil, "", t, false) {
			return
		}
		if runTimeTyped(t) || t.t != nil && isDecimal(t.t) {
			// An attribute's value prints as attr prints it: a list
			// joined, a decimal in decimal notation ("25000000", where
			// fmt writes "2.5e+07").
			c.asText = append(c.asText, textSpot{tree: c.tree, pipe: n.Pipe, after: n.Pipe.Cmds[len(n.Pipe.Cmds)-1]})
		}
		c.requirePrinted(n.Pipe)
		c.recordPrinted(n.Pipe, sc)
	case *parse.IfNode:
		c.holdToken(n.Pipe, sc, c.pipe(n.Pipe, sc))
		cond, emptyInBody := c.condToken(n.Pipe, sc)
		c.branches(cond, emptyInBody, func() {
			c.walk(n.List, sc.with(typed{t: sc.dot, path: sc.dotPath, token: sc.dotToken}))
		}, func() {
			c.walk(n.ElseList, sc.with(typed{t: sc.dot, path: sc.dotPath, token: sc.dotToken}))
		})
	case *parse.WithNode:
		t := c.pipe(n.Pipe, sc)
		c.holdToken(n.Pipe, sc, t)
		// {{with .Person.FirstName}}{{.}}{{end}}: the dot holds the token.
		t.token = c.soleToken(n.Pipe)
		cond, emptyInBody := c.condToken(n.Pipe, sc)
		c.branches(cond, emptyInBody, func() { c.walk(n.List, sc.with(t)) }, func() {
			c.walk(n.ElseList, sc.with(typed{t: sc.dot, path: sc.dotPath, token: sc.dotToken}))
		})
	case *parse.RangeNode:
		inner := sc.with(typed{t: sc.dot, path: sc.dotPath})
		before := len(c.problems)
		t := c.pipeNoDecl(n.Pipe, sc)
		var key, elem typed
		switch {
		case t.t == nil:
		case t.t.Kind() == reflect.Slice || t.t.Kind() == reflect.Array:
			key, elem = typed{t: intType}, typed{t: t.t.Elem(), path: t.path + "[]"}
		case t.t.Kind() == reflect.Map:
			key, elem = typed{t: t.t.Key()}, typed{t: t.t.Elem(), path: t.path + "[]"}
		default: // ranging over a number is refused: {{range 1000000000}} would flood an inbox

			c.errorf(n, "cannot range over %s (%s)", tokenName(t.path), describe(t.t))
		}
		// An element of a token's list of text ({{range
		// .Group.MissingRoles}}{{.}}{{end}}) is a token as a field of an
		// element is ({{range .Group.Members}}{{.Name}}{{end}}): printed
		// empty, it is required.
		elem.token = t.path != "" && elem.t != nil && elem.t.Kind() == reflect.String
		bad := len(c.problems) > before
		switch len(n.Pipe.Decl) {
		case 1:
			c.declare(inner, n.Pipe.Decl[0], elem, n.Pipe.IsAssign, bad)
		case 2:
			c.declare(inner, n.Pipe.Decl[0], key, n.Pipe.IsAssign, bad)
			c.declare(inner, n.Pipe.Decl[1], elem, n.Pipe.IsAssign, bad)
		}
		inner.dot, inner.dotPath, inner.dotToken = elem.t, elem.path, elem.token
		// The body runs once an element, none for an empty list.
		c.branches("", false, func() { c.walk(n.List, inner) }, func() {
			c.walk(n.ElseList, sc.with(typed{t: sc.dot, path: sc.dotPath, token: sc.dotToken}))
		})
	case *parse.TemplateNode:
		if c.lookup(n.Name) == nil {
			c.errorf(n, "unknown fragment %q", n.Name)
			return
		}
		// Without a pipeline the fragment runs with no data at all, and
		// fails at run time (or prints "<no value>") as soon as it reads
		// a token; one that reads nothing renders the same with any data.
		t := typed{}
		if n.Pipe != nil {
			var ok bool
			if t, ok = soleValue(n.Pipe, sc); !ok {
				t = c.pipe(n.Pipe, sc)
			}
		}
		if t.t != c.root && t.t != reflect.PointerTo(c.root) && c.readsData(n.Name, map[string]bool{}) {
			c.errorf(n, "fragment %q reads tokens and must be called with the whole context: {{template %q .}} at the top level or {{template %q $}}", n.Name, n.Name, n.Name)
			return
		}
		if c.onStack[n.Name] {
			c.errorf(n, "template %q calls itself (directly or through other fragments); recursion is not allowed", n.Name)
			return
		}
		c.check(n.Name)
	}
}

// readsData reports whether the template called name reads its data: a
// '.', a field or '$' anywhere in it, or a fragment it passes them to
// ({{template "f" .}}) that does. A fragment that reads nothing (a static
// signature) may be called without the context: {{template "signature"}}.
func (c *checker) readsData(name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	tr := c.lookup(name)
	if tr == nil || tr.Root == nil {
		return false
	}
	reads := false
	passed := map[parse.Node]bool{} // the '.' or '$' of {{template "f" .}}
	walkNodes(tr.Root, func(n parse.Node) {
		switch n := n.(type) {
		case *parse.TemplateNode:
			if p := n.Pipe; p != nil && len(p.Decl) == 0 && len(p.Cmds) == 1 && len(p.Cmds[0].Args) == 1 {
				switch a := p.Cmds[0].Args[0].(type) {
				case *parse.DotNode:
					passed[a] = true
					reads = reads || c.readsData(n.Name, seen)
				case *parse.VariableNode:
					if len(a.Ident) == 1 && a.Ident[0] == "$" {
						passed[a] = true
						reads = reads || c.readsData(n.Name, seen)
					}
				}
			}
		case *parse.DotNode, *parse.FieldNode:
			reads = reads || !passed[n]
		case *parse.VariableNode:
			reads = reads || n.Ident[0] == "$" && !passed[n]
		}
	})
	return reads
}

// holdToken marks the variable the pipeline p declares ({{$n :=
// .Account.Name}}, {{with $n := ...}}, {{if $n := ...}}), of value t, as
// holding a token when p is one string token as it is: {{$n}} prints the
// token, and must not print it empty any more than {{.Account.Name}} may.
func (c *checker) holdToken(p *parse.PipeNode, sc scope, t typed) {
	if p == nil || len(p.Decl) != 1 {
		return
	}
	if v := p.Decl[0].Ident[0]; c.soleToken(p) && sc.vars[v].t == t.t {
		tv := sc.vars[v]
		tv.token = true
		sc.vars[v] = tv
	}
}

// soleToken reports whether pipeline p is one string token as it is: a
// field chain ({{$n := .Account.Name}}), or a variable that holds one.
func (c *checker) soleToken(p *parse.PipeNode) bool {
	if len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	t, ok := c.tokens[p.Cmds[0].Args[0]]
	return ok && t.t.Kind() == reflect.String
}

// pipeNoDecl types a range pipeline, whose declarations range handles.
func (c *checker) pipeNoDecl(p *parse.PipeNode, sc scope) typed {
	var t typed
	for i, cmd := range p.Cmds {
		var piped *pipedValue
		if i > 0 {
			piped = &pipedValue{typed: t, pipe: p, i: i}
		}
		t = c.command(cmd, sc, piped)
	}
	return t
}

// pipe types a pipeline and declares its variables.
func (c *checker) pipe(p *parse.PipeNode, sc scope) typed {
	if p == nil {
		return typed{}
	}
	before := len(c.problems)
	t := c.pipeNoDecl(p, sc)
	for _, v := range p.Decl {
		c.declare(sc, v, t, p.IsAssign, len(c.problems) > before)
	}
	return t
}

// declare gives variable v the value t in sc: declared (:=), or assigned
// (=). An assignment must keep the variable's type: the checker types a
// variable once for the whole of its scope, and an assignment in an {{if}}
// (or a {{range}} that ran) reaches past its {{end}}. (After a problem in
// the value, bad, its type is not compared.)
func (c *checker) declare(sc scope, v *parse.VariableNode, t typed, assign, bad bool) {
	name := v.Ident[0]
	if assign {
		prev, declared := sc.vars[name]
		if !declared {
			c.errorf(v, "undefined variable %s: declare it with :=", name)
			return
		}
		if !bad && prev.t != nil && t.t != prev.t {
			c.errorf(v, "%s holds %s: assigning %s to it changes its type; declare another variable with :=", name, describe(prev.t), describe(t.t))
			return
		}
	}
	sc.vars[name] = t
}

func (c *checker) command(cmd *parse.CommandNode, sc scope, piped *pipedValue) typed {
	if len(cmd.Args) == 0 {
		return typed{}
	}
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		return c.call(cmd, id, sc, piped)
	}
	if _, ok := cmd.Args[0].(*parse.NilNode); ok {
		// The parser takes it; text/template refuses it when it runs,
		// for every recipient.
		c.errorf(cmd, "nil is not a command: it is a value to hand to a function ({{eq .X nil}}), and fails at every rendering")
		return typed{}
	}
	if piped != nil || len(cmd.Args) > 1 {
		c.errorf(cmd, "%s is not a function and takes no arguments", cmd.Args[0])
		return typed{}
	}
	return c.arg(cmd.Args[0], sc)
}

// wholeKey is the key of used that says a value was read whole (printed,
// or handed to a function): everything below its path may be read. The
// root's key is "*".
func wholeKey(path string) string {
	if path == "" {
		return "*"
	}
	return path + ".*"
}

// soleValue returns the value of a pipeline that is just "." or a
// variable, without counting it as read whole: a fragment called with
// it records what it reads itself.
func soleValue(p *parse.PipeNode, sc scope) (typed, bool) {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return typed{}, false
	}
	switch n := p.Cmds[0].Args[0].(type) {
	case *parse.DotNode:
		return typed{t: sc.dot, path: sc.dotPath}, true
	case *parse.VariableNode:
		if v, ok := sc.vars[n.Ident[0]]; ok && len(n.Ident) == 1 {
			return v, true
		}
	}
	return typed{}, false
}

// arg types one argument, and records the type of a field chain (a token)
// in c.tokens.
func (c *checker) arg(n parse.Node, sc scope) typed {
	var t typed
	switch n := n.(type) {
	case *parse.DotNode:
		c.used[wholeKey(sc.dotPath)] = true
		t = typed{t: sc.dot, path: sc.dotPath, token: sc.dotToken}
		if sc.dotToken {
			c.tokens[n] = t // printed, it is required (see requirePrinted)
		}
		return t
	case *parse.FieldNode:
		t = c.fields(n, typed{t: sc.dot, path: sc.dotPath}, n.Ident)
	case *parse.VariableNode:
		v, ok := sc.vars[n.Ident[0]]
		if !ok {
			c.errorf(n, "undefined variable %s", n.Ident[0])
			return typed{}
		}
		if len(n.Ident) == 1 {
			c.used[wholeKey(v.path)] = true
			if v.token {
				c.tokens[n] = v // printed, it is required (see requirePrinted)
			}
			return v
		}
		t = c.fields(n, v, n.Ident[1:])
	case *parse.ChainNode:
		t = c.fields(n, c.arg(n.Node, sc), n.Field)
	case *parse.PipeNode:
		return c.pipe(n, sc)
	case *parse.StringNode:
		return typed{t: stringType}
	case *parse.BoolNode:
		return typed{t: boolType}
	case *parse.NumberNode:
		nt := numberType(n)
		if nt == nil {
			c.errorf(n, "%s is too large: whole numbers go up to %d", n.Text, math.MaxInt64)
		}
		return typed{t: nt}
	case *parse.NilNode:
		return typed{null: true}
	case *parse.IdentifierNode:
		return c.call(&parse.CommandNode{Args: []parse.Node{n}}, n, sc, nil)
	default:
		c.errorf(n, "unsupported expression %s", n)
		return typed{}
	}
	if t.t != nil {
		c.tokens[n] = t
	}
	return t
}

// numberType is the type text/template gives a number constant handed to
// a builtin: complex, float64 when written with a point or an exponent,
// else int; nil for a whole number too large for an int, on which
// text/template fails when it is printed or handed to a builtin or to a
// parameter of type any (it fits only a uint or float parameter, which no
// template function has), so arg refuses it.
func numberType(n *parse.NumberNode) reflect.Type {
	s := n.Text
	hexInt := len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strings.ContainsAny(s, "pP")
	switch {
	case n.IsComplex:
		return reflect.TypeFor[complex128]()
	case n.IsFloat && !hexInt && !strings.HasPrefix(s, "'") && strings.ContainsAny(s, ".eEpP"):
		return float64Type
	case n.IsInt:
		return intType
	}
	return nil
}

// fields resolves a chain of field (or method) names from a base type.
func (c *checker) fields(n parse.Node, base typed, names []string) typed {
	t := base
	for _, name := range names {
		path := joinToken(t.path, name)
		if t.t == nil {
			c.errorf(n, "cannot read %s: the value's type is only known at run time", tokenName(path))
			return typed{}
		}
		if t.t.Kind() == reflect.Map {
			c.errorf(n, "unknown token %s: %s is a map; read an entry with {{attr %q \"default\" %s}}", tokenName(path), tokenName(t.path), name, tokenName(t.path))
			return typed{}
		}
		next, err := fieldType(t.t, name)
		if err != "" {
			c.errorf(n, "unknown token %s: %s", tokenName(path), err)
			return typed{}
		}
		c.used[path] = true
		t = typed{t: next, path: path}
	}
	return t
}
