package rules

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// elemPatcher makes an element that is not there read as the zero value of
// its type, counted as missing data: a[i] past either end of a, first and
// last of an empty list, find and findLast with no match, get of a missing
// key, an optional chain that stops at a nil part. a[i] becomes get(a, i),
// which gives nil where a[i] would fail (and, through indexFunc, where i
// is computed when the rule runs and negative), and each of these x becomes
// x ?? (missing(counter) ? zero : zero), counter standing for the rule's
// counter as in attrPatcher. An element of a map whose element type says
// what a missing one reads as ([MissingElement]) reads that value instead
// of the zero value: m.key and m[key] become get(m, key) ?? (missing(counter)
// ? value : value) likewise, and get(m, key) takes that value too; a map of
// another type is left to expr, which reads a missing key as the zero
// value, uncounted. Where x is compared with nil (x == nil, x != nil) or
// given a default (x ?? y), it is left nil: that is how a rule tells an
// element that is not there.
//
// A variable bound with let to such an x reads as x written out in its
// place: it is bound to x left nil, and each use of it is wrapped as x
// was, except where it is compared with nil or given a default. Where x
// is an optional chain that may stop at a nil pointer before the map it
// reads an element of (person?.consent.email), a second, hidden variable
// is bound to that map, or nil where the chain stopped, so that a use
// reads the zero value where x does, and the map's missing element where
// x does.
//
// A string field that a map's missing element sets is never "" (see
// [MissingElement]): elemPatcher refuses a rule that compares one with ""
// (person.consent.email.status == "", (person.consent.email.status ??
// "") == "", person.consent.email.status in [""]), which is always
// false (see never).
type elemPatcher struct {
	counter *atomic.Uint64
	calls   callTypes // the types of the calls it has visited (nums()[5])
	fail    func(n ast.Node, format string, args ...any)
	// inner maps each patched node to the node it wraps and what that
	// node reads as where it is nil, so that a parent comparing it with
	// nil can take the wrapping off, and a variable bound to it can put
	// the wrapping on each use.
	inner map[ast.Node]wrapping
	// negated are the x in list of x not in list (see notIn).
	negated map[ast.Node]bool
	// stops are the reads that stopped made nil where an optional chain
	// stopped before its map.
	stops map[ast.Node]bool
}

// wrapping is what elemPatcher put around a node x: x ?? (missing(counter)
// ? zero : zero) where counted, x ?? zero otherwise. missing says that
// zero is the missing element of a map ([MissingElement]). stop, where
// not "", names the hidden variable of a let (see elemPatcher.let) that
// is nil where an optional chain stopped before that map: there x reads
// stopZero, the zero value of its type, instead.
//
// typ is the type of the node the wrapping replaced: expr's checker has
// not typed the wrapping yet when elemPatcher visits its parent.
type wrapping struct {
	x        ast.Node
	zero     any
	counted  bool
	missing  bool
	stop     string
	stopZero any
	typ      reflect.Type
}

func (p *elemPatcher) Visit(node *ast.Node) {
	p.calls.retype(node)
	switch n := (*node).(type) {
	case *ast.MemberNode:
		get := func() ast.Node {
			g := &ast.BuiltinNode{Name: "get", Arguments: []ast.Node{n.Node, n.Property}}
			g.SetLocation(n.Location())
			return g
		}
		nt := p.calls.nature(n.Node)
		base := nt.Deref(nil)
		if t := p.wrappedMap(n.Node); t != nil {
			base.Kind, base.Type = t.Kind(), t // person?.consent["email"], account?.domains[0]
		}
		switch base.Kind {
		case reflect.Slice, reflect.Array:
			p.fromData(&n.Property, indexFunc)
			p.wrap(node, get(), n.Type())
		case reflect.Map:
			if missing, ok := MissingElement(base.Type.Elem()); ok {
				p.put(node, wrapping{x: get(), zero: missing, counted: true, missing: true})
			}
		}
	case *ast.ChainNode:
		// An optional chain (ptr?.title, account?.name) gives nil
		// where a part of it is nil, though the checker types it as its
		// last field.
		p.wrap(node, n, n.Type())
	case *ast.BuiltinNode:
		switch n.Name {
		case "get":
			if len(n.Arguments) != 2 {
				return // refused by the checker
			}
			nt := p.calls.nature(n.Arguments[0])
			m := nt.Deref(nil)
			if t := p.wrappedMap(n.Arguments[0]); t != nil {
				m.Kind, m.Type = t.Kind(), t // get(person?.consent, "email")
			}
			if m.Kind == reflect.Map {
				if missing, ok := MissingElement(m.Type.Elem()); ok {
					p.put(node, wrapping{x: n, zero: missing, counted: true, missing: true})
					return
				}
			}
			if m.Kind == reflect.Slice || m.Kind == reflect.Array {
				p.fromData(&n.Arguments[1], indexFunc)
			}
			p.wrap(node, n, n.Type())
		case "first", "last", "find", "findLast":
			p.wrap(node, n, n.Type())
		case "indexOf", "lastIndexOf":
			if len(n.Arguments) == 2 && p.text(n.Arguments[0]) && p.text(n.Arguments[1]) {
				textIndex(node, n)
			}
		case "keys", "values", "toPairs":
			if len(n.Arguments) == 1 && p.isMap(n.Arguments[0]) {
				inKeyOrder(node, n)
			}
		case "int":
			if len(n.Arguments) == 1 && isFloat(p.calls.typeOf(n.Arguments[0])) {
				floatToInt(node, n)
			}
		case "findIndex", "findLastIndex":
			// expr gives nil for no match, though the checker types the
			// call as an int: no match is -1, as in Go.
			p.put(node, wrapping{x: n, zero: -1})
		}
	case *ast.SliceNode:
		for _, b := range []*ast.Node{&n.From, &n.To} {
			if *b != nil {
				p.fromData(b, boundFunc)
			}
		}
		t := p.calls.typeOf(n.Node)
		if w, ok := p.inner[n.Node]; ok {
			t = w.typ // a wrapping put in this pass, not typed yet
		}
		// Of bounds that are integers: the checker refuses others.
		if t != nil && t.Kind() == reflect.String && (n.From == nil || p.integer(n.From)) && (n.To == nil || p.integer(n.To)) {
			sliceText(node, n)
		}
	case *ast.BinaryNode:
		p.binary(node, n)
	case *ast.ConditionalNode:
		p.liftBranches(node, n)
	case *ast.VariableDeclaratorNode:
		p.let(n)
	}
}

// liftBranches makes c ? x : y, where a branch is an element that is not
// there wrapped to read as its zero value, read as that branch does: nil
// where the branch taken is, compared with nil or given a default
// ((c ? person?.title : "x") ?? "none" is "none" where c holds and there
// is no person), and the zero value, counted, otherwise. It does so
// where each branch is either wrapped with the same zero value or never
// nil (a string, a number, a struct), so that the wrapping only ever
// stands for a branch's: a branch that may be nil, or of a named string
// type read as text, is left as it is.
func (p *elemPatcher) liftBranches(node *ast.Node, n *ast.ConditionalNode) {
	var w *wrapping
	for _, x := range []ast.Node{n.Exp1, n.Exp2} {
		if bw, ok := p.inner[x]; ok {
			switch {
			case bw.stop != "":
				return
			case w == nil:
				w = &bw
			case !reflect.DeepEqual(w.zero, bw.zero) || w.counted != bw.counted || w.missing != bw.missing:
				return
			}
			continue
		}
		if unconverted(x) != x || mayBeNil(x) || nilKind(x.Type()) {
			return
		}
	}
	if w == nil {
		return
	}
	for _, b := range []*ast.Node{&n.Exp1, &n.Exp2} {
		if bw, ok := p.inner[*b]; ok {
			*b = bw.x
		}
	}
	lifted := *w
	lifted.x = n
	p.put(node, lifted)
}

// nilKind reports whether a value of type t may be nil.
func nilKind(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return true
	}
	return false
}

// wrappedMap returns the map or list type of x where x is a wrapping
// put in this pass around a map or a list, or a pointer to one: an
// optional chain that ends at a map or a list (expr's chain ends before
// an index: person?.consent["email"] is (person?.consent)["email"], and
// account?.domains[0] is (account?.domains)[0]). Otherwise it returns
// nil, and a read of x is typed by expr's checker. get(x, key) of such a
// map is typed so too.
func (p *elemPatcher) wrappedMap(x ast.Node) reflect.Type {
	w, ok := p.inner[x]
	if !ok || w.typ == nil {
		return nil
	}
	t := w.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		return t
	}
	return nil
}

// binary takes the wrapping off an operand compared with nil or given a
// default, and refuses a comparison that is always false (see never).
// Of x ?? y where y is wrapped, it wraps the whole instead (see lift).
func (p *elemPatcher) binary(node *ast.Node, n *ast.BinaryNode) {
	switch n.Operator {
	case "==", "!=":
		if _, ok := n.Right.(*ast.NilNode); ok {
			p.unwrap(&n.Left)
		}
		if _, ok := n.Left.(*ast.NilNode); ok {
			p.unwrap(&n.Right)
		}
		if n.Operator == "==" {
			p.never(n)
		}
	case "in":
		p.never(n)
	case "??":
		p.unwrap(&n.Left)
		p.lift(node, n)
	}
}

// lift makes x ?? y, where y is an element that is not there wrapped to
// read as its zero value, read as y does: x ?? y is nil where both are,
// and reads y's zero value, counted, only where it is not compared with
// nil or given a default itself. So x ?? y ?? z, which is (x ?? y) ?? z,
// is z where x and y are nil; it used to be y's zero value, as y was
// read as a value inside x ?? y. A variable bound to x ?? y reads as it
// written out likewise (see let).
func (p *elemPatcher) lift(node *ast.Node, n *ast.BinaryNode) {
	r := &n.Right
	converted := false
	if x := unconverted(*r); x != *r {
		r = &(*r).(*ast.CallNode).Arguments[0] // $string(account?.id)
		converted = true
	}
	w, ok := p.inner[*r]
	if !ok || w.stop != "" {
		return // a variable that reads otherwise where its chain stopped
	}
	if converted {
		// The whole reads as text, and so does its zero value.
		z := reflect.ValueOf(w.zero)
		if z.Kind() != reflect.String {
			return
		}
		w.zero = z.String()
	}
	*r = w.x
	w.x = n
	p.put(node, w)
}

// never refuses x == "", "" == x and x in [""] where x is a string field
// that a map's missing element sets, or such a field given a default
// ((x ?? "") == ""): an element the map does not hold reads that value,
// and one it holds has the field set, so the comparison is always false
// (the field is never nil, so a default is never taken). The rule's
// author most likely meant the element the map does not hold, which
// reads the missing element's value.
//
// x in a list of other members besides "" (x in ["", "opt-in"]) can hold,
// and is not refused, though its "" never matches: whether the "" was
// written for an element the map does not hold (it reads the missing
// element's value) or only to be safe, the rule cannot tell. x not in
// [""] always holds, as x != "" does, and is not refused either.
func (p *elemPatcher) never(n *ast.BinaryNode) {
	switch n.Operator {
	case "==":
		for _, s := range [][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
			if lit, ok := s[1].(*ast.StringNode); !ok || lit.Value != "" {
				continue
			}
			elem, name, value := p.missingField(p.defaulted(s[0]))
			if value == "" {
				continue
			}
			p.fail(s[1], "this comparison is always false: %s; compare with %q to find one the map does not hold", neverEmpty(elem, name, value), value)
			return
		}
	case "in":
		list, ok := n.Right.(*ast.ArrayNode)
		if !ok || len(list.Nodes) == 0 || p.negated[n] {
			return
		}
		for _, m := range list.Nodes {
			if lit, ok := m.(*ast.StringNode); !ok || lit.Value != "" {
				return
			}
		}
		elem, name, value := p.missingField(p.defaulted(n.Left))
		if value == "" {
			return
		}
		p.fail(list.Nodes[0], "this comparison is always false: %s; compare with %q to find one the map does not hold", neverEmpty(elem, name, value), value)
	}
}

// notIn notes in negated each x in list that expr's parser made x not in
// list of (a unary not with the location of its in; not (x in list) is
// not one), before elemPatcher runs.
type notIn map[ast.Node]bool

func (m notIn) Visit(node *ast.Node) {
	retype(node)
	if u, ok := (*node).(*ast.UnaryNode); ok && u.Operator == "not" {
		if b, ok := u.Node.(*ast.BinaryNode); ok && b.Operator == "in" && b.Location() == u.Location() {
			m[b] = true
		}
	}
}

// neverEmpty says why the field name of elem, a map's missing element
// whose field reads value, is never "".
func neverEmpty(elem any, name, value string) string {
	t := reflect.TypeOf(elem)
	return fmt.Sprintf(`the %s of a %v read from a map is never "" (one the map does not hold reads %q, %v's Missing value, and one it holds has its %s set)`,
		name, t, value, t, name)
}

// defaulted returns x without the defaults the rule gives it with ??
// (x ?? "", (x ?? a) ?? b): where missingField finds the field that x
// reads, x is never nil, so x ?? y is x.
func (p *elemPatcher) defaulted(x ast.Node) ast.Node {
	x = unconverted(x) // (x ?? "") read as text, as a value of no type
	for {
		b, ok := x.(*ast.BinaryNode)
		if !ok || b.Operator != "??" {
			return x
		}
		if _, ours := p.inner[b]; ours {
			return x
		}
		x = unconverted(b.Left)
	}
}

// missingField reports whether x reads a string field of an element of a
// map whose element type has a missing element ([MissingElement]): it
// returns that element, the field's name and its value there, or "".
func (p *elemPatcher) missingField(x ast.Node) (elem any, name, value string) {
	x = unconverted(x) // a field of a named string type
	if w, ok := p.inner[x]; ok {
		x = w.x
	}
	if c, ok := x.(*ast.ChainNode); ok {
		x = c.Node // person.consent?.email?.status
	}
	m, ok := x.(*ast.MemberNode)
	if !ok {
		return nil, "", ""
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return nil, "", ""
	}
	w, ok := p.inner[m.Node]
	if !ok || !w.missing || w.stop != "" || stopsBefore(w.x) {
		return nil, "", ""
	}
	f, ok := exprField(reflect.ValueOf(w.zero), prop.Value)
	if !ok || f.Kind() != reflect.String {
		return nil, "", ""
	}
	return w.zero, prop.Value, f.String()
}

// stopsBefore reports whether an optional chain may stop before x, the
// read of a map's element, reaches the map: at a nil pointer read with
// ?. on the way to it (person?.consent.email, people.ann?.consent.email),
// where the chain, and the field read from it, is nil and reads "".
func stopsBefore(x ast.Node) bool {
	if c, ok := x.(*ast.ChainNode); ok {
		x = c.Node
	}
	// The read is get(m, key), as written or as the first pass made
	// m.key into; m is the map.
	g, ok := x.(*ast.BuiltinNode)
	if !ok || g.Name != "get" || len(g.Arguments) != 2 {
		return false
	}
	x = g.Arguments[0]
	for {
		switch n := x.(type) {
		case *ast.ChainNode:
			x = n.Node
		case *ast.MemberNode:
			if n.Optional {
				return true
			}
			x = n.Node
		default:
			return false
		}
	}
}

// exprField returns the field of struct v that a rule reads by name: by
// its expr tag, or else by its Go name.
func exprField(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	for _, f := range reflect.VisibleFields(v.Type()) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		if tag := f.Tag.Get("expr"); tag == name || tag == "" && f.Name == name {
			fv, err := v.FieldByIndexErr(f.Index)
			return fv, err == nil
		}
	}
	return reflect.Value{}, false
}

// wrap replaces *node with x ?? (missing(counter) ? zero : zero), zero
// being the zero value of t: for a pointer, a pointer to a zero value. x
// of unknown type is left nil (the guard allows it only where nil is
// harmless).
func (p *elemPatcher) wrap(node *ast.Node, x ast.Node, t reflect.Type) {
	var zero any
	switch {
	case t == nil || t.Kind() == reflect.Interface:
		*node = x
		return
	case t.Kind() == reflect.Pointer:
		if t.Elem().Kind() == reflect.Pointer || t.Elem().Kind() == reflect.Interface {
			*node = x
			return
		}
		zero = reflect.New(t.Elem()).Interface()
	default:
		zero = reflect.Zero(t).Interface()
	}
	p.put(node, wrapping{x: x, zero: zero, counted: true})
}

// put replaces *node with w.x wrapped as w says.
func (p *elemPatcher) put(node *ast.Node, w wrapping) {
	loc := (*node).Location()
	w.typ = (*node).Type()
	var out ast.Node
	switch {
	case w.stop != "":
		zero := func() ast.Node {
			stopped := &ast.BinaryNode{Operator: "==", Left: &ast.IdentifierNode{Value: w.stop}, Right: &ast.NilNode{}}
			z := &ast.ConditionalNode{Cond: stopped, Exp1: &ast.ConstantNode{Value: w.stopZero}, Exp2: &ast.ConstantNode{Value: w.zero}}
			for _, n := range []ast.Node{stopped.Left, stopped.Right, stopped, z.Exp1, z.Exp2, z} {
				n.SetLocation(loc)
			}
			return z
		}
		out = orZeroOf(w.x, zero, p.counter, loc)
	case w.counted:
		out = orZero(w.x, w.zero, p.counter, loc)
	default:
		z := &ast.ConstantNode{Value: w.zero}
		z.SetLocation(loc)
		out = &ast.BinaryNode{Operator: "??", Left: w.x, Right: z}
		out.SetLocation(loc)
	}
	p.inner[out] = w
	*node = out
}

// orZero returns x ?? (missing(counter) ? zero : zero): x, or when x is
// nil the zero value, counted.
func orZero(x ast.Node, zero any, counter *atomic.Uint64, loc file.Location) ast.Node {
	return orZeroOf(x, func() ast.Node {
		z := &ast.ConstantNode{Value: zero}
		z.SetLocation(loc)
		return z
	}, counter, loc)
}

// orZeroOf is orZero with the zero value given by a node, which zero
// makes (twice).
func orZeroOf(x ast.Node, zero func() ast.Node, counter *atomic.Uint64, loc file.Location) ast.Node {
	c := &ast.ConstantNode{Value: counter}
	missing := &ast.CallNode{Callee: &ast.IdentifierNode{Value: missingFunc}, Arguments: []ast.Node{c}}
	def := &ast.ConditionalNode{Cond: missing, Exp1: zero(), Exp2: zero()}
	w := &ast.BinaryNode{Operator: "??", Left: x, Right: def}
	for _, n := range []ast.Node{c, missing.Callee, missing, def, w} {
		n.SetLocation(loc)
	}
	return w
}

// unwrap takes the wrapping off *node, and off the last part of an
// optional chain: person.consent?.email == nil is nil where the map holds
// no email, as person.consent.email == nil is. A field read from a
// variable bound to an optional chain that may stop before the map (let
// c = person?.consent.email; c.status ?? "") is nil where the chain
// stopped, as the chain written out is (see stopped).
func (p *elemPatcher) unwrap(node *ast.Node) {
	if p.stops[*node] {
		return
	}
	p.unwrapNode(node)
	if stop := p.stopOf(*node); stop != "" {
		p.stopped(node, stop)
	}
}

func (p *elemPatcher) unwrapNode(node *ast.Node) {
	if x := unconverted(*node); x != *node || isAny(*node) {
		// $string(person?.id) ?? "none", $any(c ? person?.title : nil) == nil
		p.unwrapNode(&(*node).(*ast.CallNode).Arguments[0])
		return
	}
	if w, ok := p.inner[*node]; ok {
		*node = w.x
	}
	switch n := (*node).(type) {
	case *ast.ChainNode:
		p.unwrapNode(&n.Node)
		p.unwrapStops(n.Node)
	case *ast.ConditionalNode:
		// Compared with nil or given a default, a branch is too:
		// (c ? person?.title : nil) ?? "none".
		p.unwrap(&n.Exp1)
		p.unwrap(&n.Exp2)
	}
}

// unwrapStops takes the wrapping off each element that is not there
// and that a part of the optional chain x reads with ?. (first(persons)?.title):
// the chain stops at it, nil, where it is compared with nil or given a
// default. A map's missing element ([MissingElement]) stays: the chain
// reads its fields (person.consent?.email?.status is "unknown").
func (p *elemPatcher) unwrapStops(x ast.Node) {
	for {
		m, ok := x.(*ast.MemberNode)
		if !ok {
			return
		}
		if w, ok := p.inner[m.Node]; ok && m.Optional && !w.missing && w.stop == "" {
			m.Node = w.x
		}
		x = m.Node
	}
}

// stopOf returns the hidden variable of a let (see stopping) where x
// reads a field of a use of that let's variable (c.status, c?.status),
// or "".
func (p *elemPatcher) stopOf(x ast.Node) string {
	for depth := 0; ; depth++ {
		if w, ok := p.inner[x]; ok {
			if depth > 0 && w.stop != "" {
				return w.stop
			}
			return ""
		}
		if u := unconverted(x); u != x {
			x = u
			continue
		}
		switch n := x.(type) {
		case *ast.ChainNode:
			x = n.Node
		case *ast.MemberNode:
			x = n.Node
		default:
			return ""
		}
	}
}

// stopped replaces *node, a field read from a variable whose optional
// chain may stop before the map, with (stop == nil ? nil : *node), stop
// being the hidden variable that is nil where the chain stopped: written
// out, the chain and every field read from it are nil there, and a
// default given to the field is taken, uncounted. The variable itself
// reads the zero value there, counted, for a use that is not compared
// with nil or given a default.
func (p *elemPatcher) stopped(node *ast.Node, stop string) {
	loc := (*node).Location()
	at := func(x ast.Node) ast.Node { x.SetLocation(loc); return x }
	out := at(&ast.ConditionalNode{
		Cond: at(&ast.BinaryNode{Operator: "==", Left: at(&ast.IdentifierNode{Value: stop}), Right: at(&ast.NilNode{})}),
		Exp1: at(&ast.NilNode{}),
		Exp2: *node,
	})
	p.stops[out] = true
	*node = out
}

// missingFunc is the function that counts a missing element: it is not
// part of the library, so rules cannot call it.
const missingFunc = "$missing"

// indexFunc gives an index of a list computed when the rule runs as it
// is where it is 0 or more, and as one past any list's end where it is
// negative: expr counts a negative index from the end, so l[i], with i
// -1 where findIndex found nothing, read the last element. It is not
// part of the library, so rules cannot call it.
const indexFunc = "$index"

// boundFunc gives a bound of a slice computed when the rule runs as it
// is where it is 0 or more, and as 0 where it is negative: expr counts a
// negative bound from the end. It is not part of the library, so rules
// cannot call it.
const boundFunc = "$bound"

// fromData replaces *index, an index of a list or a bound of a slice,
// with fn(*index) where it is an integer (the checker refuses others)
// that is not written in the rule (persons[-1] is the last person, as
// in expr).
func (p *elemPatcher) fromData(index *ast.Node, fn string) {
	if _, ok := constInt(*index); ok || !p.integer(*index) {
		return
	}
	wrapIn(index, fn)
	(*index).SetType(intType) // for the parent, in this pass
}

// integer reports whether n is an integer of any Go type.
func (p *elemPatcher) integer(n ast.Node) bool {
	t := p.calls.typeOf(n)
	if w, ok := p.inner[n]; ok {
		t = w.typ // a wrapping put in this pass, not typed yet
	}
	return number(t) && !isFloat(t)
}

// isMap reports whether n is a map or a pointer to one.
func (p *elemPatcher) isMap(n ast.Node) bool {
	t := p.calls.typeOf(n)
	if w, ok := p.inner[n]; ok {
		t = w.typ
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && t.Kind() == reflect.Map
}

// text reports whether n is text (of a named string type too).
func (p *elemPatcher) text(n ast.Node) bool {
	t := p.calls.typeOf(n)
	if w, ok := p.inner[n]; ok {
		t = w.typ
	}
	return t != nil && t.Kind() == reflect.String
}

// index is indexFunc.
func index(p ...any) (any, error) {
	if i, ok := intOf(p[0]); ok && i < 0 {
		return math.MaxInt, nil
	}
	return p[0], nil
}

// bound is boundFunc.
func bound(p ...any) (any, error) {
	if i, ok := intOf(p[0]); ok && i < 0 {
		return 0, nil
	}
	return p[0], nil
}

// intOf is x, an integer of any Go type, as an int: an unsigned one
// past the largest int is the largest int (expr took it for a negative
// one), and ok is false for a value that is no integer.
func intOf(x any) (int, bool) {
	v := reflect.ValueOf(x)
	switch {
	case v.CanInt():
		return int(v.Int()), true
	case v.CanUint():
		return int(min(v.Uint(), math.MaxInt)), true
	}
	return 0, false
}

// sliceTextFunc slices text by characters: it is not part of the
// library, so rules cannot call it.
const sliceTextFunc = "$sliceText"

// textIndexFunc gives the character where a text starts in another: it
// is not part of the library, so rules cannot call it.
const textIndexFunc = "$textIndex"

// sliceText replaces *node, n, a slice of text, with $sliceText(text,
// from, to), a bound that is not written being nil: a position in text
// counts characters, as len does, where expr's slice counted bytes and
// could cut a character in half.
func sliceText(node *ast.Node, n *ast.SliceNode) {
	loc := n.Location()
	args := []ast.Node{n.Node, n.From, n.To}
	for i, a := range args {
		if a == nil {
			z := &ast.NilNode{}
			z.SetLocation(loc)
			args[i] = z
		}
	}
	callee := &ast.IdentifierNode{Value: sliceTextFunc}
	callee.SetLocation(loc)
	call := &ast.CallNode{Callee: callee, Arguments: args}
	call.SetLocation(loc)
	call.SetType(stringType) // for the parent, in this pass
	*node = call
}

// textIndex replaces *node, n, indexOf(s, sub) or lastIndexOf(s, sub),
// with $textIndex(s, sub, last), which counts characters, as len does,
// where expr's counted bytes.
func textIndex(node *ast.Node, n *ast.BuiltinNode) {
	if len(n.Arguments) != 2 {
		return // refused by the checker
	}
	loc := n.Location()
	last := &ast.BoolNode{Value: n.Name == "lastIndexOf"}
	last.SetLocation(loc)
	callee := &ast.IdentifierNode{Value: textIndexFunc}
	callee.SetLocation(loc)
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Arguments[0], n.Arguments[1], last}}
	call.SetLocation(loc)
	call.SetType(intType) // for the parent, in this pass
	*node = call
}

// textSlice is sliceTextFunc: the characters of text from from up to
// to, nil bounds being its start and its end. A negative bound (one
// written in the rule: one computed is 0 or more, see boundFunc) counts
// from the end; a bound past either end is that end.
func textSlice(p ...any) (any, error) {
	v := reflect.ValueOf(p[0])
	if v.Kind() != reflect.String {
		return nil, fmt.Errorf("cannot slice %T", p[0])
	}
	s := v.String()
	n := utf8.RuneCountInString(s)
	at := func(b any, def int) int {
		if b == nil {
			return def
		}
		i, _ := intOf(b)
		if i < 0 {
			i += n
		}
		return max(0, min(i, n))
	}
	from, to := at(p[1], 0), at(p[2], n)
	if from >= to {
		return "", nil
	}
	return s[byteOffset(s, from):byteOffset(s, to)], nil
}

// byteOffset is where the character at i, 0 to the count of
// characters in s, starts in s.
func byteOffset(s string, i int) int {
	off := 0
	for ; i > 0 && off < len(s); i-- {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

// textIndexOf is textIndexFunc: the character where sub first starts in
// s, or last where last is true, or -1.
func textIndexOf(p ...any) (any, error) {
	s, _ := toString(p[0])
	sub, _ := toString(p[1])
	text, ok1 := s.(string)
	part, ok2 := sub.(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("indexOf needs text, got %T and %T", p[0], p[1])
	}
	i := strings.Index(text, part)
	if last, _ := p[2].(bool); last {
		i = strings.LastIndex(text, part)
	}
	if i < 0 {
		return -1, nil
	}
	return utf8.RuneCountInString(text[:i]), nil
}

// intFunc converts a float to an int, failing where no int holds it: it
// is not part of the library, so rules cannot call it.
const intFunc = "$int"

// floatToInt replaces *node, n, int(x) of a float x, with $int(x): Go's
// conversion, which expr's int makes, gives an arbitrary int for NaN,
// an infinity or a number beyond the range of an int.
func floatToInt(node *ast.Node, n *ast.BuiltinNode) {
	callee := &ast.IdentifierNode{Value: intFunc}
	callee.SetLocation(n.Location())
	call := &ast.CallNode{Callee: callee, Arguments: n.Arguments}
	call.SetLocation(n.Location())
	call.SetType(intType) // for the parent, in this pass
	*node = call
}

// toInt is intFunc: x, a float, with its fraction dropped, or an error
// where no int holds it (NaN, an infinity, or beyond the range of an
// int).
func toInt(p ...any) (any, error) {
	v := reflect.ValueOf(p[0])
	if !v.CanFloat() {
		return nil, fmt.Errorf("int of %T", p[0])
	}
	f := v.Float()
	// -2^63 is an int; 2^63 is one past the largest.
	if math.IsNaN(f) || f < -(1<<63) || f >= 1<<63 {
		return nil, fmt.Errorf("int of %v: no int holds it", f)
	}
	return int(f), nil
}

// keyOrderFunc lists the keys, values or pairs of a map in the order of
// its keys: it is not part of the library, so rules cannot call it.
const keyOrderFunc = "$inKeyOrder"

// inKeyOrder replaces *node, n, keys(m), values(m) or toPairs(m), with
// $inKeyOrder(m, "keys") and so on: expr lists a map's elements in Go's
// map order, which changes from one evaluation to the next, so a rule
// that read a position of the list (first(keys(m))) or compared it gave
// any answer.
func inKeyOrder(node *ast.Node, n *ast.BuiltinNode) {
	if len(n.Arguments) != 1 {
		return // refused by the checker
	}
	loc := n.Location()
	which := &ast.StringNode{Value: n.Name}
	which.SetLocation(loc)
	callee := &ast.IdentifierNode{Value: keyOrderFunc}
	callee.SetLocation(loc)
	call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{n.Arguments[0], which}}
	call.SetLocation(loc)
	call.SetType(reflect.TypeFor[[]any]()) // for the parent, in this pass
	*node = call
}

// listInKeyOrder is keyOrderFunc: the keys, the values or the pairs (key,
// value) of map m, as p[1] says, in the order of the keys (see
// keyOrder).
func listInKeyOrder(p ...any) (any, error) {
	m := reflect.Indirect(reflect.ValueOf(p[0]))
	if m.Kind() != reflect.Map {
		return nil, fmt.Errorf("%s needs a map, got %T", p[1], p[0])
	}
	keys := m.MapKeys()
	slices.SortFunc(keys, keyOrder)
	if p[1] == "toPairs" {
		// A pair is a list of two, which compares with one written
		// in the rule (toPairs(m)[0] == ["a", 2]).
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = []any{k.Interface(), m.MapIndex(k).Interface()}
		}
		return out, nil
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		if p[1] == "keys" {
			out[i] = k.Interface()
		} else {
			out[i] = m.MapIndex(k).Interface()
		}
	}
	return out, nil
}

// keyOrder orders the keys of a map: numbers by value before text by its
// bytes, before bools (false first), before any other key by its type's
// name and its value written out.
func keyOrder(a, b reflect.Value) int {
	if a.Kind() == reflect.Interface {
		a = a.Elem()
	}
	if b.Kind() == reflect.Interface {
		b = b.Elem()
	}
	rank := func(v reflect.Value) int {
		switch {
		case v.CanInt() || v.CanUint() || v.CanFloat():
			return 0
		case v.Kind() == reflect.String:
			return 1
		case v.Kind() == reflect.Bool:
			return 2
		}
		return 3
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch rank(a) {
	case 0:
		if c := cmp.Compare(asFloat(a), asFloat(b)); c != 0 {
			return c
		}
	case 1:
		return strings.Compare(a.String(), b.String())
	case 2:
		return cmp.Compare(boolRank(a.Bool()), boolRank(b.Bool()))
	}
	ta, tb := "", ""
	if a.IsValid() {
		ta = a.Type().String()
	}
	if b.IsValid() {
		tb = b.Type().String()
	}
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return strings.Compare(fmt.Sprint(valueOf(a)), fmt.Sprint(valueOf(b)))
}

// asFloat is v, an integer or a float of any Go type, as a float64.
func asFloat(v reflect.Value) float64 {
	switch {
	case v.CanInt():
		return float64(v.Int())
	case v.CanUint():
		return float64(v.Uint())
	}
	return v.Float()
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// valueOf is v's value, or nil where v is no value.
func valueOf(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}
