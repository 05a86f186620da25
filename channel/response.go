package channel

import (
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// ResponseConfig says which CRM activities count as a response to an alert.
// The zero value uses the defaults below.
type ResponseConfig struct {
	// Window is how long after an alert an activity on its account counts
	// as a response. Default (zero or negative) 7 days.
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
	// RespondBy is when the alert's response window closes (the alert's
	// time plus the window); an action after it (naming the alert) is no
	// response in the rate.
	RespondBy time.Time
	// Open is true when the window is still open at now, acted on or not:
	// the alert is not in the rate yet.
	Open bool
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
	window := cfg.Window
	if window <= 0 {
		window = 7 * 24 * time.Hour
	}
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
		r.RespondBy = al.At.Add(window)
		r.Open = now.Before(r.RespondBy)
		r.Pending = r.Open && !r.ActedOn
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

// ResponseRate is the sales alert response rate KPI, computed as package
// analytics computes it (alertResponse): of the alerts whose response
// window has closed, those acted on within the window. An alert whose
// window is still open is not in the rate, acted on or not: counting
// early answers before the late ones can come would flatter the rate. An
// acknowledgement alone is no response, and an action after the window
// closed (naming the alert) is none either.
type ResponseRate struct {
	// Alerts is every alert; Open of them have their window still open
	// (not in the rate), OpenActedOn of those already acted on.
	Alerts      int
	Open        int
	OpenActedOn int
	// Of the closed alerts (Alerts - Open, Rate's denominator):
	// Acknowledged within the window, acted on or not; ActedOn within the
	// window (Rate's numerator); AcknowledgedOnly, acknowledged within
	// the window but not acted on within it.
	Acknowledged     int
	ActedOn          int
	AcknowledgedOnly int
	// Rate is ActedOn / (Alerts - Open); 0 when no window has closed.
	Rate float64
}

// ResponseRateOf computes the KPI from tracked responses.
func ResponseRateOf(rs []AlertResponse) ResponseRate {
	var k ResponseRate
	k.Alerts = len(rs)
	for _, r := range rs {
		if r.Open {
			k.Open++
			if r.ActedOn {
				k.OpenActedOn++
			}
			continue
		}
		acked := r.Acknowledged && !r.AckAt.After(r.RespondBy)
		acted := r.ActedOn && !r.ActedAt.After(r.RespondBy)
		switch {
		case acted:
			k.ActedOn++
		case acked:
			k.AcknowledgedOnly++
		}
		if acked {
			k.Acknowledged++
		}
	}
	if d := k.Alerts - k.Open; d > 0 {
		k.Rate = float64(k.ActedOn) / float64(d)
	}
	return k
}
