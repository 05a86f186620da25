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
//     and qualified even if the interest no longer applies); an
//     applicability rule that fails to evaluate decides nothing: the
//     interest gets no group, and the failure is reported in
//     [AccountResult.RuleErrors];
//  2. ends the memberships of persons who have claims in a group but are
//     no longer among the account's persons ("left the account"; the
//     history keeps them);
//  3. applies the contact roles of each opportunity to the groups of the
//     interests it matches (buyinggroup.Interest.MatchesOpportunity), all
//     of a group's opportunities at once, so that their order does not
//     matter; a
//     contact role of a person who is not among the account's persons
//     (the CRM's contact is in another account, or not known yet) fills
//     no role until the person is the account's;
//  4. evaluates every person against the template of every group, and
//     replaces the persons' rule claims with the matches: each claim
//     records the rule's name, its expression, the values it read
//     ("person.seniority" = "VP") and the time. A claim identical to the
//     stored one keeps its time, so re-evaluating an unchanged account
//     changes nothing and emits no event. A rule that fails to evaluate
//     for a person (package rules, "What can fail at run time") decides
//     nothing and is reported in [AccountResult.RuleErrors]: the claim the
//     same rule gave them before stands, and none is made; their other
//     rules and the account's other persons are qualified as usual.
//
// A group in a closed stage (Closed Won, Closed Lost) keeps its members
// as they were at the close: steps 2-4 record what the CRM, the account's
// persons and the rules say, but no person joins, leaves or changes role
// (package buyinggroup reports what it held back as member_not_added and
// member_not_removed events), and each decision about the group says why
// in [Decision.Frozen]: "group closed: Closed Won on 2026-03-22;
// membership kept as at close". Persons are still evaluated against its
// template, so a decision lists what the rules match now beside what the
// person holds. A person who qualifies after the close goes to the groups
// that are open, such as a cross-sell interest's group created when the
// deal was won; if the stage model lets the group leave its closed stage,
// it follows the claims again from there.
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
// decision lists every match ([Decision.Explain]) and, for a person who
// holds fewer roles than the template allows, why a match is not held
// ([Decision.NotHeld]: the role is full, or a marketer excluded them).
// With a rules engine
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
//
// # Readiness: when is a buying group ready for sales?
//
// Readiness looks at a buying group's [Features] (completeness, weighted
// completeness, group score, velocity over a window, engaged roles, days
// since the last activity, industry, employees, opportunity history) and
// returns a [ReadinessVerdict]: a level (ready, nurture, not yet), the
// journey [Tier] it leads to (fast-track to sales, intensified nurture,
// long-term awareness), the value it measured, and its reasons in words.
// Features, verdicts and examples are written as JSON as they are, a
// number that is not finite as the string "+Inf", "-Inf" or "NaN" (days
// since the last activity of a group never active, a model's
// contribution that overflowed), and read back. JSON that is not of
// features (or of a model's contribution) says which field, what it holds
// and where, counted in the features' JSON: `features: score: a JSON bool
// is not a number (line 3, column 14 of the features)`.
//
// Three interchangeable [ReadinessStrategy] implementations:
//
//   - [StrategyScore]: the group score against a ready and a nurture threshold.
//   - [StrategyCompletenessScore]: both completeness and score must hold,
//     so a high score with missing key roles is not handed to sales:
//     "completeness 0.33 < ready threshold 0.6; score 400 >= ready threshold 150".
//   - [StrategyModel]: a trained [Model] gives the probability of the
//     outcome; each feature's contribution to the log-odds, relative to an
//     average group of the training data, is the explanation:
//     "probability 0.73 >= ready threshold 0.70; completeness 0.8 (+1.2),
//     velocity +45 in 14 days (+0.9), no activity for 20 days (-0.6)".
//
// Reasons write scores and completeness with at most two decimals and
// probabilities with two, and more where a value below a threshold would
// otherwise read as equal to it: "score 149.996 < ready threshold 150". A
// completeness (in reasons and in a model's contributions) reads 0 or 1
// only when it is: 0.996 is "completeness 0.996", not a complete group;
// a velocity reads 0 only when the score did not move.
//
// Define: thresholds are plain fields; each strategy has Validate, and
// Assess returns errors such as "nurtureScore: 20 is above the ready score
// 10" or "features: completeness: must be between 0 and 1, got 2".
//
// Train: label past groups with [ModelOutcome] ("opportunity created
// within 90 days") and [FeaturesOpportunityHistory], then
// [ModelTrainer.Train]: L2-regularised logistic regression fitted by
// Newton's method on standardised features, on a seeded split (same seed,
// same model). The held-out part fills [Model.Evaluation]: AUC beside the
// score alone and the best single score threshold, Brier, log loss and a
// calibration table. Too little data is an [ErrModelData] error ("the
// training split has 0 positive and 75 negative examples, it needs at
// least 5 of each"), and so is a held-out share too small to measure the
// model, rather than a model that looks measured ("holdOut 0.001 keeps 0
// of the 400 examples out of training to measure the model, it needs at
// least 10 (5 positive and 5 negative)").
//
// Save and load: json.Marshal a model; [ModelFromJSON] refuses unknown
// fields and values of the wrong type, and validates versions, features,
// scales and metrics, reporting every problem with its path and, where the
// JSON holds the value, its line and column ("terms[0].scale: must be a
// positive finite number, got 0 (line 8, column 16)"; "terms[1].scale: a
// JSON string is not a number (line 12, column 16)").
//
// Choose thresholds with numbers: [Backtest] replays history over a grid
// of completeness and score thresholds and gives, per pair, the MQA volume
// and its precision (the share that became opportunities), as the guide
// recommends, so quality and volume can be traded knowingly.
package qualify
