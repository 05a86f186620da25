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
			StageOrder:   []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost"},
			ClosedStages: []string{"Closed Won", "Closed Lost"}},
	}, {
		name:   "a model of its own names",
		models: []buyinggroup.StageModel{pilotModel()},
		want: analytics.Config{SalesReadyStages: []string{"Handoff"},
			StageOrder: []string{"Aware", "Pilot", "Handoff", "Won", "Lost", "Stalled"}, ClosedStages: []string{"Won", "Lost", "Stalled"}},
		reason: "the last stage before the success and failure stages",
	}, {
		name:   "two models: each one's sales-ready stage, each stage once",
		models: []buyinggroup.StageModel{def, expansion},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready", "Upsell Ready"},
			StageOrder:   []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost", "Upsell Ready"},
			ClosedStages: []string{"Closed Won", "Closed Lost"}},
	}, {
		name: "an open stage listed after the closing ones is not the sales-ready stage",
		models: []buyinggroup.StageModel{{ID: "recycling", Stages: []buyinggroup.Stage{
			{Name: "Awareness", Entry: true}, {Name: "Engaged"}, {Name: "Sales Ready"},
			{Name: "Closed Won", Success: true}, {Name: "Closed Lost", Failure: true}, {Name: "Recycled", Entry: true}}}},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready"},
			StageOrder:   []string{"Awareness", "Engaged", "Sales Ready", "Closed Won", "Closed Lost", "Recycled"},
			ClosedStages: []string{"Closed Won", "Closed Lost"}},
		reason: "Recycled comes after the deal closed: a recycled group is no MQA",
	}, {
		name: "a model that lists its closing stages first: the last open stage before the next closing one",
		models: []buyinggroup.StageModel{{ID: "closed-first", Stages: []buyinggroup.Stage{
			{Name: "Won", Success: true}, {Name: "Lost", Failure: true},
			{Name: "Aware", Entry: true}, {Name: "Handoff"}, {Name: "Stalled", Failure: true}, {Name: "Revived"}}}},
		want: analytics.Config{SalesReadyStages: []string{"Handoff"},
			StageOrder: []string{"Won", "Lost", "Aware", "Handoff", "Stalled", "Revived"}, ClosedStages: []string{"Won", "Lost", "Stalled"}},
		reason: "the closing stages listed first say nothing of where the open ones stand",
	}, {
		name: "a model with no open stage adds none",
		models: []buyinggroup.StageModel{{ID: "closed", Stages: []buyinggroup.Stage{
			{Name: "Won", Success: true, Entry: true}, {Name: "Lost", Failure: true}}}},
		want: analytics.Config{StageOrder: []string{"Won", "Lost"}, ClosedStages: []string{"Won", "Lost"}},
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

// renewalModel is a stage model whose hand-off stage is "Decision", an
// early stage of the default model.
func renewalModel() buyinggroup.StageModel {
	return buyinggroup.StageModel{ID: "renewal", Stages: []buyinggroup.Stage{
		{Name: "Awareness", Entry: true}, {Name: "Decision"}, {Name: "Renewed", Success: true}, {Name: "Churned", Failure: true}},
		Transitions: []buyinggroup.Transition{{From: "Awareness", To: "Decision"}, {From: "Decision", To: "Renewed"}, {From: "*", To: "Churned"}}}
}

// interests compiles solution interests on the standard template and
// returns them compiled.
func interests(t *testing.T, models []buyinggroup.StageModel, ins ...buyinggroup.SolutionInterest) []*buyinggroup.Interest {
	t.Helper()
	for i := range ins {
		ins[i].Template = buyinggroup.StandardTemplateID
	}
	cat, err := buyinggroup.Compile(buyinggroup.Definitions{Interests: ins, StageModels: models}, buyinggroup.Config{})
	require.NoError(t, err)
	return cat.Interests()
}

func TestConfigForInterests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		models []buyinggroup.StageModel
		ins    []buyinggroup.SolutionInterest
		want   analytics.Config
	}{{
		name: "no interest: the zero config, the default model's",
	}, {
		name:   "two interests on the default model, one on its own: each interest its own model's hand-off stage",
		models: []buyinggroup.StageModel{renewalModel()},
		ins:    []buyinggroup.SolutionInterest{{ID: "dp"}, {ID: "renewal", StageModel: "renewal"}, {ID: "sec", StageModel: "default"}},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready", "Decision"},
			StageOrder:           []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost", "Renewed", "Churned"},
			ClosedStages:         []string{"Closed Won", "Closed Lost", "Renewed", "Churned"},
			SalesReadyByInterest: map[string][]string{"dp": {"Sales Ready"}, "renewal": {"Decision"}, "sec": {"Sales Ready"}}},
	}, {
		name: "a model with an open stage after its closing ones: its interest's hand-off stage is the one before them",
		models: []buyinggroup.StageModel{{ID: "recycling", Stages: []buyinggroup.Stage{
			{Name: "Awareness", Entry: true}, {Name: "Engaged"}, {Name: "Sales Ready"},
			{Name: "Closed Won", Success: true}, {Name: "Closed Lost", Failure: true}, {Name: "Recycled"}}}},
		ins: []buyinggroup.SolutionInterest{{ID: "dp", StageModel: "recycling"}},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready"},
			StageOrder:           []string{"Awareness", "Engaged", "Sales Ready", "Closed Won", "Closed Lost", "Recycled"},
			ClosedStages:         []string{"Closed Won", "Closed Lost"},
			SalesReadyByInterest: map[string][]string{"dp": {"Sales Ready"}}},
	}, {
		name: "CRM products: each interest's, the first interest's when two give one",
		ins: []buyinggroup.SolutionInterest{{ID: "dp", CRMProduct: " Data Platform"}, {ID: "sec", CRMProduct: "Security Suite"},
			{ID: "dp-eu", CRMProduct: "data platform"}, {ID: "services"}},
		want: analytics.Config{SalesReadyStages: []string{"Sales Ready"},
			StageOrder:           []string{"Awareness", "Consideration", "Decision", "Sales Ready", "Closed Won", "Closed Lost"},
			ClosedStages:         []string{"Closed Won", "Closed Lost"},
			SalesReadyByInterest: map[string][]string{"dp": {"Sales Ready"}, "sec": {"Sales Ready"}, "dp-eu": {"Sales Ready"}, "services": {"Sales Ready"}},
			ProductInterests:     map[string]string{"Data Platform": "dp", "Security Suite": "sec"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ins []*buyinggroup.Interest
			if len(tt.ins) > 0 {
				ins = interests(t, tt.models, tt.ins...)
			}
			got := analytics.ConfigForInterests(ins...)
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
			require.NoError(t, got.Validate())
		})
	}
}

// TestSalesReadyByInterest: "Decision" hands a renewal group to sales and
// is an early stage of the default model, which the data-platform groups
// follow. Each group is judged by its own interest's model: a renewal
// group in Decision is an MQA, a data-platform group in Decision is not.
func TestSalesReadyByInterest(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("b", day(0), "buyinggroup.group_created", created("b/renewal", "renewal", day(0))).
		add("c", day(0), "buyinggroup.group_created", created("c/dp", "dp", day(0))).
		add("d", day(0), "buyinggroup.group_created", created("d/legacy", "legacy", day(0))).
		add("a", day(2), "group.updated", snap("a/dp", "dp", "Decision", 0.6, 120, "")).
		add("b", day(2), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "b/renewal", "interest": "renewal", "from": "Awareness", "to": "Decision"}).
		add("b", day(2), "group.updated", snap("b/renewal", "renewal", "Decision", 0.6, 120, "")).
		add("c", day(3), "group.updated", snap("c/dp", "dp", "Sales Ready", 0.6, 160, "")).
		add("d", day(4), "group.updated", snap("d/legacy", "legacy", "Decision", 0.6, 120, ""))
	ins := interests(t, []buyinggroup.StageModel{renewalModel()},
		buyinggroup.SolutionInterest{ID: "dp"}, buyinggroup.SolutionInterest{ID: "renewal", StageModel: "renewal"})
	tests := []struct {
		name     string
		cfg      analytics.Config
		mqa      analytics.Ratio
		velocity analytics.Average
		reason   string
	}{{
		name:     "each interest's own model",
		cfg:      analytics.ConfigForInterests(ins...),
		mqa:      analytics.Ratio{Numerator: 3, Denominator: 4, Value: val(0.75)},
		velocity: analytics.Average{Sum: 9, Count: 3, Mean: val(3), Median: val(3)},
		reason:   "b in Decision (renewal's hand-off), c in Sales Ready and d, of an interest the program no longer has, by the pooled stages; not a",
	}, {
		name:     "an interest listed by hand; the others by SalesReadyStages",
		cfg:      analytics.Config{SalesReadyByInterest: map[string][]string{"renewal": {"Decision"}}},
		mqa:      analytics.Ratio{Numerator: 2, Denominator: 4, Value: val(0.5)},
		velocity: analytics.Average{Sum: 5, Count: 2, Mean: val(2.5), Median: val(2.5)},
		reason:   "b by its list, c by the default Sales Ready",
	}, {
		name:     "an interest whose list is empty qualifies by readiness alone",
		cfg:      analytics.Config{SalesReadyByInterest: map[string][]string{"dp": nil}, SalesReadyStages: []string{"Decision"}},
		mqa:      analytics.Ratio{Numerator: 2, Denominator: 4, Value: val(0.5)},
		velocity: analytics.Average{Sum: 6, Count: 2, Mean: val(3), Median: val(3)},
		reason:   "b and d by Decision; neither dp group",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, analytics.Period{To: day(10)})
			require.Empty(t, cmp.Diff(tt.mqa, r.MQA.Groups), "%s (-want +got)", tt.reason)
			require.Empty(t, cmp.Diff(tt.velocity, r.Velocity.ToSalesReady.Days), "%s (-want +got)", tt.reason)
		})
	}
}

// TestVelocityCRMProduct: a CRM deal that names no solution interest
// belongs to the group of the interest whose CRM product it has, compared
// as the engine compares them (buyinggroup.Interest.MatchesOpportunity:
// case aside, blanks around it aside). The program's interests say which
// product is whose, so ConfigForInterests maps them.
func TestVelocityCRMProduct(t *testing.T) {
	t.Parallel()
	opp := func(id, product string, createdDay float64) m {
		return m{"id": id, "product": product, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("b", day(0), "buyinggroup.group_created", created("b/sec", "sec", day(0))).
		add("a", day(3), "opportunity.created", opp("o-a", "data platform ", 3)).
		add("b", day(5), "opportunity.created", opp("o-b", "Security Suite", 5))
	ins := interests(t, nil,
		buyinggroup.SolutionInterest{ID: "dp", CRMProduct: "Data Platform"}, buyinggroup.SolutionInterest{ID: "sec", CRMProduct: "Security Suite"})
	tests := []struct {
		name string
		cfg  analytics.Config
		want analytics.Duration
	}{{
		name: "the program's interests: both deals find their group",
		cfg:  analytics.ConfigForInterests(ins...),
		want: analytics.Duration{Days: analytics.Average{Sum: 8, Count: 2, Mean: val(4), Median: val(4)}},
	}, {
		name: "products mapped by hand in another case: the same",
		cfg:  analytics.Config{ProductInterests: map[string]string{"DATA PLATFORM": "dp", " security suite": "sec"}},
		want: analytics.Duration{Days: analytics.Average{Sum: 8, Count: 2, Mean: val(4), Median: val(4)}},
	}, {
		name: "no product mapped: both unattributed, both groups pending",
		want: analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, Pending: 2, Unattributed: 2},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, analytics.Period{To: day(10)})
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
}
