package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
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
	for i := range st.Groups {
		g := &st.Groups[i]
		var obs *channel.Observation
		if summary {
			obs = &channel.Observation{Account: st.Account, Group: ps.groupSummary(g), Interest: ps.channelInterest(g.Interest)}
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
