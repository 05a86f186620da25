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

// TestCommandLine: a wrong command line is refused before any world is
// simulated, with what is wrong and the flags, and exit code 2, as
// cmd/quorum refuses one; an argument no flag takes is not left out, and
// a value out of range is named by its flag (-accounts 0 is no request
// for the simulation's default of 1,000 accounts).
func TestCommandLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string // the first line of stderr, or of stdout for -h
	}{
		{"an argument", []string{"extra"}, 2, `option-c: unexpected argument "extra"`},
		{"an argument after flags", []string{"-days", "30", "accounts=1000"}, 2, `option-c: unexpected argument "accounts=1000"`},
		{"an argument before flags", []string{"1000", "-days", "30"}, 2, `option-c: unexpected argument "1000"`},
		{"an unknown flag", []string{"-acounts", "10"}, 2, "option-c: flag provided but not defined: -acounts"},
		{"a wrong value", []string{"-days", "many"}, 2, `option-c: invalid value "many" for flag -days: parse error`},
		{"no accounts", []string{"-accounts", "0"}, 2, "option-c: -accounts must be at least 1, got 0"},
		{"no days", []string{"-days", "0"}, 2, "option-c: -days must be at least 1, got 0"},
		{"negative workers", []string{"-workers", "-1"}, 2, "option-c: -workers must not be negative (0: one per core), got -1"},
		{"a negative activity scale", []string{"-activity-scale", "-2"}, 2, "option-c: -activity-scale must be in (0, 100], or -1 (sim.None) for none, got -2"},
		{"an in-market share over 1", []string{"-in-market-share", "2"}, 2, "option-c: -in-market-share must be a share between 0 and 1, or -1 (sim.None) for none, got 2"},
		{"two values out of range", []string{"-days", "5000", "-activity-scale", "200"}, 2,
			"option-c: -days must be between 1 and 3660, got 5000; -activity-scale must be in (0, 100], or -1 (sim.None) for none, got 200"},
		{"help", []string{"-h"}, 0, "Usage: option-c [flags]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut strings.Builder
			code := run(context.Background(), tt.args, &out, &errOut)
			require.Equal(t, tt.code, code)
			shown, quiet := errOut.String(), out.String()
			if tt.code == 0 {
				shown, quiet = quiet, shown
			}
			require.Empty(t, quiet)
			first, rest, _ := strings.Cut(shown, "\n")
			require.Equal(t, tt.want, first)
			require.Contains(t, rest, "-eval-seed uint")
		})
	}
}

// TestCommandLineRunFails: a run that fails (the same seed for both
// worlds) exits 1 with its error.
func TestCommandLineRunFails(t *testing.T) {
	t.Parallel()
	var out, errOut strings.Builder
	code := run(context.Background(), []string{"-train-seed", "5", "-eval-seed", "5"}, &out, &errOut)
	require.Equal(t, 1, code)
	require.Equal(t, "option-c: the evaluation seed must differ from the training seed (both 5)\n", errOut.String())
}
