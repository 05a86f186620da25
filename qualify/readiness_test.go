package qualify_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/qualify"
)

func TestReadinessScoreStrategies(t *testing.T) {
	t.Parallel()
	score := qualify.StrategyScore{ReadyScore: 150, NurtureScore: 60}
	both := qualify.StrategyCompletenessScore{ReadyCompleteness: 0.6, ReadyScore: 150, NurtureCompleteness: 0.3, NurtureScore: 60}
	tests := []struct {
		name     string
		strategy qualify.ReadinessStrategy
		f        qualify.Features
		level    qualify.ReadinessLevel
		tier     qualify.Tier
		reasons  []string
	}{
		{"score ready", score, qualify.Features{Score: 162}, qualify.ReadinessReady, qualify.TierFastTrack,
			[]string{"score 162 >= ready threshold 150"}},
		{"score nurture", score, qualify.Features{Score: 80.5}, qualify.ReadinessNurture, qualify.TierIntensifiedNurture,
			[]string{"score 80.5 < ready threshold 150", "score 80.5 >= nurture threshold 60"}},
		{"score not yet", score, qualify.Features{Score: 12}, qualify.ReadinessNotYet, qualify.TierLongTermAwareness,
			[]string{"score 12 < nurture threshold 60"}},
		{"both ready", both, qualify.Features{Completeness: 2.0 / 3, Score: 150}, qualify.ReadinessReady, qualify.TierFastTrack,
			[]string{"completeness 0.67 >= ready threshold 0.6", "score 150 >= ready threshold 150"}},
		{"high score but missing roles is only nurture", both, qualify.Features{Completeness: 1.0 / 3, Score: 400}, qualify.ReadinessNurture, qualify.TierIntensifiedNurture,
			[]string{"completeness 0.33 < ready threshold 0.6", "score 400 >= ready threshold 150", "completeness 0.33 >= nurture threshold 0.3", "score 400 >= nurture threshold 60"}},
		{"complete but cold", both, qualify.Features{Completeness: 1, Score: 20}, qualify.ReadinessNotYet, qualify.TierLongTermAwareness,
			[]string{"completeness 1 >= nurture threshold 0.3", "score 20 < nurture threshold 60"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := tt.strategy.Assess(tt.f)
			require.NoError(t, err)
			require.Equal(t, tt.strategy.Name(), v.Strategy)
			require.Equal(t, tt.level, v.Level)
			require.Equal(t, tt.tier, v.Tier)
			require.Equal(t, tt.f.Score, v.Value)
			require.Equal(t, "score", v.Measure)
			require.Empty(t, cmp.Diff(tt.reasons, v.Reasons), "(-want +got)")
		})
	}
}

// A reason carries the values that produced the verdict: it must not read
// as a false comparison ("score 150 < ready threshold 150") when the value
// only rounds to the threshold.
func TestReadinessReasonsReadTrue(t *testing.T) {
	t.Parallel()
	score := qualify.StrategyScore{ReadyScore: 150, NurtureScore: 50}
	both := qualify.StrategyCompletenessScore{ReadyCompleteness: 0.6, ReadyScore: 150, NurtureCompleteness: 0.3, NurtureScore: 50}
	model := func(p float64) qualify.StrategyModel {
		m := &qualify.Model{Version: qualify.ModelVersion, Intercept: math.Log(p / (1 - p)),
			Terms: []qualify.ModelTerm{{Feature: qualify.ModelFeatureScore, Scale: 1}}}
		return qualify.StrategyModel{Model: m, ReadyProbability: 0.6, NurtureProbability: 0.3}
	}
	tests := []struct {
		name     string
		strategy qualify.ReadinessStrategy
		f        qualify.Features
		want     []string
	}{
		{"score just below", score, qualify.Features{Score: 149.996},
			[]string{"score 149.996 < ready threshold 150", "score 149.996 >= nurture threshold 50"}},
		{"score a hair below", score, qualify.Features{Score: math.Nextafter(150, 0)},
			[]string{"score 149.99999999999997 < ready threshold 150", "score 149.99999999999997 >= nurture threshold 50"}},
		{"score rounds down to the threshold", score, qualify.Features{Score: 150.004},
			[]string{"score 150 >= ready threshold 150"}},
		{"score well below", score, qualify.Features{Score: 149.9},
			[]string{"score 149.9 < ready threshold 150", "score 149.9 >= nurture threshold 50"}},
		{"completeness just below", both, qualify.Features{Completeness: 0.5999, Score: 200},
			[]string{"completeness 0.5999 < ready threshold 0.6", "score 200 >= ready threshold 150",
				"completeness 0.5999 >= nurture threshold 0.3", "score 200 >= nurture threshold 50"}},
		{"probability just below", model(0.599), qualify.Features{},
			[]string{"probability 0.599 < ready threshold 0.600", "probability 0.599 >= nurture threshold 0.300"}},
		{"probability at the threshold", model(0.6), qualify.Features{},
			[]string{"probability 0.60 >= ready threshold 0.60"}},
		// Completeness is 0 to 1: a group one role short of complete
		// never reads as complete, nor a started one as empty.
		{"completeness just below 1", both, qualify.Features{Completeness: 0.996, Score: 200},
			[]string{"completeness 0.996 >= ready threshold 0.6", "score 200 >= ready threshold 150"}},
		{"completeness just above 0", qualify.StrategyCompletenessScore{ReadyCompleteness: 0.6, ReadyScore: 150, NurtureScore: 50}, qualify.Features{Completeness: 0.004, Score: 200},
			[]string{"completeness 0.004 < ready threshold 0.6", "score 200 >= ready threshold 150",
				"completeness 0.004 >= nurture threshold 0", "score 200 >= nurture threshold 50"}},
		{"completeness at 1", both, qualify.Features{Completeness: 1, Score: 200},
			[]string{"completeness 1 >= ready threshold 0.6", "score 200 >= ready threshold 150"}},
		{"completeness away from the bounds", both, qualify.Features{Completeness: 0.6667, Score: 200},
			[]string{"completeness 0.67 >= ready threshold 0.6", "score 200 >= ready threshold 150"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.strategy.Assess(tt.f)
			require.NoError(t, err)
			require.Equal(t, tt.want, v.Reasons)
		})
	}
}

func TestReadinessValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		strategy qualify.ReadinessStrategy
		f        qualify.Features
		want     string
	}{
		{"inverted score thresholds", qualify.StrategyScore{ReadyScore: 10, NurtureScore: 20}, qualify.Features{},
			"score strategy: nurtureScore: 20 is above the ready score 10"},
		{"completeness out of range", qualify.StrategyCompletenessScore{ReadyCompleteness: 1.5, ReadyScore: 1}, qualify.Features{},
			"completeness+score strategy: readyCompleteness: must be between 0 and 1, got 1.5"},
		{"model missing", qualify.StrategyModel{ReadyProbability: 0.5, NurtureProbability: 0.7}, qualify.Features{},
			"model strategy: 2 problems:\n  model: is required\n  nurtureProbability: must be between 0 and the ready probability 0.5, got 0.7"},
		{"bad features", qualify.StrategyScore{ReadyScore: 1}, qualify.Features{Completeness: 2, Score: math.NaN(), DaysSinceLastActivity: -1, PriorWon: 2, PriorOpportunities: 1},
			"features: 4 problems:\n  score: must be a finite number, got NaN\n  completeness: must be between 0 and 1, got 2\n  daysSinceLastActivity: must be a non-negative number of days (+Inf for never), got -1\n  priorWon: 2 won is more than the 1 prior opportunity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.strategy.Assess(tt.f)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.Equal(t, tt.want, err.Error())
		})
	}
	// An infinite value is one problem, not two: it is not finite, and
	// that it is also out of range says nothing more.
	inf := math.Inf(1)
	f := qualify.Features{Completeness: inf, WeightedCompleteness: -inf, VelocityDays: -inf}
	require.EqualError(t, f.Validate(), "features: 3 problems:\n  completeness: must be a finite number, got +Inf\n  weightedCompleteness: must be a finite number, got -Inf\n  velocityDays: must be a finite number, got -Inf")
	s := qualify.StrategyCompletenessScore{ReadyCompleteness: inf, NurtureCompleteness: -inf}
	require.EqualError(t, s.Validate(), "completeness+score strategy: 2 problems:\n  readyCompleteness: must be a finite number, got +Inf\n  nurtureCompleteness: must be a finite number, got -Inf")

	never := qualify.Features{DaysSinceLastActivity: math.Inf(1)}
	require.NoError(t, never.Validate())
}

// rExplainModel is a hand-written model whose contributions are known:
// completeness 0.8 -> (0.8-0.5)/0.25*1.0 = +1.2, velocity 45 -> 45/30*0.6 =
// +0.9, 20 days without activity -> (20-5)/15*-0.6 = -0.6, industry
// Software +0.25 against the average.
func rExplainModel() *qualify.Model {
	return &qualify.Model{
		Version:   qualify.ModelVersion,
		Outcome:   "opportunity created within 90 days",
		Intercept: -0.5,
		Terms: []qualify.ModelTerm{
			{Feature: qualify.ModelFeatureCompleteness, Mean: 0.5, Scale: 0.25, Weight: 1.0},
			{Feature: qualify.ModelFeatureVelocity, Mean: 0, Scale: 30, Weight: 0.6},
			{Feature: qualify.ModelFeatureDaysSinceLastActivity, Mean: 5, Scale: 15, Weight: -0.6},
			{Feature: qualify.ModelFeatureScore, Mean: 100, Scale: 50, Weight: 0.01},
			{Feature: qualify.ModelFeatureIndustry, Category: "Software", Mean: 0.5, Scale: 0.5, Weight: 0.25},
			{Feature: qualify.ModelFeatureIndustry, Category: "Retail", Mean: 0.25, Scale: 0.5, Weight: -0.2},
		},
		Training: qualify.ModelTraining{L2: 1, HoldOut: 0.25, Examples: 100, Positives: 10},
	}
}

func TestReadinessModelExplanation(t *testing.T) {
	t.Parallel()
	s := qualify.StrategyModel{Model: rExplainModel(), ReadyProbability: 0.7, NurtureProbability: 0.3}
	f := qualify.Features{Completeness: 0.8, Velocity: 45, VelocityDays: 14, DaysSinceLastActivity: 20, Score: 100, Industry: "Software"}
	v, err := s.Assess(f)
	require.NoError(t, err)
	// z = -0.5 + 1.2 + 0.9 - 0.6 + 0 + (0.25 + 0.1) = 1.35
	require.InDelta(t, 1/(1+math.Exp(-1.35)), v.Value, 1e-12)
	require.Equal(t, qualify.ReadinessReady, v.Level)
	require.Equal(t, "probability", v.Measure)
	require.Equal(t, "ready (fast-track to sales): probability 0.79 >= ready threshold 0.70; completeness 0.8 (+1.2), velocity +45 in 14 days (+0.9), no activity for 20 days (-0.6), industry Software (+0.3)", v.Explain())
	want := []qualify.ModelContribution{
		{Feature: "completeness", Value: "completeness 0.8", Contribution: 1.2},
		{Feature: "velocity", Value: "velocity +45 in 14 days", Contribution: 0.9},
		{Feature: "daysSinceLastActivity", Value: "no activity for 20 days", Contribution: -0.6},
		{Feature: "industry", Value: "industry Software", Contribution: 0.35},
		{Feature: "score", Value: "score 100", Contribution: 0},
	}
	require.Empty(t, cmp.Diff(want, v.Contributions, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })), "(-want +got)")

	// A cold group: falling velocity, never active, another industry.
	cold := qualify.Features{Completeness: 0.25, Velocity: -30, VelocityDays: 14, DaysSinceLastActivity: math.Inf(1), Score: 10, Industry: "Retail"}
	v, err = s.Assess(cold)
	require.NoError(t, err)
	require.Equal(t, qualify.ReadinessNotYet, v.Level)
	require.Equal(t, qualify.TierLongTermAwareness, v.Tier)
	require.Equal(t, "not yet (long-term awareness): probability 0.00 < nurture threshold 0.30; no activity ever (-14.4), completeness 0.25 (-1.0), velocity -30 in 14 days (-0.6), industry Retail (-0.6)", v.Explain(), "days are capped at 365; the score moves less than 0.05 and is left out of the words")
}

func TestFeaturesOpportunityHistoryAndLabel(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := func(n int) time.Time { return at.Add(time.Duration(n) * 24 * time.Hour) }
	opps := []b2b.Opportunity{
		{ID: "o1", Status: b2b.OpportunityWon, CreatedAt: d(-200), ClosedAt: d(-100)},
		{ID: "o2", Status: b2b.OpportunityLost, CreatedAt: d(-50), ClosedAt: d(-10)},
		{ID: "o3", Status: b2b.OpportunityWon, CreatedAt: d(-5), ClosedAt: d(30)}, // open at `at`, won later
		{ID: "o4", Status: b2b.OpportunityOpen, CreatedAt: d(45)},
	}
	prior, won := qualify.FeaturesOpportunityHistory(at, opps)
	require.Equal(t, []int{3, 1}, []int{prior, won})
	require.True(t, qualify.ModelOutcome{Days: 90}.Label(at, opps), "o4 created on day 45")
	require.False(t, qualify.ModelOutcome{Days: 30}.Label(at, opps), "o4 is after 30 days")
	require.True(t, qualify.ModelOutcome{Won: true, Days: 30}.Label(at, opps), "o3 won on day 30")
	require.False(t, qualify.ModelOutcome{Won: true, Days: 29}.Label(at, opps))
	require.Equal(t, "opportunity won within 30 days", qualify.ModelOutcome{Won: true, Days: 30}.String())
}

// TestModelOutcomeLabelOfAWindowLongerThanADuration: a window of more
// days than a time.Duration holds (about 292 years) takes every later
// opportunity, instead of wrapping around to an end before its start.
func TestModelOutcomeLabelOfAWindowLongerThanADuration(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	opps := []b2b.Opportunity{{ID: "o1", Status: b2b.OpportunityWon, CreatedAt: at.AddDate(0, 0, 1), ClosedAt: at.AddDate(0, 0, 40)}}
	for _, days := range []int{106_751, 106_752, 200_000, math.MaxInt} {
		require.True(t, qualify.ModelOutcome{Days: days}.Label(at, opps), "created a day later, within %d days", days)
		require.True(t, qualify.ModelOutcome{Won: true, Days: days}.Label(at, opps), "won 40 days later, within %d days", days)
		require.False(t, qualify.ModelOutcome{Days: days}.Label(at.AddDate(0, 0, 2), opps), "created before the window")
	}
}

// TestModelWordsOfOne: the words of a contribution agree with a count of
// one, as they do with others.
func TestModelWordsOfOne(t *testing.T) {
	t.Parallel()
	m := &qualify.Model{Version: qualify.ModelVersion}
	for _, f := range []string{qualify.ModelFeatureVelocity, qualify.ModelFeatureDaysSinceLastActivity, qualify.ModelFeatureEmployees,
		qualify.ModelFeaturePriorOpportunities, qualify.ModelFeaturePriorWon, qualify.ModelFeatureEngagedRoles} {
		m.Terms = append(m.Terms, qualify.ModelTerm{Feature: f, Scale: 1, Weight: 1})
	}
	_, cs := m.Explain(qualify.Features{Velocity: 5, VelocityDays: 1, DaysSinceLastActivity: 1.5, Employees: 1, PriorOpportunities: 1, PriorWon: 1, EngagedRoles: 1})
	var got []string
	for _, c := range cs {
		got = append(got, c.Value)
	}
	slices.Sort(got)
	require.Equal(t, []string{"1 employee", "1 engaged role", "1 prior opportunity", "1 won before", "no activity for 1 day", "velocity +5 in 1 day"}, got)

	f := qualify.Features{PriorWon: 2, PriorOpportunities: 1}
	require.EqualError(t, f.Validate(), "features: priorWon: 2 won is more than the 1 prior opportunity")
}

// TestModelWordsOfRecency: days since the last activity are counted back
// from the assessment's time, not by the calendar: less than a day can be
// yesterday's activity (23 hours ago at 10:00 is 11:00 the day before),
// so it is "within the last day", not "today".
func TestModelWordsOfRecency(t *testing.T) {
	t.Parallel()
	m := &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{{Feature: qualify.ModelFeatureDaysSinceLastActivity, Scale: 1, Weight: 1}}}
	tests := []struct {
		days float64
		want string
	}{
		{0, "active within the last day"},
		{23.0 / 24, "active within the last day"},
		{1, "no activity for 1 day"},
		{2.5, "no activity for 2 days"},
		{math.Inf(1), "no activity ever"},
	}
	for _, tt := range tests {
		_, cs := m.Explain(qualify.Features{DaysSinceLastActivity: tt.days})
		require.Equal(t, tt.want, cs[0].Value, "%v days", tt.days)
	}
}

// TestModelWordsOfBounds: a contribution's value is not rounded onto an
// end of its range it has not reached (a completeness of 0.996 is not a
// complete group), nor a velocity onto no change.
func TestModelWordsOfBounds(t *testing.T) {
	t.Parallel()
	m := &qualify.Model{Version: qualify.ModelVersion}
	for _, f := range []string{qualify.ModelFeatureCompleteness, qualify.ModelFeatureWeightedCompleteness, qualify.ModelFeatureVelocity} {
		m.Terms = append(m.Terms, qualify.ModelTerm{Feature: f, Scale: 1, Weight: 1})
	}
	tests := []struct {
		name string
		f    qualify.Features
		want []string
	}{
		{"just below 1", qualify.Features{Completeness: 0.996, WeightedCompleteness: 0.9999, Velocity: 0.001, VelocityDays: 14},
			[]string{"completeness 0.996", "weighted completeness 0.9999", "velocity +0.001 in 14 days"}},
		{"just above 0", qualify.Features{Completeness: 0.004, WeightedCompleteness: 0.0001, Velocity: -0.002, VelocityDays: 14},
			[]string{"completeness 0.004", "weighted completeness 0.0001", "velocity -0.002 in 14 days"}},
		{"at the bounds", qualify.Features{Completeness: 1, WeightedCompleteness: math.Copysign(0, -1), Velocity: math.Copysign(0, -1), VelocityDays: 14},
			[]string{"completeness 1", "weighted completeness 0", "velocity +0 in 14 days"}},
		{"away from the bounds", qualify.Features{Completeness: 2.0 / 3, WeightedCompleteness: 0.25, Velocity: -45.678, VelocityDays: 14},
			[]string{"completeness 0.67", "weighted completeness 0.25", "velocity -45.68 in 14 days"}},
		// Explain takes features unchecked: an infinite velocity keeps one sign.
		{"infinite velocity", qualify.Features{Completeness: 0.5, WeightedCompleteness: 0.5, Velocity: math.Inf(1), VelocityDays: 14},
			[]string{"completeness 0.5", "weighted completeness 0.5", "velocity +Inf in 14 days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, cs := m.Explain(tt.f)
			got := map[string]string{}
			for _, c := range cs {
				got[c.Feature] = c.Value
			}
			require.Equal(t, tt.want, []string{got[qualify.ModelFeatureCompleteness], got[qualify.ModelFeatureWeightedCompleteness], got[qualify.ModelFeatureVelocity]})
		})
	}
}
