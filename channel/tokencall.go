package channel

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"text/template/parse"
)

// builtinResult gives the result type of text/template's builtins; nil is
// dynamic.
var builtinResult = map[string]reflect.Type{
	"and": nil, "or": nil, "not": boolType, "eq": boolType, "ne": boolType, "lt": boolType,
	"le": boolType, "gt": boolType, "ge": boolType, "len": intType, "index": nil, "slice": nil,
	"call": nil, "print": stringType, "printf": stringType, "println": stringType,
	"html": stringType, "js": stringType, "urlquery": stringType,
}

func (c *checker) call(cmd *parse.CommandNode, id *parse.IdentifierNode, sc scope, piped *pipedValue) typed {
	var args []typed
	var names []string     // how a message names each argument
	var nodes []parse.Node // where each argument stands
	for _, a := range cmd.Args[1:] {
		args = append(args, c.arg(a, sc))
		names = append(names, a.String())
		nodes = append(nodes, a)
	}
	if piped != nil {
		args = append(args, piped.typed)
		names = append(names, "the piped value")
		if piped.path != "" {
			names[len(names)-1] = tokenName(piped.path)
		}
		nodes = append(nodes, piped.pipe.Cmds[piped.i-1])
	}
	c.printedArgs(cmd, id, args, names, nodes, piped)
	ft, ok := c.funcs[id.Ident]
	if !ok {
		res, builtin := builtinResult[id.Ident]
		if !builtin {
			c.errorf(id, "unknown function %q", id.Ident)
			return typed{}
		}
		if !c.builtinArgs(id, args, names, nodes) {
			return typed{t: res}
		}
		if (id.Ident == "or" || id.Ident == "and") && len(args) > 0 {
			same := args[0].t
			for _, a := range args[1:] {
				if a.t != same {
					same = nil
				}
			}
			// Of different types, it is one or the other at run time.
			res := typed{t: same, path: args[0].path, dynamic: same == nil && !slices.ContainsFunc(args, func(a typed) bool { return a.t == nil && !a.dynamic })}
			for i, a := range args {
				switch {
				case res.unprintable != nil:
				case a.unprintable != nil:
					res.unprintable = a.unprintable
				case a.t != nil && !printable(a.t):
					res.unprintable = &unprintable{t: a.t, node: nodes[i], name: names[i]}
				}
			}
			return res
		}
		return typed{t: res}
	}
	in := ft.NumIn()
	if ft.IsVariadic() {
		if len(args) < in-1 {
			c.errorf(id, "%s needs at least %d arguments, got %d", id.Ident, in-1, len(args))
		}
	} else if len(args) != in {
		c.errorf(id, "%s needs %d arguments, got %d", id.Ident, in, len(args))
		return typed{t: ft.Out(0)}
	}
	for i, a := range args {
		var want reflect.Type
		switch {
		case ft.IsVariadic() && i >= in-1:
			want = ft.In(in - 1).Elem()
		case i < in:
			want = ft.In(i)
		default:
			continue
		}
		if a.dynamic && want.Kind() != reflect.Interface {
			c.errorf(id, "argument %d of %s: %s is of a type known only at run time (values of different types), and fails for the recipients whose value is not %s", i+1, id.Ident, names[i], describe(want))
			continue
		}
		if a.t == nil {
			continue
		}
		if want.Kind() == reflect.Interface {
			if numberArgs[id.Ident] && !isNumber(a.t) && a.t.Kind() != reflect.Interface {
				c.errorf(id, "argument %d of %s: %s is %s, want a number", i+1, id.Ident, tokenName(a.path), describe(a.t))
			}
			continue
		}
		if !a.t.AssignableTo(want) {
			if i+1 < len(cmd.Args) && isNumberLiteral(cmd.Args[i+1]) && isNumber(want) {
				continue
			}
			c.errorf(id, "argument %d of %s: %s is %s, want %s", i+1, id.Ident, tokenName(a.path), describe(a.t), describe(want))
		}
	}
	return typed{t: ft.Out(0)}
}

// numberArgs are the template functions whose parameters, typed any so
// that they take every kind of number, must be numbers.
var numberArgs = map[string]bool{"percent": true, "number": true}

// refusedBuiltins are the builtins a template may not call, with what to
// use instead: each fails at run time or prints "<no value>" for some
// recipients.
var refusedBuiltins = map[string]string{
	"index": `index is not allowed: a missing map entry prints "<no value>" and a list index out of range fails; read a map entry with {{attr "key" "default" ...}}, a list with {{range ...}} or {{join ", " ...}}`,
	"slice": `slice is not allowed: it fails for a value shorter than its indexes`,
	"call":  `call is not allowed: templates have no functions to call`,
}

// builtinArity gives the least and the most number of arguments of the
// builtins that take a fixed number (-1: any number).
var builtinArity = map[string][2]int{
	"and": {1, -1}, "or": {1, -1}, "not": {1, 1}, "len": {1, 1}, "printf": {1, -1},
	"eq": {2, -1}, "ne": {2, 2}, "lt": {2, 2}, "le": {2, 2}, "gt": {2, 2}, "ge": {2, 2},
}

// builtinArgs checks a builtin's arguments as text/template would when
// it runs: refused builtins, the number of arguments, len of a value
// without a length, comparisons of values of different kinds. It reports
// whether they are right.
func (c *checker) builtinArgs(id *parse.IdentifierNode, args []typed, names []string, nodes []parse.Node) bool {
	name := id.Ident
	if msg, refused := refusedBuiltins[name]; refused {
		c.errorf(id, "%s", msg)
		return false
	}
	if ar, ok := builtinArity[name]; ok && (len(args) < ar[0] || ar[1] >= 0 && len(args) > ar[1]) {
		want := strconv.Itoa(ar[0])
		switch {
		case ar[1] < 0:
			want = "at least " + want
		case ar[1] != ar[0]:
			want += " to " + strconv.Itoa(ar[1])
		}
		c.errorf(id, "%s needs %s arguments, got %d", name, want, len(args))
		return false
	}
	switch name {
	case "printf":
		// The format is a string: a value of another string type (a
		// b2b.PersonID) fails at run time too, and so does one of a
		// type known only then (an attribute's number).
		if runTimeTyped(args[0]) {
			c.errorf(id, "argument 1 of printf: %s is of a type known only at run time, and fails for the recipients whose value is not text; give a format (text): {{printf \"%%v\" %s}}", names[0], names[0])
			return false
		}
		if t := args[0].t; t != nil && t != stringType && t.Kind() != reflect.Interface {
			hint := ""
			if t.Kind() == reflect.String {
				hint = fmt.Sprintf(` (print it with {{printf "%%s" %s}})`, names[0])
			}
			c.errorf(id, "argument 1 of printf: %s is %s, want a format (text)%s", names[0], describe(t), hint)
			return false
		}
		if !c.printfVerbs(id, args, names, nodes) {
			return false
		}
	case "len":
		if runTimeTyped(args[0]) {
			c.errorf(id, "len of %s: its type is known only at run time, and a number or a true/false has no length%s", names[0], runTimeHint(args[0]))
			return false
		}
		if t := args[0].t; t != nil && !hasLen(t) {
			c.errorf(id, "len of %s: %s has no length (only text, lists and maps have one)", names[0], describe(t))
			return false
		}
	case "eq", "ne", "lt", "le", "gt", "ge":
		for i := 1; i < len(args); i++ {
			if msg := comparable(name, args[0], args[i], names[0], names[i]); msg != "" {
				c.errorf(id, "%s", msg)
				return false
			}
		}
	}
	return true
}

func hasLen(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Array, reflect.Map, reflect.Chan, reflect.Interface:
		return true
	}
	return false
}

// The kinds text/template compares: values of one kind compare, and ints
// with uints.
const (
	otherKind = iota
	boolKind
	intKind
	uintKind
	floatKind
	complexKind
	stringKind
)

func basicKind(t reflect.Type) int {
	switch t.Kind() {
	case reflect.Bool:
		return boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintKind
	case reflect.Float32, reflect.Float64:
		return floatKind
	case reflect.Complex64, reflect.Complex128:
		return complexKind
	case reflect.String:
		return stringKind
	}
	return otherKind
}

// comparable returns why the comparison fn of a and b (named an and bn)
// fails at run time, "" when it does not (or when a type is known only
// then).
func comparable(fn string, a, b typed, an, bn string) string {
	// A value whose type is known only at run time fails to compare with
	// one of another kind (an attribute's number with "gold"): for some
	// recipients. Only nil compares with anything.
	for _, x := range []struct {
		v, other   typed
		name, with string
	}{{a, b, an, bn}, {b, a, bn, an}} {
		if runTimeTyped(x.v) && !x.other.null {
			return fmt.Sprintf("%s cannot compare %s, whose type is known only at run time, with %s: it fails for the recipients whose value is of another kind%s",
				fn, x.name, x.with, runTimeHint(x.v))
		}
	}
	if a.t == nil || b.t == nil || a.t.Kind() == reflect.Interface || b.t.Kind() == reflect.Interface {
		return ""
	}
	ka, kb := basicKind(a.t), basicKind(b.t)
	ordered := fn != "eq" && fn != "ne"
	switch {
	case ordered && (ka == otherKind || ka == boolKind || ka == complexKind):
		return fmt.Sprintf("%s cannot order %s, which is %s (it orders numbers and text)", fn, an, describe(a.t))
	case ordered && (kb == otherKind || kb == boolKind || kb == complexKind):
		return fmt.Sprintf("%s cannot order %s, which is %s (it orders numbers and text)", fn, bn, describe(b.t))
	case ka == otherKind && kb == otherKind:
		if !a.t.Comparable() || !b.t.Comparable() {
			return fmt.Sprintf("%s cannot compare %s (%s) with %s (%s)", fn, an, describe(a.t), bn, describe(b.t))
		}
	case ka != kb && !(ka == intKind && kb == uintKind || ka == uintKind && kb == intKind):
		hint := ""
		if ka == floatKind && kb == intKind || ka == intKind && kb == floatKind {
			hint = " (write a whole number as 100.0 to compare it with a decimal one)"
		}
		return fmt.Sprintf("%s cannot compare %s (%s) with %s (%s)%s", fn, an, describe(a.t), bn, describe(b.t), hint)
	}
	return ""
}

func isNumberLiteral(n parse.Node) bool {
	_, ok := n.(*parse.NumberNode)
	return ok
}

// runTimeHint says how to give a value of a type known only at run time
// one type: an attribute's value read as text with attr.
func runTimeHint(x typed) string {
	if x.dynamic {
		return " (values of different types)"
	}
	return ` (an attribute's value may be text, a number, a list...: read it as text with {{attr "key" "" .Account.Attributes}})`
}

// printingFuncs are the functions that print their arguments as fmt
// does: a struct, a map or a list comes out in Go syntax.
var printingFuncs = map[string]bool{"print": true, "printf": true, "println": true, "html": true, "js": true, "urlquery": true}

// printedArgs refuses the arguments that a function that prints them
// (printingFuncs, and default's value) would print in Go syntax, and
// has those of a type known only at run time (an attribute's value),
// and decimals but printf's, printed as attr prints them.
func (c *checker) printedArgs(cmd *parse.CommandNode, id *parse.IdentifierNode, args []typed, names []string, nodes []parse.Node, piped *pipedValue) {
	isDefault := id.Ident == "default" && c.funcs["default"] != nil
	if !printingFuncs[id.Ident] && !isDefault {
		return
	}
	for i, a := range args {
		if (isDefault || id.Ident == "printf") && i == 0 {
			continue // the fallback, the format
		}
		decimal := a.t != nil && isDecimal(a.t) && id.Ident != "printf" // printf's verb says how
		if !c.printableValue(nodes[i], names[i], a, isDefault) || isDefault || !runTimeTyped(a) && !decimal {
			continue
		}
		if piped != nil && i == len(args)-1 {
			c.asText = append(c.asText, textSpot{tree: c.tree, pipe: piped.pipe, after: piped.pipe.Cmds[piped.i-1]})
		} else {
			c.asText = append(c.asText, textSpot{tree: c.tree, cmd: cmd, arg: nodes[i]})
		}
	}
}

// printableValue reports whether x prints as a reader reads it, and
// reports it at n (named name) when it does not: a struct, a map or a
// list prints in Go syntax ("{Ann Lee ...}", "[a b]", "map[...]"), but
// default prints a list of text joined with ", " and a time in RFC 3339
// (byDefault). A value an or may give (see typed.unprintable) is
// reported where it stands.
func (c *checker) printableValue(n parse.Node, name string, x typed, byDefault bool) bool {
	if u := x.unprintable; u != nil {
		c.errorf(u.node, "%s is %s and cannot be printed%s", u.name, describe(u.t), printHint(u.t))
		return false
	}
	t := x.t
	if n == nil || t == nil || printable(t) || byDefault && (t == timeType || t.Kind() == reflect.Slice && t.Elem() == stringType) {
		return true
	}
	c.errorf(n, "%s is %s and cannot be printed%s", name, describe(t), printHint(t))
	return false
}
