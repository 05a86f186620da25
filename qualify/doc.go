// Package qualify qualifies leads into buying-group roles: it evaluates the
// persons of an account against the role templates of every solution
// interest that applies to the account, and hands the resulting rule
// claims to package buyinggroup, which resolves them with manual, CRM and
// journey claims into members.
//
// # Lead-to-role qualification
//
// Define the interests and templates with package buyinggroup, then build
// a [Qualifier] and, per goroutine, an [Evaluator]:
//
//	cat, err := buyinggroup.Compile(defs, buyinggroup.Config{Engine: eng})
//	q, err := qualify.New(qualify.Config{Catalog: cat})
//	e := q.NewEvaluator()
//	res, err := e.Account(qualify.AccountInput{
//		Account: acct, Persons: persons, Groups: groups, Opportunities: opps,
//	}, now)
//	// res.Groups: the new group states to store; res.Events: what changed;
//	// res.Decisions: why; res.Rate: the qualification rate.
//
// [Evaluator.Account] does, for one account:
//
//  1. creates the group of every interest whose applicability rule holds
//     for the account and that has none yet (groups that exist are kept
//     and qualified even if the interest no longer applies);
//  2. applies the contact roles of each opportunity to the groups of the
//     interests it matches (buyinggroup.Interest.MatchesOpportunity);
//  3. ends the memberships of persons who have claims in a group but are
//     no longer among the account's persons ("left the account"; the
//     history keeps them);
//  4. evaluates every person against the template of every group, and
//     replaces the persons' rule claims with the matches: each claim
//     records the rule's name, its expression, the values it read
//     ("person.seniority" = "VP") and the time. A claim identical to the
//     stored one keeps its time, so re-evaluating an unchanged account
//     changes nothing and emits no event.
//
// Persons are taken in ID order and interests in catalog order: the result
// is deterministic. Call it whenever a person of the account is added,
// changes (a new title gives a new role at once) or leaves, and when an
// opportunity changes. Person.Seniority and Person.Department are read as
// given: fill them from the persona classifier before calling when the
// source left them empty.
//
// A person may hold roles in several groups (the CTO is Technical Evaluator
// for two solutions); within one group a person holds one role unless the
// template's MaxRolesPerPerson allows more.
//
// # Tie-breaks
//
// When a person's rules match several roles of one template, the roles are
// ranked, best first, by:
//
//  1. the role's Priority, higher first;
//  2. the more specific rule: more conditions first, where a condition is a
//     comparison (== != < <= > >=), a membership or string test (in,
//     contains, startsWith, endsWith, matches; "not in" counts as one), or a
//     call of icontains, istartsWith, iendsWith, iequals, match, between,
//     inList, any, all, none or one;
//  3. then the larger syntax tree (more nodes of expr's AST);
//  4. then template order.
//
// So for a VP of IT, `person.seniority == "VP" && person.department ==
// "IT"` (2 conditions) beats `person.seniority == "VP"` (1 condition) at
// equal priority. [Match] carries Priority, Conditions and Nodes; the
// decision lists every match ([Decision.Explain]). With a rules engine
// other than the default one, rules are not analysed: Conditions and Nodes
// are 0 and ties fall to template order. Manual, CRM and journey claims
// always outrank rule claims (see package buyinggroup).
//
// # Qualification rate
//
// [Rate] is the lead-to-buying-group qualification rate: the persons who
// hold at least one role in at least one group of their account (any
// source), over all persons. Sum accounts with [Rate.Add].
//
// # Performance without shortcuts that change results
//
// Evaluating a rule through the engine costs a few hundred nanoseconds, so
// 15 rules per person would cap throughput near 200,000 persons per second
// per core. [New] analyses each rule's syntax tree once and the evaluator
// uses three exact shortcuts:
//
//   - Shared rules: a rule source that several templates use is evaluated
//     once per person.
//   - Pre-filters: from the top-level conjunction of a rule it extracts
//     constraints "string field in {values}" (f == "x", "x" == f,
//     f in ["x", "y"], and an || of those on the same field), over scalar
//     fields of person and account. When a constraint fails the rule is
//     false without evaluation; when the rule is nothing but constraints
//     and all hold, it is true. Pre-filters apply only to rules that cannot
//     fail at run time (no indexing, no division, no non-constant regular
//     expression, only fields of person and account that always exist), so
//     a skipped rule is one that would have returned false, not an error.
//   - Memo: a rule that reads only scalar fields of person and account (no
//     time, no custom attributes, no collections) is a function of them.
//     Its result given that its constraints hold is kept per evaluator,
//     keyed by the exact values of the fields its other conjuncts read
//     (for `person.seniority in ["Director", "Manager"] &&
//     icontains(person.title, "data")`: the title). Rules whose keys are
//     subsets of another's share that key, so one lookup serves them. A
//     memo holds at most MemoSize entries (default 65,536) and then starts
//     afresh; errors are never remembered.
//
// The results, errors included, are exactly those of evaluating every
// rule: a test and a fuzz target compare both on persons of every kind, and
// [Config.Exhaustive] turns the shortcuts off. [Evaluator.Stats] counts
// evaluations, pre-filter decisions and memo hits. Host functions
// registered on the engine must be deterministic (as package rules
// requires), or the memo would differ from evaluation.
//
// A [Qualifier] is immutable and safe for concurrent use; an [Evaluator]
// is not (one per goroutine). The package does no I/O and reads no clock.
package qualify
