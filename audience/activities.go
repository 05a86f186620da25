package audience

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/internal/unixnano"
)

// Activities is a compact, read-only index of one account's activities,
// built for the aggregates that audience rules ask for (how many activities
// of a type in the last N days, for the account or for one of its persons).
// It keeps, per activity, only its type, its time and which of the account's
// persons did it: 12 bytes per activity, sorted by type and time, so an
// aggregate costs two binary searches. Times are kept to the nanosecond;
// the few activities of a time before 1678 or after 2262, which an int64
// of nanoseconds cannot hold, are kept apart and checked one by one.
//
// Build it with [NewActivities]. It is safe for concurrent use.
type Activities struct {
	types  []string // distinct activity types, sorted
	start  []int32  // activities of types[i] are at [start[i], start[i+1])
	at     []int64  // unix nanoseconds, ascending within a type
	person []int32  // index into the account's persons, -1 when the person is not one of them
	// far holds the activities whose time Unix nanoseconds cannot count
	// (before 1678 or after 2262, see unixNano), with their time as it is:
	// they are counted apart, one by one (there are none in practice).
	far []farActivity
}

// A farActivity is an activity of [Activities.far].
type farActivity struct {
	typ    string
	at     time.Time
	person int32
}

// NewActivities indexes acts for an account whose persons are persons (the
// same slice, in the same order, as [AccountData.Persons]). An activity whose
// person is not among persons still counts for the account's aggregates, and
// for no person's. An activity ID that appears twice counts once (the later
// copy is ignored). Invalid activities (no ID, an invalid type, no person, no
// time) are refused: the error lists every one with its index, and nothing
// is indexed.
func NewActivities(persons []b2b.Person, acts []b2b.Activity) (*Activities, error) {
	var ps b2b.Problems
	for i := range acts {
		a := &acts[i]
		if strings.TrimSpace(string(a.ID)) == "" {
			ps.Addf(fmt.Sprintf("[%d].id", i), "is required")
		}
		if !b2b.ValidActivityType(a.Type) {
			ps.Addf(fmt.Sprintf("[%d].type", i), "%q is not a valid activity type", a.Type)
		}
		if strings.TrimSpace(string(a.Person)) == "" {
			ps.Addf(fmt.Sprintf("[%d].personId", i), "is required")
		}
		if a.Time.IsZero() {
			ps.Addf(fmt.Sprintf("[%d].time", i), "is required")
		}
	}
	if err := ps.Err("activities"); err != nil {
		return nil, err
	}
	index := make(map[b2b.PersonID]int32, len(persons))
	for i := range persons {
		if _, dup := index[persons[i].ID]; !dup {
			index[persons[i].ID] = int32(i)
		}
	}
	type row struct {
		typ    string
		at     int64
		person int32
	}
	seen := make(map[b2b.ActivityID]struct{}, len(acts))
	rows := make([]row, 0, len(acts))
	var far []farActivity
	for i := range acts {
		a := &acts[i]
		if _, dup := seen[a.ID]; dup {
			continue
		}
		seen[a.ID] = struct{}{}
		p, ok := index[a.Person]
		if !ok {
			p = -1
		}
		at := unixnano.Of(a.Time)
		if at == math.MinInt64 || at == math.MaxInt64 {
			far = append(far, farActivity{typ: a.Type, at: a.Time, person: p})
			continue
		}
		rows = append(rows, row{typ: a.Type, at: at, person: p})
	}
	slices.SortFunc(rows, func(x, y row) int {
		if c := strings.Compare(x.typ, y.typ); c != 0 {
			return c
		}
		if c := cmpInt(x.at, y.at); c != 0 {
			return c
		}
		return cmpInt(x.person, y.person)
	})
	ix := &Activities{at: make([]int64, len(rows)), person: make([]int32, len(rows)), far: far}
	for i, r := range rows {
		if i == 0 || r.typ != rows[i-1].typ {
			ix.types = append(ix.types, r.typ)
			ix.start = append(ix.start, int32(i))
		}
		ix.at[i], ix.person[i] = r.at, r.person
	}
	ix.start = append(ix.start, int32(len(rows)))
	for _, f := range far { // a type that only far activities have: an empty range
		if i, found := slices.BinarySearch(ix.types, f.typ); !found {
			ix.types = slices.Insert(ix.types, i, f.typ)
			ix.start = slices.Insert(ix.start, i, ix.start[i])
		}
	}
	return ix, nil
}

func cmpInt[T int32 | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Len returns the number of activities indexed.
func (ix *Activities) Len() int {
	if ix == nil {
		return 0
	}
	return len(ix.at) + len(ix.far)
}

// Types returns the distinct activity types indexed, sorted.
func (ix *Activities) Types() []string {
	if ix == nil {
		return nil
	}
	return slices.Clone(ix.types)
}

// window returns the range of activities of type typ ("*" for every type is
// handled by the caller) with a time in (now-days, now].
func (ix *Activities) window(typeIdx int, from, to int64) (lo, hi int) {
	s, e := int(ix.start[typeIdx]), int(ix.start[typeIdx+1])
	times := ix.at[s:e]
	return s + firstAfter(times, from), s + firstAfter(times, to)
}

// firstAfter returns the index of the first of the ascending times that is
// after t.
func firstAfter(times []int64, t int64) int {
	if t == math.MaxInt64 {
		return len(times)
	}
	i, _ := slices.BinarySearch(times, t+1)
	return i
}

func (ix *Activities) typeIndex(typ string) (int, bool) {
	return slices.BinarySearch(ix.types, typ)
}

// Count returns how many activities of type typ (or of any type when typ is
// "*") happened in the days before now: in (now - days*24h, now].
// Activities after now are not counted, nor any when days is not positive.
func (ix *Activities) Count(typ string, days float64, now time.Time) int {
	if ix == nil || !(days > 0) {
		return 0
	}
	from, to := windowBounds(days, now)
	n := 0
	ix.eachType(typ, func(t int) {
		lo, hi := ix.window(t, from, to)
		n += hi - lo
	})
	ix.eachFar(typ, days, now, func(f *farActivity) { n++ })
	return n
}

// CountByPerson adds, for each activity of type typ (or any type for "*")
// in (now - days*24h, now], one to counts[p] where p is the index of the
// person who did it; counts must have one entry per person of the account.
// A window of no days (days not positive) adds nothing.
func (ix *Activities) CountByPerson(typ string, days float64, now time.Time, counts []int) {
	if ix == nil || !(days > 0) {
		return
	}
	from, to := windowBounds(days, now)
	ix.eachType(typ, func(t int) {
		lo, hi := ix.window(t, from, to)
		for _, p := range ix.person[lo:hi] {
			if p >= 0 && int(p) < len(counts) {
				counts[p]++
			}
		}
	})
	ix.eachFar(typ, days, now, func(f *farActivity) {
		if p := f.person; p >= 0 && int(p) < len(counts) {
			counts[p]++
		}
	})
}

func (ix *Activities) eachType(typ string, f func(t int)) {
	if typ == AnyActivity {
		for t := range ix.types {
			f(t)
		}
		return
	}
	if t, ok := ix.typeIndex(typ); ok {
		f(t)
	}
}

// Last returns the time of the latest activity of type typ (any type for
// "*") at or before now, and false when there is none.
func (ix *Activities) Last(typ string, now time.Time) (time.Time, bool) {
	if ix == nil {
		return time.Time{}, false
	}
	to := unixnano.Of(now)
	best, found := int64(0), false
	ix.eachType(typ, func(t int) {
		s, e := int(ix.start[t]), int(ix.start[t+1])
		hi := firstAfter(ix.at[s:e], to)
		if hi > 0 && (!found || ix.at[s+hi-1] > best) {
			best, found = ix.at[s+hi-1], true
		}
	})
	var last time.Time
	if found {
		last = time.Unix(0, best).UTC()
	}
	for i := range ix.far {
		f := &ix.far[i]
		if (typ == AnyActivity || f.typ == typ) && !f.at.After(now) && (!found || f.at.After(last)) {
			last, found = f.at.UTC(), true
		}
	}
	return last, found
}

// windowBounds returns the window (now - days*24h, now] in Unix
// nanoseconds, as unixNano gives them.
func windowBounds(days float64, now time.Time) (from, to int64) {
	return unixnano.Of(now.Add(-span(days))), unixnano.Of(now)
}

// span is days as a duration; a window longer than a duration can hold
// (about 292 years) is the longest one.
func span(days float64) time.Duration {
	if d := days * float64(24*time.Hour); d < float64(math.MaxInt64) {
		return time.Duration(d)
	}
	return math.MaxInt64
}

// eachFar calls f for each of ix.far of type typ (any type for "*") in
// (now - days*24h, now].
func (ix *Activities) eachFar(typ string, days float64, now time.Time, f func(*farActivity)) {
	if len(ix.far) == 0 {
		return
	}
	from := now.Add(-span(days))
	for i := range ix.far {
		a := &ix.far[i]
		if (typ == AnyActivity || a.typ == typ) && a.at.After(from) && !a.at.After(now) {
			f(a)
		}
	}
}

// AnyActivity, given as the activity type of an aggregate, counts
// activities of every type: activityCount("*", 7).
const AnyActivity = "*"
