package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
)

// raiseAlerts evaluates the program's alert rules on every group.
func (ps *pass) raiseAlerts() {
	if ps.p.Alerter == nil {
		return
	}
	st := ps.st
	if st.Alerts == nil {
		st.Alerts = map[string]channel.AlertState{}
	}
	summary := ps.p.Alerter.DecidesOnSummary()
	loc := ps.location() // alert conditions see now in the account's zone
	for i := range st.Groups {
		g := &st.Groups[i]
		var obs *channel.Observation
		if summary {
			obs = &channel.Observation{Account: st.Account, Group: ps.groupSummary(g), Interest: ps.channelInterest(g.Interest),
				Location: loc}
		} else {
			obs = ps.observation(g)
		}
		next, alerts, err := ps.p.Alerter.Evaluate(st.Alerts[g.ID], obs, ps.now)
		if summary && (err != nil || len(alerts) > 0) {
			// An alert fired: its routing and content read the whole
			// group, and the same evaluation decides the same (an error
			// can only come from routing on the summary).
			obs = ps.observation(g)
			next, alerts, err = ps.p.Alerter.Evaluate(st.Alerts[g.ID], obs, ps.now)
		}
		if err != nil {
			ps.log("alert.error", "", ps.now, map[string]string{"group": g.ID, "error": err.Error()})
			continue
		}
		st.Alerts[g.ID] = next
		for j := range alerts {
			al := &alerts[j]
			if al.Template == "" {
				al.Template = "sales-alert"
			}
			msg, err := ps.alertMessage(al, obs)
			if err != nil && al.Template != program.AlertTemplate {
				// The rule fired and its state moved on: it will not
				// fire again for this rise. The alert goes out with the
				// standard template rather than not at all, whether its
				// own failed to render or rendered what cannot be sent.
				ps.log("alert.error", "", ps.now, map[string]string{"group": g.ID, "alert": al.ID, "template": al.Template,
					"error": err.Error(), "sentWith": program.AlertTemplate})
				al.Template = program.AlertTemplate
				msg, err = ps.alertMessage(al, obs)
			}
			if err != nil {
				ps.skip("", "alert "+al.ID, err.Error())
				continue
			}
			ps.raised(*al)
			ps.log("alert.raised", "", al.At, map[string]any{"id": al.ID, "rule": al.Rule, "strategy": al.Strategy, "group": al.Group,
				"interest": al.SolutionInterest, "reason": al.Reason, "to": al.Route.To, "route": al.Route.Reason, "respondBy": al.At.Add(responseWindow)})
			ps.enqueue(msg, "", nil)
		}
	}
}

// alertMessage renders an alert's message and checks that it can be sent:
// an alert is raised (tracked for responses, logged, counted) only with a
// message queued for it.
func (ps *pass) alertMessage(al *channel.Alert, obs *channel.Observation) (channel.Message, error) {
	// The template shows the alert's time in the account's zone (its
	// .Now); the alert keeps its own.
	shown := *al
	shown.At = al.At.In(ps.location())
	msg, err := ps.p.Templates.AlertMessage(&shown, obs)
	if err == nil {
		err = msg.Validate()
	}
	return msg, err
}

// alertWindow is how long raised alerts are kept to match responses;
// responseWindow is how long after an alert a CRM activity on its account
// counts as a response (channel.ResponseConfig's default).
const (
	alertWindow    = 30 * 24 * time.Hour
	responseWindow = 7 * 24 * time.Hour
)

// raised remembers an alert for response tracking.
func (ps *pass) raised(al channel.Alert) {
	ps.alerts++
	al.View = channel.AlertView{}
	ps.st.Raised = append(ps.st.Raised, al)
}

// trackResponses matches the account's recent CRM activities to its
// recent alerts and logs each new acknowledgement and action.
func (ps *pass) trackResponses() {
	st := ps.st
	cut := ps.now.Add(-alertWindow)
	st.Raised = slices.DeleteFunc(st.Raised, func(a channel.Alert) bool { return a.At.Before(cut) })
	for id := range st.Responded {
		if !slices.ContainsFunc(st.Raised, func(a channel.Alert) bool { return a.ID == id }) {
			delete(st.Responded, id)
		}
	}
	if len(st.Raised) == 0 {
		return
	}
	acts := make([]b2b.Activity, len(st.Activities))
	for i, r := range st.Activities {
		acts[i] = r.responseActivity(ps.id)
	}
	if st.Responded == nil {
		st.Responded = map[string]channel.AlertResponse{}
	}
	for _, r := range channel.TrackResponses(st.Raised, acts, ps.now, channel.ResponseConfig{Window: responseWindow}) {
		prev := st.Responded[r.AlertID]
		if r.Acknowledged && !prev.Acknowledged {
			ps.log("alert.acknowledged", "", r.AckAt, map[string]any{"id": r.AlertID, "activity": r.AckBy})
		}
		if r.ActedOn && !prev.ActedOn {
			ps.log("alert.acted_on", "", r.ActedAt, map[string]any{"id": r.AlertID, "activity": r.ActedBy})
		}
		// A record's ID is a part of a string that holds its attributes
		// too: a response keeps a copy of its own, not the record's
		// string once the record is pruned (or erased).
		r.AckBy, r.ActedBy = ownID(r.AckBy, prev.AckBy), ownID(r.ActedBy, prev.ActedBy)
		st.Responded[r.AlertID] = r
	}
}

// ownID returns kept if id is the same ID, else a copy of id.
func ownID(id, kept b2b.ActivityID) b2b.ActivityID {
	if id == kept {
		return kept
	}
	return b2b.ActivityID(strings.Clone(string(id)))
}

// journeyAlert turns a journey's sales alert into an alert message for the
// account's owner (or the action's recipient).
func (ps *pass) journeyAlert(en *journey.OutboxEntry) {
	g := ps.groupFor(en)
	obs := ps.observation(g)
	to, reason := ps.alertRecipient(en, obs)
	al := channel.Alert{ID: en.Key, Rule: "journey " + en.Journey, Strategy: "journey", Account: ps.id, Group: g.ID,
		SolutionInterest: g.Interest, At: ps.now, Template: en.Template,
		Route: channel.Route{To: to, Target: en.To, Reason: reason}}
	if al.Template == "" {
		al.Template = program.AlertTemplate
	}
	reasonText := "journey " + en.Journey + " decided to alert sales"
	if en.Alert != nil && en.Alert.Reason != "" {
		// The decision that led to the alert (the split's path, the event
		// a listen heard, its timeout, an external call's answer); an
		// alert with none says the journey decided it.
		reasonText = en.Alert.Reason
	}
	al.Reason = reasonText
	al.View = channel.AlertView{ID: al.ID, Rule: al.Rule, Strategy: "journey", Reason: reasonText, Recipient: to, RouteReason: reason,
		RecentActivities: obs.RecentActivities, ReadinessReasons: obs.ReadinessReasons, NextAction: channel.RecommendNextAction(&obs.Group)}
	for _, m := range obs.Group.Members {
		if m.Score > 0 {
			al.View.EngagedMembers = append(al.View.EngagedMembers, m)
		}
	}
	slices.SortStableFunc(al.View.EngagedMembers, func(a, b channel.MemberView) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	if to == "" {
		ps.skip("", en.Key, "the sales alert has no recipient: "+reason)
		return
	}
	msg, err := ps.alertMessage(&al, obs)
	if err != nil {
		ps.skip("", en.Key, err.Error())
		return
	}
	msg.Tags["journey"], msg.Tags["node"] = en.Journey, string(en.Node)
	ps.raised(al)
	ps.log("alert.raised", "", ps.now, map[string]any{"id": al.ID, "rule": al.Rule, "strategy": "journey", "group": g.ID, "interest": g.Interest,
		"reason": reasonText, "to": to, "route": reason, "engaged": al.View.EngagedMembers, "missingRoles": obs.Group.MissingRoles,
		"respondBy": ps.now.Add(responseWindow)})
	ps.enqueue(msg, "", nil)
}

// alertRecipient resolves a journey alert's recipient. An explicit
// address in the action wins; otherwise the program's alert routing decides
// (owner, territory, specialist, rules, fallback queue), as for alert rules.
// A program without routing sends to the account owner when the owner is an
// address.
func (ps *pass) alertRecipient(en *journey.OutboxEntry, obs *channel.Observation) (string, string) {
	if b2b.ValidEmail(en.To) {
		if en.To == ps.st.Account.Owner {
			return en.To, "account owner"
		}
		return en.To, "the journey's recipient"
	}
	if ps.p.Alerter != nil {
		// Routing rules see now in the account's zone, as they do for
		// the alert rules' alerts.
		rt, err := ps.p.Alerter.Route(channel.AlertEnv{Account: obs.Account, Group: obs.Group, Interest: obs.Interest,
			Rule: "journey " + en.Journey, Strategy: "journey", Now: ps.now.In(ps.location())})
		if err != nil {
			return "", "routing failed: " + err.Error()
		}
		return rt.To, rt.Reason
	}
	if owner := ps.st.Account.Owner; b2b.ValidEmail(owner) {
		return owner, "account owner"
	}
	return "", "the account's owner is not an address and the program has no alert routing"
}
