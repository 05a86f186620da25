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
	var complete, snapped, staged, qualifiedGroups int
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
		if s.stage != "" { // a group that never had a stage is in no row
			staged++
			stages[s.stage]++
		}
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
			r.Stages = append(r.Stages, StageCount{Stage: s, Groups: n, Share: ratio(n, staged, "")})
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
	// grouped holds, per account and interest, the creation of its
	// earliest group by To.
	// When each account's first group of each interest was created: a
	// deal before it counts apart (BeforeGroup).
	grouped := make(map[interestKey]time.Time, len(c.groupOrder))
	for _, g := range c.groupOrder {
		ik := interestKey{g.key.account, g.interest}
		if t, ok := grouped[ik]; by(g.created) && (!ok || g.created.Before(t)) {
			grouped[ik] = g.created
		}
	}
	for _, g := range c.groupOrder {
		if !by(g.created) {
			continue
		}
		ik := interestKey{g.key.account, g.interest}
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
		// A group whose account had a deal of its interest before any
		// group of it existed waited for none: it is neither pending nor
		// closed, and the deal counts apart (BeforeGroup). A deal that
		// came while an earlier group of the interest was there is that
		// group's.
		times := c.oppTimes[ik]
		switch first := firstAtOrAfter(times, g.created); {
		case in(first):
			opp = append(opp, days(first.Sub(g.created)))
		case by(first), slices.ContainsFunc(times, grouped[ik].After):
		case closed:
			r.Velocity.ToOpportunity.Closed++
		case running:
			r.Velocity.ToOpportunity.Pending++
		}
	}
	for _, t := range c.unattributed {
		if in(t) {
			r.Velocity.ToOpportunity.Unattributed++
		}
	}
	for k, o := range c.opps {
		if o.interest == "" || !in(o.at) {
			continue
		}
		switch first, ok := grouped[interestKey{k.account, o.interest}]; {
		case !ok:
			r.Velocity.ToOpportunity.Ungrouped++
		case o.at.Before(first):
			r.Velocity.ToOpportunity.BeforeGroup++
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
		ack, acted := within(firstResponse(a.acks, a.raised)), within(firstResponse(a.acts, a.raised))
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
	for _, o := range c.orphans {
		for _, t := range o.acts {
			if in(t) {
				ar.Unmatched++
			}
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
	// Rounded to 6 decimals, a share that is neither none nor all could
	// read 0 or 1 (1 of 3,000,000): such a share keeps its digits.
	exact := float64(num) / float64(den)
	v := round(exact)
	if (v == 0 && num != 0) || (v == 1 && num != den) {
		v = exact
	}
	r.Value = &v
	return r
}

func average(xs []float64, reason string) Average {
	a := Average{Count: len(xs)}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	a.Sum = round(sum)
	if len(xs) == 0 {
		a.Reason = reason
		return a
	}
	// The mean of the values, rounded once: the rounded sum's would be
	// off in its last decimal.
	mean := round(sum / float64(len(xs)))
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
