package audience

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// An Audience is a named rule over an account: its attributes, its persons
// and its activity aggregates. An account is a member while the rule holds.
type Audience struct {
	// Name identifies the audience in memberships, events and errors.
	Name string `json:"name" yaml:"name"`
	// Description says what the audience is for, in words.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Rule is a boolean expression over [Env], e.g.
	//	account.employees >= 500 && activityCount("visit_web_page", 30) >= 10
	Rule string `json:"rule" yaml:"rule"`
}

// Config is a set of audiences to evaluate together.
type Config struct {
	Audiences []Audience `json:"audiences" yaml:"audiences"`
	// Engine compiles the rules; nil means a fresh [rules.New]. Share one
	// engine across a program so its cache is shared.
	Engine rules.Engine `json:"-" yaml:"-"`
}

// ErrUnknownAudience is returned when an audience name is not defined.
var ErrUnknownAudience = errors.New("unknown audience")

// maxAggregates bounds the distinct aggregates of one evaluator, so that a
// rewritten call always fits in the span of the call it replaces.
const maxAggregates = 1000

// Validate compiles every rule and reports every problem at once, each with
// its path (audiences[1].rule) and, for rules, line:column and a caret.
func (c *Config) Validate() error {
	_, err := New(*c)
	return err
}

// An Evaluator holds compiled audiences. It is immutable and safe for
// concurrent use.
type Evaluator struct {
	audiences   []compiledAudience
	aggs        []Aggregate // account-level aggregates, deduplicated
	personAggs  []Aggregate // per-person aggregates, deduplicated
	usesPersons bool
	index       map[string]int
}

type compiledAudience struct {
	def        Audience
	expr       *rules.Expr[Env, bool]
	aggs       []int // indexes into Evaluator.aggs
	personAggs []int // indexes into Evaluator.personAggs
	fields     []accountField
	// groupFields are the fields of Group the rule's predicates over
	// groups read, by their names in rules.
	groupFields []string
}

// accountField is an account field a rule reads, compiled to a string
// for explanations, or (expr nil) the custom attribute under key.
type accountField struct {
	name string
	expr *rules.Expr[Env, string]
	key  string
}

// New compiles cfg's audiences. The error, a [*b2b.ValidationError], lists
// every problem with its path.
func New(cfg Config) (*Evaluator, error) {
	eng := cfg.Engine
	if eng == nil {
		eng = rules.New()
	}
	var ps b2b.Problems
	e := &Evaluator{index: map[string]int{}}
	// Names by their index in cfg.Audiences, for duplicates: e.index
	// holds only the audiences that compiled, by their index in
	// e.audiences.
	names := map[string]int{}
	aggIndex := map[Aggregate]int{}
	personIndex := map[Aggregate]int{}
	indexOf := func(a Aggregate) int {
		m, list := aggIndex, &e.aggs
		if a.PerPerson {
			m, list = personIndex, &e.personAggs
		}
		if k, ok := m[a]; ok {
			return k
		}
		m[a] = len(*list)
		*list = append(*list, a)
		return m[a]
	}
	for i, a := range cfg.Audiences {
		path := fmt.Sprintf("audiences[%d]", i)
		name := strings.TrimSpace(a.Name)
		switch {
		case name == "":
			ps.Addf(path+".name", "is required")
		case name != a.Name:
			ps.Addf(path+".name", "%q has leading or trailing spaces", a.Name)
		default:
			if j, dup := names[a.Name]; dup {
				ps.Addf(path+".name", "%q is already the name of audiences[%d]", a.Name, j)
			} else {
				names[a.Name] = i
			}
		}
		s, ok, cerr := scan(a.Name, a.Rule)
		if cerr != nil {
			ps.Add(path+".rule", cerr)
			continue
		}
		src := a.Rule
		ca := compiledAudience{def: a}
		if ok {
			if len(e.aggs)+len(e.personAggs)+fresh(s.calls, aggIndex, personIndex) > maxAggregates {
				ps.Addf(path+".rule", "too many distinct activity aggregates (the limit is %d)", maxAggregates)
				continue
			}
			src = rewrite(a.Rule, s.calls, indexOf)
			for _, c := range s.calls {
				k := indexOf(c.agg)
				if c.agg.PerPerson {
					ca.personAggs = appendUnique(ca.personAggs, k)
				} else {
					ca.aggs = appendUnique(ca.aggs, k)
				}
			}
			e.usesPersons = e.usesPersons || s.persons
		}
		x, err := rules.Compile[Env, bool](eng, rules.Rule{Name: a.Name, Source: src})
		if err != nil {
			ps.Add(path+".rule", originalSource(err, a.Rule, s.calls))
			continue
		}
		ca.expr = x
		ca.groupFields = s.groups
		for _, f := range s.account {
			if f.attr {
				ca.fields = append(ca.fields, accountField{name: attrName(f.key), key: f.key})
				continue
			}
			fx, err := rules.Compile[Env, string](eng, rules.Rule{Name: a.Name + ": account." + f.field, Source: "string(account." + f.field + ")"})
			if err == nil {
				ca.fields = append(ca.fields, accountField{name: "account." + f.field, expr: fx})
			}
		}
		if _, dup := e.index[a.Name]; !dup && name != "" {
			e.index[a.Name] = len(e.audiences)
		}
		e.audiences = append(e.audiences, ca)
	}
	if err := ps.Err("audiences"); err != nil {
		return nil, err
	}
	return e, nil
}

// attrName names the custom attribute under key as a rule reads it:
// account.attributes.tier, or account.attributes["annual plan"] for a key
// that a dot cannot take.
func attrName(key string) string {
	for i, c := range key {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(i > 0 && c >= '0' && c <= '9') {
			return "account.attributes[" + strconv.Quote(key) + "]"
		}
	}
	if key == "" {
		return `account.attributes[""]`
	}
	return "account.attributes." + key
}

// fresh counts the distinct aggregates of calls that are not yet in the
// evaluator's indexes: what compiling them adds.
func fresh(calls []aggCall, aggIndex, personIndex map[Aggregate]int) int {
	var added []Aggregate
	for _, c := range calls {
		m := aggIndex
		if c.agg.PerPerson {
			m = personIndex
		}
		if _, known := m[c.agg]; !known && !slices.Contains(added, c.agg) {
			added = append(added, c.agg)
		}
	}
	return len(added)
}

func appendUnique(s []int, k int) []int {
	if slices.Contains(s, k) {
		return s
	}
	return append(s, k)
}

// originalSource puts the rule as the user wrote it back into a compile
// error of its rewritten form. Positions outside aggregate calls are the
// same (see rewrite); a position inside one points at the call's start.
func originalSource(err error, src string, calls []aggCall) error {
	var ce *rules.CompileError
	if !errors.As(err, &ce) {
		return err
	}
	c := *ce
	c.Source = src
	if c.Line > 0 {
		off := offset([]rune(src), c.Line, c.Column)
		for _, call := range calls {
			if off >= call.from && off < call.to {
				c.Line, c.Column = call.line, call.col
			}
		}
	}
	return &c
}

// Audiences returns the definitions, in order.
func (e *Evaluator) Audiences() []Audience {
	out := make([]Audience, len(e.audiences))
	for i, a := range e.audiences {
		out[i] = a.def
	}
	return out
}

// Aggregates returns the distinct activity aggregates the rules use: the
// work an evaluation does per account besides the rules themselves.
func (e *Evaluator) Aggregates() []Aggregate {
	return slices.Concat(e.aggs, e.personAggs)
}
