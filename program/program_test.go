package program_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/scoring"
)

func minimal() program.Definitions {
	return program.Definitions{Name: "p", Interests: []buyinggroup.SolutionInterest{{ID: "dp", Name: "Data Platform", Template: buyinggroup.StandardTemplateID}}}
}

func TestCompileDefaults(t *testing.T) {
	t.Parallel()
	p, err := program.Compile(minimal(), program.Options{})
	require.NoError(t, err)
	require.Len(t, p.Scorers, 1, "the default scoring model")
	require.Equal(t, "default", p.GroupScorer.Name())
	require.Equal(t, p.GroupScorer, p.ScorerFor("dp"))
	require.Equal(t, scoring.AggSum, p.GroupScore.Aggregation)
	require.Equal(t, "completeness+score", p.Readiness.Name())
	require.Nil(t, p.Audiences)
	require.Nil(t, p.Alerter)
	require.True(t, p.Templates.HasEmail(program.AlertTemplate), "the sales-alert template is always there")
	require.Equal(t, 10.0, p.EngagedScore())
}

// TestCompileReportsEverything checks that problems of every part come
// back at once, each with its path.
func TestCompileReportsEverything(t *testing.T) {
	t.Parallel()
	defs := minimal()
	defs.Name = ""
	defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID,
		Applies: rules.Rule{Source: `account.employes > 10`}})
	defs.Scoring = []scoring.Model{{Name: "m", Rules: []scoring.Rule{{Name: "r", Types: []string{b2b.ActivityOpenEmail}, Points: 1, When: `activity.typ == "x"`}}},
		{Name: "m", Rules: []scoring.Rule{{Name: "r", Types: []string{b2b.ActivityOpenEmail}, Points: 1}}}}
	defs.GroupScore = program.GroupScore{Model: "nope", Models: map[string]string{"ghost": "m", "dp": "missing"}}
	defs.Readiness = program.Readiness{Strategy: "magic"}
	defs.Alerts = []channel.AlertRule{{Name: "a", Strategy: channel.StrategyThreshold, Threshold: 10, Template: "none"}}
	defs.Journeys = []journey.Journey{{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{{ID: "mail", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "ghost", Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}}
	_, err := program.Compile(defs, program.Options{})
	require.ErrorIs(t, err, program.ErrInvalid)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	for _, want := range []string{
		"name: is required",
		"interests[1].applies",
		"scoring[0].rules[0].when",
		`scoring[1].name: "m" is also the name of scoring[0]`,
		`groupScore.model: unknown scoring model "nope"`,
		`groupScore.models["dp"]: unknown scoring model "missing"`,
		`groupScore.models["ghost"]: unknown solution interest "ghost"`,
		`readiness.strategy: unknown strategy "magic"`,
		`alerts[0].template: unknown email template "none"`,
		"routing.fallbackQueue: is required (every alert needs somewhere to go)",
		`journeys[0].nodes["mail"].action.template: unknown email template "ghost"`,
	} {
		require.ErrorContains(t, err, want)
	}
}

func TestReadinessStrategies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		r    program.Readiness
		name string
		err  string
	}{
		{program.Readiness{Strategy: program.ReadinessScore}, "score", ""},
		{program.Readiness{}, "completeness+score", ""},
		{program.Readiness{Strategy: program.ReadinessModel}, "", "readiness.model: is required by the model strategy"},
		{program.Readiness{Strategy: program.ReadinessScore, ReadyScore: 10, NurtureScore: 20}, "", "nurture"},
	} {
		defs := minimal()
		defs.Readiness = tt.r
		p, err := program.Compile(defs, program.Options{})
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.name, p.Readiness.Name())
	}
}

// TestCompileDoesNotStopAtOneSection checks that invalid caps do not hide
// the journeys' problems, nor a missing fallback queue the alert rules'.
func TestCompileDoesNotStopAtOneSection(t *testing.T) {
	t.Parallel()
	defs := minimal()
	defs.Caps = []journey.Cap{{Name: "bad", Max: -1}}
	defs.Journeys = []journey.Journey{{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{{ID: "split", Kind: journey.KindSplit, Split: &journey.Split{
			Paths: []journey.Path{{Name: "p", When: "grup.score > 1", Next: "end"}}, Else: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}}
	defs.Alerts = []channel.AlertRule{{Name: "m", Strategy: channel.StrategyMilestone, When: rules.Rule{Source: "group.scor > 1"}}}
	_, err := program.Compile(defs, program.Options{})
	require.ErrorContains(t, err, "caps")
	require.ErrorContains(t, err, "unknown name grup")
	require.ErrorContains(t, err, "routing.fallbackQueue: is required")
	require.ErrorContains(t, err, "scor")
}
