package analytics_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

func enter(journey string, entry int) m {
	return m{"kind": "enter", "journey": journey, "version": 1, "entry": entry, "node": "start"}
}

func node(journey string, entry int, id string) m {
	return m{"kind": "node", "journey": journey, "version": 1, "entry": entry, "node": id}
}

func ended(journey string, entry int, completed bool, reason string) m {
	return m{"journey": journey, "version": 1, "entry": entry, "reason": reason, "completed": completed}
}

func TestJourneyCompletionAndFunnel(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "journey.enter", enter("nurture", 1)).
		add("a", day(0), "journey.node", node("nurture", 1, "start")).
		add("a", day(0), "journey.node", node("nurture", 1, "email-1")).
		add("b", day(0), "journey.enter", enter("nurture", 1)).
		add("b", day(0), "journey.node", node("nurture", 1, "start")).
		add("c", day(1), "journey.enter", enter("nurture", 1)).
		add("c", day(1), "journey.node", node("nurture", 1, "start")).
		add("c", day(1), "journey.node", node("nurture", 1, "email-1")).
		add("a", day(2), "journey.node", node("nurture", 1, "wait")).
		add("a", day(3), "journey.node", node("nurture", 1, "email-1")). // a loop: two arrivals, one instance
		add("a", day(4), "journey.node", node("nurture", 1, "end")).
		add("a", day(4), "journey.ended", ended("nurture", 1, true, "completed")).
		add("b", day(4), "journey.ended", ended("nurture", 1, false, "exit: opportunity created")).
		add("a", day(5), "journey.enter", enter("pipeline", 1)). // still running
		add("a", day(5), "journey.node", node("pipeline", 1, "start")).
		add("z", day(5), "journey.ended", ended("nurture", 7, true, "completed")) // entered before the log began
	// Each account enters each journey once here, so the accounts'
	// counts (the rate's) and the instances' are the same; a is in two
	// journeys and counts in each, overall too.
	tests := []struct {
		name       string
		period     analytics.Period
		want       analytics.JourneyCompletion
		wantFunnel []analytics.JourneyFunnel
	}{{
		name:   "whole log",
		period: analytics.Period{To: day(6)},
		want: analytics.JourneyCompletion{
			Overall: analytics.JourneyStats{Rate: analytics.Ratio{Numerator: 1, Denominator: 4, Value: val(0.25)},
				Entered: 4, Completed: 1, Exited: 1, Running: 2, UnmatchedEnds: 1,
				Instances: analytics.Instances{Entered: 4, Completed: 1, Exited: 1, Running: 2}},
			Journeys: []analytics.JourneyStats{
				{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 3, Value: val(0.333333)},
					Entered: 3, Completed: 1, Exited: 1, Running: 1, UnmatchedEnds: 1,
					Instances: analytics.Instances{Entered: 3, Completed: 1, Exited: 1, Running: 1}},
				{Journey: "pipeline", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, Entered: 1, Running: 1,
					Instances: analytics.Instances{Entered: 1, Running: 1}},
			},
		},
		wantFunnel: []analytics.JourneyFunnel{
			{Journey: "nurture", Nodes: []analytics.NodeCount{{"start", 3, 3}, {"email-1", 3, 2}, {"wait", 1, 1}, {"end", 1, 1}}},
			{Journey: "pipeline", Nodes: []analytics.NodeCount{{"start", 1, 1}}},
		},
	}, {
		name:   "as of day 3: nothing ended yet, all running",
		period: analytics.Period{To: day(3)},
		want: analytics.JourneyCompletion{
			Overall: analytics.JourneyStats{Rate: analytics.Ratio{Numerator: 0, Denominator: 3, Value: val(0)}, Entered: 3, Running: 3,
				Instances: analytics.Instances{Entered: 3, Running: 3}},
			Journeys: []analytics.JourneyStats{
				{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 3, Value: val(0)}, Entered: 3, Running: 3,
					Instances: analytics.Instances{Entered: 3, Running: 3}},
			},
		},
		wantFunnel: []analytics.JourneyFunnel{
			{Journey: "nurture", Nodes: []analytics.NodeCount{{"start", 3, 3}, {"email-1", 3, 2}, {"wait", 1, 1}}},
		},
	}, {
		name:   "entries from day 1: only c's",
		period: analytics.Period{From: day(1), To: day(4)},
		want: analytics.JourneyCompletion{
			Overall: analytics.JourneyStats{Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, Entered: 1, Running: 1,
				Instances: analytics.Instances{Entered: 1, Running: 1}},
			Journeys: []analytics.JourneyStats{
				{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)}, Entered: 1, Running: 1,
					Instances: analytics.Instances{Entered: 1, Running: 1}},
			},
		},
		wantFunnel: []analytics.JourneyFunnel{
			{Journey: "nurture", Nodes: []analytics.NodeCount{{"start", 1, 1}, {"email-1", 2, 2}, {"wait", 1, 1}, {"end", 1, 1}}},
		},
	}, {
		name:   "no journey in the period",
		period: analytics.Period{From: day(10), To: day(11)},
		want: analytics.JourneyCompletion{
			Overall:  analytics.JourneyStats{Rate: analytics.Ratio{Reason: "no journey entered in the period"}},
			Journeys: []analytics.JourneyStats{},
		},
		wantFunnel: []analytics.JourneyFunnel{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, log, analytics.Config{}, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.JourneyCompletion), "completion (-want +got)")
			require.Empty(t, cmp.Diff(tt.wantFunnel, r.Funnel), "funnel (-want +got)")
		})
	}
}

// TestFunnelDeferredSendIsNoArrival checks that a message a cap deferred,
// sent (or skipped) later under the node that queued it while the track
// waits elsewhere, is not counted as another arrival at that node.
func TestFunnelDeferredSendIsNoArrival(t *testing.T) {
	t.Parallel()
	msg := func(kind, node, key string) m {
		return m{"kind": kind, "journey": "nurture", "version": 1, "entry": 1, "node": node, "person": "p1", "key": key}
	}
	log := eventLog{}.
		add("a", day(0), "journey.enter", enter("nurture", 1)).
		add("a", day(0), "journey.node", node("nurture", 1, "start")).
		add("a", day(0), "journey.send", msg("send", "email", "k1")).
		add("a", day(0), "journey.defer", msg("defer", "email", "k2")). // one arrival at email, two persons
		add("a", day(0), "journey.wait", msg("wait", "wait", "")).
		add("a", day(1), "journey.defer", msg("defer", "email", "k2")). // deferred again
		add("a", day(2), "journey.send", msg("send", "email", "k2")).   // sent at last, the track waiting
		add("a", day(3), "journey.path", msg("path", "wait", "")).
		add("a", day(3), "journey.defer", msg("defer", "email", "k3")). // back to email: a new visit
		add("a", day(3), "journey.wait", msg("wait", "wait", "")).
		add("a", day(4), "journey.skip", msg("skip", "email", "k3")). // expired, the track waiting
		add("a", day(5), "journey.node", node("nurture", 1, "end"))
	r := report(t, log, analytics.Config{}, analytics.Period{To: day(6)})
	want := []analytics.JourneyFunnel{{Journey: "nurture", Nodes: []analytics.NodeCount{
		{Node: "start", Arrivals: 1, Instances: 1}, {Node: "email", Arrivals: 2, Instances: 1},
		{Node: "wait", Arrivals: 2, Instances: 1}, {Node: "end", Arrivals: 1, Instances: 1}}}}
	require.Empty(t, cmp.Diff(want, r.Funnel), "funnel (-want +got)")
}

func TestEmail(t *testing.T) {
	t.Parallel()
	queued := func(key, channel string) m {
		return m{"key": key, "channel": channel, "template": "t", "to": "x@acme.com", "journey": "nurture"}
	}
	res := func(key, status string) m { return m{"key": key, "status": status, "error": "", "receipt": nil} }
	// applied is an activity.applied event: the activities by type, and
	// the message keys of those that name one.
	applied := func(byType map[string]int, messages map[string][]string) m {
		p := m{"count": 1, "byType": byType}
		if messages != nil {
			p["messages"] = messages
		}
		return p
	}
	rate := func(num, den int) analytics.Ratio {
		v := math.Round(float64(num)/float64(den)*1e6) / 1e6
		return analytics.Ratio{Numerator: num, Denominator: den, Value: &v}
	}
	base := eventLog{}.
		add("a", day(0), "message.queued", queued("k1", "email")).
		add("a", day(0), "message.queued", queued("k2", "email")).
		add("a", day(0), "message.queued", queued("k3", "email")).
		add("a", day(0), "message.queued", queued("s1", "sms")).
		add("a", day(0), "message.queued", queued("k4", "email"))
	delivered := base.
		add("a", day(0.1), "message.delivered", res("k1", "delivered")).
		add("a", day(0.1), "message.delivered", res("k2", "delivered"))
	tests := []struct {
		name   string
		cfg    analytics.Config
		log    eventLog
		period analytics.Period
		want   analytics.Email
		reason string
	}{{
		name: "delivered, failed, suppressed, sms and unknown keys",
		log: base.
			add("a", day(0.1), "message.delivered", res("k1", "delivered")).
			add("a", day(0.1), "message.delivered", res("k2", "delivered")).
			add("a", day(0.1), "message.delivered", res("k2", "delivered")). // once per key
			add("a", day(0.1), "message.failed", res("k3", "failed")).
			add("a", day(0.1), "message.suppressed", res("k4", "suppressed")).
			add("a", day(0.1), "message.delivered", res("s1", "delivered")).
			add("a", day(0.1), "message.delivered", res("ghost", "delivered")).
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 2, "click_email": 1, "open_sales_email": 5, "visit_web_page": 9},
				map[string][]string{"open_email": {"k1", "k2"}, "click_email": {"k1"}})),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: rate(2, 2), ClickRate: rate(1, 2),
			Queued: 4, Delivered: 2, Failed: 1, Suppressed: 1, UnknownResults: 1},
		reason: "sales e-mails are not the program's: not in the rates, nor unmatched",
	}, {
		name: "a repeated open and opens of other e-mails do not inflate the rate",
		log: delivered.
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 6, "click_email": 3},
				map[string][]string{"open_email": {"k1", "k1", "ghost", "s1"}, "click_email": {"k1", "k1", "k1"}})).
			add("a", day(1.5), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k1"}})),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: rate(1, 2), ClickRate: rate(1, 2), Queued: 4, Delivered: 2,
			UnmatchedOpens: 4},
		reason: "k1 opened thrice and clicked thrice is one opened and one clicked e-mail; an open of a key never queued (ghost), " +
			"of an SMS (s1) and two naming no message are unmatched",
	}, {
		name: "a log written before activities named their message: every open unmatched",
		log: delivered.
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 3, "click_email": 1}, nil)),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: rate(0, 2), ClickRate: rate(0, 2), Queued: 4, Delivered: 2,
			UnmatchedOpens: 3, UnmatchedClicks: 1},
	}, {
		name: "a click without an open counts as a click only",
		log: delivered.
			add("a", day(1), "activity.applied", applied(map[string]int{"click_email": 1}, map[string][]string{"click_email": {"k2"}})),
		period: analytics.Period{To: day(2)},
		want:   analytics.Email{OpenRate: rate(0, 2), ClickRate: rate(1, 2), Queued: 4, Delivered: 2},
	}, {
		name: "an open logged before its delivery result counts",
		log: base.
			add("a", day(0.1), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k1"}})).
			add("a", day(0.2), "message.delivered", res("k1", "delivered")),
		period: analytics.Period{To: day(2)},
		want:   analytics.Email{OpenRate: rate(1, 1), ClickRate: rate(0, 1), Queued: 4, Delivered: 1},
	}, {
		name: "the e-mails of the period are those delivered in it; their opens count until To",
		log: base.
			add("a", day(0.1), "message.delivered", res("k1", "delivered")). // before From
			add("a", day(1.5), "message.delivered", res("k2", "delivered")).
			add("a", day(1.6), "message.delivered", res("k3", "delivered")).
			add("a", day(2), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k1"}})).
			add("a", day(2.5), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k2"}})).
			add("a", day(4), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k3"}})),
		period: analytics.Period{From: day(1), To: day(3)},
		want:   analytics.Email{OpenRate: rate(1, 2), ClickRate: rate(0, 2), Delivered: 2},
		reason: "k1 was delivered before the period (its open counts in its own period, not unmatched); k3's open comes after To",
	}, {
		name: "an e-mail the provider reports bounced was not delivered",
		log: delivered.
			add("a", day(0.2), "activity.applied", applied(map[string]int{"email_bounced": 1, "email_delivered": 1},
				map[string][]string{"email_bounced": {"k2"}, "email_delivered": {"k1"}})).
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 1}, map[string][]string{"open_email": {"k1"}})),
		period: analytics.Period{To: day(2)},
		want:   analytics.Email{OpenRate: rate(1, 1), ClickRate: rate(0, 1), Queued: 4, Delivered: 1, Bounced: 1},
		reason: "k2 never reached its recipient: it could not be opened, and is out of the rates' denominator",
	}, {
		name: "a bounce after To is not seen; a soft bounce, another sender's and one naming no message are no bounce of the program's",
		log: delivered.
			add("a", day(0.2), "activity.applied", applied(map[string]int{"email_bounced_soft": 1, "email_bounced": 2},
				map[string][]string{"email_bounced_soft": {"k1"}, "email_bounced": {"ghost"}})).
			add("a", day(3), "activity.applied", applied(map[string]int{"email_bounced": 1}, map[string][]string{"email_bounced": {"k2"}})),
		period: analytics.Period{To: day(2)},
		want:   analytics.Email{OpenRate: rate(0, 2), ClickRate: rate(0, 2), Queued: 4, Delivered: 2},
	}, {
		name: "a bounce of an e-mail delivered before the period is not the period's",
		log: base.
			add("a", day(0.1), "message.delivered", res("k1", "delivered")).
			add("a", day(0.2), "activity.applied", applied(map[string]int{"email_bounced": 1}, map[string][]string{"email_bounced": {"k1"}})).
			add("a", day(1.5), "message.delivered", res("k2", "delivered")),
		period: analytics.Period{From: day(1), To: day(2)},
		want:   analytics.Email{OpenRate: rate(0, 1), ClickRate: rate(0, 1), Delivered: 1},
	}, {
		name: "queued, never delivered: no rate",
		log: base.add("a", day(0.1), "message.failed", res("k1", "failed")).
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 2}, map[string][]string{"open_email": {"k1"}})),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: analytics.Ratio{Reason: "e-mails were queued but none was delivered in the period"},
			ClickRate: analytics.Ratio{Reason: "e-mails were queued but none was delivered in the period"}, Queued: 4, Failed: 1,
			UnmatchedOpens: 1},
		reason: "an open of a program e-mail that failed is the program's, not unmatched; the other names no message",
	}, {
		name:   "nothing queued",
		log:    eventLog{}.add("a", day(0), "account.updated", m{}),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: analytics.Ratio{Reason: "no e-mail delivered in the period"},
			ClickRate: analytics.Ratio{Reason: "no e-mail delivered in the period"}},
	}, {
		name: "other open types when configured so; deliveries after To not seen",
		cfg:  analytics.Config{OpenTypes: []string{"open_email", "open_sales_email"}},
		log: base.
			add("a", day(1), "message.delivered", res("k1", "delivered")).
			add("a", day(3), "message.delivered", res("k2", "delivered")).
			add("a", day(1), "activity.applied", applied(map[string]int{"open_email": 1, "open_sales_email": 2},
				map[string][]string{"open_sales_email": {"k1"}})),
		period: analytics.Period{To: day(2)},
		want: analytics.Email{OpenRate: rate(1, 1), ClickRate: rate(0, 1), Queued: 4, Delivered: 1,
			UnmatchedOpens: 2},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, tt.cfg, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.Email), "%s (-want +got)", tt.reason)
			for _, x := range []analytics.Ratio{r.Email.OpenRate, r.Email.ClickRate} {
				require.LessOrEqual(t, x.Numerator, x.Denominator, "a rate never exceeds 100%")
			}
		})
	}
}

func TestStageDistribution(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "group.updated", snap("g1", "dp", "Sales Ready", 1, 10, "")).
		add("b", day(0), "group.updated", snap("g2", "dp", "Awareness", 1, 10, "")).
		add("c", day(0), "group.updated", snap("g3", "dp", "Awareness", 1, 10, "")).
		add("d", day(0), "group.updated", snap("g4", "dp", "Pilot", 1, 10, "")).
		add("c", day(1), "group.updated", snap("g3", "dp", "Consideration", 1, 10, ""))
	r := report(t, log, analytics.Config{}, analytics.Period{})
	share := func(n int) analytics.Ratio {
		v := float64(n) / 4
		return analytics.Ratio{Numerator: n, Denominator: 4, Value: &v}
	}
	want := []analytics.StageCount{
		{Stage: "Awareness", Groups: 1, Share: share(1)},
		{Stage: "Consideration", Groups: 1, Share: share(1)},
		{Stage: "Sales Ready", Groups: 1, Share: share(1)},
		{Stage: "Pilot", Groups: 1, Share: share(1)}, // not in the stage order: after it
	}
	require.Empty(t, cmp.Diff(want, r.Stages), "(-want +got)")
}

// TestStageDistributionUnknownStage: a snapshot that names no stage tells
// no stage: the group is no row of a blank stage, and the shares are of
// the groups with a known stage.
func TestStageDistributionUnknownStage(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "group.updated", snap("g1", "dp", "Sales Ready", 1, 10, "")).
		add("b", day(0), "group.updated", m{"group": "g2", "interest": "dp", "completeness": 1, "score": 10})
	r := report(t, log, analytics.Config{}, analytics.Period{})
	want := []analytics.StageCount{{Stage: "Sales Ready", Groups: 1, Share: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)}}}
	require.Empty(t, cmp.Diff(want, r.Stages), "(-want +got)")
	require.Equal(t, 2, r.Completeness.Denominator, "a snapshot without a stage still counts for completeness")
}

func TestCompareTruth(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "group.updated", snap("ga1", "dp", "Sales Ready", 1, 200, "")).
		add("a", day(0), "group.updated", snap("ga2", "sec", "Awareness", 0, 10, "")).
		add("b", day(0), "group.updated", snap("gb", "dp", "Awareness", 0, 10, "ready")).
		add("c", day(0), "group.updated", snap("gc", "dp", "Awareness", 0, 10, "")).
		add("d", day(0), "group.updated", snap("gd", "dp", "Awareness", 0, 10, "")).
		add("x", day(0), "group.updated", snap("gx", "dp", "Sales Ready", 1, 10, ""))
	r := report(t, log, analytics.Config{}, analytics.Period{})
	truth := analytics.GroundTruth{
		"a": {"dp": false, "sec": true}, // account: TP; pairs: dp FP, sec FN
		"b": {"dp": true},               // TP
		"c": {"dp": true},               // FN
		"d": {"dp": false},              // TN
		"e": {"dp": true},               // never in the log: FN
		// x is not in the truth: an FP, counted as not in truth
	}
	got := r.CompareTruth(truth)
	want := &analytics.TruthComparison{
		Accounts: analytics.Accuracy{TruePositives: 2, FalsePositives: 1, FalseNegatives: 2, TrueNegatives: 1,
			Precision: analytics.Ratio{Numerator: 2, Denominator: 3, Value: val(0.666667)},
			Recall:    analytics.Ratio{Numerator: 2, Denominator: 4, Value: val(0.5)}, NotInTruth: 1},
		Interests: &analytics.Accuracy{TruePositives: 1, FalsePositives: 2, FalseNegatives: 3, TrueNegatives: 1,
			Precision: analytics.Ratio{Numerator: 1, Denominator: 3, Value: val(0.333333)},
			Recall:    analytics.Ratio{Numerator: 1, Denominator: 4, Value: val(0.25)}, NotInTruth: 1},
	}
	require.Empty(t, cmp.Diff(want, got), "(-want +got)")
	require.Same(t, got, r.Truth)

	// An account-level truth has no interest comparison.
	got = r.CompareTruth(analytics.GroundTruth{"a": {analytics.AnyInterest: true}, "c": {analytics.AnyInterest: true}})
	require.Nil(t, got.Interests)
	require.Equal(t, 1, got.Accounts.TruePositives)
	require.Equal(t, 1, got.Accounts.FalseNegatives)
	require.Equal(t, 2, got.Accounts.FalsePositives, "b and x")
	require.Equal(t, 3, got.Accounts.NotInTruth, "b, d and x")

	// Nothing predicted, nothing in market: no value, with reasons.
	empty := report(t, eventLog{}.add("a", day(0), "account.updated", m{}), analytics.Config{}, analytics.Period{})
	got = empty.CompareTruth(analytics.GroundTruth{"a": {"dp": false}})
	require.Nil(t, got.Accounts.Precision.Value)
	require.Equal(t, "nothing was an MQA in the period", got.Accounts.Precision.Reason)
	require.Equal(t, "nothing was truly in market", got.Accounts.Recall.Reason)
}

// TestFunnelFromDecisions: the engine logs a decision per thing decided,
// not per node; arrivals are the changes of a track's node.
func TestFunnelFromDecisions(t *testing.T) {
	t.Parallel()
	dec := func(kind, node string, track int) m {
		return m{"kind": kind, "journey": "pipeline", "version": 1, "entry": 1, "node": node, "track": track}
	}
	log := eventLog{}.
		add("a", day(0), "journey.enter", dec("enter", "intro", 0)).
		add("a", day(0), "journey.send", dec("send", "intro", 0)).
		add("a", day(0), "journey.send", dec("send", "intro", 0)). // three recipients: one arrival
		add("a", day(0), "journey.skip", dec("skip", "intro", 0)).
		add("a", day(0), "journey.wait", dec("wait", "wait-5d", 0)).
		add("a", day(5), "journey.path", dec("path", "ready?", 0)).
		add("a", day(5), "journey.parallel", dec("parallel", "fork", 0)).
		add("a", day(5), "journey.send", dec("send", "email-cfo", 1)).
		add("a", day(5), "journey.send", dec("send", "email-cto", 2)).
		add("a", day(5), "journey.merge", dec("merge", "join", 1)).
		add("a", day(5), "journey.merge", dec("merge", "join", 2)).
		add("a", day(5), "journey.node", dec("node", "done", 0)).
		add("a", day(5), "journey.exit", dec("exit", "done", 0)).
		add("a", day(5), "journey.no_entry", m{"kind": "no_entry", "journey": "other", "reason": "not live"})
	r := report(t, log, analytics.Config{}, analytics.Period{})
	want := []analytics.JourneyFunnel{{Journey: "pipeline", Nodes: []analytics.NodeCount{
		{"intro", 1, 1}, {"wait-5d", 1, 1}, {"ready?", 1, 1}, {"fork", 1, 1}, {"email-cfo", 1, 1}, {"email-cto", 1, 1},
		{"join", 2, 1}, {"done", 1, 1}}}}
	require.Empty(t, cmp.Diff(want, r.Funnel), "(-want +got)")
	require.Equal(t, 1, r.JourneyCompletion.Overall.Running)
}

// TestFunnelOrderIgnoresInterleaving: two accounts' journeys logged at the
// same instants give the same funnel however their events interleave (as
// they do when several workers commit), in the order of the path.
func TestFunnelOrderIgnoresInterleaving(t *testing.T) {
	t.Parallel()
	pathA := []string{"intro", "wait-5d", "track?", "awareness", "wait-30d"}
	pathB := []string{"intro", "wait-5d", "track?", "alert-sales", "sales-ready"}
	build := func(first, second string, firstPath, secondPath []string) eventLog {
		log := eventLog{}.add(first, day(0), "journey.enter", enter("tracks", 1)).add(second, day(0), "journey.enter", enter("tracks", 1))
		for _, n := range firstPath {
			log = log.add(first, day(0), "journey.node", node("tracks", 1, n))
		}
		for _, n := range secondPath {
			log = log.add(second, day(0), "journey.node", node("tracks", 1, n))
		}
		return log
	}
	one := report(t, build("a", "b", pathA, pathB), analytics.Config{}, analytics.Period{})
	other := report(t, build("b", "a", pathB, pathA), analytics.Config{}, analytics.Period{})
	require.Empty(t, cmp.Diff(one.Funnel, other.Funnel))
	var nodes []string
	for _, n := range one.Funnel[0].Nodes {
		nodes = append(nodes, n.Node)
	}
	require.Equal(t, []string{"start", "intro", "wait-5d", "track?", "awareness", "wait-30d", "alert-sales", "sales-ready"}, nodes,
		"account a's path first (by account ID at the same instant), each path in order")
}

// TestJourneyOrderIgnoresInterleaving: two accounts entering two journeys
// at the same instant give the same journeys, in the same order, however
// their events interleave (as they do when several workers commit): the
// order of their first arrival (by time, then account), then their IDs.
func TestJourneyOrderIgnoresInterleaving(t *testing.T) {
	t.Parallel()
	build := func(accounts ...string) eventLog {
		log := eventLog{}
		journeys := map[string]string{"a": "nurture", "b": "acceleration"}
		for _, a := range accounts {
			log = log.add(a, day(0), "journey.enter", enter(journeys[a], 1)).
				add(a, day(0), "journey.node", node(journeys[a], 1, "email-1"))
		}
		return log
	}
	want := []string{"nurture", "acceleration"}
	for _, order := range [][]string{{"a", "b"}, {"b", "a"}} {
		t.Run(order[0]+" first", func(t *testing.T) {
			t.Parallel()
			r := report(t, build(order...), analytics.Config{}, analytics.Period{})
			var completion, funnel []string
			for _, s := range r.JourneyCompletion.Journeys {
				completion = append(completion, s.Journey)
			}
			for _, f := range r.Funnel {
				funnel = append(funnel, f.Journey)
			}
			require.Equal(t, want, completion, "journey completion")
			require.Equal(t, want, funnel, "journey funnel")
		})
	}
}

// TestJourneyCompletionCountsAccounts: the guide's account-journey
// completion rate is the share of accounts that complete the journey, so
// an account counts once per journey however often it entered it in the
// period (completed if any of those entries completed by To, else running
// if one still runs, else exited); overall counts (account, journey)
// pairs. The entries are counted apart (Instances).
func TestJourneyCompletionCountsAccounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		log    eventLog
		period analytics.Period
		want   analytics.JourneyCompletion
	}{{
		name: "an account that entered twice and completed once: one completed account",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, false, "exit: unsubscribed")).
			add("a", day(3), "journey.enter", enter("nurture", 2)).
			add("a", day(5), "journey.ended", ended("nurture", 2, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Entered: 1, Completed: 1, Instances: analytics.Instances{Entered: 2, Completed: 1, Exited: 1}}),
	}, {
		name: "two accounts, one completes: half, however often the other entered",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("b", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, true, "completed")).
			add("b", day(2), "journey.ended", ended("nurture", 1, false, "exit: opportunity created")).
			add("b", day(3), "journey.enter", enter("nurture", 2)).
			add("b", day(4), "journey.ended", ended("nurture", 2, false, "exit: opportunity created")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
			Entered: 2, Completed: 1, Exited: 1, Instances: analytics.Instances{Entered: 3, Completed: 1, Exited: 2}}),
	}, {
		name: "an account that exited, re-entered and still runs is running",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, false, "exit: unsubscribed")).
			add("a", day(3), "journey.enter", enter("nurture", 2)),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Entered: 1, Running: 1, Instances: analytics.Instances{Entered: 2, Exited: 1, Running: 1}}),
	}, {
		name: "only the entries of the period count: an entry before From that completed does not",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, true, "completed")).
			add("a", day(6), "journey.enter", enter("nurture", 2)).
			add("a", day(8), "journey.ended", ended("nurture", 2, false, "exit: unsubscribed")),
		period: analytics.Period{From: day(5), To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Entered: 1, Exited: 1, Instances: analytics.Instances{Entered: 1, Exited: 1}}),
	}, {
		name: "a completion after To is not seen: the account is running",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(12), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Entered: 1, Running: 1, Instances: analytics.Instances{Entered: 1, Running: 1}}),
	}, {
		name: "a merge ends the merged account's instance: that account exited; the account it merged into is another",
		log: eventLog{}.
			add("mk-7", day(0), "journey.enter", enter("nurture", 1)).
			add("acme", day(0), "journey.enter", enter("nurture", 1)).
			add("mk-7", day(2), "account.merged", m{"into": "acme"}).
			add("mk-7", day(2), "journey.ended", ended("nurture", 1, false, "account merged into acme")).
			add("acme", day(4), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
			Entered: 2, Completed: 1, Exited: 1, Instances: analytics.Instances{Entered: 2, Completed: 1, Exited: 1}}),
	}, {
		name: "a go-to moves the account to another journey: it counts in each, overall twice",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, false, "go to journey pipeline")).
			add("a", day(2), "journey.enter", enter("pipeline", 1)).
			add("a", day(4), "journey.ended", ended("pipeline", 1, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: analytics.JourneyCompletion{
			Overall: analytics.JourneyStats{Rate: analytics.Ratio{Numerator: 1, Denominator: 2, Value: val(0.5)},
				Entered: 2, Completed: 1, Exited: 1, Instances: analytics.Instances{Entered: 2, Completed: 1, Exited: 1}},
			Journeys: []analytics.JourneyStats{
				{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
					Entered: 1, Exited: 1, Instances: analytics.Instances{Entered: 1, Exited: 1}},
				{Journey: "pipeline", Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
					Entered: 1, Completed: 1, Instances: analytics.Instances{Entered: 1, Completed: 1}},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.JourneyCompletion), "(-want +got)")
		})
	}
}

// completion is the completion of a period with one journey: overall is
// the journey's counts.
func completion(s analytics.JourneyStats) analytics.JourneyCompletion {
	overall := s
	overall.Journey = ""
	return analytics.JourneyCompletion{Overall: overall, Journeys: []analytics.JourneyStats{s}}
}
