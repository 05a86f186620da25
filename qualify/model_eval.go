package qualify

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// ModelEvaluation measures a model on the held-out examples, beside the
// baselines a marketer would otherwise use.
type ModelEvaluation struct {
	Examples  int `json:"examples"`
	Positives int `json:"positives"`
	// AUC is the probability that the model ranks a random positive group
	// above a random negative one (0.5 is chance, 1 perfect).
	AUC float64 `json:"auc"`
	// ScoreAUC is the same for the group score alone.
	ScoreAUC float64 `json:"scoreAuc"`
	// ThresholdAUC is the AUC of the best single score threshold (chosen
	// on the training split by Youden's J) used as a yes/no rule:
	// (true-positive rate + true-negative rate) / 2.
	ThresholdAUC   float64 `json:"thresholdAuc"`
	ScoreThreshold float64 `json:"scoreThreshold"`
	// Brier is the mean squared error of the probabilities; LogLoss their
	// mean negative log-likelihood.
	Brier   float64 `json:"brier"`
	LogLoss float64 `json:"logLoss"`
	// ECE (expected calibration error) is the example-weighted mean gap
	// between predicted and observed rates over the calibration bins.
	ECE         float64               `json:"ece"`
	Calibration []ModelCalibrationBin `json:"calibration"`
}

// ModelCalibrationBin compares predicted and observed rates for the
// held-out groups whose probability is in [Lo, Hi).
type ModelCalibrationBin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Count     int     `json:"count"`
	Predicted float64 `json:"predicted"` // mean probability
	Observed  float64 `json:"observed"`  // share with the outcome
}

func (e *ModelEvaluation) validate(ps *b2b.Problems) {
	for _, c := range []struct {
		path string
		v    float64
	}{{"auc", e.AUC}, {"scoreAuc", e.ScoreAUC}, {"thresholdAuc", e.ThresholdAUC}, {"brier", e.Brier}, {"ece", e.ECE}} {
		if !(c.v >= 0 && c.v <= 1) {
			ps.Addf("evaluation."+c.path, "must be between 0 and 1, got %v", c.v)
		}
	}
	readyFinite(ps, "evaluation.scoreThreshold", e.ScoreThreshold)
	if !(e.LogLoss >= 0) || math.IsInf(e.LogLoss, 0) {
		ps.Addf("evaluation.logLoss", "must be a non-negative finite number, got %v", e.LogLoss)
	}
	if e.Positives < 0 || e.Positives > e.Examples {
		ps.Addf("evaluation", "examples %d and positives %d do not add up", e.Examples, e.Positives)
	}
	for i, b := range e.Calibration {
		path := fmt.Sprintf("evaluation.calibration[%d]", i)
		for _, c := range []struct {
			key string
			v   float64
		}{{"lo", b.Lo}, {"hi", b.Hi}, {"predicted", b.Predicted}, {"observed", b.Observed}} {
			if !(c.v >= 0 && c.v <= 1) {
				ps.Addf(path+"."+c.key, "must be between 0 and 1, got %v", c.v)
			}
		}
		if b.Lo > b.Hi && b.Lo <= 1 && b.Hi >= 0 {
			ps.Addf(path, "lo %v is above hi %v", b.Lo, b.Hi)
		}
		if b.Count < 0 {
			ps.Addf(path+".count", "must not be negative, got %d", b.Count)
		}
	}
}

// String renders the evaluation as a short report. A calibration bin is
// named by its bounds, with as many decimals (1 to 3) as write them all
// as they are: [0.05, 0.10) of 20 bins.
func (e ModelEvaluation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "held-out: %d groups, %d with the outcome\n", e.Examples, e.Positives)
	fmt.Fprintf(&b, "AUC: model %.3f, score alone %.3f, best score threshold (>= %s) %.3f\n", e.AUC, e.ScoreAUC, readyNum(e.ScoreThreshold), e.ThresholdAUC)
	fmt.Fprintf(&b, "calibration: Brier %.3f, log loss %.3f, ECE %.3f\n", e.Brier, e.LogLoss, e.ECE)
	b.WriteString("  predicted    count  mean-pred  observed\n")
	prec := e.binDecimals()
	for _, bin := range e.Calibration {
		if bin.Count == 0 {
			continue
		}
		fmt.Fprintf(&b, "  [%.*f, %.*f)  %6d  %9.3f  %8.3f\n", prec, bin.Lo, prec, bin.Hi, bin.Count, bin.Predicted, bin.Observed)
	}
	return b.String()
}

// binDecimals returns the fewest decimals, from 1 to 3, that write every
// bound of the calibration bins as it is (0.05 of 20 bins needs 2, which
// 1 would write 0.1, the bound of the next bin too); 3 when none does
// (the thirds of 3 bins).
func (e ModelEvaluation) binDecimals() int {
	exact := func(x float64, prec int) bool {
		y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', prec, 64), 64)
		return err == nil && y == x
	}
	for prec := 1; prec < 3; prec++ {
		if !slices.ContainsFunc(e.Calibration, func(b ModelCalibrationBin) bool { return !exact(b.Lo, prec) || !exact(b.Hi, prec) }) {
			return prec
		}
	}
	return 3
}

// ModelAUC returns the area under the ROC curve of scores for labels: the
// probability that a random positive scores above a random negative, ties
// counting half. It is NaN when a class is missing, and when a score is
// NaN: such a score has no rank.
func ModelAUC(scores []float64, labels []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		if math.IsNaN(scores[i]) {
			// A NaN equals nothing, not even itself, so the tie
			// groups below would never end.
			return math.NaN()
		}
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return 0
	})
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // average 1-based rank of the tie group
		for k := i; k < j; k++ {
			if labels[idx[k]] {
				pos++
				rankSum += mid
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// modelBestThreshold returns the score threshold with the highest Youden's
// J (TPR - FPR) on ex: one sweep over the scores sorted from the top.
func modelBestThreshold(ex []ReadinessExample) float64 {
	idx := make([]int, len(ex))
	var pos, neg float64
	for i := range idx {
		idx[i] = i
		if ex[i].Outcome {
			pos++
		} else {
			neg++
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Compare(ex[b].Features.Score, ex[a].Features.Score)
	})
	best, bestJ := math.Inf(1), math.Inf(-1)
	var tp, fp float64
	for k := 0; k < len(idx); {
		th := ex[idx[k]].Features.Score
		for ; k < len(idx) && ex[idx[k]].Features.Score == th; k++ {
			if ex[idx[k]].Outcome {
				tp++
			} else {
				fp++
			}
		}
		if j := tp/math.Max(pos, 1) - fp/math.Max(neg, 1); j > bestJ {
			best, bestJ = th, j
		}
	}
	return best
}

// modelRates returns the true-positive and true-negative rates of "score >=
// th" on ex.
func modelRates(ex []ReadinessExample, th float64) (tpr, tnr float64) {
	var tp, fn, tn, fp float64
	for i := range ex {
		hit := ex[i].Features.Score >= th
		switch {
		case ex[i].Outcome && hit:
			tp++
		case ex[i].Outcome:
			fn++
		case hit:
			fp++
		default:
			tn++
		}
	}
	return tp / math.Max(tp+fn, 1), tn / math.Max(tn+fp, 1)
}

func modelEvaluate(m *Model, train, test []ReadinessExample, bins int) ModelEvaluation {
	probs := make([]float64, len(test))
	scores := make([]float64, len(test))
	labels := make([]bool, len(test))
	ev := ModelEvaluation{Examples: len(test)}
	for i := range test {
		probs[i] = m.Probability(test[i].Features)
		scores[i] = test[i].Features.Score
		labels[i] = test[i].Outcome
		y := 0.0
		if labels[i] {
			ev.Positives++
			y = 1
		}
		ev.Brier += (probs[i] - y) * (probs[i] - y)
		p := math.Min(math.Max(probs[i], 1e-15), 1-1e-15)
		ev.LogLoss -= y*math.Log(p) + (1-y)*math.Log(1-p)
	}
	n := float64(len(test))
	ev.Brier /= n
	ev.LogLoss /= n
	ev.AUC = ModelAUC(probs, labels)
	ev.ScoreAUC = ModelAUC(scores, labels)
	ev.ScoreThreshold = modelBestThreshold(train)
	tpr, tnr := modelRates(test, ev.ScoreThreshold)
	ev.ThresholdAUC = (tpr + tnr) / 2
	ev.Calibration = make([]ModelCalibrationBin, bins)
	for b := range ev.Calibration {
		ev.Calibration[b].Lo, ev.Calibration[b].Hi = float64(b)/float64(bins), float64(b+1)/float64(bins)
	}
	for i, p := range probs {
		b := min(int(p*float64(bins)), bins-1)
		c := &ev.Calibration[b]
		c.Count++
		c.Predicted += p
		if labels[i] {
			c.Observed++
		}
	}
	for b := range ev.Calibration {
		c := &ev.Calibration[b]
		if c.Count > 0 {
			c.Predicted /= float64(c.Count)
			c.Observed /= float64(c.Count)
			ev.ECE += float64(c.Count) / n * math.Abs(c.Predicted-c.Observed)
		}
	}
	return ev
}
