package program_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
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

// TestReadinessSettingsOfAnotherStrategy: a setting that the chosen
// strategy does not read (a model under the default strategy, a
// completeness threshold under score) would be silently ignored; it is
// a problem at its path that names the strategy that reads it.
func TestReadinessSettingsOfAnotherStrategy(t *testing.T) {
	t.Parallel()
	model := &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{{Feature: qualify.ModelFeatureScore, Scale: 100, Weight: 1}}}
	for _, tt := range []struct {
		r    program.Readiness
		want []string
	}{
		{program.Readiness{Model: model, ReadyProbability: 0.8}, []string{
			`readiness.strategy: is not written, so it is completeness_score, which does not read model, readyProbability: write strategy: model`}},
		{program.Readiness{Strategy: program.ReadinessScore, ReadyScore: 150, ReadyCompleteness: 0.5, NurtureCompleteness: 0.2}, []string{
			`readiness.readyCompleteness: is read only by the completeness_score strategy, and the strategy is score`,
			`readiness.nurtureCompleteness: is read only by the completeness_score strategy, and the strategy is score`}},
		{program.Readiness{Strategy: program.ReadinessModel, Model: model, NurtureScore: 40}, []string{
			`readiness.nurtureScore: is read only by the score and completeness_score strategies, and the strategy is model`}},
	} {
		defs := minimal()
		defs.Readiness = tt.r
		_, err := program.Compile(defs, program.Options{})
		require.Error(t, err)
		var ve *b2b.ValidationError
		require.ErrorAs(t, err, &ve)
		var got []string
		for _, p := range ve.Problems {
			got = append(got, p.Error())
		}
		require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
	}
	// What each strategy reads is no problem.
	for _, r := range []program.Readiness{
		{Strategy: program.ReadinessScore, ReadyScore: 150, NurtureScore: 40},
		{ReadyScore: 150, NurtureScore: 40, ReadyCompleteness: 0.5, NurtureCompleteness: 0.2},
		{Strategy: program.ReadinessModel, Model: model, ReadyProbability: 0.8, NurtureProbability: 0.2},
	} {
		defs := minimal()
		defs.Readiness = r
		_, err := program.Compile(defs, program.Options{})
		require.NoError(t, err)
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

// mailJourney is a journey "j" with one action node "act" and an end.
func mailJourney(a journey.Action) journey.Journey {
	a.Next = "end"
	return journey.Journey{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{{ID: "act", Kind: journey.KindAction, Action: &a},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}
}

// TestCompileTemplateOfTheOtherChannel checks that a message naming a
// template of the other channel is told so, not that its template is
// unknown.
func TestCompileTemplateOfTheOtherChannel(t *testing.T) {
	t.Parallel()
	defs := minimal()
	defs.Templates = channel.TemplateSet{
		Emails: []channel.EmailTemplate{{Name: "intro", Subject: "Hi", Text: "hi", HTML: "<p>hi</p>"}},
		SMS:    []channel.SMSTemplate{{Name: "reminder", Text: "See you tomorrow"}},
	}
	sms := mailJourney(journey.Action{Type: journey.ActionSMS, Template: "intro"})
	email := mailJourney(journey.Action{Type: journey.ActionEmail, Template: "reminder"})
	email.ID = "k"
	defs.Journeys = []journey.Journey{sms, email}
	defs.Alerts = []channel.AlertRule{{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Template: "reminder"}}
	defs.Routing = channel.Routing{FallbackQueue: "sales@vendor.example"}
	_, err := program.Compile(defs, program.Options{})
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Error())
	}
	require.Equal(t, []string{
		`alerts[0].template: "reminder" is an SMS template; a sales alert needs an email template`,
		`journeys[0].nodes["act"].action.template: "intro" is an email template; an sms action needs an SMS template`,
		`journeys[1].nodes["act"].action.template: "reminder" is an SMS template; an email action needs an email template`,
	}, got)
}

// TestCompileTemplateProblemDoesNotHideOthers checks that a template that
// does not compile hides neither the alert rules' problems nor journeys'
// unknown templates, and that a journey naming the broken template is not
// told it is unknown.
func TestCompileTemplateProblemDoesNotHideOthers(t *testing.T) {
	t.Parallel()
	defs := minimal()
	defs.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "intro", Subject: "{{.Acount.Name}}", Text: "hi", HTML: "<p>hi</p>"}}}
	defs.Alerts = []channel.AlertRule{{Name: "m", Strategy: channel.StrategyMilestone, When: rules.Rule{Name: "m", Source: "group.scor > 1"}}}
	defs.Journeys = []journey.Journey{mailJourney(journey.Action{Type: journey.ActionEmail, Template: "ghost"})}
	intro := mailJourney(journey.Action{Type: journey.ActionEmail, Template: "intro"})
	intro.ID = "k"
	defs.Journeys = append(defs.Journeys, intro)
	_, err := program.Compile(defs, program.Options{})
	for _, want := range []string{
		"templates.emails[0].subject: 1:10: unknown token .Acount",
		"alerts[0].when",
		"routing.fallbackQueue: is required",
		`journeys[0].nodes["act"].action.template: unknown email template "ghost"`,
	} {
		require.ErrorContains(t, err, want)
	}
	require.NotContains(t, err.Error(), `unknown email template "intro"`)
}

// TestCompileChecksReferencesBetweenParts checks every name a journey or
// an alert rule gives to another part of the program.
func TestCompileChecksReferencesBetweenParts(t *testing.T) {
	t.Parallel()
	node := func(n journey.Node) journey.Journey {
		return journey.Journey{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
			Nodes: []journey.Node{n, {ID: "end", Kind: journey.KindEnd, End: &journey.End{}}}}
	}
	for _, tt := range []struct {
		name string
		mod  func(*program.Definitions)
		want string
	}{
		{"trigger interest", func(d *program.Definitions) {
			d.Journeys[0].Triggers = []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "dpx"}}
		}, `journeys[0].triggers[0].solutionInterest: unknown solution interest "dpx"`},
		{"trigger audience", func(d *program.Definitions) {
			d.Journeys[0].Triggers = []journey.Trigger{{Type: journey.TriggerAudience, Audience: "bigg"}}
		}, `journeys[0].triggers[0].audience: unknown audience "bigg"`},
		{"change_stage stage", func(d *program.Definitions) {
			d.Journeys[0] = mailJourney(journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Redy"})
		}, `journeys[0].nodes["act"].action.stage: unknown stage "Sales Redy" (stages: Awareness, Consideration,`},
		{"change_stage stage of the recipients' interest", func(d *program.Definitions) {
			d.Journeys[0] = mailJourney(journey.Action{Type: journey.ActionChangeStage, Stage: "Qualified",
				Recipients: &journey.Recipients{SolutionInterest: "dp"}})
		}, `journeys[0].nodes["act"].action.stage: unknown stage "Qualified" for solution interest "dp" (stages: Awareness,`},
		{"recipients interest", func(d *program.Definitions) {
			d.Journeys[0] = mailJourney(journey.Action{Type: journey.ActionEmail, Template: program.AlertTemplate,
				Recipients: &journey.Recipients{SolutionInterest: "sek"}})
		}, `journeys[0].nodes["act"].action.recipients.solutionInterest: unknown solution interest "sek"`},
		{"listen event interest", func(d *program.Definitions) {
			d.Journeys[0] = node(journey.Node{ID: "l", Kind: journey.KindListen, Listen: &journey.Listen{
				Events: []journey.EventMatch{{Type: journey.EventGroupCreated, SolutionInterest: "sek"}}, Timeout: journey.Duration(time.Hour), Next: "end", OnTimeout: "end"}})
		}, `journeys[0].nodes["l"].listen.events[0].solutionInterest: unknown solution interest "sek"`},
		{"role count interest", func(d *program.Definitions) {
			d.Journeys[0] = node(journey.Node{ID: "s", Kind: journey.KindSplit, Split: &journey.Split{
				Paths: []journey.Path{{RoleAtLeast: &journey.RoleCount{Role: "Champion", Count: 1, SolutionInterest: "sek"}, Next: "end"}}, Else: "end"}})
		}, `journeys[0].nodes["s"].paths[0].roleAtLeast.solutionInterest: unknown solution interest "sek"`},
		{"parallel interests", func(d *program.Definitions) {
			d.Journeys[0] = node(journey.Node{ID: "p", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"dp", "sek"}, Branch: "end"}})
		}, `journeys[0].nodes["p"].parallel.solutionInterests[1]: unknown solution interest "sek"`},
		{"people split interest", func(d *program.Definitions) {
			d.Journeys[0] = node(journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: []journey.PeoplePath{{Name: "champions", Match: &journey.Recipients{SolutionInterest: "sek"},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: program.AlertTemplate}}}}, Next: "end"}})
		}, `journeys[0].nodes["ps"].peopleSplit.paths[0].match.solutionInterest: unknown solution interest "sek"`},
		{"people split template", func(d *program.Definitions) {
			d.Journeys[0] = node(journey.Node{ID: "ps", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: []journey.PeoplePath{{Name: "champions", Match: &journey.Recipients{Roles: []string{"Champion"}},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: program.AlertTemplate}}}},
				Else: []journey.Action{{Type: journey.ActionSMS, Template: "ghost"}}, Next: "end"}})
		}, `journeys[0].nodes["ps"].peopleSplit.else[0].template: unknown SMS template "ghost"`},
		{"alert stage", func(d *program.Definitions) {
			d.Alerts = []channel.AlertRule{{Name: "a", Strategy: channel.StrategyStage, ToStages: []string{"Sales Redy"}}}
			d.Routing = channel.Routing{FallbackQueue: "sdr"}
		}, `alerts[0].toStages[0]: unknown stage "Sales Redy"`},
		{"cap category", func(d *program.Definitions) {
			d.Caps = []journey.Cap{{Name: "marketing", Category: "marketing", Max: 2, Per: journey.Days(7)},
				{Name: "typo", Category: "marketng", Max: 2, Per: journey.Days(7)}}
		}, `caps[1].category: unknown message category "marketng": no journey sends it, so the cap never applies (journeys' categories: marketing)`},
		{"routing specialist interest", func(d *program.Definitions) {
			d.Routing = channel.Routing{FallbackQueue: "sdr@quorum.example", Specialists: map[string]string{"dp": "dp@quorum.example", "sek": "sec@quorum.example"}}
		}, `routing.specialists["sek"]: unknown solution interest "sek"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.Audiences = []audience.Audience{{Name: "big", Rule: "account.employees > 100"}}
			defs.Journeys = []journey.Journey{mailJourney(journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Ready"})}
			_, err := program.Compile(defs, program.Options{})
			require.NoError(t, err, "the valid base")
			tt.mod(&defs)
			_, err = program.Compile(defs, program.Options{})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// TestCompileChecksRolesWhenAnInterestIsBroken checks that journeys' roles
// are checked against the role templates even when an interest (or the
// buying-group definitions as a whole) does not compile.
func TestCompileChecksRolesWhenAnInterestIsBroken(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		interests []buyinggroup.SolutionInterest
		want      []string
	}{
		{"valid interests", nil, nil},
		{"unknown role template", []buyinggroup.SolutionInterest{{ID: "sec", Template: "nope"}}, []string{`interests[1].template: unknown role template "nope"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.Interests = append(defs.Interests, tt.interests...)
			defs.Journeys = []journey.Journey{mailJourney(journey.Action{Type: journey.ActionEmail, Template: program.AlertTemplate,
				Recipients: &journey.Recipients{Roles: []string{"Chmapion"}}})}
			_, err := program.Compile(defs, program.Options{})
			for _, want := range append(tt.want, `journeys[0].nodes["act"].action.recipients.roles[0]: unknown role "Chmapion"`) {
				require.ErrorContains(t, err, want)
			}
		})
	}
}

// TestCompileChangeStageOfSeveralInterests: in a program with several
// solution interests, a change_stage action must tell whose stage it
// changes (an account may have a buying group of each): by naming the
// interest, or in a journey bound to one. An interest with a problem of
// its own still counts.
func TestCompileChangeStageOfSeveralInterests(t *testing.T) {
	t.Parallel()
	const want = `journeys[0].nodes["act"].action.recipients.solutionInterest: a change_stage action needs the solution interest of the buying group it moves: ` +
		`an account may have a group for each of dp, sec, and the journey is bound to none`
	for _, tt := range []struct {
		name     string
		sec      buyinggroup.SolutionInterest
		triggers []journey.Trigger
		r        *journey.Recipients
		problem  bool
	}{
		{name: "manual entries only", sec: buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID}, problem: true},
		{name: "an interest with a problem of its own", sec: buyinggroup.SolutionInterest{ID: "sec", Template: "nope"}, problem: true},
		{name: "the action names its interest", sec: buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID},
			r: &journey.Recipients{SolutionInterest: "sec"}},
		{name: "a journey bound to an interest", sec: buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID},
			triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "sec"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.Interests = append(defs.Interests, tt.sec)
			j := mailJourney(journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Ready", Recipients: tt.r})
			if tt.triggers != nil {
				j.Triggers = tt.triggers
			}
			defs.Journeys = []journey.Journey{j}
			_, err := program.Compile(defs, program.Options{})
			if !tt.problem {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, want)
		})
	}
}

// TestCompileChangeStageOfTheBoundInterest: the main track of a journey
// bound to an interest moves that interest's group, so a change_stage
// that names no interest there must name a stage of that interest's
// model, not of any interest's: a stage only another interest's model has
// would fail when the host applies it. One that names an interest is
// checked against that one's model, one on a parallel branch against the
// models of the interests its parallel node names, and one on a branch
// whose tracks may be of any interest against every model.
func TestCompileChangeStageOfTheBoundInterest(t *testing.T) {
	t.Parallel()
	pilot := buyinggroup.StageModel{ID: "pilot", Stages: []buyinggroup.Stage{
		{Name: "Aware", Entry: true}, {Name: "Handoff"}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
		Transitions: []buyinggroup.Transition{{From: "Aware", To: "Handoff"}}}
	const (
		defaultStages = `(stages: Awareness, Consideration, Decision, Sales Ready, Closed Won, Closed Lost)`
		pilotStages   = `(stages: Aware, Handoff, Won, Lost)`
	)
	stage := func(id journey.NodeID, stage, interest, next string) journey.Node {
		a := &journey.Action{Type: journey.ActionChangeStage, Stage: stage, Next: journey.NodeID(next)}
		if interest != "" {
			a.Recipients = &journey.Recipients{SolutionInterest: interest}
		}
		return journey.Node{ID: id, Kind: journey.KindAction, Action: a}
	}
	done := journey.Node{ID: "end", Kind: journey.KindEnd, End: &journey.End{}}
	for _, tt := range []struct {
		name     string
		interest string // the journey's binding
		nodes    []journey.Node
		want     []string // nil: valid
	}{
		{"a stage of another interest's model", "dp", []journey.Node{stage("act", "Handoff", "", "end"), done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Handoff" for solution interest "dp", which the journey is bound to ` + defaultStages}},
		{"a stage of the other model", "sec", []journey.Node{stage("act", "Sales Ready", "", "end"), done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Sales Ready" for solution interest "sec", which the journey is bound to ` + pilotStages}},
		{"a stage of its interest's model", "sec", []journey.Node{stage("act", "Handoff", "", "end"), done}, nil},
		{"naming another interest, a stage of its model", "dp", []journey.Node{stage("act", "Handoff", "sec", "end"), done}, nil},
		{"naming another interest, a stage of the bound one's model", "dp", []journey.Node{stage("act", "Sales Ready", "sec", "end"), done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Sales Ready" for solution interest "sec" ` + pilotStages}},
		{"in a parallel branch, a stage of any interest's model", "dp", []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "act", Merge: "join"}},
			stage("act", "Handoff", "", "join"),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}}, done}, nil},
		{"in a parallel branch of another interest, a stage of the bound one's model", "dp", []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"sec"}, Branch: "act", Merge: "join"}},
			stage("act", "Sales Ready", "", "join"),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}}, done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Sales Ready" for solution interest "sec", which a parallel track reaching the node addresses ` + pilotStages}},
		{"in a parallel branch of another interest, a stage of its model", "dp", []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"sec"}, Branch: "act", Merge: "join"}},
			stage("act", "Handoff", "", "join"),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}}, done}, nil},
		{"in a parallel branch of two interests, a stage of one model", "dp", []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{SolutionInterests: []string{"dp", "sec"}, Branch: "act", Merge: "join"}},
			stage("act", "Handoff", "", "join"),
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "end"}}, done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Handoff" for solution interest "dp", which a parallel track reaching the node addresses ` + defaultStages}},
		{"after a parallel node's merge", "dp", []journey.Node{
			{ID: "fan", Kind: journey.KindParallel, Parallel: &journey.Parallel{Branch: "mark", Merge: "join"}},
			{ID: "mark", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSetAttribute, Target: "account", Attribute: "fanned", Value: "yes", Next: "join"}},
			{ID: "join", Kind: journey.KindMerge, Merge: &journey.Merge{Next: "act"}},
			stage("act", "Handoff", "", "end"), done},
			[]string{`journeys[0].nodes["act"].action.stage: unknown stage "Handoff" for solution interest "dp", which the journey is bound to ` + defaultStages}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.StageModels = []buyinggroup.StageModel{pilot}
			defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID, StageModel: "pilot"})
			defs.Journeys = []journey.Journey{{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: tt.interest}}, Nodes: tt.nodes}}
			_, err := program.Compile(defs, program.Options{})
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			var ve *b2b.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestCompileRejectsDuplicateJourneyID checks that a second journey with
// the same ID is reported, not made the next version of the first.
func TestCompileRejectsDuplicateJourneyID(t *testing.T) {
	t.Parallel()
	defs := minimal()
	end := func(outcome string) []journey.Node {
		return []journey.Node{{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: outcome}}}
	}
	defs.Journeys = []journey.Journey{
		{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "dp"}}, Nodes: end("first")},
		{ID: "j", Triggers: []journey.Trigger{{Type: journey.TriggerManual}}, Nodes: end("second")},
	}
	_, err := program.Compile(defs, program.Options{})
	require.ErrorContains(t, err, `journeys[1].id: duplicate journey ID "j" (also journeys[0])`)
}

// A journey may go to another whatever their order in the program; a go
// to a journey the program does not have is still a problem.
func TestCompileGoToAnyJourneyOfTheProgram(t *testing.T) {
	t.Parallel()
	goTo := func(id, target string) journey.Journey {
		return journey.Journey{ID: id, Nodes: []journey.Node{{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: target}}}}
	}
	done := journey.Journey{ID: "z", Nodes: []journey.Node{{ID: "done", Kind: journey.KindEnd, End: &journey.End{}}}}
	defs := minimal()
	defs.Journeys = []journey.Journey{goTo("a", "z"), goTo("b", "a"), done}
	p, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "z"}, p.Journeys.Journeys())
	for _, id := range p.Journeys.Journeys() {
		st, _ := p.Journeys.Status(id)
		require.Equal(t, journey.StatusLive, st, id)
	}

	defs.Journeys = []journey.Journey{goTo("a", "ghost"), done}
	_, err = program.Compile(defs, program.Options{})
	require.ErrorContains(t, err, `journeys[0].nodes["go"].goto.journey: unknown journey "ghost"`)
}

// A journey bound to one solution interest takes no entry for another:
// a go-to to it from a journey bound to another is a problem whatever
// their order in the program (the target is not yet published when the
// first one goes to it).
func TestCompileGoToAJourneyOfAnotherInterest(t *testing.T) {
	t.Parallel()
	bound := func(id, interest string, n journey.Node) journey.Journey {
		return journey.Journey{ID: id, Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: interest}}, Nodes: []journey.Node{n}}
	}
	router := bound("router", "dp", journey.Node{ID: "go", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "sec-nurture"}})
	nurture := bound("sec-nurture", "sec", journey.Node{ID: "done", Kind: journey.KindEnd, End: &journey.End{}})
	const problem = `.nodes["go"].goto.journey: journey "sec-nurture" is bound to solution interest sec and takes no entry for dp`
	for _, tt := range []struct {
		name     string
		journeys []journey.Journey
		want     string
	}{
		{"the target after", []journey.Journey{router, nurture}, "journeys[0]" + problem},
		{"the target before", []journey.Journey{nurture, router}, "journeys[1]" + problem},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "sec", Template: buyinggroup.StandardTemplateID})
			defs.Journeys = tt.journeys
			_, err := program.Compile(defs, program.Options{})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// TestStageModels: the stage models the interests use, each once, in the
// order of their first interest; a model no interest uses is not one.
func TestStageModels(t *testing.T) {
	t.Parallel()
	pilot := buyinggroup.StageModel{ID: "pilot", Stages: []buyinggroup.Stage{
		{Name: "Aware", Entry: true}, {Name: "Handoff"}, {Name: "Won", Success: true}, {Name: "Lost", Failure: true}},
		Transitions: []buyinggroup.Transition{{From: "Aware", To: "Handoff"}}}
	unused := pilot
	unused.ID = "unused"
	interest := func(id, model string) buyinggroup.SolutionInterest {
		return buyinggroup.SolutionInterest{ID: id, Name: id, Template: buyinggroup.StandardTemplateID, StageModel: model}
	}
	tests := []struct {
		name      string
		interests []buyinggroup.SolutionInterest
		want      []string
	}{
		{"the default model", []buyinggroup.SolutionInterest{interest("dp", "")}, []string{"default"}},
		{"a model of its own", []buyinggroup.SolutionInterest{interest("dp", "pilot")}, []string{"pilot"}},
		{"each once, in the order of the interests",
			[]buyinggroup.SolutionInterest{interest("dp", "pilot"), interest("sec", ""), interest("ai", "pilot"), interest("iot", "default")},
			[]string{"pilot", "default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := program.Definitions{Name: "p", Interests: tt.interests, StageModels: []buyinggroup.StageModel{pilot, unused}}
			p, err := program.Compile(defs, program.Options{})
			require.NoError(t, err)
			var got []string
			for _, m := range p.StageModels() {
				got = append(got, m.ID)
				if m.ID == pilot.ID {
					require.Equal(t, pilot, m, "the model as defined")
				}
			}
			require.Equal(t, tt.want, got)
		})
	}
	require.Empty(t, (&program.Program{}).StageModels(), "a program not compiled has none")
}

// The stage models a program hands to reports are copies: a report that
// renames a stage for display leaves the program's buying groups as they
// were compiled.
func TestStageModelsAreCopies(t *testing.T) {
	t.Parallel()
	p, err := program.Compile(minimal(), program.Options{})
	require.NoError(t, err)
	ms := p.StageModels()
	ms[0].Stages[0].Name = "Renamed"
	ms[0].Transitions[0].To = "Nowhere"

	m := p.StageModels()[0]
	require.Equal(t, buyinggroup.StageAwareness, m.Stages[0].Name)
	require.Equal(t, buyinggroup.DefaultStageModel().Transitions[0], m.Transitions[0])
	g, _, err := p.Groups.NewGroup("acme", "dp", "", time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageAwareness, g.Stage)
}

// TestCompileMinPerRequiredRole: the min_per_required_role group score
// takes its required roles from each interest's role template: a program
// whose templates have required roles compiles; one whose interest's
// template has none is told which interest.
func TestCompileMinPerRequiredRole(t *testing.T) {
	t.Parallel()
	defs := minimal()
	defs.GroupScore.Aggregation = scoring.AggMinPerRequiredRole
	p, err := program.Compile(defs, program.Options{})
	require.NoError(t, err)
	require.Equal(t, scoring.AggMinPerRequiredRole, p.GroupScore.Aggregation)

	defs.RoleTemplates = []buyinggroup.RoleTemplate{{ID: "loose", Name: "Loose", Roles: []buyinggroup.Role{
		{Name: "Champion", Rule: rules.Rule{Source: `person.seniority == "VP"`}}}}}
	defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: "sec", Name: "Security", Template: "loose"})
	_, err = program.Compile(defs, program.Options{})
	require.ErrorContains(t, err, `groupScore.aggregation: min_per_required_role needs a required role in the template of every interest: interest "sec" (template "loose") has none`)
}

// TestCompileVelocityWindowWithinTheHorizon: a group's velocity reads its
// score a window back; a window longer than the scores' horizon read a
// score the scores no longer keep, and velocity was 0 at every pass,
// without a word. It is refused; one within the horizon is not.
// TestCompileEngagedScore: a negative engaged score would count every
// member engaged, one who never engaged too, and a NaN none.
func TestCompileEngagedScore(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		score float64
		err   string
	}{
		{score: 0},
		{score: 25},
		{score: -5, err: "groupScore.engagedScore: -5 is not a finite number >= 0"},
		{score: math.NaN(), err: "groupScore.engagedScore: NaN is not a finite number >= 0"},
		{score: math.Inf(1), err: "groupScore.engagedScore: +Inf is not a finite number >= 0"},
	} {
		defs := minimal()
		defs.GroupScore.EngagedScore = tt.score
		_, err := program.Compile(defs, program.Options{})
		if tt.err == "" {
			require.NoError(t, err, "engaged score %v", tt.score)
			continue
		}
		require.ErrorContains(t, err, tt.err)
	}
}

func TestCompileVelocityWindowWithinTheHorizon(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		window, horizon time.Duration
		err             string
	}{
		{window: 0, horizon: 0},
		{window: 30 * 24 * time.Hour, horizon: 0},
		{window: 45 * 24 * time.Hour, horizon: 60 * 24 * time.Hour},
		{window: 45 * 24 * time.Hour, horizon: 0,
			err: `groupScore.velocityWindow: 45d is longer than the scoring horizon (30d, Options.Scoring.Horizon): velocity reads the score that far back, which the scores do not keep`},
		{window: 0, horizon: 7 * 24 * time.Hour,
			err: `groupScore.velocityWindow: 14d is longer than the scoring horizon (7d, Options.Scoring.Horizon)`},
	} {
		defs := minimal()
		defs.GroupScore.VelocityWindow = journey.Duration(tt.window)
		_, err := program.Compile(defs, program.Options{Scoring: scoring.Config{Horizon: tt.horizon}})
		if tt.err == "" {
			require.NoError(t, err, "window %s, horizon %s", tt.window, tt.horizon)
			continue
		}
		require.ErrorContains(t, err, tt.err)
	}
}

// The definitions a program was compiled from are its own: a host that
// edits what it passed to Compile, or what Definitions returned (a
// journey's node, an interest, a template, a threshold), leaves the
// program as it was compiled, and the engine, which publishes the
// journeys of Definitions when a program is installed again, with it.
func TestDefinitionsAreCopies(t *testing.T) {
	t.Parallel()
	build := func() program.Definitions {
		defs := minimal()
		defs.Journeys = []journey.Journey{mailJourney(journey.Action{Type: journey.ActionEmail, Template: "hello"})}
		defs.Templates = channel.TemplateSet{
			Fragments: map[string]channel.Fragment{"sig": {Text: "Regards"}},
			Emails:    []channel.EmailTemplate{{Name: "hello", Subject: "Hi", HTML: "<p>Hello</p>", Text: "Hello"}},
		}
		defs.GroupScore.Thresholds = []scoring.Threshold{{Name: "hot", Level: 100, Margin: 20}}
		defs.GroupScore.Models = map[string]string{"dp": "default"}
		return defs
	}
	edit := func(d *program.Definitions) {
		d.Name = "renamed"
		d.Interests[0].Name = "Renamed"
		d.Journeys[0].Nodes[0].Action.Template = "other"
		d.Journeys[0].Triggers[0].Type = journey.TriggerAudience
		d.Templates.Fragments["sig"] = channel.Fragment{Text: "Cheers"}
		d.Templates.Emails[0].Subject = "Changed"
		d.GroupScore.Thresholds[0].Level = 1
		d.GroupScore.Models["dp"] = "other"
	}
	tests := []struct {
		name   string
		change func(passed *program.Definitions, p *program.Program)
	}{
		{
			name:   "what Definitions returned is edited",
			change: func(_ *program.Definitions, p *program.Program) { d := p.Definitions(); edit(&d) },
		},
		{
			name:   "what was passed to Compile is edited",
			change: func(passed *program.Definitions, _ *program.Program) { edit(passed) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := build()
			p, err := program.Compile(defs, program.Options{})
			require.NoError(t, err)
			tt.change(&defs, p)
			if diff := cmp.Diff(build(), p.Definitions()); diff != "" {
				t.Errorf("definitions (-want +got):\n%s", diff)
			}
			require.Equal(t, []scoring.Threshold{{Name: "hot", Level: 100, Margin: 20}}, p.GroupScore.Thresholds)
		})
	}
}

// TestReadinessThresholds: a threshold is above 0, and one left at zero
// takes its default. A negative one is a problem at its own field, which
// says so and hides no other (not "nurtureScore: 50 is above the ready
// score -5" at a field never written); a program that writes one
// threshold of a pair and leaves the other to its default, which the
// written one contradicts (readyScore 40 under the default nurture score
// 50), is refused with a problem that says the other is not written,
// which default it takes and what to write, a value that the default
// cannot take: above 0.
func TestReadinessThresholds(t *testing.T) {
	t.Parallel()
	model := &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{{Feature: qualify.ModelFeatureScore, Scale: 100, Weight: 1}}}
	for _, tt := range []struct {
		name string
		r    program.Readiness
		want []string
	}{
		{"ready score under the default nurture score", program.Readiness{Strategy: program.ReadinessScore, ReadyScore: 40}, []string{
			"readiness.nurtureScore: is not written, so it takes the default 50, which is above readyScore 40: write a nurtureScore above 0 and at most 40"}},
		{"the same under the default strategy", program.Readiness{ReadyScore: 40}, []string{
			"readiness.nurtureScore: is not written, so it takes the default 50, which is above readyScore 40: write a nurtureScore above 0 and at most 40"}},
		{"ready completeness under the default nurture completeness", program.Readiness{ReadyCompleteness: 0.25}, []string{
			"readiness.nurtureCompleteness: is not written, so it takes the default 0.3, which is above readyCompleteness 0.25: write a nurtureCompleteness above 0 and at most 0.25"}},
		{"nurture score above the default ready score", program.Readiness{Strategy: program.ReadinessScore, NurtureScore: 200}, []string{
			"readiness.readyScore: is not written, so it takes the default 150, which is below nurtureScore 200: write a readyScore of at least 200"}},
		{"ready probability under the default nurture probability", program.Readiness{Strategy: program.ReadinessModel, Model: model, ReadyProbability: 0.2}, []string{
			"readiness.nurtureProbability: is not written, so it takes the default 0.3, which is above readyProbability 0.2: write a nurtureProbability above 0 and at most 0.2"}},
		{"both written, inverted", program.Readiness{Strategy: program.ReadinessScore, ReadyScore: 40, NurtureScore: 60}, []string{
			"readiness.nurtureScore: 60 is above readyScore 40"}},
		{"negative ready score", program.Readiness{Strategy: program.ReadinessScore, ReadyScore: -5}, []string{
			"readiness.readyScore: -5 is negative: write a readyScore above 0, or leave it out for the default 150"}},
		{"negative ready score under the default strategy", program.Readiness{ReadyScore: -5}, []string{
			"readiness.readyScore: -5 is negative: write a readyScore above 0, or leave it out for the default 150"}},
		{"both negative", program.Readiness{Strategy: program.ReadinessScore, ReadyScore: -5, NurtureScore: -10}, []string{
			"readiness.readyScore: -5 is negative: write a readyScore above 0, or leave it out for the default 150",
			"readiness.nurtureScore: -10 is negative: write a nurtureScore above 0, or leave it out for the default 50"}},
		{"negative nurture completeness", program.Readiness{NurtureCompleteness: -0.1}, []string{
			"readiness.nurtureCompleteness: -0.1 is negative: write a nurtureCompleteness above 0, or leave it out for the default 0.3"}},
		{"ready completeness above 1", program.Readiness{ReadyCompleteness: 1.5}, []string{
			"readiness.readyCompleteness: 1.5 is above 1: write a readyCompleteness above 0 and at most 1, or leave it out for the default 0.6"}},
		{"negative ready probability", program.Readiness{Strategy: program.ReadinessModel, Model: model, ReadyProbability: -0.5}, []string{
			"readiness.readyProbability: -0.5 is negative: write a readyProbability above 0, or leave it out for the default 0.7"}},
		{"ready score not a number", program.Readiness{Strategy: program.ReadinessScore, ReadyScore: math.NaN(), NurtureScore: -1}, []string{
			"readiness.readyScore: must be a finite number, got NaN",
			"readiness.nurtureScore: -1 is negative: write a nurtureScore above 0, or leave it out for the default 50"}},
		{"written and in order", program.Readiness{ReadyScore: 40, NurtureScore: 40, ReadyCompleteness: 1, NurtureCompleteness: 0.01}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defs := minimal()
			defs.Readiness = tt.r
			_, err := program.Compile(defs, program.Options{})
			var got []string
			if err != nil {
				var ve *b2b.ValidationError
				require.ErrorAs(t, err, &ve)
				for _, p := range ve.Problems {
					got = append(got, p.Error())
				}
			}
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
		})
	}
}

// TestCompilePlacesDuplicateNodesApart checks that the problems program
// finds on the second of two nodes of one ID are placed at that node
// (by its index, as journey names it), not at the first.
func TestCompilePlacesDuplicateNodesApart(t *testing.T) {
	t.Parallel()
	defs := minimal()
	j := mailJourney(journey.Action{Type: journey.ActionEmail, Template: "ghost"})
	second := journey.Action{Type: journey.ActionChangeStage, Stage: "Sales Redy", Next: "end",
		Recipients: &journey.Recipients{SolutionInterest: "sek"}}
	j.Nodes = append(j.Nodes, journey.Node{ID: "act", Kind: journey.KindAction, Action: &second})
	defs.Journeys = []journey.Journey{j}
	_, err := program.Compile(defs, program.Options{})
	require.Error(t, err)
	for _, want := range []string{
		`journeys[0].nodes["act"].action.template: unknown email template "ghost"`,
		`journeys[0].nodes[2].id: duplicate node ID "act" (also nodes[0])`,
		`journeys[0].nodes[2].action.recipients.solutionInterest: unknown solution interest "sek"`,
	} {
		require.ErrorContains(t, err, want)
	}
	require.NotContains(t, err.Error(), `nodes["act"].action.recipients`)
}
