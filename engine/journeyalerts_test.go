package engine_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// queuedTo lists, sorted, "template->address" for every message.queued
// event of an account's log (sales alerts included, by their template).
func queuedTo(t *testing.T, b *bundle, account b2b.AccountID) []string {
	t.Helper()
	var out []string
	for _, e := range eventsOf(t, b, account) {
		if e.Type != "message.queued" {
			continue
		}
		var q struct{ Template, To string }
		require.NoError(t, json.Unmarshal(e.Data, &q))
		out = append(out, q.Template+"->"+q.To)
	}
	sort.Strings(out)
	return out
}

// rolesOf maps each member's e-mail to their roles in the account's
// first group.
func rolesOf(t *testing.T, b *bundle, account b2b.AccountID, at time.Time) map[string][]string {
	t.Helper()
	v, err := b.eng.Account(b.ctx, account, at)
	require.NoError(t, err)
	require.NotEmpty(t, v.Groups)
	email := map[b2b.PersonID]string{}
	for _, p := range v.Persons {
		email[p.Person.ID] = p.Person.Email
	}
	out := map[string][]string{}
	for _, m := range v.Groups[0].Group.Members {
		out[email[m.Person]] = append(out[email[m.Person]], m.Role)
	}
	return out
}

// advanceDaily advances the engine one day at a time, clock and all.
func advanceDaily(t *testing.T, b *bundle, from, to int) {
	t.Helper()
	for d := from; d <= to; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
	}
}

// TestJourneyExitByADemoRequestReportedLate: the pipeline journey of
// scenario S2 with an exit criterion "demo requested" (an activity event
// of type request_demo). Victor requests a demo on day 3. Delivered in
// real time (daily Advance), the instance exits on day 3 and the nurture
// of day 5 never goes out. Delivered late, on day 7 with no Advance
// since day 0, the package documentation promises the same: "A batch
// applied after an account's wait ended, with no Advance between, first
// runs the wait's end at its time, with the batch's activities dated
// before it, so that a late batch decides as one applied in real time
// would have". So the late run must also exit by the criterion and queue
// no nurture email.
func TestJourneyExitByADemoRequestReportedLate(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys[0].Exits = []journey.Exit{{Reason: "demo requested", Event: journey.EventActivity, When: `event.activityType == "request_demo"`}}
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprint("late=", late), func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs)
			setupAcme(t, b)
			demo := activity("demo", b2b.ActivityRequestDemo, "L-2", day(3), nil)
			if late {
				b.clock.Set(day(7))
				_, err := b.eng.Ingest(b.ctx, demo)
				require.NoError(t, err)
			} else {
				advanceDaily(t, b, 1, 2)
				b.clock.Set(day(3))
				_, err := b.eng.Ingest(b.ctx, demo)
				require.NoError(t, err)
				advanceDaily(t, b, 3, 7)
			}
			var ended []string
			for _, e := range eventsOf(t, b, "acme") {
				if e.Type == "journey.ended" {
					ended = append(ended, string(e.Data))
				}
			}
			require.Len(t, ended, 1)
			require.Contains(t, ended[0], "demo requested")
			for _, q := range queuedTo(t, b, "acme") {
				require.False(t, strings.HasPrefix(q, "nurture->"), "no nurture after the exit: %v", queuedTo(t, b, "acme"))
			}
		})
	}
}

// TestPersonJoiningDuringTheWaitIsNurtured: the pipeline journey sends
// its intro on day 0 to Acme's committee, then waits five days. On day 2
// a new lead, a Director of Operations at Acme, arrives and joins the
// group as Champion. On day 5 the split finds the committee not engaged
// and the nurture goes to "members with score < 20": recipients are chosen
// among "the members of the account's buying groups" when the action
// runs (journey.Recipients), so the newcomer gets the nurture, and not the
// intro, which went out before they joined. The same with daily Advance
// and with one Advance on day 5.
func TestPersonJoiningDuringTheWaitIsNurtured(t *testing.T) {
	t.Parallel()
	for _, daily := range []bool{true, false} {
		t.Run(fmt.Sprint("daily=", daily), func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			setupAcme(t, b)
			if daily {
				advanceDaily(t, b, 1, 2)
			}
			b.clock.Set(day(2))
			nina := lead("L-6", "nina@acme.com", "Nina", "Berg", "Director of Operations", "Acme")
			nina.Time = day(2)
			_, err := b.eng.UpsertPersons(b.ctx, nina)
			require.NoError(t, err)
			require.Contains(t, rolesOf(t, b, "acme", day(2)), "nina@acme.com", "Nina is a member")
			if daily {
				advanceDaily(t, b, 3, 5)
			} else {
				b.clock.Set(day(5))
				_, err = b.eng.Advance(b.ctx, day(5))
				require.NoError(t, err)
			}
			got := queuedTo(t, b, "acme")
			require.Contains(t, got, "nurture->nina@acme.com", "%v", got)
			require.NotContains(t, got, "intro->nina@acme.com", "%v", got)
		})
	}
}

// rolePathProgram is the data-platform interest with a journey that
// waits five days after the group is created and then splits its members
// by role: Technical Evaluators get "intro", every other member "nurture".
func rolePathProgram() program.Definitions {
	defs := pipelineProgram()
	defs.Journeys = []journey.Journey{{
		ID: "by-role", Name: "By role",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(5), Next: "split"}},
			{ID: "split", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{
				Paths: []journey.PeoplePath{{Name: "tech", Match: &journey.Recipients{Roles: []string{"Technical Evaluator"}},
					Actions: []journey.Action{{Type: journey.ActionEmail, Template: "intro"}}}},
				Else: []journey.Action{{Type: journey.ActionEmail, Template: "nurture"}},
				Next: "done"}},
			{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		},
	}}
	return defs
}

// TestRoleChangeBeforeAPeopleSplit: Dev (Sr. Data Engineer, End User)
// is promoted to Director of Engineering on day 2, while the journey
// waits; his role becomes Technical Evaluator at once (scenario S8: "the
// person's role changes at once"). The people split of day 5 reads the
// roles as they are then: Dev goes down the Technical Evaluator path (the
// intro), not Else (the nurture), with one worker or eight.
func TestRoleChangeBeforeAPeopleSplit(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			t.Parallel()
			b := setup(t, rolePathProgram(), func(c *engine.Config) { c.Workers = workers })
			setupAcme(t, b)
			require.Equal(t, []string{"End User"}, rolesOf(t, b, "acme", day0)["dev@acme.com"])
			advanceDaily(t, b, 1, 2)
			dev := lead("L-3", "dev@acme.com", "Dev", "Patel", "Director of Engineering", "Acme")
			dev.Time = day(2)
			_, err := b.eng.UpsertPersons(b.ctx, dev)
			require.NoError(t, err)
			require.Contains(t, rolesOf(t, b, "acme", day(2))["dev@acme.com"], "Technical Evaluator")
			advanceDaily(t, b, 3, 6)
			got := queuedTo(t, b, "acme")
			require.Contains(t, got, "intro->dev@acme.com", "%v", got)
			require.NotContains(t, got, "nurture->dev@acme.com", "%v", got)
		})
	}
}

// TestContactRoleNamingAPersonNotYetKnown: the CRM sends a Data Platform
// opportunity on Acme whose contact role names contact 003N as Economic
// Buyer before the contact's own record arrives; Nina is known already,
// as a Marketo lead (Director of Operations). The next day contact 003N
// arrives: it is Nina (same e-mail), so identity resolves the record to
// her golden person. UpsertOpportunities says "contact roles fill
// buying-group roles": once the engine knows who 003N is, Nina holds the
// Economic Buyer role the CRM gave her, as she would had the contact
// arrived first.
func TestContactRoleNamingAPersonNotYetKnown(t *testing.T) {
	t.Parallel()
	for _, contactFirst := range []bool{true, false} {
		t.Run(fmt.Sprint("contactFirst=", contactFirst), func(t *testing.T) {
			t.Parallel()
			b := setup(t, dataPlatform())
			setupAcme(t, b)
			nina := lead("L-6", "nina@acme.com", "Nina", "Berg", "Director of Operations", "Acme")
			_, err := b.eng.UpsertPersons(b.ctx, nina)
			require.NoError(t, err)
			opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
				Stage: "Discovery", Amount: 1000, CreatedAt: day0, ContactRoles: []b2b.ContactRole{{Person: "003N", Role: b2b.ContactRoleEconomicBuyer}}}
			ninaSF := contact("003N", "nina@acme.com", "Nina", "Berg", "Director of Operations", "acme")
			ninaSF.Time = day0
			if contactFirst {
				_, err = b.eng.UpsertPersons(b.ctx, ninaSF)
				require.NoError(t, err)
			}
			rep, err := b.eng.UpsertOpportunities(b.ctx, opp)
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			if !contactFirst {
				b.clock.Set(day(1))
				_, err = b.eng.UpsertPersons(b.ctx, ninaSF)
				require.NoError(t, err)
			}
			sf, ok := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003N")
			require.True(t, ok)
			require.Equal(t, leadPerson(t, b, "L-6"), sf, "one Nina")
			require.Contains(t, rolesOf(t, b, "acme", day(1))["nina@acme.com"], "Economic Buyer")
		})
	}
}

// TestOpportunityMovedAwayAndBack: the CRM puts deal o1 on Globex (day
// 1), then back on Acme (day 2), each in its own call. "an upsert on
// another account moves it, opportunity.moved": after both, Acme holds
// it and Globex does not, each account logged the move away from it,
// and Acme's group reads the deal again (its contact role makes Victor
// a Decision Maker there once more).
func TestOpportunityMovedAwayAndBack(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	setupGlobex(t, b)
	victor, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day0, ContactRoles: []b2b.ContactRole{{Person: victor, Role: b2b.ContactRoleDecisionMaker}}}
	_, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Contains(t, rolesOf(t, b, "acme", day0)["victor@acme.com"], "Decision Maker")
	b.clock.Set(day(1))
	opp.Account, opp.UpdatedAt = "globex", day(1)
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.NotContains(t, rolesOf(t, b, "acme", day(1))["victor@acme.com"], "Decision Maker")
	b.clock.Set(day(2))
	opp.Account, opp.UpdatedAt = "acme", day(2)
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("acme"), engine.OpportunityHolder(b.eng, "o1"))
	require.Equal(t, 1, countEvents(t, b, "acme", "opportunity.moved"))
	require.Equal(t, 1, countEvents(t, b, "globex", "opportunity.moved"))
	require.Contains(t, rolesOf(t, b, "acme", day(2))["victor@acme.com"], "Decision Maker")
}

// eventTimesOf lists the times of an account's events of a type.
func eventTimesOf(t *testing.T, b *bundle, account b2b.AccountID, typ string) []time.Time {
	t.Helper()
	var out []time.Time
	for _, e := range eventsOf(t, b, account) {
		if e.Type == typ {
			out = append(out, e.Time.UTC())
		}
	}
	return out
}

// TestStageAlertWhenAJourneyMakesTheGroupSalesReady: scenario S2's
// journey moves Acme's group to Sales Ready on day 5; the program also
// has a stage alert rule "to Sales Ready" (channel.StrategyStage: "fires
// when the group's stage changes"). The stage history shows Sales Ready
// on day 5, so a careful user expects the rule's alert on day 5 too,
// with the journey's own alert, not at the account's next refresh a day
// later; and the same whether Advance runs hourly or daily.
func TestStageAlertWhenAJourneyMakesTheGroupSalesReady(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Alerts = []channel.AlertRule{{Name: "sales-ready", Strategy: channel.StrategyStage, ToStages: []string{buyinggroup.StageSalesReady},
		Template: program.AlertTemplate}}
	b := setup(t, defs)
	setupAcme(t, b)
	engageUntilTheAlert(t, b)
	for h := 1; h <= 48; h++ {
		now := day(5).Add(time.Duration(h) * time.Hour)
		b.clock.Set(now)
		_, err := b.eng.Advance(b.ctx, now)
		require.NoError(t, err)
	}
	var stageAt []time.Time
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "buyinggroup.stage_changed" && strings.Contains(string(e.Data), `"to":"Sales Ready"`) {
			stageAt = append(stageAt, e.Time.UTC())
		}
	}
	require.Equal(t, []time.Time{day(5)}, stageAt)
	var ruleAlerts []time.Time
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "alert.raised" && strings.Contains(string(e.Data), `"rule":"sales-ready"`) {
			ruleAlerts = append(ruleAlerts, e.Time.UTC())
		}
	}
	require.Equal(t, []time.Time{day(5)}, ruleAlerts, "the stage alert when the stage changed")
}

// thresholdCooldownRun runs a score threshold alert (100, hysteresis 20,
// cooldown 45 days) on Acme: a demo and a webinar on day 3 at 12:00 (160
// points, halving every 30 days) fire it; by day 40 decay took the score
// below 80 and re-armed it; a demo and a webinar on day 40 take it over
// 100 again within the cooldown, which holds it back "so the alert comes
// once the cooldown is over" (day 48 12:00), at the account's first pass
// after that. An acknowledgement (day 4) and a logged call (day 6) answer
// the first alert. Advance runs every step. It returns the alerts' times
// and the acknowledgement and action events.
func thresholdCooldownRun(t *testing.T, step time.Duration, workers int) (alerts []time.Time, responses []string) {
	t.Helper()
	defs := pipelineProgram()
	defs.Journeys = nil
	defs.Alerts = []channel.AlertRule{{Name: "hot", Strategy: channel.StrategyThreshold, Threshold: 100, Hysteresis: 20,
		Cooldown: 45 * 24 * time.Hour, Template: program.AlertTemplate}}
	b := setup(t, defs, func(c *engine.Config) { c.Workers = workers })
	setupAcme(t, b)
	inputs := map[time.Time][]b2b.Activity{
		day(3).Add(3 * time.Hour): {activity("d1", b2b.ActivityRequestDemo, "L-2", day(3).Add(3*time.Hour), nil),
			activity("w1", b2b.ActivityAttendEvent, "L-1", day(3).Add(3*time.Hour), nil)},
		day(4).Add(5 * time.Hour): {activity("ack", "alert_acknowledged", "L-1", day(4).Add(5*time.Hour), nil)},
		day(6).Add(2 * time.Hour): {activity("call", "call_logged", "L-1", day(6).Add(2*time.Hour), nil)},
		day(40).Add(1 * time.Hour): {activity("d2", b2b.ActivityRequestDemo, "L-2", day(40).Add(time.Hour), nil),
			activity("w2", b2b.ActivityAttendEvent, "L-1", day(40).Add(time.Hour), nil)},
	}
	var times []time.Time
	for at := range inputs {
		times = append(times, at)
	}
	slices.SortFunc(times, func(a, c time.Time) int { return a.Compare(c) })
	now := day0
	for _, at := range times {
		for now.Add(step).Before(at) || now.Add(step).Equal(at) {
			now = now.Add(step)
			b.clock.Set(now)
			_, err := b.eng.Advance(b.ctx, now)
			require.NoError(t, err)
		}
		b.clock.Set(at)
		_, err := b.eng.Advance(b.ctx, at)
		require.NoError(t, err)
		_, err = b.eng.Ingest(b.ctx, inputs[at]...)
		require.NoError(t, err)
	}
	for end := day(90); now.Before(end); {
		now = now.Add(step)
		b.clock.Set(now)
		_, err := b.eng.Advance(b.ctx, now)
		require.NoError(t, err)
	}
	for _, e := range eventsOf(t, b, "acme") {
		switch e.Type {
		case "alert.raised":
			alerts = append(alerts, e.Time.UTC())
		case "alert.acknowledged", "alert.acted_on":
			responses = append(responses, e.Time.UTC().Format(time.RFC3339)+" "+e.Type+" "+string(e.Data))
		}
	}
	return alerts, responses
}

// TestThresholdAlertCooldownAndResponsesAnyCadence: a threshold alert
// rule with a cooldown, and sales' answers to its alert. The rule fires
// on day 3 when the demo and webinar arrive; the acknowledgement of day 4
// and the call of day 6 are logged as alert.acknowledged and
// alert.acted_on, once each; after decay re-armed it, the second rise on
// day 40 is held back by the 45-day cooldown and fires at the first pass
// after it ends (within a refresh interval of day 48 12:00). Advance's
// documentation: "an account's decisions do not depend on how often
// Advance is called": hourly and daily Advance, with one worker or 8,
// give the same alerts at the same times and the same responses.
func TestThresholdAlertCooldownAndResponsesAnyCadence(t *testing.T) {
	t.Parallel()
	hourlyA, hourlyR := thresholdCooldownRun(t, time.Hour, 1)
	require.Len(t, hourlyA, 2, "%v", hourlyA)
	require.Equal(t, day(3).Add(3*time.Hour), hourlyA[0])
	require.True(t, !hourlyA[1].Before(day(48).Add(3*time.Hour)) && hourlyA[1].Before(day(49).Add(3*time.Hour)),
		"held back by the cooldown until day 48 12:00, then raised at the next pass: %v", hourlyA[1])
	require.Len(t, hourlyR, 2, "%v", hourlyR)
	require.Contains(t, hourlyR[0], "alert.acknowledged")
	require.Contains(t, hourlyR[0], `"activity":"ack"`)
	require.Contains(t, hourlyR[1], "alert.acted_on")
	require.Contains(t, hourlyR[1], `"activity":"call"`)
	dailyA, dailyR := thresholdCooldownRun(t, 24*time.Hour, 8)
	require.Equal(t, hourlyA, dailyA)
	require.Equal(t, hourlyR, dailyR)
}

// TestAlertRoutedByTerritoryOnceTheOwnerLeaves: Acme's owner is Olivia
// (an address); on day 2 the CRM record arrives with no owner and Acme
// in EMEA. The routing has no rules, so "the order is: owner, territory,
// specialist, queue" (channel.Routing): the journey's alert of day 5
// goes to the EMEA team, not to Olivia, whose account it no longer is.
func TestAlertRoutedByTerritoryOnceTheOwnerLeaves(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Routing.Territories = map[string]string{"NA": "na-team@quorum.example", "EMEA": "emea-team@quorum.example"}
	b := setup(t, defs)
	setupAcme(t, b)
	b.clock.Set(day(2))
	rec := acmeRecord()
	rec.Time, rec.Account.Owner, rec.Account.Territory = day(2), "", "EMEA"
	_, err := b.eng.UpsertAccounts(b.ctx, rec)
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Equal(t, "EMEA", v.Account.Territory)
	engageUntilTheAlert(t, b)
	var to []string
	for _, m := range claimAll(t, b, day(5)) {
		if m.Channel == channel.ChannelSalesAlert {
			to = append(to, m.To)
		}
	}
	require.Equal(t, []string{"emea-team@quorum.example"}, to)
}

// TestWonDealClosesTheGroupAndAlertsAtOnce: scenario S5: "an opportunity
// for Data Platform closes won, then that group moves to Closed Won". The
// deal is upserted open on day 1 and won on day 2; a stage alert rule on
// Closed Won fires in the same pass, on day 2, and the account lists
// under stage Closed Won at once. The deal then moves to Globex on day
// 3: Acme's closed group keeps its history (Closed Won stays in its
// stage history).
func TestWonDealClosesTheGroupAndAlertsAtOnce(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Routing = channel.Routing{FallbackQueue: "sales-queue@quorum.example"}
	defs.Alerts = []channel.AlertRule{{Name: "won", Strategy: channel.StrategyStage, ToStages: []string{buyinggroup.StageClosedWon},
		Template: program.AlertTemplate}}
	b := setup(t, defs)
	setupAcme(t, b)
	setupGlobex(t, b)
	opp := b2b.Opportunity{ID: "o1", Account: "acme", Name: "Deal", Product: "Data Platform", Status: b2b.OpportunityOpen,
		Stage: "Discovery", Amount: 1000, CreatedAt: day(1), UpdatedAt: day(1)}
	b.clock.Set(day(1))
	_, err := b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	b.clock.Set(day(2))
	opp.Status, opp.Stage, opp.ClosedAt, opp.UpdatedAt = b2b.OpportunityWon, "Closed Won", day(2), day(2)
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageClosedWon, v.Groups[0].Group.Stage)
	require.Equal(t, []time.Time{day(2)}, eventTimesOf(t, b, "acme", "alert.raised"))
	b.clock.Set(day(3))
	opp.Account, opp.UpdatedAt = "globex", day(3)
	_, err = b.eng.UpsertOpportunities(b.ctx, opp)
	require.NoError(t, err)
	advanceDaily(t, b, 4, 6)
	v, err = b.eng.Account(b.ctx, "acme", day(6))
	require.NoError(t, err)
	var hist []string
	for _, h := range v.Groups[0].Group.StageHistory {
		hist = append(hist, h.To)
	}
	require.Contains(t, hist, buyinggroup.StageClosedWon)
	require.Equal(t, 1, countEvents(t, b, "acme", "alert.raised"))
}
