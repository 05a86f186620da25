package analytics_test

import (
	"time"

	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

func TestCompletenessAndEngagement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		log      eventLog
		to       float64
		wantRate analytics.Ratio
		wantEng  analytics.Average
	}{{
		name: "complete, never complete, complete then not: the latest snapshot counts",
		log: eventLog{}.
			add("a", day(0), "group.updated", snap("g1", "dp", "Awareness", 1, 40, "")).
			add("b", day(0), "group.updated", snap("g2", "dp", "Awareness", 0.5, 10, "")).
			add("c", day(0), "group.updated", snap("g3", "dp", "Awareness", 1, 30, "")).
			add("c", day(2), "group.updated", snap("g3", "dp", "Awareness", 2.0/3, 60, "")),
		to:       3,
		wantRate: analytics.Ratio{Numerator: 1, Denominator: 3, Value: val(0.333333)},
		wantEng:  analytics.Average{Sum: 110, Count: 3, Mean: val(36.666667), Median: val(40)},
	}, {
		name: "a snapshot after the as-of time is not seen",
		log: eventLog{}.
			add("a", day(0), "group.updated", snap("g1", "dp", "Awareness", 0.5, 10, "")).
			add("a", day(5), "group.updated", snap("g1", "dp", "Awareness", 1, 90, "")),
		to:       4,
		wantRate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
		wantEng:  analytics.Average{Sum: 10, Count: 1, Mean: val(10), Median: val(10)},
	}, {
		name: "even count: median is the middle pair's mean; 3 of 3 roles counts as complete",
		log: eventLog{}.
			add("a", day(0), "group.updated", snap("g1", "dp", "Awareness", 3*(1.0/3), 10, "")).
			add("a", day(0), "group.updated", snap("g2", "sec", "Awareness", 0, 20, "")),
		to:       1,
		wantRate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
		wantEng:  analytics.Average{Sum: 30, Count: 2, Mean: val(15), Median: val(15)},
	}, {
		name: "a group created without a snapshot is not in the denominators",
		log: eventLog{}.
			add("a", day(0), "buyinggroup.group_created", created("g1", "dp", day(0))),
		to:       1,
		wantRate: analytics.Ratio{Reason: "no buying group has a snapshot (group.updated) by the end of the period"},
		wantEng:  analytics.Average{Reason: "no buying group has a score by the end of the period"},
	}, {
		name:     "no groups: null with reasons",
		log:      eventLog{}.add("a", day(0), "account.updated", m{}),
		to:       1,
		wantRate: analytics.Ratio{Reason: "no buying group has a snapshot (group.updated) by the end of the period"},
		wantEng:  analytics.Average{Reason: "no buying group has a score by the end of the period"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.wantRate, r.Completeness), "completeness (-want +got)")
			require.Empty(t, cmp.Diff(tt.wantEng, r.Engagement), "engagement (-want +got)")
		})
	}
}

func TestMQA(t *testing.T) {
	t.Parallel()
	// Five accounts: a reaches Sales Ready in the period, b a ready level,
	// c was sales-ready before the period, d has no group, e reaches it
	// after the period's end; f's group goes back and forth.
	log := eventLog{}.
		add("a", day(0), "group.updated", snap("ga", "dp", "Decision", 0.6, 120, "")).
		add("b", day(0), "group.updated", snap("gb", "dp", "Awareness", 0.3, 20, "not yet")).
		add("c", day(0), "group.updated", snap("gc", "dp", "Sales Ready", 1, 200, "")).
		add("d", day(0), "account.updated", m{}).
		add("e", day(0), "group.updated", snap("ge", "dp", "Decision", 0.6, 120, "")).
		add("f", day(0), "group.updated", snap("gf", "dp", "Sales Ready", 1, 200, "")).
		add("a", day(3), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "ga", "interest": "dp", "from": "Decision", "to": "Sales Ready"}).
		add("a", day(3), "group.updated", snap("ga", "dp", "Sales Ready", 0.6, 160, "")).
		add("b", day(4), "readiness.changed", m{"group": "gb", "interest": "dp", "level": "ready", "tier": "sales"}).
		add("f", day(4), "group.updated", snap("gf", "dp", "Decision", 1, 140, "")).
		add("f", day(6), "group.updated", snap("gf", "dp", "Sales Ready", 1, 200, "")).
		add("e", day(12), "group.updated", snap("ge", "dp", "Sales Ready", 0.6, 160, ""))
	tests := []struct {
		name   string
		cfg    analytics.Config
		period analytics.Period
		want   analytics.MQA
	}{{
		name:   "period from day 1 to day 10: a, b, and f (back to Sales Ready) qualify",
		period: analytics.Period{From: day(1), To: day(10)},
		want: analytics.MQA{Accounts: analytics.Ratio{Numerator: 3, Denominator: 6, Value: val(0.5)},
			Groups: analytics.Ratio{Numerator: 3, Denominator: 5, Value: val(0.6)}},
	}, {
		name:   "the whole log: c and e too",
		period: analytics.Period{},
		want: analytics.MQA{Accounts: analytics.Ratio{Numerator: 5, Denominator: 6, Value: val(0.833333)},
			Groups: analytics.Ratio{Numerator: 5, Denominator: 5, Value: val(1)}},
	}, {
		name:   "a custom stage model whose success stage is Qualified: only b's ready level counts",
		cfg:    analytics.Config{SalesReadyStages: []string{"Qualified"}},
		period: analytics.Period{From: day(1), To: day(10)},
		want: analytics.MQA{Accounts: analytics.Ratio{Numerator: 1, Denominator: 6, Value: val(0.166667)},
			Groups: analytics.Ratio{Numerator: 1, Denominator: 5, Value: val(0.2)}},
	}, {
		name:   "stages only: b's ready level does not count",
		cfg:    analytics.Config{StagesOnly: true},
		period: analytics.Period{From: day(1), To: day(10)},
		want: analytics.MQA{Accounts: analytics.Ratio{Numerator: 2, Denominator: 6, Value: val(0.333333)},
			Groups: analytics.Ratio{Numerator: 2, Denominator: 5, Value: val(0.4)}},
	}, {
		name:   "before any event: nothing to measure",
		period: analytics.Period{To: day(-1)},
		want: analytics.MQA{Accounts: analytics.Ratio{Reason: "no account in the log by the end of the period"},
			Groups: analytics.Ratio{Reason: "no buying group created by the end of the period"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.MQA), "(-want +got)")
		})
	}
}

func TestVelocity(t *testing.T) {
	t.Parallel()
	opp := func(id, interest, product string, createdDay float64) m {
		return m{"ID": id, "SolutionInterest": interest, "Product": product, "Stage": "Qualify", "Status": "open", "CreatedAt": day(createdDay)}
	}
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
		add("a", day(0), "group.updated", snap("ga", "dp", "Awareness", 0.3, 10, "")).
		add("b", day(2), "buyinggroup.group_created", created("gb", "dp", day(2))).
		add("b", day(2), "group.updated", snap("gb", "dp", "Awareness", 0.3, 10, "")).
		add("c", day(1), "group.updated", snap("gc", "dp", "Awareness", 0.3, 10, "")). // no group_created: first seen
		add("d", day(0), "opportunity.created", opp("o-d", "dp", "", -30)).            // before its group: d waits for none
		add("d", day(1), "buyinggroup.group_created", created("gd", "dp", day(1))).
		add("d", day(1), "group.updated", snap("gd", "dp", "Awareness", 0.3, 10, "")).
		add("b", day(5), "group.updated", snap("gb", "dp", "Sales Ready", 0.6, 160, "")).
		add("a", day(10), "group.updated", snap("ga", "dp", "Sales Ready", 0.6, 160, "")).
		add("a", day(12), "opportunity.created", opp("o-a", "dp", "", 12)).
		add("a", day(12), "opportunity.created", opp("o-a", "dp", "", 12)). // logged twice: one deal
		add("b", day(13), "opportunity.created", opp("o-b", "", "Data Platform", 13.5)).
		add("c", day(14), "opportunity.created", opp("o-c", "", "Unknown product", 14))
	tests := []struct {
		name   string
		cfg    analytics.Config
		period analytics.Period
		want   analytics.Velocity
	}{{
		name:   "whole log, products unmapped",
		period: analytics.Period{To: day(20)},
		want: analytics.Velocity{
			ToSalesReady: analytics.Duration{Days: analytics.Average{Sum: 13, Count: 2, Mean: val(6.5), Median: val(6.5)}, Pending: 2},
			ToOpportunity: analytics.Duration{Days: analytics.Average{Sum: 12, Count: 1, Mean: val(12), Median: val(12)}, Pending: 2,
				Unattributed: 2, BeforeGroup: 1},
		},
	}, {
		name:   "a product mapped to its interest",
		cfg:    analytics.Config{ProductInterests: map[string]string{"Data Platform": "dp"}},
		period: analytics.Period{To: day(20)},
		want: analytics.Velocity{
			ToSalesReady: analytics.Duration{Days: analytics.Average{Sum: 13, Count: 2, Mean: val(6.5), Median: val(6.5)}, Pending: 2},
			ToOpportunity: analytics.Duration{Days: analytics.Average{Sum: 23.5, Count: 2, Mean: val(11.75), Median: val(11.75)}, Pending: 1,
				Unattributed: 1, BeforeGroup: 1},
		},
	}, {
		name:   "period from day 6: b reached before it, so only a counts; as of day 11 no deal yet, d's before the period",
		period: analytics.Period{From: day(6), To: day(11)},
		want: analytics.Velocity{
			ToSalesReady: analytics.Duration{Days: analytics.Average{Sum: 10, Count: 1, Mean: val(10), Median: val(10)}, Pending: 2},
			ToOpportunity: analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"},
				Pending: 3},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.Velocity), "(-want +got)")
		})
	}
}

// TestVelocityOpportunityChanged: a CRM deal often gets its product after
// it was created; the engine logs that as opportunity.changed, with the
// solution interest it now maps to. The deal then counts for its group
// from its creation, and is no longer unattributed.
func TestVelocityOpportunityChanged(t *testing.T) {
	t.Parallel()
	opp := func(id, interest, product string, createdDay float64) m {
		return m{"id": id, "solutionInterest": interest, "product": product, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	log := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("ga", "dp", day(0))).
		add("b", day(1), "buyinggroup.group_created", created("gb", "dp", day(1))).
		add("c", day(1), "buyinggroup.group_created", created("gc", "dp", day(1))).
		add("a", day(3), "opportunity.created", opp("o-a", "", "", 3)).
		add("c", day(3), "opportunity.created", opp("o-c", "", "", 3)).
		add("a", day(5), "opportunity.changed", opp("o-a", "dp", "Data Platform", 3)). // its product, two days later
		add("c", day(5), "opportunity.changed", opp("o-c", "", "", 3)).                // changed, still without one
		add("b", day(6), "opportunity.changed", opp("o-b", "dp", "", 4))               // created before the log began
	tests := []struct {
		name   string
		period analytics.Period
		want   analytics.Duration
	}{{
		name:   "both deals count from their creation",
		period: analytics.Period{To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Sum: 6, Count: 2, Mean: val(3), Median: val(3)}, Pending: 1, Unattributed: 1},
	}, {
		name:   "a period after their creation does not count them",
		period: analytics.Period{From: day(4.5), To: day(10)},
		want:   analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, Pending: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
}

// TestVelocityOpportunityInterestChanged: the CRM changed a deal's
// product, so that it now belongs to another interest's group on its
// account (opportunity.changed). It counts once, for the group of the
// interest an event gave it last, from its creation; a change that gives
// it no interest leaves it where it was.
func TestVelocityOpportunityInterestChanged(t *testing.T) {
	t.Parallel()
	opp := func(id, interest string, createdDay float64) m {
		return m{"id": id, "solutionInterest": interest, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	groups := eventLog{}.
		add("a", day(0), "buyinggroup.group_created", created("a/dp", "dp", day(0))).
		add("a", day(1), "buyinggroup.group_created", created("a/sec", "sec", day(1))).
		add("a", day(3), "opportunity.created", opp("o1", "dp", 3))
	tests := []struct {
		name   string
		log    eventLog
		want   analytics.Duration
		reason string
	}{{
		name:   "changed to another interest",
		log:    groups.add("a", day(5), "opportunity.changed", opp("o1", "sec", 3)),
		want:   analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1},
		reason: "sec's group, created on day 1, got the deal of day 3; dp's has none",
	}, {
		name: "changed to another interest and back",
		log: groups.add("a", day(5), "opportunity.changed", opp("o1", "sec", 3)).
			add("a", day(6), "opportunity.changed", opp("o1", "dp", 3)),
		want:   analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
		reason: "dp's group has it again",
	}, {
		name: "changed to another interest, then to none",
		log: groups.add("a", day(5), "opportunity.changed", opp("o1", "sec", 3)).
			add("a", day(6), "opportunity.changed", opp("o1", "", 3)),
		want:   analytics.Duration{Days: analytics.Average{Sum: 2, Count: 1, Mean: val(2), Median: val(2)}, Pending: 1},
		reason: "a record without a product does not take the deal from sec",
	}, {
		name: "changed to another interest, then moved to another account",
		log: groups.add("a", day(5), "opportunity.changed", opp("o1", "sec", 3)).
			add("a", day(6), "opportunity.moved", m{"id": "o1", "to": "b"}),
		want:   analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, Pending: 2},
		reason: "b has no group",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(10)})
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "%s (-want +got)", tt.reason)
		})
	}
}

func TestQualification(t *testing.T) {
	t.Parallel()
	rate := func(persons, qualified int) m { return m{"persons": persons, "qualified": qualified} }
	log := eventLog{}.
		add("a", day(0), "qualify.rate", rate(5, 2)).
		add("b", day(0), "qualify.rate", rate(4, 1)).
		add("a", day(2), "qualify.rate", rate(6, 4)).
		add("b", day(2), "qualify.rate", rate(4, 1)). // unchanged
		add("c", day(8), "qualify.rate", rate(10, 10))
	tests := []struct {
		name string
		to   float64
		want analytics.Qualification
	}{
		{"latest per account, summed", 5, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 5, Denominator: 10, Value: val(0.5)}, Accounts: 2}},
		{"as of day 1", 1, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 3, Denominator: 9, Value: val(0.333333)}, Accounts: 2}},
		{"all three", 9, analytics.Qualification{Ratio: analytics.Ratio{Numerator: 15, Denominator: 20, Value: val(0.75)}, Accounts: 3}},
		{"before any", -1, analytics.Qualification{Ratio: analytics.Ratio{Reason: "no person to qualify by the end of the period"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Empty(t, cmp.Diff(tt.want, r.Qualification), "(-want +got)")
		})
	}
}

func TestAlertResponse(t *testing.T) {
	t.Parallel()
	id := func(s string) m { return m{"id": s, "rule": "hot", "group": "g"} }
	log := eventLog{}.
		add("a", day(0), "alert.raised", id("al-1")).
		add("a", day(2), "alert.acknowledged", id("al-1")). // in time
		add("a", day(2.5), "alert.acted_on", id("al-1")).
		add("b", day(0), "alert.raised", id("al-1")).   // same id, other account: another alert
		add("b", day(9), "alert.acted_on", id("al-1")). // too late for a 7-day window
		add("c", day(1), "alert.raised", id("al-3")).   // never answered
		add("d", day(9), "alert.raised", id("al-4")).   // window still open at day 10
		add("d", day(9.5), "alert.acknowledged", id("al-4")).
		add("e", day(9.5), "alert.acknowledged", id("never-raised"))
	// The rate counts follow-ups (alert.acted_on) only, as the guide's
	// alert-to-activity conversion does: d's acknowledgement (seen, not
	// followed up yet) does not make it open and responded, and e's, of
	// an alert the log never raised, is no unmatched response (both
	// counted so when an acknowledgement answered an alert).
	tests := []struct {
		name   string
		cfg    analytics.Config
		period analytics.Period
		want   analytics.AlertResponse
	}{{
		name:   "7-day window as of day 10",
		period: analytics.Period{To: day(10)},
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 3, Value: val(0.333333)}, WindowHours: 168,
			Raised: 4, Acknowledged: 1, ActedOn: 1, Open: 1},
	}, {
		name:   "a 10-day window: b's action on day 9 counts; d's window is still open",
		cfg:    analytics.Config{AlertResponseWindow: 10 * 24 * time.Hour},
		period: analytics.Period{To: day(11)},
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 2, Denominator: 3, Value: val(0.666667)}, WindowHours: 240,
			Raised: 4, Acknowledged: 1, ActedOn: 2, Open: 1},
	}, {
		name:   "every window open: null rate",
		period: analytics.Period{To: day(3)},
		want: analytics.AlertResponse{Rate: analytics.Ratio{Reason: "the response window of every alert raised in the period is still open"},
			WindowHours: 168, Raised: 3, Open: 3, OpenResponded: 1},
	}, {
		name:   "a response after To is not seen",
		period: analytics.Period{To: day(1.5)},
		want: analytics.AlertResponse{Rate: analytics.Ratio{Reason: "the response window of every alert raised in the period is still open"},
			WindowHours: 168, Raised: 3, Open: 3},
	}, {
		name:   "no alert in the period",
		period: analytics.Period{From: day(20), To: day(30)},
		want:   analytics.AlertResponse{Rate: analytics.Ratio{Reason: "no alert raised in the period"}, WindowHours: 168},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, tt.cfg, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.AlertResponse), "(-want +got)")
		})
	}
}

// TestVelocityOpportunityMoved: the CRM put a deal on another account. The
// engine logs opportunity.moved on the account it left and
// opportunity.created on the one it joined, in either order. The deal
// counts once, for the group of the account that holds it, from its
// creation; the account it left no longer counts it.
func TestVelocityOpportunityMoved(t *testing.T) {
	t.Parallel()
	opp := func(id, interest string, createdDay float64) m {
		return m{"id": id, "solutionInterest": interest, "stage": "Qualify", "status": "open", "createdAt": day(createdDay)}
	}
	moved := func(id, to string) m { return m{"id": id, "to": to} }
	groups := func(accounts ...string) eventLog {
		l := eventLog{}
		for _, a := range accounts {
			l = l.add(a, day(0), "buyinggroup.group_created", created(a+"/dp", "dp", day(0)))
		}
		return l
	}
	tests := []struct {
		name string
		log  eventLog
		want analytics.Duration
	}{{
		name: "moved, the move logged after its creation on the new account",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o1", "dp", 3)).
			add("b", day(5), "opportunity.created", opp("o1", "dp", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")),
		want: analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
	}, {
		name: "moved, the move logged before its creation on the new account",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o1", "dp", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")).
			add("b", day(5), "opportunity.created", opp("o1", "dp", 3)),
		want: analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
	}, {
		name: "moved away and back: the first account counts it again",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o1", "dp", 3)).
			add("b", day(5), "opportunity.created", opp("o1", "dp", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")).
			add("a", day(6), "opportunity.created", opp("o1", "dp", 3)).
			add("b", day(6), "opportunity.moved", moved("o1", "a")),
		want: analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
	}, {
		name: "moved without an interest: one unattributed deal",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o1", "", 3)).
			add("b", day(5), "opportunity.created", opp("o1", "", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")),
		want: analytics.Duration{Days: analytics.Average{Reason: "no buying group got an opportunity in the period"}, Pending: 2, Unattributed: 1},
	}, {
		name: "one of two deals on the account moved: the other still counts",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o1", "dp", 3)).
			add("a", day(4), "opportunity.created", opp("o2", "dp", 4)).
			add("b", day(5), "opportunity.created", opp("o1", "dp", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")),
		want: analytics.Duration{Days: analytics.Average{Sum: 7, Count: 2, Mean: val(3.5), Median: val(3.5)}},
	}, {
		name: "handed over by a merge: the account merged into counts it",
		log: groups("acme", "mk-7").
			add("mk-7", day(3), "opportunity.created", opp("o1", "dp", 3)).
			add("acme", day(5), "account.absorbed", m{"from": "mk-7", "opportunities": 1, "messages": 0}).
			add("acme", day(5), "opportunity.created", opp("o1", "dp", 3)).
			add("mk-7", day(5), "account.merged", m{"into": "acme"}).
			add("mk-7", day(5), "opportunity.moved", moved("o1", "acme")),
		want: analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}},
	}, {
		name: "a deal the log never showed on the account moves away: nothing to take back",
		log: groups("a", "b").
			add("a", day(3), "opportunity.created", opp("o2", "dp", 3)).
			add("a", day(5), "opportunity.moved", moved("o1", "b")),
		want: analytics.Duration{Days: analytics.Average{Sum: 3, Count: 1, Mean: val(3), Median: val(3)}, Pending: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(10)})
			require.Empty(t, cmp.Diff(tt.want, r.Velocity.ToOpportunity), "(-want +got)")
		})
	}
}

// TestGroupEventsOutOfTimeOrder: the log's order is not its times' (an
// event may be logged after another and dated before it). A group exists
// from the earliest event that names it, so a qualification dated before
// the group's first logged event is the group's own: it ends the clock,
// and the group counts as created by then.
func TestGroupEventsOutOfTimeOrder(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(5), "group.updated", snap("g", "dp", "Decision", 0.5, 10, "")).
		add("a", day(3), "readiness.changed", m{"group": "g", "interest": "dp", "level": "ready"})
	tests := []struct {
		name       string
		to         float64
		wantGroups int
		wantMQA    analytics.MQA
		wantReady  analytics.Duration
	}{{
		name:       "as of day 10: qualified, no clock still running",
		to:         10,
		wantGroups: 1,
		wantMQA: analytics.MQA{Accounts: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Groups: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}},
		wantReady: analytics.Duration{Days: analytics.Average{Sum: 0, Count: 1, Mean: val(0), Median: val(0)}},
	}, {
		name:       "as of day 4: the group qualified on day 3 is known",
		to:         4,
		wantGroups: 1,
		wantMQA: analytics.MQA{Accounts: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Groups: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}},
		wantReady: analytics.Duration{Days: analytics.Average{Sum: 0, Count: 1, Mean: val(0), Median: val(0)}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(tt.to)})
			require.Equal(t, tt.wantGroups, r.Groups)
			require.Empty(t, cmp.Diff(tt.wantMQA, r.MQA), "MQA (-want +got)")
			require.Empty(t, cmp.Diff(tt.wantReady, r.Velocity.ToSalesReady), "velocity (-want +got)")
		})
	}
}

// TestAlertResponseIsFollowUp: the guide's sales-alert response rate is
// the share of alerts that result in sales follow-up activity. An
// acknowledgement (alert.acknowledged: the rep saw or opened the alert)
// is no follow-up: only alert.acted_on within the window answers an
// alert. The acknowledgements are counted apart.
func TestAlertResponseIsFollowUp(t *testing.T) {
	t.Parallel()
	id := func(s string) m { return m{"id": s} }
	tests := []struct {
		name string
		log  eventLog
		want analytics.AlertResponse
	}{{
		name: "acknowledged, never followed up: not a response",
		log: eventLog{}.
			add("a", day(0), "alert.raised", id("al-1")).
			add("a", day(1), "alert.acknowledged", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Raised: 1, Acknowledged: 1, AcknowledgedOnly: 1},
	}, {
		name: "acknowledged in the window, followed up after it: not a response",
		log: eventLog{}.
			add("a", day(0), "alert.raised", id("al-1")).
			add("a", day(1), "alert.acknowledged", id("al-1")).
			add("a", day(8), "alert.acted_on", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Raised: 1, Acknowledged: 1, AcknowledgedOnly: 1},
	}, {
		name: "followed up (the engine logs the acknowledgement with it)",
		log: eventLog{}.
			add("a", day(0), "alert.raised", id("al-1")).
			add("a", day(2), "alert.acknowledged", id("al-1")).
			add("a", day(2), "alert.acted_on", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Raised: 1, Acknowledged: 1, ActedOn: 1},
	}, {
		name: "followed up without an acknowledgement in the log",
		log: eventLog{}.
			add("a", day(0), "alert.raised", id("al-1")).
			add("a", day(2), "alert.acted_on", id("al-1")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Raised: 1, ActedOn: 1},
	}, {
		name: "two alerts, one seen only, one followed up: half",
		log: eventLog{}.
			add("a", day(0), "alert.raised", id("al-1")).
			add("b", day(0), "alert.raised", id("al-2")).
			add("a", day(1), "alert.acknowledged", id("al-1")).
			add("b", day(1), "alert.acknowledged", id("al-2")).
			add("b", day(3), "alert.acted_on", id("al-2")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
			Raised: 2, Acknowledged: 2, ActedOn: 1, AcknowledgedOnly: 1},
	}, {
		name: "window still open: only a follow-up is a response so far",
		log: eventLog{}.
			add("a", day(15), "alert.raised", id("al-1")).
			add("b", day(15), "alert.raised", id("al-2")).
			add("a", day(16), "alert.acknowledged", id("al-1")).
			add("b", day(16), "alert.acknowledged", id("al-2")).
			add("b", day(16), "alert.acted_on", id("al-2")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Reason: "the response window of every alert raised in the period is still open"},
			Raised: 2, Open: 2, OpenResponded: 1},
	}, {
		// The engine matches only activities at or after the alert; a log
		// whose times are not its order can date a follow-up before it.
		name: "a follow-up or acknowledgement dated before the alert answers nothing; a later one in the window does",
		log: eventLog{}.
			add("a", day(1), "alert.raised", id("al-1")).
			add("a", day(0.5), "alert.acknowledged", id("al-1")).
			add("a", day(0.5), "alert.acted_on", id("al-1")).
			add("b", day(1), "alert.raised", id("al-2")).
			add("b", day(0.5), "alert.acted_on", id("al-2")).
			add("b", day(2), "alert.acknowledged", id("al-2")).
			add("b", day(2), "alert.acted_on", id("al-2")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
			Raised: 2, Acknowledged: 1, ActedOn: 1},
	}, {
		name: "alerts the log never raised: their follow-ups are unmatched, an acknowledgement is no response",
		log: eventLog{}.
			add("a", day(1), "alert.acknowledged", id("seen")).
			add("b", day(1), "alert.acknowledged", id("followed")).
			add("b", day(1), "alert.acted_on", id("followed")),
		want: analytics.AlertResponse{Rate: analytics.Ratio{Reason: "no alert raised in the period"}, Unmatched: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, analytics.Period{To: day(20)})
			tt.want.WindowHours = 168
			require.Empty(t, cmp.Diff(tt.want, r.AlertResponse), "(-want +got)")
		})
	}
}
