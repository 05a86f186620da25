package scoring

import (
	"cmp"
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/quorumhq/quorum/b2b"
)

// A native condition is a person-level condition (condPerson) turned into
// a Go function, so that the common "person.seniority in ["C-Level", "VP"]"
// or "account.employees >= 1000" costs a few field reads instead of a run of
// the expression machine. Only a small part of the language is translated,
// where Go gives exactly expr's answer and evaluation cannot fail:
//
//   - fields of person and account of type string, int or float64 (exactly
//     those types: expr compares values of other named types differently),
//     and string, integer, float and boolean constants;
//   - ==, != and <, <=, >, >= between two strings or two numbers (int with
//     int as int, anything else as float64, as expr does);
//   - in and not in with a list of string constants;
//   - !, not, &&, and, ||, or.
//
// Anything else (a function, arithmetic, a nil, a map, an optional member)
// leaves the condition to the expression machine. The person is never nil
// where a native condition runs, and an unknown account is the empty one.
type native func(p *b2b.Person, a *b2b.Account) bool

// compileNative translates src, or returns nil.
func compileNative(src string) native {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := nativeNode(tree.Node)
	if v.kind != kBool {
		return nil
	}
	return v.b
}

type nkind uint8

const (
	kNone nkind = iota // not translated
	kBool
	kString
	kInt
	kFloat
)

// nval is a translated node: a function of the kind's result type, or an
// array of string constants (the right side of in).
type nval struct {
	kind  nkind
	b     func(*b2b.Person, *b2b.Account) bool
	s     func(*b2b.Person, *b2b.Account) string
	i     func(*b2b.Person, *b2b.Account) int
	f     func(*b2b.Person, *b2b.Account) float64
	list  []string // the constants of an array of strings (kind kNone)
	isArr bool
}

func nativeNode(n ast.Node) nval {
	switch n := n.(type) {
	case *ast.BoolNode:
		c := n.Value
		return nval{kind: kBool, b: func(*b2b.Person, *b2b.Account) bool { return c }}
	case *ast.StringNode:
		c := n.Value
		return nval{kind: kString, s: func(*b2b.Person, *b2b.Account) string { return c }}
	case *ast.IntegerNode:
		c := n.Value
		return nval{kind: kInt, i: func(*b2b.Person, *b2b.Account) int { return c }}
	case *ast.FloatNode:
		c := n.Value
		return nval{kind: kFloat, f: func(*b2b.Person, *b2b.Account) float64 { return c }}
	case *ast.ArrayNode:
		list := make([]string, 0, len(n.Nodes))
		for _, e := range n.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return nval{}
			}
			list = append(list, s.Value)
		}
		return nval{isArr: true, list: list}
	case *ast.MemberNode:
		return nativeField(n)
	case *ast.UnaryNode:
		x := nativeNode(n.Node)
		if (n.Operator != "!" && n.Operator != "not") || x.kind != kBool {
			return nval{}
		}
		return nval{kind: kBool, b: func(p *b2b.Person, a *b2b.Account) bool { return !x.b(p, a) }}
	case *ast.BinaryNode:
		return nativeBinary(n)
	}
	return nval{}
}

var (
	personType  = reflect.TypeFor[b2b.Person]()
	accountType = reflect.TypeFor[b2b.Account]()
	stringType  = reflect.TypeFor[string]()
	intType     = reflect.TypeFor[int]()
	floatType   = reflect.TypeFor[float64]()
)

// nativeField translates person.<name> or account.<name>: the field whose
// expr tag is name, as expr resolves it.
func nativeField(n *ast.MemberNode) nval {
	id, ok := n.Node.(*ast.IdentifierNode)
	prop, ok2 := n.Property.(*ast.StringNode)
	if !ok || !ok2 || n.Optional || n.Method {
		return nval{}
	}
	var t reflect.Type
	switch id.Value {
	case "person":
		t = personType
	case "account":
		t = accountType
	default:
		return nval{}
	}
	idx := -1
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && !f.Anonymous && f.Tag.Get("expr") == prop.Value {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nval{}
	}
	ft := t.Field(idx).Type
	field := func(_ *b2b.Person, a *b2b.Account) reflect.Value { return reflect.ValueOf(a).Elem().Field(idx) }
	if t == personType {
		field = func(p *b2b.Person, _ *b2b.Account) reflect.Value { return reflect.ValueOf(p).Elem().Field(idx) }
	}
	switch ft {
	case stringType:
		return nval{kind: kString, s: func(p *b2b.Person, a *b2b.Account) string { return field(p, a).String() }}
	case intType:
		return nval{kind: kInt, i: func(p *b2b.Person, a *b2b.Account) int { return int(field(p, a).Int()) }}
	case floatType:
		return nval{kind: kFloat, f: func(p *b2b.Person, a *b2b.Account) float64 { return field(p, a).Float() }}
	}
	return nval{}
}

func nativeBinary(n *ast.BinaryNode) nval {
	l, r := nativeNode(n.Left), nativeNode(n.Right)
	bool2 := func(f func(p *b2b.Person, a *b2b.Account) bool) nval { return nval{kind: kBool, b: f} }
	switch n.Operator {
	case "&&", "and":
		if l.kind == kBool && r.kind == kBool {
			return bool2(func(p *b2b.Person, a *b2b.Account) bool { return l.b(p, a) && r.b(p, a) })
		}
		return nval{}
	case "||", "or":
		if l.kind == kBool && r.kind == kBool {
			return bool2(func(p *b2b.Person, a *b2b.Account) bool { return l.b(p, a) || r.b(p, a) })
		}
		return nval{}
	case "in":
		if l.kind != kString || !r.isArr {
			return nval{}
		}
		list := r.list
		return bool2(func(p *b2b.Person, a *b2b.Account) bool {
			v := l.s(p, a)
			for _, c := range list {
				if v == c {
					return true
				}
			}
			return false
		})
	}
	holds := compareOp(n.Operator)
	if holds == nil {
		return nval{}
	}
	switch {
	case l.kind == kString && r.kind == kString:
		if n.Operator != "==" && n.Operator != "!=" {
			return bool2(func(p *b2b.Person, a *b2b.Account) bool { return holds(cmp.Compare(l.s(p, a), r.s(p, a))) })
		}
		eq := n.Operator == "=="
		return bool2(func(p *b2b.Person, a *b2b.Account) bool { return (l.s(p, a) == r.s(p, a)) == eq })
	case l.kind == kInt && r.kind == kInt:
		return bool2(func(p *b2b.Person, a *b2b.Account) bool { return holds(cmp.Compare(l.i(p, a), r.i(p, a))) })
	case isNum(l.kind) && isNum(r.kind):
		lf, rf := asFloat(l), asFloat(r)
		if n.Operator == "==" || n.Operator == "!=" {
			// NaN is unequal to everything, itself included.
			eq := n.Operator == "=="
			return bool2(func(p *b2b.Person, a *b2b.Account) bool { return (lf(p, a) == rf(p, a)) == eq })
		}
		return bool2(func(p *b2b.Person, a *b2b.Account) bool {
			x, y := lf(p, a), rf(p, a)
			// Every ordering of NaN is false (cmp.Compare would order it
			// first).
			return x == x && y == y && holds(cmp.Compare(x, y))
		})
	}
	return nval{}
}

// compareOp returns, for a comparison operator, whether a three-way
// comparison result satisfies it.
func compareOp(op string) func(c int) bool {
	switch op {
	case "==":
		return func(c int) bool { return c == 0 }
	case "!=":
		return func(c int) bool { return c != 0 }
	case "<":
		return func(c int) bool { return c < 0 }
	case "<=":
		return func(c int) bool { return c <= 0 }
	case ">":
		return func(c int) bool { return c > 0 }
	case ">=":
		return func(c int) bool { return c >= 0 }
	}
	return nil
}

func isNum(k nkind) bool { return k == kInt || k == kFloat }

func asFloat(v nval) func(*b2b.Person, *b2b.Account) float64 {
	if v.kind == kFloat {
		return v.f
	}
	i := v.i
	return func(p *b2b.Person, a *b2b.Account) float64 { return float64(i(p, a)) }
}
