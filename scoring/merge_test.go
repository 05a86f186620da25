package scoring

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestMergeIsOnePersonsState: the merge of two persons' states scores as
// the state of one person who did what both did (their activities ingested
// as one person's at the same times): the same credits, caps applied to
// both persons' activities together, an activity both were credited for
// counted once, and, once the horizon has folded credits, the same score
// to within rounding. (With caps, a period that each state folded before
// the merge counts both persons' credits of it: that case runs without
// caps, and without an activity credited to both persons, which each
// state may have folded.)
func TestMergeIsOnePersonsState(t *testing.T) {
	t.Parallel()
	persons := map[b2b.PersonID]*b2b.Person{"ann": {ID: "ann", Seniority: b2b.SeniorityVP}, "bob": {ID: "bob", Seniority: b2b.SeniorityVP}}
	for _, tc := range []struct {
		name    string
		horizon time.Duration
		span    time.Duration
		uncap   bool
		shared  int
	}{
		{name: "within the horizon", horizon: 60 * 24 * time.Hour, span: 40 * 24 * time.Hour, shared: 5},
		{name: "credits folded", horizon: 5 * 24 * time.Hour, span: 40 * 24 * time.Hour, uncap: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testModel()
			if tc.uncap {
				for i := range m.Rules {
					m.Rules[i].Cap = Cap{}
				}
			}
			s, err := New(m, Config{Horizon: tc.horizon})
			require.NoError(t, err)
			for seed := range uint64(20) {
				rng := rand.New(rand.NewPCG(seed, 7))
				acts := randomStream(rng, 200, tc.span)
				for i := range acts {
					// By the activity's key: a delivery twice is one person's.
					acts[i].Person = [2]b2b.PersonID{"ann", "bob"}[ActivityKey(acts[i].ID)%2]
				}
				// A few activities credited to both (one delivered under
				// each of the person's two records).
				for i := range tc.shared {
					a := acts[i]
					a.Person = map[b2b.PersonID]b2b.PersonID{"ann": "bob", "bob": "ann"}[a.Person]
					acts = append(acts, a)
				}
				// Ingested day by day, as they come.
				two, one := Ledger{}, Ledger{}
				for day := 0; day <= int(tc.span/(24*time.Hour)); day++ {
					now := t0.Add(time.Duration(day+1) * 24 * time.Hour)
					var batch, asOne []b2b.Activity
					for _, a := range acts {
						if !a.Time.Before(now.Add(-24*time.Hour)) && a.Time.Before(now) {
							batch = append(batch, a)
							a.Person = "ann"
							asOne = append(asOne, a)
						}
					}
					s.Ingest(&two, Batch{Account: testAccount, Persons: persons, Activities: batch}, now)
					s.Ingest(&one, Batch{Account: testAccount, Persons: persons, Activities: asOne}, now)
				}
				merged := s.Merge(two.State("ann"), two.State("bob"))
				want := one.State("ann")
				require.Equal(t, want.Floor, merged.Floor, "seed %d", seed)
				if diff := gocmp.Diff(want.Credits, merged.Credits); diff != "" {
					t.Fatalf("seed %d: credits (-one person +merged):\n%s", seed, diff)
				}
				at := t0.Add(tc.span + 48*time.Hour)
				w, err := s.ScoreAt(want, at)
				require.NoError(t, err)
				got, err := s.ScoreAt(&merged, at)
				require.NoError(t, err)
				require.InDelta(t, w, got, 1e-9*math.Max(1, math.Abs(w)), "seed %d", seed)
			}
		})
	}
}

// TestMergeLeavesItsInputs: Merge copies; nil stands for a person with no
// state.
func TestMergeLeavesItsInputs(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	l := Ledger{}
	s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{
		{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "ann", Time: t0},
		{ID: "b1", Type: b2b.ActivityAttendEvent, Person: "bob", Time: t0.Add(time.Hour)},
	}}, t0.Add(2*time.Hour))
	ann, bob := l.State("ann").clone(), l.State("bob").clone()
	m := s.Merge(l.State("ann"), l.State("bob"))
	require.Len(t, m.Credits, 2)
	m.Credits[0].Points = 99
	require.Equal(t, ann, *l.State("ann"))
	require.Equal(t, bob, *l.State("bob"))

	require.Equal(t, PersonState{}, s.Merge(nil, nil))
	only := s.Merge(nil, l.State("bob"))
	require.Equal(t, bob, only)
	only.Credits[0].Points = 99
	require.Equal(t, bob, *l.State("bob"))
	require.Equal(t, ann, s.Merge(l.State("ann"), nil))
}

// TestMergeOfAStaleState: a person whose state has not been ingested
// into for a long time (its floor far behind) merges with one whose past
// is recent. The stale credits fold into a past value dated later than
// them: with a short half-life, thousands of half-lives apart, the merged
// score is still the sum of the two, not infinite or NaN.
func TestMergeOfAStaleState(t *testing.T) {
	t.Parallel()
	m := Model{Name: "fast", HalfLife: time.Hour, Rules: []Rule{
		{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
	}}
	s, err := New(m, Config{Horizon: 5 * 24 * time.Hour})
	require.NoError(t, err)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	form := func(id b2b.ActivityID, p b2b.PersonID, at time.Time) b2b.Activity {
		return b2b.Activity{ID: id, Type: b2b.ActivityFillOutForm, Person: p, Time: at}
	}
	l := Ledger{}
	for _, b := range []struct {
		act b2b.Activity
		now time.Time
	}{
		{form("b1", "bob", day(10)), day(10)},
		{form("a1", "ann", day(100)), day(100)},
		{form("a2", "ann", day(110)), day(110)},
	} {
		r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{b.act}}, b.now)
		require.Equal(t, 1, r.Credited, "%s", r.String())
	}
	ann, bob := l.State("ann"), l.State("bob")
	require.NotEmpty(t, ann.Past, "ann's first credit is folded")
	merged := s.Merge(ann, bob)
	at := day(110).Add(2 * time.Hour)
	want, err := s.ScoreAt(ann, at)
	require.NoError(t, err)
	got, err := s.ScoreAt(&merged, at)
	require.NoError(t, err)
	require.InDelta(t, want, got, 1e-9, "bob's score at day 110 is 10 points after 2400 half-lives: nothing")
	for _, p := range merged.Past {
		require.False(t, math.IsInf(p.Value, 0) || math.IsNaN(p.Value), "past value of rule %d: %v", p.Rule, p.Value)
	}
}

// An activity delivered to both persons at different times (a source that
// stamped it again when it sent it to the second record) is one activity:
// the merge counts it once, at the earlier time, as one person's state
// holds an activity at the time it was first delivered with. Its other
// rules' credits at the later time go too: an activity has one time.
func TestMergeCountsAnActivityOnceWhateverItsTimes(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	now := t0.Add(10 * 24 * time.Hour)
	act := func(id b2b.ActivityID, typ string, at time.Time, attrs map[string]any) b2b.Activity {
		return b2b.Activity{ID: id, Type: typ, Person: "ann", Time: at, Attributes: attrs}
	}
	demo := map[string]any{"form": "Demo Request"}
	for _, tc := range []struct {
		name   string
		a, b   []b2b.Activity
		credit []Credit // the merged credits, both orders
	}{
		{
			name: "same rule, two times, another activity between",
			a:    []b2b.Activity{act("x", b2b.ActivityFillOutForm, now.Add(-3*time.Hour), nil)},
			b:    []b2b.Activity{act("y", b2b.ActivityFillOutForm, now.Add(-2*time.Hour), nil), act("x", b2b.ActivityFillOutForm, now.Add(-time.Hour), nil)},
			credit: []Credit{
				{Key: ActivityKey("x"), At: unixNano(now.Add(-3 * time.Hour)), Points: 10, Rule: 2, RuleKey: RuleKey("form")},
				{Key: ActivityKey("y"), At: unixNano(now.Add(-2 * time.Hour)), Points: 10, Rule: 2, RuleKey: RuleKey("form")},
			},
		},
		{
			name: "the later copy met one more rule",
			a:    []b2b.Activity{act("x", b2b.ActivityFillOutForm, now.Add(-2*time.Hour), nil)},
			b:    []b2b.Activity{act("x", b2b.ActivityFillOutForm, now.Add(-time.Hour), demo)},
			credit: []Credit{
				{Key: ActivityKey("x"), At: unixNano(now.Add(-2 * time.Hour)), Points: 10, Rule: 2, RuleKey: RuleKey("form")},
			},
		},
		{
			name: "same time: once",
			a:    []b2b.Activity{act("x", b2b.ActivityFillOutForm, now.Add(-time.Hour), demo)},
			b:    []b2b.Activity{act("x", b2b.ActivityFillOutForm, now.Add(-time.Hour), demo)},
			credit: []Credit{
				{Key: ActivityKey("x"), At: unixNano(now.Add(-time.Hour)), Points: 10, Rule: 2, RuleKey: RuleKey("form")},
				{Key: ActivityKey("x"), At: unixNano(now.Add(-time.Hour)), Points: 40, Rule: 3, RuleKey: RuleKey("demo")},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a, b PersonState
			for _, x := range tc.a {
				_, err := s.Apply(&a, &x, testPersons["ann"], testAccount, now)
				require.NoError(t, err)
			}
			for _, x := range tc.b {
				_, err := s.Apply(&b, &x, testPersons["ann"], testAccount, now)
				require.NoError(t, err)
			}
			for _, m := range []PersonState{s.Merge(&a, &b), s.Merge(&b, &a)} {
				require.Empty(t, gocmp.Diff(tc.credit, m.Credits))
			}
		})
	}
}

// TestMergeOfAStateWithItself: a state merged with itself (one pointer
// given twice) is one person's already: the merge is that state, its
// folded past counted once, not twice.
func TestMergeOfAStateWithItself(t *testing.T) {
	t.Parallel()
	m := Model{Name: "fast", HalfLife: 24 * time.Hour, Rules: []Rule{
		{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
	}}
	s, err := New(m, Config{Horizon: 5 * 24 * time.Hour})
	require.NoError(t, err)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	l := Ledger{}
	for i, d := range []int{1, 8, 9} {
		r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{
			{ID: b2b.ActivityID(rune('a' + i)), Type: b2b.ActivityFillOutForm, Person: "ann", Time: day(d)},
		}}, day(d))
		require.Equal(t, 1, r.Credited, "%s", r.String())
	}
	ann := l.State("ann")
	require.NotEmpty(t, ann.Past, "the first credit is folded")
	require.NotEmpty(t, ann.Credits)
	before := ann.clone()
	merged := s.Merge(ann, ann)
	require.Empty(t, gocmp.Diff(before, merged))
	require.Empty(t, gocmp.Diff(before, *ann), "Merge leaves its input")
	at := day(9).Add(time.Hour)
	want, err := s.ScoreAt(ann, at)
	require.NoError(t, err)
	got, err := s.ScoreAt(&merged, at)
	require.NoError(t, err)
	require.InDelta(t, want, got, 1e-9)
}
