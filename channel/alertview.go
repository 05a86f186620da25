package channel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxRecentActivities is how many recent activities an alert lists.
const MaxRecentActivities = 5

// buildView assembles an alert's content: the group's status, its engaged
// members by score, missing roles, the latest activities (their times in
// loc, the account's zone, as the alert's message shows them), the
// readiness reasons and a recommended next action.
func buildView(al *Alert, r *compiledAlertRule, obs *Observation, loc *time.Location) AlertView {
	v := AlertView{
		ID: al.ID, Rule: al.Rule, Strategy: string(al.Strategy), Reason: al.Reason,
		Recipient: al.Route.To, RouteReason: al.Route.Reason,
		ReadinessReasons: slices.Clone(obs.ReadinessReasons),
	}
	for _, m := range obs.Group.Members {
		if m.Score > 0 {
			v.EngagedMembers = append(v.EngagedMembers, m)
		}
	}
	slices.SortStableFunc(v.EngagedMembers, func(a, b MemberView) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Name, b.Name))
	})
	acts := slices.Clone(obs.RecentActivities)
	slices.SortStableFunc(acts, func(a, b ActivityView) int { return b.Time.Compare(a.Time) })
	if len(acts) > MaxRecentActivities {
		acts = acts[:MaxRecentActivities]
	}
	for i := range acts {
		acts[i].Time = acts[i].Time.In(loc)
	}
	v.RecentActivities = acts
	// A rule's next action of blanks only is none: the alert's would be
	// blank, and a template that prints it required.
	v.NextAction = cmp.Or(strings.TrimSpace(r.NextAction), RecommendNextAction(&obs.Group))
	return v
}

// RecommendNextAction suggests what sales should do next with a group:
// without members, research the account; with members of whom none has
// engaged, reach out to the first member; with missing roles, ask the
// most engaged member (an engaged Champion first) to introduce them;
// otherwise meet the most engaged members. A member is named by name,
// else by email, else by ID, as in DefaultAlertTemplate.
func RecommendNextAction(g *GroupView) string {
	var engaged []MemberView
	for _, m := range g.Members {
		if m.Score > 0 {
			engaged = append(engaged, m)
		}
	}
	slices.SortStableFunc(engaged, func(a, b MemberView) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Name, b.Name))
	})
	if len(engaged) == 0 {
		if len(g.Members) == 0 {
			return "Research the account: the buying group has no members yet"
		}
		return "Reach out to " + who(g.Members[0]) + ": no member has engaged yet"
	}
	if len(g.MissingRoles) > 0 {
		ask := engaged[0]
		if i := slices.IndexFunc(engaged, func(m MemberView) bool { return strings.EqualFold(m.Role, "Champion") }); i >= 0 {
			ask = engaged[i]
		}
		return fmt.Sprintf("Ask %s to introduce the missing %s", who(ask), andList(g.MissingRoles))
	}
	if len(engaged) == 1 {
		return fmt.Sprintf("Book a meeting with %s: the buying group is complete", who(engaged[0]))
	}
	return fmt.Sprintf("Book a meeting with %s and %s: the buying group is complete", who(engaged[0]), who(engaged[1]))
}

// who names a member as the default alert template does: by name, else
// by email, else by ID (a name or an email of blanks only is none).
func who(m MemberView) string {
	name := cmp.Or(strings.TrimSpace(m.Name), strings.TrimSpace(m.Email), string(m.Person))
	if m.Role == "" {
		return name
	}
	return name + " (" + m.Role + ")"
}

func andList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
