package channel

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// printfVerbs checks a printf's format against its arguments as fmt reads
// them: each verb against the type of the argument it prints, a * width
// or precision against a whole number, the number of arguments against
// the number of verbs. fmt prints its complaint in the message instead
// ("%!d(string=Ann)", "%!s(MISSING)", "%!(EXTRA int=3)"). The format
// must be written in the template: a format read from data is checked
// by nothing, and a % in it prints "%!". It reports whether they fit.
func (c *checker) printfVerbs(id *parse.IdentifierNode, args []typed, names []string, nodes []parse.Node) bool {
	lit, ok := nodes[0].(*parse.StringNode)
	if !ok {
		c.errorf(id, "argument 1 of printf: the format must be text written in the template ({{printf \"Hi %%s\" ...}}): a %% in %s would print as \"%%!\"", names[0])
		return false
	}
	p := printfCheck{c: c, id: id, where: "printf " + lit.Quoted, vals: args[1:], names: names[1:], nodes: nodes[1:]}
	return p.check(lit.Text)
}

// printfCheck is one printf's format being checked against its values.
type printfCheck struct {
	c      *checker
	id     *parse.IdentifierNode
	where  string // `printf "..."`, as the template writes it
	vals   []typed
	names  []string
	nodes  []parse.Node
	argNum int  // the value the next verb prints
	index  bool // the format numbers its values (%[2]s)
	// missing is the first value a verb or a * asks for past the last
	// (1-based), 0 for none; need how many values the format prints.
	missing, need int
}

func (p *printfCheck) fail(n parse.Node, format string, args ...any) bool {
	if n == nil {
		n = p.id
	}
	p.c.errorf(n, "%s: %s", p.where, fmt.Sprintf(format, args...))
	return false
}

func (p *printfCheck) check(f string) bool {
	for i := 0; i < len(f); {
		if f[i] != '%' {
			i++
			continue
		}
		i++
		sharp := false
		for ; i < len(f) && strings.IndexByte("#0+- ", f[i]) >= 0; i++ {
			sharp = sharp || f[i] == '#'
		}
		var ok bool
		if i, ok = p.argIndex(f, i); !ok {
			return false
		}
		if i < len(f) && f[i] == '*' {
			i++
			if !p.star("width") {
				return false
			}
		}
		for i < len(f) && '0' <= f[i] && f[i] <= '9' {
			i++
		}
		if i < len(f) && f[i] == '.' {
			i++
			if i, ok = p.argIndex(f, i); !ok {
				return false
			}
			if i < len(f) && f[i] == '*' {
				i++
				if !p.star("precision") {
					return false
				}
			}
			for i < len(f) && '0' <= f[i] && f[i] <= '9' {
				i++
			}
		}
		if i, ok = p.argIndex(f, i); !ok {
			return false
		}
		if i >= len(f) {
			return p.fail(nil, "the format ends in a lone %%; write %%%% for a percent sign")
		}
		verb, size := utf8.DecodeRuneInString(f[i:])
		i += size
		if verb == '%' {
			continue
		}
		if !p.verb(verb, sharp) {
			return false
		}
	}
	switch {
	case p.missing > 0 && p.index:
		return p.fail(nil, "the format prints argument %d and is given %d", p.missing, len(p.vals))
	case p.missing > 0:
		return p.fail(nil, "the format prints %s and is given %d", values(p.need), len(p.vals))
	case !p.index && p.argNum < len(p.vals):
		return p.fail(nil, "the format prints %s and is given %d", values(p.argNum), len(p.vals))
	}
	return true
}

func values(n int) string {
	if n == 1 {
		return "1 value"
	}
	return strconv.Itoa(n) + " values"
}

// argIndex reads an argument index ("[2]") at f[i:], if there is one.
func (p *printfCheck) argIndex(f string, i int) (int, bool) {
	if i >= len(f) || f[i] != '[' {
		return i, true
	}
	end := strings.IndexByte(f[i:], ']')
	n, err := strconv.Atoi(f[i+1 : i+max(end, 1)])
	if end < 0 || err != nil || n < 1 {
		return i, p.fail(nil, "bad argument index in the format (%%[1]s prints the first value)")
	}
	p.argNum, p.index = n-1, true
	return i + end + 1, true
}

// take returns the value the next verb or * prints, or false after
// noting that there is none.
func (p *printfCheck) take() (int, bool) {
	n := p.argNum
	p.argNum++
	p.need++
	if n >= len(p.vals) {
		if p.missing == 0 {
			p.missing = n + 1
		}
		return n, false
	}
	return n, true
}

// star checks the value a * width or precision takes: a whole number.
func (p *printfCheck) star(what string) bool {
	n, ok := p.take()
	if !ok {
		return true
	}
	v := p.vals[n]
	switch {
	case runTimeTyped(v):
		return p.fail(p.nodes[n], "the %s * is %s, whose type is known only at run time; it must be a whole number", what, p.names[n])
	case v.t != nil && !isWhole(v.t):
		return p.fail(p.nodes[n], "the %s * is %s, which is %s; it must be a whole number", what, p.names[n], describe(v.t))
	}
	if num, ok := p.nodes[n].(*parse.NumberNode); ok && num.IsInt && (num.Int64 > 1e6 || num.Int64 < -1e6) {
		return p.fail(num, "the %s * is %s; it must be at most 1000000", what, num.Text)
	}
	return true
}

// verb checks verb against the value it prints.
func (p *printfCheck) verb(verb rune, sharp bool) bool {
	switch {
	case verb == 'T':
		return p.fail(nil, "%%T prints a Go type, not a value")
	case verb == 'p':
		return p.fail(nil, "%%p prints a memory address, not a value")
	case sharp && (verb == 'v' || verb == 'q'):
		return p.fail(nil, "%%#%c prints Go syntax; print the value with %%%c", verb, verb)
	}
	wants, fits := verbFits(verb)
	if fits == nil {
		return p.fail(nil, "unknown verb %%%c", verb)
	}
	n, ok := p.take()
	if !ok {
		return true
	}
	v := p.vals[n]
	switch {
	case v.unprintable != nil || v.t != nil && !printable(v.t):
		// A struct, a map, a list or a time: printedArgs refuses it
		// with what to write instead, which no verb is.
		return true
	case runTimeTyped(v):
		// Printed as text (see markText): %v, %s and %q print it.
		if verb == 'v' || verb == 's' || verb == 'q' {
			return true
		}
		return p.fail(p.nodes[n], "%%%c prints %s, and %s is of a type known only at run time%s", verb, wants, p.names[n], runTimeHint(v))
	case v.t == nil || fits(v.t):
		return true
	}
	return p.fail(p.nodes[n], "%%%c prints %s, and %s is %s (%s)", verb, wants, p.names[n], describe(v.t), verbHint(v.t, p.nodes[n], verb))
}

// verbFits says what verb prints, and which types it prints; nil for a
// verb fmt does not know.
func verbFits(verb rune) (string, func(reflect.Type) bool) {
	switch verb {
	case 'v':
		return "a value", func(reflect.Type) bool { return true }
	case 'd', 'b', 'o', 'O', 'c', 'U':
		return "a whole number", isWhole
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return "a decimal number", isDecimal
	case 's':
		return "text", isText
	case 'q':
		return "quoted text", isText
	case 't':
		return "true or false", func(t reflect.Type) bool { return t.Kind() == reflect.Bool }
	case 'x', 'X':
		return "text or a number in hexadecimal", func(t reflect.Type) bool { return isText(t) || isWhole(t) || isDecimal(t) }
	}
	return "", nil
}

func isWhole(t reflect.Type) bool {
	k := basicKind(t)
	return k == intKind || k == uintKind
}

func isDecimal(t reflect.Type) bool { return basicKind(t) == floatKind }

func isText(t reflect.Type) bool { return t.Kind() == reflect.String }

// verbHint says how to print a value of type t that verb does not print.
func verbHint(t reflect.Type, n parse.Node, verb rune) string {
	if num, ok := n.(*parse.NumberNode); ok && isWhole(t) && strings.ContainsRune("eEfFgG", verb) && strings.Trim(num.Text, "0123456789") == "" {
		return "write it " + num.Text + ".0"
	}
	switch {
	case isText(t):
		return "print it with %s"
	case isWhole(t):
		return "print it with %d"
	case isDecimal(t):
		return "print it with %v, or through number"
	case t.Kind() == reflect.Bool:
		return "print it with %t"
	}
	return "print it with %v"
}
