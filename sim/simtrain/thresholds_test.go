package simtrain_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/sim/simtrain"
)

// scoreModel is a model of the score alone, whose log-odds are
// intercept + weight * score.
func scoreModel(intercept, weight float64) *qualify.Model {
	return &qualify.Model{Version: qualify.ModelVersion, Intercept: intercept,
		Terms: []qualify.ModelTerm{{Feature: qualify.ModelFeatureScore, Mean: 0, Scale: 1, Weight: weight}}}
}

// scoreHistory is one snapshot per group, with these scores.
func scoreHistory(scores ...float64) *simtrain.History {
	h := &simtrain.History{}
	for i, s := range scores {
		h.Snapshots = append(h.Snapshots, simtrain.Snapshot{Day: 14, Account: b2b.AccountID(fmt.Sprintf("acc-%d", i)), Group: "g",
			Features: qualify.Features{Score: s, Completeness: 0.5, WeightedCompleteness: 0.5, Employees: 100, Industry: "Software"}})
	}
	return h
}

// countLevels counts the groups the model strategy at th makes ready, and
// ready or nurture.
func countLevels(t *testing.T, h *simtrain.History, m *qualify.Model, th simtrain.Thresholds) (ready, eligible int) {
	t.Helper()
	s := qualify.StrategyModel{Model: m, ReadyProbability: th.Ready, NurtureProbability: th.Nurture}
	require.NoError(t, s.Validate())
	for _, sn := range h.Snapshots {
		v, err := s.Assess(sn.Features)
		require.NoError(t, err)
		if v.Level == qualify.ReadinessReady {
			ready++
		}
		if v.Level != qualify.ReadinessNotYet {
			eligible++
		}
	}
	return ready, eligible
}

// TestMatchVolumeAtTheEndsOfTheRange checks the thresholds chosen when the
// model's probabilities reach 0 or 1 (a sigmoid rounds log-odds beyond
// about ±37 and -745 to them): the thresholds are valid ones (above 0, at
// most 1), and a model that gives a group 1 while the reference strategy
// made none ready is refused, since no threshold leaves that group out.
func TestMatchVolumeAtTheEndsOfTheRange(t *testing.T) {
	// Reference: ready from score 100, nurture from 50.
	ref := qualify.StrategyScore{ReadyScore: 100, NurtureScore: 50}

	t.Run("none ready, the model certain", func(t *testing.T) {
		h := scoreHistory(10, 20, 30)
		_, err := h.MatchVolume(scoreModel(50, 0.01), ref)
		require.ErrorContains(t, err, "probability 1")
	})
	t.Run("some ready, the rest at 0", func(t *testing.T) {
		// Probabilities: 1, 1, 0, 0 (log-odds 2000, 1000, -800, -1800).
		h := scoreHistory(200, 150, 60, 10)
		m := scoreModel(-2000, 20)
		th, err := h.MatchVolume(m, ref)
		require.NoError(t, err)
		require.Equal(t, 2, th.ReadyGroups)
		require.Equal(t, 3, th.NurtureGroups)
		require.Positive(t, th.Nurture, "a nurture probability of 0 reads as not written in a program")
		ready, _ := countLevels(t, h, m, th)
		require.Equal(t, 2, ready)
	})
	t.Run("all ready, all at 0", func(t *testing.T) {
		h := scoreHistory(200, 300)
		m := scoreModel(-2000, 1)
		th, err := h.MatchVolume(m, ref)
		require.NoError(t, err)
		require.Positive(t, th.Ready)
		require.Positive(t, th.Nurture)
		countLevels(t, h, m, th)
	})
	t.Run("no probability", func(t *testing.T) {
		h := scoreHistory(200, 10)
		// +Inf from the score's term, -Inf from the velocity's: NaN.
		m := scoreModel(0, 1e308)
		m.Terms = append(m.Terms, qualify.ModelTerm{Feature: qualify.ModelFeatureVelocity, Scale: 1, Weight: -1e308})
		h.Snapshots[0].Features.Score, h.Snapshots[0].Features.Velocity = 1e10, 1e10
		_, err := h.MatchVolume(m, ref)
		require.ErrorContains(t, err, "no probability")
	})
}
