package scoring

import (
	"fmt"
	"math"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/internal/unixnano"
)

// An Applier applies activities with one [Scorer] and reuses what it can
// from one activity to the next: its condition environment (no allocation
// per activity) and the results of conditions whose inputs have not
// changed. It gives exactly the states and outcomes of [Scorer.Apply]
// called on each activity in turn, with less work:
//
//   - a condition that reads only the person and the account is evaluated
//     once per [Applier.ApplyPerson] call (the call is for one person), in
//     Go rather than by the expression machine when it only compares
//     fields with constants or each other (see native.go);
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
// The rules package counts the missing data a condition reads (an
// attribute's default, an element that is not there) per evaluation
// ([rules.Expr.MissingAttributes]), and a condition answered without one
// is not counted again: one that reads only the person and the account
// counts once per person per ApplyPerson call (per batch with
// ApplyIndexed and Ingest), and not at all where Go answers it (with
// [Scorer.Apply] too), while an attribute condition is remembered only
// for a string attribute, so a missing one is counted at each activity.
// Those counts are of evaluations, not of activities; the
// scorer does not expose them, and states, outcomes and rule errors are
// exactly those of Apply.
//
// An Applier is not safe for concurrent use: use one per goroutine.
type Applier struct {
	s     *Scorer
	env   *Env              // allocated on first use
	pmemo []int8            // per rule: 0 unknown, 1 false, 2 true, for the current person
	amemo []map[string]bool // per rule: results by attribute value

	advanced bool // the state's floor has followed now in this call
	envReady bool // env holds the current activity

	start  []int32 // ApplyIndexed: per person, where its records start
	recs   []prep  // ApplyIndexed: the records, in batch order
	sorted []prep  // ApplyIndexed: the records, grouped by person

	touchSum int64 // see touch
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
	n := unixNano(now)
	for i, a := range acts {
		pr := ap.prepare(a, int32(i))
		o, err := ap.apply(st, a, &pr, p, acct, now, n)
		if each != nil {
			each(i, o, err)
		}
	}
}

// ApplyIndexed applies a batch of activities of many persons that the host
// has already resolved to indexes into its own tables: who[i] is the index
// of acts[i]'s person, in [0, persons); a negative index leaves the
// activity out (each is not called for it). For every person with
// activities, target(p) returns the person's state, the person (nil: the
// activities are refused with [ErrUnknownPerson]) and the account (nil when
// unknown); the person's activities are then applied in one
// [Applier.ApplyPerson] pass, in batch order (target is called once per
// such person, in increasing index order, a few persons ahead of applying
// their activities). each, when not nil, receives
// the outcome of acts[i], person after person in increasing index order.
// States and outcomes are those of [Scorer.Apply] on each activity in batch
// order.
//
// This is the fast path for large batches. It reads the activities once,
// in batch order (memory order), computing what scoring needs of each
// (key, time, type, remembered condition results) into a compact record,
// groups the records by person with a counting sort, and applies them
// person by person, so that both the activities and the states are read
// in memory order; the states' credits, which are scattered on the heap,
// are fetched for a block of persons at a time. An activity itself is read
// again only for a condition to evaluate or an error to report. Its scratch memory (64 bytes per
// activity and 4 per person) is kept for the next batch.
//
// It returns an error, before applying anything, when who and acts differ
// in length, persons is negative or an index is not below persons.
func (ap *Applier) ApplyIndexed(acts []b2b.Activity, who []int32, persons int, target func(p int32) (*PersonState, *b2b.Person, *b2b.Account), now time.Time, each func(i int, o Outcome, err error)) error {
	if len(who) != len(acts) {
		return fmt.Errorf("scoring: %d person indexes for %d activities", len(who), len(acts))
	}
	if persons < 0 {
		return fmt.Errorf("scoring: %d persons is negative", persons)
	}
	// Count the activities of each person: start[p+1] = count of p.
	if cap(ap.start) < persons+1 {
		ap.start = make([]int32, persons+1)
	}
	start := ap.start[:persons+1]
	clear(start)
	total := 0
	for i, p := range who {
		if int(p) >= persons {
			return fmt.Errorf("scoring: activity %d (%q) has person index %d, not below %d", i, acts[i].ID, p, persons)
		}
		if p >= 0 {
			start[p+1]++
			total++
		}
	}
	for p := range persons {
		start[p+1] += start[p]
	}
	// Prepare each activity in batch order (memory order), then move the
	// records to their person's place in a tight loop (whose writes the
	// processor overlaps).
	if cap(ap.recs) < len(acts) {
		ap.recs = make([]prep, len(acts))
	}
	if cap(ap.sorted) < total {
		ap.sorted = make([]prep, total)
	}
	prepared, recs := ap.recs[:len(acts)], ap.sorted[:total]
	for i := range acts {
		if who[i] >= 0 {
			prepared[i] = ap.prepare(&acts[i], int32(i))
		}
	}
	for i, p := range who {
		if p >= 0 {
			recs[start[p]] = prepared[i]
			start[p]++
		}
	}
	// start[p] is now the end of p's records (the start of p+1's).
	n := unixNano(now)
	var blk [touchBlock]touched
	lo := int32(0)
	for p := 0; p < persons; {
		// Take the next persons with activities, then touch their states'
		// memory before applying anything (see touch).
		nb := 0
		for ; p < persons && nb < touchBlock; p++ {
			hi := start[p]
			if hi == lo {
				continue
			}
			st, person, acct := target(int32(p))
			blk[nb] = touched{st, person, acct, lo, hi}
			nb++
			lo = hi
		}
		ap.touch(blk[:nb], recs, acts)
		for i := range blk[:nb] {
			b := &blk[i]
			ap.advanced = false
			clear(ap.pmemo)
			for k := b.lo; k < b.hi; k++ {
				pr := &recs[k]
				o, err := ap.apply(b.st, &acts[pr.at], pr, b.person, b.acct, now, n)
				if each != nil {
					each(int(pr.at), o, err)
				}
			}
		}
	}
	return nil
}

// touchBlock is how many persons ApplyIndexed looks up and touches at a
// time: enough for the processor to have many fetches in flight, few enough
// that what they fetch is still in the cache when the person is applied.
const touchBlock = 32

// touched is a person of ApplyIndexed: its state, person and account, and
// the range of its records.
type touched struct {
	st     *PersonState
	person *b2b.Person
	acct   *b2b.Account
	lo, hi int32
}

// touch reads the first and last credit and the first folded value of each
// state, and the activities that a condition will read (not answered from
// memory), in a loop with no other work. In a batch of a million persons,
// each state's credits are somewhere in a heap far larger than the caches,
// and the activities of a person are scattered over the batch: reached
// from apply, one person at a time, every person waits for its memory in
// turn; reached here, the loads are independent and the processor overlaps
// them, so that apply then finds the lines in the cache. The sum only keeps
// the compiler from dropping the loads.
func (ap *Applier) touch(blk []touched, recs []prep, acts []b2b.Activity) {
	types := ap.s.types
	var sum int64
	for i := range blk {
		b := &blk[i]
		st := b.st
		if n := len(st.Credits); n > 0 {
			sum += st.Credits[0].At + st.Credits[n-1].At
		}
		if len(st.Past) > 0 {
			sum += st.Past[0].At
		}
		for k := b.lo; k < b.hi; k++ {
			pr := &recs[k]
			if pr.typ >= 0 && types[pr.typ].reads&^pr.known != 0 {
				a := &acts[pr.at]
				sum += int64(len(a.Type) + len(a.Attributes))
			}
		}
	}
	ap.touchSum += sum
}

// prep is what scoring needs of an activity, computed once.
type prep struct {
	key uint64
	t   int64
	at  int32 // the activity's index in its batch
	// typ is the type's index in Scorer.types, or one of the negative
	// values below.
	typ int32
	// known and val hold remembered results of the type's conditions, by
	// position in the type's rule list (the first 32).
	known, val uint32
}

// unixNano is t.UnixNano() for the times it can represent (from 1678 to
// 2262, but for the last second at either end); a later time is
// math.MaxInt64 and an earlier one math.MinInt64, where t.UnixNano() would
// wrap around. So the order of times is kept: an activity that far back is
// before any floor (refused as too late), and one that far ahead is at or
// after now, where apply compares it with now + FutureTolerance as a
// time.Time. No credit holds either value: apply refuses such an activity.
// Every time the caller gives (an activity's, now, a time to read a score
// at) goes through unixNano.
func unixNano(t time.Time) int64 { return unixnano.Of(t) }

// floorAt returns the floor that an ingest at now (n = unixNano(now))
// moves a state to: the start of the UTC day one horizon before now. A
// floor after the last time unixNano represents is math.MaxInt64 (every
// credit is before it), one before the first math.MinInt64.
func (s *Scorer) floorAt(now time.Time, n int64) int64 {
	if n < math.MaxInt64 && n >= math.MinInt64+s.horizon+day {
		return floorDiv(n-s.horizon, day) * day
	}
	// Truncate rounds down to a multiple of a day since the zero time, a
	// UTC midnight.
	return unixNano(now.Add(-time.Duration(s.horizon)).Truncate(24 * time.Hour))
}

const (
	typeNoRules int32 = -1 // a known or mapped type that no rule names
	typeUnknown int32 = -2 // neither standard, mapped, nor named by a rule
	typeInvalid int32 = -3 // no ID or no time
)

func (ap *Applier) prepare(a *b2b.Activity, at int32) prep {
	s := ap.s
	pr := prep{at: at}
	if a.ID == "" || a.Time.IsZero() {
		pr.typ = typeInvalid
		return pr
	}
	pr.t = unixNano(a.Time)
	pr.key = ActivityKey(a.ID)
	typ, mapped := a.Type, false
	if len(s.model.TypeMap) > 0 {
		if to, ok := s.model.TypeMap[typ]; ok {
			typ, mapped = to, true
		}
	}
	ti, ok := s.byType[typ]
	switch {
	case ok:
		pr.typ = ti
	case mapped || known(typ):
		// A mapped type is declared by the model, whatever its target.
		pr.typ = typeNoRules
		return pr
	default:
		pr.typ = typeUnknown
		return pr
	}
	if ap.amemo == nil {
		return pr
	}
	for pos, ri := range s.types[ti].rules {
		if pos == 32 {
			break
		}
		r := &s.rules[ri]
		if r.info.kind != condAttr || ap.amemo[ri] == nil {
			continue
		}
		if v, isString := a.Attributes[r.info.attr].(string); isString {
			if ok, seen := ap.amemo[ri][v]; seen {
				pr.known |= 1 << pos
				if ok {
					pr.val |= 1 << pos
				}
			}
		}
	}
	return pr
}

func (ap *Applier) apply(st *PersonState, a *b2b.Activity, pr *prep, p *b2b.Person, acct *b2b.Account, now time.Time, n int64) (Outcome, error) {
	s := ap.s
	if pr.typ == typeInvalid {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrInvalidActivity, Detail: "an activity needs an ID and a time"}
	}
	if p == nil {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrUnknownPerson, Detail: fmt.Sprintf("person %q is not known", a.Person)}
	}
	t := pr.t
	// An activity at or after now (rare: clock skew) is compared with now as
	// a time.Time, exact for any time and tolerance, where nanoseconds since
	// 1970 could wrap around. t and n are equal too when both are beyond
	// what unixNano represents.
	if t >= n {
		if a.Time.After(now.Add(s.cfg.FutureTolerance)) {
			return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrFuture, Detail: fmt.Sprintf("%s is %s after now %s (tolerance %s)",
				a.Time.UTC().Format(time.RFC3339), a.Time.Sub(now).Round(time.Second), now.UTC().Format(time.RFC3339), s.cfg.FutureTolerance)}
		}
		if t == math.MaxInt64 || t == math.MinInt64 { // now is as far out
			return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrInvalidActivity, Detail: fmt.Sprintf("%s is outside the times a score state holds (%s to %s)",
				a.Time.UTC().Format(time.RFC3339), time.Unix(0, math.MinInt64).UTC().Format(time.RFC3339), time.Unix(0, math.MaxInt64).UTC().Format(time.RFC3339))}
		}
	}
	if !ap.advanced {
		s.advance(st, s.floorAt(now, n))
		ap.advanced = true
	}
	if t < st.Floor {
		return Outcome{}, &ActivityError{Activity: a.ID, Err: ErrTooLate, Detail: fmt.Sprintf("%s is before the horizon floor %s (horizon %s)",
			a.Time.UTC().Format(time.RFC3339), st.FloorTime().Format(time.RFC3339), s.cfg.Horizon)}
	}
	switch pr.typ {
	case typeNoRules:
		return Outcome{Status: Unmatched}, nil
	case typeUnknown:
		return Outcome{Status: UnknownType}, nil
	}
	tr := &s.types[pr.typ]
	key := pr.key
	for i := range st.Credits {
		if st.Credits[i].Key == key {
			return Outcome{Status: Duplicate}, nil
		}
	}
	out := Outcome{Status: Unmatched}
	ap.envReady = false
	for pos, ri := range tr.rules {
		r := &s.rules[ri]
		// A full cap period whose counted activities all come before this
		// one cannot take it (capped); one with a later counted activity
		// takes it in place of the last (displace). Either way the
		// condition decides whether the rule matches: an activity is
		// capped only by a rule it matches.
		displace, capped := -1, false
		if r.Cap.Max > 0 {
			start, end := r.Cap.Period.bounds(t)
			lo, hi := bucket(st, start, end)
			count, last := 0, -1
			for j := lo; j < hi; j++ {
				// The rule's credits, whatever model wrote them (see
				// Credit): by key, or by position for one saved with none.
				if c := &st.Credits[j]; c.RuleKey == r.key || c.RuleKey == 0 && c.Rule == ri {
					count++
					last = j
				}
			}
			if count >= r.Cap.Max {
				c := Credit{Key: key, At: t, Rule: ri, RuleKey: r.key}
				if creditLess(&c, &st.Credits[last]) > 0 {
					capped = true
				} else {
					displace = last
				}
			}
		}
		if r.cond != nil {
			var ok bool
			if pos < 32 && pr.known&(1<<pos) != 0 {
				ok = pr.val&(1<<pos) != 0
			} else {
				var err error
				ok, err = ap.cond(r, a, tr.name, p, acct)
				if err != nil {
					out.RuleErrors = append(out.RuleErrors, err)
					continue
				}
			}
			if !ok {
				continue
			}
		}
		if capped {
			if out.Status == Unmatched {
				out.Status = Capped
			}
			continue
		}
		if displace >= 0 {
			if out.Status == Unmatched {
				out.Status = Capped
			}
			out.Points -= st.Credits[displace].Points
			st.Credits = append(st.Credits[:displace], st.Credits[displace+1:]...)
		}
		insert(st, Credit{Key: key, At: t, Points: r.Points, Rule: ri, RuleKey: r.key})
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
			if r.native != nil {
				return r.native(p, ap.account(acct)), nil
			}
			break
		}
		if m := ap.pmemo[r.index]; m != 0 {
			return m == 2, nil
		}
		var ok bool
		var err error
		if r.native != nil {
			ok = r.native(p, ap.account(acct))
		} else {
			ok, err = ap.eval(r, a, typ, p, acct)
		}
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

// account returns acct, or the empty account conditions see when the
// account is unknown.
func (ap *Applier) account(acct *b2b.Account) *b2b.Account {
	if acct == nil {
		return &ap.s.noAcct
	}
	return acct
}

// eval evaluates a rule's condition on the activity.
func (ap *Applier) eval(r *compiledRule, a *b2b.Activity, typ string, p *b2b.Person, acct *b2b.Account) (bool, error) {
	if !ap.envReady {
		if ap.env == nil {
			ap.env = new(Env)
		}
		if typ != a.Type {
			c := *a
			c.Type = typ
			a = &c
		}
		*ap.env = Env{Activity: a, Person: p, Account: ap.account(acct), Now: a.Time}
		ap.envReady = true
	}
	return r.cond.Eval(ap.env)
}
