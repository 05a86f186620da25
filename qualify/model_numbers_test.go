package qualify_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/qualify"
)

// returnsWithin runs f and fails the test if it has not returned after d:
// a loop that never ends is a failure, not a test run that times out.
func returnsWithin(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not return within %v", d)
	}
}

func TestModelAUCOfScoresThatAreNotNumbers(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name   string
		scores []float64
		labels []bool
	}{
		{"one NaN among numbers", []float64{0.2, nan, 0.7}, []bool{false, true, true}},
		{"every score NaN", []float64{nan, nan}, []bool{false, true}},
		{"NaN first after sorting", []float64{nan, 0.1, 0.9, 0.5}, []bool{true, false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var auc float64
			returnsWithin(t, 5*time.Second, func() { auc = qualify.ModelAUC(tt.scores, tt.labels) })
			require.True(t, math.IsNaN(auc), "no ranking is defined with a score that is not a number, got %v", auc)
		})
	}
	require.Equal(t, 0.75, qualify.ModelAUC([]float64{math.Inf(1), 0.4, 0.3, math.Inf(-1)}, []bool{true, false, true, false}), "infinite scores rank as numbers")
}

// rShifted returns examples whose scores are moved by d.
func rShifted(ex []qualify.ReadinessExample, d float64) []qualify.ReadinessExample {
	out := make([]qualify.ReadinessExample, len(ex))
	for i, e := range ex {
		e.Features.Score += d
		out[i] = e
	}
	return out
}

func TestModelStandardisationOfLargeScores(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(5, 600)
	for i := range history {
		history[i].Features.Score = float64(i % 7) // a spread of 2, which the shift below must keep
	}
	base, err := qualify.ModelTrainer{Seed: 3}.Train(history)
	require.NoError(t, err)
	shifted, err := qualify.ModelTrainer{Seed: 3}.Train(rShifted(history, 1e9))
	require.NoError(t, err)
	score := func(m *qualify.Model) qualify.ModelTerm {
		for _, term := range m.Terms {
			if term.Feature == qualify.ModelFeatureScore {
				return term
			}
		}
		t.Fatal("no score term")
		return qualify.ModelTerm{}
	}
	b, s := score(base), score(shifted)
	require.InDelta(t, b.Mean+1e9, s.Mean, 1e-6, "the mean moves with the scores")
	require.InEpsilon(t, b.Scale, s.Scale, 1e-6, "a standard deviation does not depend on where the scores are")
	require.InEpsilon(t, b.Weight, s.Weight, 1e-6, "nor the weight per standard deviation")
}

func TestModelTrainingOnHugeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(f *qualify.Features, i int)
	}{
		{"a few scores near the largest float64", func(f *qualify.Features, i int) {
			if i%50 == 0 {
				f.Score = 1.5e308
			}
		}},
		{"every score beyond the square root of the largest float64", func(f *qualify.Features, i int) { f.Score = 1e200 * float64(1+i%5) }},
		{"velocities of both signs near the largest float64", func(f *qualify.Features, i int) {
			if i%50 == 0 {
				f.Velocity = 1.7e308
			} else if i%50 == 1 {
				f.Velocity = -1.7e308
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			history, _ := rNewWorld().rHistory(6, 600)
			for i := range history {
				tt.edit(&history[i].Features, i)
			}
			var m *qualify.Model
			var err error
			returnsWithin(t, 30*time.Second, func() { m, err = qualify.ModelTrainer{Seed: 1}.Train(history) })
			require.NoError(t, err)
			require.NoError(t, m.Validate(), "a trained model is one that can be saved and used")
			s := qualify.StrategyModel{Model: m, ReadyProbability: 0.7, NurtureProbability: 0.3}
			for i := range history {
				v, err := s.Assess(history[i].Features)
				require.NoError(t, err)
				require.False(t, math.IsNaN(v.Value), "examples[%d]: %+v", i, history[i].Features)
			}
		})
	}
}

// TestReadinessModelOfOpposedInfinities: features so far from a model's
// training data that one term pushes its log-odds to +Inf and another to
// -Inf leave it no probability; the strategy says so instead of a verdict
// on NaN ("probability NaN < ready threshold 0.70").
func TestReadinessModelOfOpposedInfinities(t *testing.T) {
	t.Parallel()
	m := &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{
		{Feature: qualify.ModelFeatureScore, Scale: 1, Weight: 2},
		{Feature: qualify.ModelFeatureVelocity, Scale: 1, Weight: 2},
	}}
	require.NoError(t, m.Validate())
	s := qualify.StrategyModel{Model: m, ReadyProbability: 0.7, NurtureProbability: 0.3}
	v, err := s.Assess(qualify.Features{Score: 1e308, Velocity: -1e308, VelocityDays: 14})
	require.ErrorIs(t, err, b2b.ErrInvalid, "got a verdict: %s", v.Explain())
	require.EqualError(t, err, "features: the model's log-odds are +Inf from score and -Inf from velocity: values this far from its training data give no probability")

	// One infinity alone decides: the probability is 1.
	v, err = s.Assess(qualify.Features{Score: 1e308, VelocityDays: 14})
	require.NoError(t, err)
	require.Equal(t, 1.0, v.Value)
	require.Equal(t, qualify.ReadinessReady, v.Level)
}

// TestModelTrainingOnAHeldOutOutlier: a held-out example so far from the
// training data that the model gives it no probability (its log-odds
// +Inf from one term and -Inf from another) is an ErrModelData error that
// names it, not a panic while the model is measured; where the split
// trains on it, the model is trained as usual.
func TestModelTrainingOnAHeldOutOutlier(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(6, 200)
	for i := range history {
		history[i].Features.Score = float64(i%2) * 1e-3
		history[i].Features.Velocity = float64(i%3) * 1e-3
	}
	history[7].Features.Score, history[7].Features.Velocity = 1.7e308, -1.7e308
	refused := 0
	for seed := uint64(1); seed <= 12; seed++ {
		var m *qualify.Model
		var err error
		require.NotPanics(t, func() { m, err = qualify.ModelTrainer{Seed: seed}.Train(history) }, "seed %d", seed)
		if err != nil {
			require.ErrorIs(t, err, qualify.ErrModelData, "seed %d", seed)
			require.EqualError(t, err, "cannot train a model on these examples: examples[7], held out to measure the model, is too far from the training data: "+
				"the model's log-odds are +Inf from velocity and -Inf from score, which give no probability", "seed %d", seed)
			refused++
			continue
		}
		require.NoError(t, m.Validate(), "seed %d", seed)
	}
	require.Positive(t, refused, "a seed that holds the outlier out")
}

// TestReadinessVerdictsAreSaved: every verdict a strategy gives can be
// written as JSON and read back the same, as an engine on a store that
// keeps bytes does with the account's state, whatever features a valid
// model meets: a term that overflows (a model with a tiny scale, features
// far from the training data) pushes the log-odds by +Inf or -Inf, which
// JSON has no number for, and is written "+Inf" or "-Inf".
func TestReadinessVerdictsAreSaved(t *testing.T) {
	t.Parallel()
	tiny := &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{
		{Feature: qualify.ModelFeatureCompleteness, Mean: 0.4, Scale: 1e-300, Weight: 1e10},
		{Feature: qualify.ModelFeatureScore, Mean: 100, Scale: 50, Weight: 0.5},
	}}
	require.NoError(t, tiny.Validate())
	tests := []struct {
		name    string
		m       *qualify.Model
		f       qualify.Features
		written string // how a contribution is written
	}{
		{"ordinary", rExplainModel(), qualify.Features{Completeness: 0.8, Velocity: 45, VelocityDays: 14, DaysSinceLastActivity: 20, Industry: "Software"},
			`{"feature":"completeness","value":"completeness 0.8","contribution":1.2000000000000002}`},
		{"tiny scale, above the mean", tiny, qualify.Features{Completeness: 0.5, Score: 80},
			`{"feature":"completeness","value":"completeness 0.5","contribution":"+Inf"}`},
		{"tiny scale, below the mean", tiny, qualify.Features{Completeness: 0.3, Score: 80},
			`{"feature":"completeness","value":"completeness 0.3","contribution":"-Inf"}`},
		{"tiny scale, at the mean", tiny, qualify.Features{Completeness: 0.4, Score: 80},
			`{"feature":"score","value":"score 80","contribution":-0.2}`},
		{"text to escape", rExplainModel(), qualify.Features{Completeness: 0.5, Industry: "R&D <\"labs\">"},
			`{"feature":"industry","value":"industry R\u0026D \u003c\"labs\"\u003e","contribution":-0.15}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := qualify.StrategyModel{Model: tt.m, ReadyProbability: 0.7, NurtureProbability: 0.3}.Assess(tt.f)
			require.NoError(t, err)
			data, err := json.Marshal(v)
			require.NoError(t, err, "verdict %s", v.Explain())
			require.Contains(t, string(data), tt.written)
			var back qualify.ReadinessVerdict
			require.NoError(t, json.Unmarshal(data, &back))
			require.Equal(t, v, back)
		})
	}
	var c qualify.ModelContribution
	require.ErrorContains(t, json.Unmarshal([]byte(`{"feature":"score","contribution":"lots"}`), &c), `contribution: "lots" is not a number`)

	// A finite contribution is written byte for byte as encoding/json
	// writes the struct.
	type plain struct {
		Feature      string  `json:"feature"`
		Value        string  `json:"value"`
		Contribution float64 `json:"contribution"`
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, -3e-7, 1e-6, 123456789, 1e20, 1e21, -2.5e300, 5e-324, math.MaxFloat64} {
		for _, text := range []string{"", "score 80", "é <b>&\"\\\n\u2028", "\xff"} {
			want, err := json.Marshal(plain{"f", text, x})
			require.NoError(t, err)
			got, err := json.Marshal(qualify.ModelContribution{Feature: "f", Value: text, Contribution: x})
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), "%v %q", x, text)
		}
	}
}

// TestModelContributionReadsAsTheDecoder: a contribution is read in one
// pass, as encoding/json reads any value: a field of the wrong type is an
// error whether it comes before or after a contribution written as
// "+Inf", and of a key written twice the last counts. The error names the
// field, what it holds, and its line and column in the contribution's
// JSON, as a model's and features' errors do.
func TestModelContributionReadsAsTheDecoder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want qualify.ModelContribution
		err  string
	}{
		{in: `{"feature":5,"contribution":"+Inf"}`, err: "model contribution: feature: a JSON number is not a string (line 1, column 12 of the contribution)"},
		{in: `{"contribution":"+Inf","feature":5}`, err: "model contribution: feature: a JSON number is not a string (line 1, column 34 of the contribution)"},
		{in: `{"contribution":"+Inf","value":["a"]}`, err: "model contribution: value: a JSON array is not a string (line 1, column 32 of the contribution)"},
		{in: `{"contribution":"+Inf","contribution":1}`, want: qualify.ModelContribution{Contribution: 1}},
		{in: `{"contribution":1,"contribution":"-Inf"}`, want: qualify.ModelContribution{Contribution: math.Inf(-1)}},
		{in: `{"Contribution":"+Inf","value":"x"}`, want: qualify.ModelContribution{Value: "x", Contribution: math.Inf(1)}},
		{in: `{"feature":"score","contribution":null}`, want: qualify.ModelContribution{Feature: "score", Contribution: 7}},
		{in: `{"contribution":"lots"}`, err: `model contribution: contribution: "lots" is not a number, +Inf, -Inf or NaN (line 1, column 22 of the contribution)`},
		{in: `{"contribution":true}`, err: "model contribution: contribution: a JSON bool is not a number (line 1, column 20 of the contribution)"},
		{in: "{\n  \"contribution\": 1,\n  \"Contribution\": {}\n}", err: "model contribution: contribution: a JSON object is not a number (line 3, column 19 of the contribution)"},
		{in: `[]`, err: "model contribution: a JSON array is not an object of a contribution (line 1, column 1 of the contribution)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := qualify.ModelContribution{Contribution: 7}
			err := json.Unmarshal([]byte(tt.in), &c)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c)
		})
	}

	// A contribution inside a verdict counts from its opening brace.
	var v qualify.ReadinessVerdict
	err := json.Unmarshal([]byte("{\"strategy\": \"model\",\n \"contributions\": [\n  {\"feature\": \"score\",\n   \"contribution\": \"lots\"}]}"), &v)
	require.EqualError(t, err, `model contribution: contribution: "lots" is not a number, +Inf, -Inf or NaN (line 2, column 25 of the contribution)`)
}
