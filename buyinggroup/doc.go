// Package buyinggroup holds solution interests, role templates and buying
// groups: who in an account plays which role in a purchase, how complete
// the committee is, and where the group stands in its buying stages.
//
// # Concepts
//
//   - A [SolutionInterest] is something sold to a committee: a product, a
//     solution category or a use case (the granularity is yours). It names
//     a role template, a stage model, the CRM product it maps to, and an
//     optional applicability rule over the account, its CRM opportunities
//     and the audiences it is in (account.employees >= 500,
//     any(opportunities, .status == "won") for a cross-sell,
//     "enterprise ICP" in audiences).
//   - A [RoleTemplate] lists the roles of the committee. Each [Role] has a
//     qualification rule (a boolean expression over person and account,
//     see [RoleEnv]), is required or optional, has MinMembers and
//     MaxMembers, a Weight for weighted completeness, a Priority for
//     tie-breaks, and the CRM opportunity contact roles (b2b.ContactRole*)
//     that fill it. [StandardTemplate] is the template shipped with the
//     library (Economic Buyer, Technical Evaluator and Champion required;
//     Decision Maker, Influencer, End User, Executive Sponsor and
//     Procurement optional).
//   - A [Group] is one account x one solution interest: claims, members by
//     role, history, completeness, stage and stage history, and a
//     free-text status with history. It is plain data that serialises to
//     JSON; stores persist it as is.
//   - A [StageModel] is a group's life cycle: stages, entry stages, one
//     success stage, failure stages, allowed transitions and automatic
//     transition rules over [StageEnv] (completeness, score, velocity,
//     opportunity). [DefaultStageModel] is Awareness -> Consideration ->
//     Decision -> Sales Ready -> Closed Won / Closed Lost.
//
// # Define and validate
//
//	cat, err := buyinggroup.Compile(buyinggroup.Definitions{
//		Interests: []buyinggroup.SolutionInterest{{
//			ID: "data-platform", Name: "Data Platform",
//			Template: buyinggroup.StandardTemplateID, CRMProduct: "Data Platform",
//			Applies: rules.Rule{Source: `account.employees >= 500`},
//		}},
//	}, buyinggroup.Config{Engine: eng})
//
// [Compile] checks everything and reports every problem at once as a
// *b2b.ValidationError with paths: duplicate role names, empty templates,
// unsatisfiable bounds, role weights that are negative or beyond
// [MaxRoleWeight], rules that do not compile (with line, column and
// caret), unknown references, stage models without an entry or a success
// stage:
//
//	buying-group definitions: 3 problems:
//	  templates[0].roles[0].maxMembers: unsatisfiable: at most 2 members but at least 3 required
//	  templates[0].roles[1].name: duplicate role name "Champion" (also roles[0])
//	  templates[0].roles[1].rule: rule "Champion" 1:14: method calls are not allowed (...)
//	      | person.title.contains("lead")
//	      |              ^
//
// Legal but doubtful definitions are warnings ([Catalog.Warnings]), not
// errors: more than [MaxRequiredRoles] (5) required roles ("templates with
// more than 5 required roles rarely complete; start with 3-5 essential
// roles"), a template with no required role, a CRM contact role outside
// Salesforce's standard picklist (compared as contact roles fill roles:
// case-insensitively, blanks around ignored), a stage no entry stage reaches, two
// interests with the same CRM product (an opportunity that names no
// interest goes to the first of them: the other's groups never get one).
//
// # Run
//
// The [Catalog] is immutable. Every operation takes a group and now and
// returns the new group and the events it caused; the old value is never
// modified, and nothing reads the clock:
//
//	g, evs, err := cat.NewGroup("acme", "data-platform", "", now)
//	g, evs, err = cat.SetRuleClaims(g, persons, claims, now) // from package qualify
//	g, evs, err = cat.AssignManual(g, "p-7", "Champion", "ann@corp", "met at the summit", now)
//	g, evs, err = cat.ApplyOpportunity(g, &opp, now)
//	g, evs, err = cat.RemovePerson(g, "p-3", "left the account", now)
//	g, evs, err = cat.ErasePerson(g, "p-4", now) // right to be forgotten: no trace left
//	g, evs, err = cat.Advance(g, buyinggroup.Signals{Score: 160, Velocity: 40}, now)
//	g, evs, err = cat.MoveTo(g, buyinggroup.StageSalesReady, "journey:pipeline", "alert sent", now)
//	g, evs, err = cat.SetStatus(g, "intro requested", "ann@corp", now)
//
// [Catalog.ApplyOpportunities] applies an account's opportunities
// together and resolves the members once, so that their order does not
// matter.
//
// The new group has lists of its own, but for the Values of its claims,
// members and stage changes, which it shares with the old one: replace a
// Values list, never modify it in place.
//
// # Membership: claims and precedence
//
// A group records what each source says as [Claim]s and resolves its
// members from them. Sources rank
//
//	manual (a marketer) > crm (an opportunity contact role) > journey > rule
//
// and a claim of a higher source is never overwritten or removed by a
// lower one: re-evaluating the rules replaces only rule claims, applying an
// opportunity replaces only that opportunity's claims. Resolution, per
// person: a manual exclusion ([Catalog.ExcludeManual]) removes the lower
// claims on the excluded role (or on every role); the best claim per role
// stands; the person holds at most MaxRolesPerPerson roles (default 1),
// best first: the higher source, then (between rule claims) the higher
// role priority and the more specific rule (package qualify measures it),
// between a marketer's assignments the later one (assigning a person who
// may hold one role to another moves them there), between other claims
// (CRM, journeys) the earlier one, then template order. A role
// with MaxMembers takes rule and journey members up to MaxMembers minus its
// manual and CRM members (those are never refused), keeping current
// members first; a person refused by a full role falls back to their next
// role.
//
// A group in a closed stage keeps its members as they were at the close
// (see Closed groups below).
//
// Every [Member] records its method, the rule name, expression and the
// values it saw (or the marketer, opportunity or journey), since when it
// holds the role and when its source last stated it. When a membership
// ends it moves to [Group.History] with the time and the reason: "left the
// account", "no qualification rule of the role matches any more", `holds
// "Champion" (manual) instead (at most 1 role(s) per person)`, `role
// "Champion" is full (at most 2 members; 1 manual or CRM, so 1 from rules
// and journeys)`, "excluded manually by ann", `template "t" has
// no role "Champion" any more` (a program that dropped or renamed the
// role; one renamed only in case or blanks around it, as role names are
// compared, is the same role, whose claims and members take its new
// name), ... [Catalog.NotHeld] says in the same words why a person does not
// hold a role a source claims for them.
//
// # Completeness
//
// For a role r with m_r = MinMembers (at least 1) and n_r members:
//
//	fill_r = min(n_r, m_r) / m_r
//
// Over the required roles R:
//
//	completeness          = Σ_{r∈R} fill_r / |R|
//	weighted completeness = Σ_{r∈R} w_r · fill_r / Σ_{r∈R} w_r
//
// Optional roles enter neither sum, so they never lower (nor raise)
// completeness; members beyond m_r add nothing. A template with no required
// role is complete (1). [Completeness.FilledRequired] counts the required
// roles with n_r >= m_r, and [Catalog.MissingRoles] lists the others (the
// targets of completeness campaigns). Worked examples (tested one by one):
//
//  1. Required Economic Buyer (weight 3), Technical Evaluator (2) and
//     Champion (2), optional End User; members: Economic Buyer, Technical
//     Evaluator, End User. Completeness = (1 + 1 + 0) / 3 = 0.667;
//     weighted = (3 + 2 + 0) / 7 = 0.714; missing: Champion.
//  2. Required Economic Buyer (MinMembers 1, weight 1, filled) and Champion
//     (MinMembers 3, weight 2) with 2 members: Champion contributes 2/3.
//     Completeness = (1 + 2/3) / 2 = 0.833; weighted = (1 + 2 · 2/3) / 3 =
//     0.778; missing: Champion (need 1).
//  3. As 2 with a third Champion and an optional Influencer of weight 10
//     and no member: completeness = weighted = 1.
//  4. As 1 with only three Champions: completeness = (0 + 0 + 1) / 3 =
//     0.333, weighted = 2 / 7 = 0.286.
//
// Each change recomputes [Group.Completeness] and
// [Group.WeightedCompleteness]; crossing one of the template's
// CompletenessThresholds (default 0.6 and 1, when they are nil; an empty
// list is none) emits [EventCompletenessCrossed] with its direction.
//
// # Stages
//
// [Catalog.MoveTo] moves a group on request; a move its stage model does
// not allow is refused with a [*TransitionError] that names both stages
// (matching [ErrTransitionNotAllowed]):
//
//	group "acme/dp": stage model "default" does not allow "Awareness" -> "Decision" (from "Awareness" it allows: Consideration, Sales Ready, Closed Won, Closed Lost)
//
// A move to the stage the group is in changes nothing and is no error.
//
// [Catalog.Advance] takes the automatic transitions whose rules hold,
// possibly several in one call (never entering a stage twice), recording
// the rule and the values it read (never rounded onto or across a number
// of the rule). A transition From "*" applies to every
// open stage. [Group.StageHistory] has the time of every change, so
// [Group.TimeInStage] and [Group.TimeToStage] (time to Sales Ready) are
// measurable.
//
// A program may rename or drop a stage that groups are in. Such a group
// is not stuck: [Catalog.Advance] first places it in its model's first
// entry stage, with a stage change whose reason says why (`stage model
// "funnel" has no stage "Engaged" any more: placed in its first entry
// stage "Lead"`), and the automatic transitions take it on from there in
// the same call, as far as their rules hold. [Catalog.MoveTo] may take it
// to any stage of the model. Until then the group counts as open, whatever
// the stage meant: rename a closed stage with care.
//
// # Closed groups
//
// A group in a closed stage of its model (the success stage or a failure
// stage: Closed Won, Closed Lost) keeps its membership as it was at the
// close, so that the committee that won or lost the deal stays on record
// for win/loss analysis and for readiness models trained on past
// committees: no person joins, leaves or changes role in it, and its
// completeness stays. [Catalog.Closed] says whether a group is closed, and
// why its membership is kept, in words.
//
//   - What the rules, the CRM and the account's persons say is still
//     recorded ([Catalog.SetRuleClaims], [Catalog.ApplyOpportunity] and
//     [Catalog.RemovePerson] update the claims), but the members stay. A
//     change that this holds back is an [EventMemberNotAdded] or an
//     [EventMemberNotRemoved] whose reason says why and what the source
//     said: `group closed: Closed Won on 2026-03-22; membership kept as at
//     close (left the account)`. A change held back once is not reported
//     again.
//   - A marketer's or a journey's change ([Catalog.AssignManual],
//     ExcludeManual, ClearManual, AssignFromJourney, RemoveFromJourney) is
//     refused with a [*ClosedError], which matches [ErrGroupClosed]:
//     `group "acme/dp": group closed: Closed Won on 2026-03-22; membership
//     kept as at close`.
//   - [Catalog.ErasePerson] still erases: the right to be forgotten comes
//     first. The person's memberships end, and no one else takes their
//     seat.
//   - Stages and statuses still change; engagement is not the catalog's
//     business (package scoring goes on scoring the account's activities).
//
// [DefaultStageModel] has no transition out of Closed Won. A group closed
// lost goes back to Awareness, by hand or when an open opportunity for its
// interest was created or changed after the close (a new deal, or the lost
// one reopened in the CRM): a stage change names the rule "opportunity
// reopened" and the values it read (opportunity.changedAt,
// group.stageSince). An opportunity that was open when a marketer closed
// the group by hand, and has not changed since, keeps it closed. A won
// opportunity changed after the close (a deal opened and won between two
// syncs of the CRM) takes a lost group to Closed Won (rule "opportunity
// won after the close"), its members kept as they were. Other
// models may have such transitions too; when [Catalog.MoveTo] or
// [Catalog.Advance] takes one, the
// members are resolved again from the claims recorded while the group was
// closed, with the events of the change (a membership whose claims went
// while the group was closed ends with "claim withdrawn while the group
// was closed"), and the group follows its sources from there.
//
// An account has one group per interest, so a person who qualifies for a
// closed group's interest after the close joins no group for it (unless
// the group reopens). New business after a deal (a cross-sell, a renewal,
// an expansion) is an interest of its own whose applicability rule reads
// the won opportunity, such as any(opportunities, .solutionInterest ==
// "data-platform" && .status == "won"); its group is created when the rule
// holds and qualifies the persons as any new group does.
//
// # Inspect: events
//
// Operations return [Event]s: group_created, member_added, member_removed,
// member_changed (same role, a new source or the same source stating it
// otherwise: another rule, another contact role that fills the role, a
// new note), role_filled and role_emptied (the
// role reached or fell below MinMembers), completeness_crossed,
// stage_changed, status_changed, contact_role_unmapped (a CRM contact
// role no role maps: reported when the opportunity first records it, never
// dropped silently), and
// member_not_added and member_not_removed (a change a closed group held
// back).
//
// A rule member whose rule matches again on other values (the person's
// title changed, the role stays) keeps its membership without an event:
// its Values, Expr and DecidedAt follow the new claim, and the group's
// UpdatedAt moves, but the membership is the same one, held by the same
// rule. Another rule, another contact role, another reference or note,
// or another source is a member_changed.
package buyinggroup
