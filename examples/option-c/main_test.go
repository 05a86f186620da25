package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestRun runs the example at its default size: the model trained on one
// world must give option C a higher MQA precision than option A's
// thresholds on another world, against its truth.
func TestRun(t *testing.T) {
	o := defaultOptions()
	if raceEnabled {
		o.Accounts, o.Days = 120, 60
	}
	var b strings.Builder
	f, err := runWith(context.Background(), &b, o)
	require.NoError(t, err)
	out := b.String()
	for _, want := range []string{
		"training world: seed 1, ",
		"AUC: model ",
		"calibration: Brier ",
		"threshold backtest on the training history:",
		"thresholds chosen on the training world: ready >= ",
		"evaluation world: seed 2, ",
		"option-a ", "option-c ",
	} {
		require.Contains(t, out, want)
	}
	if raceEnabled {
		return
	}
	ev := f.Model.Evaluation
	require.Greater(t, ev.AUC, ev.ThresholdAUC, "on the held-out split the model beats the best single score threshold")
	require.Greater(t, ev.AUC, ev.ScoreAUC, "and the score alone")
	require.Positive(t, f.A.TruePositives+f.A.FalsePositives)
	require.Positive(t, f.C.TruePositives+f.C.FalsePositives)
	pa, pc := precision(t, f.A), precision(t, f.C)
	require.Greater(t, pc, pa, "option C's MQA precision beats option A's on the evaluation world:\n%s", out)
	t.Logf("MQA precision: option A %.3f, option C %.3f", pa, pc)
}

func precision(t *testing.T, a analytics.Accuracy) float64 {
	t.Helper()
	require.NotNil(t, a.Precision.Value, a.Precision.Reason)
	return *a.Precision.Value
}

// TestSameSeeds refuses an evaluation on the training world.
func TestSameSeeds(t *testing.T) {
	o := defaultOptions()
	o.EvalSeed = o.TrainSeed
	_, err := runWith(context.Background(), &strings.Builder{}, o)
	require.ErrorContains(t, err, "the evaluation seed must differ from the training seed (both 1)")
}

// TestPercentOfNoMQA: a strategy that made no MQA has no precision; the
// comparison says n/a, not 0.0%, which would read as every MQA wrong.
func TestPercentOfNoMQA(t *testing.T) {
	t.Parallel()
	half := 0.5
	for _, tt := range []struct {
		name string
		r    analytics.Ratio
		want string
	}{
		{"no MQA", analytics.Ratio{Reason: "nothing was an MQA in the period"}, "n/a"},
		{"half right", analytics.Ratio{Numerator: 1, Denominator: 2, Value: &half}, "50.0%"},
	} {
		require.Equal(t, tt.want, percent(tt.r), tt.name)
	}
}
