package sim_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/sim"
)

// TestZeroShares checks that each share of a world can be none (sim.None:
// the zero value takes the default), that the world then has none of
// what the share is of, and that a run on it gives KPIs without NaN or
// infinities.
func TestZeroShares(t *testing.T) {
	t.Parallel()
	base := sim.Config{Seed: 6, Accounts: 40, Days: 20}
	for _, tt := range []struct {
		name  string
		set   func(*sim.Config)
		check func(t *testing.T, w *sim.World)
	}{
		{"no account in market", func(c *sim.Config) { c.InMarketShare = sim.None }, func(t *testing.T, w *sim.World) {
			for id, byInterest := range w.Truth.InMarket {
				for in, yes := range byInterest {
					require.False(t, yes, "%s %s", id, in)
				}
			}
			require.Empty(t, w.Truth.Opportunities)
		}},
		{"no CRM contact", func(c *sim.Config) { c.CRMShare = sim.None }, func(t *testing.T, w *sim.World) {
			for _, p := range w.Persons {
				require.Equal(t, b2b.SourceMarketo, p.Source, p.ID)
			}
		}},
		{"no free mail", func(c *sim.Config) { c.FreeMailShare = sim.None }, func(t *testing.T, w *sim.World) {
			for _, p := range w.Persons {
				for _, fm := range []string{"@gmail.com", "@outlook.com", "@yahoo.com"} {
					require.False(t, strings.HasSuffix(p.Email, fm), p.Email)
				}
			}
		}},
		{"no lead without title", func(c *sim.Config) { c.MissingTitleShare = sim.None }, func(t *testing.T, w *sim.World) {
			for _, p := range w.Persons {
				require.NotEmpty(t, p.Title, p.ID)
			}
		}},
		{"no subsidiary", func(c *sim.Config) { c.SubsidiaryShare = sim.None }, func(t *testing.T, w *sim.World) {
			for _, a := range w.Accounts {
				require.Empty(t, a.ParentID, a.ID)
			}
		}},
		{"no activity of the world's own", func(c *sim.Config) { c.ActivityScale = sim.None }, func(t *testing.T, w *sim.World) {
			for d := range w.Config.Days {
				require.Empty(t, w.Day(d), "day %d", d)
			}
		}},
		{"all of them", func(c *sim.Config) {
			c.InMarketShare, c.CRMShare, c.FreeMailShare, c.MissingTitleShare, c.SubsidiaryShare, c.ActivityScale =
				sim.None, sim.None, sim.None, sim.None, sim.None, sim.None
		}, func(t *testing.T, w *sim.World) {
			require.Empty(t, w.Truth.Opportunities)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			tt.set(&cfg)
			w, err := sim.New(cfg)
			require.NoError(t, err)
			tt.check(t, w)
			again, err := sim.New(w.Config)
			require.NoError(t, err)
			require.Equal(t, w.Config, again.Config, "a world's config makes the same world again")

			res, err := sim.Run(context.Background(), w, sim.RunConfig{Program: testProgram(t), SalesFollowUp: sim.None})
			require.NoError(t, err)
			require.Zero(t, res.FollowUps, "no rep follows up")
			r := runReport(t, res)
			r.CompareTruth(analytics.GroundTruth(w.Truth.InMarket))
			var text strings.Builder
			require.NoError(t, r.WriteText(&text))
			require.NotContains(t, text.String(), "NaN")
			require.NotContains(t, text.String(), "Inf")
			data, err := json.Marshal(r)
			require.NoError(t, err)
			var v any
			require.NoError(t, json.Unmarshal(data, &v))
			finite(t, "kpis", v)
		})
	}
}

// finite fails if a number of a decoded JSON value is not finite.
func finite(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case float64:
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), path)
	case map[string]any:
		for k, x := range v {
			finite(t, path+"."+k, x)
		}
	case []any:
		for _, x := range v {
			finite(t, path+"[]", x)
		}
	}
}

// TestConfigValidationListsEveryProblem checks that an invalid world or
// run config reports every problem at once, each with its field path.
func TestConfigValidationListsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := sim.New(sim.Config{InMarketShare: math.NaN(), CRMShare: -0.5, FreeMailShare: 1.5, MissingTitleShare: math.Inf(1),
		SubsidiaryShare: -2, ActivityScale: -3, PersonsPerAccount: -1})
	require.ErrorIs(t, err, sim.ErrConfig)
	for _, want := range []string{"7 problems", "inMarketShare: must be a share between 0 and 1, or -1 (sim.None) for none, got NaN",
		"crmShare: must be a share between 0 and 1, or -1 (sim.None) for none, got -0.5", "freeMailShare: must be a share", "missingTitleShare: must be a share",
		"subsidiaryShare: must be a share", "activityScale: must be in (0, 100], or -1 (sim.None) for none, got -3", "personsPerAccount: must be between"} {
		require.ErrorContains(t, err, want)
	}

	w, err := sim.New(sim.Config{Accounts: 2, Days: 1})
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		cfg  sim.RunConfig
		want []string
	}{
		{"no program, follow-up above 1", sim.RunConfig{SalesFollowUp: 1.5}, []string{"2 problems", "program: is required",
			"salesFollowUp: must be a probability between 0 and 1, or -1 (sim.None) for none, got 1.5"}},
		{"follow-up NaN", sim.RunConfig{Program: testProgram(t), SalesFollowUp: math.NaN()}, []string{"salesFollowUp: must be a probability"}},
		{"negative workers", sim.RunConfig{Program: testProgram(t), Workers: -1}, []string{"workers: must not be negative"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sim.Run(context.Background(), w, tt.cfg)
			require.ErrorIs(t, err, sim.ErrConfig)
			for _, want := range tt.want {
				require.ErrorContains(t, err, want)
			}
		})
	}
}
