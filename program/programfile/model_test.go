package programfile_test

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/qualify"
)

var update = flag.Bool("update", false, "rewrite examples/programs/readiness-model.json from its synthetic training data")

// syntheticExamples are buying groups of an imaginary history in which an
// opportunity follows mostly from a complete, engaged and warming
// committee; the raw score alone says less. They exist to train the
// illustrative model of option-c.yaml, nothing more.
func syntheticExamples() []qualify.ReadinessExample {
	rng := rand.New(rand.NewPCG(2026, 3))
	industries := []string{"Software", "Financial Services", "Healthcare", "Manufacturing"}
	out := make([]qualify.ReadinessExample, 0, 600)
	for range 600 {
		roles := rng.IntN(6)
		completeness := math.Min(1, float64(roles)/4*(0.7+0.3*rng.Float64()))
		score := rng.Float64() * 300
		velocity := rng.NormFloat64() * 30
		quiet := rng.Float64() * 60
		logit := -3.2 + 3.5*completeness + 0.45*float64(roles) + 0.004*score + 0.02*velocity - 0.03*quiet
		f := qualify.Features{
			Completeness: completeness, WeightedCompleteness: completeness, Score: score,
			Velocity: velocity, VelocityDays: 14, EngagedRoles: roles, DaysSinceLastActivity: quiet,
			Industry: industries[rng.IntN(len(industries))], Employees: 50 + rng.IntN(20000),
		}
		out = append(out, qualify.ReadinessExample{Features: f, Outcome: rng.Float64() < 1/(1+math.Exp(-logit))})
	}
	return out
}

func trainIllustrativeModel(t *testing.T) *qualify.Model {
	t.Helper()
	m, err := qualify.ModelTrainer{Seed: 7, Outcome: qualify.ModelOutcome{Days: 90}}.Train(syntheticExamples())
	require.NoError(t, err)
	return m
}

// TestReadinessModelFile checks that the model file option-c.yaml names is
// the one its synthetic training data gives (go test -update rewrites it).
func TestReadinessModelFile(t *testing.T) {
	t.Parallel()
	path := fixture("readiness-model.json")
	m := trainIllustrativeModel(t)
	if *update {
		b, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	saved, err := qualify.ModelFromJSON(data)
	require.NoError(t, err)
	require.InDelta(t, m.Intercept, saved.Intercept, 1e-6)
	require.Len(t, saved.Terms, len(m.Terms))
	for i, term := range m.Terms {
		require.Equal(t, term.Feature+"/"+term.Category, saved.Terms[i].Feature+"/"+saved.Terms[i].Category)
		require.InDelta(t, term.Weight, saved.Terms[i].Weight, 1e-6, term.Feature)
	}
	// The model learnt what the data hold: completeness raises readiness.
	w, ok := saved.Weight("completeness")
	require.True(t, ok)
	require.Positive(t, w)
}

// TestModelFileValidationProblems checks that a model file's problems as
// a model (an unknown feature, a scale of 0) are told as an inline
// model's are: each at its line and column in the model file, and
// together with its reading problems, not hidden by them.
func TestModelFileValidationProblems(t *testing.T) {
	t.Parallel()
	prog := "name: m\ninterests: [{id: dp, template: standard}]\nreadiness:\n  strategy: model\n  model: model.json\n"
	for _, tc := range []struct{ name, model, want string }{
		{
			name: "valid as a model only",
			model: `{"version": 1,
 "intercept": 0,
 "terms": [{"feature": "nope", "mean": 0, "scale": 0, "weight": 1}]}
`,
			want: `p/m.yaml:5:10: readiness.model: model file "model.json":
    p/model.json:3:24: terms[0].feature: unknown feature "nope" (want one of completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry)
    p/model.json:3:52: terms[0].scale: must be a positive finite number, got 0`,
		},
		{
			name: "with a reading problem",
			model: `{"version": 2,
 "intercept": "x",
 "terms": [{"feature": "score", "mean": 0, "scale": 0, "weight": 1}]}
`,
			want: `p/m.yaml:5:10: readiness.model: model file "model.json":
    p/model.json:1:13: version: unsupported version 2 (want 1)
    p/model.json:2:15: intercept: expected a number, got the text "x"
    p/model.json:3:53: terms[0].scale: must be a positive finite number, got 0`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"p/m.yaml": {Data: []byte(prog)}, "p/model.json": {Data: []byte(tc.model)}}
			_, err := programfile.LoadFS(fsys, "p/m.yaml")
			require.EqualError(t, err, tc.want)
		})
	}
}

// TestModelFileNameEmpty checks that a readiness model written as an
// empty file name is told as that, not as a failure to read the
// program's directory.
func TestModelFileNameEmpty(t *testing.T) {
	t.Parallel()
	for _, name := range []string{`""`, `"  "`} {
		prog := "name: m\ninterests: [{id: dp, template: standard}]\nreadiness:\n  strategy: model\n  model: " + name + "\n"
		_, err := programfile.Parse(filepath.Join(t.TempDir(), "m.yaml"), []byte(prog))
		require.ErrorContains(t, err, "m.yaml:5:10: readiness.model: an empty file name: name the model's JSON file, or write the model in the program")
		fsys := fstest.MapFS{"p/m.yaml": {Data: []byte(prog)}}
		_, err = programfile.LoadFS(fsys, "p/m.yaml")
		require.EqualError(t, err, "p/m.yaml:5:10: readiness.model: an empty file name: name the model's JSON file, or write the model in the program")
	}
}
