// Package analytics computes the KPIs of buying-group marketing from the
// engine's event log: a slice (or a stream) of store.Event, in Seq order.
// It reads the log only, so it works the same on a live store, a replayed
// log and a simulation, and it never imports the engine.
//
// # Configure
//
// A [Config] maps the program's vocabulary onto the KPIs; its zero value
// fits the default stage model:
//
//	cfg := analytics.Config{
//		SalesReadyStages:    []string{"Sales Ready"}, // what makes an MQA (with ReadyLevels)
//		ReadyLevels:         []string{"ready"},
//		AlertResponseWindow: 7 * 24 * time.Hour,
//		ProductInterests:    map[string]string{"Data Platform": "data-platform"},
//	}
//
// A program with stage models of its own gives the KPIs their stages with
// [ConfigForInterests]: each interest's sales-ready stage, that of its own
// stage model (the model's last stage before the success and failure
// stages), the models' stage order, and each interest's CRM product
// (ProductInterests), by which a deal that names no interest finds its
// group:
//
//	cfg := analytics.ConfigForInterests(prog.Groups.Interests()...) // prog: a *program.Program
//	cfg.AlertResponseWindow = 3 * 24 * time.Hour
//
// [ConfigFor] takes the stage models alone (prog.StageModels()) and pools
// their sales-ready stages: every group qualifies by any of them, which is
// right only when no model's sales-ready stage is another model's early
// stage.
//
// [Config.Validate] lists every problem at once, with its path
// ("analytics config: salesReadyStages[1]: is empty").
//
// # Run
//
// [Compute] reads a whole log; a [Collector] keeps the KPIs current from a
// stream, one [Collector.Add] per committed event:
//
//	r, err := analytics.Compute(events, cfg, analytics.Period{To: now})
//
//	c, _ := analytics.New(cfg)
//	for _, ev := range stream { err := c.Add(ev) ... }
//	r, _ := c.Report(analytics.Period{From: monthStart, To: now})
//
// Add refuses, with an [*EventError] naming the event's seq and type, an
// event whose payload cannot be read or lacks what a KPI needs
// ("event 12 (group.updated, account \"acme\"): malformed event: no
// completeness", [ErrMalformed]) and an event whose Seq does not follow the
// previous one ([ErrOutOfOrder]: fed twice or out of commit order). A
// refused event changes nothing but the report's event counts; Compute
// returns every refusal, joined, next to a report that is complete for all
// other events. Add never panics. A collector keeps a compact history, so
// one collector reports on any period up to its latest event.
//
// # The period
//
// A [Period] is [From, To]; To is the as-of time (zero: the latest event
// seen), From zero means from the first event. Stocks are each group's or
// account's latest value at To; flows count what happened within the
// period. Both ends count, so that an event at To is seen as of To:
// periods that tile a span (weeks, months) end each one instant before
// the next begins (To: nextFrom.Add(-time.Nanosecond), as the report
// command's dates do), or an event at a boundary counts in both.
//
// A collector counts what it read: a person erased later (the engine then
// removes the person's own events from the store) stays in the figures of
// a collector that read their events before, and leaves those computed
// from the log afterwards.
//
// An account merged into another by To (account.merged: a Marketo company
// found to be a Salesforce account, whose persons and deals the other
// account took) is no account at To: it and its groups leave the counts
// of accounts and groups, the stocks, the MQA rate and the clocks still
// running (pending); what it did before the merge (its groups' times to
// sales-ready, its alerts, journeys and e-mails) still counts in the
// flows. Its opportunities, which the merge hands over, count for the
// account it merged into (see pipeline velocity).
//
// # The KPIs, as computed
//
// Buying-group completeness rate (JSON completenessRate): groups whose
// latest group.updated at To has completeness 1 (every required role
// filled) / groups with a group.updated by To.
//
// Buying-group engagement score (engagementScore): mean and median of the
// groups' latest scores at To; sum and count are given.
//
// MQA rate (mqa.accounts): accounts with a group that became qualified in
// the period / accounts in the log by To (any event names them). A group is
// qualified while its stage is one of its interest's sales-ready stages
// (SalesReadyByInterest, else SalesReadyStages) or (unless StagesOnly) its
// readiness level one of ReadyLevels, and its stage is none of
// ClosedStages; group.updated, buyinggroup.stage_changed and
// readiness.changed all move it, and it "becomes" qualified at each change
// from not qualified (a log whose order is not its times' can date a
// later event of the same state earlier: the group was then qualified, or
// in its stage, from that earlier time). A group whose deal closed (won or lost) is not
// qualified: the engine keeps scoring its readiness, and a ready verdict
// it gets in a closed stage makes it no MQA and stops no velocity clock;
// moved out of the closed stage (reopened) while ready, it becomes
// qualified then. mqa.groups is the same per group (over groups created
// by To). The rate is a flow over
// a stock: an account qualified before From, and still qualified, is not
// in the numerator of a later period, and the denominator holds every
// account of the log, those with no buying group (no interest applies to
// them) too.
//
// Pipeline velocity (pipelineVelocity): for each group whose first
// qualification happened in the period, the days from its creation
// (buyinggroup.group_created, or the earliest event naming the group if
// the log dates one before it, as a log whose order is not its times'
// may) to it (toSalesReady); for each group whose first opportunity (created at or
// after the group, on the same account and solution interest) was created
// in the period, the days to it (toOpportunity). An opportunity's
// interest is the latest that its opportunity.created or a later
// opportunity.changed gives it (a CRM deal often gets its product after
// it was created, and a deal whose product changed belongs to the other
// interest's group; a change that gives it none leaves it where it was);
// it counts once, from its creation (the latest creation time an event
// gives it: a CRM may correct it, as the engine keeps it). An opportunity counts for the
// account that holds it: one the CRM moved to another account
// (opportunity.moved, which a merge logs for each opportunity it hands
// over) counts once, for the account it moved to, from its creation; the
// account it left no longer counts it, in any period. Mean, median, sum
// and count; pending counts the groups whose clock still runs at To;
// closed those whose clock stopped before it got there, the group being
// in a closed stage at To (ClosedStages: won or lost, its deal closed;
// the default model's Closed Won and Closed Lost, or with [ConfigFor]
// the models' success and failure stages), which will not get there;
// unattributed the period's opportunities that no event gave a solution
// interest (nor a product ProductInterests maps), which no group can
// claim; ungrouped those of an interest for which their account had no
// group by To (the interest does not apply to it); beforeGroup those
// created before any group of their interest existed on their account
// (a first CRM sync brings the deals the CRM already held, older than the
// groups the engine then forms), which end no group's clock. A group
// whose account had a deal of its interest created before any group of
// it existed, and none at or after the group by To, waited for no
// opportunity: it is neither
// pending nor closed (whatever became of that deal: the KPI reads no
// deal's status), and the first deal created at or after it still gives
// its days (toOpportunity). A product matches a ProductInterests key as the engine matches a
// deal to an interest's CRM product: case aside, and blanks around either
// aside ("data platform " is "Data Platform"). A product that two
// interests give counts, with [ConfigForInterests], for the first of them
// only, as the engine files the deal: in the first interest's group, the
// other's clock still running.
//
// Lead-to-buying-group qualification rate (qualificationRate): each
// account's latest qualify.rate at To, summed: qualified persons / persons.
// The engine rates each account's persons (qualify.Rate), so a person in
// two accounts (a parent's and a subsidiary's, with rollup) counts in
// both.
//
// Sales-alert response rate (alertResponse.rate), the guide's
// alert-to-activity conversion: of the alerts raised in the period whose
// response window (AlertResponseWindow after the alert) closed by To,
// those that sales followed up within the window (alert.acted_on: the
// engine logs it for a CRM activity of channel.ResponseConfig's action
// types, such as a logged call, a booked meeting, a sales e-mail, a
// Salesforce task or an opportunity change, on the alert's account or
// naming the alert), dated at or after the alert (one the log dates
// before it answers nothing, as the engine matches no activity before an
// alert; an alert the log raises twice, its order not its times', was
// raised at the earliest time it dates it). An acknowledgement (alert.acknowledged: the rep saw
// the alert, alert_opened or alert_acknowledged) is no response; the
// report gives the acknowledgements apart: acknowledged, the closed
// alerts acknowledged within the window, followed up or not (the engine
// logs an acknowledgement with each follow-up), and acknowledgedOnly,
// those of them not followed up within the window (seen, with no
// activity). actedOn is the rate's numerator. Alerts whose window is still open are not in the rate
// (open, and openResponded of them already followed up): counting early
// answers before the late ones can come would flatter the rate. When the
// events end before To (Period.Through, such as a log read from a file,
// which ends at its last event), an alert whose window closes after their
// end is open too, and the report says where they end (through): the log
// cannot show an answer that came after it, so counting the alert as
// unanswered would wrong the rate. Follow-ups in the period of alerts the
// log never raised (a log that begins after them) are counted apart
// (unmatched), not in the rate; acknowledgements of such alerts are not
// counted. A response the log holds before its alert's raise (its order
// not its times') is the alert's, as if logged after it.
//
// Account-journey completion rate (journeyCompletion), the guide's share
// of accounts that complete the intended journey path: per journey, the
// accounts that entered it (journey.enter) in the period and completed it
// by To / the accounts that entered it in the period. An account counts
// once per journey however often it entered it in the period (its reEntry
// allows it): completed if any of the instances it entered in the period
// ended completed (journey.ended with completed: a completion end node or
// goal, as the journey defines it) by To; else running if one of them had
// not ended by To (running accounts stay in the denominator); else exited.
// An instance belongs to the period it was entered in: one entered before
// From is not in the rate, even if it completed in the period. An
// instance whose entry or end the log holds twice (a log whose order is
// not its times') was entered at the earliest entry, and ended at the
// earliest end, completed or not as that end says. Overall
// sums the journeys' counts: its unit is the (account, journey) pair, so
// an account in two journeys counts in each and twice overall, one that a
// go-to handed over to another journey too (in the one it left, completed
// or not as that journey defines a hand-over, and in the one it entered).
// The instances themselves (an account's entries) are counted apart
// (instances: entered, completed, exited, running), per journey and
// overall. An instance that a merge ended is exited (completed if it had
// reached its journey's goal before), and it counts for the account that
// merged, as the account's other flows do, not for the account it merged
// into (whose own entries count for it). Ends in the period of instances
// whose entry the log does not hold are counted apart (unmatchedEnds).
//
// E-mail engagement (email.openRate, email.clickRate), the open and click
// rates of the program's (nurture) e-mails: of the e-mails delivered in
// the period (message.delivered whose key was queued on the e-mail
// channel, less those its provider reported bounced by To, an activity of
// BounceTypes naming the key: email.bounced), those with at least one
// open (an activity of OpenTypes) by To / e-mails delivered in the
// period; clicks (ClickTypes) likewise. An
// open is tied to its e-mail by the message key its activity names
// (b2b.AttrMessageKey), which the engine lists in activity.applied
// ({messages: {open_email: [key, ...]}}), so each e-mail counts once
// however often it is opened, and a rate never exceeds 100%. An e-mail
// belongs to the period it was delivered in; its opens and clicks count
// whenever they came by To (a period that ends now sees its latest
// e-mails before all their opens). A click without a logged open counts
// as a click only. Opens and clicks logged in the period that name no
// message, or a message the log never queued on the e-mail channel (the
// e-mails of other senders; a log written before activities named their
// message), are not in the rates: they are counted apart
// (email.unmatchedOpens, email.unmatchedClicks). Sales reps' e-mails are
// open_sales_email and click_sales_email, which the defaults leave out (a
// simulation's world uses those).
//
// Stage distribution (stages): groups per latest stage at To (that of
// their latest group.updated), in StageOrder, then other stages
// alphabetically, each with its share of the groups with a stage at To.
// A snapshot that names no stage tells none: the
// group keeps the stage it was in (for every KPI: it stays qualified, or
// closed), the one its creation named (buyinggroup.group_created's to) if
// nothing moved it since, and a group that never had one is in no
// stage's row. Journey funnel
// (journeyFunnel): per journey and node, in order of first arrival (by
// time, then account: the same however the log interleaves accounts), the
// arrivals of tracks in the period (a decision naming another node than
// the track's previous one; the later attempts of a message a frequency
// cap deferred, logged under the node that queued it, are not arrivals)
// and the distinct instances.
//
// Every ratio is a [Ratio]: numerator, denominator, and a value that is
// null with a reason when the denominator is zero (never NaN). Averages
// are an [Average] likewise.
//
// # Inspect
//
// [Report.WriteText] prints aligned tables with each KPI's numerator,
// denominator and definition (a share with one decimal; one that is
// neither none nor all prints as "<0.1%" or ">99.9%", never as 0.0% or
// 100.0%); json.Marshal(r) gives the JSON whose field
// names are those above. With a ground truth (a simulation's
// Truth.InMarket converts to [GroundTruth]), [Report.CompareTruth] adds
// MQA precision and recall per account and per (account, interest).
package analytics
