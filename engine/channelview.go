package engine

import (
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/qualify"
)

// channelGroup is a buying group as templates and alerts see it. It is
// built once per group per pass (many recipients share it); callers copy
// it before changing fields.
func (ps *pass) channelGroup(g *buyinggroup.Group) channel.GroupView {
	if v, ok := ps.views[g.ID]; ok && v.rev == ps.viewRev {
		return v.view
	}
	v := ps.buildChannelGroup(g)
	if ps.views == nil {
		ps.views = map[string]cachedView{}
	}
	ps.views[g.ID] = cachedView{rev: ps.viewRev, view: v}
	return v
}

type cachedView struct {
	rev  int
	view channel.GroupView
}

// groupSummary is a group's view without its members and missing roles:
// what alert rules that decide on a summary read (see
// channel.Alerter.DecidesOnSummary).
func (ps *pass) groupSummary(g *buyinggroup.Group) channel.GroupView {
	st := ps.st
	name := g.Interest
	if in, ok := ps.p.Groups.Interest(g.Interest); ok && in.Name != "" {
		name = in.Name
	}
	v := channel.GroupView{ID: g.ID, SolutionInterest: g.Interest, Name: name + " for " + accountLabel(&st.Account),
		Completeness: g.Completeness, Stage: g.Stage}
	if gs := st.GroupScores[g.ID]; gs != nil {
		v.Score = gs.Score
	}
	if r := st.Readiness[g.ID]; r != nil {
		v.Qualified = r.Level == qualify.ReadinessReady
	}
	return v
}

// accountLabel is what a group's name calls its account: its name, else
// its first domain (a record without a name has one), else its ID.
func accountLabel(a *b2b.Account) string {
	switch {
	case strings.TrimSpace(a.Name) != "":
		return a.Name
	case len(a.Domains) > 0:
		return a.Domains[0]
	}
	return string(a.ID)
}

func (ps *pass) buildChannelGroup(g *buyinggroup.Group) channel.GroupView {
	st := ps.st
	v := ps.groupSummary(g)
	if missing, err := ps.p.Groups.MissingRoles(*g); err == nil {
		for _, m := range missing {
			v.MissingRoles = append(v.MissingRoles, m.Role)
		}
	}
	for _, m := range g.Members {
		pe := st.person(m.Person)
		if pe == nil {
			continue
		}
		v.Members = append(v.Members, channel.MemberView{Person: m.Person, Name: pe.Person.Name(), Title: pe.Person.Title, Email: pe.Person.Email,
			Role: m.Role, Persona: personaOf(&pe.Person), Score: ps.personScoreIn(g.Interest, m.Person), Reason: m.Explain()})
	}
	return v
}

func personaOf(p *b2b.Person) string {
	parts := slices.DeleteFunc([]string{p.Seniority, p.Department}, func(s string) bool { return s == "" })
	return strings.Join(parts, ", ")
}

func (ps *pass) channelInterest(id string) channel.SolutionInterest {
	out := channel.SolutionInterest{ID: id, Name: id}
	if in, ok := ps.p.Groups.Interest(id); ok {
		out.Name, out.Description, out.URL = in.Name, in.Description, in.URL
		if out.Name == "" {
			out.Name = id
		}
	}
	return out
}

// recentActivities are the group members' latest activities, newest
// first, their times in the account's zone (as alerts show them).
func (ps *pass) recentActivities(g *buyinggroup.Group, n int) []channel.ActivityView {
	st := ps.st
	loc := ps.location()
	var out []channel.ActivityView
	for i := len(st.Activities) - 1; i >= 0 && len(out) < n; i-- {
		r := st.Activities[i]
		roles := g.RolesOf(r.Person)
		if len(roles) == 0 {
			continue
		}
		name := string(r.Person)
		if pe := st.person(r.Person); pe != nil {
			name = pe.Person.Name()
		}
		out = append(out, channel.ActivityView{Time: r.Time.In(loc), Person: name, Role: roles[0], Type: r.Type, Description: describe(r)})
	}
	return out
}

func describe(r activityRecord) string {
	attrs := r.attrs()
	for _, k := range []string{"form", "url", "event", "campaign", "moment"} {
		if v := attrs.get(k); v != "" {
			return strings.ReplaceAll(r.Type, "_", " ") + " " + v
		}
	}
	return strings.ReplaceAll(r.Type, "_", " ")
}

func (ps *pass) observation(g *buyinggroup.Group) *channel.Observation {
	obs := &channel.Observation{Account: ps.st.Account, Group: ps.channelGroup(g), Interest: ps.channelInterest(g.Interest),
		RecentActivities: ps.recentActivities(g, channel.MaxRecentActivities), Location: ps.location()}
	if r := ps.st.Readiness[g.ID]; r != nil {
		obs.ReadinessReasons = r.Reasons
	}
	return obs
}
