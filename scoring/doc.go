// Package scoring turns activities into engagement scores: per person under
// one or more models, rolled up to buying groups, with recency decay, caps,
// velocity, threshold crossings with hysteresis, and an explanation of every
// score.
//
// Scores are current to the last activity: there is no nightly batch. A
// person's state stores its credits and decays them lazily, so the score at
// any read time is exact, whatever order the activities arrived in and
// however often each was delivered.
//
// # Define
//
// A [Model] is a list of rules. A [Rule] names activity types, an optional
// condition (an expression of the rules package over the activity, the
// person and the account; see [Env]) and the points one matching activity
// earns, negative for signals of disengagement. Every rule an activity
// matches adds its points, so a granular bonus rule ("demo request": +40 on
// top of "form": +10) sits beside a general one. A [Cap] counts a rule at
// most Max times per person per calendar period (UTC day, week from Monday,
// or month). HalfLife sets exponential decay (points are worth half after
// one half-life), zero for none. DisplayMax turns on a 0-100 display scale.
// TypeMap maps the types a source sends onto the ones the rules name.
//
//	m := scoring.Model{
//		Name:     "data platform",
//		HalfLife: 30 * 24 * time.Hour,
//		Rules: []scoring.Rule{
//			{Name: "form", Types: []string{b2b.ActivityFillOutForm}, Points: 10},
//			{Name: "demo request", Types: []string{b2b.ActivityFillOutForm}, Points: 40,
//				When: `attr(activity.attributes, "form", "") == "Demo Request"`},
//			{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30},
//			{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1,
//				Cap: scoring.Cap{Max: 5, Period: scoring.PeriodDay}},
//			{Name: "unsubscribed", Types: []string{b2b.ActivityUnsubscribeEmail}, Points: -20},
//		},
//	}
//
// [DefaultModel] scores the standard activity types out of the box. Several
// models run side by side (one per solution interest): build them with
// [NewAll] and keep one state per person per model.
//
// # Validate
//
// [New] (or [NewAll]) checks the model and compiles its conditions, and
// reports every problem at once with its path, conditions with line, column
// and caret:
//
//	scoring model "m": 2 problems:
//	  rules[1].points: 1e+09 is beyond +/-1e+06
//	  rules[0].when: rule "senior" 1:8: type b2b.Person has no field seniorty
//	      | person.seniorty == "VP"
//	      |        ^
//
// Points must be finite and within +/-[MaxPoints]; a cap needs both a max
// and a period; a half-life is zero or at least a minute; a type named by a
// rule cannot also be mapped away by TypeMap, nor can TypeMap map a type
// onto one it maps away (mapping does not chain). Rule names are required
// and unique: a state knows a rule by its name's [RuleKey], so two names
// with one key (a chance of about 1 in 4 billion for a pair) are refused
// too.
//
// # Run
//
// A [PersonState] is the score of one person under one model: plain data
// (exported fields, times in Unix nanoseconds) that a store persists as it
// is. A [Ledger] holds the states of an account's persons ([Scorer.Merge]
// makes one person's of two, when identity finds two records to be one
// person; a state merged with itself is that state); [Scorer.Ingest] applies a [Batch] of activities at a time now and returns
// a [Report] that accounts for every activity:
//
//   - credited, unmatched (a known type no rule counts; a type TypeMap
//     maps is known, whatever it maps onto), capped, duplicate;
//   - unknown types (neither standard, mapped nor named by a rule): ignored
//     and counted per type;
//   - unknown persons: returned untouched, to be ingested again once
//     identity resolution knows the person;
//   - refused, with a typed [*ActivityError] matching [ErrFuture] ("activity
//     is in the future: ... is 1h0m0s after now ... (tolerance 5m0s)"),
//     [ErrTooLate] ("activity is older than the scoring horizon: ... is
//     before the horizon floor ...") or [ErrInvalidActivity];
//   - rule errors: a condition that fails at run time (a missing map key
//     indexed directly) counts as false and is listed with the rule's name.
//
// [Scorer.Apply] does the same for one activity and one state.
//
// For volume, keep an [Applier] (one per goroutine) and give it whole
// batches. [Applier.Ingest] takes a [Batch] and a [Ledger];
// [Applier.ApplyIndexed] takes activities whose persons the host has
// resolved to indexes into its own tables, with a function that returns
// the state, person and account of an index. Both read each activity once
// in memory order into a compact record, group the records by person (a
// counting sort) and apply each person's activities in one pass
// ([Applier.ApplyPerson]): the floor moves once, and a condition is not
// evaluated again when what it reads has not changed (one that reads only
// the person and the account: once per person per batch; one that reads
// only one activity attribute: once per value of it). States and outcomes
// are exactly those of Apply on each activity in batch order.
//
// How the state stays exact and bounded:
//
//   - Each counted activity is a [Credit] (activity key, time, points,
//     rule position and rule key: 32 bytes, no pointer). The score at t is the sum of the credits up to t, each
//     decayed by 2^(-(t - time) / half-life): a closed form, computed on
//     read. Nothing decays at write time, so arrival order cannot matter.
//   - Credits are kept for a horizon ([Config.Horizon], 30 days by
//     default). Older ones are folded, per rule in time order, into one
//     decayed value per rule (PersonState.Past). The floor is the start of
//     the UTC day one horizon before the latest ingest; it never moves back.
//     The state is a function of the set of activities delivered and the
//     floor only, so any order of arrival and any number of re-deliveries
//     give the same state, bit for bit.
//   - Idempotency: an activity whose key ([ActivityKey], a 64-bit hash of
//     its ID) is among the credits is a duplicate. The state keeps keys,
//     not IDs, so that it holds no pointers: two IDs of one person with
//     the same key would count once. With n activities of a person within
//     the horizon the chance is about n²/2^65 (1e-14 for 1,000). An activity that earned nothing (capped, no condition true)
//     is not stored; delivered again, it earns nothing again. A delivery
//     older than the floor, duplicate or not, is refused as too late: it is
//     never counted twice, and the caller learns that it was not applied.
//   - Caps count in fixed calendar periods, which is order-independent (a
//     sliding window is not): in each period the earliest Max activities (by
//     time, then activity key) count. A late activity earlier than the last counted
//     one takes its place. Credits of a capped rule stay until their whole
//     period is older than the floor.
//   - The model may change under the states it wrote (a program installed
//     with a model of the same name whose rules changed): what was scored
//     stays as it was scored. A credit knows its rule by the [RuleKey] of
//     its name, so a rule keeps its credits wherever rules are added or
//     removed around it: its cap counts them and an explanation names
//     them. A renamed rule starts afresh. The credits of a rule the model
//     no longer has still count in the score, toward no cap, on a line of
//     their own (the state keeps the key, not the name: `rule #4a7c2e01
//     (no longer in model "m")`). A state saved before credits had rule
//     keys reads its rule positions in the model it is read with, as it
//     did, and gets the keys at its next ingest: ingest such states (or
//     [Scorer.Compact] them) before changing the model that wrote them.
//   - Memory per person: 32 bytes per credit within the horizon (slices
//     grow by doubling), 24 bytes per rule with folded credits, and 56
//     bytes of header; only the header holds pointers, so a million states
//     cost the garbage collector little to scan. [Scorer.Compact] folds an
//     idle person's old credits (call it before persisting); a score read
//     after folding equals the one read before up to rounding (its last
//     bits), as for any move of the floor. A host that
//     keeps millions of states in memory and has memory to spare may raise
//     GOGC (say 200-400) to collect less often; scoring does not depend on
//     it.
//
// A condition sees the activity, the person and the account as they are at
// ingest, and now is the activity's time, so it answers the same whenever
// the activity arrives. Conditions are evaluated only for activities of
// their rule's types. When a rule's cap period is already full of earlier
// activities the condition still decides what the activity was: capped if
// it holds, unmatched if not, so whether an activity matched (the unmatched
// count of a [Report], its rule errors) does not depend on what arrived
// before it. Which of the matching activities are credited and which
// capped does: an earlier activity arriving late takes the place of one
// already reported credited.
//
// # Inspect
//
// [Scorer.ScoreAt] and [Scorer.Score] read a score at any time from the
// floor on; [Scorer.Display] maps it to 0-100. [Scorer.Velocity] is the
// change over a window (exact under decay; the window must lie within the
// horizon, else [ErrBeyondHorizon]): 20 to 80 in two weeks says more than 80
// held for six months. [Scorer.Explain] breaks a score down by rule and by
// activity with decay applied, as data and in words. The state knows an
// activity by its key: [Explanation.NameActivities] names the lines from
// activity IDs the host stores (unnamed lines show the key, #0123...). A
// display score follows the score as "(45/100)", never reading 100 or 0
// unless it is (99.7 is "(99.7/100)"). The score and the rules' values
// have one decimal, or as many more as it takes for the values written to
// add up to the score written (so do the lines of a group score, and the
// change and scores of a velocity). After a webinar a month ago and a
// demo request now:
//
//	ann scores 65.0 under model "data platform" at 2025-03-31T09:00:00Z; points halve every 30d
//	  rule "form": 10.0 from 1 recent activity
//	  rule "demo request" (when attr(activity.attributes, "form", "") == "Demo Request"): 40.0 from 1 recent activity
//	  rule "webinar": 15.0 from 1 recent activity
//	  2025-03-01T09:00:00Z a1 "webinar": +30 points x 0.500 = 15.0
//	  2025-03-31T09:00:00Z a2 "form": +10 points x 1.000 = 10.0
//	  2025-03-31T09:00:00Z a2 "demo request": +40 points x 1.000 = 40.0
//
// # Buying groups
//
// A [Group] takes its members with their role and weight as plain values
// (from the role template) and rolls up their scores by an [Aggregation]:
// sum, average, role-weighted sum, or minimum per required role (the group
// is as engaged as its least engaged required role; a missing role scores
// 0). Persons of the account with no role count with NonRoleWeight (0 leaves
// them out). [Group.Validate] requires a name, which the score names the
// group by, and takes weights from 0 to [MaxWeight].
// [Group.Aggregate] is pure; [Scorer.GroupScore] and
// [Scorer.GroupVelocity] read the members' scores from a [Ledger]. A
// [GroupScore] lists each person's part and the missing required roles.
// [Group.Score] and [Scorer.GroupChange] are the same figures without the
// breakdown, for a runner that recomputes every group at every pass: they
// make no garbage for a group of a usual size.
//
// # Thresholds
//
// A [Threshold] is a small state machine ([ThresholdState], zero value
// armed): crossing Level upward fires once; it re-arms only after the score
// falls below Level - Margin. This avoids the alert storm of a score
// hovering around the threshold. With decay, observe scores just before
// each batch as well as after, so that a dip between activities is seen.
package scoring
