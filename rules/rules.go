package rules

import (
	"errors"
	"fmt"
	"reflect"
)

// A Rule is an expression a user wrote, with the name it is known by. The
// name appears in every error and every explanation.
type Rule struct {
	Name   string `json:"name" yaml:"name"`
	Source string `json:"expr" yaml:"expr"`
}

// Kind is the type of value a rule must produce.
type Kind uint8

// The kinds a rule can produce.
const (
	KindBool   Kind = iota + 1 // true or false (conditions)
	KindNumber                 // a float64 (points, weights); integer results are converted
	KindString                 // a string (names, tiers)
)

func (k Kind) String() string {
	switch k {
	case KindBool:
		return "bool"
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Engine compiles rules. It is the plug point of the rules layer: the default,
// [New], is built on github.com/expr-lang/expr; a host may supply another.
//
// Compile type-checks rule.Source against env, the Go type of the values the
// rule will see (a struct type, chosen by the consuming package), and checks
// that the result is of the wanted kind. Implementations are safe for
// concurrent use.
type Engine interface {
	Compile(rule Rule, env reflect.Type, kind Kind) (Program, error)
}

// A Program is a compiled rule. Eval runs it on env, which must be a pointer
// to a value of the type it was compiled for (or that value itself; the
// default engine's programs return an [*EvalError] for any other, nil
// and a nil pointer included), and
// returns a bool, a float64 or a string according to Kind. Programs are safe
// for concurrent use.
type Program interface {
	Rule() Rule
	Kind() Kind
	Eval(env any) (any, error)
}

// Stats is an optional interface of a [Program]: how many times an attribute
// the rule asked for was missing (or of another type) and its default was used
// instead, or an element it asked for was not there and the zero value was
// used (see "Missing data" in the package documentation). The default
// engine's programs implement it.
type Stats interface {
	MissingAttributes() uint64
}

// ErrCompile is matched by every error that [Engine.Compile] returns for a
// rule that does not compile.
var ErrCompile = errors.New("rule does not compile")

// ErrEval is matched by every error of a compiled rule at run time.
var ErrEval = errors.New("rule failed to evaluate")

// Result is the set of Go types a typed [Expr] returns.
type Result interface {
	bool | float64 | string
}

// Expr is a compiled rule with a typed environment E and a typed result R.
// It is what consumer packages hold: Eval takes *E and returns R, with no
// type assertion at the call site.
type Expr[E any, R Result] struct {
	prog Program
	// deref says that E is a pointer type: Eval's env is a pointer to
	// a pointer (see structPointer).
	deref bool
}

// Compile compiles rule on eng for environment type E and result type R.
// E is a struct type, or a pointer to one: Eval then takes a pointer to
// such a pointer, and reads the struct it points to. A nil eng uses a
// fresh default engine (see [New]); share one engine in a program so its
// cache is shared.
func Compile[E any, R Result](eng Engine, rule Rule) (*Expr[E, R], error) {
	if eng == nil {
		eng = New()
	}
	p, err := eng.Compile(rule, reflect.TypeFor[E](), kindOf[R]())
	if err != nil {
		return nil, err
	}
	return &Expr[E, R]{prog: p, deref: reflect.TypeFor[E]().Kind() == reflect.Pointer}, nil
}

// MustCompile is like [Compile] but panics on error. Use it only for rules
// written in Go source (package-level defaults), never for user input.
func MustCompile[E any, R Result](eng Engine, rule Rule) *Expr[E, R] {
	x, err := Compile[E, R](eng, rule)
	if err != nil {
		panic(err)
	}
	return x
}

// CompileAll compiles every rule and returns all compile errors at once
// (as [Errors]) instead of stopping at the first. The returned slice has one
// entry per rule, nil where the rule failed.
func CompileAll[E any, R Result](eng Engine, rs []Rule) ([]*Expr[E, R], error) {
	if eng == nil {
		eng = New()
	}
	out := make([]*Expr[E, R], len(rs))
	var errs Errors
	for i, r := range rs {
		x, err := Compile[E, R](eng, r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[i] = x
	}
	return out, errs.Err()
}

// Eval runs the rule on env. A compiled rule fails at run time only in the
// cases the package documentation lists under "What can fail at run time"
// (a number rule's infinite result, a host function's error, expr's memory
// budget, a nil env); the error then names the rule and matches [ErrEval].
func (x *Expr[E, R]) Eval(env *E) (R, error) {
	var in any = env
	if x.deref {
		in = structPointer(env)
	}
	v, err := x.prog.Eval(in)
	if err != nil {
		var zero R
		return zero, err
	}
	r, ok := v.(R)
	if !ok {
		var zero R
		return zero, &EvalError{Rule: x.prog.Rule(), Err: fmt.Errorf("engine returned %T, want %T", v, zero)}
	}
	return r, nil
}

// Rule returns the rule the expression was compiled from.
func (x *Expr[E, R]) Rule() Rule { return x.prog.Rule() }

// Program returns the underlying compiled program.
func (x *Expr[E, R]) Program() Program { return x.prog }

// MissingAttributes returns how often the rule used an attribute default
// or the zero value of an element that was not there:
// evaluations of this compiled rule, not of other rules with the same
// source (0 when the engine does not count).
func (x *Expr[E, R]) MissingAttributes() uint64 {
	if s, ok := x.prog.(Stats); ok {
		return s.MissingAttributes()
	}
	return 0
}

// structPointer is env, a pointer to an environment, as a pointer to
// its struct: where E is itself a pointer type (Compile[*S, R], which
// compiles for S), env is a pointer to a pointer, which the program
// would take for an environment of another type. A nil pointer on the
// way is a nil pointer to the struct, which the program refuses.
func structPointer(env any) any {
	v := reflect.ValueOf(env)
	for v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Pointer {
		if v.IsNil() {
			v = reflect.Zero(v.Type().Elem())
		} else {
			v = v.Elem()
		}
	}
	return v.Interface()
}

func kindOf[R Result]() Kind {
	var zero R
	switch any(zero).(type) {
	case bool:
		return KindBool
	case float64:
		return KindNumber
	default:
		return KindString
	}
}
