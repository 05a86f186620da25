package scoring

import (
	"slices"
)

// Merge returns the state of one person made of two persons' states under
// the scorer's model: what identity resolution found to be one person
// (their records merged) scores as one. Neither input is modified; either
// may be nil.
//
// The merged state keeps both persons' credits, an activity once (by its
// key and rule; an activity the two states hold at different times keeps
// the earlier, with the credits it earned there), and applies each rule's
// cap to them together: in a cap period, the earliest credits count, as
// when one person's activities arrive (a period either state had already
// folded into its past is taken as it was). Each rule's past values are
// added, decayed to the later of their times; the floor is the later of
// the two, credits before it folded as [Scorer.Compact] folds them. So the
// merged person's score at any time from the floor on is the sum of the
// two, less what their caps, applied together, no longer count. A rule is
// known by its name (see [Credit]): two states written by two versions of
// the model merge rule by rule.
//
// A state merged with itself (a and b the same pointer) is one person's
// already: the merge is a copy of it, its past counted once. Two states at
// different addresses are two records' even when they are equal: their
// credits count once by key, as above, but their past values, which keep
// no activity, add up; merge a person's state only with another record's.
func (s *Scorer) Merge(a, b *PersonState) PersonState {
	switch {
	case a == nil && b == nil:
		return PersonState{}
	case a == nil:
		return b.clone()
	case b == nil, a == b:
		return a.clone()
	}
	// Each state may have been written by another version of the model:
	// pinned to this one, a rule is one position and key in both (see
	// pin).
	a2, b2 := a.clone(), b.clone()
	s.pin(&a2)
	s.pin(&b2)
	out := PersonState{Floor: min(a.Floor, b.Floor), Past: a2.Past}
	for _, q := range b2.Past {
		i, found := slices.BinarySearchFunc(out.Past, &q, func(p RuleValue, q *RuleValue) int { return ruleValueLess(&p, q) })
		if !found {
			out.Past = slices.Insert(out.Past, i, q)
			continue
		}
		p := &out.Past[i]
		at := max(p.At, q.At)
		p.Value = p.Value*s.decay(at-p.At) + q.Value*s.decay(at-q.At)
		p.At = at
	}
	credits := append(a2.Credits, b2.Credits...)
	slices.SortFunc(credits, func(x, y Credit) int { return creditLess(&x, &y) })
	credits = slices.CompactFunc(credits, func(x, y Credit) bool {
		return x.Key == y.Key && x.At == y.At && x.Rule == y.Rule && x.RuleKey == y.RuleKey
	})
	// An activity has one time: where the states hold it at two (a source
	// stamped it again for the second record), the earlier stands, as in
	// one state, where a later delivery is a duplicate.
	first := make(map[uint64]int64, len(credits))
	credits = slices.DeleteFunc(credits, func(c Credit) bool {
		at, seen := first[c.Key]
		if !seen {
			first[c.Key] = c.At
		}
		return seen && at != c.At
	})
	out.Credits = s.capCredits(credits)
	s.advance(&out, max(a.Floor, b.Floor))
	return out
}

// capCredits drops, from pinned credits (see pin) sorted by creditLess,
// those past a rule's cap in their period: the earliest count.
func (s *Scorer) capCredits(credits []Credit) []Credit {
	type period struct {
		rule  uint16
		start int64
	}
	var counts map[period]int
	return slices.DeleteFunc(credits, func(c Credit) bool {
		if int(c.Rule) >= len(s.rules) {
			return false
		}
		r := &s.rules[c.Rule]
		if r.Cap.Max == 0 {
			return false
		}
		start, _ := r.Cap.Period.bounds(c.At)
		if counts == nil {
			counts = map[period]int{}
		}
		k := period{c.Rule, start}
		counts[k]++
		return counts[k] > r.Cap.Max
	})
}

func (st *PersonState) clone() PersonState {
	return PersonState{Floor: st.Floor, Past: slices.Clone(st.Past), Credits: slices.Clone(st.Credits)}
}
