package qualify_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/qualify"
)

// rTruth is the known model the labelled histories are drawn from: effects
// on the log-odds per standard deviation of each (transformed) feature.
// Weighted completeness, engaged roles and prior wins have no effect.
var rTruth = map[string]float64{
	qualify.ModelFeatureCompleteness:          1.4,
	qualify.ModelFeatureDaysSinceLastActivity: -1.0,
	qualify.ModelFeatureVelocity:              0.7,
	qualify.ModelFeatureScore:                 0.45,
	qualify.ModelFeatureEmployees:             0.25,
	qualify.ModelFeaturePriorOpportunities:    -0.1,
}

const rTruthIntercept = -1.6

var rIndustries = []string{"Software", "Financial Services", "Healthcare", "Retail"}

// rIndustryEffect is the known effect on the log-odds of each industry.
var rIndustryEffect = map[string]float64{"Software": 0.5, "Financial Services": 0.2, "Healthcare": 0, "Retail": -0.4}

// rFeatures draws one buying group's features.
func rFeatures(r *rand.Rand) qualify.Features {
	c := float64(r.IntN(7)) / 6
	days := r.ExpFloat64() * 20
	if r.IntN(20) == 0 {
		days = math.Inf(1)
	}
	prior := r.IntN(4)
	return qualify.Features{
		Completeness:          c,
		WeightedCompleteness:  math.Min(1, math.Max(0, c+r.NormFloat64()*0.1)),
		Score:                 math.Exp(4 + 0.7*r.NormFloat64()),
		Velocity:              r.NormFloat64() * 30,
		VelocityDays:          14,
		EngagedRoles:          r.IntN(6),
		DaysSinceLastActivity: days,
		Industry:              rIndustries[r.IntN(len(rIndustries))],
		Employees:             int(math.Pow(10, 1+4*r.Float64())),
		PriorOpportunities:    prior,
		PriorWon:              r.IntN(prior + 1),
	}
}

// rTransformed is a feature after the model's transform (the same as the
// trainer applies, so the known model is recoverable).
func rTransformed(name string, f qualify.Features) float64 {
	switch name {
	case qualify.ModelFeatureCompleteness:
		return f.Completeness
	case qualify.ModelFeatureDaysSinceLastActivity:
		return math.Min(f.DaysSinceLastActivity, 365)
	case qualify.ModelFeatureVelocity:
		return f.Velocity
	case qualify.ModelFeatureScore:
		return f.Score
	case qualify.ModelFeatureEmployees:
		return math.Log10(1 + float64(f.Employees))
	case qualify.ModelFeaturePriorOpportunities:
		return float64(f.PriorOpportunities)
	}
	panic(name)
}

// rWorld is a population's standardisation: the mean and standard deviation
// of each transformed feature, measured on a large reference sample.
type rWorld struct{ mean, sd map[string]float64 }

func rNewWorld() rWorld {
	r := rand.New(rand.NewPCG(1, 1))
	w := rWorld{mean: map[string]float64{}, sd: map[string]float64{}}
	fs := make([]qualify.Features, 200_000)
	for i := range fs {
		fs[i] = rFeatures(r)
	}
	for name := range rTruth {
		var s, sq float64
		for _, f := range fs {
			v := rTransformed(name, f)
			s += v
			sq += v * v
		}
		n := float64(len(fs))
		w.mean[name] = s / n
		w.sd[name] = math.Sqrt(sq/n - w.mean[name]*w.mean[name])
	}
	return w
}

// rTrueProbability is the known model's probability for f.
func (w rWorld) rTrueProbability(f qualify.Features) float64 {
	z := rTruthIntercept + rIndustryEffect[f.Industry]
	for name, eff := range rTruth {
		z += eff * (rTransformed(name, f) - w.mean[name]) / w.sd[name]
	}
	return 1 / (1 + math.Exp(-z))
}

// rHistory draws n labelled groups from the known model.
func (w rWorld) rHistory(seed uint64, n int) ([]qualify.ReadinessExample, []float64) {
	r := rand.New(rand.NewPCG(seed, 2))
	ex := make([]qualify.ReadinessExample, n)
	truth := make([]float64, n)
	for i := range ex {
		f := rFeatures(r)
		truth[i] = w.rTrueProbability(f)
		ex[i] = qualify.ReadinessExample{Features: f, Outcome: r.Float64() < truth[i]}
	}
	return ex, truth
}

func rLabels(ex []qualify.ReadinessExample) []bool {
	out := make([]bool, len(ex))
	for i, e := range ex {
		out[i] = e.Outcome
	}
	return out
}

func TestModelRecoversKnownModel(t *testing.T) {
	t.Parallel()
	world := rNewWorld()
	history, _ := world.rHistory(11, 24_000)
	m, err := qualify.ModelTrainer{Seed: 5, Outcome: qualify.ModelOutcome{Days: 90}}.Train(history)
	require.NoError(t, err)
	require.NoError(t, m.Validate())
	require.Equal(t, "opportunity created within 90 days", m.Outcome)
	require.Equal(t, 18_000, m.Training.Examples)

	// Signs of every feature with an effect.
	for name, eff := range rTruth {
		w, ok := m.Weight(name)
		require.True(t, ok, name)
		require.Equal(t, math.Signbit(eff), math.Signbit(w), "%s: true %v, learned %v", name, eff, w)
	}
	// Ranking by size, and features without effect stay small.
	byTrue := slices.SortedFunc(func(yield func(string) bool) {
		for k := range rTruth {
			if !yield(k) {
				return
			}
		}
	}, func(a, b string) int { return cmpAbs(rTruth[b], rTruth[a]) })
	learned := slices.Clone(byTrue)
	slices.SortFunc(learned, func(a, b string) int {
		wa, _ := m.Weight(a)
		wb, _ := m.Weight(b)
		return cmpAbs(wb, wa)
	})
	require.Equal(t, byTrue, learned, "features ranked by the size of their weight")
	for _, name := range []string{qualify.ModelFeatureWeightedCompleteness, qualify.ModelFeatureEngagedRoles, qualify.ModelFeaturePriorWon} {
		w, _ := m.Weight(name)
		require.Less(t, math.Abs(w), 0.08, "%s has no effect in the known model", name)
	}
	// Industry terms: Software above Retail.
	var soft, retail float64
	for _, term := range m.Terms {
		switch term.Category {
		case "Software":
			soft = term.Weight
		case "Retail":
			retail = term.Weight
		}
	}
	require.Greater(t, soft, retail)

	// AUC on fresh data: within 0.02 of the known model's own AUC.
	fresh, truth := world.rHistory(12, 20_000)
	probs := make([]float64, len(fresh))
	for i := range fresh {
		probs[i] = m.Probability(fresh[i].Features)
	}
	known := qualify.ModelAUC(truth, rLabels(fresh))
	got := qualify.ModelAUC(probs, rLabels(fresh))
	require.InDelta(t, known, got, 0.02, "known-model AUC %.4f, learned %.4f", known, got)
	require.InDelta(t, known, m.Evaluation.AUC, 0.02, "held-out AUC %.4f", m.Evaluation.AUC)

	// On the held-out split the model beats the score, alone and as the best
	// single threshold, and is calibrated.
	ev := m.Evaluation
	require.Equal(t, 6000, ev.Examples)
	require.Greater(t, ev.AUC, ev.ScoreAUC+0.1)
	require.Greater(t, ev.AUC, ev.ThresholdAUC+0.1)
	require.Less(t, ev.ECE, 0.03)
	require.Len(t, ev.Calibration, 10)
	t.Logf("known-model AUC %.4f; learned on fresh data %.4f\n%s", known, got, ev)
}

func cmpAbs(a, b float64) int {
	switch x, y := math.Abs(a), math.Abs(b); {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func TestModelTrainingIsDeterministic(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(3, 3000)
	a, err := qualify.ModelTrainer{Seed: 9}.Train(history)
	require.NoError(t, err)
	b, err := qualify.ModelTrainer{Seed: 9}.Train(history)
	require.NoError(t, err)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	require.Equal(t, string(ja), string(jb))
	c, err := qualify.ModelTrainer{Seed: 10}.Train(history)
	require.NoError(t, err)
	require.NotEqual(t, a.Intercept, c.Intercept, "another seed, another split")
}

func TestModelTrainerErrors(t *testing.T) {
	t.Parallel()
	_, err := qualify.ModelTrainer{L2: -1, HoldOut: 0.95}.Train(nil)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.Equal(t, "model trainer: 2 problems:\n  l2: must be a non-negative finite number, got -1\n  holdOut: must be in [0, 0.9), got 0.95", err.Error())

	one := make([]qualify.ReadinessExample, 100)
	_, err = qualify.ModelTrainer{}.Train(one)
	require.ErrorIs(t, err, qualify.ErrModelData)
	require.EqualError(t, err, "cannot train a model on these examples: the training split has 0 positive and 75 negative examples, it needs at least 5 of each")

	bad := []qualify.ReadinessExample{{Features: qualify.Features{Completeness: -1}}}
	_, err = qualify.ModelTrainer{}.Train(bad)
	require.EqualError(t, err, "training data: examples[0].features.completeness: must be between 0 and 1, got -1")
}

// A held-out part too small to measure the model is refused, not reported
// as a measurement of zeros: it needs as many examples as the class check
// asks of it.
func TestModelTrainerHoldOutTooSmall(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(3, 400)
	for _, tt := range []struct {
		name    string
		holdOut float64
		want    string
	}{
		{"none", 0.001, "cannot train a model on these examples: holdOut 0.001 keeps 0 of the 400 examples out of training to measure the model, it needs at least 10 (5 positive and 5 negative)"},
		{"one", 0.003, "cannot train a model on these examples: holdOut 0.003 keeps 1 of the 400 examples out of training to measure the model, it needs at least 10 (5 positive and 5 negative)"},
		{"nine", 0.0225, "cannot train a model on these examples: holdOut 0.0225 keeps 9 of the 400 examples out of training to measure the model, it needs at least 10 (5 positive and 5 negative)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := qualify.ModelTrainer{Seed: 1, HoldOut: tt.holdOut}.Train(history)
			require.ErrorIs(t, err, qualify.ErrModelData)
			require.EqualError(t, err, tt.want)
			require.Nil(t, m)
		})
	}
	// Enough held out: the model is measured on it.
	m, err := qualify.ModelTrainer{Seed: 1, HoldOut: 0.1}.Train(history)
	require.NoError(t, err)
	require.Equal(t, 40, m.Evaluation.Examples)
	require.Positive(t, m.Evaluation.AUC)
}

func TestModelJSON(t *testing.T) {
	t.Parallel()
	history, _ := rNewWorld().rHistory(4, 2000)
	m, err := qualify.ModelTrainer{Seed: 1}.Train(history)
	require.NoError(t, err)
	data, err := json.Marshal(m)
	require.NoError(t, err)
	back, err := qualify.ModelFromJSON(data)
	require.NoError(t, err)
	require.Equal(t, m, back)
	f := history[0].Features
	require.Equal(t, m.Probability(f), back.Probability(f))

	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"unknown field", func(m map[string]any) { m["weights"] = 1 }, `model: unknown field "weights" (line 1, column `},
		{"version", func(m map[string]any) { m["version"] = 2 }, "model: version: unsupported version 2 (want 1)"},
		{"bad terms", func(m map[string]any) {
			terms := m["terms"].([]any)
			terms[0].(map[string]any)["scale"] = 0
			terms[1].(map[string]any)["feature"] = "colour"
			terms[2].(map[string]any)["feature"] = "completeness"
		}, "model: 3 problems:\n  terms[0].scale: must be a positive finite number, got 0\n  terms[1].feature: unknown feature \"colour\" (want one of completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry)\n  terms[2]: duplicates terms[0]"},
		{"industry with blanks", func(m map[string]any) {
			m["terms"] = append(m["terms"].([]any), map[string]any{"feature": "industry", "category": " Fintech ", "mean": 0.1, "scale": 0.3, "weight": 1})
		}, "model: terms[" + fmt.Sprint(len(m.Terms)) + "].category: \" Fintech \" begins or ends with a blank, so it would never equal an account's industry (industries are compared without them)"},
		{"auc out of range", func(m map[string]any) { m["evaluation"].(map[string]any)["auc"] = 1.5 }, "model: evaluation.auc: must be between 0 and 1, got 1.5"},
	}
	// Where each problem is depends on the trained model's numbers: the
	// places are checked below, on models written by hand.
	place := regexp.MustCompile(` \(line \d+, column \d+\)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw map[string]any
			require.NoError(t, json.Unmarshal(data, &raw))
			tt.edit(raw)
			edited, err := json.Marshal(raw)
			require.NoError(t, err)
			_, err = qualify.ModelFromJSON(edited)
			if strings.HasSuffix(tt.want, "column ") { // where depends on the trained model
				require.ErrorContains(t, err, tt.want)
				return
			}
			require.Error(t, err)
			require.Equal(t, tt.want, place.ReplaceAllString(err.Error(), ""))
		})
	}
	_, err = qualify.ModelFromJSON([]byte(`{"version":1} {}`))
	require.EqualError(t, err, "model: unexpected data after the model (line 1, column 15)")

	// What is not JSON of a model says where, in the model's own terms.
	valid := string(data)
	// Where the model's JSON ends: its last line and the column after it.
	lastLine := strings.Count(valid, "\n") + 1
	afterEnd := utf8.RuneCountInString(valid[strings.LastIndexByte(valid, '\n')+1:]) + 1
	for _, tt := range []struct {
		name, data, want string
	}{
		{"closing brace after the model", valid + "}", fmt.Sprintf("model: unexpected data after the model (line %d, column %d)", lastLine, afterEnd)},
		{"closing bracket after the model", valid + "\n]", fmt.Sprintf("model: unexpected data after the model (line %d, column 1)", lastLine+1)},
		{"form feed after the model", "{\"version\": 1}\f", "model: unexpected data after the model (line 1, column 15)"},
		{"second model after blanks", "{\"version\": 1}\n\n  {\"version\": 1}", "model: unexpected data after the model (line 3, column 3)"},
		{"number as text", `{"version": "1"}`, "model: version: a JSON string is not an integer (line 1, column 15)"},
		// An unknown field is placed where its name begins.
		{"unknown field", `{"version": 1, "weights": 1}`, `model: unknown field "weights" (line 1, column 16)`},
		{"unknown field of a term", "{\"version\": 1,\n  \"terms\": [\n    {\"feature\": \"score\", \"scale\": 1},\n    {\"feature\": \"score\", \"wieght\": 2}\n  ]\n}",
			`model: terms[1]: unknown field "wieght" (line 4, column 26)`},
		{"unknown field of a calibration bin", `{"evaluation": {"calibration": [{"lo": 0}, {"cnt": 3}]}}`,
			`model: evaluation.calibration[1]: unknown field "cnt" (line 1, column 45)`},
		{"names match whatever their case", `{"Version": 1, "TERMS": [], "wat": 1}`, `model: unknown field "wat" (line 1, column 29)`},
		{"columns count characters", `{"outcome": "é", "x": 1}`, `model: unknown field "x" (line 1, column 18)`},
		{"escaped name", `{"outcome": "\"", "a\"b": 1}`, `model: unknown field "a\"b" (line 1, column 19)`},
		{"term weight as text", "{\n  \"terms\": [{\"weight\": \"x\"}]}", "model: terms[0].weight: a JSON string is not a number (line 2, column 26)"},
		// A value of the wrong type is named by its path, with the index
		// of each list it is in.
		{"second term's scale as text", `{"terms":[{"feature":"score","scale":1},{"feature":"score","scale":"x"}]}`,
			"model: terms[1].scale: a JSON string is not a number (line 1, column 70)"},
		{"term on its own line", "{\"version\": 1,\n  \"terms\": [\n    {\"feature\": \"score\"},\n    {\"feature\": \"score\", \"mean\": true}\n  ]\n}",
			"model: terms[1].mean: a JSON bool is not a number (line 4, column 37)"},
		{"names of any case", `{"Terms":[{},{},{"SCALE":"x"}]}`, "model: terms[2].scale: a JSON string is not a number (line 1, column 28)"},
		{"list in a string's place", `{"terms":[{},{"feature":["x"]}]}`, "model: terms[1].feature: a JSON array is not a string (line 1, column 25)"},
		{"object in a string's place", `{"terms":[{},{"feature":{"a":[1]}}]}`, "model: terms[1].feature: a JSON object is not a string (line 1, column 25)"},
		{"number in a bin's place", `{"evaluation":{"calibration":[{"lo":0},1]}}`, "model: evaluation.calibration[1]: a JSON number is not an object (line 1, column 40)"},
		{"bin count as text", `{"evaluation":{"calibration":[{"lo":0},{"count":"3"}]}}`, "model: evaluation.calibration[1].count: a JSON string is not an integer (line 1, column 51)"},
		{"the first wrong value", `{"terms":[{"scale":"x"}],"terms":[{},{"scale":"y"}]}`, "model: terms[0].scale: a JSON string is not a number (line 1, column 22)"},
		{"terms as an object", `{"terms":{"a":1}}`, "model: terms: a JSON object is not a list (line 1, column 10)"},
		// Integers say which integers.
		{"negative seed", `{"training":{"seed":-1}}`, "model: training.seed: a JSON number -1 is not a non-negative integer (line 1, column 22)"},
		{"seed as text", `{"training":{"seed":"1"}}`, "model: training.seed: a JSON string is not a non-negative integer (line 1, column 23)"},
		{"seed too large", `{"training":{"seed":18446744073709551616}}`,
			"model: training.seed: a JSON number 18446744073709551616 is not an integer from 0 to 18446744073709551615 (line 1, column 40)"},
		{"version too large", `{"version":9223372036854775808}`,
			"model: version: a JSON number 9223372036854775808 is not an integer from -9223372036854775808 to 9223372036854775807 (line 1, column 30)"},
		{"version with a fraction", `{"version":1.5}`, "model: version: a JSON number 1.5 is not an integer (line 1, column 14)"},
		{"intercept too large", `{"intercept":-1e999}`, "model: intercept: a JSON number -1e999 is not a number from -1.7976931348623157e+308 to 1.7976931348623157e+308 (line 1, column 19)"},
		{"terms as text", `{"version": 1, "terms": "x"}`, "model: terms: a JSON string is not a list (line 1, column 27)"},
		{"not an object", `[]`, "model: a JSON array is not a model (line 1, column 1)"},
		{"syntax", "{\n  \"version\": 1,\n}", "model: invalid character '}' looking for beginning of object key string (line 3, column 1)"},
		{"empty", ``, "model: no JSON data"},
		{"cut short", `{"version": 1`, "model: unexpected end of JSON data"},
	} {
		_, err := qualify.ModelFromJSON([]byte(tt.data))
		require.EqualError(t, err, tt.want, tt.name)
	}
}

func TestModelAUC(t *testing.T) {
	t.Parallel()
	require.Equal(t, 1.0, qualify.ModelAUC([]float64{0.1, 0.9}, []bool{false, true}))
	require.Equal(t, 0.0, qualify.ModelAUC([]float64{0.9, 0.1}, []bool{false, true}))
	require.Equal(t, 0.5, qualify.ModelAUC([]float64{0.5, 0.5}, []bool{false, true}))
	// 2 positives, 2 negatives: pairs (p,n): .8>.3 .8>.5 .4>.3 .4<.5 -> 3/4.
	require.Equal(t, 0.75, qualify.ModelAUC([]float64{0.8, 0.4, 0.3, 0.5}, []bool{true, true, false, false}))
	require.True(t, math.IsNaN(qualify.ModelAUC([]float64{1}, []bool{true})))
}

// The calibration table names each bin by its bounds: with 20 bins, the
// second is [0.05, 0.10), which one decimal would write as [0.1, 0.1);
// with 3, the first ends at 1/3, not at 0.3.
func TestModelEvaluationNamesItsBins(t *testing.T) {
	t.Parallel()
	bins := func(n int) qualify.ModelEvaluation {
		e := qualify.ModelEvaluation{Examples: n}
		for b := range n {
			e.Calibration = append(e.Calibration, qualify.ModelCalibrationBin{Lo: float64(b) / float64(n), Hi: float64(b+1) / float64(n), Count: 1, Predicted: 0.5})
		}
		return e
	}
	for _, tt := range []struct {
		bins int
		want []string
	}{
		{10, []string{"  [0.0, 0.1)  ", "  [0.9, 1.0)  "}},
		{20, []string{"  [0.00, 0.05)  ", "  [0.05, 0.10)  ", "  [0.95, 1.00)  "}},
		{3, []string{"  [0.000, 0.333)  ", "  [0.333, 0.667)  ", "  [0.667, 1.000)  "}},
	} {
		s := bins(tt.bins).String()
		for _, w := range tt.want {
			require.Contains(t, s, w, "%d bins:\n%s", tt.bins, s)
		}
	}
}

// TestModelIndustriesFoldAsTheyMatch: an industry term matches an account's
// industry whatever its case ("ΤΡΆΠΕΖΕΣ" is "Τράπεζες": Σ folds to both σ
// and the final ς), so the spellings that match one term are one industry
// when training counts and names them and when a model is validated.
func TestModelIndustriesFoldAsTheyMatch(t *testing.T) {
	t.Parallel()
	history := func(spellings ...string) []qualify.ReadinessExample {
		var ex []qualify.ReadinessExample
		for i := range 120 {
			ex = append(ex, qualify.ReadinessExample{
				Features: qualify.Features{Completeness: float64(i%10) / 10, Score: float64(i % 37), DaysSinceLastActivity: 3,
					Industry: spellings[i%len(spellings)]},
				Outcome: i%3 == 0,
			})
		}
		return ex
	}
	industries := func(m *qualify.Model) []string {
		var out []string
		for _, term := range m.Terms {
			if term.Feature == qualify.ModelFeatureIndustry {
				out = append(out, term.Category)
			}
		}
		return out
	}
	tests := []struct {
		name      string
		spellings []string
		min       int
		want      int // industry terms
	}{
		{"one industry in two cases", []string{"Τράπεζες", "ΤΡΆΠΕΖΕΣ"}, 0, 1},
		{"counted together", []string{"Τράπεζες", "ΤΡΆΠΕΖΕΣ", "Software"}, 50, 1}, // 80 and 40 examples
		{"ASCII case", []string{"software", "SOFTWARE", "Software"}, 0, 1},
		{"two industries", []string{"Τράπεζες", "software", "ΤΡΆΠΕΖΕΣ", "SOFTWARE"}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := qualify.ModelTrainer{Seed: 1, MinIndustryCount: tt.min}.Train(history(tt.spellings...))
			require.NoError(t, err)
			got := industries(m)
			require.Len(t, got, tt.want, "terms %q", got)
			for _, ind := range tt.spellings[:2] { // the first two are always frequent enough
				matched := slices.IndexFunc(got, func(c string) bool { return strings.EqualFold(c, ind) })
				require.GreaterOrEqual(t, matched, 0, "no term for %q: %q", ind, got)
			}
		})
	}

	m := rExplainModel()
	m.Terms = append(m.Terms,
		qualify.ModelTerm{Feature: qualify.ModelFeatureIndustry, Category: "Τράπεζες", Scale: 1},
		qualify.ModelTerm{Feature: qualify.ModelFeatureIndustry, Category: "ΤΡΆΠΕΖΕΣ", Scale: 1})
	n := len(m.Terms)
	require.EqualError(t, m.Validate(), fmt.Sprintf("model: terms[%d]: duplicates terms[%d]", n-1, n-2))
}

// TestModelJSONPlacesProblems: a model that is JSON of a model but not a
// valid one (an unknown feature, a scale of 0) has each problem placed at
// the line and column where its value begins, as the decoding errors are,
// so a hand-edited file is fixed where it is wrong; of a key written
// twice the value read is the one placed. A problem of a value the JSON
// does not hold (a missing version) keeps its path alone.
func TestModelJSONPlacesProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"unknown feature", "{\"version\": 1,\n  \"terms\": [\n    {\"feature\": \"score\", \"scale\": 1},\n    {\"feature\": \"colour\", \"scale\": 1}\n  ]\n}",
			`model: terms[1].feature: unknown feature "colour" (want one of completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry) (line 4, column 17)`},
		{"several problems", "{\"version\": 2,\n  \"terms\": [\n    {\"feature\": \"score\", \"scale\": 0},\n    {\"feature\": \"score\", \"scale\": 1}\n  ],\n  \"evaluation\": {\"calibration\": [], \"auc\": 1.5}\n}",
			"model: 4 problems:\n  version: unsupported version 2 (want 1) (line 1, column 13)\n" +
				"  terms[0].scale: must be a positive finite number, got 0 (line 3, column 35)\n" +
				"  terms[1]: duplicates terms[0] (line 4, column 5)\n" +
				"  evaluation.auc: must be between 0 and 1, got 1.5 (line 6, column 44)"},
		{"missing version", `{"terms": [{"feature": "score", "scale": 1}]}`, "model: version: unsupported version 0 (want 1)"},
		{"no terms", `{"version": 1, "terms": []}`, "model: terms: a model needs at least one term (line 1, column 25)"},
		{"key written twice", `{"version": 1, "terms": [{"feature": "score", "scale": 1, "scale": 0}]}`,
			"model: terms[0].scale: must be a positive finite number, got 0 (line 1, column 68)"},
		{"names of any case", `{"version": 1, "TERMS": [{"Feature": "colour", "scale": 1}]}`,
			`model: terms[0].feature: unknown feature "colour" (want one of completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry) (line 1, column 38)`},
		{"a later list replaces an earlier one", `{"version": 1, "terms": [{"feature": "score", "scale": 1}, {"feature": "x", "scale": 1}], "terms": [{"feature": "score", "scale": 0}]}`,
			"model: terms[0].scale: must be a positive finite number, got 0 (line 1, column 131)"},
		{"a later object adds to an earlier one", `{"version": 1, "terms": [{"feature": "score", "scale": 1}], "training": {"l2": -1}, "training": {"seed": 3}}`,
			"model: training.l2: must be a non-negative finite number, got -1 (line 1, column 80)"},
		{"null keeps the value", `{"version": 1, "terms": [{"feature": "score", "scale": 0, "scale": null}]}`,
			"model: terms[0].scale: must be a positive finite number, got 0 (line 1, column 56)"},
		{"columns count characters", `{"outcome": "é", "version": 1, "terms": [{"feature": "é", "scale": 1}]}`,
			`model: terms[0].feature: unknown feature "é" (want one of completeness, weightedCompleteness, score, velocity, engagedRoles, daysSinceLastActivity, employees, priorOpportunities, priorWon, industry) (line 1, column 54)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := qualify.ModelFromJSON([]byte(tt.data))
			require.EqualError(t, err, tt.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
		})
	}
}

// TestModelCalibrationBinProblems: a calibration bin that is not valid
// says which of its values is wrong and why, in the model's terms, not as
// a Go struct ("{Lo:0.5 Hi:0.2 Count:0 Predicted:0 Observed:0}").
func TestModelCalibrationBinProblems(t *testing.T) {
	t.Parallel()
	const head = `{"version": 1, "terms": [{"feature": "score", "scale": 1}], "evaluation": {"calibration": [{"lo": 0, "hi": 0.5}, `
	tests := []struct {
		name, bin, want string
	}{
		{"bounds reversed", `{"lo": 0.5, "hi": 0.2}`, "model: evaluation.calibration[1]: lo 0.5 is above hi 0.2 (line 1, column 114)"},
		{"lo below 0", `{"lo": -0.1, "hi": 0.2}`, "model: evaluation.calibration[1].lo: must be between 0 and 1, got -0.1 (line 1, column 121)"},
		{"hi above 1", `{"lo": 0.5, "hi": 1.5}`, "model: evaluation.calibration[1].hi: must be between 0 and 1, got 1.5 (line 1, column 132)"},
		{"negative count", `{"lo": 0.5, "hi": 1, "count": -1}`, "model: evaluation.calibration[1].count: must not be negative, got -1 (line 1, column 144)"},
		{"several", `{"lo": 0.5, "hi": 1, "predicted": 2, "observed": -1}`,
			"model: 2 problems:\n  evaluation.calibration[1].predicted: must be between 0 and 1, got 2 (line 1, column 148)\n" +
				"  evaluation.calibration[1].observed: must be between 0 and 1, got -1 (line 1, column 163)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := qualify.ModelFromJSON([]byte(head + tt.bin + `]}}`))
			require.EqualError(t, err, tt.want)
		})
	}
}
