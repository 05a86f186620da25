// Package audience decides which accounts belong to account audiences: named
// rules over an account's attributes, its persons and its activity
// aggregates. Audiences pick the accounts that enter journeys, decide where a
// solution interest applies, and (later) feed activation.
//
// # Define
//
// An [Audience] is a name and a boolean rule over [Env]:
//
//	audience.Audience{
//		Name: "ICP engaged",
//		Rule: `account.employees >= 500 &&
//		       account.industry in ["Software", "Financial Services"] &&
//		       activityCount("visit_web_page", 30) >= 10`,
//	}
//
// A rule sees:
//
//   - account: the [b2b.Account] (account.industry, account.employees,
//     attr(account.attributes, "tier", "") ...);
//   - persons: the account's persons, for expr's collection builtins with a
//     predicate in which '.' names a field of the current person:
//     count(persons, .department == "IT") >= 2,
//     any(persons, .seniority == "C-Level"), all(...), none(...), filter(...);
//   - groups: the account's buying groups ([Group]: solutionInterest,
//     stage, completeness, score, velocity, roles, missingRoles,
//     readinessTier), for completeness campaigns and stalled deals:
//     any(groups, "Economic Buyer" in .missingRoles),
//     any(groups, .velocity <= -50 && .stage != "Closed Won");
//   - now: the time of the evaluation (daysSince(account.updatedAt) < 90);
//   - two activity aggregates, counted back from now over the window
//     (now - days, now], described below.
//
// The aggregates:
//
//	activityCount(type, days)        the account's activities of a type
//	personActivityCount(type, days)  the current person's, inside a predicate over persons:
//	                                 count(persons, personActivityCount("open_email", 30) >= 2) >= 2
//
// The type is an activity type literal ("visit_web_page", "fill_out_form",
// any custom type) or "*" for every type; days is a number literal, more
// than 0 and at most 3650 (fractions allowed).
//
// # Validate
//
// [New] (or [Config.Validate]) compiles every rule with the rules engine and
// reports every problem at once as a [*b2b.ValidationError], each with its
// path and, for rules, line:column and a caret:
//
//	audiences: 2 problems:
//	  audiences[0].rule: rule "engaged" 1:33: activityCount(type, days) takes a constant activity type and a constant number of days, e.g. activityCount("visit_web_page", 30): the number of days is not a number literal
//	    | activityCount("visit_web_page", "30") >= 10
//	    |                                 ^
//	  audiences[1].rule: rule "committee" 1:1: personActivityCount counts the current person's activities: use it directly inside a predicate over persons, e.g. count(persons, personActivityCount("open_email", 30) >= 1) >= 2
//
// Other messages: `"Visit Page" is not a valid activity type`, `the number
// of days must be more than 0 and at most 3650, got 0`, `"x" is already the
// name of audiences[1]`, `_agg is a reserved name`, `too many distinct
// activity aggregates (the limit is 1000)` (an aggregate that several rules
// read counts once), and every error of the rules engine (unknown name,
// expected bool, ...).
//
// # Run
//
// An evaluation reads an [AccountData]: the account, its persons, and its
// activities indexed by [NewActivities] (a compact, sorted index: 12 bytes an
// activity, an aggregate costs two binary searches). The aggregates that the
// audiences use are computed once per account before any rule runs, so a
// rule pays for an aggregate about what it pays for a field.
//
//   - [Evaluator.EvaluateBatch] evaluates every account, in parallel over
//     GOMAXPROCS goroutines; results come back in input order, the same
//     whatever the number of goroutines.
//   - [Evaluator.Evaluate] re-evaluates one account when its data changed.
//     For every account it returns exactly what the batch returns.
//
// Both take the previous [Membership] (audience name -> time the account
// entered it; plain data to store with the account) and now, and return a
// [Result]: the new membership, one [Decision] per audience, and [Event]s
// ([EventEntered], [EventExited]) stamped with now, each with its reason:
//
//	acme entered audience "ICP engaged" at 2026-03-02T09:00:00Z: rule holds:
//	account.employees >= 500 && ... with activityCount("visit_web_page", 30) = 12,
//	account.employees = 2000, account.industry = Software
//
// An account that stays in an audience keeps its entry time and produces no
// event. An account in an audience that is no longer defined exits it ("the
// audience is no longer defined"). A rule that fails on one account's data
// (indexing a missing map key: use attr) leaves that audience's membership
// as it was and is reported as an [*EvalError]; the rest is evaluated.
//
// # Inspect
//
// [Evaluator.Explain] answers "why is (or isn't) this account in each
// audience": every decision with the aggregate values and account fields its
// rule read (a custom attribute read by its key, by dot, by index or
// through attr or get, by that key: "account.attributes.tier = gold", or
// "missing" when the account has none under it) and, for each buying
// group, the group fields its predicates over groups read
// ("group.velocity of data-platform = -80.12"). [Evaluator.Members] lists an audience's accounts from a batch,
// [Evaluator.Aggregates] the aggregates the evaluator computes per account.
package audience
