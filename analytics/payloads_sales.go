package analytics

// The payloads of the sales side, opportunities and sales alerts,
// validated before any state changes (payloads.go reads the others).

import (
	"errors"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// opportunityPayload is the part of a b2b.Opportunity the KPIs read (its
// JSON names, or its Go field names as logs written before b2b's JSON
// tags have them: either matches).
type opportunityPayload struct {
	ID               b2b.OpportunityID
	SolutionInterest string
	Product          string
	CreatedAt        time.Time
}

// opportunity reads an opportunity.created or opportunity.changed event.
// An opportunity counts once, for the latest solution interest an event
// gave it (its own, or its product's by ProductInterests, case and blanks
// aside), at its creation time; until one is known it is unattributed. A change that
// gives an unattributed opportunity its interest (a CRM deal often gets
// its product after it was created) attributes it from its creation; one
// that gives it another interest (its product changed) moves it to that
// interest; one that gives it none leaves it where it was. Its creation
// time is the latest the CRM gave it (a change may correct it, as the
// engine keeps it). It counts for the account that holds it (see
// opportunityMoved).
func (c *Collector) opportunity(ev store.Event) error {
	var o opportunityPayload
	if err := decode(ev.Data, &o); err != nil {
		return err
	}
	if o.ID == "" {
		return errors.New("opportunity without ID")
	}
	interest := o.SolutionInterest
	if interest == "" {
		interest = c.products[productKey(o.Product)]
	}
	k := oppKey{ev.Account, o.ID}
	prev, seen := c.opps[k]
	at := o.CreatedAt
	switch {
	case seen:
		// A change that gives no interest leaves the deal where it was,
		// and one that gives no creation time keeps the one it had; a
		// creation time the CRM corrected (the engine keeps it) is the
		// deal's from then on.
		if interest == "" {
			interest = prev.interest
		}
		if at.IsZero() {
			at = prev.at
		}
		if interest == prev.interest && at.Equal(prev.at) {
			return nil // counted so already
		}
		c.forget(k, prev)
	case at.IsZero():
		at = ev.Time
	}
	c.opps[k] = oppAt{interest, at}
	if interest == "" {
		c.unattributed[k] = at
		return nil
	}
	ik := interestKey{ev.Account, interest}
	c.oppTimes[ik] = append(c.oppTimes[ik], at)
	return nil
}

// forget takes back what an opportunity counted for: its interest's
// time, or its place among the unattributed.
func (c *Collector) forget(k oppKey, o oppAt) {
	delete(c.opps, k)
	if o.interest == "" {
		delete(c.unattributed, k)
		return
	}
	ik := interestKey{k.account, o.interest}
	times := c.oppTimes[ik]
	if i := slices.IndexFunc(times, o.at.Equal); i >= 0 {
		c.oppTimes[ik] = slices.Delete(times, i, i+1)
	}
}

// opportunityMoved reads opportunity.moved: the CRM put the deal on
// another account ({id, to}; a merge hands its account's deals over
// likewise), which logs it as created. The account it left no longer
// counts it, in any period: a deal counts once, for the groups of the
// account that holds it, from its creation.
func (c *Collector) opportunityMoved(ev store.Event) error {
	var p struct {
		ID b2b.OpportunityID `json:"id"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.ID == "" {
		return errors.New("opportunity without ID")
	}
	k := oppKey{ev.Account, p.ID}
	if o, ok := c.opps[k]; ok { // else created before the log began
		c.forget(k, o)
	}
	return nil
}

func (c *Collector) alert(ev store.Event) error {
	var p struct {
		ID string `json:"id"`
	}
	if err := decode(ev.Data, &p); err != nil {
		return err
	}
	if p.ID == "" {
		return errors.New("alert without id")
	}
	k := alertKey{ev.Account, p.ID}
	a := c.alerts[k]
	switch ev.Type {
	case "alert.raised":
		// An alert raised twice in the log (its order not its times') was
		// raised at the earliest time the log dates it.
		if a == nil {
			a = &alert{raised: ev.Time}
			c.alerts[k] = a
			c.alertOrder = append(c.alertOrder, a)
			// The responses the log held before the raise are its own.
			if o := c.orphans[k]; o != nil {
				for _, t := range o.acks {
					a.acks = keepResponse(a.acks, t, a.raised)
				}
				for _, t := range o.acts {
					a.acts = keepResponse(a.acts, t, a.raised)
				}
				delete(c.orphans, k)
			}
		} else if ev.Time.Before(a.raised) {
			a.raised = ev.Time
		}
	case "alert.acknowledged":
		// An acknowledgement of an alert the log never raised is no
		// response (the rate counts follow-ups): not counted as one.
		if a != nil {
			a.acks = keepResponse(a.acks, ev.Time, a.raised)
		} else {
			c.orphan(k).acks = append(c.orphan(k).acks, ev.Time)
		}
	default:
		if a == nil {
			c.orphan(k).acts = append(c.orphan(k).acts, ev.Time)
		} else {
			a.acts = keepResponse(a.acts, ev.Time, a.raised)
		}
	}
	return nil
}

// orphan returns the responses held for alert k, not seen raised yet.
func (c *Collector) orphan(k alertKey) *alert {
	o := c.orphans[k]
	if o == nil {
		o = &alert{}
		c.orphans[k] = o
	}
	return o
}

// keepResponse adds a response's time to an alert's (sorted), keeping
// only those that can be the alert's first response: those dated before
// the alert (which answer nothing, unless the log dates the alert again,
// earlier) and the earliest at or after it. The engine matches no
// activity dated before an alert, and a log whose times are not its order
// must not count one either.
func keepResponse(times []time.Time, t, raised time.Time) []time.Time {
	i, found := slices.BinarySearchFunc(times, t, time.Time.Compare)
	if !found {
		times = slices.Insert(times, i, t)
	}
	if j := slices.IndexFunc(times, func(t time.Time) bool { return !t.Before(raised) }); j >= 0 {
		times = times[:j+1]
	}
	return times
}

// firstResponse is an alert's first response at or after it (zero: none).
func firstResponse(times []time.Time, raised time.Time) time.Time {
	if j := slices.IndexFunc(times, func(t time.Time) bool { return !t.Before(raised) }); j >= 0 {
		return times[j]
	}
	return time.Time{}
}
