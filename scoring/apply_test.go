package scoring

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// applyModel is testModel plus conditions of every kind the Applier tells
// apart, one that fails at run time, and one per person and account.
func applyModel() Model {
	m := testModel()
	m.Rules = append(m.Rules,
		Rule{Name: "webinar click", Types: []string{b2b.ActivityOpenEmail}, Points: 2,
			When: `attr(activity.attributes, "form", "") in ["Demo Request", "Contact"]`},
		Rule{Name: "large account", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, When: `account.employees >= 1000`},
		Rule{Name: "typed", Types: []string{b2b.ActivityAttendEvent}, Points: 3, When: `activity.type == "attend_event"`},
		Rule{Name: "failing", Types: []string{b2b.ActivityFillOutForm}, Points: 7, When: `len(0..1000000) > 0`},
		Rule{Name: "recent", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, When: `daysSince(activity.time) < 1`},
	)
	return m
}

// outcomeText is an outcome, or the error, as comparable text.
func outcomeText(o Outcome, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%s %+g %v", o.Status, o.Points, o.RuleErrors)
}

// TestApplierMatchesApply: ApplyPerson, ApplyIndexed and Applier.Ingest
// give, activity by activity, the outcomes of Scorer.Apply called on each
// activity in batch order, and the same states bit for bit, over several
// batches (so the Applier's remembered condition results are reused), with
// refused activities among them.
func TestApplierMatchesApply(t *testing.T) {
	t.Parallel()
	s, err := New(applyModel(), Config{Horizon: 5 * 24 * time.Hour})
	require.NoError(t, err)
	persons := []b2b.PersonID{"ann", "bob", "cyd"}
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 5))
		acts := randomStream(rng, 300, 30*24*time.Hour)
		acts = append(acts, b2b.Activity{ID: "", Type: b2b.ActivityFillOutForm, Person: "ann", Time: t0},
			b2b.Activity{ID: "future", Type: b2b.ActivityFillOutForm, Person: "bob", Time: t0.Add(90 * 24 * time.Hour)})
		rng.Shuffle(len(acts), func(i, j int) { acts[i], acts[j] = acts[j], acts[i] })
		// Three batches, each ingested at a later time (old ones are refused).
		batches := [][]b2b.Activity{acts[:100], acts[100:250], acts[250:]}
		nows := []time.Time{t0.Add(12 * 24 * time.Hour), t0.Add(25 * 24 * time.Hour), t0.Add(31 * 24 * time.Hour)}

		oneByOne := map[b2b.PersonID]*PersonState{}
		byPerson := map[b2b.PersonID]*PersonState{}
		indexed := make([]PersonState, len(persons))
		var ledger Ledger
		ap1, ap2, ap3 := s.NewApplier(), s.NewApplier(), s.NewApplier()
		for _, id := range persons {
			oneByOne[id], byPerson[id] = &PersonState{}, &PersonState{}
		}
		for bi, batch := range batches {
			now := nows[bi]
			want := make([]string, len(batch))
			for i := range batch {
				a := &batch[i]
				want[i] = outcomeText(s.Apply(oneByOne[a.Person], a, testPersons[a.Person], testAccount, now))
			}

			got := make([]string, len(batch))
			for _, id := range persons {
				var mine []*b2b.Activity
				var at []int
				for i := range batch {
					if batch[i].Person == id {
						mine = append(mine, &batch[i])
						at = append(at, i)
					}
				}
				ap1.ApplyPerson(byPerson[id], mine, testPersons[id], testAccount, now, func(k int, o Outcome, err error) {
					got[at[k]] = outcomeText(o, err)
				})
			}
			require.Equal(t, want, got, "ApplyPerson, seed %d batch %d", seed, bi)

			who := make([]int32, len(batch))
			for i := range batch {
				who[i] = int32(slices.Index(persons, batch[i].Person))
			}
			got = make([]string, len(batch))
			var order []int
			err := ap2.ApplyIndexed(batch, who, len(persons), func(p int32) (*PersonState, *b2b.Person, *b2b.Account) {
				return &indexed[p], testPersons[persons[p]], testAccount
			}, now, func(i int, o Outcome, err error) {
				got[i] = outcomeText(o, err)
				order = append(order, int(who[i]))
			})
			require.NoError(t, err)
			require.Equal(t, want, got, "ApplyIndexed, seed %d batch %d", seed, bi)
			require.True(t, slices.IsSorted(order), "outcomes come person by person")

			ap3.Ingest(&ledger, Batch{Account: testAccount, Persons: testPersons, Activities: batch}, now)
		}
		for p, id := range persons {
			require.Empty(t, gocmp.Diff(oneByOne[id], byPerson[id]), "ApplyPerson state of %s (-want +got)", id)
			require.Empty(t, gocmp.Diff(oneByOne[id], &indexed[p]), "ApplyIndexed state of %s (-want +got)", id)
			if st := ledger.State(id); st != nil {
				require.Empty(t, gocmp.Diff(oneByOne[id], st), "Ingest state of %s (-want +got)", id)
			} else {
				require.Empty(t, oneByOne[id].Credits)
				require.Empty(t, oneByOne[id].Past)
			}
		}
	}
}

// TestIngestReportMatchesOneByOne: a batch ingested at once (grouped by
// person) reports what the activities applied one by one in batch order
// report, lists in batch order.
func TestIngestReportMatchesOneByOne(t *testing.T) {
	t.Parallel()
	s, err := New(applyModel(), Config{})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(11, 3))
	acts := randomStream(rng, 200, 20*24*time.Hour)
	acts = append(acts, b2b.Activity{ID: "x", Type: b2b.ActivityFillOutForm, Person: "zed", Time: t0},
		b2b.Activity{ID: "", Type: b2b.ActivityFillOutForm, Person: "cyd", Time: t0})
	rng.Shuffle(len(acts), func(i, j int) { acts[i], acts[j] = acts[j], acts[i] })
	now := t0.Add(20 * 24 * time.Hour)

	var one Ledger
	want := Report{UnknownTypes: map[string]int{}}
	for _, a := range acts {
		r := s.Ingest(&one, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{a}}, now)
		want.Credited += r.Credited
		want.Unmatched += r.Unmatched
		want.Capped += r.Capped
		want.Duplicates += r.Duplicates
		for k, v := range r.UnknownTypes {
			want.UnknownTypes[k] += v
		}
		want.UnknownPersons = append(want.UnknownPersons, r.UnknownPersons...)
		want.Refused = append(want.Refused, r.Refused...)
		want.RuleErrors = append(want.RuleErrors, r.RuleErrors...)
	}
	var all Ledger
	got := s.Ingest(&all, Batch{Account: testAccount, Persons: testPersons, Activities: acts}, now)
	require.Equal(t, len(acts), got.Total())
	require.NotEmpty(t, got.RuleErrors)
	require.Len(t, got.Refused, 1)
	require.Len(t, got.UnknownPersons, 1)
	require.Equal(t, want.String(), got.String())
	require.Equal(t, want.UnknownTypes, got.UnknownTypes)
	require.Equal(t, len(want.RuleErrors), len(got.RuleErrors))
	for i := range want.RuleErrors {
		require.Equal(t, want.RuleErrors[i].Activity.ID, got.RuleErrors[i].Activity.ID)
		require.Equal(t, want.RuleErrors[i].Err.Error(), got.RuleErrors[i].Err.Error())
	}
	require.Empty(t, gocmp.Diff(one, all), "(-one by one +at once)")
}

func TestApplyIndexedBadIndexes(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	acts := []b2b.Activity{
		{ID: "a", Type: b2b.ActivityFillOutForm, Person: "ann", Time: t0},
		{ID: "b", Type: b2b.ActivityFillOutForm, Person: "bob", Time: t0},
	}
	states := make([]PersonState, 2)
	target := func(p int32) (*PersonState, *b2b.Person, *b2b.Account) {
		return &states[p], testPersons[acts[p].Person], nil
	}
	ap := s.NewApplier()
	require.EqualError(t, ap.ApplyIndexed(acts, []int32{0}, 2, target, t0, nil), "scoring: 1 person indexes for 2 activities")
	require.EqualError(t, ap.ApplyIndexed(acts, []int32{0, 2}, 2, target, t0, nil), `scoring: activity 1 ("b") has person index 2, not below 2`)
	require.Empty(t, states[0].Credits, "nothing is applied when an index is bad")
	for _, persons := range []int{-1, -5} {
		require.EqualError(t, ap.ApplyIndexed(acts, []int32{-1, -1}, persons, target, t0, nil), fmt.Sprintf("scoring: %d persons is negative", persons))
	}
	require.NoError(t, ap.ApplyIndexed(nil, nil, 0, target, t0, nil), "no activities of no persons")

	// A negative index leaves the activity out.
	var seen []int
	require.NoError(t, ap.ApplyIndexed(acts, []int32{-1, 1}, 2, target, t0, func(i int, o Outcome, err error) {
		require.NoError(t, err)
		require.Equal(t, Credited, o.Status)
		seen = append(seen, i)
	}))
	require.Equal(t, []int{1}, seen)
	require.Empty(t, states[0].Credits)
	require.Len(t, states[1].Credits, 1)

	// A nil person refuses that person's activities.
	err = ap.ApplyIndexed(acts[:1], []int32{0}, 1, func(int32) (*PersonState, *b2b.Person, *b2b.Account) {
		return &states[0], nil, nil
	}, t0, func(_ int, _ Outcome, err error) { require.ErrorIs(t, err, ErrUnknownPerson) })
	require.NoError(t, err)
}

// TestActivityKeys: the state remembers activities by key. A key collision
// (two IDs of one person with the same key, about n²/2^65 likely) makes the
// second a duplicate; equal times are ordered by key, whatever the order of
// arrival.
func TestActivityKeys(t *testing.T) {
	t.Parallel()
	require.Equal(t, uint64(0xcbf29ce484222325), ActivityKey(""), "FNV-1a offset basis")
	require.Equal(t, uint64(0xaf63dc4c8601ec8c), ActivityKey("a"), "FNV-1a test vector")

	m := Model{Name: "m", Rules: []Rule{{Name: "visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: Cap{Max: 1, Period: PeriodDay}}}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	now := t0.Add(time.Hour)

	// A state in which "a" was stored under the key of "b", as a collision
	// would: "b" is then taken for "a".
	st := PersonState{Credits: []Credit{{Key: ActivityKey("b"), At: t0.UnixNano(), Points: 1}}}
	out, err := s.Apply(&st, &b2b.Activity{ID: "b", Type: b2b.ActivityVisitWebPage, Time: t0.Add(time.Minute)}, testPersons["ann"], nil, now)
	require.NoError(t, err)
	require.Equal(t, Duplicate, out.Status)

	// Cap of one a day, two visits at the same time: the smaller key counts,
	// in either order of arrival.
	ids := []b2b.ActivityID{"v1", "v2"}
	winner := ids[0]
	if ActivityKey(ids[1]) < ActivityKey(ids[0]) {
		winner = ids[1]
	}
	for _, order := range [][]b2b.ActivityID{ids, {ids[1], ids[0]}} {
		var st PersonState
		for _, id := range order {
			_, err := s.Apply(&st, &b2b.Activity{ID: id, Type: b2b.ActivityVisitWebPage, Time: t0}, testPersons["ann"], nil, now)
			require.NoError(t, err)
		}
		require.Len(t, st.Credits, 1)
		require.Equal(t, ActivityKey(winner), st.Credits[0].Key, "order %v", order)
	}
}

func TestAnalyzeConditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want condInfo
	}{
		{`attr(activity.attributes, "form", "") == "Demo Request"`, condInfo{kind: condAttr, attr: "form"}},
		{`icontains(attr(activity.attributes, "url", ""), "/pricing") || attr(activity.attributes, "url", "x") == "/"`, condInfo{kind: condAttr, attr: "url"}},
		{`person.seniority in ["C-Level", "VP"] && account.employees >= 500`, condInfo{kind: condPerson}},
		{`account.employees >= 1000`, condInfo{kind: condPerson}},
		{`true`, condInfo{kind: condPerson}},
		// Two keys, or the attribute beside the person: evaluated each time.
		{`attr(activity.attributes, "a", "") == attr(activity.attributes, "b", "")`, condInfo{}},
		{`attr(activity.attributes, "form", "") == "x" && person.title == "y"`, condInfo{}},
		// Non-string default (numbers convert), non-constant key.
		{`attr(activity.attributes, "score", 0) > 3`, condInfo{}},
		{`attr(activity.attributes, person.title, "") == ""`, condInfo{}},
		// Other activity fields, direct indexing, now, time functions.
		{`activity.type == "attend_event"`, condInfo{}},
		{`activity.attributes["score"] > 3`, condInfo{}},
		{`daysSince(activity.time) < 1`, condInfo{}},
		{`daysSince(person.lastActivity) < 30`, condInfo{}},
		{`now.Year() > 2000`, condInfo{}},
		// Unknown names (host functions, variables) and unparsable source.
		{`hostFn(person.title)`, condInfo{}},
		{`let x = person.title; x == "a"`, condInfo{}},
		{`person.title ==`, condInfo{}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, analyze(tt.src), tt.src)
	}
}

// TestApplierRemembersConditions: conditions that read one attribute are
// evaluated once per value, person-level ones once per ApplyPerson call,
// with the same outcome as evaluating them every time.
func TestApplierRemembersConditions(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", Rules: []Rule{
		{Name: "demo", Types: []string{b2b.ActivityFillOutForm}, Points: 40, When: `attr(activity.attributes, "form", "") == "Demo Request"`},
		{Name: "senior", Types: []string{b2b.ActivityFillOutForm}, Points: 5, When: `person.seniority == "VP"`},
	}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	demo, senior := s.rules[0].cond, s.rules[1].cond
	var acts []*b2b.Activity
	for i := range 10 {
		form := []string{"Demo Request", "Contact"}[i%2]
		acts = append(acts, &b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("f", i)), Type: b2b.ActivityFillOutForm, Time: t0.Add(time.Duration(i) * time.Minute),
			Attributes: map[string]any{"form": form}})
	}
	acts = append(acts, &b2b.Activity{ID: "nf", Type: b2b.ActivityFillOutForm, Time: t0}) // no form: evaluated, counted missing
	ap := s.NewApplier()
	var st PersonState
	var points float64
	ap.ApplyPerson(&st, acts, testPersons["ann"], nil, t0.Add(time.Hour), func(_ int, o Outcome, err error) {
		require.NoError(t, err)
		points += o.Points
	})
	require.Equal(t, 5*40+11*5.0, points)
	require.Equal(t, uint64(1), demo.MissingAttributes(), "the missing form was evaluated")
	require.Equal(t, map[string]bool{"Demo Request": true, "Contact": false}, ap.amemo[0])
	require.Nil(t, ap.amemo[1])
	require.Equal(t, int8(2), ap.pmemo[1])
	require.Zero(t, senior.MissingAttributes())
}

// TestApplyIndexedManyPersons: with more persons than ApplyIndexed fetches
// at a time (some with no activities, some unknown, some activities left
// out), over the benchmark's model and stream (native, remembered and
// evaluated conditions, caps, duplicates), ApplyIndexed gives the outcomes
// and states of Scorer.Apply on each activity in batch order.
func TestApplyIndexedManyPersons(t *testing.T) {
	t.Parallel()
	const persons, batchSize = 150, 1000
	w := newBenchWorld(persons, 7, 3*batchSize)
	s, err := New(benchModel(), Config{})
	require.NoError(t, err)
	person := func(p int32) *b2b.Person {
		if p%11 == 5 {
			return nil // unknown: refused
		}
		return &w.persons[p]
	}
	want, got := make([]PersonState, persons), make([]PersonState, persons)
	ap := s.NewApplier()
	acts, who := make([]b2b.Activity, batchSize), make([]int32, batchSize)
	for from := 0; from < 3*batchSize; from += batchSize {
		w.chunk(from, acts, who)
		for i := range who {
			if who[i]%7 == 3 {
				who[i] = int32(persons - 1 - int(who[i])%5) // persons 145-149 only
			}
			if i%97 == 0 {
				who[i] = -1
			}
		}
		now := acts[len(acts)-1].Time.Add(time.Hour)
		wantOut := map[int]string{}
		for i := range acts {
			if p := who[i]; p >= 0 {
				wantOut[i] = outcomeText(s.Apply(&want[p], &acts[i], person(p), &w.accounts[w.personOf[p]], now))
			}
		}
		gotOut := map[int]string{}
		require.NoError(t, ap.ApplyIndexed(acts, who, persons, func(p int32) (*PersonState, *b2b.Person, *b2b.Account) {
			return &got[p], person(p), &w.accounts[w.personOf[p]]
		}, now, func(i int, o Outcome, err error) { gotOut[i] = outcomeText(o, err) }))
		require.Equal(t, wantOut, gotOut, "batch at %d", from)
	}
	credited := 0
	for p := range want {
		require.Empty(t, gocmp.Diff(want[p], got[p]), "state of person %d (-want +got)", p)
		credited += len(want[p].Credits)
	}
	require.Positive(t, credited)
}

// A ledger may name a person with no state (a nil entry: what a stored
// ledger decodes to for "persons": {"ann": null}); an ingest keeps what
// that person scores, as for a person the ledger does not name.
func TestIngestIntoNilEntry(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	now := t0.Add(time.Hour)
	acts := []b2b.Activity{{ID: "f1", Type: b2b.ActivityFillOutForm, Person: "ann", Time: t0}}
	for _, tc := range []struct {
		name   string
		ledger func() Ledger
	}{
		{"no entry", func() Ledger { return Ledger{} }},
		{"a nil entry", func() Ledger { return Ledger{Persons: map[b2b.PersonID]*PersonState{"ann": nil}} }},
		{"decoded from null", func() Ledger {
			var l Ledger
			require.NoError(t, json.Unmarshal([]byte(`{"persons":{"ann":null}}`), &l))
			return l
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.ledger()
			r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: acts}, now)
			require.Equal(t, 1, r.Credited)
			got, err := s.Score(&l, "ann", now)
			require.NoError(t, err)
			require.InDelta(t, 10*math.Exp2(-1.0/(7*24)), got, 1e-12)
		})
	}
}
