package channel_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/rules"
)

var routing = channel.Routing{
	Owners:        map[string]string{"005-jdoe": "jane.doe@vendor.example"},
	Territories:   map[string]string{"EMEA-North": "emea-north@vendor.example"},
	Specialists:   map[string]string{"security-suite": "security-team@vendor.example"},
	FallbackQueue: "sales-queue@vendor.example",
}

// acme is the S1 buying group: CFO as Economic Buyer, VP Eng as Technical
// Evaluator, a data engineer as End User, Champion missing.
func acme() *channel.Observation {
	return &channel.Observation{
		Account: b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com"}, Employees: 2000, Industry: "Software",
			Region: "NA", Owner: "005-jdoe", Territory: "NA-West"},
		Interest: channel.SolutionInterest{ID: "data-platform", Name: "Data Platform"},
		Group: channel.GroupView{
			ID: "acme/data-platform", SolutionInterest: "data-platform", Name: "Data Platform for Acme",
			Completeness: 2.0 / 3, Score: 96, Stage: "Consideration", MissingRoles: []string{"Champion"},
			Members: []channel.MemberView{
				{Person: "p-cfo", Name: "Carla Finch", Title: "Chief Financial Officer", Role: "Economic Buyer", Persona: "C-Level, Finance", Score: 35, Reason: `rule "economic buyer"`},
				{Person: "p-vpe", Name: "Victor Engel", Title: "VP of Engineering", Role: "Technical Evaluator", Persona: "VP, Engineering", Score: 55, Reason: `rule "technical evaluator"`},
				{Person: "p-de", Name: "Dana Ek", Title: "Sr. Data Engineer", Role: "End User", Persona: "Individual Contributor, Engineering", Score: 6},
				{Person: "p-mc", Name: "Mo Coordinator", Title: "Marketing Coordinator", Persona: "Individual Contributor, Marketing"},
			},
		},
		ReadinessReasons: []string{"completeness 67% >= 60%", "score 150 >= 150"},
		RecentActivities: []channel.ActivityView{
			{Time: t0.AddDate(0, 0, -2), Person: "Victor Engel", Role: "Technical Evaluator", Type: "request_demo", Description: "Requested a demo"},
			{Time: t0.AddDate(0, 0, -1), Person: "Carla Finch", Role: "Economic Buyer", Type: "attend_event", Description: "Attended webinar Data Platform ROI"},
		},
	}
}

func newAlerter(t *testing.T, rs ...channel.AlertRule) *channel.Alerter {
	t.Helper()
	for i := range rs {
		if rs[i].Template == "" {
			rs[i].Template = "sales-alert"
		}
	}
	a, err := channel.NewAlerter(channel.AlerterConfig{Rules: rs, Routing: routing})
	require.NoError(t, err)
	return a
}

// run feeds a series of observations, one a day, and returns the alerts'
// reasons by day.
func run(t *testing.T, a *channel.Alerter, steps []func(*channel.GroupView)) map[int]string {
	t.Helper()
	st := channel.AlertState{}
	got := map[int]string{}
	for day, step := range steps {
		obs := acme()
		step(&obs.Group)
		var alerts []channel.Alert
		var err error
		st, alerts, err = a.Evaluate(st, obs, t0.AddDate(0, 0, day))
		require.NoError(t, err)
		for _, al := range alerts {
			require.NotContains(t, got, day, "two alerts on one day")
			got[day] = al.Reason
		}
	}
	return got
}

func scores(vs ...float64) []func(*channel.GroupView) {
	var out []func(*channel.GroupView)
	for _, v := range vs {
		out = append(out, func(g *channel.GroupView) { g.Score = v })
	}
	return out
}

func TestThresholdAlertsDoNotStorm(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Hysteresis: 10})
	// The score wavers around 100 for days, falls to 89 and comes back.
	got := run(t, a, scores(95, 100.5, 99, 101, 98, 100.2, 99.9, 102, 91, 100, 89, 95, 101, 99, 100))
	want := map[int]string{
		1:  "score 100.5 reached the threshold 100 (it alerts again only after falling below 90)",
		12: "score 101 reached the threshold 100 (it alerts again only after falling below 90)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("alerts by day (-want +got):\n%s", d)
	}
}

// TestThresholdReasonOfLargeScores: a reason writes a score as a
// decimal, past a million too, where it wrote "1.234567e+06" (and the
// lowest int64 past what an int64 holds); one that rounds to zero from
// below reads 0.
func TestThresholdReasonOfLargeScores(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 1e6})
	got := run(t, a, scores(999999.94, 1234567.04))
	require.Equal(t, map[int]string{1: "score 1234567 reached the threshold 1000000 (it alerts again only after falling below 900000)"}, got)
	a = newAlerter(t, channel.AlertRule{Name: "huge", Strategy: channel.StrategyThreshold, Threshold: 1e19})
	got = run(t, a, scores(2.5e19))
	require.Equal(t, map[int]string{0: "score 25000000000000000000 reached the threshold 10000000000000000000 (it alerts again only after falling below 9000000000000000000)"}, got)
	a = newAlerter(t, channel.AlertRule{Name: "qualified", Strategy: channel.StrategyMilestone, When: channel.MilestoneQualified})
	got = run(t, a, []func(*channel.GroupView){func(g *channel.GroupView) { g.Qualified, g.Score, g.Stage = true, -0.04, "Decision" }})
	require.Equal(t, map[int]string{0: `milestone "qualified" reached: group.qualified holds (completeness 67%, score 0, stage Decision)`}, got)
}

// TestThresholdReasonKeepsItsNumbersApart: a reason rounded each of its
// numbers to one decimal (a whole percent for completeness), so a small
// hysteresis read as no margin at all ("alerts again only after falling
// below 100" beside "the threshold 100") and a score just over a
// threshold with decimals read as the threshold. The numbers get as many
// decimals as it takes for them to compare with each other as they do.
func TestThresholdReasonKeepsItsNumbersApart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		rule channel.AlertRule
		step func(*channel.GroupView)
		want string
	}{
		{"a small hysteresis", channel.AlertRule{Threshold: 100, Hysteresis: 0.01}, func(g *channel.GroupView) { g.Score = 100.02 },
			"score 100.02 reached the threshold 100 (it alerts again only after falling below 99.99)"},
		{"a threshold with decimals", channel.AlertRule{Threshold: 100.06}, func(g *channel.GroupView) { g.Score = 100.08 },
			"score 100.08 reached the threshold 100.06 (it alerts again only after falling below 90.05)"},
		{"a score on the threshold", channel.AlertRule{Threshold: 100.06}, func(g *channel.GroupView) { g.Score = 100.06 },
			"score 100.1 reached the threshold 100.1 (it alerts again only after falling below 90.1)"},
		{"a completeness margin under a percent", channel.AlertRule{Metric: channel.MetricCompleteness, Threshold: 0.6, Hysteresis: 0.005},
			func(g *channel.GroupView) { g.Completeness = 0.6 },
			"completeness 60% reached the threshold 60% (it alerts again only after falling below 59.5%)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.rule.Name, tc.rule.Strategy = "hot", channel.StrategyThreshold
			a := newAlerter(t, tc.rule)
			got := run(t, a, []func(*channel.GroupView){tc.step})
			require.Equal(t, map[int]string{0: tc.want}, got)
		})
	}
}

func TestThresholdDecayAndReengagement(t *testing.T) {
	t.Parallel()
	// S6: a score falls from 120 to 40 over 30 days, then re-engages; the
	// threshold alert at 100 fires again only after the score has gone below
	// the margin (default 10% of the threshold) and back up.
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100})
	var vs []float64
	for d := range 31 {
		vs = append(vs, 120-80*float64(d)/30)
	}
	vs = append(vs, 60, 95, 104)
	got := run(t, a, scores(vs...))
	require.Equal(t, []int{0, 33}, sortedKeys(got))
}

func TestThresholdOnCompleteness(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "nearly complete", Strategy: channel.StrategyThreshold, Metric: channel.MetricCompleteness, Threshold: 0.6, Hysteresis: 0.2})
	steps := []func(*channel.GroupView){
		func(g *channel.GroupView) { g.Completeness = 1.0 / 3 },
		func(g *channel.GroupView) { g.Completeness = 2.0 / 3 },
		func(g *channel.GroupView) { g.Completeness = 0.5 },
		func(g *channel.GroupView) { g.Completeness = 2.0 / 3 },
	}
	got := run(t, a, steps)
	require.Equal(t, map[int]string{1: "completeness 67% reached the threshold 60% (it alerts again only after falling below 40%)"}, got)
}

// TestThresholdIgnoresAMetricThatIsNotANumber: a score or completeness
// that is NaN (a scoring rule that divided by zero) has reached no
// threshold, and says nothing of a re-arm either: the rule neither alerts
// ("score NaN reached the threshold 100") nor re-arms on it.
func TestThresholdIgnoresAMetricThatIsNotANumber(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		metric string
		values []float64
		want   map[int]string
	}{
		{"score NaN", channel.MetricScore, []float64{50, nan, 50}, map[int]string{}},
		{"completeness NaN", channel.MetricCompleteness, []float64{nan, 0.2}, map[int]string{}},
		{"NaN while disarmed does not re-arm", channel.MetricScore, []float64{101, nan, 102}, map[int]string{
			0: "score 101 reached the threshold 100 (it alerts again only after falling below 90)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			threshold := 100.0
			if tc.metric == channel.MetricCompleteness {
				threshold = 0.5
			}
			a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Metric: tc.metric, Threshold: threshold})
			var steps []func(*channel.GroupView)
			for _, v := range tc.values {
				steps = append(steps, func(g *channel.GroupView) { g.Score, g.Completeness = v, v })
			}
			require.Equal(t, tc.want, run(t, a, steps))
		})
	}
}

func TestMilestoneFiresOncePerGroup(t *testing.T) {
	t.Parallel()
	a := newAlerter(t,
		channel.AlertRule{Name: "complete", Strategy: channel.StrategyMilestone, When: channel.MilestoneComplete},
		channel.AlertRule{Name: "security qualified", SolutionInterest: "security-suite", Strategy: channel.StrategyMilestone, When: channel.MilestoneQualified},
	)
	complete := func(g *channel.GroupView) { g.Completeness, g.MissingRoles, g.Qualified = 1, nil, true }
	incomplete := func(g *channel.GroupView) { g.Completeness = 2.0 / 3 }
	got := run(t, a, []func(*channel.GroupView){incomplete, complete, complete, incomplete, complete})
	require.Equal(t, map[int]string{1: `milestone "complete" reached: group.completeness >= 1 holds (completeness 100%, score 96, stage Consideration)`}, got,
		"the security rule never applies to a data-platform group")
}

func TestStageTransitionAlerts(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "to decision", Strategy: channel.StrategyStage, ToStages: []string{"Decision", "Sales Ready"}})
	stage := func(s string) func(*channel.GroupView) { return func(g *channel.GroupView) { g.Stage = s } }
	got := run(t, a, []func(*channel.GroupView){
		stage("Awareness"), // first sight: a baseline, no alert
		stage("Consideration"), stage("Decision"), stage("Decision"), stage("Consideration"), stage("Sales Ready"),
	})
	require.Equal(t, map[int]string{2: "stage changed from Consideration to Decision", 5: "stage changed from Consideration to Sales Ready"}, got)

	b := newAlerter(t, channel.AlertRule{Name: "any change from decision", Strategy: channel.StrategyStage, FromStages: []string{"Decision"}})
	got = run(t, b, []func(*channel.GroupView){stage("Decision"), stage("Sales Ready"), stage("Decision"), stage("Decision")})
	require.Equal(t, map[int]string{1: "stage changed from Decision to Sales Ready"}, got)
}

func TestCooldownHoldsAlertsBack(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Hysteresis: 5, Cooldown: 72 * time.Hour})
	// Crosses on day 0, re-arms on day 1 (94), crosses again on day 2 (held
	// back by the cooldown), still above on day 3 (cooldown over: fires).
	got := run(t, a, scores(100, 94, 101, 103, 103))
	require.Equal(t, []int{0, 3}, sortedKeys(got))
}

func TestAlertStateIsNotModified(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100})
	st := channel.AlertState{}
	obs := acme()
	obs.Group.Score = 150
	next, alerts, err := a.Evaluate(st, obs, t0)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	require.Empty(t, st, "the caller's state is untouched")
	require.Equal(t, channel.RuleState{Seen: true, Disarmed: true, LastFired: t0, Fired: 1}, next["hot"])
	// Replaying the same observation on the new state fires nothing.
	_, alerts, err = a.Evaluate(next, obs, t0)
	require.NoError(t, err)
	require.Empty(t, alerts)
}

// TestAlerterIsImmutable: changing the rules and routing an Alerter was
// built from changes neither its decisions nor its routes (nor bypasses
// NewAlerter's checks of the addresses).
func TestAlerterIsImmutable(t *testing.T) {
	t.Parallel()
	rules := []channel.AlertRule{{Name: "to decision", Strategy: channel.StrategyStage, ToStages: []string{"Decision"}, Template: "t"}}
	rt := channel.Routing{Owners: map[string]string{"005-jdoe": "jane.doe@vendor.example"}, FallbackQueue: "queue@vendor.example"}
	a, err := channel.NewAlerter(channel.AlerterConfig{Rules: rules, Routing: rt})
	require.NoError(t, err)
	rules[0].ToStages[0] = "Closed"
	rt.Owners["005-jdoe"] = "not an address"

	st, _, err := a.Evaluate(channel.AlertState{}, acme(), t0)
	require.NoError(t, err)
	obs := acme()
	obs.Group.Stage = "Decision"
	_, alerts, err := a.Evaluate(st, obs, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	require.Equal(t, "jane.doe@vendor.example", alerts[0].Route.To)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	rule := channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 1, Template: "sales-alert"}
	routes := []channel.RouteRule{
		{Name: "big security deals", When: rules.Rule{Source: `group.solutionInterest == "security-suite" && account.employees >= 1000`}, To: channel.TargetSpecialist},
		{Name: "strategic", When: rules.Rule{Source: `attr(account.attributes, "tier", "") == "strategic"`}, To: "strategic-desk@vendor.example"},
		{Name: "owner", To: channel.TargetOwner},
		{Name: "territory", To: channel.TargetTerritory},
	}
	for _, tc := range []struct {
		name    string
		routes  []channel.RouteRule
		account func(*b2b.Account)
		si      string
		want    channel.Route
	}{
		{
			name: "default order: owner by map", account: func(*b2b.Account) {},
			want: channel.Route{To: "jane.doe@vendor.example", Target: "owner", Rule: "owner", Reason: `rule "owner" (always) matched: account owner 005-jdoe is jane.doe@vendor.example`},
		},
		{
			name: "owner that is an address", account: func(a *b2b.Account) { a.Owner = "sam@vendor.example" },
			want: channel.Route{To: "sam@vendor.example", Target: "owner", Rule: "owner", Reason: `rule "owner" (always) matched: account owner sam@vendor.example`},
		},
		{
			name: "no owner: territory", account: func(a *b2b.Account) { a.Owner, a.Territory = "", "EMEA-North" },
			want: channel.Route{To: "emea-north@vendor.example", Target: "territory", Rule: "territory",
				Reason: `rule "territory" (always) matched: territory EMEA-North team emea-north@vendor.example; before it, rule "owner" (always) matched but account "acme" has no owner`},
		},
		{
			name: "nothing resolves: fallback queue", account: func(a *b2b.Account) { a.Owner = "005-unknown" },
			want: channel.Route{To: "sales-queue@vendor.example", Target: "queue",
				Reason: `no routing rule resolved (rule "owner" (always) matched but account owner "005-unknown" has no address in owners; rule "territory" (always) matched but territory "NA-West" has no team in territories; rule "specialist" (always) matched but solution interest "data-platform" has no specialist): fallback queue sales-queue@vendor.example`},
		},
		{
			name: "expression routes to the specialist", routes: routes, si: "security-suite", account: func(*b2b.Account) {},
			want: channel.Route{To: "security-team@vendor.example", Target: "specialist", Rule: "big security deals",
				Reason: `rule "big security deals" (group.solutionInterest == "security-suite" && account.employees >= 1000) matched: specialist for security-suite security-team@vendor.example`},
		},
		{
			name: "expression routes to a named address", routes: routes, account: func(a *b2b.Account) { a.Attributes = map[string]any{"tier": "strategic"} },
			want: channel.Route{To: "strategic-desk@vendor.example", Target: "strategic-desk@vendor.example", Rule: "strategic",
				Reason: `rule "strategic" (attr(account.attributes, "tier", "") == "strategic") matched: user strategic-desk@vendor.example`},
		},
		{
			name: "no rule matches", routes: routes[:2], account: func(*b2b.Account) {},
			want: channel.Route{To: "sales-queue@vendor.example", Target: "queue", Reason: "no routing rule matched: fallback queue sales-queue@vendor.example"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := routing
			rt.Rules = tc.routes
			a, err := channel.NewAlerter(channel.AlerterConfig{Rules: []channel.AlertRule{rule}, Routing: rt})
			require.NoError(t, err)
			obs := acme()
			tc.account(&obs.Account)
			if tc.si != "" {
				obs.Group.SolutionInterest = tc.si
			}
			_, alerts, err := a.Evaluate(nil, obs, t0)
			require.NoError(t, err)
			require.Len(t, alerts, 1)
			if d := cmp.Diff(tc.want, alerts[0].Route); d != "" {
				t.Fatalf("route (-want +got):\n%s", d)
			}
		})
	}
}

// TestRulesSeeNowInTheAccountsZone: routing rules and alert conditions
// see now in the account's time zone, the instant it was given, where they
// saw it in UTC whatever the account's zone: 22:00 UTC is 17:00 in New
// York (not after hours yet) and 10:00 UTC is 19:00 in Tokyo (after
// hours). The alert's time is kept as it was given.
func TestRulesSeeNowInTheAccountsZone(t *testing.T) {
	t.Parallel()
	tokyo := zone(t, "Asia/Tokyo")
	rt := routing
	rt.Rules = []channel.RouteRule{
		{Name: "after hours", When: rules.Rule{Source: `hourOf(now) >= 18 || hourOf(now) < 8`}, To: "night-desk@vendor.example"},
		{Name: "owner", To: channel.TargetOwner},
	}
	a, err := channel.NewAlerter(channel.AlerterConfig{Routing: rt, Rules: []channel.AlertRule{
		{Name: "hot", SolutionInterest: "data-platform", Strategy: channel.StrategyThreshold, Threshold: 90, Template: "sales-alert"},
		{Name: "evening", SolutionInterest: "evening-only", Strategy: channel.StrategyMilestone, When: rules.Rule{Source: `hourOf(now) >= 18`}, Template: "sales-alert"},
	}})
	require.NoError(t, err)
	jan := func(h int) time.Time { return time.Date(2026, 1, 12, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name     string
		zone     string
		location *time.Location // Observation.Location
		interest string
		at       time.Time
		want     []string // rule -> recipient
	}{
		{"UTC account, 22:00", "", nil, "", jan(22), []string{"hot -> night-desk@vendor.example"}},
		{"UTC account, 10:00", "", nil, "", jan(10), []string{"hot -> jane.doe@vendor.example"}},
		{"New York, 22:00 UTC is 17:00 there", "America/New_York", nil, "", jan(22), []string{"hot -> jane.doe@vendor.example"}},
		{"New York, 01:00 UTC is 20:00 there", "America/New_York", nil, "", jan(1), []string{"hot -> night-desk@vendor.example"}},
		{"Tokyo, 10:00 UTC is 19:00 there", "Asia/Tokyo", nil, "", jan(10), []string{"hot -> night-desk@vendor.example"}},
		{"Tokyo, 01:00 UTC is 10:00 there", "Asia/Tokyo", nil, "", jan(1), []string{"hot -> jane.doe@vendor.example"}},
		{"Tokyo given as the observation's location", "", tokyo, "", jan(10), []string{"hot -> night-desk@vendor.example"}},
		{"a condition: 10:00 UTC is evening in Tokyo", "Asia/Tokyo", nil, "evening-only", jan(10), []string{"evening -> night-desk@vendor.example"}},
		{"a condition: 10:00 UTC is morning in New York", "America/New_York", nil, "evening-only", jan(10), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs := acme()
			obs.Account.TimeZone, obs.Location = tc.zone, tc.location
			if tc.interest != "" {
				obs.Group.SolutionInterest = tc.interest
			}
			_, alerts, err := a.Evaluate(nil, obs, tc.at)
			require.NoError(t, err)
			var got []string
			for _, al := range alerts {
				got = append(got, al.Rule+" -> "+al.Route.To)
				require.Equal(t, tc.at, al.At, "the alert's time as it was given")
				require.Equal(t, time.UTC, al.At.Location())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("alerts (-want +got):\n%s", d)
			}
		})
	}
}

// TestThresholdRuleProblems: a threshold rule that cannot work as one is
// refused: without a threshold it alerts for every group the first time
// it sees it, above 100% a completeness never reaches it, and a
// hysteresis of the whole threshold never lets it alert again.
func TestThresholdRuleProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		rule channel.AlertRule
		want string // "" when valid
	}{
		{name: "score", rule: channel.AlertRule{Threshold: 100}},
		{name: "completeness", rule: channel.AlertRule{Metric: channel.MetricCompleteness, Threshold: 1, Hysteresis: 0.3}},
		{name: "no threshold", rule: channel.AlertRule{},
			want: "sales alerts: rules[0].threshold: must be positive, got 0"},
		{name: "negative threshold", rule: channel.AlertRule{Threshold: -5},
			want: "sales alerts: rules[0].threshold: must be positive, got -5"},
		{name: "completeness above 100%", rule: channel.AlertRule{Metric: channel.MetricCompleteness, Threshold: 60},
			want: "sales alerts: rules[0].threshold: a completeness threshold is a share between 0 and 1, got 60"},
		{name: "hysteresis of the whole threshold", rule: channel.AlertRule{Threshold: 100, Hysteresis: 100},
			want: "sales alerts: rules[0].hysteresis: must be below the threshold (100), got 100: the rule would never alert again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.rule
			r.Name, r.Strategy, r.Template = "hot", channel.StrategyThreshold, "sales-alert"
			_, err := channel.NewAlerter(channel.AlerterConfig{Rules: []channel.AlertRule{r}, Routing: routing})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.EqualError(t, err, tc.want)
		})
	}
}

// TestAlertRuleSettingsOfAnotherStrategy: a setting that only another
// strategy reads (stages on a threshold rule, a threshold on a stage
// rule or a milestone) was ignored, so a rule for "hot groups in
// Decision" alerted about hot groups in every stage; it is refused.
func TestAlertRuleSettingsOfAnotherStrategy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		rule channel.AlertRule
		want string // "" when valid
	}{
		{name: "threshold", rule: channel.AlertRule{Strategy: channel.StrategyThreshold, Metric: channel.MetricScore, Threshold: 100, Hysteresis: 5}},
		{name: "stage", rule: channel.AlertRule{Strategy: channel.StrategyStage, FromStages: []string{"Consideration"}, ToStages: []string{"Decision"}}},
		{name: "threshold with stages", rule: channel.AlertRule{Strategy: channel.StrategyThreshold, Threshold: 100, ToStages: []string{"Decision"}},
			want: `sales alerts: rules[0].toStages: only a stage rule reads it; this rule's strategy is threshold (a condition limits it to groups in a stage, e.g. group.stage == "Decision")`},
		{name: "stage with a threshold", rule: channel.AlertRule{Strategy: channel.StrategyStage, Threshold: 100, Metric: channel.MetricScore},
			want: `sales alerts: 2 problems:
  rules[0].metric: only a threshold rule reads it; this rule's strategy is stage (a condition limits it to groups by score, e.g. group.score >= 100)
  rules[0].threshold: only a threshold rule reads it; this rule's strategy is stage (a condition limits it to groups by score, e.g. group.score >= 100)`},
		{name: "milestone with stages and a hysteresis", rule: channel.AlertRule{Strategy: channel.StrategyMilestone, When: channel.MilestoneQualified,
			FromStages: []string{"Awareness"}, Hysteresis: 10},
			want: `sales alerts: 2 problems:
  rules[0].hysteresis: only a threshold rule reads it; this rule's strategy is milestone (a condition limits it to groups by score, e.g. group.score >= 100)
  rules[0].fromStages: only a stage rule reads it; this rule's strategy is milestone (a condition limits it to groups in a stage, e.g. group.stage == "Decision")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.rule
			r.Name, r.Template = "hot", "sales-alert"
			_, err := channel.NewAlerter(channel.AlerterConfig{Rules: []channel.AlertRule{r}, Routing: routing})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestAlerterConfigProblems(t *testing.T) {
	t.Parallel()
	_, err := channel.NewAlerter(channel.AlerterConfig{
		Rules: []channel.AlertRule{
			{Name: "a", Strategy: "sometimes", Template: "t"},
			{Name: "a", Strategy: channel.StrategyMilestone},
			{Name: "c", Strategy: channel.StrategyMilestone, When: rules.Rule{Source: "group.scor > 1"}, Template: "t"},
			{Name: "d", Strategy: channel.StrategyThreshold, Metric: "velocity", Threshold: 100, Hysteresis: -1, Template: "t", Cooldown: -time.Second},
			{Name: "e", Template: "t", Cooldown: 500 * time.Millisecond},
		},
		Routing: channel.Routing{Rules: []channel.RouteRule{{Name: "r", To: "boss"}, {Name: "r", To: channel.TargetOwner}}, Territories: map[string]string{"X": "nobody"}},
	})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, `sales alerts: 14 problems:
  rules[0].strategy: unknown strategy "sometimes" (want milestone, threshold or stage)
  rules[1].name: duplicate rule "a"
  rules[1].template: is required
  rules[1].when: a milestone needs a condition (e.g. "group.completeness >= 1")
  rules[2].when: rule "c" 1:7: type channel.GroupView has no field scor
      | group.scor > 1
      |       ^
  rules[3].cooldown: is negative
  rules[3].metric: unknown metric "velocity" (want score or completeness)
  rules[3].hysteresis: is negative
  rules[4].cooldown: 500ms is under a minute (a cooldown spaces alerts by hours or days: 24h, 7d)
  rules[4].strategy: is required (milestone, threshold or stage)
  routing.fallbackQueue: is required (every alert needs somewhere to go)
  routing.territories["X"]: "nobody" is not an email address
  routing.rules[0].to: "boss" is neither owner, territory, specialist, queue nor an email address
  routing.rules[1].name: duplicate rule "r" (a route names the rule that matched)`)
}

func TestAlertContent(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90})
	obs := acme()
	for i := range 7 {
		obs.RecentActivities = append(obs.RecentActivities, channel.ActivityView{Time: t0.Add(-time.Duration(i+3) * 24 * time.Hour), Person: "x", Type: "visit_web_page"})
	}
	_, alerts, err := a.Evaluate(nil, obs, t0)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	v := alerts[0].View
	var engaged []string
	for _, m := range v.EngagedMembers {
		engaged = append(engaged, fmt.Sprintf("%s %g", m.Name, m.Score))
	}
	require.Equal(t, []string{"Victor Engel 55", "Carla Finch 35", "Dana Ek 6"}, engaged, "engaged members by score; Mo has not engaged")
	require.Len(t, v.RecentActivities, channel.MaxRecentActivities)
	require.Equal(t, "Carla Finch", v.RecentActivities[0].Person, "most recent first")
	require.Equal(t, "Ask Victor Engel (Technical Evaluator) to introduce the missing Champion", v.NextAction)
	require.Equal(t, "alert:acme/data-platform:hot:1", v.ID)
	require.Equal(t, "jane.doe@vendor.example", v.Recipient)
}

// TestDefaultAlertTemplateRendersSparseData: an account known by its
// domain alone (b2b.Account needs a name or a domain) and an engaged
// member with no name, or with neither a name nor an email, are named
// as RecommendNextAction names them, instead of failing the render on an
// empty required token, which lost the alert: its rule had fired.
func TestDefaultAlertTemplateRendersSparseData(t *testing.T) {
	t.Parallel()
	templates, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{channel.DefaultAlertTemplate}})
	require.NoError(t, err)
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90})
	for _, tc := range []struct {
		name    string
		mod     func(*channel.Observation)
		subject string
		text    []string // lines the text part has
		html    string   // a piece of the HTML part
	}{
		{"an account without a name", func(o *channel.Observation) { o.Account.Name = "" },
			"acme.com: Data Platform buying group — score 96 reached the threshold 90 (it alerts again only after falling below 81)",
			[]string{"acme.com · Data Platform"}, "<h2>acme.com · Data Platform</h2>"},
		// A name of blanks only (a CRM field padded with spaces; the
		// account is valid by its domain) is no name either.
		{"an account with a blank name", func(o *channel.Observation) { o.Account.Name = "  " },
			"acme.com: Data Platform buying group — score 96 reached the threshold 90 (it alerts again only after falling below 81)",
			[]string{"acme.com · Data Platform"}, "<h2>acme.com · Data Platform</h2>"},
		{"a member with a blank name", func(o *channel.Observation) {
			o.Group.Members[1].Name, o.Group.Members[1].Email = " ", "victor@acme.com"
		}, "", []string{"- victor@acme.com, Technical Evaluator (VP, Engineering): 55"}, "<td>victor@acme.com</td>"},
		{"a member with a blank name and email", func(o *channel.Observation) {
			o.Group.Members[0].Name, o.Group.Members[0].Email = "\u00a0", " "
		}, "", []string{"- p-cfo, Economic Buyer (C-Level, Finance): 35"}, "<td>p-cfo</td>"},
		{"an activity with a blank role", func(o *channel.Observation) { o.RecentActivities[1].Role = " " },
			"", []string{"- Mar 1 Carla Finch: Attended webinar Data Platform ROI"}, "Carla Finch: Attended webinar"},
		{"a member known by email", func(o *channel.Observation) {
			o.Group.Members[1].Name, o.Group.Members[1].Email = "", "victor@acme.com"
		}, "", []string{"- victor@acme.com, Technical Evaluator (VP, Engineering): 55"}, "<td>victor@acme.com</td>"},
		{"a member known by ID", func(o *channel.Observation) { o.Group.Members[0].Name = "" },
			"", []string{"- p-cfo, Economic Buyer (C-Level, Finance): 35"}, "<td>p-cfo</td>"},
		// A blank readiness reason is an element of a list of text
		// printed in a range, required like any token.
		{"a blank readiness reason", func(o *channel.Observation) { o.ReadinessReasons = append(o.ReadinessReasons, " ") },
			"", []string{"- score 150 >= 150", "- -"}, "<li>—</li>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs := acme()
			tc.mod(obs)
			_, alerts, err := a.Evaluate(nil, obs, t0)
			require.NoError(t, err)
			require.Len(t, alerts, 1)
			msg, err := templates.AlertMessage(&alerts[0], obs)
			require.NoError(t, err)
			if tc.subject != "" {
				require.Equal(t, tc.subject, msg.Subject)
			}
			lines := strings.Split(msg.Text, "\n")
			for _, l := range tc.text {
				require.Contains(t, lines, l)
			}
			require.Contains(t, msg.HTML, tc.html)
		})
	}
}

// TestDefaultAlertTemplateReads: the default alert template reads the
// account, the group and the alert, not the recipient person nor an
// unsubscribe link, which a sales alert has none of (a host that sends
// no marketing email need not give one).
func TestDefaultAlertTemplateReads(t *testing.T) {
	t.Parallel()
	templates, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{channel.DefaultAlertTemplate}})
	require.NoError(t, err)
	reads := map[string]bool{}
	for _, p := range []string{"Account", "Group", "Alert", "Person", "UnsubscribeURL"} {
		reads[p] = templates.Reads("sales-alert", p)
	}
	require.Equal(t, map[string]bool{"Account": true, "Group": true, "Alert": true, "Person": false, "UnsubscribeURL": false}, reads)
}

// TestAlertMessageShowsTimesInTheAccountsZone: an alert's message shows
// its time (.Now) and its recent activities' in the account's time zone,
// where it showed them in the zone they were given in (UTC): Victor's
// demo request at 20:00 UTC on March 4 is one of March 5 in Tokyo and
// of March 4 in New York. The alert and the observation keep their
// times as they were.
func TestAlertMessageShowsTimesInTheAccountsZone(t *testing.T) {
	t.Parallel()
	const layout = "Jan 2 15:04 MST"
	at := time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC)
	alertTZ := channel.EmailTemplate{Name: "alert-tz", Subject: `{{.Account.Name}} at {{.Now | date "` + layout + `"}}`,
		HTML: `<p>{{range .Alert.RecentActivities}}{{.Person}} on {{.Time | date "Jan 2"}}. {{end}}</p>`,
		Text: `{{range .Alert.RecentActivities}}{{.Person}} on {{.Time | date "Jan 2"}}. {{end}}`}
	templates, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{channel.DefaultAlertTemplate, alertTZ}})
	require.NoError(t, err)
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90})
	tokyo := zone(t, "Asia/Tokyo")
	for _, tc := range []struct {
		name     string
		zone     string
		location *time.Location
		subject  string
		text     string
		line     string // a line of the standard alert's text part
	}{
		{"UTC", "", nil, "Acme at Mar 6 20:00 UTC", "Victor Engel on Mar 4. ", "- Mar 4 Victor Engel (Technical Evaluator): Requested a demo"},
		{"Tokyo", "Asia/Tokyo", nil, "Acme at Mar 7 05:00 JST", "Victor Engel on Mar 5. ", "- Mar 5 Victor Engel (Technical Evaluator): Requested a demo"},
		{"Tokyo as the observation's location", "", tokyo, "Acme at Mar 7 05:00 JST", "Victor Engel on Mar 5. ", "- Mar 5 Victor Engel (Technical Evaluator): Requested a demo"},
		{"New York", "America/New_York", nil, "Acme at Mar 6 15:00 EST", "Victor Engel on Mar 4. ", "- Mar 4 Victor Engel (Technical Evaluator): Requested a demo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs := acme()
			obs.Account.TimeZone, obs.Location = tc.zone, tc.location
			obs.RecentActivities = []channel.ActivityView{{Time: time.Date(2026, 3, 4, 20, 0, 0, 0, time.UTC), Person: "Victor Engel",
				Role: "Technical Evaluator", Type: "request_demo", Description: "Requested a demo"}}
			_, alerts, err := a.Evaluate(nil, obs, at)
			require.NoError(t, err)
			require.Len(t, alerts, 1)
			al := alerts[0]
			al.Template = "alert-tz"
			msg, err := templates.AlertMessage(&al, obs)
			require.NoError(t, err)
			require.Equal(t, tc.subject, msg.Subject)
			require.Equal(t, tc.text, msg.Text)
			msg, err = templates.AlertMessage(&alerts[0], obs)
			require.NoError(t, err)
			require.Contains(t, strings.Split(msg.Text, "\n"), tc.line)
			require.Equal(t, at, alerts[0].At, "the alert keeps its time")
			require.Equal(t, time.UTC, obs.RecentActivities[0].Time.Location(), "the observation keeps its times")
		})
	}
}

func TestRecommendNextAction(t *testing.T) {
	t.Parallel()
	m := func(name, role string, score float64) channel.MemberView {
		return channel.MemberView{Name: name, Role: role, Score: score}
	}
	for _, tc := range []struct {
		name string
		g    channel.GroupView
		want string
	}{
		{"empty group", channel.GroupView{}, "Research the account: the buying group has no members yet"},
		{"nobody engaged", channel.GroupView{Members: []channel.MemberView{m("Ann", "Champion", 0)}}, "Reach out to Ann (Champion): no member has engaged yet"},
		{"champion asked first", channel.GroupView{MissingRoles: []string{"Economic Buyer", "End User", "Legal"},
			Members: []channel.MemberView{m("Bo", "Technical Evaluator", 50), m("Ann", "Champion", 10)}},
			"Ask Ann (Champion) to introduce the missing Economic Buyer, End User and Legal"},
		{"complete group", channel.GroupView{Members: []channel.MemberView{m("Bo", "Technical Evaluator", 50), m("Ann", "Champion", 70), m("Cy", "", 5)}},
			"Book a meeting with Ann (Champion) and Bo (Technical Evaluator): the buying group is complete"},
		// A name of blanks only is no name: the member is named by email,
		// else by ID, as with no name at all.
		{"a blank name", channel.GroupView{MissingRoles: []string{"Champion"}, Members: []channel.MemberView{
			{Person: "p-bo", Name: "  ", Email: "bo@acme.com", Role: "Technical Evaluator", Score: 50}}},
			"Ask bo@acme.com (Technical Evaluator) to introduce the missing Champion"},
		{"a blank name and email", channel.GroupView{Members: []channel.MemberView{
			{Person: "p-bo", Name: " ", Email: "\u00a0", Role: "Champion", Score: 0}}},
			"Reach out to p-bo (Champion): no member has engaged yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, channel.RecommendNextAction(&tc.g))
		})
	}
}

func sortedKeys(m map[int]string) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// TestDecidesOnSummary: threshold and stage rules decide the same from a
// group's summary as from the whole observation; a condition (a
// milestone's, or any rule's when) may read anything, so an alerter with
// one does not decide on a summary.
func TestDecidesOnSummary(t *testing.T) {
	t.Parallel()
	a := newAlerter(t,
		channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100},
		channel.AlertRule{Name: "complete", Strategy: channel.StrategyThreshold, Metric: channel.MetricCompleteness, Threshold: 0.9},
		channel.AlertRule{Name: "to decision", Strategy: channel.StrategyStage, ToStages: []string{"Decision"}})
	require.True(t, a.DecidesOnSummary())
	full, summary := channel.AlertState{}, channel.AlertState{}
	steps := []func(*channel.GroupView){
		func(g *channel.GroupView) {},
		func(g *channel.GroupView) { g.Score = 120 },
		func(g *channel.GroupView) { g.Score, g.Stage = 130, "Decision" },
		func(g *channel.GroupView) { g.Score, g.Stage, g.Completeness = 60, "Decision", 1 },
	}
	fired := 0
	for day, step := range steps {
		obs := acme()
		step(&obs.Group)
		light := &channel.Observation{Account: obs.Account, Interest: obs.Interest, Group: obs.Group}
		light.Group.Members, light.Group.MissingRoles = nil, nil
		var want, got []channel.Alert
		var err error
		full, want, err = a.Evaluate(full, obs, t0.AddDate(0, 0, day))
		require.NoError(t, err)
		summary, got, err = a.Evaluate(summary, light, t0.AddDate(0, 0, day))
		require.NoError(t, err)
		require.Equal(t, full, summary, "day %d", day)
		require.Equal(t, len(want), len(got), "day %d", day)
		for i := range want {
			require.Equal(t, want[i].ID, got[i].ID)
			require.Equal(t, want[i].Reason, got[i].Reason)
		}
		fired += len(want)
	}
	require.Equal(t, 3, fired, "each rule fired once")

	m := newAlerter(t, channel.AlertRule{Name: "committee", Strategy: channel.StrategyMilestone,
		When: rules.Rule{Source: `len(group.members) >= 3`}})
	require.False(t, m.DecidesOnSummary())
	w := newAlerter(t, channel.AlertRule{Name: "hot committee", Strategy: channel.StrategyThreshold, Threshold: 100,
		When: rules.Rule{Source: `len(group.members) >= 3`}})
	require.False(t, w.DecidesOnSummary(), "a threshold rule's condition may read anything too")
}

// FuzzNewAlerter compiles arbitrary conditions (of a milestone and of a
// threshold rule) and routing conditions: NewAlerter never panics,
// refuses with a validation error, and an alerter it returns evaluates
// and routes without panicking.
func FuzzNewAlerter(f *testing.F) {
	for _, s := range [][2]string{
		{"group.qualified", `account.region == "EMEA"`},
		{"group.completeness >= 0.6 && group.score >= 150", `strategy == "stage" && group.stage == "Decision"`},
		{`hourOf(now) >= 18`, `weekdayOf(now) in ["Saturday", "Sunday"]`},
		{`len(group.members) > 0 && group.members[0].score > 10`, `interest.id == "data-platform"`},
		{`group.score / 0 > 1`, `rule == "hot"`},
		{`group.nope`, `account.`},
		{``, `"x"`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, when, route string) {
		a, err := channel.NewAlerter(channel.AlerterConfig{
			Rules: []channel.AlertRule{{Name: "m", Strategy: channel.StrategyMilestone, When: rules.Rule{Source: when}, Template: "sales-alert"},
				{Name: "t", Strategy: channel.StrategyThreshold, Threshold: 1, When: rules.Rule{Source: when}, Template: "sales-alert"}},
			Routing: channel.Routing{Rules: []channel.RouteRule{{Name: "r", When: rules.Rule{Source: route}, To: channel.TargetOwner}}, FallbackQueue: "q@vendor.example"},
		})
		if err != nil {
			require.ErrorIs(t, err, b2b.ErrInvalid)
			return
		}
		_, _, _ = a.Evaluate(nil, acme(), t0)
		_, _ = a.Route(channel.AlertEnv{Account: acme().Account, Now: t0})
	})
}

// TestAlertIDOfALongRuleName: an alert's ID is its message's idempotency
// key, which may be at most 200 bytes; a rule named at length (or a long
// group ID) still raises alerts, each with an ID of its own within that
// bound, the same at every evaluation.
func TestAlertIDOfALongRuleName(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("alert the account team when the data platform group is hot ", 4)
	other := name + "again"
	a := newAlerter(t, channel.AlertRule{Name: name, Strategy: channel.StrategyThreshold, Threshold: 90},
		channel.AlertRule{Name: other, Strategy: channel.StrategyThreshold, Threshold: 90})
	_, alerts, err := a.Evaluate(nil, acme(), t0)
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	_, again, err := a.Evaluate(nil, acme(), t0)
	require.NoError(t, err)
	for i, al := range alerts {
		require.LessOrEqual(t, len(al.ID), 200, "%q", al.ID)
		require.Equal(t, al.ID, again[i].ID, "deterministic")
		require.True(t, strings.HasPrefix(al.ID, "alert:") && strings.HasSuffix(al.ID, ":1"), "%q", al.ID)
	}
	require.NotEqual(t, alerts[0].ID, alerts[1].ID)
}

// TestAlertIDsOfNamesWithColons: the ID joins the group and the rule
// with colons, so a group or a rule whose name has one gave two alerts
// one ID (group "acme/data" and rule "platform:hot", group
// "acme/data:platform" and rule "hot": "alert:acme/data:platform:hot:1"),
// and the outbox, which stores a key once, dropped the second alert's
// message. Such names give the hashed form.
func TestAlertIDsOfNamesWithColons(t *testing.T) {
	t.Parallel()
	a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90},
		channel.AlertRule{Name: "platform:hot", Strategy: channel.StrategyThreshold, Threshold: 90})
	ids := map[string]string{}
	for _, group := range []string{"acme/data", "acme/data:platform"} {
		obs := acme()
		obs.Group.ID = group
		_, alerts, err := a.Evaluate(nil, obs, t0)
		require.NoError(t, err)
		require.Len(t, alerts, 2)
		for _, al := range alerts {
			who := group + " " + al.Rule
			require.NotContains(t, ids, al.ID, "%s and %s", ids[al.ID], who)
			ids[al.ID] = who
			require.True(t, strings.HasPrefix(al.ID, "alert:") && strings.HasSuffix(al.ID, ":1"), "%q", al.ID)
		}
	}
	// Names without a colon keep the readable form.
	_, alerts, err := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90}).Evaluate(nil, acme(), t0)
	require.NoError(t, err)
	require.Equal(t, "alert:acme/data-platform:hot:1", alerts[0].ID)
}

// TestWhenFiltersEveryStrategy: a rule's when condition limits a
// threshold or stage rule to the groups it holds for, as it does a
// milestone ("hot EMEA groups"). A threshold reached while the condition
// does not hold leaves the rule armed, so it alerts once the condition
// holds with the metric still above; a stage change while it does not
// hold is not alerted.
func TestWhenFiltersEveryStrategy(t *testing.T) {
	t.Parallel()
	emea := rules.Rule{Source: `account.region == "EMEA"`}
	type step struct {
		region, stage string
		score         float64
	}
	for _, tc := range []struct {
		name  string
		rule  channel.AlertRule
		steps []step
		want  map[int]string
	}{{
		name:  "threshold: an NA group is not alerted however hot",
		rule:  channel.AlertRule{Strategy: channel.StrategyThreshold, Threshold: 100, When: emea},
		steps: []step{{"NA", "Consideration", 50}, {"NA", "Consideration", 200}, {"NA", "Consideration", 210}},
		want:  map[int]string{},
	}, {
		name:  "threshold: alerted once the condition holds, the score still above",
		rule:  channel.AlertRule{Strategy: channel.StrategyThreshold, Threshold: 100, When: emea},
		steps: []step{{"NA", "Consideration", 200}, {"EMEA", "Consideration", 200}, {"EMEA", "Consideration", 210}, {"EMEA", "Consideration", 80}, {"EMEA", "Consideration", 120}},
		want: map[int]string{
			1: `score 200 reached the threshold 100 and account.region == "EMEA" holds (it alerts again only after falling below 90)`,
			4: `score 120 reached the threshold 100 and account.region == "EMEA" holds (it alerts again only after falling below 90)`,
		},
	}, {
		name:  "threshold: without a condition, every group",
		rule:  channel.AlertRule{Strategy: channel.StrategyThreshold, Threshold: 100},
		steps: []step{{"NA", "Consideration", 200}},
		want:  map[int]string{0: "score 200 reached the threshold 100 (it alerts again only after falling below 90)"},
	}, {
		name: "stage: only the changes of EMEA groups",
		rule: channel.AlertRule{Strategy: channel.StrategyStage, ToStages: []string{"Decision"}, When: emea},
		steps: []step{{"NA", "Consideration", 0}, {"NA", "Decision", 0}, {"EMEA", "Decision", 0},
			{"EMEA", "Consideration", 0}, {"EMEA", "Decision", 0}},
		want: map[int]string{4: `stage changed from Consideration to Decision and account.region == "EMEA" holds`},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.rule
			r.Name = "hot emea"
			a := newAlerter(t, r)
			st := channel.AlertState{}
			got := map[int]string{}
			for day, s := range tc.steps {
				obs := acme()
				obs.Account.Region, obs.Group.Stage, obs.Group.Score = s.region, s.stage, s.score
				var alerts []channel.Alert
				var err error
				st, alerts, err = a.Evaluate(st, obs, t0.AddDate(0, 0, day))
				require.NoError(t, err)
				for _, al := range alerts {
					got[day] = al.Reason
				}
			}
			require.Empty(t, cmp.Diff(tc.want, got), "alerts by day (-want +got)")
		})
	}
}

// TestWhenIsCheckedForEveryStrategy: a threshold or stage rule's when
// condition is type-checked at load time as a milestone's is, the error
// naming the rule and where it is.
func TestWhenIsCheckedForEveryStrategy(t *testing.T) {
	t.Parallel()
	_, err := channel.NewAlerter(channel.AlerterConfig{
		Rules: []channel.AlertRule{
			{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, When: rules.Rule{Source: `account.regon == "EMEA"`}, Template: "t"},
			{Name: "to decision", Strategy: channel.StrategyStage, When: rules.Rule{Source: `group.score`}, Template: "t"},
			{Name: "fine", Strategy: channel.StrategyStage, When: rules.Rule{Source: `  `}, Template: "t"},
		},
		Routing: routing,
	})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, `sales alerts: 2 problems:
  rules[0].when: rule "hot" 1:9: type b2b.Account has no field regon
      | account.regon == "EMEA"
      |         ^
  rules[1].when: rule "to decision" 1:7: expected bool, got float64
      | group.score
      |       ^`)
}

// TestAlertRuleNextAction: a rule's NextAction replaces the recommended
// one; one of blanks only is none (it left the alert's required next
// action blank, and the default template failed to render it).
func TestAlertRuleNextAction(t *testing.T) {
	t.Parallel()
	templates, err := channel.CompileTemplates(channel.TemplateSet{Emails: []channel.EmailTemplate{channel.DefaultAlertTemplate}})
	require.NoError(t, err)
	for _, tc := range []struct {
		name, nextAction, want string
	}{
		{"set", "Call Carla Finch this week", "Call Carla Finch this week"},
		{"unset", "", "Ask Victor Engel (Technical Evaluator) to introduce the missing Champion"},
		{"blank", "  ", "Ask Victor Engel (Technical Evaluator) to introduce the missing Champion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newAlerter(t, channel.AlertRule{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 90, NextAction: tc.nextAction})
			obs := acme()
			_, alerts, err := a.Evaluate(nil, obs, t0)
			require.NoError(t, err)
			require.Len(t, alerts, 1)
			require.Equal(t, tc.want, alerts[0].View.NextAction)
			msg, err := templates.AlertMessage(&alerts[0], obs)
			require.NoError(t, err)
			require.Contains(t, strings.Split(msg.Text, "\n"), "Next action: "+tc.want)
		})
	}
}
