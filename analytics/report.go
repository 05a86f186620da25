package analytics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// Ratio is a share with its counts. Value is Numerator / Denominator, or
// null (nil) with a Reason when the denominator is zero: a KPI with
// nothing to measure has no value, not 0.
type Ratio struct {
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Value       *float64 `json:"value"`
	Reason      string   `json:"reason,omitempty"`
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
// became qualified (a sales-ready stage or a ready level) in the period,
// over the accounts in the log; and the same for groups.
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
// To (the interest does not apply to it), whose time no group can take.
type Duration struct {
	Days         Average `json:"days"`
	Pending      int     `json:"pending"`
	Closed       int     `json:"closed,omitempty"`
	Unattributed int     `json:"unattributed,omitempty"`
	Ungrouped    int     `json:"ungrouped,omitempty"`
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

// Report computes the KPIs of the period from what the collector holds.
func (c *Collector) Report(p Period) (*Report, error) {
	to := p.To
	if to.IsZero() {
		to = c.latest
	}
	if !p.From.IsZero() && p.From.After(to) {
		return nil, fmt.Errorf("%w: from %s is after to %s", ErrPeriod, p.From.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(p.From) && !t.After(to) }
	by := func(t time.Time) bool { return !t.IsZero() && !t.After(to) }
	r := &Report{From: p.From, To: to, Events: c.counts, pairs: map[interestKey]bool{},
		Stages: []StageCount{}, Funnel: []JourneyFunnel{}, JourneyCompletion: JourneyCompletion{Journeys: []JourneyStats{}}}
	if !p.Through.IsZero() && p.Through.Before(to) {
		r.Through = p.Through
	}

	// An account merged into another by To is no account at To: it
	// leaves the counts of accounts and groups, the stocks and the
	// clocks still running; what it did before (its groups' durations,
	// alerts, journeys, e-mails) still counts.
	gone := func(a b2b.AccountID) bool { t, ok := c.merged[a]; return ok && by(t) }
	for _, a := range c.accountOrder {
		if by(c.accounts[a]) && !gone(a) {
			r.known = append(r.known, a)
		}
	}
	r.Accounts = len(r.known)
	c.groupKPIs(r, in, by, gone)
	c.velocity(r, in, by, gone)
	c.qualification(r, by, gone)
	c.alertKPI(r, in, by)
	c.journeyKPIs(r, in, by)
	c.emailKPI(r, in, by)
	return r, nil
}

func (c *Collector) groupKPIs(r *Report, in, by func(time.Time) bool, gone func(b2b.AccountID) bool) {
	var complete, snapped, qualifiedGroups int
	var scores []float64
	stages := map[string]int{}
	mqaAccounts := map[b2b.AccountID]bool{}
	for _, g := range c.groupOrder {
		if !by(g.created) || gone(g.key.account) {
			continue
		}
		r.Groups++
		reached := slices.ContainsFunc(g.reaches, in)
		r.pairs[interestKey{g.key.account, g.interest}] = r.pairs[interestKey{g.key.account, g.interest}] || reached
		if reached {
			qualifiedGroups++
			mqaAccounts[g.key.account] = true
		}
		s, ok := latestSnapshot(g.snaps, by)
		if !ok {
			continue
		}
		snapped++
		if s.completeness >= 1-epsilon {
			complete++
		}
		scores = append(scores, s.score)
		stages[s.stage]++
	}
	r.Completeness = ratio(complete, snapped, "no buying group has a snapshot (group.updated) by the end of the period")
	r.Engagement = average(scores, "no buying group has a score by the end of the period")
	r.MQA = MQA{Accounts: ratio(len(mqaAccounts), r.Accounts, "no account in the log by the end of the period"),
		Groups: ratio(qualifiedGroups, r.Groups, "no buying group created by the end of the period")}
	names := make([]string, 0, len(stages))
	for s := range stages {
		if !slices.Contains(c.cfg.StageOrder, s) {
			names = append(names, s)
		}
	}
	slices.Sort(names)
	for _, s := range append(slices.Clone(c.cfg.StageOrder), names...) {
		if n := stages[s]; n > 0 {
			r.Stages = append(r.Stages, StageCount{Stage: s, Groups: n, Share: ratio(n, snapped, "")})
		}
	}
}

// latestSnapshot is the last snapshot (in log order) taken by the time.
func latestSnapshot(snaps []snapshot, by func(time.Time) bool) (snapshot, bool) {
	for i := len(snaps) - 1; i >= 0; i-- {
		if by(snaps[i].at) {
			return snaps[i], true
		}
	}
	return snapshot{}, false
}

func (c *Collector) velocity(r *Report, in, by func(time.Time) bool, gone func(b2b.AccountID) bool) {
	var ready, opp []float64
	grouped := make(map[interestKey]bool, len(c.groupOrder))
	for _, g := range c.groupOrder {
		if !by(g.created) {
			continue
		}
		grouped[interestKey{g.key.account, g.interest}] = true
		running := !gone(g.key.account)
		closed := running && contains(c.cfg.ClosedStages, g.stageBy(by))
		switch first := firstAtOrAfter(g.reaches, g.created); {
		case in(first):
			ready = append(ready, days(first.Sub(g.created)))
		case !by(first) && closed:
			r.Velocity.ToSalesReady.Closed++
		case !by(first) && running:
			r.Velocity.ToSalesReady.Pending++
		}
		switch first := firstAtOrAfter(c.oppTimes[interestKey{g.key.account, g.interest}], g.created); {
		case in(first):
			opp = append(opp, days(first.Sub(g.created)))
		case !by(first) && closed:
			r.Velocity.ToOpportunity.Closed++
		case !by(first) && running:
			r.Velocity.ToOpportunity.Pending++
		}
	}
	for _, t := range c.unattributed {
		if in(t) {
			r.Velocity.ToOpportunity.Unattributed++
		}
	}
	for k, o := range c.opps {
		if o.interest != "" && in(o.at) && !grouped[interestKey{k.account, o.interest}] {
			r.Velocity.ToOpportunity.Ungrouped++
		}
	}
	r.Velocity.ToSalesReady.Days = average(ready, "no buying group became sales-ready in the period")
	r.Velocity.ToOpportunity.Days = average(opp, "no buying group got an opportunity in the period")
}

// firstAtOrAfter is the earliest time not before from; zero if none.
func firstAtOrAfter(times []time.Time, from time.Time) time.Time {
	var first time.Time
	for _, t := range times {
		if !t.Before(from) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

func days(d time.Duration) float64 { return d.Hours() / 24 }

func (c *Collector) qualification(r *Report, by func(time.Time) bool, gone func(b2b.AccountID) bool) {
	var persons, qualified int
	for _, a := range c.rateOrder {
		if gone(a) {
			continue
		}
		list := *c.rates[a]
		for i := len(list) - 1; i >= 0; i-- {
			if by(list[i].at) {
				persons += list[i].persons
				qualified += list[i].qualified
				r.Qualification.Accounts++
				break
			}
		}
	}
	r.Qualification.Ratio = ratio(qualified, persons, "no person to qualify by the end of the period")
}

func (c *Collector) alertKPI(r *Report, in, by func(time.Time) bool) {
	w := c.cfg.AlertResponseWindow
	ar := AlertResponse{WindowHours: w.Hours()}
	// A window that closes after the events end is judged by none of
	// them: the answer may have come after, so it counts as open.
	closedBy := r.To
	if !r.Through.IsZero() {
		closedBy = r.Through
	}
	// A response is a follow-up (alert.acted_on) within the window; an
	// acknowledgement alone (the rep saw the alert) is counted apart.
	closed := 0
	for _, a := range c.alertOrder {
		if !in(a.raised) {
			continue
		}
		ar.Raised++
		deadline := a.raised.Add(w)
		within := func(t time.Time) bool { return by(t) && !t.After(deadline) }
		ack, acted := within(a.ack), within(a.acted)
		if deadline.After(closedBy) {
			ar.Open++
			if acted {
				ar.OpenResponded++
			}
			continue
		}
		closed++
		if ack {
			ar.Acknowledged++
		}
		if acted {
			ar.ActedOn++
		} else if ack {
			ar.AcknowledgedOnly++
		}
	}
	for _, t := range c.orphans {
		if in(t) {
			ar.Unmatched++
		}
	}
	reason := "no alert raised in the period"
	if ar.Raised > 0 {
		reason = "the response window of every alert raised in the period is still open"
	}
	ar.Rate = ratio(ar.ActedOn, closed, reason)
	r.AlertResponse = ar
}

// nodesByFirstArrival lists a journey's nodes in the order of their first
// arrival (by time, then instance, then place in the instance's path, then
// node ID): the order of the paths instances take, and the same however
// the event log interleaves accounts.
func (j *journeyStats) nodesByFirstArrival() []journey.NodeID {
	first := make(map[journey.NodeID]arrival, len(j.nodeIDs))
	for _, node := range j.nodeIDs {
		for i, a := range j.nodes[node].arrivals {
			if i == 0 || a.compare(first[node]) < 0 {
				first[node] = a
			}
		}
	}
	out := slices.Clone(j.nodeIDs)
	slices.SortFunc(out, func(a, b journey.NodeID) int {
		return cmp.Or(first[a].compare(first[b]), cmp.Compare(a, b))
	})
	return out
}

// journeysByFirstArrival lists the journeys in the order of their first
// arrival (as nodesByFirstArrival orders nodes), those without one last,
// then by ID: the same however the event log interleaves accounts.
func (c *Collector) journeysByFirstArrival() []string {
	first := make(map[string]arrival, len(c.journeyIDs))
	for _, id := range c.journeyIDs {
		for _, n := range c.journeys[id].nodes {
			for _, a := range n.arrivals {
				if f, ok := first[id]; !ok || a.compare(f) < 0 {
					first[id] = a
				}
			}
		}
	}
	out := slices.Clone(c.journeyIDs)
	slices.SortFunc(out, func(a, b string) int {
		fa, aok := first[a]
		fb, bok := first[b]
		switch {
		case aok && bok:
			return cmp.Or(fa.compare(fb), cmp.Compare(a, b))
		case aok != bok:
			if aok {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	return out
}

// The states of an account's instances in a journey, as bits:
// journeyKPIs counts an account completed if any instance completed, else
// running if any runs, else exited.
const (
	accountExited uint8 = 1 << iota
	accountRunning
	accountCompleted
)

func (c *Collector) journeyKPIs(r *Report, in, by func(time.Time) bool) {
	overall := JourneyStats{}
	accounts := map[b2b.AccountID]uint8{}
	for _, id := range c.journeysByFirstArrival() {
		j := c.journeys[id]
		s := JourneyStats{Journey: id}
		clear(accounts)
		for _, inst := range j.order {
			if !in(inst.entered) {
				continue
			}
			s.Instances.Entered++
			switch {
			case !by(inst.ended):
				s.Instances.Running++
				accounts[inst.account] |= accountRunning
			case inst.completed:
				s.Instances.Completed++
				accounts[inst.account] |= accountCompleted
			default:
				s.Instances.Exited++
				accounts[inst.account] |= accountExited
			}
		}
		for _, st := range accounts {
			s.Entered++
			switch {
			case st&accountCompleted != 0:
				s.Completed++
			case st&accountRunning != 0:
				s.Running++
			default:
				s.Exited++
			}
		}
		for _, e := range j.orphanEnd {
			if in(e.At) {
				s.UnmatchedEnds++
			}
		}
		f := JourneyFunnel{Journey: id}
		for _, node := range j.nodesByFirstArrival() {
			n := NodeCount{Node: string(node)}
			seen := map[instKey]bool{}
			for _, a := range j.nodes[node].arrivals {
				if in(a.at) {
					n.Arrivals++
					seen[a.inst] = true
				}
			}
			if n.Instances = len(seen); n.Arrivals > 0 {
				f.Nodes = append(f.Nodes, n)
			}
		}
		if len(f.Nodes) > 0 {
			r.Funnel = append(r.Funnel, f)
		}
		if s.Entered == 0 && s.UnmatchedEnds == 0 {
			continue
		}
		s.Rate = ratio(s.Completed, s.Entered, "no account entered the journey in the period")
		r.JourneyCompletion.Journeys = append(r.JourneyCompletion.Journeys, s)
		overall.Entered += s.Entered
		overall.Completed += s.Completed
		overall.Exited += s.Exited
		overall.Running += s.Running
		overall.Instances.Entered += s.Instances.Entered
		overall.Instances.Completed += s.Instances.Completed
		overall.Instances.Exited += s.Instances.Exited
		overall.Instances.Running += s.Instances.Running
		overall.UnmatchedEnds += s.UnmatchedEnds
	}
	overall.Rate = ratio(overall.Completed, overall.Entered, "no journey entered in the period")
	r.JourneyCompletion.Overall = overall
}

// emailKPI counts the e-mails delivered in the period and, of them, those
// opened and clicked by To: an e-mail counts in the period it was
// delivered in, its engagement whenever it came before To.
func (c *Collector) emailKPI(r *Report, in, by func(time.Time) bool) {
	var e Email
	for _, t := range c.emailQueued {
		if in(t) {
			e.Queued++
		}
	}
	opened, clicked := 0, 0
	for _, res := range c.emailResults {
		switch {
		case !in(res.delivered):
		case by(res.bounced):
			e.Bounced++ // accepted by the sender, never delivered
		default:
			e.Delivered++
			if by(res.opened) {
				opened++
			}
			if by(res.clicked) {
				clicked++
			}
		}
		if in(res.failed) {
			e.Failed++
		}
		if in(res.suppressed) {
			e.Suppressed++
		}
	}
	for _, t := range c.unknownResult {
		if in(t) {
			e.UnknownResults++
		}
	}
	for _, a := range c.unmatched {
		if in(a.at) {
			e.UnmatchedOpens += a.opens
			e.UnmatchedClicks += a.clicks
		}
	}
	reason := "no e-mail delivered in the period"
	if e.Queued > 0 {
		reason = "e-mails were queued but none was delivered in the period"
	}
	e.OpenRate = ratio(opened, e.Delivered, reason)
	e.ClickRate = ratio(clicked, e.Delivered, reason)
	r.Email = e
}

func ratio(num, den int, reason string) Ratio {
	r := Ratio{Numerator: num, Denominator: den}
	if den == 0 {
		r.Reason = reason
		return r
	}
	v := round(float64(num) / float64(den))
	r.Value = &v
	return r
}

func average(xs []float64, reason string) Average {
	a := Average{Count: len(xs)}
	for _, x := range xs {
		a.Sum += x
	}
	a.Sum = round(a.Sum)
	if len(xs) == 0 {
		a.Reason = reason
		return a
	}
	mean := round(a.Sum / float64(len(xs)))
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	med = round(med)
	a.Mean, a.Median = &mean, &med
	return a
}

// round keeps 6 decimals, so reports are stable across platforms.
func round(x float64) float64 {
	return math.Round(x*1e6) / 1e6
}
