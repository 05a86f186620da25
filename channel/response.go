package channel

import (
	"cmp"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// ResponseConfig says which CRM activities count as a response to an alert.
// The zero value uses the defaults below.
type ResponseConfig struct {
	// Window is how long after an alert an activity on its account counts
	// as a response. Default 7 days.
	Window time.Duration
	// AckTypes acknowledge an alert (the rep saw it). Default
	// "alert_acknowledged", "alert_opened".
	AckTypes []string
	// ActionTypes act on it (the rep followed up). Default: Salesforce
	// activities and tasks, sales emails, logged calls, booked meetings and
	// opportunity changes ("sfdc_activity", "sfdc_activity_updated",
	// "send_sales_email", "call_logged", "meeting_booked", "task_completed",
	// "add_to_opportunity", "update_opportunity").
	ActionTypes []string
}

// Default response activity types.
var (
	DefaultAckTypes    = []string{"alert_acknowledged", "alert_opened"}
	DefaultActionTypes = []string{"sfdc_activity", "sfdc_activity_updated", "send_sales_email", "call_logged",
		"meeting_booked", "task_completed", "add_to_opportunity", "update_opportunity"}
)

// AlertResponse is how sales responded to one alert.
type AlertResponse struct {
	AlertID      string
	Acknowledged bool
	AckAt        time.Time
	AckBy        b2b.ActivityID
	ActedOn      bool
	ActedAt      time.Time
	ActedBy      b2b.ActivityID
	// Pending is true when the alert has no action yet and its window is
	// still open: it counts neither as a response nor as a miss.
	Pending bool
}

// TrackResponses matches CRM activities to alerts. An activity responds to an
// alert when it names it (attribute "alertId" equal to the alert's ID, at any
// time after the alert) or, without such an attribute, when it is on the
// alert's account (and, if it has a "solutionInterest" attribute, for the
// alert's solution interest) within the window after the alert. Acting on an
// alert also acknowledges it. The earliest matching activities are kept.
// The result has one response per alert, in the alerts' order.
func TrackResponses(alerts []Alert, acts []b2b.Activity, now time.Time, cfg ResponseConfig) []AlertResponse {
	window := cmp.Or(cfg.Window, 7*24*time.Hour)
	ackTypes, actionTypes := cfg.AckTypes, cfg.ActionTypes
	if len(ackTypes) == 0 {
		ackTypes = DefaultAckTypes
	}
	if len(actionTypes) == 0 {
		actionTypes = DefaultActionTypes
	}
	out := make([]AlertResponse, len(alerts))
	for i := range alerts {
		al := &alerts[i]
		r := AlertResponse{AlertID: al.ID}
		for j := range acts {
			a := &acts[j]
			isAck, isAction := slices.Contains(ackTypes, a.Type), slices.Contains(actionTypes, a.Type)
			if (!isAck && !isAction) || a.Time.Before(al.At) || a.Time.After(now) || !responds(al, a, window) {
				continue
			}
			if isAction && (!r.ActedOn || a.Time.Before(r.ActedAt)) {
				r.ActedOn, r.ActedAt, r.ActedBy = true, a.Time, a.ID
			}
			if !r.Acknowledged || a.Time.Before(r.AckAt) {
				r.Acknowledged, r.AckAt, r.AckBy = true, a.Time, a.ID
			}
		}
		r.Pending = !r.ActedOn && now.Before(al.At.Add(window))
		out[i] = r
	}
	return out
}

func responds(al *Alert, a *b2b.Activity, window time.Duration) bool {
	if id := a.Attr("alertId"); id != "" {
		return id == al.ID
	}
	if a.Account != al.Account || a.Time.After(al.At.Add(window)) {
		return false
	}
	si := a.Attr("solutionInterest")
	return si == "" || si == al.SolutionInterest
}

// ResponseRate is the sales alert response rate KPI: the share of alerts
// acted on, among alerts that are acted on or whose window has closed.
type ResponseRate struct {
	Alerts       int
	Acknowledged int
	ActedOn      int
	Pending      int
	// Rate is ActedOn / (Alerts - Pending); 0 when nothing is decided yet.
	Rate float64
}

// ResponseRateOf computes the KPI from tracked responses.
func ResponseRateOf(rs []AlertResponse) ResponseRate {
	var k ResponseRate
	k.Alerts = len(rs)
	for _, r := range rs {
		switch {
		case r.ActedOn:
			k.ActedOn++
		case r.Pending:
			k.Pending++
		}
		if r.Acknowledged {
			k.Acknowledged++
		}
	}
	if d := k.Alerts - k.Pending; d > 0 {
		k.Rate = float64(k.ActedOn) / float64(d)
	}
	return k
}
