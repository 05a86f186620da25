package qualify

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// ErrNoCatalog is returned by [New] without a catalog.
var ErrNoCatalog = errors.New("qualify: a buying-group catalog is required")

// DefaultMemoSize is the number of entries an [Evaluator] keeps per memo
// before starting afresh.
const DefaultMemoSize = 1 << 16

// Config configures a [Qualifier].
type Config struct {
	// Catalog holds the solution interests and their role templates.
	// Required.
	Catalog *buyinggroup.Catalog
	// MemoSize bounds each memo of an [Evaluator] (see the package
	// documentation). Zero means DefaultMemoSize; negative disables the
	// memo.
	MemoSize int
	// Exhaustive evaluates every rule for every person: no pre-filter, no
	// memo. The results are the same; it exists to check that and to
	// measure what the shortcuts save.
	Exhaustive bool
}

// Qualifier evaluates persons against the role templates of a catalog. It
// is immutable and safe for concurrent use; evaluation happens in an
// [Evaluator] (one per goroutine).
type Qualifier struct {
	cat        *buyinggroup.Catalog
	interests  []*buyinggroup.Interest
	roles      [][]roleRef // per interest, per role
	rules      []ruleInfo  // distinct rules
	groups     []sigGroup  // cacheable rules by the fields they read
	memoSize   int
	exhaustive bool
}

type roleRef struct {
	role     int // index in the template
	rule     int // index in Qualifier.rules
	priority int
}

// ruleInfo is one distinct rule source, compiled once.
type ruleInfo struct {
	x    *rules.Expr[buyinggroup.RoleEnv, bool]
	a    analysis
	sig  int // index in Qualifier.groups, -1 when not cacheable
	slot int // bit of the rule in its group's memo value
}

// sigGroup is a set of cacheable rules that read the same fields: one memo
// key per person serves them all.
type sigGroup struct {
	inputs []int
	rules  []int
}

// New builds a qualifier for a catalog. Rules are analysed once here (see
// the package documentation for what the analysis derives).
func New(cfg Config) (*Qualifier, error) {
	if cfg.Catalog == nil {
		return nil, ErrNoCatalog
	}
	q := &Qualifier{cat: cfg.Catalog, interests: cfg.Catalog.Interests(), exhaustive: cfg.Exhaustive}
	q.memoSize = cfg.MemoSize
	if q.memoSize == 0 {
		q.memoSize = DefaultMemoSize
	}
	// The analysis reads expr syntax: it applies only to the default engine.
	_, isExpr := cfg.Catalog.Engine().(*rules.ExprEngine)
	bySource := map[string]int{}
	for _, in := range q.interests {
		t := in.RoleTemplate()
		refs := make([]roleRef, len(t.Roles))
		for i, r := range t.Roles {
			ri, ok := bySource[r.Rule.Source]
			if !ok {
				ri = len(q.rules)
				bySource[r.Rule.Source] = ri
				info := ruleInfo{x: t.RoleRule(i), sig: -1}
				if isExpr {
					info.a = analyze(r.Rule.Source)
				}
				q.rules = append(q.rules, info)
			}
			refs[i] = roleRef{role: i, rule: ri, priority: r.Priority}
		}
		q.roles = append(q.roles, refs)
	}
	if q.memoSize >= 0 && !q.exhaustive {
		q.groupRules()
	}
	return q, nil
}

// groupRules puts the cacheable rules that need a memo into groups that
// share one memo key per person. A rule whose inputs are a subset of
// another rule's inputs joins that rule's group (a finer key is still an
// exact key), so a person costs one lookup for both; groups hold at most
// 64 rules (one bit each).
func (q *Qualifier) groupRules() {
	var keys [][]int
	for ri := range q.rules {
		a := &q.rules[ri].a
		if !a.cacheable || a.complete {
			continue
		}
		if !slices.ContainsFunc(keys, func(k []int) bool { return slices.Equal(k, a.inputs) }) {
			keys = append(keys, a.inputs)
		}
	}
	// Widest keys first, so each key finds the widest superset.
	slices.SortStableFunc(keys, func(a, b []int) int { return cmp.Compare(len(b), len(a)) })
	target := func(in []int) []int {
		for _, k := range keys {
			if isSubset(in, k) {
				return k
			}
		}
		return in
	}
	for ri := range q.rules {
		r := &q.rules[ri]
		if !r.a.cacheable || r.a.complete {
			continue
		}
		key := target(r.a.inputs)
		gi := slices.IndexFunc(q.groups, func(g sigGroup) bool { return slices.Equal(g.inputs, key) && len(g.rules) < 64 })
		if gi < 0 {
			gi = len(q.groups)
			q.groups = append(q.groups, sigGroup{inputs: key})
		}
		r.sig, r.slot = gi, len(q.groups[gi].rules)
		q.groups[gi].rules = append(q.groups[gi].rules, ri)
	}
}

// isSubset reports whether sorted a is a subset of sorted b.
func isSubset(a, b []int) bool {
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			return false
		}
	}
	return true
}

// Catalog returns the qualifier's catalog.
func (q *Qualifier) Catalog() *buyinggroup.Catalog { return q.cat }

// A Match is a role whose rule a person satisfies in one interest's
// template.
type Match struct {
	Interest string `json:"interest"`
	Role     string `json:"role"`
	// Rule is the role rule's name and Expr its source.
	Rule string `json:"rule"`
	Expr string `json:"expr"`
	// Priority is the role's; Conditions and Nodes measure how specific
	// the rule is.
	Priority   int `json:"priority"`
	Conditions int `json:"conditions"`
	Nodes      int `json:"nodes"`

	interest, role, rule int
	// kept is the claim a rule that failed to evaluate gave the person
	// before, which stands (see AccountResult.RuleErrors).
	kept *buyinggroup.Claim
}

// Stats counts what an evaluator did.
type Stats struct {
	Persons int64 // persons evaluated
	// Evaluated counts rule evaluations through the engine; Decided the
	// rule results its pre-filter decided (false when a constraint fails,
	// true when the rule is nothing but constraints and all hold);
	// MemoHits the rule results taken from the memo.
	// Evaluated+Decided+MemoHits is the number of rule results used.
	Evaluated, Decided, MemoHits int64
}

// Evaluator qualifies persons. It holds scratch space and memos, so it is
// not safe for concurrent use: use one per goroutine. Its results never
// depend on what it evaluated before.
type Evaluator struct {
	q      *Qualifier
	env    buyinggroup.RoleEnv
	gen    uint32
	seen   []uint32 // per rule: gen when its result was set
	res    []bool
	errs   []error
	memo   []*memo      // per sigGroup
	ent    []*memoEntry // per sigGroup: the current person's entry
	entGen []uint32
	key    []byte
	stats  Stats
}

// NewEvaluator returns a new evaluator.
func (q *Qualifier) NewEvaluator() *Evaluator {
	e := &Evaluator{
		q:      q,
		seen:   make([]uint32, len(q.rules)),
		res:    make([]bool, len(q.rules)),
		errs:   make([]error, len(q.rules)),
		memo:   make([]*memo, len(q.groups)),
		ent:    make([]*memoEntry, len(q.groups)),
		entGen: make([]uint32, len(q.groups)),
	}
	for i := range e.memo {
		e.memo[i] = &memo{index: map[string]int32{}}
	}
	return e
}

// Stats returns what the evaluator did so far.
func (e *Evaluator) Stats() Stats { return e.stats }

// Applicable returns the indexes (in catalog order) of the interests that
// apply to an account.
func (q *Qualifier) Applicable(account *b2b.Account, now time.Time) ([]int, error) {
	return q.ApplicableIn(&buyinggroup.AccountEnv{Account: *account, Now: now})
}

// ApplicableIn is [Qualifier.Applicable] for an account described in full
// (its opportunities and audiences, which applicability rules may read).
func (q *Qualifier) ApplicableIn(env *buyinggroup.AccountEnv) ([]int, error) {
	account := &env.Account
	var out []int
	for i, in := range q.interests {
		ok, err := in.AppliesIn(env)
		if err != nil {
			return nil, fmt.Errorf("account %q: %w", account.ID, err)
		}
		if ok {
			out = append(out, i)
		}
	}
	return out, nil
}

// Person appends to dst the roles person p qualifies for in each of the
// interests (indexes from [Qualifier.Applicable]), evaluated for account
// at now. The matches of each interest come in order of preference:
// higher priority first, then the more specific rule (more conditions,
// then more syntax nodes), then template order. A rule that fails to
// evaluate (see package rules, "What can fail at run time") gives no
// match: the person's other rules are evaluated all the same, and the
// error returned joins a [*RuleError] for each role whose rule failed.
func (e *Evaluator) Person(dst []Match, account *b2b.Account, p *b2b.Person, interests []int, now time.Time) ([]Match, error) {
	var failed []RuleError
	dst = e.person(dst, account, p, interests, now, &failed)
	if len(failed) == 0 {
		return dst, nil
	}
	errs := make([]error, len(failed))
	for i := range failed {
		errs[i] = &failed[i]
	}
	return dst, errors.Join(errs...)
}

// person is [Evaluator.Person], appending the failed rules to failed.
func (e *Evaluator) person(dst []Match, account *b2b.Account, p *b2b.Person, interests []int, now time.Time, failed *[]RuleError) []Match {
	e.env.Person, e.env.Account, e.env.Now = *p, *account, now
	e.gen++
	if e.gen == 0 { // wrapped: forget everything
		clear(e.seen)
		clear(e.entGen)
		e.gen = 1
	}
	e.stats.Persons++
	q := e.q
	for _, ii := range interests {
		start := len(dst)
		t := q.interests[ii].RoleTemplate()
		for _, rr := range q.roles[ii] {
			ok, err := e.rule(rr.rule)
			if err != nil {
				*failed = append(*failed, RuleError{Person: p.ID, Interest: q.interests[ii].ID, Role: t.Roles[rr.role].Name,
					Err: ruleError(err, t.RoleRule(rr.role).Rule()), match: e.match(ii, rr)})
				continue
			}
			if !ok {
				continue
			}
			dst = append(dst, e.match(ii, rr))
		}
		slices.SortFunc(dst[start:], preferred)
	}
	return dst
}

// match is the match of role rule rr of interest ii.
func (e *Evaluator) match(ii int, rr roleRef) Match {
	role := &e.q.interests[ii].RoleTemplate().Roles[rr.role]
	a := &e.q.rules[rr.rule].a
	return Match{
		Interest: e.q.interests[ii].ID, Role: role.Name, Rule: role.Rule.Name, Expr: role.Rule.Source,
		Priority: rr.priority, Conditions: a.conditions, Nodes: a.nodes,
		interest: ii, role: rr.role, rule: rr.rule,
	}
}

// preferred orders the matches of one interest, best first.
func preferred(a, b Match) int {
	return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(b.Conditions, a.Conditions),
		cmp.Compare(b.Nodes, a.Nodes), cmp.Compare(a.role, b.role))
}

// A RuleError is a role rule that failed to evaluate for a person (see
// package rules, "What can fail at run time", for when a rule can): the
// rule decided nothing for them (see [AccountResult.RuleErrors]), and
// their other rules were evaluated as usual. With Person and Role empty,
// it is the interest's applicability rule that failed for the account:
// it created no group.
type RuleError struct {
	Person   b2b.PersonID
	Interest string
	Role     string
	// Err matches [rules.ErrEval]: a *rules.EvalError naming the role's
	// rule (a rule other roles share is named for this one), or the
	// interest's applicability rule.
	Err error

	match Match // what the rule gives when it holds
}

func (e *RuleError) Error() string {
	if e.Person == "" && e.Role == "" {
		return fmt.Sprintf("interest %q, applicability: %v", e.Interest, e.Err)
	}
	return fmt.Sprintf("person %q, interest %q, role %q: %v", e.Person, e.Interest, e.Role, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// ruleError returns err as the error of rule: templates that share a rule
// source share its evaluation, and so its error, which names the rule of
// the first of them.
func ruleError(err error, rule rules.Rule) error {
	var ee *rules.EvalError
	if !errors.As(err, &ee) || ee.Rule == rule {
		return err
	}
	named := *ee
	named.Rule = rule
	return &named
}

// rule returns the result of distinct rule ri for the current person.
func (e *Evaluator) rule(ri int) (bool, error) {
	if e.seen[ri] == e.gen {
		return e.res[ri], e.errs[ri]
	}
	q := e.q
	r := &q.rules[ri]
	if q.exhaustive {
		return e.eval(ri)
	}
	if !e.prefilter(r) {
		e.stats.Decided++
		e.set(ri, false, nil)
		return false, nil
	}
	if r.a.complete {
		e.stats.Decided++
		e.set(ri, true, nil)
		return true, nil
	}
	if r.sig < 0 {
		return e.eval(ri)
	}
	ent := e.entry(r.sig)
	bit := uint64(1) << r.slot
	if ent.known&bit != 0 {
		e.stats.MemoHits++
		ok := ent.val&bit != 0
		e.set(ri, ok, nil)
		return ok, nil
	}
	ok, err := e.eval(ri)
	if err == nil { // errors are not remembered: the rule is evaluated again
		ent.known |= bit
		if ok {
			ent.val |= bit
		}
	}
	return ok, err
}

// memoEntry holds, for one key of a group, the residual results known so
// far: bit i of val is rule i's result given its constraints hold, valid
// where bit i of known is set.
type memoEntry struct{ known, val uint64 }

// entry returns the memo entry of the current person for group g, creating
// it on a miss (one lookup per group and person). Entries live in one
// slice per group, so a hit touches the map and one dense array.
func (e *Evaluator) entry(g int) *memoEntry {
	if e.entGen[g] == e.gen {
		return e.ent[g]
	}
	e.key = e.key[:0]
	for _, f := range e.q.groups[g].inputs {
		e.key = fields[f].appendKey(e.key, &e.env)
	}
	m := e.memo[g]
	i, ok := m.index[string(e.key)]
	if !ok {
		if len(m.entries) >= e.q.memoSize {
			clear(m.index)
			m.entries = m.entries[:0]
		}
		i = int32(len(m.entries))
		m.entries = append(m.entries, memoEntry{})
		m.index[string(e.key)] = i
	}
	ent := &m.entries[i]
	e.ent[g], e.entGen[g] = ent, e.gen
	return ent
}

// memo is one group's memo: keys to entries.
type memo struct {
	index   map[string]int32
	entries []memoEntry
}

func (e *Evaluator) prefilter(r *ruleInfo) bool {
	for i := range r.a.constraints {
		if !r.a.constraints[i].holds(&e.env) {
			return false
		}
	}
	return true
}

func (e *Evaluator) eval(ri int) (bool, error) {
	ok, err := e.q.rules[ri].x.Eval(&e.env)
	e.stats.Evaluated++
	e.set(ri, ok, err)
	return ok, err
}

func (e *Evaluator) set(ri int, ok bool, err error) {
	e.seen[ri], e.res[ri], e.errs[ri] = e.gen, ok, err
}

// values returns what the rule of m read for the current person.
func (e *Evaluator) values(m *Match) []buyinggroup.Value {
	a := &e.q.rules[m.rule].a
	out := make([]buyinggroup.Value, 0, len(a.refs))
	for _, r := range a.refs {
		out = append(out, buyinggroup.Value{Name: r.label, Value: r.value(&e.env)})
	}
	return out
}
