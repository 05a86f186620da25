package scoring

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// PersonState is the score of one person under one model: small plain data
// that a store persists as it is (every field is exported; times are Unix
// nanoseconds, UTC). Its zero value is a person with no score.
//
// The state keeps every credit (an activity counted by a rule) whose time is
// at or after Floor, and folds older credits into one decayed value per rule
// (Past). Floor follows the ingest time: it is the start of the UTC day one
// horizon ([Config.Horizon]) before the latest ingest, and never moves back.
// Activities older than Floor are refused as too late ([ErrTooLate]) because
// the state no longer holds what a duplicate or a cap would be checked
// against. Within the horizon, the state is a pure function of the set of
// activities delivered: any order of arrival and any number of repeated
// deliveries give the same state and, bit for bit, the same scores.
type PersonState struct {
	// Floor is the horizon floor in Unix nanoseconds (see above);
	// math.MaxInt64 when the floor is after 2262-04-11, the last time Unix
	// nanoseconds count to (every credit is then before it).
	Floor int64 `json:"floor"`
	// Past holds, per rule, the decayed value of credits folded out of
	// Credits: Value is what they are worth at At.
	Past []RuleValue `json:"past,omitempty"`
	// Credits are the credits within the horizon, sorted by time, activity
	// key and rule.
	Credits []Credit `json:"credits,omitempty"`
}

// A RuleValue is the value, at time At (Unix nanoseconds), of the credits of
// one rule folded out of a [PersonState]'s credits. Rule and RuleKey name
// the rule as a [Credit]'s do.
type RuleValue struct {
	Rule    uint16  `json:"rule"`
	RuleKey uint32  `json:"ruleKey,omitempty"`
	At      int64   `json:"at"`
	Value   float64 `json:"value"`
}

// A Credit is one activity counted by one rule: Points at time At (Unix
// nanoseconds). Key identifies the activity: it is [ActivityKey] of its
// ID. RuleKey identifies the rule: it is [RuleKey] of its name, so that
// the credit stays with its rule when the model changes (a rule added
// ahead of it, or one removed): the rule's cap counts it, an explanation
// names it, and a credit of a rule the model no longer has still counts
// in the score, toward no cap. Rule is the rule's position in the model
// that wrote the credit, a quick way to the rule, checked against
// RuleKey; a credit's position is brought up to date with the scorer's
// model when it folds, or when states merge (65535 for a rule the model
// no longer has). A credit with no RuleKey (0) was saved before credits
// had one: its Rule is read in the scorer's model, which is what it meant
// while that model was unchanged, and the state's credits get their
// RuleKey at its next ingest ([Scorer.Compact], [Scorer.Merge]).
//
// A credit holds no pointer (no ID string), so that a million states cost
// the garbage collector nothing to scan and a duplicate check compares
// numbers in one cache line. The state therefore remembers an activity by
// its 64-bit key only: two distinct IDs of one person with the same key
// would be taken for one activity (the second reported as a duplicate).
// For n activities of one person within the horizon the chance of that is
// about n²/2^65 (1e-14 for 1,000 activities). [Explanation.NameActivities]
// turns keys back into IDs for display.
type Credit struct {
	Key     uint64  `json:"key"`
	At      int64   `json:"at"`
	Points  float64 `json:"points"`
	Rule    uint16  `json:"rule"`
	RuleKey uint32  `json:"ruleKey,omitempty"`
}

// RuleKey returns the 32-bit key under which a [PersonState] remembers a
// rule: the FNV-1a hash of its name (1 where that is 0, which marks a
// credit saved without one). It is stable across processes and versions
// (states persist it). Two rules of one model with the same key are
// refused ([Model.Validate]); a rule removed from a model whose key is
// that of a rule added later would have its credits taken for that
// rule's (a chance of about 1 in 4 billion for a pair of names).
func RuleKey(name string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	if h == 0 {
		return 1
	}
	return h
}

// ActivityKey returns the 64-bit key under which a [PersonState] remembers
// an activity: the FNV-1a hash of its ID. It is stable across processes and
// versions (states persist it).
func ActivityKey(id b2b.ActivityID) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// Time returns the credit's time.
func (c Credit) Time() time.Time { return time.Unix(0, c.At).UTC() }

// FloorTime returns the state's floor as a time.
func (st *PersonState) FloorTime() time.Time { return time.Unix(0, st.Floor).UTC() }

// Floor is the horizon floor of an ingest at now into the state st (nil
// for a person with none): the later of the state's floor and the start
// of the UTC day one horizon before now. Ingest refuses an activity
// dated before it as [ErrTooLate]; two models sharing a configuration
// refuse the same activities of a person whose floors under them are
// equal.
func (s *Scorer) Floor(st *PersonState, now time.Time) time.Time {
	f := s.floorAt(now, unixNano(now))
	if st != nil && st.Floor > f {
		f = st.Floor
	}
	return time.Unix(0, f).UTC()
}

func creditLess(a, b *Credit) int {
	if c := cmp.Compare(a.At, b.At); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	// Two credits of one activity at one position: one of a rule the model
	// no longer has (see pin).
	return cmp.Compare(a.RuleKey, b.RuleKey)
}

func ruleValueLess(a, b *RuleValue) int {
	if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	return cmp.Compare(a.RuleKey, b.RuleKey)
}

// decay returns the factor by which points lose value over dt nanoseconds.
func (s *Scorer) decay(dt int64) float64 {
	if s.halfLife == 0 || dt == 0 {
		return 1
	}
	return math.Exp2(-float64(dt) / s.halfLife)
}

// advance moves the floor to target (never back) and folds the credits that
// fall out of the horizon into Past. A credit is folded once its time is
// before the floor and, for a capped rule, once its whole cap period is
// before the floor (later activities of that period would be refused anyway,
// so nothing can displace it). Credits of one rule are folded in time order,
// so the result depends only on the credits and the floor, not on when
// folding happened.
func (s *Scorer) advance(st *PersonState, target int64) {
	if unkeyed(st) {
		// Saved before credits had rule keys: key them now, while the
		// model is the one that wrote them (see Credit).
		s.pin(st)
	}
	if target <= st.Floor {
		return
	}
	st.Floor = target
	// Credits are sorted by time: only the prefix before the floor can fold.
	n := 0
	for n < len(st.Credits) && st.Credits[n].At < target {
		n++
	}
	if n == 0 {
		return
	}
	// Folding goes by rule position: bring the positions of what it reads
	// (the past and the prefix) up to date with the model. The rest of the
	// credits are read by key until they fold in turn: looking at them all
	// here, at each move of the floor, would cost the ingest of a large
	// batch several percent.
	s.pinPast(st)
	kept, moved := 0, false
	for i := 0; i < n; i++ {
		c := &st.Credits[i]
		if int(c.Rule) >= len(s.rules) || s.rules[c.Rule].key != c.RuleKey {
			r, k := s.pinned(c.Rule, c.RuleKey)
			moved = moved || r != c.Rule
			c.Rule, c.RuleKey = r, k
		}
		if !s.foldable(c, target) {
			st.Credits[kept] = *c
			kept++
			continue
		}
		s.fold(st, c)
	}
	if moved {
		// Credits of one activity may have changed order; the kept ones
		// are all before the rest.
		slices.SortFunc(st.Credits[:kept], func(a, b Credit) int { return creditLess(&a, &b) })
	}
	if kept == n {
		return
	}
	m := kept + copy(st.Credits[kept:], st.Credits[n:])
	clear(st.Credits[m:])
	st.Credits = st.Credits[:m]
}

// unkeyed reports whether the state was saved before credits had rule
// keys. Such a state is keyed whole (see pin), and keyed credits are
// never added to it before: its first credit or past value tells.
func unkeyed(st *PersonState) bool {
	return len(st.Credits) > 0 && st.Credits[0].RuleKey == 0 || len(st.Past) > 0 && st.Past[0].RuleKey == 0
}

// foldable reports whether a credit before the floor folds. The credit is
// pinned (see pin): its position is one of the model's rules, or none.
func (s *Scorer) foldable(c *Credit, floor int64) bool {
	if int(c.Rule) >= len(s.rules) {
		return true
	}
	r := &s.rules[c.Rule]
	if r.Cap.Max == 0 {
		return true
	}
	_, end := r.Cap.Period.bounds(c.At)
	return end <= floor
}

// fold adds a credit to its rule's past value. The credit and the past are
// pinned (see pin): a rule is one position and key.
func (s *Scorer) fold(st *PersonState, c *Credit) {
	for i := range st.Past {
		p := &st.Past[i]
		if p.Rule == c.Rule && p.RuleKey == c.RuleKey {
			if c.At < p.At {
				// Only a merge folds a credit older than the past it joins
				// (another state's past, folded later): decay the credit
				// forward rather than the past back, which a short
				// half-life over a long gap takes beyond a float64.
				p.Value += c.Points * s.decay(p.At-c.At)
				return
			}
			p.Value = p.Value*s.decay(c.At-p.At) + c.Points
			p.At = c.At
			return
		}
	}
	// Past stays sorted by rule, so that scores sum in one order whatever
	// order the rules were first folded in.
	v := RuleValue{Rule: c.Rule, RuleKey: c.RuleKey, At: c.At, Value: c.Points}
	i, _ := slices.BinarySearchFunc(st.Past, &v, func(p RuleValue, v *RuleValue) int { return ruleValueLess(&p, v) })
	if st.Past == nil {
		// Most persons fold several rules: start with room for a few
		// rather than growing one by one (1, 2, 4: three allocations of
		// fresh memory for what one gives).
		st.Past = make([]RuleValue, 0, min(4, len(s.rules)))
	}
	st.Past = slices.Insert(st.Past, i, v)
}

// goneRule is the position a credit or past value of a rule the model no
// longer has takes when its state is pinned: after every position a model
// can have, so that all such credits of one rule, whatever model wrote
// them, have one position and key.
const goneRule = math.MaxUint16

// rule returns the position in the scorer's model of the rule at position
// pos and of key key in the model that wrote it (a credit's or past
// value's Rule and RuleKey), and false for a rule the model does not have.
// A key of 0 (saved before credits had keys) reads pos in this model.
func (s *Scorer) rule(pos uint16, key uint32) (uint16, bool) {
	if int(pos) < len(s.rules) && (key == 0 || s.rules[pos].key == key) {
		return pos, true
	}
	if key == 0 {
		return 0, false
	}
	i, ok := s.byKey[key]
	return i, ok
}

// pinned returns where a credit or past value of rule pos and key goes in
// a state pinned to the scorer's model: the rule's position and key in
// the model, goneRule and its key for a rule the model does not have, or
// pos and 0 as they are for a position past the model's rules saved with
// no key (nothing tells which rule it was).
func (s *Scorer) pinned(pos uint16, key uint32) (uint16, uint32) {
	if i, ok := s.rule(pos, key); ok {
		return i, s.rules[i].key
	}
	if key == 0 {
		return pos, 0
	}
	return goneRule, key
}

// pin brings the rule positions of the state's credits and past values up
// to date with the scorer's model (see [Credit]), and gives a key to those
// saved without one, keeping both lists sorted. A state written by this
// model is pinned already: pin then only reads it.
func (s *Scorer) pin(st *PersonState) {
	moved := false
	for i := range st.Credits {
		c := &st.Credits[i]
		if int(c.Rule) < len(s.rules) && c.RuleKey == s.rules[c.Rule].key {
			continue
		}
		r, k := s.pinned(c.Rule, c.RuleKey)
		moved = moved || r != c.Rule
		c.Rule, c.RuleKey = r, k
	}
	if moved {
		// Only credits of one activity (one time and key) can change
		// order.
		slices.SortFunc(st.Credits, func(a, b Credit) int { return creditLess(&a, &b) })
	}
	s.pinPast(st)
}

// pinPast does what pin does for the state's past values only.
func (s *Scorer) pinPast(st *PersonState) {
	moved := false
	for i := range st.Past {
		p := &st.Past[i]
		if int(p.Rule) < len(s.rules) && p.RuleKey == s.rules[p.Rule].key {
			continue
		}
		r, k := s.pinned(p.Rule, p.RuleKey)
		moved = moved || r != p.Rule
		p.Rule, p.RuleKey = r, k
	}
	if moved {
		slices.SortFunc(st.Past, func(a, b RuleValue) int { return ruleValueLess(&a, &b) })
	}
}

// ScoreAt returns the person's score at t: every credit up to t, decayed to
// t (0 for a nil state, a person with none). t must not be before the
// state's floor (the detail before it is folded); a later t is always
// exact, also after 2262 (beyond Unix nanoseconds).
func (s *Scorer) ScoreAt(st *PersonState, t time.Time) (float64, error) {
	st = orEmpty(st)
	at, rest, err := s.readAt(st, t)
	if err != nil {
		return 0, err
	}
	return s.scoreAt(st, at) * rest, nil
}

// noState is the state of a person with none, read (never written) where
// a nil *PersonState is given: what [Ledger.State] returns for a person
// who never scored.
var noState PersonState

func orEmpty(st *PersonState) *PersonState {
	if st == nil {
		return &noState
	}
	return st
}

// readAt returns how to read the state at t: at is t in Unix nanoseconds
// and rest is 1, or, for a t too late for Unix nanoseconds, at is the
// state's latest time (no credit is after it) and rest the decay from at
// to t. The error is a *HorizonError when t is before the floor.
func (s *Scorer) readAt(st *PersonState, t time.Time) (at int64, rest float64, err error) {
	at = unixNano(t)
	if at < st.Floor {
		return 0, 0, &HorizonError{At: t, Floor: st.FloorTime()}
	}
	if at < math.MaxInt64 {
		return at, 1, nil
	}
	at = 0
	for _, p := range st.Past {
		at = max(at, p.At)
	}
	if n := len(st.Credits); n > 0 {
		at = max(at, st.Credits[n-1].At)
	}
	if s.halfLife == 0 {
		return at, 1, nil
	}
	// t - at in nanoseconds, which can be beyond an int64's range.
	from := time.Unix(0, at)
	dt := (float64(t.Unix())-float64(from.Unix()))*float64(time.Second) + float64(t.Nanosecond()-from.Nanosecond())
	return at, math.Exp2(-dt / s.halfLife), nil
}

func (s *Scorer) scoreAt(st *PersonState, at int64) float64 {
	var sum float64
	for _, p := range st.Past {
		sum += p.Value * s.decay(at-p.At)
	}
	for _, c := range st.Credits {
		if c.At > at {
			break
		}
		sum += c.Points * s.decay(at-c.At)
	}
	return sum
}

// A Velocity is the change of a score over a window: the score at To minus
// the score at From (From = To - window). With decay, a person who stops
// engaging has a negative velocity. Its text names the UTC dates of From
// and To, whatever zone now was given in, and writes the scores and the
// change with one decimal, or as many more as it takes for the change
// shown to be the difference of the scores shown (80.04 -> 80.16 is
// +0.12, not "+0.1 (80.0 -> 80.2)").
type Velocity struct {
	From, To   time.Time
	Start, End float64
	Change     float64
}

func (v Velocity) String() string {
	start, end, change := changeText(v.Start, v.End, v.Change)
	return fmt.Sprintf("%s over %s (%s on %s -> %s on %s)", change, fmtDuration(v.To.Sub(v.From)),
		start, v.From.UTC().Format(time.DateOnly), end, v.To.UTC().Format(time.DateOnly))
}

// changeText writes a change from start to end (change = end - start)
// with one decimal, or with the fewest more (up to 9) for which the change
// written is the difference of start and end as written.
func changeText(start, end, change float64) (s, e, c string) {
	for prec := 1; prec <= 9; prec++ {
		s, e, c = strconv.FormatFloat(start, 'f', prec, 64), strconv.FormatFloat(end, 'f', prec, 64), strconv.FormatFloat(change, 'f', prec, 64)
		sv, _ := strconv.ParseFloat(s, 64)
		ev, _ := strconv.ParseFloat(e, 64)
		cv, _ := strconv.ParseFloat(c, 64)
		if dv, _ := strconv.ParseFloat(strconv.FormatFloat(ev-sv, 'f', prec, 64), 64); dv == cv {
			break
		}
	}
	if change >= 0 || c[0] != '-' {
		c = "+" + strings.TrimPrefix(c, "-") // no "-0.0" for a change that rounds to nothing
	}
	return s, e, c
}

// Velocity returns the change of the person's score over window ending at
// now, exact under decay (none for a nil state). The window must lie within the horizon: now -
// window not before the state's floor (see [HorizonError]).
func (s *Scorer) Velocity(st *PersonState, now time.Time, window time.Duration) (Velocity, error) {
	if window <= 0 {
		return Velocity{}, fmt.Errorf("scoring: velocity window %s must be positive", window)
	}
	st = orEmpty(st)
	from := now.Add(-window)
	start, err := s.ScoreAt(st, from)
	if err != nil {
		return Velocity{}, err
	}
	at, rest, err := s.readAt(st, now) // not before from, so not before the floor
	if err != nil {
		return Velocity{}, err
	}
	end := s.scoreAt(st, at) * rest
	return Velocity{From: from, To: now, Start: start, End: end, Change: end - start}, nil
}

// bucket returns the index range in st.Credits of the credits (of any rule)
// with a time in [start, end), found by binary search on time.
func bucket(st *PersonState, start, end int64) (int, int) {
	lo, _ := slices.BinarySearchFunc(st.Credits, start, func(c Credit, t int64) int { return cmp.Compare(c.At, t) })
	hi := lo
	for hi < len(st.Credits) && st.Credits[hi].At < end {
		hi++
	}
	return lo, hi
}

// insert adds c at its sorted place.
func insert(st *PersonState, c Credit) {
	i := len(st.Credits)
	for i > 0 && creditLess(&st.Credits[i-1], &c) > 0 {
		i--
	}
	if st.Credits == nil {
		st.Credits = make([]Credit, 0, 4)
	}
	st.Credits = slices.Insert(st.Credits, i, c)
}

// Compact moves the state's floor to where an ingest at now would put it,
// folding credits that have left the horizon. Ingest does this itself; call
// Compact before persisting persons who have been idle, to keep their state
// small. Scores at or after the new floor stay the same up to rounding:
// a folded credit is decayed in steps and added in another order, so a
// score may differ from the one read before in its last bits (a relative
// difference that grows with the credits folded: about 1e-15 for a few
// hundred). Compare scores read across a compaction with a tolerance,
// not ==; the state itself stays a function of the activities and the
// floor, bit for bit.
func (s *Scorer) Compact(st *PersonState, now time.Time) {
	if st == nil {
		return // no state: nothing to fold
	}
	s.advance(st, s.floorAt(now, unixNano(now)))
}
