package scoring

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
	"unsafe"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestCreditsStayWithTheirRuleWhenTheModelChanges: a model that keeps its
// name and changes its rules (one added ahead of another, one removed,
// two swapped) reads what it scored before as it was scored: each credit
// stays with the rule that earned it, so a cap counts that rule's credits
// of the period, the breakdown names the rule, and the credits of a rule
// the model no longer has still count in the score, under a line of their
// own, toward no cap. Folded credits (Past) do the same. The state goes
// through JSON between the models, as a store keeps it.
func TestCreditsStayWithTheirRuleWhenTheModelChanges(t *testing.T) {
	t.Parallel()
	visit := Rule{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: Cap{Max: 5, Period: PeriodDay}}
	webinar := Rule{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30}
	form := Rule{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10, Cap: Cap{Max: 1, Period: PeriodDay}}
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	ann := testPersons["ann"]
	act := func(id, typ string, at time.Time) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: "ann", Time: at}
	}
	var visits []b2b.Activity
	for i := range 5 {
		visits = append(visits, act(fmt.Sprintf("v%d", i), b2b.ActivityVisitWebPage, now.Add(-time.Duration(5-i)*time.Minute)))
	}
	removed := fmt.Sprintf("rule #%08x (no longer in model %q)", RuleKey("webinar"), "m")
	for _, tc := range []struct {
		name       string
		before     []Rule
		scored     []b2b.Activity // under before, at now
		after      []Rule
		horizon    time.Duration
		next       b2b.Activity // under after, at now (or at its time when later)
		wantStatus Status
		wantScore  float64
		wantRules  []RuleLine // the breakdown after next, at next's time
	}{
		{
			name:   "a rule added ahead of a capped one",
			before: []Rule{visit}, scored: visits, after: []Rule{webinar, visit},
			next:       act("v5", b2b.ActivityVisitWebPage, now),
			wantStatus: Capped, wantScore: 5,
			wantRules: []RuleLine{{Rule: "page visit", Points: 1, Count: 5, Recent: 5, Value: 5}},
		},
		{
			name:   "the rule ahead of a capped one removed",
			before: []Rule{webinar, visit}, scored: append([]b2b.Activity{act("w", b2b.ActivityAttendEvent, now.Add(-time.Hour))}, visits...), after: []Rule{visit},
			next:       act("v5", b2b.ActivityVisitWebPage, now),
			wantStatus: Capped, wantScore: 35,
			wantRules: []RuleLine{
				{Rule: "page visit", Points: 1, Count: 5, Recent: 5, Value: 5},
				{Rule: removed, Count: 1, Recent: 30, Value: 30},
			},
		},
		{
			name:   "a removed rule's credits count toward no cap",
			before: []Rule{visit, webinar}, scored: []b2b.Activity{act("w", b2b.ActivityAttendEvent, now.Add(-time.Hour))}, after: []Rule{form},
			next:       act("f", b2b.ActivityFillOutForm, now),
			wantStatus: Credited, wantScore: 40,
			wantRules: []RuleLine{
				{Rule: "form", Points: 10, Count: 1, Recent: 10, Value: 10},
				{Rule: removed, Count: 1, Recent: 30, Value: 30},
			},
		},
		{
			name:   "two rules swapped",
			before: []Rule{form, visit}, scored: append([]b2b.Activity{act("f", b2b.ActivityFillOutForm, now.Add(-time.Hour))}, visits...), after: []Rule{visit, form},
			next:       act("f2", b2b.ActivityFillOutForm, now),
			wantStatus: Capped, wantScore: 15,
			wantRules: []RuleLine{
				{Rule: "page visit", Points: 1, Count: 5, Recent: 5, Value: 5},
				{Rule: "form", Points: 10, Count: 1, Recent: 10, Value: 10},
			},
		},
		{
			name:   "folded credits keep their rule",
			before: []Rule{form, visit}, scored: append([]b2b.Activity{act("f", b2b.ActivityFillOutForm, now.Add(-time.Hour))}, visits...), after: []Rule{webinar, visit, form},
			horizon:    24 * time.Hour,
			next:       act("w", b2b.ActivityAttendEvent, now.Add(72*time.Hour)),
			wantStatus: Credited, wantScore: 45,
			wantRules: []RuleLine{
				{Rule: "webinar", Points: 30, Count: 1, Recent: 30, Value: 30},
				{Rule: "page visit", Points: 1, Older: 5, Value: 5},
				{Rule: "form", Points: 10, Older: 10, Value: 10},
			},
		},
		{
			name:   "a removed rule's credits folded",
			before: []Rule{webinar, visit}, scored: append([]b2b.Activity{act("w", b2b.ActivityAttendEvent, now.Add(-time.Hour))}, visits...), after: []Rule{visit},
			horizon:    24 * time.Hour,
			next:       act("v5", b2b.ActivityVisitWebPage, now.Add(72*time.Hour)),
			wantStatus: Credited, wantScore: 36,
			wantRules: []RuleLine{
				{Rule: "page visit", Points: 1, Count: 1, Recent: 1, Older: 5, Value: 6},
				{Rule: removed, Older: 30, Value: 30},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Horizon: tc.horizon}
			before, err := New(Model{Name: "m", Rules: tc.before}, cfg)
			require.NoError(t, err)
			after, err := New(Model{Name: "m", Rules: tc.after}, cfg)
			require.NoError(t, err)
			var l Ledger
			r := before.Ingest(&l, Batch{Persons: testPersons, Activities: tc.scored}, now)
			require.Equal(t, len(tc.scored), r.Credited, "%s", r.String())
			raw, err := json.Marshal(l.State("ann"))
			require.NoError(t, err)
			var st PersonState
			require.NoError(t, json.Unmarshal(raw, &st))

			at := now
			if tc.next.Time.After(at) {
				at = tc.next.Time
			}
			o, err := after.Apply(&st, &tc.next, ann, nil, at)
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, o.Status)
			score, err := after.ScoreAt(&st, at)
			require.NoError(t, err)
			require.InDelta(t, tc.wantScore, score, 1e-9)
			x, err := after.Explain("ann", &st, at)
			require.NoError(t, err)
			require.Empty(t, gocmp.Diff(tc.wantRules, x.Rules, cmpopts.EquateApprox(0, 1e-12)), "(-want +got)\n%s", x.String())
		})
	}
}

// TestStateSavedBeforeRuleKeys: a state saved before credits carried
// their rule's key (rule positions only) loads and means what it meant
// under the model that wrote it; once ingested (or compacted) under that
// model, it holds the keys, and a later change of the model reads it as
// it was scored.
func TestStateSavedBeforeRuleKeys(t *testing.T) {
	t.Parallel()
	visit := Rule{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: Cap{Max: 2, Period: PeriodWeek}}
	webinar := Rule{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30}
	v1, err := New(Model{Name: "m", Rules: []Rule{webinar, visit}}, Config{})
	require.NoError(t, err)
	v2, err := New(Model{Name: "m", Rules: []Rule{visit, webinar}}, Config{})
	require.NoError(t, err)
	// Monday 2025-03-03: a webinar and two page visits, saved by the
	// earlier encoding (rule 0 is the webinar, rule 1 the page visit).
	mon := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	saved := fmt.Sprintf(`{"floor":%d,"past":[{"rule":0,"at":%d,"value":30}],"credits":[`+
		`{"key":%d,"at":%d,"points":30,"rule":0},{"key":%d,"at":%d,"points":1,"rule":1},{"key":%d,"at":%d,"points":1,"rule":1}]}`,
		unixNano(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)), unixNano(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)),
		ActivityKey("w"), unixNano(mon), ActivityKey("v1"), unixNano(mon.Add(time.Minute)), ActivityKey("v2"), unixNano(mon.Add(2*time.Minute)))
	load := func(t *testing.T) *PersonState {
		var st PersonState
		require.NoError(t, json.Unmarshal([]byte(saved), &st))
		return &st
	}
	visitOn := func(id string, at time.Time) *b2b.Activity {
		return &b2b.Activity{ID: b2b.ActivityID(id), Type: b2b.ActivityVisitWebPage, Person: "ann", Time: at}
	}

	t.Run("under the model that wrote it", func(t *testing.T) {
		t.Parallel()
		st := load(t)
		o, err := v1.Apply(st, visitOn("v3", mon.Add(time.Hour)), testPersons["ann"], nil, mon.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, Capped, o.Status, "two page visits this week already")
		x, err := v1.Explain("ann", st, mon.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"webinar", "page visit"}, ruleNames(x))
		require.InDelta(t, 62.0, x.Score, 1e-9)
	})
	tue := mon.Add(24 * time.Hour)
	for _, tc := range []struct {
		name     string
		write    func(st *PersonState) // under the model that wrote it
		webinars int
	}{
		{name: "ingested the same day", webinars: 2, write: func(st *PersonState) {
			_, err := v1.Apply(st, &b2b.Activity{ID: "w2", Type: b2b.ActivityAttendEvent, Person: "ann", Time: mon.Add(time.Hour)}, testPersons["ann"], nil, mon.Add(time.Hour))
			require.NoError(t, err)
		}},
		{name: "ingested a day later", webinars: 2, write: func(st *PersonState) {
			_, err := v1.Apply(st, &b2b.Activity{ID: "w2", Type: b2b.ActivityAttendEvent, Person: "ann", Time: tue}, testPersons["ann"], nil, tue)
			require.NoError(t, err)
		}},
		{name: "compacted", webinars: 1, write: func(st *PersonState) { v1.Compact(st, mon) }},
	} {
		t.Run(tc.name+", then the model changes", func(t *testing.T) {
			t.Parallel()
			st := load(t)
			tc.write(st)
			raw, err := json.Marshal(st)
			require.NoError(t, err)
			var again PersonState
			require.NoError(t, json.Unmarshal(raw, &again))
			o, err := v2.Apply(&again, visitOn("v3", tue.Add(time.Hour)), testPersons["ann"], nil, tue.Add(time.Hour))
			require.NoError(t, err)
			require.Equal(t, Capped, o.Status, "two page visits this week already")
			x, err := v2.Explain("ann", &again, tue.Add(time.Hour))
			require.NoError(t, err)
			require.Equal(t, []string{"page visit", "webinar"}, ruleNames(x))
			require.InDelta(t, 32.0+30*float64(tc.webinars), x.Score, 1e-9)
			require.Equal(t, tc.webinars, x.Rules[1].Count)
			require.InDelta(t, 30.0, x.Rules[1].Older, 1e-9)
		})
	}
}

func ruleNames(x Explanation) []string {
	var names []string
	for _, l := range x.Rules {
		names = append(names, l.Rule)
	}
	return names
}

// TestMergeOfStatesUnderTwoVersionsOfAModel: two records of one person
// scored under two versions of a model (a rule added between) merge into
// one state whose credits keep their rules: the cap counts both records'
// page visits together, and an activity both hold under one rule counts
// once.
func TestMergeOfStatesUnderTwoVersionsOfAModel(t *testing.T) {
	t.Parallel()
	visit := Rule{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: Cap{Max: 3, Period: PeriodDay}}
	webinar := Rule{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30}
	v1, err := New(Model{Name: "m", Rules: []Rule{visit}}, Config{})
	require.NoError(t, err)
	v2, err := New(Model{Name: "m", Rules: []Rule{webinar, visit}}, Config{})
	require.NoError(t, err)
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	visitAt := func(id string, m int) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: b2b.ActivityVisitWebPage, Person: "ann", Time: now.Add(-time.Duration(m) * time.Minute)}
	}
	var a, b Ledger
	v1.Ingest(&a, Batch{Persons: testPersons, Activities: []b2b.Activity{visitAt("v1", 50), visitAt("v2", 40), visitAt("shared", 30)}}, now)
	v2.Ingest(&b, Batch{Persons: testPersons, Activities: []b2b.Activity{visitAt("shared", 30), visitAt("v3", 20),
		{ID: "w", Type: b2b.ActivityAttendEvent, Person: "ann", Time: now.Add(-10 * time.Minute)}}}, now)
	for _, m := range []PersonState{v2.Merge(a.State("ann"), b.State("ann")), v2.Merge(b.State("ann"), a.State("ann"))} {
		x, err := v2.Explain("ann", &m, now)
		require.NoError(t, err)
		require.Empty(t, gocmp.Diff([]RuleLine{
			{Rule: "webinar", Points: 30, Count: 1, Recent: 30, Value: 30},
			{Rule: "page visit", Points: 1, Count: 3, Recent: 3, Value: 3},
		}, x.Rules), "(-want +got)\n%s", x.String())
		o, err := v2.Apply(&m, &b2b.Activity{ID: "v4", Type: b2b.ActivityVisitWebPage, Person: "ann", Time: now}, testPersons["ann"], nil, now)
		require.NoError(t, err)
		require.Equal(t, Capped, o.Status)
	}
}

// TestRuleKeysOfAModelDiffer: a state knows a rule by the key of its name
// (RuleKey), so two rules of a model whose names have one key are
// refused, naming both.
func TestRuleKeysOfAModelDiffer(t *testing.T) {
	t.Parallel()
	// Two names found to share a 32-bit key.
	a, b := "page visit 1437786", "page visit 2176240"
	require.Equal(t, RuleKey(a), RuleKey(b))
	m := Model{Name: "m", Rules: []Rule{
		{Name: a, Types: []string{b2b.ActivityVisitWebPage}, Points: 1},
		{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 1},
		{Name: b, Types: []string{b2b.ActivityVisitWebPage}, Points: 2},
	}}
	err := m.Validate()
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.ErrorContains(t, err, fmt.Sprintf(`rules[2].name: %q has the rule key %08x of rules[0] %q`, b, RuleKey(a), a))
}

// TestStateSizes: the rule key of a credit and of a past value takes room
// their fields left free, so a state costs what the doc says: 32 bytes a
// credit, 24 a rule with folded credits, 56 of header.
func TestStateSizes(t *testing.T) {
	t.Parallel()
	require.Equal(t, []uintptr{32, 24, 56}, []uintptr{unsafe.Sizeof(Credit{}), unsafe.Sizeof(RuleValue{}), unsafe.Sizeof(PersonState{})})
}
