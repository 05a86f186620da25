// Package engine wires Quorum's packages into one chain and runs it on a
// store: every input (account and person records, CRM opportunities,
// activities, the passing of time) flows through identity resolution,
// lead-to-role qualification, buying groups, scoring, audiences,
// readiness, sales alerts and journeys for each account it touches, and
// each account's new state, its events and its outbox entries are
// committed together with an optimistic version check.
//
// # Set up
//
//	prog, err := program.Compile(defs, program.Options{})   // all definitions, validated
//	eng, err := engine.New(engine.Config{Store: memory.New(), Program: prog, Clock: clk,
//		UnsubscribeURL: unsubscribeLink})   // the host's opt-out endpoint: marketing e-mails need it
//	rep, err := eng.Recover(ctx)   // on a store an engine wrote before: see Restarts
//
// # Feed it
//
//	eng.Apply(ctx, engine.Batch{Accounts: ..., Persons: ..., Opportunities: ..., Activities: ...})
//	eng.Ingest(ctx, activities...)   // or UpsertAccounts, UpsertPersons, UpsertOpportunities
//	eng.Advance(ctx, now)            // time passes: waits end, scores decay, windows move, each when due
//
// Identity resolution is the one global step (it runs under a lock): it maps
// each record to its golden person or account and each person to its
// accounts; an account's pass reads its golden record and person list from
// it, under the lock, when records changed them: the accounts a person
// joins and those they leave (a merge, a move, a new account for their
// domain, a subsidiary's new parent with rollup) all run. An account merged
// into another (a Marketo company found to be a Salesforce account)
// retires: it logs account.merged, lets its persons go (they are the
// surviving account's), ends its journeys with the merge as their reason,
// hands its opportunities, its recent messages (which its persons'
// frequency caps still count), its persons' consent statements, scores
// and activity records over to the surviving account, which logs
// account.absorbed and lists it (AccountView.Absorbed), and from then on
// decides nothing (no refresh, no journey step; activities a concurrent
// call routed to it are refused as unknown_account, host journey events
// with ErrMergedAccount) and leaves the lists [Engine.Accounts] selects
// from; its state keeps its history, with its own record, and its view
// names the account it merged into (AccountView.MergedInto).
//
// From there every account is independent: the accounts a call touches
// are processed in parallel (Config.Workers), each once per call however
// many inputs it received (and once more per decision that fell due
// before the call, see below), so derived state (roles, group scores,
// audiences, readiness, journey conditions) is recomputed once per
// account per batch, not once per input. A commit that loses a version
// race is retried from a fresh load, so two concurrent updates of one
// account never lose either.
//
// A committed state is never modified: each pass works on a copy, so
// readers, retries and passes that turn out to have nothing to commit all
// see the committed state. A store that keeps values in the process (the
// memory store, see [store.ValueKeeper]) holds the engine's states as they
// are, with no encoding; a durable store receives them encoded as JSON,
// and the engine caches decoded states (Config.StateCache) to skip the
// decoding.
//
// Every input is accounted for in the [Report]: applied, duplicate (an
// activity ID counts once in each account it goes to, however often it
// arrives; within one call, an activity applied to any of its accounts
// counts once as applied, but two calls that deliver it at once may each
// apply it to one of its accounts, and each count it), or rejected with a
// stable reason (invalid, future, too_late, unknown_person,
// unknown_account; not_waiting for an external result no journey waits
// for) and what was wrong. An input with a time the event log's JSON
// cannot write (a year outside 0 to 9999, a zone offset of 24 hours or
// more: in a record's time, a consent's, an opportunity's dates, an
// activity's time, a time attribute) is invalid: it would fail every
// commit of the accounts it reaches. So is a record whose source, record
// ID, account IDs or identifiers (a person's email and phone too) are not
// UTF-8, and an activity or opportunity whose ID is not: the states keep
// them as JSON, which cannot write such bytes, and [Engine.Recover] could
// not find the record, its person or the opportunity's account again by
// them, nor a state read back the activity sent again as a duplicate. Activities of
// persons not known yet are returned as rejected "unknown_person", never
// dropped silently: resubmit them once the person's record arrives.
//
// Time is an input. Apply and the other input calls run their passes at
// the clock's time (Config.Clock), or at an account's last pass when the
// clock is behind it (time never goes back for an account), and step the
// journeys due by then.
// [Engine.Advance] runs each account due by the time it is given at the
// time the account was due (never before its last committed pass), then
// at each next due time up to the time given: a wait of two days that
// ends at 09:00 ends at 09:00, whether Advance is called at 17:00 or a
// month later, so that the decisions, their times and the state they
// leave do not depend on how often Advance is called. A batch applied
// after an account's wait ended, with no Advance between, first runs the
// wait's end at its time, with the batch's activities dated before it, so
// that a late batch decides as one applied in real time would have (see
// [Engine.Apply]). A late Advance queues what it decides on the way at
// the times it decides it, for the dispatcher to send when it next runs.
//
// A buying group's automatic stage rules read one CRM deal of the account
// for the group's interest (opportunity.* in buyinggroup.StageEnv): an
// open one while any is open (the committee is still deciding: an add-on
// lost beside the main deal does not close the group), else a won one if
// any was won (scenario S5: the deal closes won, the group moves to
// Closed Won), else a lost one; of those the newest by creation time, and
// of two created at the same time the one of the greater ID. So the same
// deals give the same stage whatever order they arrive in within a call;
// a group a call closed (its only deal then was lost) goes on to Closed
// Won, or back to Awareness, in a later call only for a deal won, or
// open, that the CRM changed after the close (the rules of
// [buyinggroup.DefaultStageModel]). The state keeps an account's deals by
// creation time, then ID.
//
// # Consent
//
// A person's consent per channel comes from the sources' records of the
// person and from what the person does: an activity of a type of
// Config.ActivityConsent (by default an email unsubscribe is an email
// opt-out, an SMS unsubscribe an SMS opt-out) or of type
// "consent_changed" (attributes "channel" and "status", from a preference
// center) is a consent statement ([governance.ConsentFromActivities]). The
// statement goes to every account of the person (whichever account the
// activity names, and a parent's too with rollup) and is kept there with
// the person; an account the person joins later takes the statements
// their other accounts keep, and those of the accounts the same call took
// them out of (a CRM contact moved to another company); a person into whom
// identity merged others takes the statements kept of those, in each of
// their accounts. At each pass, before anything reads the
// person, their consent is what [governance.ApplyConsent] decides from
// the record and the statements at the pass's time, "the strictest recent
// statement wins": so an unsubscribe is not undone by a CRM sync that had
// not seen it, and an opt-in a week later counts. A statement dated ahead
// is kept until its time, when the account is due; an opt-out dated ahead
// restricts at once. Every change of a person's status on a channel is in
// the event log (consent.changed), with the statement that decided it
// (the activity, or the person's record) and the reason. A
// consent_changed activity without a known channel and status is rejected
// as invalid; an activity older than the activity retention (rejected as
// too late) states nothing either. One within the retention that scoring
// refuses as older than its horizon is rejected as too late all the same
// (its credit cannot be told from one counted before; the rejection's
// detail says so), but what it states counts: a statement the account
// took before is told apart, and an unsubscribe is the person's word.
//
// # Deliver
//
// Journeys and alert rules queue messages in the outbox, in the same commit
// as the decision. [Engine.Outbox] is a [channel.Outbox] for a
// [channel.Dispatcher], which delivers each message once with its
// idempotency key and records the result in the account's event log.
//
// A journey's email or SMS is rendered when it is claimed for delivery,
// not when it is decided: the decision checks the recipient and its
// address (or skips the message with why) and stores who gets which
// template about which buying group; the claim renders it from the
// account's committed state and the program installed then, so a message
// shows the recipient's current name and a template corrected in between
// is the one sent. This keeps the decision path and the outbox small. Its
// {{.UnsubscribeURL}} is Config.UnsubscribeURL's link for the recipient
// (a marketing e-mail also carries it as its List-Unsubscribe header): an
// engine without one refuses a program whose templates read it, at New
// and Install ([ErrNoUnsubscribeURL]). A
// message that cannot be rendered then (a required token is empty for the
// recipient, the template is gone) fails at once with the reason in the
// event log and is counted as "unrenderable"; one of an account merged
// into another since it was queued is rendered from the state of the
// account that holds its persons now. One whose recipient's records
// merged into another person's since it was queued is that person's when
// they are a person of the account (of this account before, or of
// another and linked to this one too): it goes to them (to the address
// it was queued for, theirs now, their consent checked), unless they had
// the same journey step's message already as the other record, when it
// is suppressed with that reason, so that a step's message is a person's
// once. The account's state tells that only when the program has
// frequency caps (they keep the messages sent); without, the copy goes
// out. A message is about the account's group, for one of its persons:
// one whose recipient left the account since it was queued (moved to
// another account, merged into a person of another account who is not
// linked to this one) is suppressed, with why ("the recipient left the
// account: ... (a person of globex)"), and counted as suppressed. The claim
// also checks the recipient's consent in that state, under the program's
// consent policy as journeys apply it: a message whose recipient opted
// out since it was queued (an unsubscribe, a CRM sync) is not returned
// but recorded as suppressed, with the reason ("email consent is opt-out
// (source marketo, ...)") in the event log. So a dispatcher needs no
// consent lookup of its own for journey messages; sales alerts go to
// sales and are not checked, nor are messages a host enqueues itself
// (give its dispatcher a [channel.ConsentLookup] for those). The address
// is the one the recipient had when the message was decided (the
// message.queued event names it). Each claim renders again, so a retried
// message shows the state of its latest attempt. A frequency cap counts
// the messages journeys queued, as they decided them: one that is
// suppressed, fails to render or fails to deliver after it was queued
// still counts in its recipient's caps (a claim reads the account's
// committed state and changes none; only a message the pass itself skips,
// for want of an address say, leaves the caps as they were). A
// withdrawn consent keeps the channel's next messages from the person
// anyway. Templates are not versioned (see [Engine.Install]). Sales alerts are rendered when raised:
// they describe the moment they were raised. Templates read times in the
// account's time zone (b2b.Account.TimeZone; UTC for an account without
// one): {{.Now | date "Jan 2 15:04 MST"}} and an alert's recent
// activities show the time of day the account's people live by. Alert
// conditions and routing rules (of alert rules and of journeys' alerts)
// see now there too (channel.AlertEnv). The state, the event log and the
// outbox keep times as they were.
//
// # Inspect
//
// [Engine.Account] is what a CRM panel shows: groups with members, roles
// and how each was assigned, scores with breakdowns, completeness, missing
// roles, stage history, readiness with reasons, journey positions and the
// latest decisions, as of a time (see [Engine.Account] for one before
// the account's last pass). [Engine.Accounts] lists accounts by stage,
// readiness tier, audience or a journey's list; [Engine.Events] reads the event log; [Engine.Counters]
// are counters for metrics (activities ingested, inputs rejected by reason,
// commits, conflicts, journey steps, messages queued by channel and
// skipped, delivery results by status, alerts, persons erased, bounds
// Advance reached).
// Config.Logger receives structured records with stable keys: "program
// installed" (program, version), "input rejected" (kind, index, activity,
// account, reason, detail; a person record's detail names the fields at
// fault, not their values, which the Report quotes, and an unknown
// person's is empty, not their ID), "message not
// delivered" (entry, account, channel, status, reason: a message failed
// or suppressed when claimed; a reason that names persons, a recipient
// who left the account or merged into another, says it without them)
// and "person erased" (accounts, redacted, events, outbox; it names no
// one) at Info; "outbox entry not rendered, retried when its lease ends"
// (entry, account, err), "account due again at the same instant, caught
// up from its next refresh", "account due again at the same instant,
// left to the input's pass", "account not caught up, resumed at the
// next Advance" and "account not caught up, stopped with one it shares a
// person with, resumed at the next Advance" (account, at, next, passes:
// see [Engine.Advance]), "stage
// dropped" (program, version, interest, stage_model, stage, effect) and
// "scoring model dropped" (program, version, model, effect: see
// [Engine.Install]) at Warn; "account committed" (account, version,
// applied, duplicates, rejected, steps, outbox, events) and "version
// conflict, retrying" (account, attempt) at Debug.
//
// # The event log
//
// Each account's log says what happened and why, in commit order. Each
// entry has a type and a JSON payload:
//
//	account.updated                 the golden account record changed
//	account.merged                  the account was merged into another: {into}; it decides
//	                                nothing more
//	account.absorbed                an account merged into this one handed its opportunities and
//	                                recent messages over: {from, opportunities, messages}
//	person.linked, person.unlinked  a person joined or left the account (identity.Link)
//	person.erased                   a person was erased from the account: {removed: counts by kind};
//	                                it names no one
//	opportunity.created, .changed   a CRM deal (b2b.Opportunity)
//	opportunity.moved               the CRM put the deal on another account: {id, to}; its
//	                                contact roles no longer count here (see Limits)
//	activity.applied                activities applied in one pass: {count, byType, messages};
//	                                messages lists by type the message key (b2b.AttrMessageKey) of
//	                                each activity that names one, and is left out when none does
//	qualify.rate                    lead-to-buying-group qualification: {persons, qualified}
//	buyinggroup.<type>              every buying-group event (buyinggroup.Event): group_created,
//	                                member_added, member_removed, role_filled, stage_changed, ...
//	group.updated                   a group's stage, completeness, score, velocity, members or
//	                                readiness changed: {group, interest, stage, completeness,
//	                                weightedCompleteness, score, velocity, members, readiness, tier}
//	readiness.changed               a group's readiness level changed: {group, level, tier, value, explain}
//	readiness.dropped               a group's verdict was dropped, its readiness failing to be
//	                                assessed (readiness.error): {group, interest, from, error}; the
//	                                group has no readiness in views, queries, journeys (tier "") and
//	                                group.updated until an assessment succeeds again
//	scoring.threshold_fired, _rearmed  a group score threshold crossing, with its reason
//	audience.entered, .exited       audience membership (audience.Event)
//	journey.<kind>                  every journey decision (journey.Decision): enter, node, path,
//	                                send, skip, defer, wait, exit, complete, goal, ...
//	journey.ended                   an instance ended (journey.Ended, with Completed)
//	journey.action_refused          a journey's stage change or role assignment the group
//	                                refused: {journey, node, action, group, error}
//	journey.external_requested      a journey's external action, for the host (journey.OutboxEntry)
//	journey.unknown_action          a journey action of a type the engine does not perform (none of
//	                                package journey's types; a type added to it later): the entry
//	                                (journey.OutboxEntry)
//	account.attribute_set           a journey set an attribute: {attribute, from, to, by}
//	account.list_added, .list_removed  a journey added the account to a list or removed it: {list, by}
//	scoring.adjusted                a journey's adjust_score: {target, delta, by}
//	<part>.rule_error, readiness.error, alert.error  a rule that failed on the account's data
//	                                (scoring, qualify, buyinggroup, audience): its name and error
//	                                (qualify's: {interest, role, error} of the person, whose role
//	                                rule did not hold; an interest's applicability rule's: no person,
//	                                role ""); the pass goes on without it; alert.error also when an alert's own
//	                                template fails on the account's data or renders a message that
//	                                cannot be sent: {group, alert, template, error, sentWith}, the
//	                                alert going out with the sales-alert template
//	alert.raised                    a sales alert: {id, rule, strategy, group, interest, reason, to, ...};
//	                                raised (and tracked for responses) only with its message queued:
//	                                one that cannot be sent is message.skipped instead
//	alert.acknowledged, .acted_on   sales responded (CRM activity after the alert)
//	message.queued                  a message entered the outbox: {key, channel, template, to, journey}
//	message.skipped                 a message was not produced: {key, reason}
//	message.delivered, .failed, .suppressed  the dispatcher's result: {attempt, error, key, receipt,
//	                                status}, receipt {providerId, duplicate, at}
//	                                (.failed also when a message cannot be rendered at its claim,
//	                                .suppressed when its address was erased since it was queued,
//	                                its recipient's consent forbids it at its claim, its
//	                                recipient left the account, or merged into a person who had
//	                                the step's message)
//	consent.changed                 a person's consent status on a channel changed: {channel, from,
//	                                to, source, at, ref, reason}; ref is the activity whose
//	                                statement decided, or "person <id>" for the sources' record
//
// package analytics computes the KPIs from this log.
//
// # Erasure
//
// [Engine.ErasePerson] erases a person (the right to be forgotten), under
// every ID they had: every account they appear in is rewritten without
// them and recomputed, events of others and queued messages to others
// that name them are redacted (a full name in Chinese, Japanese or Korean
// wherever it is written as those languages write it, 山田太郎様, as
// governance.PlanErasure finds it), the store removes their own events and
// outbox entries (so nothing queued for them is sent), and identity
// resolution forgets their records; calls that resolved the person before
// are waited for and what they wrote is erased too. The [Erasure] report
// lists the source records to erase in the sources as well, and the
// hashes of the person's addresses (not of an address or number that
// persons who are not the same share, noreply@acme.com or 000-000-0000:
// b2b.PlaceholderEmail, b2b.PlaceholderPhone, which is nobody's and is
// neither suppressed nor redacted), which go on the engine's suppression
// list ([Engine.Suppress]): no journey message is queued or delivered to
// them again, even for a person a source creates anew from the same
// records. The states of the accounts the person was erased from keep the
// hashes too, and [Engine.Recover] puts them back on the list of an
// engine started again; a host keeps those of a person who was in no
// account's state (Erasure.Suppression) and hands them to Suppress
// itself. A failed erasure is safe to repeat.
//
// # Frequency caps across accounts
//
// A program's caps ("2 marketing emails per person per 7 days across
// journeys") count a person's messages from every journey of every
// account the person belongs to: a person linked to several accounts, or,
// with rollup, a subsidiary's person whom the parent's journeys address
// too, and the accounts a person left lately, for as long as a cap counts
// back (a contact moved to another company takes their recent messages
// with them; a merged person's messages count as theirs). A pass of an
// account with such persons reads their recent messages from the other
// accounts' committed journey states; an account whose persons are all
// its own reads nothing more. A person linked to no account for a while
// (a lead between jobs) takes the accounts they had been in along when
// they join one again: the event logs name them (store.PersonAccounts).
// Passes of accounts that share a person take turns, from that reading
// to their commit, so a cap holds exactly whatever the order and the
// concurrency of the calls within one engine; within one input call,
// the account the call takes first (in ID order) decides first, and
// within an Advance the account due first (see below), so that which
// message a cap lets through does not depend on how the workers were
// scheduled. A call
// takes the accounts its identity changes merged into others before the
// rest, and an account that absorbs others decides only once they have
// handed it what they knew of their persons (statements, recent
// messages, scores).
//
// A journey counts the messages decided up to its own time, no later, so
// accounts sharing such a person must also decide in the order of their
// times. Advance sees to it whatever its span: of the accounts it finds
// due, those that share a person under a cap (linked to several, a
// subsidiary's with rollup, or who left one lately) run one pass at a
// time, the one due first next (then
// by ID), as calls at each of their due times would have; the others
// catch up in parallel, each its whole span at once. So one Advance over
// twenty days sends a person of two accounts under a cap of one email a
// week what twenty daily calls send. Advance reads no state to find
// them: each commit stores, beside the account's due time, the other
// accounts its persons name (their other accounts, those they left
// lately: [store.CommitParams.Links]), and the due listing returns them
// ([store.AccountDue.Links]). An account whose pass fails, or
// that reaches Advance's bound of passes, stops the accounts it shares a
// person with at that time too (counted in [Counters].AdvanceLimits), and
// the next Advance takes them all on from there. An account whose
// stored state this engine cannot read (a newer engine wrote it) names
// no one, whatever its stored links say: its pass fails, and stops only
// the accounts whose own states name it. So such a stop, and only a
// stop, reads the states of the group's accounts that have not run yet,
// once each, to tell which of them it reaches. An account committed
// before its store kept links (a store written by an older engine) has
// none until its next commit: until then it runs as an account of its
// own, unless another's links name it.
//
// An input call does not: it catches each account with inputs up over
// the span since it was last due (a late batch of days), in turn, each
// its whole span at once, and its journeys hear the inputs at their
// times. The account the call takes first decides its span without the
// second's messages of that span, and the one taken second no longer
// sees the first's messages that the first's later steps forgot (a state
// keeps its messages only as far back as its caps count from its last
// step), so either may send what a cap would have held back. A host that
// applies its activities as they come counts exactly.
//
// # The acceptance scenarios
//
// The scenarios S1 to S9 (qualification, pipeline acceleration,
// completeness campaign, shared contacts, cross-sell, stalled deals, the
// sales view, multi-region accounts, bad input) run end to end through this
// package's API in examples/scenarios, each on its program file.
//
// # Restarts
//
// The engine keeps three things in its memory: identity resolution's
// graph, the account each opportunity was last upserted on (from which
// an upsert on another account moves it, opportunity.moved) and the
// suppression list. Everything else (the accounts' states, the event log,
// the outbox) lives in the store, but for the versions of the journeys,
// which the programs installed give them: an engine started again is
// given the programs installed before its own (Config.History), so that
// running journey instances go on with the version they entered (see
// [Engine.Install]). An engine started on a store that
// another engine wrote, as a process restarted with a durable store is,
// calls [Engine.Recover] before it serves: it rebuilds the three from the
// account states, which keep for this the source records behind each
// golden account and person (which record gave which field, at which
// time, and the identifiers, with those that find another account or
// person, which held them first and from which a conflict kept this one
// apart, such as a domain two CRM accounts share, or no one, their holder
// erased) and the suppression hashes of the persons erased from the
// account. Without it the engine knows no person: it rejects their
// activities as "unknown_person" until their records are upserted
// again. Recover reports what it rebuilt and every state it
// could not read ([RecoverReport]).
//
// # Limits
//
// Several engines serving one store at once (a multi-process deployment)
// need identity resolution in the store, which the SQL stores will add:
// Recover gives an engine the graph as the store holds it when the
// engine starts, and the records another engine upserts later are not
// seen by it.
//
// Recover rebuilds what the account states hold, which is less than the
// graph held:
//
//   - A person linked to no account is in no account's state: the engine
//     started again does not know them until their record is upserted
//     again (their activities are rejected as unknown_person, not
//     unknown_account), and an account upserted later does not link
//     them. So is an account reference to an account not upserted yet,
//     which no link shows. An identifier such a person held first, which
//     a person of an account carries too, then finds no one.
//   - A source record is rebuilt with the values it gave its golden
//     record, not with those it lost to another record (a marketing
//     lead's title, where the CRM's won): golden values and their
//     provenance, each golden record's records and identifiers, and the
//     persons' links are as they were, but a snapshot of the graph holds
//     less. A field whose winning record stops giving it then falls back
//     on no value, where the first engine fell back on the lost one. So
//     does a consent: the statements it won over are not kept, and its
//     provenance no longer names them (Provenance.Reason is empty). A
//     consent the person's own statements decided (an unsubscribe) is
//     rebuilt as they decided it, in the record that gave the consent:
//     the account states keep the statements, so the consent the engine
//     acts on is the same, but the golden record shows the decision, not
//     the record's own statement, until the record is upserted again.
//   - The time of a record that gave no field is not kept, unless it is
//     its golden record's time: the record is rebuilt as of 1970, so
//     that every version of it that arrives is taken as newer.
//   - An account record other than the golden account's own is rebuilt
//     under its record ID as account ID when the account holds that ID,
//     else under the golden account's ID; the IDs it had are identifiers
//     of the account either way.
//   - The order in which the persons' first records arrived is not kept:
//     two persons that merge after a restart keep the ID that comes first,
//     not necessarily the ID of the record that arrived first (the one
//     the engine would have kept without the restart). What the accounts
//     keep under the other ID becomes the merged person's either way.
//   - With a store that keeps states encoded, attribute values other than
//     lists of strings come back as the states' JSON has them (a number
//     as a float64, a time as its text).
//   - The suppression hashes of a person erased while in no account's
//     state, and hashes a host hands to [Engine.Suppress], are not in the
//     store.
//
// Where states disagree (a merged account's state, whose records the
// account it merged into holds; an opportunity two states hold after a
// pass that failed), Recover takes the latest and says so in its report.
//
// The turns that passes of accounts sharing a person take live in the
// engine too: engines in several processes on one store could exceed a
// cap by messages decided at the same moment on two accounts.
//
// A call that fails part way (its context ends while its accounts' passes
// run, the store fails, a commit loses more version races than
// Config.MaxRetries) has resolved all of its records in identity: the
// accounts whose pass did not commit take their part when a later call
// reaches them, but an account a record took a person out of (a contact
// moved to another company) may keep listing the person until a later
// call changes its persons, even when the same call is made again. A
// call whose context is done before it starts changes nothing.
//
// An account knows a person's other accounts as identity had them when it
// last read its persons: a link made by one call while another call's
// pass runs counts from the accounts' next passes, and a consent
// statement made while the person is being linked to another account
// reaches that account with the person's next statement.
package engine
