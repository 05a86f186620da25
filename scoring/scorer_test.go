package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

var t0 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// testModel exercises every feature: conditions over the activity, the
// person and the account, two rules on one type, negative points, day and
// week caps, a type map.
func testModel() Model {
	return Model{
		Name:     "test",
		HalfLife: 7 * 24 * time.Hour,
		TypeMap:  map[string]string{"webinar_attended": b2b.ActivityAttendEvent},
		Rules: []Rule{
			{Name: "visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 2, Cap: Cap{Max: 3, Period: PeriodDay}},
			{Name: "pricing", Types: []string{b2b.ActivityVisitWebPage}, Points: 5, When: `attr(activity.attributes, "url", "") == "/pricing"`,
				Cap: Cap{Max: 2, Period: PeriodWeek}},
			{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
			{Name: "demo", Types: []string{b2b.ActivityFillOutForm}, Points: 40, When: `attr(activity.attributes, "form", "") == "Demo Request"`},
			{Name: "event", Types: []string{b2b.ActivityAttendEvent, b2b.ActivityRegisterForEvent}, Points: 15},
			{Name: "senior event", Types: []string{b2b.ActivityAttendEvent}, Points: 10, When: `person.seniority in ["C-Level", "VP"] && account.employees >= 500`},
			{Name: "unsubscribe", Types: []string{b2b.ActivityUnsubscribeEmail}, Points: -20},
			{Name: "open", Types: []string{b2b.ActivityOpenEmail}, Points: 1, Cap: Cap{Max: 2, Period: PeriodMonth}},
		},
	}
}

var testPersons = map[b2b.PersonID]*b2b.Person{
	"ann": {ID: "ann", Seniority: b2b.SeniorityVP},
	"bob": {ID: "bob", Seniority: b2b.SeniorityIndividual},
	"cyd": {ID: "cyd", Seniority: b2b.SeniorityCLevel},
}

var testAccount = &b2b.Account{ID: "acme", Employees: 2000}

// randomStream makes n activities over span for the test persons, of every
// type the model knows plus unmatched, mapped and unknown ones, with a share
// of duplicate deliveries.
func randomStream(rng *rand.Rand, n int, span time.Duration) []b2b.Activity {
	types := []string{b2b.ActivityVisitWebPage, b2b.ActivityVisitWebPage, b2b.ActivityVisitWebPage, b2b.ActivityFillOutForm,
		b2b.ActivityAttendEvent, b2b.ActivityRegisterForEvent, "webinar_attended", b2b.ActivityUnsubscribeEmail,
		b2b.ActivityOpenEmail, b2b.ActivitySendEmail, "custom_thing"}
	attrs := []map[string]any{nil, {"url": "/pricing"}, {"url": "/"}, {"form": "Demo Request"}, {"form": "Contact"}}
	ids := []b2b.PersonID{"ann", "bob", "cyd"}
	var out []b2b.Activity
	for i := range n {
		a := b2b.Activity{
			ID:         b2b.ActivityID(fmt.Sprintf("a%03d", i)),
			Type:       types[rng.IntN(len(types))],
			Person:     ids[rng.IntN(len(ids))],
			Time:       t0.Add(time.Duration(rng.Int64N(int64(span)))),
			Attributes: attrs[rng.IntN(len(attrs))],
		}
		out = append(out, a)
		if rng.IntN(5) == 0 {
			out = append(out, a) // delivered twice
		}
	}
	return out
}

// reference scores a stream the straightforward way, from scratch: every
// rule's type and condition checked on every distinct activity, caps kept as
// the earliest Max per period, and each counted activity decayed in closed
// form, points * 2^(-(at - t) / halfLife).
func reference(t *testing.T, m Model, acts []b2b.Activity, at time.Time) map[b2b.PersonID]float64 {
	t.Helper()
	conds := make([]*rules.Expr[Env, bool], len(m.Rules))
	for i, r := range m.Rules {
		if r.When != "" {
			x, err := rules.Compile[Env, bool](rules.New(), rules.Rule{Name: r.Name, Source: r.When})
			require.NoError(t, err)
			conds[i] = x
		}
	}
	seen := map[b2b.ActivityID]bool{}
	var uniq []b2b.Activity
	for _, a := range acts {
		if !seen[a.ID] {
			seen[a.ID] = true
			uniq = append(uniq, a)
		}
	}
	out := map[b2b.PersonID]float64{}
	for ri, r := range m.Rules {
		type cand struct {
			a      b2b.Activity
			bucket int64
		}
		var cands []cand
		for _, a := range uniq {
			typ := a.Type
			if to, ok := m.TypeMap[typ]; ok {
				typ = to
			}
			if !slices.Contains(r.Types, typ) {
				continue
			}
			if conds[ri] != nil {
				ac := a
				ac.Type = typ
				ok, err := conds[ri].Eval(&Env{Activity: &ac, Person: testPersons[a.Person], Account: testAccount, Now: a.Time})
				require.NoError(t, err)
				if !ok {
					continue
				}
			}
			var b int64
			if r.Cap.Max > 0 {
				b, _ = r.Cap.Period.bounds(a.Time.UnixNano())
			}
			cands = append(cands, cand{a, b})
		}
		slices.SortFunc(cands, func(x, y cand) int {
			return cmp.Or(cmp.Compare(x.a.Time.UnixNano(), y.a.Time.UnixNano()), cmp.Compare(ActivityKey(x.a.ID), ActivityKey(y.a.ID)))
		})
		counted := map[string]int{}
		for _, c := range cands {
			k := fmt.Sprint(c.a.Person, c.bucket)
			if r.Cap.Max > 0 && counted[k] >= r.Cap.Max {
				continue
			}
			counted[k]++
			if c.a.Time.After(at) {
				continue
			}
			f := 1.0
			if m.HalfLife > 0 {
				f = math.Exp2(-float64(at.Sub(c.a.Time)) / float64(m.HalfLife))
			}
			out[c.a.Person] += r.Points * f
		}
	}
	return out
}

func ingestAll(t *testing.T, s *Scorer, acts []b2b.Activity, now func(a b2b.Activity) time.Time) *Ledger {
	t.Helper()
	l := &Ledger{}
	for _, a := range acts {
		r := s.Ingest(l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{a}}, now(a))
		require.Empty(t, r.Refused)
		require.Empty(t, r.RuleErrors)
	}
	return l
}

func requireClose(t *testing.T, want, got map[b2b.PersonID]float64) {
	t.Helper()
	for _, id := range []b2b.PersonID{"ann", "bob", "cyd"} {
		require.InDelta(t, want[id], got[id], 1e-9*max(1, math.Abs(want[id])), "person %s: want %v, got %v", id, want[id], got[id])
	}
}

func scores(t *testing.T, s *Scorer, l *Ledger, at time.Time) map[b2b.PersonID]float64 {
	t.Helper()
	out := map[b2b.PersonID]float64{}
	for id := range testPersons {
		v, err := s.Score(l, id, at)
		require.NoError(t, err)
		out[id] = v
	}
	return out
}

// TestScoreMatchesClosedForm: the score equals the straightforward
// closed-form computation (reference), whatever the order of arrival, with
// duplicate deliveries, at several read times, both when everything is
// ingested at once and when ingested live (the state folding old credits as
// it goes).
func TestScoreMatchesClosedForm(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{Horizon: 3 * 24 * time.Hour})
	require.NoError(t, err)
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		acts := randomStream(rng, 120, 20*24*time.Hour)
		end := t0.Add(20 * 24 * time.Hour)

		sorted := slices.Clone(acts)
		slices.SortStableFunc(sorted, func(x, y b2b.Activity) int { return x.Time.Compare(y.Time) })
		live := ingestAll(t, s, sorted, func(a b2b.Activity) time.Time { return a.Time.Add(time.Minute) })

		wide, err := New(testModel(), Config{Horizon: 60 * 24 * time.Hour})
		require.NoError(t, err)
		shuffled := slices.Clone(acts)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		once := ingestAll(t, wide, shuffled, func(b2b.Activity) time.Time { return end })

		for _, at := range []time.Time{end, end.Add(5 * 24 * time.Hour), end.Add(90 * 24 * time.Hour)} {
			want := reference(t, testModel(), acts, at)
			requireClose(t, want, scores(t, s, live, at))
			requireClose(t, want, scores(t, wide, once, at))
		}
		// Within the wide horizon, earlier reads are exact too.
		mid := t0.Add(9 * 24 * time.Hour)
		requireClose(t, reference(t, testModel(), acts, mid), scores(t, wide, once, mid))
	}
}

// TestOrderAndDuplicatesGiveIdenticalState: the state (and so every score,
// bit for bit) is the same for the sorted stream, any shuffle, and the
// stream delivered twice.
func TestOrderAndDuplicatesGiveIdenticalState(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 7))
	acts := randomStream(rng, 200, 25*24*time.Hour)
	end := t0.Add(25 * 24 * time.Hour)
	at := func(b2b.Activity) time.Time { return end }

	sorted := slices.Clone(acts)
	slices.SortStableFunc(sorted, func(x, y b2b.Activity) int { return x.Time.Compare(y.Time) })
	want := ingestAll(t, s, sorted, at)
	for i := range 5 {
		shuffled := append(slices.Clone(acts), acts...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := ingestAll(t, s, shuffled, at)
		require.Empty(t, gocmp.Diff(want, got), "shuffle %d (-want +got)", i)
	}
}

// TestFoldingIsCanonical: a state fed live (folding as its floor advances)
// equals, bit for bit, a state fed everything at once and then compacted to
// the same floor.
func TestFoldingIsCanonical(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{Horizon: 2 * 24 * time.Hour})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 9))
	acts := randomStream(rng, 150, 30*24*time.Hour)
	slices.SortStableFunc(acts, func(x, y b2b.Activity) int { return x.Time.Compare(y.Time) })
	end := t0.Add(31 * 24 * time.Hour)

	live := ingestAll(t, s, acts, func(a b2b.Activity) time.Time { return a.Time.Add(time.Hour) })
	wide, err := New(testModel(), Config{Horizon: 40 * 24 * time.Hour})
	require.NoError(t, err)
	atOnce := ingestAll(t, wide, acts, func(b2b.Activity) time.Time { return end })
	for _, st := range live.Persons {
		s.Compact(st, end)
	}
	for _, st := range atOnce.Persons {
		s.Compact(st, end)
	}
	require.Empty(t, gocmp.Diff(live, atOnce))
}

func TestDecayExactness(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", HalfLife: 30 * 24 * time.Hour, Rules: []Rule{{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 100}}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	var st PersonState
	_, err = s.Apply(&st, &b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Time: t0}, testPersons["ann"], nil, t0)
	require.NoError(t, err)
	tests := []struct {
		after time.Duration
		want  float64
	}{
		{0, 100},
		{30 * 24 * time.Hour, 50},
		{60 * 24 * time.Hour, 25},
		{15 * 24 * time.Hour, 100 / math.Sqrt2},
		{365 * 24 * time.Hour, 100 * math.Exp2(-365.0/30)},
	}
	for _, tt := range tests {
		got, err := s.ScoreAt(&st, t0.Add(tt.after))
		require.NoError(t, err)
		require.InDelta(t, tt.want, got, 1e-9, "after %s", tt.after)
	}
	// Before the activity, it does not count.
	got, err := s.ScoreAt(&st, t0.Add(-time.Hour))
	require.NoError(t, err)
	require.Zero(t, got)
}

func TestCaps(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", Rules: []Rule{{Name: "visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: Cap{Max: 2, Period: PeriodDay}}}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	visit := func(id string, at time.Duration) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: b2b.ActivityVisitWebPage, Person: "ann", Time: t0.Add(at)}
	}
	now := t0.Add(3 * 24 * time.Hour)
	var st PersonState
	var statuses []Status
	for _, a := range []b2b.Activity{
		visit("v3", 15*time.Hour), visit("v2", 10*time.Hour), visit("v4", 20*time.Hour), // v4 is third that day: capped
		visit("v1", 1*time.Hour),                  // earlier: displaces v3
		visit("v5", 25*time.Hour),                 // next day
		visit("v1", 1*time.Hour),                  // duplicate
		visit("v0", 1*time.Hour),                  // same time as v1, earlier than v2: displaces v2
		visit("v6", 24*time.Hour-time.Nanosecond), // last nanosecond of day 1: capped
	} {
		out, err := s.Apply(&st, &a, testPersons["ann"], nil, now)
		require.NoError(t, err)
		statuses = append(statuses, out.Status)
	}
	require.Equal(t, []Status{Credited, Credited, Capped, Credited, Credited, Duplicate, Credited, Capped}, statuses)
	// Credits are sorted by time, then activity key: v0 and v1 share a time.
	want := []uint64{ActivityKey("v0"), ActivityKey("v1"), ActivityKey("v5")}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	var keys []uint64
	for _, c := range st.Credits {
		keys = append(keys, c.Key)
	}
	require.Equal(t, want, keys)
}

func TestCapPeriods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p          Period
		at         time.Time
		start, end time.Time
	}{
		{PeriodDay, time.Date(2025, 3, 5, 13, 0, 0, 0, time.UTC), time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC)},
		// 2025-03-05 is a Wednesday: the week starts Monday 3 March.
		{PeriodWeek, time.Date(2025, 3, 5, 13, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)},
		{PeriodWeek, time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)},
		{PeriodWeek, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)},
		{PeriodMonth, time.Date(2024, 2, 29, 23, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		// A period that ends after the last Unix nanosecond ends there,
		// rather than wrapping around to 1677.
		{PeriodDay, time.Date(2262, 4, 11, 12, 0, 0, 0, time.UTC), time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC), lastNano},
		{PeriodWeek, time.Date(2262, 4, 11, 12, 0, 0, 0, time.UTC), time.Date(2262, 4, 7, 0, 0, 0, 0, time.UTC), lastNano},
		{PeriodMonth, time.Date(2262, 4, 11, 12, 0, 0, 0, time.UTC), time.Date(2262, 4, 1, 0, 0, 0, 0, time.UTC), lastNano},
	}
	for _, tt := range tests {
		s, e := tt.p.bounds(tt.at.UnixNano())
		require.Equal(t, tt.start, time.Unix(0, s).UTC(), "%s %s", tt.p, tt.at)
		require.Equal(t, tt.end, time.Unix(0, e).UTC(), "%s %s", tt.p, tt.at)
	}
}

func TestVelocity(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", HalfLife: 14 * 24 * time.Hour, Rules: []Rule{{Name: "event", Types: []string{b2b.ActivityAttendEvent}, Points: 20}}}
	s, err := New(m, Config{Horizon: 30 * 24 * time.Hour})
	require.NoError(t, err)
	var st PersonState
	days := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }
	for i, d := range []float64{0, 1, 10, 12, 13} {
		a := b2b.Activity{ID: b2b.ActivityID(fmt.Sprint("e", i)), Type: b2b.ActivityAttendEvent, Time: days(d)}
		_, err := s.Apply(&st, &a, testPersons["ann"], nil, days(13))
		require.NoError(t, err)
	}
	closed := func(at float64) float64 {
		var sum float64
		for _, d := range []float64{0, 1, 10, 12, 13} {
			if d <= at {
				sum += 20 * math.Exp2(-(at-d)/14)
			}
		}
		return sum
	}
	v, err := s.Velocity(&st, days(14), 7*24*time.Hour)
	require.NoError(t, err)
	require.InDelta(t, closed(14)-closed(7), v.Change, 1e-9)
	require.InDelta(t, closed(7), v.Start, 1e-9)
	require.Equal(t, days(7), v.From)

	// Idle for 20 more days: the score decays, the velocity is negative.
	v, err = s.Velocity(&st, days(34), 14*24*time.Hour)
	require.NoError(t, err)
	require.Less(t, v.Change, 0.0)
	require.InDelta(t, closed(34)-closed(20), v.Change, 1e-9)
	require.Equal(t, "-27.5 over 14d (55.0 on 2025-03-21 -> 27.5 on 2025-04-04)", v.String())

	// A window reaching before the floor is refused.
	s.Compact(&st, days(60))
	_, err = s.Velocity(&st, days(60), 40*24*time.Hour)
	require.ErrorIs(t, err, ErrBeyondHorizon)
	_, err = s.Velocity(&st, days(60), 0)
	require.Error(t, err)
}

// Activity times that t.UnixNano() cannot represent (after 2262, before
// 1678) are refused as in the future or too late, not wrapped around into
// a time that is credited or refused for the wrong reason.
func TestTimesBeyondUnixNanoAreRefused(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	const forever = time.Duration(math.MaxInt64)
	tests := []struct {
		name      string
		tolerance time.Duration
		at        time.Time
		want      error // nil: credited
	}{
		{"now + 2^64 ns", 0, now.Add(forever).Add(forever).Add(2), ErrFuture},
		{"year 2300", 0, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), ErrFuture},
		{"year 9999", 0, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), ErrFuture},
		{"last UnixNano", 0, time.Unix(0, math.MaxInt64), ErrFuture},
		{"now - 2^64 ns", 0, now.Add(-forever).Add(-forever).Add(-2), ErrTooLate},
		{"year 1500", 0, time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), ErrTooLate},
		{"year 1", 0, time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), ErrTooLate},
		{"first UnixNano", 0, time.Unix(0, math.MinInt64), ErrTooLate},
		{"at the tolerance", 0, now.Add(5 * time.Minute), nil},
		{"past the tolerance", 0, now.Add(5*time.Minute + 1), ErrFuture},
		{"longest tolerance", forever, now.Add(time.Hour), nil},
		{"longest tolerance, year 9999", forever, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), ErrFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(DefaultModel(), Config{FutureTolerance: tt.tolerance})
			require.NoError(t, err)
			a := b2b.Activity{ID: "a1", Person: "ann", Type: b2b.ActivityRequestDemo, Time: tt.at}

			var st PersonState
			o, err := s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, now)
			var l Ledger
			r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{a}}, now)
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, Credited, o.Status)
				require.Equal(t, 1, r.Credited)
				return
			}
			require.ErrorIs(t, err, tt.want, "Apply at %v", tt.at)
			require.Len(t, r.Refused, 1)
			require.ErrorIs(t, r.Refused[0].Err, tt.want, "Ingest at %v", tt.at)
		})
	}
}

// lastNano is the last time Unix nanoseconds count to.
var lastNano = time.Unix(0, math.MaxInt64).UTC()

// Scores read after 2262, where t.UnixNano() wraps around, are exact: a
// time is not taken for one before the floor, and decay runs to the time
// asked for.
func TestReadsBeyondUnixNano(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	// closed is the exact score at t of 40 points at now under half-life h.
	closed := func(h time.Duration, t time.Time) float64 {
		if h == 0 {
			return 40
		}
		dt := float64(t.Unix()-now.Unix()) + float64(t.Nanosecond()-now.Nanosecond())/1e9
		return 40 * math.Exp2(-dt/h.Seconds())
	}
	for _, h := range []time.Duration{0, 30 * 24 * time.Hour, 100 * 365 * 24 * time.Hour} {
		t.Run(fmt.Sprint(h), func(t *testing.T) {
			m := Model{Name: "m", HalfLife: h, Rules: []Rule{{Name: "demo", Types: []string{b2b.ActivityRequestDemo}, Points: 40}}}
			s, err := New(m, Config{})
			require.NoError(t, err)
			var st PersonState
			a := b2b.Activity{ID: "a1", Person: "ann", Type: b2b.ActivityRequestDemo, Time: now}
			_, err = s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, now)
			require.NoError(t, err)
			for _, at := range []time.Time{lastNano, lastNano.Add(1), far, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)} {
				got, err := s.ScoreAt(&st, at)
				require.NoError(t, err, at)
				require.InEpsilon(t, closed(h, at)+1e-300, got+1e-300, 1e-9, at)
				x, err := s.Explain("ann", &st, at)
				require.NoError(t, err, at)
				require.Equal(t, got, x.Score)
				require.Len(t, x.Activities, 1)
				require.InEpsilon(t, got+1e-300, x.Activities[0].Value+1e-300, 1e-15)
			}
			v, err := s.Velocity(&st, far, 100*365*24*time.Hour)
			require.NoError(t, err)
			require.InEpsilon(t, closed(h, far)+1e-300, v.End+1e-300, 1e-9)
			require.InEpsilon(t, closed(h, far.Add(-100*365*24*time.Hour))+1e-300, v.Start+1e-300, 1e-9)

			// Compacting at that time folds every credit; the score there
			// does not change, and earlier times are before the floor.
			before, err := s.ScoreAt(&st, far)
			require.NoError(t, err)
			s.Compact(&st, far)
			require.Equal(t, int64(math.MaxInt64), st.Floor)
			require.Empty(t, st.Credits)
			after, err := s.ScoreAt(&st, far)
			require.NoError(t, err)
			require.Equal(t, before, after)
			_, err = s.ScoreAt(&st, now)
			require.ErrorIs(t, err, ErrBeyondHorizon)
		})
	}
}

// An ingest at a now that t.UnixNano() cannot represent moves the floor
// where it belongs, not to a wrapped-around time: after 2262 every
// activity a state can hold is too late, one it cannot hold is refused;
// before 1678 every activity it can hold is in the future, and the state
// is left as it was.
func TestNowBeyondUnixNano(t *testing.T) {
	t.Parallel()
	act := func(at time.Time) b2b.Activity {
		return b2b.Activity{ID: "a1", Person: "ann", Type: b2b.ActivityRequestDemo, Time: at}
	}
	farNow := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		now   time.Time
		at    time.Time
		want  error // nil: credited
		floor int64
	}{
		{"now 2300, activity 2025", farNow, time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), ErrTooLate, math.MaxInt64},
		{"now 2300, activity an hour before", farNow, farNow.Add(-time.Hour), ErrInvalidActivity, 0},
		{"now 2300, activity an hour after", farNow, farNow.Add(time.Hour), ErrFuture, 0},
		{"now 2300, activity at now", farNow, farNow, ErrInvalidActivity, 0},
		// A month after the last nanosecond: the floor, 30 days back, is
		// still a time of its own.
		{"now 2262-05-01, activity 2262-04-05", time.Date(2262, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2262, 4, 5, 0, 0, 0, 0, time.UTC),
			nil, time.Date(2262, 4, 1, 0, 0, 0, 0, time.UTC).UnixNano()},
		{"now 2262-05-01, activity 2262-03-31", time.Date(2262, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2262, 3, 31, 0, 0, 0, 0, time.UTC),
			ErrTooLate, time.Date(2262, 4, 1, 0, 0, 0, 0, time.UTC).UnixNano()},
		{"now 1600, activity 2025", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), ErrFuture, 0},
		{"now 1600, activity 1500", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), ErrInvalidActivity, 0},
		{"now 1600, activity 1960", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), ErrFuture, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(DefaultModel(), Config{})
			require.NoError(t, err)
			a := act(tt.at)
			var st PersonState
			o, err := s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, tt.now)
			var l Ledger
			r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: []b2b.Activity{a}}, tt.now)
			require.Equal(t, tt.floor, st.Floor, "Apply's floor")
			if lst := l.State("ann"); lst != nil { // Ingest keeps no state of a refused activity
				require.Equal(t, tt.floor, lst.Floor, "Ingest's floor")
			}
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, Credited, o.Status)
				require.Equal(t, 1, r.Credited)
				require.Equal(t, tt.at.UnixNano(), st.Credits[0].At)
				return
			}
			require.ErrorIs(t, err, tt.want, "Apply")
			require.Len(t, r.Refused, 1)
			require.ErrorIs(t, r.Refused[0].Err, tt.want, "Ingest")
			require.Empty(t, st.Credits)
		})
	}
	// A state that an ingest in 1600 left as it was still takes the
	// activity at its own time.
	s, err := New(DefaultModel(), Config{})
	require.NoError(t, err)
	var st PersonState
	a := act(time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC))
	_, err = s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, ErrFuture)
	o, err := s.Apply(&st, &a, &b2b.Person{ID: "ann"}, nil, a.Time.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, Credited, o.Status)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	s, err := New(testModel(), Config{Horizon: 2 * 24 * time.Hour, FutureTolerance: time.Minute})
	require.NoError(t, err)
	now := t0.Add(10 * 24 * time.Hour)
	acts := []b2b.Activity{
		{ID: "ok", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now.Add(-time.Hour)},
		{ID: "mapped", Type: "webinar_attended", Person: "cyd", Time: now.Add(-time.Hour)},
		{ID: "future", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now.Add(time.Hour)},
		{ID: "skew", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now.Add(30 * time.Second)},
		{ID: "late", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now.Add(-5 * 24 * time.Hour)},
		{ID: "", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now},
		{ID: "notime", Type: b2b.ActivityFillOutForm, Person: "ann"},
		{ID: "stranger", Type: b2b.ActivityFillOutForm, Person: "zed", Time: now},
		{ID: "custom", Type: "g2:intent_surge", Person: "ann", Time: now},
		{ID: "custom2", Type: "g2:intent_surge", Person: "bob", Time: now},
		{ID: "sent", Type: b2b.ActivitySendEmail, Person: "ann", Time: now},
		{ID: "ok", Type: b2b.ActivityFillOutForm, Person: "ann", Time: now.Add(-time.Hour)},
	}
	var l Ledger
	r := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: acts}, now)
	require.Equal(t, len(acts), r.Total())
	require.Equal(t, 3, r.Credited) // ok, mapped, skew
	require.Equal(t, 1, r.Duplicates)
	require.Equal(t, 1, r.Unmatched)
	require.Equal(t, map[string]int{"g2:intent_surge": 2}, r.UnknownTypes)
	require.Len(t, r.UnknownPersons, 1)
	require.Equal(t, b2b.ActivityID("stranger"), r.UnknownPersons[0].ID)
	var reasons []string
	for _, f := range r.Refused {
		reasons = append(reasons, f.Err.Error())
	}
	require.Equal(t, []string{
		`activity "future": activity is in the future: 2025-03-11T01:00:00Z is 1h0m0s after now 2025-03-11T00:00:00Z (tolerance 1m0s)`,
		`activity "late": activity is older than the scoring horizon: 2025-03-06T00:00:00Z is before the horizon floor 2025-03-09T00:00:00Z (horizon 48h0m0s)`,
		`activity "": invalid activity: an activity needs an ID and a time`,
		`activity "notime": invalid activity: an activity needs an ID and a time`,
	}, reasons)
	require.ErrorIs(t, r.Refused[0].Err, ErrFuture)
	require.ErrorIs(t, r.Refused[1].Err, ErrTooLate)
	var ae *ActivityError
	require.ErrorAs(t, r.Refused[2].Err, &ae)
	require.Equal(t, ErrInvalidActivity, ae.Err)

	// The mapped type scored as attend_event, and the senior condition saw
	// the mapped type and the person.
	cyd, err := s.Score(&l, "cyd", now)
	require.NoError(t, err)
	require.InDelta(t, 25*math.Exp2(-1.0/(7*24)), cyd, 1e-9)

	// Replaying the whole batch changes nothing.
	before := gocmp.Diff(&Ledger{}, &l)
	r2 := s.Ingest(&l, Batch{Account: testAccount, Persons: testPersons, Activities: acts}, now)
	require.Equal(t, before, gocmp.Diff(&Ledger{}, &l))
	require.Equal(t, 4, r2.Duplicates) // ok twice, mapped, skew
	require.Zero(t, r2.Credited)
	require.Contains(t, r.String(), "12 activities: 3 credited, 1 unmatched, 0 capped, 1 duplicate, unknown types g2:intent_surge x2, 1 for unknown persons (returned)")

	_, err = s.Apply(&PersonState{}, &acts[0], nil, nil, now)
	require.ErrorIs(t, err, ErrUnknownPerson)

	// A refusal leaves the state as it was, but for one as too late,
	// after which the floor is where now moves it.
	for _, tc := range []struct {
		a       b2b.Activity
		p       *b2b.Person
		want    error
		floored bool
	}{
		{acts[0], nil, ErrUnknownPerson, false},
		{acts[2], testPersons["ann"], ErrFuture, false},
		{acts[5], testPersons["ann"], ErrInvalidActivity, false},
		{acts[4], testPersons["ann"], ErrTooLate, true},
	} {
		st := PersonState{Floor: unixNano(t0)}
		_, err := s.Apply(&st, &tc.a, tc.p, nil, now)
		require.ErrorIs(t, err, tc.want)
		want := PersonState{Floor: unixNano(t0)}
		if tc.floored {
			want.Floor = unixNano(s.Floor(nil, now))
		}
		require.Equal(t, want, st, "%v", tc.want)
	}
}

func TestRuleErrorCountsAsFalse(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", Rules: []Rule{
		{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 1},
		{Name: "indexed", Types: []string{b2b.ActivityFillOutForm}, Points: 5, When: `len(0..1000000) > 0`},
	}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	var l Ledger
	r := s.Ingest(&l, Batch{Persons: testPersons, Activities: []b2b.Activity{
		{ID: "a", Type: b2b.ActivityFillOutForm, Person: "ann", Time: t0},
	}}, t0)
	require.Equal(t, 1, r.Credited)
	require.Len(t, r.RuleErrors, 1)
	require.ErrorIs(t, r.RuleErrors[0].Err, rules.ErrEval)
	require.Contains(t, r.RuleErrors[0].Err.Error(), "indexed")
	got, err := s.Score(&l, "ann", t0)
	require.NoError(t, err)
	require.Equal(t, 1.0, got)
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	s, err := New(m, Config{})
	require.NoError(t, err)
	for _, tt := range []struct{ in, want float64 }{{0, 0}, {-10, 0}, {75, 50}, {150, 100}, {400, 100}} {
		require.Equal(t, tt.want, s.Display(tt.in))
	}
	m.DisplayMax = 0
	s, err = New(m, Config{})
	require.NoError(t, err)
	require.Equal(t, 400.0, s.Display(400))
}

func TestStatusString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "credited", Credited.String())
	require.Equal(t, "unknown type", UnknownType.String())
	require.True(t, strings.HasPrefix(Status(42).String(), "Status("))
	require.True(t, errors.Is(&HorizonError{}, ErrBeyondHorizon))
}

// TestFloorIsWhereIngestStartsRefusing: an activity at a person's Floor is
// taken and one a nanosecond before it is refused as too late, for a
// person with no state (the start of the UTC day one horizon back) and
// for one whose state's floor is later (an ingest at a later time).
func TestFloorIsWhereIngestStartsRefusing(t *testing.T) {
	t.Parallel()
	s, err := New(DefaultModel(), Config{Horizon: 30 * 24 * time.Hour})
	require.NoError(t, err)
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	later := &PersonState{}
	_, err = s.Apply(later, &b2b.Activity{ID: "first", Person: "ann", Type: b2b.ActivityRequestDemo, Time: now.AddDate(0, 0, 10)},
		&b2b.Person{ID: "ann"}, nil, now.AddDate(0, 0, 10))
	require.NoError(t, err)
	tests := []struct {
		name string
		st   *PersonState
		want time.Time
	}{
		{"no state", nil, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"a state ingested later", later, time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			floor := s.Floor(tt.st, now)
			require.Equal(t, tt.want, floor)
			for _, c := range []struct {
				at   time.Time
				want error
			}{{floor, nil}, {floor.Add(-1), ErrTooLate}} {
				st := &PersonState{}
				if tt.st != nil {
					*st = *tt.st
					st.Credits = slices.Clone(tt.st.Credits)
					st.Past = slices.Clone(tt.st.Past)
				}
				_, err := s.Apply(st, &b2b.Activity{ID: "a", Person: "ann", Type: b2b.ActivityRequestDemo, Time: c.at}, &b2b.Person{ID: "ann"}, nil, now)
				if c.want == nil {
					require.NoError(t, err, c.at)
				} else {
					require.ErrorIs(t, err, c.want, c.at)
				}
			}
		})
	}
}

// A type the model maps is not unknown, whatever it is mapped onto: an
// activity of it that no rule counts is unmatched, as the report promises
// for mapped types, not ignored as a type nobody declared.
func TestMappedTypeIsNeverUnknown(t *testing.T) {
	t.Parallel()
	m := Model{Name: "m", TypeMap: map[string]string{"webinar_x": "custom_y", "ev": b2b.ActivityAttendEvent},
		Rules: []Rule{{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10}}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	now := t0
	for _, tc := range []struct {
		name, typ string
		want      Status
	}{
		{"mapped onto a custom type no rule names", "webinar_x", Unmatched},
		{"mapped onto a standard type no rule names", "ev", Unmatched},
		{"the custom target itself, not mapped", "custom_y", UnknownType},
		{"a custom type nobody maps", "g2:intent_surge", UnknownType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := b2b.Activity{ID: "a1", Type: tc.typ, Person: "ann", Time: now.Add(-time.Hour)}
			var st PersonState
			o, err := s.Apply(&st, &a, testPersons["ann"], nil, now)
			require.NoError(t, err)
			require.Equal(t, tc.want, o.Status)
			var l Ledger
			r := s.Ingest(&l, Batch{Persons: testPersons, Activities: []b2b.Activity{a}}, now)
			if tc.want == Unmatched {
				require.Equal(t, 1, r.Unmatched)
				require.Empty(t, r.UnknownTypes)
			} else {
				require.Equal(t, map[string]int{tc.typ: 1}, r.UnknownTypes)
			}
		})
	}
}

// TestCappedOnlyWhenConditionHolds: an activity is capped only when a
// rule's condition holds and its cap period is full; one whose conditions
// are all false is unmatched, whatever came before it, so the unmatched
// count and the rule errors of a batch do not depend on the order of
// arrival.
func TestCappedOnlyWhenConditionHolds(t *testing.T) {
	t.Parallel()
	day := Cap{Max: 1, Period: PeriodDay}
	m := Model{Name: "m", Rules: []Rule{
		{Name: "demo", Types: []string{b2b.ActivityFillOutForm}, Points: 40, When: `attr(activity.attributes, "form", "") == "Demo Request"`, Cap: day},
		{Name: "pricing", Types: []string{b2b.ActivityAttendEvent}, Points: 5, When: `attr(activity.attributes, "pricing", 0) > 1`, Cap: day},
		{Name: "broken", Types: []string{b2b.ActivityOpenEmail}, Points: 1, When: `attr(activity.attributes, "n", 0) == 0 || len(0..1000000) > 0`, Cap: day},
	}}
	s, err := New(m, Config{})
	require.NoError(t, err)
	now := t0.Add(18 * time.Hour)
	act := func(id, typ, person string, ago time.Duration, attrs map[string]any) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: b2b.PersonID(person), Time: now.Add(-ago), Attributes: attrs}
	}
	tests := []struct {
		name string
		acts []b2b.Activity
		want map[b2b.ActivityID]Status // whatever the order
		// wantErrs is the number of rule errors, whatever the order.
		wantErrs int
	}{
		{"false condition after a full cap (remembered attribute)", []b2b.Activity{
			act("demo", b2b.ActivityFillOutForm, "ann", 3*time.Hour, map[string]any{"form": "Demo Request"}),
			act("news", b2b.ActivityFillOutForm, "ann", 1*time.Hour, map[string]any{"form": "Newsletter"}),
		}, map[b2b.ActivityID]Status{"demo": Credited, "news": Unmatched}, 0},
		{"true condition after a full cap", []b2b.Activity{
			act("demo1", b2b.ActivityFillOutForm, "ann", 3*time.Hour, map[string]any{"form": "Demo Request"}),
			act("news", b2b.ActivityFillOutForm, "ann", 2*time.Hour, map[string]any{"form": "Newsletter"}),
			act("demo2", b2b.ActivityFillOutForm, "ann", 1*time.Hour, map[string]any{"form": "Demo Request"}),
		}, map[b2b.ActivityID]Status{"news": Unmatched}, 0},
		{"condition evaluated every time", []b2b.Activity{
			act("p1", b2b.ActivityAttendEvent, "ann", 3*time.Hour, map[string]any{"pricing": 2}),
			act("p2", b2b.ActivityAttendEvent, "ann", 1*time.Hour, map[string]any{"pricing": 0}),
			act("p3", b2b.ActivityAttendEvent, "ann", 2*time.Hour, nil),
		}, map[b2b.ActivityID]Status{"p1": Credited, "p2": Unmatched, "p3": Unmatched}, 0},
		{"failing condition after a full cap", []b2b.Activity{
			act("o1", b2b.ActivityOpenEmail, "ann", 3*time.Hour, nil),
			act("o2", b2b.ActivityOpenEmail, "ann", 1*time.Hour, map[string]any{"n": 1}),
		}, map[b2b.ActivityID]Status{"o1": Credited, "o2": Unmatched}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var first *Report
			for _, order := range permutations(tt.acts) {
				// One by one.
				got := map[b2b.ActivityID]Status{}
				states := map[b2b.PersonID]*PersonState{}
				errs := 0
				for _, a := range order {
					if states[a.Person] == nil {
						states[a.Person] = &PersonState{}
					}
					out, err := s.Apply(states[a.Person], &a, testPersons[a.Person], nil, now)
					require.NoError(t, err)
					got[a.ID] = out.Status
					errs += len(out.RuleErrors)
				}
				ids := make([]string, len(order))
				for i, a := range order {
					ids[i] = string(a.ID)
				}
				for id, want := range tt.want {
					require.Equal(t, want, got[id], "order %v: %s", ids, id)
				}
				require.Equal(t, tt.wantErrs, errs, "order %v", ids)
				// In a batch: the unmatched count and the rule errors are the
				// same in every order (which of the matching activities is
				// credited and which capped is not: an earlier one that
				// arrives late takes the place of one reported credited).
				var l Ledger
				r := s.Ingest(&l, Batch{Persons: testPersons, Activities: order}, now)
				require.Equal(t, len(order), r.Total())
				require.Len(t, r.RuleErrors, tt.wantErrs, "order %v", ids)
				if first == nil {
					first = &r
				}
				require.Equal(t, first.Unmatched, r.Unmatched, "order %v", ids)
				require.Equal(t, first.Credited+first.Capped, r.Credited+r.Capped, "order %v", ids)
			}
		})
	}
}

// permutations returns every order of acts.
func permutations(acts []b2b.Activity) [][]b2b.Activity {
	if len(acts) <= 1 {
		return [][]b2b.Activity{slices.Clone(acts)}
	}
	var out [][]b2b.Activity
	for i := range acts {
		rest := slices.Concat(acts[:i:i], acts[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]b2b.Activity{acts[i]}, p...))
		}
	}
	return out
}
