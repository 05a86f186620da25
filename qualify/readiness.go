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
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Features are what readiness looks at for one buying group at one time.
// The engine fills them from the buying group, its scores and the account.
type Features struct {
	// Completeness is the share of required roles filled, 0 to 1.
	Completeness float64 `json:"completeness"`
	// WeightedCompleteness is the weighted share of roles filled, 0 to 1.
	WeightedCompleteness float64 `json:"weightedCompleteness"`
	// Score is the buying group's engagement score.
	Score float64 `json:"score"`
	// Velocity is the change of Score over the last VelocityDays days
	// (negative when the group cools down).
	Velocity     float64 `json:"velocity"`
	VelocityDays float64 `json:"velocityDays"`
	// EngagedRoles is how many roles have at least one engaged member.
	EngagedRoles int `json:"engagedRoles"`
	// DaysSinceLastActivity is how long ago the group's last activity was;
	// +Inf means never (a model reads at most 365; JSON has it as the
	// string "+Inf", see MarshalJSON).
	DaysSinceLastActivity float64 `json:"daysSinceLastActivity"`
	// Industry and Employees are the account's firmographics.
	Industry  string `json:"industry"`
	Employees int    `json:"employees"`
	// PriorOpportunities and PriorWon are the account's opportunity
	// history before now (see [FeaturesOpportunityHistory]).
	PriorOpportunities int `json:"priorOpportunities"`
	PriorWon           int `json:"priorWon"`
}

// featuresPlain is Features without its JSON methods.
type featuresPlain Features

// featuresJSON is Features as JSON: its numbers that may not be finite
// (DaysSinceLastActivity is +Inf for never) are written by hand, over
// the fields of the same names, and the others as encoding/json does.
type featuresJSON struct {
	featuresPlain
	Completeness          json.RawMessage `json:"completeness"`
	WeightedCompleteness  json.RawMessage `json:"weightedCompleteness"`
	Score                 json.RawMessage `json:"score"`
	Velocity              json.RawMessage `json:"velocity"`
	VelocityDays          json.RawMessage `json:"velocityDays"`
	DaysSinceLastActivity json.RawMessage `json:"daysSinceLastActivity"`
}

// featuresFloat is one number of Features that may not be finite, with
// its JSON key and its place in featuresJSON.
type featuresFloat struct {
	key string
	v   *float64
	raw *json.RawMessage
}

func (w *featuresJSON) floats() []featuresFloat {
	p := &w.featuresPlain
	return []featuresFloat{
		{"completeness", &p.Completeness, &w.Completeness},
		{"weightedCompleteness", &p.WeightedCompleteness, &w.WeightedCompleteness},
		{"score", &p.Score, &w.Score},
		{"velocity", &p.Velocity, &w.Velocity},
		{"velocityDays", &p.VelocityDays, &w.VelocityDays},
		{"daysSinceLastActivity", &p.DaysSinceLastActivity, &w.DaysSinceLastActivity},
	}
}

// MarshalJSON writes the features as encoding/json does, but a number
// that is not finite, which JSON has none for, as the string "+Inf",
// "-Inf" or "NaN" (as [ModelContribution] does): DaysSinceLastActivity is
// +Inf for a group never active, and such features are logged and kept
// (in a [ReadinessExample]) as any other.
func (f Features) MarshalJSON() ([]byte, error) {
	w := featuresJSON{featuresPlain: featuresPlain(f)}
	fs := w.floats()
	if !slices.ContainsFunc(fs, func(x featuresFloat) bool { return math.IsInf(*x.v, 0) || math.IsNaN(*x.v) }) {
		return json.Marshal(w.featuresPlain)
	}
	for _, x := range fs {
		if math.IsInf(*x.v, 0) || math.IsNaN(*x.v) {
			*x.raw = strconv.AppendQuote(nil, strconv.FormatFloat(*x.v, 'f', -1, 64))
			continue
		}
		b, err := json.Marshal(*x.v)
		if err != nil {
			return nil, err
		}
		*x.raw = b
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes, and what encoding/json
// reads: a field the JSON does not hold (or holds as null) keeps its
// value. A value of the wrong kind is an error in the features' terms,
// with the line and column of its last character counted in data (the
// file's, when the features are the whole file; from their opening
// brace, when they are part of a larger value): `features: score: a JSON
// bool is not a number (line 3, column 14 of the features)`, `features:
// daysSinceLastActivity: "never" is not a number, +Inf, -Inf or NaN (line
// 1, column 33 of the features)`.
func (f *Features) UnmarshalJSON(data []byte) error {
	doc := jsonDoc{subject: "features", noun: "an object of features", root: reflect.TypeFor[featuresPlain](), of: " of the features"}
	w := featuresJSON{featuresPlain: featuresPlain(*f)}
	if err := json.Unmarshal(data, &w); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			// The decoder names the field through the struct that
			// embeds it here.
			typ.Field = strings.TrimPrefix(typ.Field, "featuresPlain.")
		}
		return jsonReadError(doc, data, err)
	}
	for _, x := range w.floats() {
		raw := bytes.TrimSpace(*x.raw)
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		v, what := jsonFloat(raw)
		if what == "" {
			*x.v = v
			continue
		}
		return fmt.Errorf("%s: %s: %s%s", doc.subject, x.key, what, doc.placeValue(data, x.key, raw))
	}
	*f = Features(w.featuresPlain)
	return nil
}

// jsonFloat reads a number that may not be finite, as MarshalJSON writes
// it: a JSON number, or the string "+Inf", "-Inf" or "NaN". Of any other
// value it says what it is instead.
func jsonFloat(raw []byte) (v float64, what string) {
	if raw[0] != '"' {
		err := json.Unmarshal(raw, &v)
		var typ *json.UnmarshalTypeError
		switch {
		case err == nil:
			return v, ""
		case errors.As(err, &typ):
			return 0, fmt.Sprintf("a JSON %s is not %s", typ.Value, modelJSONWant(typ.Type, typ.Value))
		}
		return 0, err.Error()
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, err.Error()
	}
	switch s {
	case "+Inf":
		return math.Inf(1), ""
	case "-Inf":
		return math.Inf(-1), ""
	case "NaN":
		return math.NaN(), ""
	}
	return 0, fmt.Sprintf("%q is not a number, +Inf, -Inf or NaN", s)
}

// Validate reports every problem with the features at once.
func (f *Features) Validate() error {
	var ps b2b.Problems
	readyFinite(&ps, "completeness", f.Completeness)
	readyFinite(&ps, "weightedCompleteness", f.WeightedCompleteness)
	readyFinite(&ps, "score", f.Score)
	readyFinite(&ps, "velocity", f.Velocity)
	readyFinite(&ps, "velocityDays", f.VelocityDays)
	// An infinity is reported once, as not finite.
	if (f.Completeness < 0 || f.Completeness > 1) && !math.IsInf(f.Completeness, 0) {
		ps.Addf("completeness", "must be between 0 and 1, got %v", f.Completeness)
	}
	if (f.WeightedCompleteness < 0 || f.WeightedCompleteness > 1) && !math.IsInf(f.WeightedCompleteness, 0) {
		ps.Addf("weightedCompleteness", "must be between 0 and 1, got %v", f.WeightedCompleteness)
	}
	if f.VelocityDays < 0 && !math.IsInf(f.VelocityDays, 0) {
		ps.Addf("velocityDays", "must not be negative, got %v", f.VelocityDays)
	}
	if math.IsNaN(f.DaysSinceLastActivity) || f.DaysSinceLastActivity < 0 {
		ps.Addf("daysSinceLastActivity", "must be a non-negative number of days (+Inf for never), got %v", f.DaysSinceLastActivity)
	}
	for _, c := range []struct {
		path string
		v    int
	}{{"engagedRoles", f.EngagedRoles}, {"employees", f.Employees}, {"priorOpportunities", f.PriorOpportunities}, {"priorWon", f.PriorWon}} {
		if c.v < 0 {
			ps.Addf(c.path, "must not be negative, got %d", c.v)
		}
	}
	if f.PriorWon > f.PriorOpportunities {
		ps.Addf("priorWon", "%d won is more than the %s", f.PriorWon, modelCount(strconv.Itoa(f.PriorOpportunities), "prior opportunity", "prior opportunities"))
	}
	return ps.Err("features")
}

func readyFinite(ps *b2b.Problems, path string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		ps.Addf(path, "must be a finite number, got %v", v)
	}
}

// FeaturesOpportunityHistory counts the opportunities created at or before
// at, and those of them won at or before at.
func FeaturesOpportunityHistory(at time.Time, opps []b2b.Opportunity) (prior, won int) {
	for i := range opps {
		o := &opps[i]
		if o.CreatedAt.IsZero() || o.CreatedAt.After(at) {
			continue
		}
		prior++
		if o.Status == b2b.OpportunityWon && !o.ClosedAt.IsZero() && !o.ClosedAt.After(at) {
			won++
		}
	}
	return prior, won
}

// ReadinessLevel is the verdict: ready for sales, worth nurturing, or not
// yet.
type ReadinessLevel string

// The readiness levels.
const (
	ReadinessReady   ReadinessLevel = "ready"
	ReadinessNurture ReadinessLevel = "nurture"
	ReadinessNotYet  ReadinessLevel = "not yet"
)

// Tier is the journey track a level leads to (the guide's option C).
type Tier string

// The tiers, one per level.
const (
	TierFastTrack          Tier = "fast-track to sales"
	TierIntensifiedNurture Tier = "intensified nurture"
	TierLongTermAwareness  Tier = "long-term awareness"
)

// Tier returns the journey tier of a level.
func (l ReadinessLevel) Tier() Tier {
	switch l {
	case ReadinessReady:
		return TierFastTrack
	case ReadinessNurture:
		return TierIntensifiedNurture
	}
	return TierLongTermAwareness
}

// ReadinessVerdict is a strategy's answer for one buying group, with its
// reasons in words.
type ReadinessVerdict struct {
	Strategy string         `json:"strategy"`
	Level    ReadinessLevel `json:"level"`
	Tier     Tier           `json:"tier"`
	// Value is what the strategy measured: the group score for the
	// threshold strategies, the probability for the model.
	Value   float64 `json:"value"`
	Measure string  `json:"measure"` // "score" or "probability"
	// Reasons say which thresholds held and which did not.
	Reasons []string `json:"reasons"`
	// Contributions are, for the model, each feature's push on the log-odds
	// relative to an average group of the training data, largest first.
	Contributions []ModelContribution `json:"contributions,omitempty"`
}

// Explain renders the verdict in one line:
//
//	ready (fast-track to sales): probability 0.81 >= ready threshold 0.60; completeness 0.8 (+1.2), velocity +45 in 14 days (+0.9), no activity for 20 days (-0.6)
func (v ReadinessVerdict) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.Level, v.Tier, strings.Join(v.Reasons, "; "))
	if words := ModelContributionWords(v.Contributions); words != "" {
		b.WriteString("; ")
		b.WriteString(words)
	}
	return b.String()
}

// ReadinessStrategy decides whether a buying group is ready for sales.
// The three strategies ([StrategyScore], [StrategyCompletenessScore],
// [StrategyModel]) are interchangeable; implementations are safe for
// concurrent use and deterministic.
type ReadinessStrategy interface {
	// Name identifies the strategy in verdicts.
	Name() string
	// Assess returns the verdict for f, or an error when f or the
	// strategy is invalid.
	Assess(f Features) (ReadinessVerdict, error)
}

var (
	_ ReadinessStrategy = StrategyScore{}
	_ ReadinessStrategy = StrategyCompletenessScore{}
	_ ReadinessStrategy = StrategyModel{}
)

// StrategyScore is the simplest strategy: the group score alone.
// Ready when Score >= ReadyScore, nurture when Score >= NurtureScore.
type StrategyScore struct {
	ReadyScore   float64 `json:"readyScore"`
	NurtureScore float64 `json:"nurtureScore"`
}

// Name returns "score".
func (StrategyScore) Name() string { return "score" }

// Validate checks the thresholds.
func (s StrategyScore) Validate() error {
	var ps b2b.Problems
	readyFinite(&ps, "readyScore", s.ReadyScore)
	readyFinite(&ps, "nurtureScore", s.NurtureScore)
	if s.NurtureScore > s.ReadyScore {
		ps.Addf("nurtureScore", "%v is above the ready score %v", s.NurtureScore, s.ReadyScore)
	}
	return ps.Err("score strategy")
}

// Assess compares the group score with the thresholds.
func (s StrategyScore) Assess(f Features) (ReadinessVerdict, error) {
	if err := readyCheck(s, &f); err != nil {
		return ReadinessVerdict{}, err
	}
	ready, nurture, r1, r2 := readyLevels("score", f.Score, s.ReadyScore, s.NurtureScore, readyPeople)
	v := ReadinessVerdict{Strategy: s.Name(), Value: f.Score, Measure: "score"}
	switch {
	case ready:
		v.Level, v.Reasons = ReadinessReady, []string{r1}
	case nurture:
		v.Level, v.Reasons = ReadinessNurture, []string{r1, r2}
	default:
		v.Level, v.Reasons = ReadinessNotYet, []string{r2}
	}
	v.Tier = v.Level.Tier()
	return v, nil
}

// StrategyCompletenessScore needs both: enough roles covered and a high
// enough score. Ready when Completeness >= ReadyCompleteness and Score >=
// ReadyScore; nurture when both nurture thresholds hold.
type StrategyCompletenessScore struct {
	ReadyCompleteness   float64 `json:"readyCompleteness"`
	ReadyScore          float64 `json:"readyScore"`
	NurtureCompleteness float64 `json:"nurtureCompleteness"`
	NurtureScore        float64 `json:"nurtureScore"`
}

// Name returns "completeness+score".
func (StrategyCompletenessScore) Name() string { return "completeness+score" }

// Validate checks the thresholds.
func (s StrategyCompletenessScore) Validate() error {
	var ps b2b.Problems
	for _, c := range []struct {
		path string
		v    float64
	}{{"readyCompleteness", s.ReadyCompleteness}, {"readyScore", s.ReadyScore}, {"nurtureCompleteness", s.NurtureCompleteness}, {"nurtureScore", s.NurtureScore}} {
		readyFinite(&ps, c.path, c.v)
	}
	for _, c := range []struct {
		path string
		v    float64
	}{{"readyCompleteness", s.ReadyCompleteness}, {"nurtureCompleteness", s.NurtureCompleteness}} {
		if (c.v < 0 || c.v > 1) && !math.IsInf(c.v, 0) { // an infinity is reported as not finite
			ps.Addf(c.path, "must be between 0 and 1, got %v", c.v)
		}
	}
	if s.NurtureCompleteness > s.ReadyCompleteness {
		ps.Addf("nurtureCompleteness", "%v is above the ready completeness %v", s.NurtureCompleteness, s.ReadyCompleteness)
	}
	if s.NurtureScore > s.ReadyScore {
		ps.Addf("nurtureScore", "%v is above the ready score %v", s.NurtureScore, s.ReadyScore)
	}
	return ps.Err("completeness+score strategy")
}

// Assess checks completeness and score against both pairs of thresholds.
func (s StrategyCompletenessScore) Assess(f Features) (ReadinessVerdict, error) {
	if err := readyCheck(s, &f); err != nil {
		return ReadinessVerdict{}, err
	}
	rc, nc, rcWhy, ncWhy := readyLevels("completeness", f.Completeness, s.ReadyCompleteness, s.NurtureCompleteness, readyPeople, readyUnit...)
	rs, ns, rsWhy, nsWhy := readyLevels("score", f.Score, s.ReadyScore, s.NurtureScore, readyPeople)
	v := ReadinessVerdict{Strategy: s.Name(), Value: f.Score, Measure: "score"}
	switch {
	case rc && rs:
		v.Level, v.Reasons = ReadinessReady, []string{rcWhy, rsWhy}
	case nc && ns:
		v.Level, v.Reasons = ReadinessNurture, []string{rcWhy, rsWhy, ncWhy, nsWhy}
	default:
		v.Level, v.Reasons = ReadinessNotYet, []string{ncWhy, nsWhy}
	}
	v.Tier = v.Level.Tier()
	return v, nil
}

// StrategyModel asks a trained [Model] for the probability of the outcome
// it was trained on. Ready when the probability >= ReadyProbability,
// nurture when >= NurtureProbability.
type StrategyModel struct {
	Model              *Model  `json:"-"`
	ReadyProbability   float64 `json:"readyProbability"`
	NurtureProbability float64 `json:"nurtureProbability"`
}

// Name returns "model".
func (StrategyModel) Name() string { return "model" }

// Validate checks the model and the thresholds.
func (s StrategyModel) Validate() error {
	var ps b2b.Problems
	if s.Model == nil {
		ps.Addf("model", "is required")
	} else {
		ps.Add("model", s.Model.Validate())
	}
	if !(s.ReadyProbability > 0 && s.ReadyProbability <= 1) {
		ps.Addf("readyProbability", "must be more than 0 and at most 1, got %v", s.ReadyProbability)
	}
	if !(s.NurtureProbability >= 0 && s.NurtureProbability <= s.ReadyProbability) {
		ps.Addf("nurtureProbability", "must be between 0 and the ready probability %v, got %v", s.ReadyProbability, s.NurtureProbability)
	}
	return ps.Err("model strategy")
}

// Assess computes the probability and each feature's contribution.
func (s StrategyModel) Assess(f Features) (ReadinessVerdict, error) {
	if err := readyCheck(s, &f); err != nil {
		return ReadinessVerdict{}, err
	}
	p, contribs := s.Model.Explain(f)
	if math.IsNaN(p) {
		return ReadinessVerdict{}, modelNoProbability(contribs)
	}
	ready, nurture, r1, r2 := readyLevels("probability", p, s.ReadyProbability, s.NurtureProbability, readyFixed2)
	v := ReadinessVerdict{Strategy: s.Name(), Value: p, Measure: "probability", Contributions: contribs}
	switch {
	case ready:
		v.Level, v.Reasons = ReadinessReady, []string{r1}
	case nurture:
		v.Level, v.Reasons = ReadinessNurture, []string{r1, r2}
	default:
		v.Level, v.Reasons = ReadinessNotYet, []string{r2}
	}
	v.Tier = v.Level.Tier()
	return v, nil
}

// modelNoProbability is the error of features whose terms push a model's
// log-odds to +Inf and -Inf at once (finite values, but so far from the
// training data that a weight times them overflows), or to NaN (a weight
// of 0 times an infinity): their sum, and so the probability, is NaN, on
// which no verdict can stand.
func modelNoProbability(contribs []ModelContribution) error {
	var ps b2b.Problems
	ps.Addf("", "the model's log-odds are %s: values this far from its training data give no probability", modelInfinities(contribs))
	return ps.Err("features")
}

// modelInfinities says which contributions are not finite: "+Inf from
// score and -Inf from velocity".
func modelInfinities(contribs []ModelContribution) string {
	var parts []string
	for _, sign := range []string{"+Inf", "-Inf", "NaN"} {
		var features []string
		for _, c := range contribs {
			if strconv.FormatFloat(c.Contribution, 'f', -1, 64) == sign {
				features = append(features, c.Feature)
			}
		}
		if len(features) > 0 {
			parts = append(parts, sign+" from "+strings.Join(features, ", "))
		}
	}
	return strings.Join(parts, " and ")
}

// readyCheck validates a strategy and the features it is given.
func readyCheck(s interface{ Validate() error }, f *Features) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return f.Validate()
}

// readyLevels compares v with the ready and the nurture threshold and says
// so in words (see [readyAtLeast]), with f's decimals, or more where
// needed: when v is below a threshold but the two would read the same,
// both reasons get as many more decimals as it takes for the text to be
// true ("score 149.996 < ready threshold 150; score 149.996 >= nurture
// threshold 50", "probability 0.599 < ready threshold 0.600"). Rounding
// keeps order, so a v at or above a threshold never reads as below it.
// bounds are the ends of v's range (0 and 1 for a completeness, see
// [readyUnit]): v reads as one only when it is, so that a completeness of
// 0.996 reads "completeness 0.996 >= ready threshold 0.6", not as the
// group complete.
func readyLevels(what string, v, ready, nurture float64, f readyFormat, bounds ...float64) (okReady, okNurture bool, whyReady, whyNurture string) {
	okReady, whyReady, c1 := readyAtLeast(what, v, ready, "ready", f)
	okNurture, whyNurture, c2 := readyAtLeast(what, v, nurture, "nurture", f)
	if c1 || c2 || f.onBound(v, bounds) {
		f = f.widen(v, bounds, ready, nurture)
		_, whyReady, _ = readyAtLeast(what, v, ready, "ready", f)
		_, whyNurture, _ = readyAtLeast(what, v, nurture, "nurture", f)
	}
	return okReady, okNurture, whyReady, whyNurture
}

// readyAtLeast compares v with a threshold and says so in words: "score
// 162 >= ready threshold 150" or "completeness 0.5 < nurture threshold
// 0.6", numbers written by f. same is whether v is below the threshold
// but the two read the same ("score 150 < ready threshold 150" for
// 149.996). It is on the path of every readiness verdict, so it builds the
// text with one allocation.
func readyAtLeast(what string, v, threshold float64, level string, f readyFormat) (ok bool, why string, same bool) {
	op := " < "
	ok = v >= threshold
	if ok {
		op = " >= "
	}
	buf := make([]byte, 0, 64)
	buf = append(append(buf, what...), ' ')
	vs := len(buf)
	buf = f.append(buf, v)
	ve := len(buf)
	buf = append(append(append(buf, op...), level...), " threshold "...)
	ts := len(buf)
	buf = f.append(buf, threshold)
	return ok, string(buf), !ok && bytes.Equal(buf[vs:ve], buf[ts:])
}

// readyFormat is how readiness texts write numbers: with prec decimals
// (prec < 0: the fewest that tell the number from every other float64)
// and, with trim, without trailing zeros and with a lone minus zero as "0".
type readyFormat struct {
	prec int
	trim bool
}

var (
	// readyPeople writes at most two decimals, no trailing zeros: 0.5, 150.
	readyPeople = readyFormat{prec: 2, trim: true}
	// readyFixed2 writes two decimals: 0.60.
	readyFixed2 = readyFormat{prec: 2}
)

// readyUnit are the ends of a completeness: 0 (no required role filled)
// and 1 (the group complete).
var readyUnit = []float64{0, 1}

// readyNum formats a number for people: at most two decimals, no trailing
// zeros.
func readyNum(x float64) string { return string(readyPeople.append(nil, x)) }

// append appends x as f writes it.
func (f readyFormat) append(buf []byte, x float64) []byte {
	start := len(buf)
	buf = strconv.AppendFloat(buf, x, 'f', f.prec, 64)
	if !f.trim {
		return buf
	}
	if bytes.IndexByte(buf[start:], '.') >= 0 {
		for buf[len(buf)-1] == '0' {
			buf = buf[:len(buf)-1]
		}
		buf = bytes.TrimSuffix(buf, []byte("."))
	}
	if string(buf[start:]) == "-0" {
		buf = append(buf[:start], '0')
	}
	return buf
}

// onBound reports whether f writes v as one of bounds that v is not.
func (f readyFormat) onBound(v float64, bounds []float64) bool {
	var a, b [32]byte
	for _, x := range bounds {
		if v != x && bytes.Equal(f.append(a[:0], v), f.append(b[:0], x)) {
			return true
		}
	}
	return false
}

// widen returns f with the fewest more decimals that make v read apart
// from each threshold it is below, and from each of bounds it is not. From
// 18 decimals on it is the fewest that identify each number, which tell
// two different floats apart.
func (f readyFormat) widen(v float64, bounds []float64, thresholds ...float64) readyFormat {
	var a, b []byte
	for f.prec >= 0 {
		same := f.onBound(v, bounds)
		for _, t := range thresholds {
			if v < t {
				a, b = f.append(a[:0], v), f.append(b[:0], t)
				same = same || bytes.Equal(a, b)
			}
		}
		if !same {
			return f
		}
		if f.prec++; f.prec > 17 {
			f.prec = -1
		}
	}
	return f
}
