package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/analytics"
)

// TestReadyWhileClosedIsNoReach: the engine keeps scoring a group's
// readiness after its deal closed; a ready verdict while the group is in
// a closed stage (won or lost) makes it no MQA and no velocity sample. A
// group moved out of a closed stage (reopened) can qualify again.
func TestReadyWhileClosedIsNoReach(t *testing.T) {
	t.Parallel()
	stage := func(from, to string) m {
		return m{"type": "stage_changed", "group": "a/dp", "interest": "dp", "from": from, "to": to}
	}
	ready := func(level string) m { return m{"group": "a/dp", "interest": "dp", "level": level} }
	base := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("a", day(0), "group.updated", snap("a/dp", "dp", "Decision", 1, 100, "nurture"))
	wonThenReady := base.
		add("a", day(10), "buyinggroup.stage_changed", stage("Decision", "Closed Won")).
		add("a", day(10), "group.updated", snap("a/dp", "dp", "Closed Won", 1, 120, "nurture")).
		add("a", day(11), "readiness.changed", ready("ready")).
		add("a", day(11), "group.updated", snap("a/dp", "dp", "Closed Won", 1, 160, "ready"))
	noneReady := analytics.Average{Reason: "no buying group became sales-ready in the period"}
	one := func(d float64) analytics.Average {
		return analytics.Average{Sum: d, Count: 1, Mean: val(d), Median: val(d)}
	}
	type got struct {
		MQAGroups, MQAAccounts int
		ToSalesReady           analytics.Duration
	}
	tests := []struct {
		name string
		cfg  analytics.Config
		log  eventLog
		p    analytics.Period
		want got
	}{{
		name: "ready the day after Closed Won, never qualified before: closed, no MQA",
		log:  wonThenReady,
		p:    analytics.Period{To: day(12)},
		want: got{ToSalesReady: analytics.Duration{Days: noneReady, Closed: 1}},
	}, {
		name: "ready after Closed Lost, told by group.updated alone",
		log: base.
			add("a", day(4), "group.updated", snap("a/dp", "dp", "Closed Lost", 1, 100, "nurture")).
			add("a", day(6), "group.updated", snap("a/dp", "dp", "Closed Lost", 1, 170, "ready")),
		p:    analytics.Period{To: day(7)},
		want: got{ToSalesReady: analytics.Duration{Days: noneReady, Closed: 1}},
	}, {
		name: "ready before the close, ready again after it: the later verdict is no new MQA",
		log: base.
			add("a", day(5), "readiness.changed", ready("ready")).
			add("a", day(7), "readiness.changed", ready("nurture")).
			add("a", day(10), "buyinggroup.stage_changed", stage("Decision", "Closed Won")).
			add("a", day(11), "readiness.changed", ready("ready")),
		p:    analytics.Period{From: day(8), To: day(12)},
		want: got{ToSalesReady: analytics.Duration{Days: noneReady}},
	}, {
		name: "ready before the close: an MQA and a sample of its own period",
		log: base.
			add("a", day(5), "readiness.changed", ready("ready")).
			add("a", day(7), "readiness.changed", ready("nurture")).
			add("a", day(10), "buyinggroup.stage_changed", stage("Decision", "Closed Won")).
			add("a", day(11), "readiness.changed", ready("ready")),
		p:    analytics.Period{To: day(12)},
		want: got{MQAGroups: 1, MQAAccounts: 1, ToSalesReady: analytics.Duration{Days: one(5)}},
	}, {
		name: "reopened while ready: it qualifies when it leaves the closed stage",
		log: wonThenReady.
			add("a", day(13), "buyinggroup.stage_changed", stage("Closed Won", "Decision")),
		p:    analytics.Period{To: day(14)},
		want: got{MQAGroups: 1, MQAAccounts: 1, ToSalesReady: analytics.Duration{Days: one(13)}},
	}, {
		name: "a model whose only closed stage is Closed Lost: ready after Closed Won qualifies",
		cfg:  analytics.Config{ClosedStages: []string{"Closed Lost"}},
		log:  wonThenReady,
		p:    analytics.Period{To: day(12)},
		want: got{MQAGroups: 1, MQAAccounts: 1, ToSalesReady: analytics.Duration{Days: one(11)}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, tt.cfg, tt.p)
			g := got{MQAGroups: r.MQA.Groups.Numerator, MQAAccounts: r.MQA.Accounts.Numerator, ToSalesReady: r.Velocity.ToSalesReady}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
