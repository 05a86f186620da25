package scoring

import (
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
// are created as persons score.
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
	fmt.Fprintf(&b, "%d activities: %d credited, %d unmatched, %d capped, %d duplicates", r.Total(), r.Credited, r.Unmatched, r.Capped, r.Duplicates)
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
// accounts is the caller's job.
func (s *Scorer) Ingest(l *Ledger, b Batch, now time.Time) Report {
	var r Report
	if l.Persons == nil {
		l.Persons = map[b2b.PersonID]*PersonState{}
	}
	for i := range b.Activities {
		a := &b.Activities[i]
		p := b.Persons[a.Person]
		if p == nil {
			r.UnknownPersons = append(r.UnknownPersons, *a)
			continue
		}
		st := l.Persons[a.Person]
		fresh := st == nil
		if fresh {
			st = &PersonState{}
		}
		out, err := s.Apply(st, a, p, b.Account, now)
		if err != nil {
			r.Refused = append(r.Refused, Refusal{Activity: *a, Err: err})
			continue
		}
		if fresh && (len(st.Credits) > 0 || len(st.Past) > 0) {
			l.Persons[a.Person] = st
		}
		for _, e := range out.RuleErrors {
			r.RuleErrors = append(r.RuleErrors, Refusal{Activity: *a, Err: e})
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
