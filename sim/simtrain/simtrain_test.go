package simtrain_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/qualify"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/sim/simtrain"
)

func compile(t *testing.T, name string) *program.Program {
	t.Helper()
	defs, err := programfile.LoadFS(programs.FS, name)
	require.NoError(t, err)
	p, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	return p
}

func smallWorld(t *testing.T, seed uint64) *sim.World {
	t.Helper()
	w, err := sim.New(sim.Config{Seed: seed, Accounts: 60, Days: 35, SolutionInterests: []string{"data-platform"}})
	require.NoError(t, err)
	return w
}

func TestConfigValidate(t *testing.T) {
	err := simtrain.Config{FirstDay: -1, Every: -2, Outcome: qualify.ModelOutcome{Days: -3}}.Validate()
	require.ErrorIs(t, err, simtrain.ErrConfig)
	for _, want := range []string{"program: is required", "outcome.days: must not be negative, got -3", "firstDay: must not be negative, got -1", "every: must not be negative, got -2"} {
		require.ErrorContains(t, err, want)
	}
	_, err = simtrain.Collect(context.Background(), smallWorld(t, 1), simtrain.Config{})
	require.ErrorIs(t, err, simtrain.ErrConfig)
}

// TestFeaturesMatchEngine checks that the features built from the view are
// those the engine gave readiness: under option C (the model strategy),
// the engine's probability for each group at its last pass equals the
// model's probability of the features Features builds from the view.
func TestFeaturesMatchEngine(t *testing.T) {
	p := compile(t, "option-c.yaml")
	h, err := simtrain.Collect(context.Background(), smallWorld(t, 1), simtrain.Config{Program: p, FirstDay: 7, Every: 7})
	require.NoError(t, err)
	model := p.Definitions().Readiness.Model
	ctx, end := context.Background(), h.Result.End
	checked, same := 0, 0
	for _, a := range h.Result.World.Accounts {
		v, err := h.Result.Engine.Account(ctx, a.ID, end)
		require.NoError(t, err)
		for i := range v.Groups {
			g := &v.Groups[i]
			require.NotNil(t, g.Readiness)
			f := simtrain.Features(&v, g, p, nil)
			checked++
			if math.Abs(model.Probability(f)-g.Readiness.Value) < 1e-6 {
				same++
			}
		}
	}
	require.Equal(t, 60, checked, "one group per account")
	// A verdict is of the account's last pass, which for a quiet account
	// can be days before the view's time (its days since the last
	// activity, its decayed score read then); every other group must
	// agree.
	t.Logf("%d of %d groups agree", same, checked)
	require.GreaterOrEqual(t, same, checked*9/10, "%d of %d groups agree", same, checked)
}

func TestCollectAndMatchVolume(t *testing.T) {
	p := compile(t, "option-a.yaml")
	w := smallWorld(t, 2)
	h, err := simtrain.Collect(context.Background(), w, simtrain.Config{Program: p, Outcome: qualify.ModelOutcome{Days: 14}})
	require.NoError(t, err)
	// Days 14, 21, 28 and 35 (the end of the last day), every account's
	// group.
	require.Equal(t, 4*60, len(h.Snapshots))
	days := map[int]int{}
	for _, s := range h.Snapshots {
		days[s.Day]++
		require.Equal(t, w.Date(s.Day), s.At)
		require.Equal(t, s.Day+14 <= 35, s.Labelled, "day %d", s.Day)
		require.Equal(t, w.Truth.InMarket[s.Account]["data-platform"], s.InMarket)
		if s.Buying {
			require.True(t, s.InMarket)
			require.False(t, w.Truth.BuyingStart[s.Account]["data-platform"].After(s.At))
		}
		require.NoError(t, s.Features.Validate())
	}
	require.Equal(t, map[int]int{14: 60, 21: 60, 28: 60, 35: 60}, days)

	out := h.Examples(simtrain.LabelOutcome)
	buying := h.Examples(simtrain.LabelBuying)
	nOut, nBuy := 0, 0
	for _, s := range h.Snapshots {
		if !s.HadOpportunity {
			nBuy++
			if s.Labelled {
				nOut++
			}
		}
	}
	require.Equal(t, nOut, len(out))
	require.Equal(t, nBuy, len(buying))
	require.Positive(t, nOut)

	// A model whose probability is the score's rank makes exactly as many
	// groups ready as the threshold strategy.
	m, err := qualify.ModelTrainer{Seed: 1, MinIndustryCount: 1000}.Train(syntheticExamples())
	require.NoError(t, err)
	th, err := h.MatchVolume(m, p.Readiness)
	require.NoError(t, err)
	require.Equal(t, 60, th.Groups)
	require.LessOrEqual(t, th.Nurture, th.Ready)
	ready := 0
	maxP := map[string]float64{}
	for _, s := range h.Snapshots {
		maxP[s.Group] = max(maxP[s.Group], m.Probability(s.Features))
	}
	for _, p := range maxP {
		if p >= th.Ready {
			ready++
		}
	}
	if th.ReadyGroups > 0 {
		require.Equal(t, th.ReadyGroups, ready)
	}

	_, err = (&simtrain.History{}).MatchVolume(m, p.Readiness)
	require.True(t, errors.Is(err, simtrain.ErrNoHistory))
}

// syntheticExamples: the outcome follows the score.
func syntheticExamples() []qualify.ReadinessExample {
	var ex []qualify.ReadinessExample
	for i := range 200 {
		s := float64(i * 2)
		ex = append(ex, qualify.ReadinessExample{
			Features: qualify.Features{Score: s, Completeness: 0.5, WeightedCompleteness: 0.5, Employees: 100, DaysSinceLastActivity: 3, Industry: "Software"},
			Outcome:  (i*7919)%200 < i,
		})
	}
	return ex
}

func TestLabelString(t *testing.T) {
	require.Equal(t, "outcome", simtrain.LabelOutcome.String())
	require.Equal(t, "in market with the buying window open (the simulation's truth)", simtrain.LabelBuying.String())
	require.Equal(t, "Label(7)", simtrain.Label(7).String())
}

// TestFeaturesCountTheAccountsOpportunities checks that a snapshot's
// opportunity history is the account's, as the engine gives readiness
// (qualify.Features: "the account's opportunity history"), not only that
// of the group's own interest: a won Data Platform deal is history for
// the account's Security Suite group too.
func TestFeaturesCountTheAccountsOpportunities(t *testing.T) {
	p := compile(t, "option-b.yaml")
	w, err := sim.New(sim.Config{Seed: 3, Accounts: 60, Days: 60, SolutionInterests: []string{"data-platform", "security-suite"}})
	require.NoError(t, err)
	h, err := simtrain.Collect(context.Background(), w, simtrain.Config{Program: p})
	require.NoError(t, err)
	byAccount := map[b2b.AccountID][]b2b.Opportunity{}
	for _, o := range w.Truth.Opportunities {
		byAccount[o.Account] = append(byAccount[o.Account], o)
	}
	others := 0 // snapshots whose account has a prior deal of another interest
	for _, s := range h.Snapshots {
		prior, won := qualify.FeaturesOpportunityHistory(s.At, byAccount[s.Account])
		require.Equal(t, prior, s.Features.PriorOpportunities, "%s %s on day %d", s.Account, s.Group, s.Day)
		require.Equal(t, won, s.Features.PriorWon, "%s %s on day %d", s.Account, s.Group, s.Day)
		for _, o := range byAccount[s.Account] {
			if o.SolutionInterest != s.Interest && !o.CreatedAt.After(s.At) {
				others++
				break
			}
		}
	}
	require.Positive(t, others, "the world has no account with a deal of another interest than a group's")
}
