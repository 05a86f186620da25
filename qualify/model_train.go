package qualify

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// ReadinessExample is one buying group at one time in the past, with what
// happened next (see [ModelOutcome]).
type ReadinessExample struct {
	Features Features `json:"features"`
	Outcome  bool     `json:"outcome"`
}

// ModelOutcome defines the label of a past buying group: an opportunity was
// created (or, with Won, won) on the account within Days days after the
// time the features were taken.
type ModelOutcome struct {
	Won  bool `json:"won"`
	Days int  `json:"days"`
}

// String says what the outcome is: "opportunity created within 90 days".
func (o ModelOutcome) String() string {
	what := "created"
	if o.Won {
		what = "won"
	}
	return fmt.Sprintf("opportunity %s within %d days", what, o.Days)
}

// Label reports whether opps show the outcome after at: an opportunity
// created in (at, at+Days], or won with a close in that window.
func (o ModelOutcome) Label(at time.Time, opps []b2b.Opportunity) bool {
	end, endless := at, false
	if int64(o.Days) > modelMaxOutcomeDays {
		// Days * 24h would wrap around to a negative duration.
		endless = true
	} else {
		end = at.Add(time.Duration(o.Days) * 24 * time.Hour)
	}
	in := func(t time.Time) bool { return !t.IsZero() && t.After(at) && (endless || !t.After(end)) }
	for i := range opps {
		op := &opps[i]
		if o.Won {
			if op.Status == b2b.OpportunityWon && in(op.ClosedAt) {
				return true
			}
		} else if in(op.CreatedAt) {
			return true
		}
	}
	return false
}

// modelMaxOutcomeDays is the most days a time.Duration holds (about 292
// years).
const modelMaxOutcomeDays = math.MaxInt64 / int64(24*time.Hour)

// ModelTrainer trains a [Model]: L2-regularised logistic regression fitted
// by Newton's method on standardised features, on a seeded random split of
// the examples; the held-out part measures the model. The zero value of a
// field means its default.
type ModelTrainer struct {
	// L2 is the penalty on the squared weights (per standard deviation);
	// default 1. Larger values shrink weights towards 0.
	L2 float64 `json:"l2"`
	// HoldOut is the share of examples kept out of training to measure the
	// model; default 0.25. The share must keep at least 10 examples, 5
	// with the outcome and 5 without, or Train refuses the examples with
	// [ErrModelData].
	HoldOut float64 `json:"holdOut"`
	// Seed chooses the split; the same seed and examples give the same
	// model.
	Seed uint64 `json:"seed"`
	// MaxIterations bounds the Newton steps; default 100.
	MaxIterations int `json:"maxIterations"`
	// MinIndustryCount is how many training examples an industry needs to
	// get its own term; default 20.
	MinIndustryCount int `json:"minIndustryCount"`
	// CalibrationBins is the number of equal-width probability bins of the
	// calibration table; default 10.
	CalibrationBins int `json:"calibrationBins"`
	// Outcome is recorded in the model, to say what it predicts.
	Outcome ModelOutcome `json:"outcome"`
}

// ErrModelData is matched by the errors of training on data that cannot
// train a model (too few examples, a single class, a held-out share too
// small to measure the model, a feature whose values are too far apart
// for a float64, a fit that does not give finite weights, a held-out
// example so far from the training data that the model gives it no
// probability).
var ErrModelData = errors.New("cannot train a model on these examples")

func (t ModelTrainer) withDefaults() ModelTrainer {
	t.L2 = cmp.Or(t.L2, 1)
	t.HoldOut = cmp.Or(t.HoldOut, 0.25)
	t.MaxIterations = cmp.Or(t.MaxIterations, 100)
	t.MinIndustryCount = cmp.Or(t.MinIndustryCount, 20)
	t.CalibrationBins = cmp.Or(t.CalibrationBins, 10)
	return t
}

// Validate checks the settings.
func (t ModelTrainer) Validate() error {
	var ps b2b.Problems
	if t.L2 < 0 || math.IsNaN(t.L2) || math.IsInf(t.L2, 0) {
		ps.Addf("l2", "must be a non-negative finite number, got %v", t.L2)
	}
	if t.HoldOut < 0 || t.HoldOut >= 0.9 || math.IsNaN(t.HoldOut) {
		ps.Addf("holdOut", "must be in [0, 0.9), got %v", t.HoldOut)
	}
	if t.MaxIterations < 0 {
		ps.Addf("maxIterations", "must not be negative, got %d", t.MaxIterations)
	}
	if t.MinIndustryCount < 0 {
		ps.Addf("minIndustryCount", "must not be negative, got %d", t.MinIndustryCount)
	}
	if t.CalibrationBins < 0 || t.CalibrationBins > 100 {
		ps.Addf("calibrationBins", "must be between 1 and 100, got %d", t.CalibrationBins)
	}
	if t.Outcome.Days < 0 {
		ps.Addf("outcome.days", "must not be negative, got %d", t.Outcome.Days)
	}
	return ps.Err("model trainer")
}

// modelMinExamples is the fewest examples per split and class.
const modelMinExamples = 5

// Train fits a model on a seeded split of examples and measures it on the
// held-out part ([Model.Evaluation]). Invalid examples are refused (the
// error lists each with its index); a split without both outcomes, or a
// held-out part too small to measure the model (fewer than 10 examples),
// is an [ErrModelData] error.
func (t ModelTrainer) Train(examples []ReadinessExample) (*Model, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	t = t.withDefaults()
	var ps b2b.Problems
	for i := range examples {
		ps.Add(fmt.Sprintf("examples[%d].features", i), examples[i].Features.Validate())
	}
	if err := ps.Err("training data"); err != nil {
		return nil, err
	}
	order := rand.New(rand.NewPCG(t.Seed, 0x7265616479)).Perm(len(examples))
	nTest := int(math.Round(t.HoldOut * float64(len(examples))))
	test := make([]ReadinessExample, 0, nTest)
	train := make([]ReadinessExample, 0, len(examples)-nTest)
	for k, i := range order {
		if k < nTest {
			test = append(test, examples[i])
		} else {
			train = append(train, examples[i])
		}
	}
	if err := modelCheckClasses("training", train); err != nil {
		return nil, err
	}
	// The held-out part is what Evaluation measures: too small to hold
	// both outcomes, it would measure nothing, and a model must not look
	// measured when it was not.
	if nTest < 2*modelMinExamples {
		return nil, fmt.Errorf("%w: holdOut %v keeps %d of the %d examples out of training to measure the model, it needs at least %d (%d positive and %d negative)",
			ErrModelData, t.HoldOut, nTest, len(examples), 2*modelMinExamples, modelMinExamples, modelMinExamples)
	}
	if err := modelCheckClasses("held-out", test); err != nil {
		return nil, err
	}

	m := &Model{Version: ModelVersion, Terms: modelTerms(train, t.MinIndustryCount)}
	for _, term := range m.Terms {
		if math.IsInf(term.Mean, 0) || math.IsInf(term.Scale, 0) {
			return nil, fmt.Errorf("%w: the %s values are too far apart to standardise in a float64", ErrModelData, term.Feature)
		}
	}
	if t.Outcome.Days > 0 {
		m.Outcome = t.Outcome.String()
	}
	x, y := modelDesign(m.Terms, train)
	w, iters, err := modelFit(x, y, len(m.Terms)+1, t.L2, t.MaxIterations)
	if err != nil {
		return nil, err
	}
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: the fit gave weights that are not finite numbers", ErrModelData)
		}
	}
	m.Intercept = w[0]
	for j := range m.Terms {
		m.Terms[j].Weight = w[j+1]
	}
	pos := 0
	for _, e := range train {
		if e.Outcome {
			pos++
		}
	}
	m.Training = ModelTraining{L2: t.L2, Seed: t.Seed, HoldOut: t.HoldOut, Examples: len(train), Positives: pos, Iterations: iters}
	// A held-out example whose terms push the log-odds to +Inf and -Inf
	// at once (values far beyond those trained on) has no probability to
	// measure the model with.
	for _, i := range order[:nTest] {
		if p, contribs := m.Explain(examples[i].Features); math.IsNaN(p) {
			return nil, fmt.Errorf("%w: examples[%d], held out to measure the model, is too far from the training data: the model's log-odds are %s, which give no probability",
				ErrModelData, i, modelInfinities(contribs))
		}
	}
	m.Evaluation = modelEvaluate(m, train, test, t.CalibrationBins)
	return m, nil
}

func modelCheckClasses(split string, ex []ReadinessExample) error {
	pos := 0
	for _, e := range ex {
		if e.Outcome {
			pos++
		}
	}
	if pos < modelMinExamples || len(ex)-pos < modelMinExamples {
		return fmt.Errorf("%w: the %s split has %d positive and %d negative examples, it needs at least %d of each", ErrModelData, split, pos, len(ex)-pos, modelMinExamples)
	}
	return nil
}

// modelTerms chooses the terms and their standardisation from the training
// examples.
func modelTerms(train []ReadinessExample, minIndustry int) []ModelTerm {
	var terms []ModelTerm
	for _, f := range ModelNumericFeatures {
		terms = append(terms, ModelTerm{Feature: f})
	}
	// Industries are counted by their folded spelling, as a term matches
	// them (see modelIndustryKey).
	counts := map[string]int{}
	first := map[string]string{} // key -> first spelling seen, for display
	for i := range train {
		ind := strings.TrimSpace(train[i].Features.Industry)
		if ind == "" {
			continue
		}
		k := modelIndustryKey(ind)
		counts[k]++
		if _, ok := first[k]; !ok {
			first[k] = ind
		}
	}
	var keys []string
	for k, n := range counts {
		if n >= max(minIndustry, 1) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(strings.Compare(strings.ToLower(first[a]), strings.ToLower(first[b])), strings.Compare(a, b))
	})
	inds := make([]string, len(keys))
	for i, k := range keys {
		inds[i] = first[k]
	}
	for _, ind := range inds {
		terms = append(terms, ModelTerm{Feature: ModelFeatureIndustry, Category: ind})
	}
	vs := make([]float64, len(train))
	for j := range terms {
		t := &terms[j]
		for i := range train {
			vs[i] = modelTermValue(t, &train[i].Features)
		}
		t.Mean, t.Scale = modelStandardisation(vs)
	}
	return terms
}

// modelStandardisation returns the mean and the standard deviation of vs
// (1 when they are all the same). It takes two passes, the mean then the
// deviations from it, as the sum of squares less the squared mean loses
// every digit of a small spread around a large mean (scores of 1e9 ± 2
// gave 16); and it scales what it adds, so that values near the largest
// float64 do not overflow: a mean or deviation that does not fit a
// float64 is ±Inf, which Train refuses.
func modelStandardisation(vs []float64) (mean, sd float64) {
	n := float64(len(vs))
	for _, v := range vs {
		mean += v / n
	}
	var fix float64 // what the rounding of the sum lost
	for _, v := range vs {
		fix += (v - mean) / n
	}
	if !math.IsInf(fix, 0) && !math.IsNaN(fix) {
		mean += fix
	}
	big := 0.0
	for _, v := range vs {
		big = math.Max(big, math.Abs(v-mean))
	}
	switch {
	case big < 1e-12: // every value the same: no spread to scale by
		return mean, 1
	case math.IsInf(big, 0):
		return mean, big
	}
	var sq float64
	for _, v := range vs {
		d := (v - mean) / big
		sq += d * d / n
	}
	sd = big * math.Sqrt(sq)
	if sd < 1e-12 {
		sd = 1
	}
	return mean, sd
}

// modelDesign returns the standardised design matrix (row-major, with a
// leading 1 for the intercept) and the labels.
func modelDesign(terms []ModelTerm, ex []ReadinessExample) ([]float64, []float64) {
	d := len(terms) + 1
	x := make([]float64, len(ex)*d)
	y := make([]float64, len(ex))
	for i := range ex {
		row := x[i*d : (i+1)*d]
		row[0] = 1
		for j := range terms {
			t := &terms[j]
			row[j+1] = modelStandard(t, &ex[i].Features)
		}
		if ex[i].Outcome {
			y[i] = 1
		}
	}
	return x, y
}

// modelFit minimises the log-loss plus l2/2 * |w|^2 (the intercept is not
// penalised) by Newton's method.
func modelFit(x, y []float64, d int, l2 float64, maxIter int) ([]float64, int, error) {
	n := len(y)
	w := make([]float64, d)
	g := make([]float64, d)
	h := make([]float64, d*d)
	for iter := 1; iter <= maxIter; iter++ {
		clear(g)
		clear(h)
		for i := 0; i < n; i++ {
			row := x[i*d : (i+1)*d]
			z := 0.0
			for j, v := range row {
				z += w[j] * v
			}
			p := modelSigmoid(z)
			r, s := p-y[i], math.Max(p*(1-p), 1e-12)
			for j, vj := range row {
				g[j] += r * vj
				hj := h[j*d : (j+1)*d]
				for k := 0; k <= j; k++ {
					hj[k] += s * vj * row[k]
				}
			}
		}
		for j := 1; j < d; j++ {
			g[j] += l2 * w[j]
			h[j*d+j] += l2
		}
		for j := 0; j < d; j++ { // mirror the lower triangle
			for k := j + 1; k < d; k++ {
				h[j*d+k] = h[k*d+j]
			}
		}
		step, err := modelSolve(h, g, d)
		if err != nil {
			return nil, iter, err
		}
		biggest := 0.0
		for j := range w {
			w[j] -= step[j]
			biggest = math.Max(biggest, math.Abs(step[j]))
		}
		if biggest < 1e-9 {
			return w, iter, nil
		}
	}
	return w, maxIter, nil
}

// modelSolve solves h * s = g for a symmetric positive definite h by
// Cholesky decomposition.
func modelSolve(h, g []float64, d int) ([]float64, error) {
	l := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			sum := h[i*d+j]
			for k := 0; k < j; k++ {
				sum -= l[i*d+k] * l[j*d+k]
			}
			if i == j {
				if sum <= 0 {
					return nil, fmt.Errorf("%w: the features are degenerate (set a positive L2)", ErrModelData)
				}
				l[i*d+i] = math.Sqrt(sum)
			} else {
				l[i*d+j] = sum / l[j*d+j]
			}
		}
	}
	z := make([]float64, d)
	for i := 0; i < d; i++ {
		sum := g[i]
		for k := 0; k < i; k++ {
			sum -= l[i*d+k] * z[k]
		}
		z[i] = sum / l[i*d+i]
	}
	s := make([]float64, d)
	for i := d - 1; i >= 0; i-- {
		sum := z[i]
		for k := i + 1; k < d; k++ {
			sum -= l[k*d+i] * s[k]
		}
		s[i] = sum / l[i*d+i]
	}
	return s, nil
}
