package qualify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// ModelVersion is the version of the JSON form of a [Model].
const ModelVersion = 1

// The features a model can use. Each reads one field of [Features], after a
// fixed transform: days since last activity is capped at 365, employees are
// read as log10(1+employees), and industry is one term per industry seen in
// training (1 for that industry, 0 otherwise).
const (
	ModelFeatureCompleteness          = "completeness"
	ModelFeatureWeightedCompleteness  = "weightedCompleteness"
	ModelFeatureScore                 = "score"
	ModelFeatureVelocity              = "velocity"
	ModelFeatureEngagedRoles          = "engagedRoles"
	ModelFeatureDaysSinceLastActivity = "daysSinceLastActivity"
	ModelFeatureEmployees             = "employees"
	ModelFeaturePriorOpportunities    = "priorOpportunities"
	ModelFeaturePriorWon              = "priorWon"
	ModelFeatureIndustry              = "industry"
)

// ModelNumericFeatures lists the numeric features in the order a trained
// model holds them (the industry terms follow).
var ModelNumericFeatures = []string{
	ModelFeatureCompleteness, ModelFeatureWeightedCompleteness, ModelFeatureScore,
	ModelFeatureVelocity, ModelFeatureEngagedRoles, ModelFeatureDaysSinceLastActivity,
	ModelFeatureEmployees, ModelFeaturePriorOpportunities, ModelFeaturePriorWon,
}

// modelMaxDays caps days since last activity.
const modelMaxDays = 365

// A Model is a logistic regression over standardised features: the
// log-odds of the outcome is
//
//	Intercept + sum over terms of Weight * (x - Mean) / Scale
//
// so Intercept is the log-odds of an average group of the training data,
// and each term's part of the sum is its contribution: how much that
// feature pushes this group above or below the average.
type Model struct {
	Version int `json:"version"`
	// Outcome says in words what the model predicts ("opportunity created
	// within 90 days").
	Outcome    string          `json:"outcome,omitempty"`
	Intercept  float64         `json:"intercept"`
	Terms      []ModelTerm     `json:"terms"`
	Training   ModelTraining   `json:"training"`
	Evaluation ModelEvaluation `json:"evaluation"`
}

// A ModelTerm is one input of a model.
type ModelTerm struct {
	Feature string `json:"feature"`
	// Category is the industry of an industry term, empty otherwise.
	Category string  `json:"category,omitempty"`
	Mean     float64 `json:"mean"`
	Scale    float64 `json:"scale"`
	// Weight is the change of log-odds per Scale (one standard deviation
	// in the training data).
	Weight float64 `json:"weight"`
}

// ModelTraining records how a model was trained.
type ModelTraining struct {
	L2        float64 `json:"l2"`
	Seed      uint64  `json:"seed"`
	HoldOut   float64 `json:"holdOut"`
	Examples  int     `json:"examples"`
	Positives int     `json:"positives"`
	// Iterations is how many Newton steps training took.
	Iterations int `json:"iterations"`
}

// ModelContribution is one feature's push on a group's log-odds.
type ModelContribution struct {
	Feature string `json:"feature"`
	// Value describes the group's value in words ("completeness 0.8",
	// "velocity +45 in 14 days", "no activity for 20 days").
	Value        string  `json:"value"`
	Contribution float64 `json:"contribution"`
}

// MarshalJSON writes the contribution as encoding/json does, but one that
// is not a finite number, which JSON has none for, as the string "+Inf",
// "-Inf" or "NaN": features so far from a model's training data (or a
// model's scale so small) that a term overflows push the log-odds by
// +Inf, and the verdict that decides must still be saved.
func (c ModelContribution) MarshalJSON() ([]byte, error) {
	type plain ModelContribution
	x := c.Contribution
	if !math.IsInf(x, 0) && !math.IsNaN(x) {
		return json.Marshal(plain(c))
	}
	return json.Marshal(struct {
		Feature      string `json:"feature"`
		Value        string `json:"value"`
		Contribution string `json:"contribution"`
	}{c.Feature, c.Value, strconv.FormatFloat(x, 'f', -1, 64)})
}

// contributionPlain is ModelContribution without its JSON methods.
type contributionPlain ModelContribution

// UnmarshalJSON reads what MarshalJSON writes, in one pass as
// encoding/json reads any value: a field of the wrong type is an error
// wherever it is, of a key written twice the last counts, and a field the
// JSON does not hold (or holds as null) keeps its value. The error names
// the field, what it holds and its line and column counted in data (from
// the contribution's opening brace, where it is part of a verdict):
// `model contribution: contribution: "lots" is not a number, +Inf, -Inf
// or NaN (line 1, column 22 of the contribution)`.
func (c *ModelContribution) UnmarshalJSON(data []byte) error {
	doc := jsonDoc{subject: "model contribution", noun: "an object of a contribution", root: reflect.TypeFor[contributionPlain](), of: " of the contribution"}
	// The contribution's key names the raw field, which is shallower than
	// the embedded one.
	w := struct {
		contributionPlain
		Contribution json.RawMessage `json:"contribution"`
	}{contributionPlain: contributionPlain(*c)}
	if err := json.Unmarshal(data, &w); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			// The decoder names the field through the struct that
			// embeds it here.
			typ.Field = strings.TrimPrefix(typ.Field, "contributionPlain.")
		}
		return jsonReadError(doc, data, err)
	}
	x := w.contributionPlain.Contribution
	if raw := bytes.TrimSpace(w.Contribution); len(raw) > 0 && string(raw) != "null" {
		v, what := jsonFloat(raw)
		if what != "" {
			return fmt.Errorf("%s: contribution: %s%s", doc.subject, what, doc.placeValue(data, "contribution", raw))
		}
		x = v
	}
	*c = ModelContribution(w.contributionPlain)
	c.Contribution = x
	return nil
}

// String renders "completeness 0.8 (+1.2)".
func (c ModelContribution) String() string {
	return fmt.Sprintf("%s (%+.1f)", c.Value, c.Contribution)
}

// ModelContributionWords joins the contributions that move the log-odds by
// at least 0.05, in order: "completeness 0.8 (+1.2), velocity +45 in 14
// days (+0.9)".
func ModelContributionWords(cs []ModelContribution) string {
	var parts []string
	for _, c := range cs {
		if math.Abs(c.Contribution) >= 0.05 {
			parts = append(parts, c.String())
		}
	}
	return strings.Join(parts, ", ")
}

// modelValue reads a numeric feature of f after its transform.
func modelValue(feature string, f *Features) float64 {
	switch feature {
	case ModelFeatureCompleteness:
		return f.Completeness
	case ModelFeatureWeightedCompleteness:
		return f.WeightedCompleteness
	case ModelFeatureScore:
		return f.Score
	case ModelFeatureVelocity:
		return f.Velocity
	case ModelFeatureEngagedRoles:
		return float64(f.EngagedRoles)
	case ModelFeatureDaysSinceLastActivity:
		return math.Min(f.DaysSinceLastActivity, modelMaxDays)
	case ModelFeatureEmployees:
		return math.Log10(1 + float64(f.Employees))
	case ModelFeaturePriorOpportunities:
		return float64(f.PriorOpportunities)
	case ModelFeaturePriorWon:
		return float64(f.PriorWon)
	}
	return 0
}

// modelTermValue reads a term's input from f.
func modelTermValue(t *ModelTerm, f *Features) float64 {
	if t.Feature == ModelFeatureIndustry {
		if strings.EqualFold(strings.TrimSpace(f.Industry), t.Category) {
			return 1
		}
		return 0
	}
	return modelValue(t.Feature, f)
}

// modelIndustryKey is an industry's spelling folded as [strings.EqualFold]
// compares it, which is how an industry term matches an account's
// industry: two spellings have the same key exactly when they are equal
// under Unicode case folding ("ΤΡΆΠΕΖΕΣ" and "Τράπεζες", whose Σ folds to
// both σ and the final ς, which lower-casing keeps apart). Each character
// becomes the smallest of the characters it folds to.
func modelIndustryKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// modelStandard is a term's input standardised, (x - Mean) / Scale, as
// the model reads it. The Weight multiplies this value, not x - Mean: a
// large x times the weight could overflow before the division brings it
// back.
func modelStandard(t *ModelTerm, f *Features) float64 {
	return (modelTermValue(t, f) - t.Mean) / t.Scale
}

// modelWords describes a feature's value for people.
func modelWords(feature string, f *Features) string {
	switch feature {
	case ModelFeatureCompleteness:
		return "completeness " + modelNum(f.Completeness, readyUnit)
	case ModelFeatureWeightedCompleteness:
		return "weighted completeness " + modelNum(f.WeightedCompleteness, readyUnit)
	case ModelFeatureScore:
		return "score " + readyNum(f.Score)
	case ModelFeatureVelocity:
		v := modelNum(f.Velocity, modelNoChange)
		if f.Velocity >= 0 && !strings.HasPrefix(v, "+") { // +Inf has its sign
			v = "+" + v
		}
		return fmt.Sprintf("velocity %s in %s", v, modelCount(readyNum(f.VelocityDays), "day", "days"))
	case ModelFeatureEngagedRoles:
		if f.EngagedRoles == 1 {
			return "1 engaged role"
		}
		return fmt.Sprintf("%d engaged roles", f.EngagedRoles)
	case ModelFeatureDaysSinceLastActivity:
		switch d := f.DaysSinceLastActivity; {
		case math.IsInf(d, 1):
			return "no activity ever"
		case d < 1:
			// Counted back from now, not by the calendar: 23 hours
			// ago may be yesterday.
			return "active within the last day"
		default:
			return "no activity for " + modelCount(readyNum(math.Floor(d)), "day", "days")
		}
	case ModelFeatureEmployees:
		return modelCount(strconv.Itoa(f.Employees), "employee", "employees")
	case ModelFeaturePriorOpportunities:
		return modelCount(strconv.Itoa(f.PriorOpportunities), "prior opportunity", "prior opportunities")
	case ModelFeaturePriorWon:
		return fmt.Sprintf("%d won before", f.PriorWon)
	case ModelFeatureIndustry:
		if strings.TrimSpace(f.Industry) == "" {
			return "industry unknown"
		}
		return "industry " + f.Industry
	}
	return feature
}

// modelNoChange is the velocity of a score that did not move.
var modelNoChange = []float64{0}

// modelNum writes a feature's value for people as [readyNum] does, but
// never rounded onto or across one of bounds, the ends of its range (a
// completeness of 0.996 is not a complete group): see
// [rules.FormatValueAgainst].
func modelNum(x float64, bounds []float64) string {
	if x == 0 {
		x = 0 // not "-0"
	}
	return rules.FormatValueAgainst(strconv.FormatFloat(x, 'f', -1, 64), bounds)
}

// modelCount writes a number with the noun that agrees with it: "1 day",
// "20 days".
func modelCount(n, one, many string) string {
	if n == "1" {
		return n + " " + one
	}
	return n + " " + many
}

// Probability returns the model's probability of the outcome for f.
// Features are not validated here; see [StrategyModel.Assess].
func (m *Model) Probability(f Features) float64 {
	z := m.Intercept
	for i := range m.Terms {
		t := &m.Terms[i]
		z += t.Weight * modelStandard(t, &f)
	}
	return modelSigmoid(z)
}

// Explain returns the probability and each feature's contribution to the
// log-odds relative to an average training group, largest in size first;
// the industry terms add up to one contribution.
func (m *Model) Explain(f Features) (float64, []ModelContribution) {
	z := m.Intercept
	var out []ModelContribution
	industry := -1
	for i := range m.Terms {
		t := &m.Terms[i]
		c := t.Weight * modelStandard(t, &f)
		z += c
		if t.Feature == ModelFeatureIndustry {
			if industry < 0 {
				industry = len(out)
				out = append(out, ModelContribution{Feature: ModelFeatureIndustry, Value: modelWords(ModelFeatureIndustry, &f)})
			}
			out[industry].Contribution += c
			continue
		}
		out = append(out, ModelContribution{Feature: t.Feature, Value: modelWords(t.Feature, &f), Contribution: c})
	}
	slices.SortStableFunc(out, func(a, b ModelContribution) int {
		switch x, y := math.Abs(a.Contribution), math.Abs(b.Contribution); {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0
	})
	return modelSigmoid(z), out
}

// Weight returns the weight of a numeric feature (per standard deviation),
// and false when the model has no such term.
func (m *Model) Weight(feature string) (float64, bool) {
	for _, t := range m.Terms {
		if t.Feature == feature && t.Category == "" {
			return t.Weight, true
		}
	}
	return 0, false
}

func modelSigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// Validate checks a model, typically one loaded from JSON: known version and
// features, no duplicate term, finite numbers, positive scales,
// probabilities and metrics in range.
func (m *Model) Validate() error {
	var ps b2b.Problems
	if m.Version != ModelVersion {
		ps.Addf("version", "unsupported version %d (want %d)", m.Version, ModelVersion)
	}
	readyFinite(&ps, "intercept", m.Intercept)
	if len(m.Terms) == 0 {
		ps.Addf("terms", "a model needs at least one term")
	}
	seen := map[string]int{}
	for i, t := range m.Terms {
		path := fmt.Sprintf("terms[%d]", i)
		switch {
		case t.Feature == ModelFeatureIndustry:
			switch strings.TrimSpace(t.Category) {
			case "":
				ps.Addf(path+".category", "an industry term needs its industry")
			case t.Category:
			default:
				ps.Addf(path+".category", "%q begins or ends with a blank, so it would never equal an account's industry (industries are compared without them)", t.Category)
			}
		case slices.Contains(ModelNumericFeatures, t.Feature):
			if t.Category != "" {
				ps.Addf(path+".category", "only industry terms have a category, %s has %q", t.Feature, t.Category)
			}
		default:
			ps.Addf(path+".feature", "unknown feature %q (want one of %s, %s)", t.Feature, strings.Join(ModelNumericFeatures, ", "), ModelFeatureIndustry)
		}
		key := t.Feature + "\x00" + modelIndustryKey(t.Category)
		if j, dup := seen[key]; dup {
			ps.Addf(path, "duplicates terms[%d]", j)
		} else {
			seen[key] = i
		}
		readyFinite(&ps, path+".mean", t.Mean)
		readyFinite(&ps, path+".weight", t.Weight)
		if !(t.Scale > 0) || math.IsInf(t.Scale, 0) {
			ps.Addf(path+".scale", "must be a positive finite number, got %v", t.Scale)
		}
	}
	tr := m.Training
	if tr.L2 < 0 || math.IsNaN(tr.L2) || math.IsInf(tr.L2, 0) {
		ps.Addf("training.l2", "must be a non-negative finite number, got %v", tr.L2)
	}
	if tr.HoldOut < 0 || tr.HoldOut >= 1 || math.IsNaN(tr.HoldOut) {
		ps.Addf("training.holdOut", "must be in [0, 1), got %v", tr.HoldOut)
	}
	if tr.Examples < 0 || tr.Positives < 0 || tr.Positives > tr.Examples {
		ps.Addf("training", "examples %d and positives %d do not add up", tr.Examples, tr.Positives)
	}
	m.Evaluation.validate(&ps)
	return ps.Err("model")
}
