package analytics

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Ratio is a share with its counts. Value is Numerator / Denominator,
// rounded to 6 decimals (but a share that is neither none nor all, which
// would round to 0 or 1, such as 1 of 3,000,000, keeps its digits), or
// null (nil) with a Reason when the denominator is zero: a KPI with
// nothing to measure has no value, not 0.
type Ratio struct {
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Value       *float64 `json:"value"`
	Reason      string   `json:"reason,omitempty"`
}

// Percent writes r as a percentage with one decimal, as the text report
// does, or "n/a" when it has no value. A share that is neither none nor
// all never rounds to 0.0% or 100.0%, which would say that nothing, or
// everything, is so: it reads "<0.1%" or ">99.9%".
func (r Ratio) Percent() string {
	if r.Value == nil {
		return "n/a"
	}
	s := fmt.Sprintf("%.1f%%", *r.Value*100)
	switch {
	case r.Numerator > 0 && s == "0.0%":
		return "<0.1%"
	case r.Numerator < r.Denominator && s == "100.0%":
		return ">99.9%"
	}
	return s
}

// Average is a mean (and median) with its sum and count; Mean and Median
// are null with a Reason when Count is zero.
type Average struct {
	Sum    float64  `json:"sum"`
	Count  int      `json:"count"`
	Mean   *float64 `json:"mean"`
	Median *float64 `json:"median"`
	Reason string   `json:"reason,omitempty"`
}

// Report holds the KPIs of a period, as of its To. Its JSON field names
// are stable (see the package documentation for each).
type Report struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Through is the period's Through when it is before To (the events
	// end before the as-of time), else zero.
	Through time.Time `json:"through,omitzero"`
	// Events says what happened to the events fed to the collector (all
	// of them, not only the period's).
	Events Counts `json:"events"`
	// Accounts are the accounts in the log at To (any event names them),
	// but those merged into another by then; Groups the buying groups
	// created by To, but those of merged accounts.
	Accounts int `json:"accounts"`
	Groups   int `json:"groups"`

	Completeness      Ratio             `json:"completenessRate"`
	Engagement        Average           `json:"engagementScore"`
	MQA               MQA               `json:"mqa"`
	Velocity          Velocity          `json:"pipelineVelocity"`
	Qualification     Qualification     `json:"qualificationRate"`
	AlertResponse     AlertResponse     `json:"alertResponse"`
	JourneyCompletion JourneyCompletion `json:"journeyCompletion"`
	Email             Email             `json:"email"`
	Stages            []StageCount      `json:"stages"`
	Funnel            []JourneyFunnel   `json:"journeyFunnel"`
	// Truth is set by [Report.CompareTruth].
	Truth *TruthComparison `json:"groundTruth,omitempty"`

	// pairs are the (account, interest) pairs of the groups known at To,
	// true for those that became qualified in the period.
	pairs map[interestKey]bool
	known []b2b.AccountID
}

// MQA is the marketing-qualified-account rate: accounts with a group that
// became qualified (a sales-ready stage or a ready level, the group in no
// closed stage) in the period, over the accounts in the log; and the same
// for groups.
type MQA struct {
	Accounts Ratio `json:"accounts"`
	Groups   Ratio `json:"groups"`
}

// Velocity is the pipeline velocity in days, from a group's creation.
type Velocity struct {
	ToSalesReady  Duration `json:"toSalesReady"`
	ToOpportunity Duration `json:"toOpportunity"`
}

// Duration is a set of group durations in days that ended in the period.
// Pending counts the groups known at To whose clock still runs; Closed
// those that had not got there and were in a closed stage at To
// (Config.ClosedStages: their deal won or lost), whose clock stopped.
// Neither counts the groups of accounts merged by To.
// Unattributed (opportunities only) counts the period's opportunities
// that no event gave a solution interest, which no group can claim;
// Ungrouped those of an interest for which their account had no group by
// To (the interest does not apply to it), whose time no group can take;
// BeforeGroup those created before any group of their interest existed on
// their account (a first CRM sync brings the deals the CRM already held),
// which end no group's clock: a group whose account had such a deal, and
// none created at or after the group, is neither pending nor closed.
type Duration struct {
	Days         Average `json:"days"`
	Pending      int     `json:"pending"`
	Closed       int     `json:"closed,omitempty"`
	Unattributed int     `json:"unattributed,omitempty"`
	Ungrouped    int     `json:"ungrouped,omitempty"`
	BeforeGroup  int     `json:"beforeGroup,omitempty"`
}

// Qualification is the lead-to-buying-group qualification rate: each
// account's latest qualify.rate at To, summed; Accounts is how many
// accounts reported one.
type Qualification struct {
	Ratio
	Accounts int `json:"accounts"`
}

// AlertResponse is the sales-alert response rate, the guide's
// alert-to-activity conversion: of the alerts raised in the period whose
// response window closed by To, those that sales followed up
// (alert.acted_on: a CRM activity such as a logged call, a meeting or a
// sales e-mail) within the window. An acknowledgement alone
// (alert.acknowledged: the rep saw or opened the alert) is no response;
// the acknowledgements are counted apart.
type AlertResponse struct {
	Rate Ratio `json:"rate"`
	// WindowHours is the response window.
	WindowHours float64 `json:"windowHours"`
	// Raised in the period. Of the closed ones (Rate's denominator):
	// ActedOn, followed up within the window (Rate's numerator);
	// Acknowledged, acknowledged within the window, followed up or not
	// (the engine logs an acknowledgement with each follow-up, the rep
	// having seen the alert); AcknowledgedOnly, acknowledged within the
	// window but not followed up within it (seen, with no activity).
	Raised           int `json:"raised"`
	Acknowledged     int `json:"acknowledged"`
	ActedOn          int `json:"actedOn"`
	AcknowledgedOnly int `json:"acknowledgedOnly"`
	// Open: raised in the period, window still open at To, or at the
	// period's Through when the events end before To (not in the rate);
	// OpenResponded of them already followed up (acted on; an
	// acknowledgement alone is no response).
	Open          int `json:"open"`
	OpenResponded int `json:"openResponded"`
	// Unmatched: follow-ups (alert.acted_on) in the period of alerts the
	// log never raised (not in the rate).
	Unmatched int `json:"unmatched,omitempty"`
}

// JourneyCompletion is the account-journey completion rate, overall and
// per journey, in order of their first arrival (by time, then account:
// the same however the log interleaves accounts), then by ID.
type JourneyCompletion struct {
	Overall  JourneyStats   `json:"overall"`
	Journeys []JourneyStats `json:"journeys"`
}

// JourneyStats is the completion of a journey (or, overall, of every
// journey) by the accounts that entered it in the period: Rate is
// Completed / Entered. An account counts once per journey, however often
// it entered it in the period: Completed if any of those instances ended
// completed by To, as its journey defines it (journey.Ended.Completed: a
// completion end node or goal); else Running if one had not ended at To;
// else Exited (they all ended otherwise: exit criterion, abort, a merge).
// Overall sums the journeys: its counts are (account, journey) pairs, an
// account in two journeys counting in each. Instances counts the
// instances (entries) themselves. UnmatchedEnds are ends in the period of
// instances whose entry the log does not hold (not in the rate).
type JourneyStats struct {
	Journey       string    `json:"journey,omitempty"`
	Rate          Ratio     `json:"rate"`
	Entered       int       `json:"entered"`
	Completed     int       `json:"completed"`
	Exited        int       `json:"exited"`
	Running       int       `json:"running"`
	Instances     Instances `json:"instances"`
	UnmatchedEnds int       `json:"unmatchedEnds,omitempty"`
}

// Instances counts the journey instances (an account's entries) entered
// in the period: Completed ended completed by To, Exited ended otherwise,
// Running had not ended at To.
type Instances struct {
	Entered   int `json:"entered"`
	Completed int `json:"completed"`
	Exited    int `json:"exited"`
	Running   int `json:"running"`
}

// Email is the e-mail engagement of the program's e-mails: of the e-mails
// delivered in the period, those opened (OpenRate) and those clicked
// (ClickRate) by To, each e-mail once however often it was opened or
// clicked; an open or a click is tied to its e-mail by the message key
// the activity names (b2b.AttrMessageKey). Queued, Delivered, Failed and
// Suppressed count e-mail messages (keys queued on the e-mail channel) by
// the time of each event. An e-mail the sender accepted in the period
// (message.delivered) but whose provider reported a bounce by To (an
// activity of Config.BounceTypes naming it) never reached its recipient:
// it is counted in Bounced, not in Delivered nor in the rates.
// UnknownResults are delivery results for keys the log never queued.
type Email struct {
	OpenRate       Ratio `json:"openRate"`
	ClickRate      Ratio `json:"clickRate"`
	Queued         int   `json:"queued"`
	Delivered      int   `json:"delivered"`
	Bounced        int   `json:"bounced"`
	Failed         int   `json:"failed"`
	Suppressed     int   `json:"suppressed"`
	UnknownResults int   `json:"unknownResults,omitempty"`
	// UnmatchedOpens and UnmatchedClicks are the opens and clicks logged
	// in the period that no e-mail of the program accounts for: their
	// activities name no message, or a message the log never queued on
	// the e-mail channel (another sender's e-mail, a log written before
	// activities were tied to messages). They are not in the rates.
	UnmatchedOpens  int `json:"unmatchedOpens,omitempty"`
	UnmatchedClicks int `json:"unmatchedClicks,omitempty"`
}

// StageCount is how many groups are in a stage at To, and their share of
// the groups with a known stage.
type StageCount struct {
	Stage  string `json:"stage"`
	Groups int    `json:"groups"`
	Share  Ratio  `json:"share"`
}

// JourneyFunnel counts, per node of a journey (journeys and nodes in order
// of first arrival, as [JourneyCompletion]'s journeys), the arrivals of tracks in the period and the distinct
// instances (account entries) they belong to. An arrival is a journey
// decision (enter, send, skip, wait, path, node, ...) naming another node
// than the track's previous decision.
type JourneyFunnel struct {
	Journey string      `json:"journey"`
	Nodes   []NodeCount `json:"nodes"`
}

// NodeCount is one node of a [JourneyFunnel].
type NodeCount struct {
	Node      string `json:"node"`
	Arrivals  int    `json:"arrivals"`
	Instances int    `json:"instances"`
}
