package audience

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Env is what an audience rule sees.
type Env struct {
	Account *b2b.Account `expr:"account"`
	// Persons are the account's persons; count, any, all, none and filter
	// take predicates over them: count(persons, .department == "IT") >= 2.
	Persons []*PersonEnv `expr:"persons"`
	// Groups are the account's buying groups:
	// any(groups, "Economic Buyer" in .missingRoles).
	Groups []Group `expr:"groups"`
	// Now is the time of the evaluation: daysSince and the activity
	// aggregates count back from it.
	Now time.Time `expr:"now"`
	// Aggregates holds the values of the rule's activityCount calls, filled
	// by the evaluator; rules call activityCount instead of reading it.
	Aggregates []int `expr:"_agg"`
}

// PersonEnv is one person as a rule's predicate over persons sees it: the
// person's fields (.title, .seniority, ...) and, filled by the evaluator,
// the values of the personActivityCount calls.
type PersonEnv struct {
	b2b.Person
	Aggregates []int `expr:"_agg"`
}

// Group is a buying group of the account as audience rules see it. The
// engine fills it from the buying-group, scoring and readiness packages;
// audience declares it so as to depend on none of them.
type Group struct {
	ID               string  `expr:"id"`
	SolutionInterest string  `expr:"solutionInterest"`
	Stage            string  `expr:"stage"`
	Completeness     float64 `expr:"completeness"`
	Score            float64 `expr:"score"`
	// Velocity is the change of Score over the program's velocity window
	// (negative when the group cools down).
	Velocity float64 `expr:"velocity"`
	// Roles are the roles with at least one member; MissingRoles the
	// required roles that are not filled.
	Roles         []string `expr:"roles"`
	MissingRoles  []string `expr:"missingRoles"`
	ReadinessTier string   `expr:"readinessTier"`
}

// AccountData is what an evaluation reads about one account.
type AccountData struct {
	Account b2b.Account
	Persons []b2b.Person
	// Groups are the account's buying groups.
	Groups []Group
	// Activities are the account's activities, indexed by [NewActivities]
	// against Persons; nil means none.
	Activities *Activities
}

// Membership is the audiences an account is in, with the time it entered
// each. It is plain data: store it with the account's state and hand it
// back to the next evaluation.
type Membership map[string]time.Time

// Has reports whether the account is in the audience.
func (m Membership) Has(audience string) bool {
	_, ok := m[audience]
	return ok
}

// Names returns the audiences, sorted.
func (m Membership) Names() []string { return slices.Sorted(maps.Keys(m)) }

// EventKind says whether an account entered or exited an audience.
type EventKind string

// The event kinds.
const (
	EventEntered EventKind = "entered"
	EventExited  EventKind = "exited"
)

// An Event is an account entering or leaving an audience, with the
// decision that moved it.
type Event struct {
	Kind     EventKind     `json:"kind"`
	Audience string        `json:"audience"`
	Account  b2b.AccountID `json:"account"`
	At       time.Time     `json:"at"`
	Reason   string        `json:"reason"`
}

func (ev Event) String() string {
	return fmt.Sprintf("%s %s audience %q at %s: %s", ev.Account, ev.Kind, ev.Audience, ev.At.Format(time.RFC3339), ev.Reason)
}

// A Decision is one audience's verdict for one account.
type Decision struct {
	Audience string `json:"audience"`
	Rule     string `json:"rule"`
	Member   bool   `json:"member"`
	// Values are the activity aggregates, account fields and, for each
	// buying group, group fields the rule read, with their values. The batch fills them only for decisions that
	// changed a membership; [Evaluator.Explain] always does.
	Values []Value `json:"values,omitempty"`
	// Err is set when the rule failed on this account's data; the
	// membership then stays as it was.
	Err error `json:"-"`
}

// A Value is something a rule read, as text; [Decision.Reason] rounds a
// number with a fraction for people (see [rules.FormatNumber]), but never
// onto or across a number the rule is written with (see
// [rules.FormatValueAgainst]): a velocity of -49.996 that keeps an account
// out of "velocity <= -50" reads -49.996.
type Value struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Reason says in words why the decision was taken.
func (d Decision) Reason() string {
	var b strings.Builder
	switch {
	case d.Err != nil:
		fmt.Fprintf(&b, "rule failed: %v", d.Err)
		return b.String()
	case d.Member:
		b.WriteString("rule holds: ")
	default:
		b.WriteString("rule does not hold: ")
	}
	b.WriteString(d.Rule)
	var consts []float64
	parsed := false
	for i, v := range d.Values {
		if i == 0 {
			b.WriteString(" with ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(v.Name)
		b.WriteString(" = ")
		text := rules.FormatValue(v.Value)
		if text != v.Value {
			if !parsed {
				consts, parsed = rules.Numbers(d.Rule), true
			}
			text = rules.FormatValueAgainst(v.Value, consts)
		}
		b.WriteString(text)
	}
	return b.String()
}

// Result is the outcome of evaluating every audience for one account.
type Result struct {
	Account b2b.AccountID
	// Membership is the new membership (a new map: the previous one is not
	// modified).
	Membership Membership
	// Decisions has one entry per audience, in definition order.
	Decisions []Decision
	// Events are the entries and exits, in definition order; exits from
	// audiences that are no longer defined come last, sorted by name.
	Events []Event
}

// EvalError is an audience rule that failed on one account's data.
type EvalError struct {
	Account  b2b.AccountID
	Audience string
	Err      error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("account %q, audience %q: %v", e.Account, e.Audience, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// scratch is the reusable working memory of one evaluating goroutine.
type scratch struct {
	env       Env
	persons   []PersonEnv
	personBuf []int
	counts    []int
}

// Evaluate re-evaluates every audience for one account, as of now, given
// the account's previous membership (nil when none). It is what runs when
// one account's data changes; [Evaluator.EvaluateBatch] gives the same
// result for every account at once. A rule that fails leaves that
// audience's membership as it was and is reported as an [*EvalError] (the
// other audiences are still evaluated).
func (e *Evaluator) Evaluate(d *AccountData, prev Membership, now time.Time) (Result, error) {
	var s scratch
	return e.evaluate(&s, d, prev, now)
}

func (e *Evaluator) evaluate(s *scratch, d *AccountData, prev Membership, now time.Time) (Result, error) {
	e.fill(s, d, now)
	res := Result{
		Account:    d.Account.ID,
		Membership: make(Membership, len(prev)),
		Decisions:  make([]Decision, len(e.audiences)),
	}
	var errs []error
	for i := range e.audiences {
		a := &e.audiences[i]
		member, err := a.expr.Eval(&s.env)
		dec := Decision{Audience: a.def.Name, Rule: a.def.Rule, Member: member}
		was, inPrev := prev[a.def.Name]
		switch {
		case err != nil:
			dec.Member, dec.Err = inPrev, err
			errs = append(errs, &EvalError{Account: d.Account.ID, Audience: a.def.Name, Err: err})
			if inPrev {
				res.Membership[a.def.Name] = was
			}
		case member && inPrev:
			res.Membership[a.def.Name] = was
		case member:
			res.Membership[a.def.Name] = now
			dec.Values = e.values(a, s)
			res.Events = append(res.Events, Event{Kind: EventEntered, Audience: a.def.Name, Account: d.Account.ID, At: now, Reason: dec.Reason()})
		case inPrev:
			dec.Values = e.values(a, s)
			res.Events = append(res.Events, Event{Kind: EventExited, Audience: a.def.Name, Account: d.Account.ID, At: now, Reason: dec.Reason()})
		}
		res.Decisions[i] = dec
	}
	if len(prev) > 0 {
		var gone []string
		for name := range prev {
			if _, ok := e.index[name]; !ok {
				gone = append(gone, name)
			}
		}
		slices.Sort(gone)
		for _, name := range gone {
			res.Events = append(res.Events, Event{Kind: EventExited, Audience: name, Account: d.Account.ID, At: now, Reason: "the audience is no longer defined"})
		}
	}
	return res, errors.Join(errs...)
}

// fill prepares the rule environment for one account.
func (e *Evaluator) fill(s *scratch, d *AccountData, now time.Time) {
	env := &s.env
	env.Account, env.Now, env.Groups = &d.Account, now, d.Groups
	env.Aggregates = slices.Grow(env.Aggregates[:0], len(e.aggs))[:len(e.aggs)]
	for k, a := range e.aggs {
		env.Aggregates[k] = d.Activities.Count(a.Type, a.Days, now)
	}
	env.Persons = env.Persons[:0]
	if !e.usesPersons {
		return
	}
	np, na := len(d.Persons), len(e.personAggs)
	env.Persons = slices.Grow(env.Persons, np)[:np]
	s.persons = slices.Grow(s.persons[:0], np)[:np]
	s.personBuf = slices.Grow(s.personBuf[:0], np*na)[:np*na]
	clear(s.personBuf)
	for i := range d.Persons {
		s.persons[i] = PersonEnv{Person: d.Persons[i], Aggregates: s.personBuf[i*na : (i+1)*na : (i+1)*na]}
		env.Persons[i] = &s.persons[i]
	}
	if na == 0 || d.Activities.Len() == 0 {
		return
	}
	s.counts = slices.Grow(s.counts[:0], np)[:np]
	for k, a := range e.personAggs {
		clear(s.counts)
		d.Activities.CountByPerson(a.Type, a.Days, now, s.counts)
		for i, c := range s.counts {
			s.personBuf[i*na+k] = c
		}
	}
}

// values renders what audience a read, from a filled environment.
func (e *Evaluator) values(a *compiledAudience, s *scratch) []Value {
	var out []Value
	for _, k := range a.aggs {
		out = append(out, Value{Name: e.aggs[k].String(), Value: strconv.Itoa(s.env.Aggregates[k])})
	}
	for _, k := range a.personAggs {
		var parts []string
		for _, p := range s.env.Persons {
			if n := p.Aggregates[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", p.ID, n))
			}
		}
		v := "0 for every person"
		if len(parts) > 0 {
			v = strings.Join(parts, ", ")
		}
		out = append(out, Value{Name: e.personAggs[k].String(), Value: v})
	}
	for _, f := range a.fields {
		if f.expr == nil {
			out = append(out, Value{Name: f.name, Value: attrText(s.env.Account.Attributes, f.key)})
			continue
		}
		if v, err := f.expr.Eval(&s.env); err == nil {
			out = append(out, Value{Name: f.name, Value: v})
		}
	}
	for i := range s.env.Groups {
		g := &s.env.Groups[i]
		name := g.SolutionInterest
		if name == "" {
			name = g.ID
		}
		for _, f := range a.groupFields {
			if v, ok := g.field(f); ok {
				out = append(out, Value{Name: "group." + f + " of " + name, Value: v})
			}
		}
	}
	return out
}

// field returns the field of g that rules name f, as text: numbers as
// strconv writes them (exact; a reason rounds them), lists in brackets.
func (g *Group) field(f string) (string, bool) {
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	list := func(l []string) string { return "[" + strings.Join(l, ", ") + "]" }
	switch f {
	case "id":
		return g.ID, true
	case "solutionInterest":
		return g.SolutionInterest, true
	case "stage":
		return g.Stage, true
	case "completeness":
		return num(g.Completeness), true
	case "score":
		return num(g.Score), true
	case "velocity":
		return num(g.Velocity), true
	case "roles":
		return list(g.Roles), true
	case "missingRoles":
		return list(g.MissingRoles), true
	case "readinessTier":
		return g.ReadinessTier, true
	}
	return "", false
}

// Explain evaluates every audience for one account as of now and returns
// the decisions with all the values each rule read: why the account is, or
// is not, in each audience.
func (e *Evaluator) Explain(d *AccountData, now time.Time) []Decision {
	var s scratch
	e.fill(&s, d, now)
	out := make([]Decision, len(e.audiences))
	for i := range e.audiences {
		a := &e.audiences[i]
		member, err := a.expr.Eval(&s.env)
		out[i] = Decision{Audience: a.def.Name, Rule: a.def.Rule, Member: member && err == nil, Err: err, Values: e.values(a, &s)}
	}
	return out
}

// batchChunk is how many accounts a worker takes at a time.
const batchChunk = 256

// EvaluateBatch evaluates every audience for every account as of now, in
// parallel over GOMAXPROCS goroutines. prev holds the previous memberships
// (nil or a missing account means none). The results are in the order of
// accounts and equal, account by account, what [Evaluator.Evaluate] returns;
// the error joins every [*EvalError] in account order.
func (e *Evaluator) EvaluateBatch(accounts []AccountData, prev map[b2b.AccountID]Membership, now time.Time) ([]Result, error) {
	results := make([]Result, len(accounts))
	errs := make([]error, len(accounts))
	workers := min(runtime.GOMAXPROCS(0), (len(accounts)+batchChunk-1)/batchChunk)
	var next atomic.Int64
	work := func() {
		var s scratch
		for {
			lo := int(next.Add(batchChunk)) - batchChunk
			if lo >= len(accounts) {
				return
			}
			for i := lo; i < min(lo+batchChunk, len(accounts)); i++ {
				d := &accounts[i]
				results[i], errs[i] = e.evaluate(&s, d, prev[d.Account.ID], now)
			}
		}
	}
	if workers <= 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	return results, errors.Join(errs...)
}

// Members returns, in order, the accounts whose result places them in the
// audience. An audience the evaluator does not define is an error
// matching [ErrUnknownAudience]: a misspelt name would read as an empty
// audience.
func (e *Evaluator) Members(results []Result, audience string) ([]b2b.AccountID, error) {
	if !slices.ContainsFunc(e.audiences, func(a compiledAudience) bool { return a.def.Name == audience }) {
		return nil, fmt.Errorf("%w %q", ErrUnknownAudience, audience)
	}
	var out []b2b.AccountID
	for i := range results {
		if results[i].Membership.Has(audience) {
			out = append(out, results[i].Account)
		}
	}
	return out, nil
}

// Events returns every event of results, in order.
func Events(results []Result) []Event {
	var out []Event
	for i := range results {
		out = append(out, results[i].Events...)
	}
	return out
}

// attrText is the custom attribute under key as text, as an explanation
// shows it: "missing" when the account has none under key.
func attrText(attrs map[string]any, key string) string {
	v, ok := attrs[key]
	switch x := v.(type) {
	case string:
		return x
	case nil:
		if !ok {
			return "missing"
		}
	}
	return fmt.Sprint(v)
}
