package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/buyinggroup"
)

// pilotModel is a stage model whose stages have other names than the
// default model's: "Handoff" is where marketing hands a group to sales.
func pilotModel() buyinggroup.StageModel {
	return buyinggroup.StageModel{ID: "pilot", Stages: []buyinggroup.Stage{
		{Name: "Aware", Entry: true}, {Name: "Pilot"}, {Name: "Handoff"},
		{Name: "Won", Success: true}, {Name: "Lost", Failure: true}, {Name: "Stalled", Failure: true},
	}}
}

func TestConfigFor(t *testing.T) {
	t.Parallel()
	def := buyinggroup.DefaultStageModel()
	// expansion shares the default model's first stages and hands off in
	// a stage of its own.
	expansion := buyinggroup.StageModel{ID: "expansion", Stages: []buyinggroup.Stage{
		{Name: "Awareness", Entry: true}, {Name: "Upsell Ready"}, {Name: "Closed Won", Success: true}}}
	tests := []struct {
		name   string
		models []buyinggroup.StageModel
		want   analytics.Config
		reason string
	}{{
		name: "no model: the zero config, the default model's",
	}, {
		name:   "the default model",
		models: []buyinggroup.StageModel{def},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready"},
			StageOrder: []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost"}},
	}, {
		name:   "a model of its own names",
		models: []buyinggroup.StageModel{pilotModel()},
		want: analytics.Config{SalesReadyStages: []string{"Handoff"},
			StageOrder: []string{"Aware", "Pilot", "Handoff", "Won", "Lost", "Stalled"}},
		reason: "the last stage before the success and failure stages",
	}, {
		name:   "two models: each one's sales-ready stage, each stage once",
		models: []buyinggroup.StageModel{def, expansion},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready", "Upsell Ready"},
			StageOrder: []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost", "Upsell Ready"}},
	}, {
		name: "a model with no open stage adds none",
		models: []buyinggroup.StageModel{{ID: "closed", Stages: []buyinggroup.Stage{
			{Name: "Won", Success: true, Entry: true}, {Name: "Lost", Failure: true}}}},
		want: analytics.Config{StageOrder: []string{"Won", "Lost"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := analytics.ConfigFor(tt.models...)
			require.Empty(t, cmp.Diff(tt.want, got), "%s (-want +got)", tt.reason)
			require.NoError(t, got.Validate())
		})
	}
}

// TestConfigForQualifies: with the config of a model whose sales-ready
// stage is "Handoff", a group that reaches it is an MQA and its velocity
// clock stops there, and the stages come in the model's order; the zero
// config knows neither.
func TestConfigForQualifies(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("g1", "dp", day(0))).
		add("a", day(0), "group.updated", snap("g1", "dp", "Aware", 0.5, 10, "")).
		add("b", day(0), "group.updated", snap("g2", "dp", "Aware", 0.5, 10, "")).
		add("c", day(0), "group.updated", snap("g3", "dp", "Lost", 0.5, 10, "")).
		add("d", day(0), "group.updated", snap("g4", "dp", "Won", 0.5, 10, "")).
		add("a", day(4), "group.updated", snap("g1", "dp", "Handoff", 1, 160, ""))
	tests := []struct {
		name     string
		cfg      analytics.Config
		mqa      int
		velocity *float64
		stages   []string
	}{
		{"the model's config", analytics.ConfigFor(pilotModel()), 1, val(4), []string{"Aware", "Handoff", "Won", "Lost"}},
		{"the zero config", analytics.Config{}, 0, nil, []string{"Aware", "Handoff", "Lost", "Won"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, analytics.Period{To: day(10)})
			require.Equal(t, tt.mqa, r.MQA.Accounts.Numerator)
			require.Empty(t, cmp.Diff(tt.velocity, r.Velocity.ToSalesReady.Days.Mean), "(-want +got)")
			var stages []string
			for _, s := range r.Stages {
				stages = append(stages, s.Stage)
			}
			require.Empty(t, cmp.Diff(tt.stages, stages), "(-want +got)")
		})
	}
}
