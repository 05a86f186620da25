package scoring

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A Ledger is the score state of the persons of one account under one
// model: what the engine loads, passes to [Scorer.Ingest] with a batch of
// activities, and commits with the account. Its zero value is empty; states
// are created as persons score. A person may map to a nil state (what
// "persons": {"ann": null} decodes to): it is a person with no score, as
// one the ledger does not name.
type Ledger struct {
	Persons map[b2b.PersonID]*PersonState `json:"persons,omitempty"`
}

// State returns the state of a person, nil when the person has none.
func (l *Ledger) State(id b2b.PersonID) *PersonState { return l.Persons[id] }

// A Batch is a set of activities for one account, with the account and its
// known persons.
type Batch struct {
	Account    *b2b.Account // nil: conditions see an empty account
	Persons    map[b2b.PersonID]*b2b.Person
	Activities []b2b.Activity
}

// Report accounts for every activity of a batch: each is in exactly one of
// the counts or lists, so Total() equals the batch size.
type Report struct {
	Credited   int // counted by at least one rule
	Unmatched  int // known type, no rule counted it
	Capped     int // a matching rule's cap period was full
	Duplicates int // already counted
	// UnknownTypes counts activities by a type that is neither standard,
	// mapped, nor named by a rule. They are ignored.
	UnknownTypes map[string]int
	// UnknownPersons are activities whose person is not among the batch's
	// persons, returned untouched so that the caller can hold them until
	// identity resolution knows the person, then ingest them again.
	UnknownPersons []b2b.Activity
	// Refused are activities refused with a reason (*ActivityError: too
	// late, in the future, invalid).
	Refused []Refusal
	// RuleErrors are conditions that failed at run time (counted as false;
	// the activity is still in one of the counts above).
	RuleErrors []Refusal
}

// A Refusal is an activity with the error that refused it.
type Refusal struct {
	Activity b2b.Activity
	Err      error
}

// Total returns the number of activities the report accounts for.
func (r *Report) Total() int {
	n := r.Credited + r.Unmatched + r.Capped + r.Duplicates + len(r.UnknownPersons) + len(r.Refused)
	for _, c := range r.UnknownTypes {
		n += c
	}
	return n
}

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d credited, %d unmatched, %d capped, %s", count(r.Total(), "activity", "activities"), r.Credited, r.Unmatched, r.Capped, count(r.Duplicates, "duplicate", "duplicates"))
	if len(r.UnknownTypes) > 0 {
		b.WriteString(", unknown types")
		for _, t := range slices.Sorted(maps.Keys(r.UnknownTypes)) {
			fmt.Fprintf(&b, " %s x%d", t, r.UnknownTypes[t])
		}
	}
	if len(r.UnknownPersons) > 0 {
		fmt.Fprintf(&b, ", %d for unknown persons (returned)", len(r.UnknownPersons))
	}
	for _, f := range r.Refused {
		fmt.Fprintf(&b, "\n  refused %v", f.Err)
	}
	for _, f := range r.RuleErrors {
		fmt.Fprintf(&b, "\n  rule error on %q: %v", f.Activity.ID, f.Err)
	}
	return b.String()
}

// Ingest applies a batch to the ledger at time now and reports what became
// of each activity (see [Scorer.Apply]). An activity's Account, when set,
// is not checked against the batch's account: routing activities to
// accounts is the caller's job. Ingest uses a fresh [Applier]; a host that
// ingests batch after batch keeps one and calls [Applier.Ingest].
func (s *Scorer) Ingest(l *Ledger, b Batch, now time.Time) Report {
	return s.NewApplier().Ingest(l, b, now)
}

// Ingest applies a batch to the ledger at time now, person by person (see
// [Applier.ApplyIndexed]), and reports what became of each activity. The ledger and the report are
// exactly those of applying the activities one by one in batch order;
// lists in the report are in batch order.
func (ap *Applier) Ingest(l *Ledger, b Batch, now time.Time) Report {
	var r Report
	if l.Persons == nil {
		l.Persons = map[b2b.PersonID]*PersonState{}
	}
	// Index the batch's persons in order of first appearance; -1 for an
	// unknown person, whose activities are returned.
	who := make([]int32, len(b.Activities))
	index := map[b2b.PersonID]int32{}
	var ids []b2b.PersonID
	var people []*b2b.Person
	for i := range b.Activities {
		a := &b.Activities[i]
		g, seen := index[a.Person]
		if !seen {
			g = -1
			if p := b.Persons[a.Person]; p != nil {
				g = int32(len(ids))
				ids = append(ids, a.Person)
				people = append(people, p)
			}
			index[a.Person] = g
		}
		who[i] = g
		if g < 0 {
			r.UnknownPersons = append(r.UnknownPersons, *a)
		}
	}
	states := make([]*PersonState, len(ids))
	target := func(g int32) (*PersonState, *b2b.Person, *b2b.Account) {
		st := l.Persons[ids[g]]
		if st == nil {
			st = &PersonState{}
		}
		states[g] = st
		return st, people[g], b.Account
	}
	type refusal struct {
		at int32
		Refusal
	}
	var refused, ruleErrs []refusal
	each := func(i int, out Outcome, err error) {
		at := int32(i)
		a := &b.Activities[i]
		if err != nil {
			refused = append(refused, refusal{at, Refusal{Activity: *a, Err: err}})
			return
		}
		for _, e := range out.RuleErrors {
			ruleErrs = append(ruleErrs, refusal{at, Refusal{Activity: *a, Err: e}})
		}
		switch out.Status {
		case Credited:
			r.Credited++
		case Unmatched:
			r.Unmatched++
		case Capped:
			r.Capped++
		case Duplicate:
			r.Duplicates++
		case UnknownType:
			if r.UnknownTypes == nil {
				r.UnknownTypes = map[string]int{}
			}
			r.UnknownTypes[a.Type]++
		}
	}
	// The indexes are in range by construction.
	_ = ap.ApplyIndexed(b.Activities, who, len(ids), target, now, each)
	for g, st := range states {
		// A person the ledger does not name, or names with no state (a
		// nil entry), gets the state made for them.
		if l.Persons[ids[g]] == nil && (len(st.Credits) > 0 || len(st.Past) > 0) {
			l.Persons[ids[g]] = st
		}
	}
	byBatchOrder := func(x, y refusal) int { return cmp.Compare(x.at, y.at) }
	slices.SortStableFunc(refused, byBatchOrder)
	slices.SortStableFunc(ruleErrs, byBatchOrder)
	for _, f := range refused {
		r.Refused = append(r.Refused, f.Refusal)
	}
	for _, f := range ruleErrs {
		r.RuleErrors = append(r.RuleErrors, f.Refusal)
	}
	return r
}

// Score returns a person's score at t (0 for a person with no state).
func (s *Scorer) Score(l *Ledger, id b2b.PersonID, t time.Time) (float64, error) {
	st := l.Persons[id]
	if st == nil {
		return 0, nil
	}
	return s.ScoreAt(st, t)
}
