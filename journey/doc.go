// Package journey runs account journeys: multi-step programs that run per
// account and address the persons of the account's buying groups by role,
// solution interest and engagement.
//
// # Concepts
//
// A [Journey] is a graph of [Node]s. An account enters it through a
// [Trigger] (it entered an audience, it is in a static or dynamic list, a
// buying group was created, an attribute changed, or a manual/API entry),
// subject to a [ReEntry] policy (never, after N days from the last entry or
// exit, at most N times). Each entry creates an [Instance] with one main
// [Track]; a parallel node adds one track per active solution interest
// (option B; a group whose deal is won or lost is not active, see
// [GroupView].Closed), each with its own position and its buying group as
// "group".
// The main track addresses the buying group of the interest it entered
// for (the trigger's, the created group's, or the one a manual entry or
// a go-to names); a journey whose triggers all name one interest is bound
// to it, and its instances address that interest's group however they
// enter: it takes no entry for another interest.
//
// The node kinds:
//
//	action        email, SMS, sales alert, change stage, set attribute,
//	              add to / remove from list, adjust score, assign role
//	wait          a duration (days on the account's calendar) or a date,
//	              optionally moved into a weekday and time window in the
//	              account's time zone (22:00-06:00 runs over midnight)
//	listen        wait for an event (stage change, activity, ...) or time out
//	external      ask the host to call something; success / error / timeout
//	split         account split: ordered conditions, first match wins, else
//	people_split  per-person actions (by role, interest, condition or stable
//	              variant bucket), merging back automatically
//	variant       A/B/n for the account by a stable hash
//	parallel      a track per active solution interest, joined by a merge
//	merge         where parallel tracks join
//	goto          continue in another journey
//	end           the track ends, with an outcome
//
// Conditions are expressions of the rules package, compiled against
// [AccountEnv] (account rules: splits, triggers, exits, goals) and
// [PersonEnv] (person conditions of recipients):
//
//	group.completeness >= 0.6 && group.score >= 150
//	group.readinessTier == "fast-track to sales" || count(group.members, .role == "Decision Maker") >= 3
//	score < 20 && role == "Champion"
//
// [Exit] criteria (with a named reason) are checked on every change: on
// each event of their type (but one about another solution interest's
// group than the one the instance addresses), or, for conditions, in
// every step that is not idle (events, a new view revision, or something
// due: a condition may read the time), and as an instance enters, before
// it runs. [Goal]s are
// checked with the conditions and recorded when they first hold;
// [Completion] says which ended instances count as completed for the
// completion-rate KPI: an instance that reached the completion goal counts
// as completed however it ends afterwards (a go-to, an exit criterion,
// finish, abort or the end date). A goto node hands the account over to
// another journey: the instance ends ("go to journey nurture") and the
// account enters there. When that journey takes no entry (it is not live,
// it is bound to another solution interest than the track's, or its
// re-entry policy refuses the account) nothing was handed over: the
// instance exits with why ("go to journey nurture: journey is not live
// (closed)"), not completed unless it reached the completion goal.
//
// # Define and validate
//
// A [Catalog] holds the journeys of a program with the shared [Config]:
// the rules engine, the role vocabulary, the frequency caps and the consent
// policy. [Catalog.Publish] validates a journey and makes it live;
// publishing it again creates the next version, which new entries get while
// running instances keep theirs. An instance records its version's
// [Version.Fingerprint]: a catalog built anew with another definition under
// that number ends the instance with why rather than run it on a definition
// it did not enter, and so does a stored track at a node its version does
// not have, or an instance with no track. The lifecycle is draft -> live -> closed
// -> finished, or aborted ([Catalog.Close], [Catalog.Finish],
// [Catalog.Abort]); [Journey.EndAt] ends a journey at a date. A catalog is
// immutable: every change returns a new one.
//
// Validation ([Validate], [Compile]) reports every problem at once as a
// *b2b.ValidationError matching [ErrInvalidJourney], each with its path:
//
//	journey "broken": 4 problems:
//	  nodes["mail"].action.recipients.roles[0]: unknown role "Champoin" (known: Champion)
//	  nodes["split-1"].paths[0].when: rule "split-1 path 0" 1:1: unknown name grup
//	  nodes["split-1"].else: a split needs an else path
//	  nodes["mail"]: cycle without a wait: mail -> split-1 -> mail
//
// A journey read from JSON ([Journey.UnmarshalJSON]) says which field
// holds a duration (or a time) that does not read, or a value of the
// wrong type, by its path in the JSON; a program read from JSON
// (program.Definitions) does the same, the journey's index included:
//
//	nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//	journeys[1].nodes[2].wait.for: duration too long: "100001d" (at most 100000 days)
//
// A node is named by its ID; one with no ID, or a duplicate (a node whose
// ID an earlier node has), by its index (nodes[4]), so that the problems
// of each node of an ID are told apart: nodes["mail"] is the first node
// of ID mail, the one references to mail lead to.
//
// It finds unknown node references, dead ends ("dead end: a next node is
// required"), unreachable nodes, cycles without a wait (a wait for a
// duration, a listen or an external node: a wait only until a date and a
// visit limit's Then leave at once, so they do not count), splits without
// an else path, two paths of one split, variant split or people split with
// one name, or a path named as decisions name another path of its node
// ("else", the else's; "path 2", an unnamed path's) (decisions name the
// path taken), unknown node kinds, action and trigger types, roles and
// event types (each with the names it knows), bad percentages, windows
// and durations, action, trigger and re-entry settings that the action's
// or trigger's type or the policy's mode does not read (recipients on a
// sales alert, recipients' roles or condition on a change_stage, an
// audience on a group_created trigger, a max without mode max), a match
// or else actions on a people split by percent, unknown go-to journeys,
// go-tos to a journey bound to a
// solution interest that would take no entry from them (the main track
// of a journey bound to another reaches them, or only parallel tracks
// of other interests do; publishing a journey bound to an interest
// checks so the go-tos to it of the latest versions of the live and
// closed journeys, see [GoTo]), go-tos that close a cycle of journeys
// going to each other without a wait (publishing checks them against
// the live journeys, see [GoTo]), every expression that does not
// compile, and, in a program with several solution interests, what acts
// on or reads one buying group where the journey cannot tell which (see
// [Action] and [AccountEnv]). [Journey.Tracks] tells which tracks reach
// each node and which interests they address there. A journey that passes cannot fail
// structurally at run time; a rule that fails on data (indexing a
// missing map key) counts as false and is traced as a rule_error.
//
// # Run
//
// [Catalog.Step] is the deterministic step function. Given an account's
// [State], its [AccountView] (account, persons with scores and consent,
// buying groups with members by role, completeness, score, stage,
// readiness tier, audiences, lists, opportunities), the [Event]s since the
// last step and the time, it advances the state in place and returns a
// [Result]: the [OutboxEntry]s to commit with the state (each with an
// idempotency key that is a hash of journey, version, account, entry,
// track, node, visit, person and action), the trace of [Decision]s, the
// instances that ended, and the next due time, so a runner can sleep until
// then. A step with nothing due, no events, the same view revision and the
// same catalog returns at once (Result.Idle). A runner stepping many
// accounts steps into one Result it keeps ([Catalog.StepInto]), whose
// lists' room is reused (emptied and cleared, [Result.Reset]) instead of
// made anew at every step.
//
// A wait's duration and a listen's timeout count days on the account's
// calendar, in its time zone ([AccountView].Location): "5d" ends at the
// clock time it began, five days later, even when clocks changed to or
// from daylight saving time in between (a message meant for 10:00 goes at
// 10:00). Every whole 24 hours of a duration counts as a day ("24h" is
// "1d": a [Duration] does not keep its unit), what is left ("1d12h": 12
// hours) and durations under a day are elapsed time, and a clock time the
// arrival day skips or shows twice is read with the offset before the
// change (a skipped 02:30 is 03:30, a repeated one the first; see [Wait]).
// A frequency cap's period and how long it may defer a message count days
// so too: "2 per 7d" at 10:00 counts the messages since 10:00 seven days
// before on the clock, so a journey that mails weekly under a weekly cap
// sends every week at the same clock time (see [Cap]). An external call's
// timeout and a re-entry policy's wait are elapsed time: a day is 24
// hours there. In UTC, and in a zone that keeps its offset, a day is 24
// hours everywhere.
//
// Event times decide, not step times: a step that runs late decides as
// the steps at each due time would have. It takes the events in time
// order and, before each, runs what came due by the event's time, each
// track at its own time: a track whose wait ended at T arrives at its
// next node at T (a listen's timeout, a wait and an external call's
// deadline count from T), so an event of the step dated at or after T
// reaches the listen, and one dated before it does not; a track that
// heard an event goes on from the event's time. A wait that ends, then
// other nodes, then a listen all run in the one step
// ([Config].MaxTransitions counts every node a track passes in it), and a listen
// whose timeout is an event's time still hears it. An exit event ends
// an instance after what came due before it ran, and after the messages
// a cap deferred to before it went out. An event without a time (At
// zero) happens at the step's time, after everything due before it. What
// happens at a known time
// happens then: an instance that a go-to or an event's trigger starts
// enters at the go-to's or the event's time, and runs from then, before
// the step's later events (one that an event starts runs after the other
// events of its time, as in the step at that time); a list trigger lets
// the account in again when an instance of its journey ends and, when
// the view is the one the last step saw, when its re-entry policy's wait
// ends (a list the account joined in a changed view lets it in at the
// step's time). Every decision, outbox entry, end, goal reached and
// entry or exit record is dated when it happened, and rules read that
// time as now; a message counts in the frequency caps at the time it was
// sent (Contact.At), and one that a cap deferred is retried at its time
// (again at the time a cap deferred it to next) and counts then. What
// the late step cannot know it reads at its own time: the view (splits,
// recipient conditions, consent, list membership, and the exit criteria
// and goals that read the view, checked after the tracks caught up to
// the step's last event) and the catalog (lifecycle and end dates).
//
// Messages respect consent and frequency caps. A person who opted out of a
// channel, or whose consent is unknown on a channel that needs an opt-in
// (SMS by default, see [ConsentPolicy]), or who has no address, is skipped
// with the reason in the trace ("consent: opted out of email (source
// \"marketo\", 2025-03-03)"). [Cap]s count messages per person across all
// journeys of the account (and Input.Contacts from other accounts); a
// message over a cap is skipped or deferred by the cap's policy, with the
// reason ("frequency cap \"marketing email\" (2 email in 7d)"); deferred
// messages are retried, with consent and caps checked again, unless their
// instance exits first (an exit criterion, a goal that ends it, a goto
// whose journey takes no entry, the journey's end, finish or abort): then
// they are dropped with the reason. An instance that ended (at an end
// node, or by a goto that handed the account over) still sends them,
// unless its journey is aborted: abort stops a journey now, and drops the
// deferred messages of all its instances, running or ended ("deferred
// message dropped: the journey was aborted"), while finish and the end
// date end what still runs and let an ended run's messages go out. The
// messages a cap counts (State.Contacts) and those it held back
// (State.Deferred) name the [Step] that sent them: a host that finds two
// persons to be one merges their states without sending a step's message
// twice.
//
// [Catalog.Stop] ends all of one account's journeys at once, for a reason
// that is the account's (merged into another account, whose journeys go
// on with its persons): each running instance exits with the reason, and
// every deferred message of the account is dropped with its decision.
//
// A dry run (Input.DryRun, or a test account) runs fully and records in the
// trace what would have been sent, but produces no outbox entries; it also
// traces every person a recipient condition left out.
//
// # Inspect
//
// Every [Decision] carries what it was about and why: the rule name and
// expression with the values it read ("group.score=160"; an element of a
// map by its key, read by dot, by index or through attr or get:
// account.attributes.tier="gold", person.consent.email.status="opt-in",
// or missing when the map does not hold the key), or a plain reason. The else path of a split (and of a people split, per person)
// says why no path held: each path in definition order with what it
// checked and the values it read, in the reason and, field by field, in
// [Decision].Tried:
//
//	path=else -> nurture: no path held: "engaged" (group.completeness >= 0.6 && group.score >= 150) with group.completeness=0.5, group.score=42
//
// Sales alerts carry the buying group, its engaged members with
// roles and scores, its missing roles, and the reason of the decision
// that led to the alert: the path a split took, the event a listen
// heard ("listen heard activity request_demo by Victor Eng") or its
// timeout, or an external call's answer, whichever came last (on a
// track a parallel node started, its parent's until it decides on its
// own).
//
// # What the host applies
//
// Journeys do not change buying groups themselves: change_stage,
// set_attribute, add/remove list, adjust_score and assign_role are outbox
// entries for the host to apply (the next view then reflects them). An
// external node's entry has Type "external"; answer it with an
// [EventExternalResult] event carrying the entry's Key and Outcome
// "success" or "error".
package journey
