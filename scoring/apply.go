package scoring

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// An Applier applies activities with one [Scorer] and reuses what it can
// from one activity to the next: its condition environment (no allocation
// per activity) and the results of conditions whose inputs have not
// changed. It gives exactly the states and outcomes of [Scorer.Apply]
// called on each activity in turn, with less work:
//
//   - a condition that reads only the person and the account is evaluated
//     once per [Applier.ApplyPerson] call (the call is for one person);
//   - a condition that reads only one activity attribute through attr()
//     with a constant key and string defaults, such as
//     attr(activity.attributes, "form", "") == "Demo Request", is
//     remembered by the attribute's value (up to 4096 values per rule; a
//     missing or non-string attribute is evaluated every time);
//   - any other condition is evaluated for every activity.
//
// Conditions are pure (the rules package evaluates without side effects,
// and now is the activity's time), so a remembered result is the result.
// Host functions registered on the engine are not analysed: a condition
// that calls one is evaluated every time. With an engine other than the
// rules package's default, every condition is evaluated every time.
//
// An Applier is not safe for concurrent use: use one per goroutine.
type Applier struct {
	s     *Scorer
	env   Env
	act   b2b.Activity      // the activity with its type mapped (TypeMap)
	pmemo []int8            // per rule: 0 unknown, 1 false, 2 true, for the current person
	amemo []map[string]bool // per rule: results by attribute value

	advanced bool // the state's floor has followed now in this call
	envReady bool // env holds the current activity
}

// attrMemoMax bounds the values remembered per rule.
const attrMemoMax = 4096

// NewApplier returns an applier for the scorer's model.
func (s *Scorer) NewApplier() *Applier {
	return &Applier{s: s, pmemo: make([]int8, len(s.rules)), amemo: make([]map[string]bool, len(s.rules))}
}

// ApplyPerson applies the activities of person p (account acct, nil when
// unknown) to st at time now, in the order given, in one pass: the floor
// follows now once, person-level conditions are evaluated once. each, when
// not nil, receives the outcome of acts[i] (or the *ActivityError that
// refused it; see [Scorer.Apply]). States and outcomes are those of calling
// Apply on each activity in turn.
func (ap *Applier) ApplyPerson(st *PersonState, acts []*b2b.Activity, p *b2b.Person, acct *b2b.Account, now time.Time, each func(i int, o Outcome, err error)) {
	ap.advanced = false
	clear(ap.pmemo)
	n := now.UnixNano()
	for i, a := range acts {
		o, err := ap.apply(st, a, p, acct, now, n)
		if each != nil {
			each(i, o, err)
		}
	}
}

func (ap *Applier) apply(st *PersonState, a *b2b.Activity, p *b2b.Person, acct *b2b.Account, now time.Time, n int64) (Outcome, error) {
	s := ap.s
	if a.ID == "" || a.Time.IsZero() {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrInvalidActivity, Detail: "an activity needs an ID and a time"}
	}
	if p == nil {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrUnknownPerson, Detail: fmt.Sprintf("person %q is not known", a.Person)}
	}
	t := a.Time.UnixNano()
	if t > n+s.future {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrFuture, Detail: fmt.Sprintf("%s is %s after now %s (tolerance %s)",
			a.Time.UTC().Format(time.RFC3339), a.Time.Sub(now).Round(time.Second), now.UTC().Format(time.RFC3339), s.cfg.FutureTolerance)}
	}
	if !ap.advanced {
		s.advance(st, floorDiv(n-s.horizon, day)*day)
		ap.advanced = true
	}
	if t < st.Floor {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrTooLate, Detail: fmt.Sprintf("%s is before the horizon floor %s (horizon %s)",
			a.Time.UTC().Format(time.RFC3339), st.FloorTime().Format(time.RFC3339), s.cfg.Horizon)}
	}
	typ := a.Type
	if len(s.model.TypeMap) > 0 {
		if to, ok := s.model.TypeMap[typ]; ok {
			typ = to
		}
	}
	idx, ok := s.byType[typ]
	if !ok {
		if known(typ) {
			return Outcome{Status: Unmatched}, nil
		}
		return Outcome{Status: UnknownType}, nil
	}
	key := ActivityKey(a.ID)
	for i := range st.Credits {
		if st.Credits[i].Key == key {
			return Outcome{Status: Duplicate}, nil
		}
	}
	out := Outcome{Status: Unmatched}
	ap.envReady = false
	for _, ri := range idx {
		r := &s.rules[ri]
		// A full cap period whose counted activities all come before this
		// one cannot take it: skip the condition.
		displace := -1
		if r.Cap.Max > 0 {
			start, end := r.Cap.Period.bounds(t)
			lo, hi := bucket(st, start, end)
			count, last := 0, -1
			for j := lo; j < hi; j++ {
				if st.Credits[j].Rule == ri {
					count++
					last = j
				}
			}
			if count >= r.Cap.Max {
				c := Credit{Key: key, At: t, Rule: ri}
				if creditLess(&c, &st.Credits[last]) > 0 {
					if out.Status == Unmatched {
						out.Status = Capped
					}
					continue
				}
				displace = last
			}
		}
		if r.cond != nil {
			ok, err := ap.cond(r, a, typ, p, acct)
			if err != nil {
				out.RuleErrors = append(out.RuleErrors, err)
				continue
			}
			if !ok {
				continue
			}
		}
		if displace >= 0 {
			if out.Status == Unmatched {
				out.Status = Capped
			}
			out.Points -= st.Credits[displace].Points
			st.Credits = append(st.Credits[:displace], st.Credits[displace+1:]...)
		}
		insert(st, Credit{Key: key, At: t, Points: r.Points, Rule: ri})
		out.Status = Credited
		out.Points += r.Points
	}
	return out, nil
}

// cond answers a rule's condition for the activity, from memory when the
// inputs it reads are ones it has seen (see [Applier]).
func (ap *Applier) cond(r *compiledRule, a *b2b.Activity, typ string, p *b2b.Person, acct *b2b.Account) (bool, error) {
	switch r.info.kind {
	case condPerson:
		if ap.pmemo == nil {
			break
		}
		if m := ap.pmemo[r.index]; m != 0 {
			return m == 2, nil
		}
		ok, err := ap.eval(r, a, typ, p, acct)
		if err == nil {
			ap.pmemo[r.index] = 1
			if ok {
				ap.pmemo[r.index] = 2
			}
		}
		return ok, err
	case condAttr:
		if ap.amemo == nil {
			break
		}
		v, isString := a.Attributes[r.info.attr].(string)
		if !isString {
			break
		}
		m := ap.amemo[r.index]
		if ok, seen := m[v]; seen {
			return ok, nil
		}
		ok, err := ap.eval(r, a, typ, p, acct)
		if err == nil {
			if m == nil {
				m = make(map[string]bool)
				ap.amemo[r.index] = m
			}
			if len(m) < attrMemoMax {
				m[v] = ok
			}
		}
		return ok, err
	}
	return ap.eval(r, a, typ, p, acct)
}

// eval evaluates a rule's condition on the activity.
func (ap *Applier) eval(r *compiledRule, a *b2b.Activity, typ string, p *b2b.Person, acct *b2b.Account) (bool, error) {
	if !ap.envReady {
		if typ != a.Type {
			ap.act = *a
			ap.act.Type = typ
			a = &ap.act
		}
		if acct == nil {
			acct = &ap.s.noAcct
		}
		ap.env = Env{Activity: a, Person: p, Account: acct, Now: a.Time}
		ap.envReady = true
	}
	return r.cond.Eval(&ap.env)
}
