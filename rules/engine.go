package rules

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Limits bound what a rule may be. The zero value of a field means its
// default.
type Limits struct {
	// MaxSourceLen is the longest rule source, in bytes. Default 4096.
	MaxSourceLen int
	// MaxNodes is the largest syntax tree, in nodes. Default 1000.
	MaxNodes int
	// CacheSize is how many compiled programs the engine keeps. Default
	// 10000; when full the cache starts afresh.
	CacheSize int
}

// DefaultLimits are the limits of an engine built without [WithLimits].
var DefaultLimits = Limits{MaxSourceLen: 4096, MaxNodes: 1000, CacheSize: 10000}

func (l Limits) withDefaults() Limits {
	if l.MaxSourceLen <= 0 {
		l.MaxSourceLen = DefaultLimits.MaxSourceLen
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultLimits.MaxNodes
	}
	if l.CacheSize <= 0 {
		l.CacheSize = DefaultLimits.CacheSize
	}
	return l
}

// An Option configures the default engine.
type Option func(*ExprEngine)

// WithLimits sets the engine's limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(e *ExprEngine) { e.limits = l.withDefaults() }
}

// WithFunction registers a host function that rules may call, in expr's
// form: fn receives the arguments, and types (values such as
// new(func(string) bool)) declare the signatures the type checker accepts.
// The function must be deterministic and must not block. Its name must be
// an identifier that no function of the library and no builtin has, given
// once with all its signatures: otherwise every Compile on the engine
// fails, naming the function, rather than change silently what the rules
// that call that name mean. So does every Compile where fn is nil or a
// signature is no function type (nor a pointer to one).
func WithFunction(name string, fn func(params ...any) (any, error), types ...any) Option {
	return func(e *ExprEngine) {
		e.hostFuncs = append(e.hostFuncs, hostFunc{name: name, fn: fn, types: types})
	}
}

type hostFunc struct {
	name  string
	fn    func(params ...any) (any, error)
	types []any
}

// ExprEngine is the default [Engine], built on github.com/expr-lang/expr.
// Rules see the fields of the environment type (by their `expr` tag), the
// operators and builtins of expr (but not now(): time is an input, nor the
// few others the package documentation lists), and the function library
// described there. Compile refuses what expr's type checker accepts but
// would fail at run time on ordinary data (see "Checked when the rule is
// loaded"). Compiled programs are cached by (environment type, kind,
// source) and shared by the rules with that source; each [Program] that
// Compile returns counts its own missing data ([Stats]).
type ExprEngine struct {
	limits    Limits
	hostFuncs []hostFunc
	regexps   *regexpCache

	mu    sync.Mutex
	cache map[cacheKey]*compiled

	vms sync.Pool
}

type cacheKey struct {
	env  reflect.Type
	kind Kind
	src  string
}

// compiled is one cached compilation; the rule name and the
// missing-attribute counter are attached per Compile (see forRule).
type compiled struct {
	prog    *vm.Program
	convert func(any) (any, bool) // result conversion to the kind's Go type
	// counters are the indexes in prog.Constants of the counter that
	// attr calls add their defaults to (see attrPatcher): one, as expr
	// stores a constant once, or none when the program calls no attr.
	counters []int
	err      *CompileError // without the rule name
}

// forRule returns the program for one compiled rule and its own
// missing-attribute counter: a copy of the cached program whose counter
// constant is the rule's, sharing everything else (bytecode, functions,
// the other constants).
func (c *compiled) forRule() (*vm.Program, *atomic.Uint64) {
	missing := new(atomic.Uint64)
	if len(c.counters) == 0 {
		return c.prog, missing
	}
	p := *c.prog
	p.Constants = slices.Clone(c.prog.Constants)
	for _, i := range c.counters {
		p.Constants[i] = missing
	}
	return &p, missing
}

// New returns the default engine.
func New(opts ...Option) *ExprEngine {
	e := &ExprEngine{limits: DefaultLimits, regexps: newRegexpCache(1024), cache: map[cacheKey]*compiled{}}
	for _, o := range opts {
		o(e)
	}
	e.vms.New = func() any { return &vm.VM{} }
	return e
}

var _ Engine = (*ExprEngine)(nil)

// Compile compiles rule for environment type env (a struct type or a pointer
// to one). See [Engine].
func (e *ExprEngine) Compile(rule Rule, env reflect.Type, kind Kind) (Program, error) {
	for env != nil && env.Kind() == reflect.Pointer {
		env = env.Elem()
	}
	if env == nil || env.Kind() != reflect.Struct {
		return nil, &CompileError{Rule: rule.Name, Source: rule.Source, Msg: fmt.Sprintf("environment must be a struct type, got %v", env)}
	}
	if kind < KindBool || kind > KindString {
		return nil, &CompileError{Rule: rule.Name, Source: rule.Source, Msg: fmt.Sprintf("unknown result kind %v", kind)}
	}
	key := cacheKey{env: env, kind: kind, src: rule.Source}
	e.mu.Lock()
	c, ok := e.cache[key]
	e.mu.Unlock()
	if !ok {
		c = e.compile(rule.Source, env, kind)
		e.mu.Lock()
		if len(e.cache) >= e.limits.CacheSize {
			e.cache = map[cacheKey]*compiled{}
		}
		e.cache[key] = c
		e.mu.Unlock()
	}
	if c.err != nil {
		err := *c.err
		err.Rule = rule.Name
		return nil, &err
	}
	prog, missing := c.forRule()
	return &program{rule: rule, kind: kind, c: c, prog: prog, missing: missing, engine: e, env: env, envPtr: reflect.PointerTo(env)}, nil
}

func (e *ExprEngine) compile(src string, env reflect.Type, kind Kind) *compiled {
	fail := func(line, col int, format string, args ...any) *compiled {
		return &compiled{err: &CompileError{Source: src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}}
	}
	if err := e.hostFuncProblem(); err != "" {
		return fail(0, 0, "%s", err)
	}
	if strings.TrimSpace(src) == "" {
		return fail(0, 0, "expression is empty")
	}
	if len(src) > e.limits.MaxSourceLen {
		return fail(0, 0, "expression is %d bytes long, the limit is %d", len(src), e.limits.MaxSourceLen)
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return e.fromExprError(src, err)
	}
	lib := e.library()
	known := map[string]bool{}
	for _, f := range lib {
		known[f.name] = true
	}
	for _, name := range builtin.Names {
		if _, off := disabledBuiltins[name]; !off {
			known[name] = true
		}
	}
	chk := &checker{known: known, src: src, regexps: e.regexps}
	ast.Walk(&tree.Node, chk)
	if chk.err != nil {
		return &compiled{err: chk.err}
	}
	if chk.nodes > e.limits.MaxNodes {
		return fail(0, 0, "expression has %d nodes, the limit is %d", chk.nodes, e.limits.MaxNodes)
	}
	if chk.usesNow && !hasField(env, "now") {
		return fail(chk.nowLine, chk.nowCol, "%s(t) needs the rule's environment to provide now; this environment (%s) has none", chk.nowFunc, env)
	}

	// Each rule counts its own attribute defaults, but rules with the same
	// source share this compilation: attr calls get this placeholder as a
	// constant, which forRule replaces with the rule's counter.
	placeholder := new(atomic.Uint64)
	grd := newGuard(src, env, lib)
	negated := map[ast.Node]bool{}
	calls := callTypes{}
	opts := []expr.Option{
		expr.Env(reflect.New(env).Elem().Interface()),
		expr.MaxNodes(uint(e.limits.MaxNodes)),
		// First, so that expr's checker, which runs before each
		// patcher, gives each attr call the type of its default
		// (attr's signatures take the counter as a fourth argument):
		// textInIDs reads it.
		expr.Patch(attrPatcher{counter: placeholder}),
		// Before the other patchers, which see values of named string
		// types as strings.
		// Before the patchers that wrap findLast, so that it sees the
		// comparisons as written.
		expr.Patch(lastPatcher{}),
		expr.Patch(namedPatcher{params: grd.params, calls: calls}),
		expr.Patch(textInIDs{calls: calls, typed: grd.typed}),
		// After namedPatcher, whose conversions it looks through, and
		// before the guard, which refuses the values it makes of no
		// known type where a type is needed.
		expr.Patch(nilPatcher{}),
		expr.Patch(nowPatcher{}),
		expr.Patch(aggPatcher{counter: placeholder, typed: grd.typed, calls: calls}),
		// The guard and the element patcher read the types that expr's
		// checker found (it runs before each patcher); the element
		// patcher reports a comparison that is always false through
		// the guard.
		// Before the guard, which would refuse the operators it
		// replaces.
		expr.Patch(textOps{calls: calls}),
		expr.Patch(grd),
		// After the guard, which refuses a key it cannot copy.
		expr.Patch(getPatcher{calls: calls}),
		expr.Patch(notIn(negated)),
		expr.Patch(&elemPatcher{counter: placeholder, calls: calls, inner: map[ast.Node]wrapping{}, negated: negated, stops: map[ast.Node]bool{}, fail: grd.fail}),
		expr.Patch(inStrings{calls: calls, params: grd.params}),
		expr.Patch(listPatcher{calls: calls}),
		expr.Patch(recheck{}),
		expr.Function(missingFunc, func(p ...any) (any, error) {
			p[0].(*atomic.Uint64).Add(1)
			return true, nil
		}, new(func(*atomic.Uint64) bool)),
		expr.Function(stringFunc, toString, new(func(any) string)),
		expr.Function(textFunc, toString, new(func(any) any)),
		expr.Function(anyFunc, toAny, new(func(any) any)),
		expr.Function(fitFunc, fit, new(func(any, any) any)),
		expr.Function(sameListFunc, sameList, new(func(any, any) bool)),
		expr.Function(sameFunc, sameValue, new(func(any, any) bool)),
		expr.Function(textsFunc, toTexts, new(func(any) []string)),
		expr.Function(stringKeyFunc, stringKey, new(func(any) any)),
		expr.Function(inListFunc, inList, new(func(any, any) bool)),
		expr.Function(hasKeyFunc, hasKey, new(func(any, any) bool)),
		expr.Function(idKeyFunc, idKey, new(func(any, any) any)),
		expr.Function(sliceTextFunc, textSlice, new(func(any, any, any) string)),
		expr.Function(textIndexFunc, textIndexOf, new(func(any, any, bool) int)),
		expr.Function(intFunc, toInt, new(func(any) int)),
		expr.Function(keyOrderFunc, listInKeyOrder, new(func(any, string) []any)),
		expr.Function(indexFunc, index, new(func(any) int)),
		expr.Function(boundFunc, bound, new(func(any) int)),
	}
	for name, fn := range textOpImpls {
		opts = append(opts, expr.Function(name, fn, new(func(any, any) bool)))
	}
	for name := range disabledBuiltins {
		opts = append(opts, expr.DisableBuiltin(name))
	}
	for _, f := range lib {
		opts = append(opts, expr.Function(f.name, f.fn, f.types...))
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return e.fromExprError(src, err)
	}
	if err := grd.result(); err != nil {
		return &compiled{err: err}
	}
	if b := lastSearchHeld(prog.Node(), false); b != nil {
		line, col := position(src, b.Location().From)
		return fail(line, col, "%s is evaluated here while the rule holds another value to use with it, and expr then mixes that value up with the values its backward search leaves behind (a wrong value, or a failure when the rule runs); bind it with let at the start of the rule (let x = %s; ...), or write it first in a comparison (%s == ...)",
			asWritten(src, b), asWritten(src, b), asWritten(src, b))
	}
	if root := prog.Node(); mayBeNil(root) {
		line, col := position(src, nilLiteral(root).Location().From)
		return fail(line, col, "the rule's value is nil where it takes its nil, and a rule gives %s; give it a default: (%s) ?? %s",
			kindWord(kind), withoutConversions(tree.Node.String()), map[Kind]string{KindBool: "false", KindNumber: "0", KindString: `""`}[kind])
	}
	out := prog.Node().Type()
	conv, ok := converter(kind, out)
	if !ok {
		line, col := position(src, prog.Node().Location().From)
		return fail(line, col, "expected %s, got %s", kindWord(kind), resultWord(src, prog.Node(), kind))
	}
	c := &compiled{prog: prog, convert: conv}
	for i, k := range prog.Constants {
		if p, ok := k.(*atomic.Uint64); ok && p == placeholder {
			c.counters = append(c.counters, i)
		}
	}
	return c
}

// hostFuncProblem says what is wrong with the names of the host
// functions, or "". A host function named as a function of the library or
// a builtin (disabled or not) would silently change what every rule that
// calls that name means.
func (e *ExprEngine) hostFuncProblem() string {
	if len(e.hostFuncs) == 0 {
		return ""
	}
	lib := e.library()
	lib = lib[:len(lib)-len(e.hostFuncs)] // the library's own, before the host's
	for i, h := range e.hostFuncs {
		if slices.ContainsFunc(e.hostFuncs[:i], func(o hostFunc) bool { return o.name == h.name }) {
			return fmt.Sprintf("host function %q is registered twice; register it once with all its signatures", h.name)
		}
		if !isIdentifier(h.name) {
			return fmt.Sprintf("host function %q: a name is a letter followed by letters, digits or _", h.name)
		}
		if h.fn == nil {
			return fmt.Sprintf("host function %q has no implementation (its fn is nil)", h.name)
		}
		for i, t := range h.types {
			ft := reflect.TypeOf(t)
			if ft != nil && ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft == nil || ft.Kind() != reflect.Func {
				what := "nil"
				if t != nil {
					what = reflect.TypeOf(t).String()
				}
				return fmt.Sprintf("host function %q: its signature %d is %s, not a function type (declare one as new(func(string) bool))", h.name, i+1, what)
			}
		}
		_, disabled := disabledBuiltins[h.name]
		if disabled || slices.Contains(builtin.Names, h.name) || slices.ContainsFunc(lib, func(f libFunc) bool { return f.name == h.name }) {
			return fmt.Sprintf("host function %q has the name of a function of the rules language; register it under another name", h.name)
		}
	}
	return ""
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(unicode.IsLetter(r) || r == '_' || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// disabledBuiltins are the expr builtins that rules may not call, with the
// reason: now would make a rule depend on something other than its
// inputs; the others parse or build data and fail at run time on data
// they cannot handle, and no rule about accounts and persons needs them.
var disabledBuiltins = map[string]string{
	"now":        "time is an input, read the environment's now instead",
	"fromJSON":   "a rule reads fields and attributes, not JSON (it fails at run time on text that is not JSON)",
	"toJSON":     "a rule reads fields and attributes, not JSON (it fails at run time on values JSON cannot hold)",
	"fromBase64": "a rule reads fields and attributes, not base64 (it fails at run time on text that is not base64)",
	"fromPairs":  "it fails at run time on a list that is not of pairs",
	"repeat":     "it fails at run time when the text repeated is too long",
	"reduce":     "its accumulator has no type a rule can be checked against; use sum, count or filter",
}

func (e *ExprEngine) fromExprError(src string, err error) *compiled {
	var fe *file.Error
	if errors.As(err, &fe) {
		line, col := position(src, fe.From)
		if fe.Line == 0 {
			line, col = 0, 0
		}
		return &compiled{err: &CompileError{Source: src, Line: line, Column: col, Msg: fe.Message}}
	}
	return &compiled{err: &CompileError{Source: src, Msg: err.Error()}}
}

// converter returns the conversion of a result of type t to the Go type of
// kind, or false when t cannot produce that kind (an interface type is
// refused: it would be a type error waiting for run time).
func converter(kind Kind, t reflect.Type) (func(any) (any, bool), bool) {
	if t == nil {
		return nil, false
	}
	switch kind {
	case KindBool:
		if t.Kind() == reflect.Bool {
			return func(v any) (any, bool) { b, ok := v.(bool); return b, ok }, true
		}
	case KindString:
		if t.Kind() == reflect.String {
			return func(v any) (any, bool) {
				if s, ok := v.(string); ok {
					return s, true
				}
				rv := reflect.ValueOf(v)
				if rv.Kind() == reflect.String {
					return rv.String(), true
				}
				return nil, false
			}, true
		}
	case KindNumber:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			return toFloat, true
		}
	}
	return nil, false
}

func toFloat(v any) (any, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanFloat():
		return rv.Float(), true
	case rv.CanInt():
		return float64(rv.Int()), true
	case rv.CanUint():
		return float64(rv.Uint()), true
	}
	return nil, false
}

func kindWord(k Kind) string {
	if k == KindNumber {
		return "a number"
	}
	return k.String()
}

// resultWord names the type of root, a rule's value that is not of
// kind, and where it is of no known type says what to write instead: an
// attribute read by index is read with attr, whose default gives the
// type; any other value (a host function's, an element of a list of
// mixed values) is compared, or written as text.
func resultWord(src string, root ast.Node, kind Kind) string {
	t := root.Type()
	if t != nil && t.Kind() != reflect.Interface {
		return t.String()
	}
	def := map[Kind]string{KindBool: "false", KindNumber: "0", KindString: `""`}[kind]
	for {
		// let x = ...; x: the value is the last expression's.
		v, ok := root.(*ast.VariableDeclaratorNode)
		if !ok {
			break
		}
		root = v.Expr
	}
	if m, key, ok := attribute(root); ok {
		return fmt.Sprintf("a value of unknown type: %s[%s] has no type before the rule runs (an attribute may hold any value, or none); use attr(%s, %s, %s): its default gives the type and stands in for a missing value",
			asWritten(src, m), strconv.Quote(key), asWritten(src, m), strconv.Quote(key), def)
	}
	x := asWritten(src, root)
	advice := "a number rule gives a value of a number type (a number field, attr(m, key, 0))"
	switch kind {
	case KindBool:
		advice = fmt.Sprintf("compare it with a value: (%s) == true", x)
	case KindString:
		advice = fmt.Sprintf("write it as text: string(%s)", x)
	}
	return fmt.Sprintf("a value of unknown type: %s has no type before the rule runs; %s", x, advice)
}

// hasField reports whether struct type t exposes name to expressions, as
// expr finds it: an exported field by its `expr` tag or else its Go name,
// or one promoted from an embedded struct (or pointer to one), exported or
// not.
func hasField(t reflect.Type, name string) bool {
	return hasFieldIn(t, name, map[reflect.Type]bool{})
}

func hasFieldIn(t reflect.Type, name string, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // a struct that embeds itself through a pointer
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		switch tag := f.Tag.Get("expr"); tag {
		case "-":
		case "":
			if f.Name == name {
				return true
			}
		default:
			if tag == name {
				return true
			}
		}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && hasFieldIn(ft, name, seen) {
			return true
		}
	}
	return false
}

// program is a compiled rule of the default engine.
type program struct {
	rule    Rule
	kind    Kind
	c       *compiled
	prog    *vm.Program    // c.prog, or its copy with this rule's counter
	missing *atomic.Uint64 // this rule's attribute defaults
	engine  *ExprEngine
	// env is the environment type the rule was compiled for; Eval takes
	// a pointer to it (envPtr) or a value of it.
	env, envPtr reflect.Type
}

func (p *program) Rule() Rule { return p.rule }
func (p *program) Kind() Kind { return p.kind }

func (p *program) MissingAttributes() uint64 { return p.missing.Load() }

func (p *program) Eval(env any) (any, error) {
	if env == nil {
		return nil, &EvalError{Rule: p.rule, Err: fmt.Errorf("no environment (nil): give a pointer to a %v", p.env)}
	}
	switch t := reflect.TypeOf(env); {
	case t == p.envPtr && reflect.ValueOf(env).IsNil():
		// expr would read the fields of no value, and fail the rule
		// with a reflect error, or give a result where it reads none.
		return nil, &EvalError{Rule: p.rule, Err: fmt.Errorf("the environment is a nil %v: give a pointer to a %v", p.envPtr, p.env)}
	case t != p.envPtr && t != p.env:
		// expr reads fields by name: another type would be read as if
		// it were the environment, or fail on a field of another type.
		return nil, &EvalError{Rule: p.rule, Err: fmt.Errorf("the environment is %T, the rule was compiled for %v", env, p.env)}
	}
	m := p.engine.vms.Get().(*vm.VM)
	out, err := m.Run(p.prog, env)
	p.engine.vms.Put(m)
	if err != nil {
		return nil, &EvalError{Rule: p.rule, Err: err}
	}
	v, ok := p.c.convert(out)
	if !ok {
		return nil, &EvalError{Rule: p.rule, Err: fmt.Errorf("result %v (%T) is not %s", out, out, kindWord(p.kind))}
	}
	if f, isFloat := v.(float64); isFloat && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil, &EvalError{Rule: p.rule, Err: fmt.Errorf("result is %v", f)}
	}
	return v, nil
}
