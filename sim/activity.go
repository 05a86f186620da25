package sim

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Date returns the time at the start of day d of the simulation: the
// midnight d calendar days after Start, in Start's location.
func (w *World) Date(d int) time.Time { return w.Config.Start.AddDate(0, 0, d) }

// OpportunityChanges returns the opportunities created or closed on day d,
// as the CRM would report them at the end of that day.
func (w *World) OpportunityChanges(d int) []b2b.Opportunity {
	var out []b2b.Opportunity
	for ai := range w.intents {
		for si, it := range w.intents[ai] {
			if it.oppDay == d || (it.oppDay >= 0 && it.closeDay == d) {
				out = append(out, w.opportunity(ai, si, d+1))
			}
		}
	}
	return out
}

// Day returns the activities of day d (0-based), in time order (ties by
// ID). The same world always returns the same activities for a day. Its
// e-mail opens and clicks are of sales reps' e-mails (open_sales_email,
// click_sales_email); those of the program's e-mails are [Run]'s.
func (w *World) Day(d int) []b2b.Activity {
	var out []b2b.Activity
	for ai := range w.Accounts {
		out = w.appendAccountDay(out, ai, d)
	}
	slices.SortFunc(out, func(a, b b2b.Activity) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Activities yields every activity of the period, day by day.
func (w *World) Activities() iter.Seq[b2b.Activity] {
	return func(yield func(b2b.Activity) bool) {
		for d := range w.Config.Days {
			for _, a := range w.Day(d) {
				if !yield(a) {
					return
				}
			}
		}
	}
}

// AccountDay returns one account's activities of day d, for callers that
// generate accounts in parallel.
func (w *World) AccountDay(account, d int) []b2b.Activity {
	return w.appendAccountDay(nil, account, d)
}

const baseRate = 0.02 // activities per person per day without intent

func (w *World) appendAccountDay(out []b2b.Activity, ai, d int) []b2b.Activity {
	cfg := w.Config
	r := rand.New(rand.NewPCG(cfg.Seed^0x9e3779b97f4a7c15, uint64(ai)<<20|uint64(d)))
	wd := w.workday(ai, d)
	if wd.total == 0 {
		return out // a day of no hours: no one acts in it
	}
	for _, pi := range w.byAccount[ai] {
		tp := &w.people[pi]
		lead := &w.Persons[tp.records[0]]
		for si, it := range w.intents[ai] {
			rate := baseRate + 0.25*it.level*w.ramp(it, d)*roleFactor(tp.persona.role)
			// A scale of None (negative) is zero: no activity.
			rate *= tp.activity * max(cfg.ActivityScale, 0) / float64(len(w.intents[ai]))
			for k := range poisson(r, rate) {
				heat := it.level * w.ramp(it, d)
				a := b2b.Activity{
					ID:     b2b.ActivityID(fmt.Sprintf("act-%s-%d-%d-%d", lead.ID, d, si, k)),
					Person: lead.ID, Account: "", Source: b2b.SourceMarketo,
					Time: wd.at(time.Duration(r.IntN(10*3600)) * time.Second),
				}
				pickActivity(r, &a, heat, cfg.SolutionInterests[si])
				out = append(out, a)
			}
		}
	}
	return out
}

// ramp is how far into its buying window an interest is on day d: 0 before
// it opens, rising to 1 over two weeks, fading after a deal closes.
func (w *World) ramp(it intent, d int) float64 {
	if !it.inMarket || d < it.start {
		return 0
	}
	x := math.Min(1, float64(d-it.start+1)/14)
	if it.closeDay >= 0 && d > it.closeDay {
		x *= 0.3
	}
	return x
}

func roleFactor(role string) float64 {
	switch role {
	case "":
		return 0.2
	case RoleTechnicalEvaluator, RoleChampion:
		return 1.4
	case RoleEndUser, RoleInfluencer:
		return 0.8
	}
	return 1
}

// poisson draws from a Poisson distribution with mean lambda (small).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// pickActivity chooses the activity's type and attributes: the hotter the
// interest, the more high-intent actions (pricing page, demo request,
// webinar attendance).
func pickActivity(r *rand.Rand, a *b2b.Activity, heat float64, interest string) {
	a.Attributes = map[string]any{"solution": interest}
	x := r.Float64()
	switch {
	case x < 0.45:
		a.Type = b2b.ActivityVisitWebPage
		p := pages[weightedIndex(r, len(pages), heat)]
		a.Attributes["url"] = p.url
	case x < 0.62:
		// The world's own e-mail engagement is with e-mails the program
		// did not send (its sales reps'): the opens and clicks of the
		// program's e-mails come from the run's recording sender, so
		// the e-mail KPIs count those alone.
		a.Type = b2b.ActivityOpenSalesEmail
	case x < 0.72:
		a.Type = b2b.ActivityClickSalesEmail
	case x < 0.78:
		a.Type = b2b.ActivityClickLink
	case x < 0.86:
		a.Type = b2b.ActivityFillOutForm
		a.Attributes["form"] = forms[weightedIndex(r, len(forms), heat)].name
	case x < 0.91:
		a.Type = b2b.ActivityRegisterForEvent
		a.Attributes["event"] = "Webinar: " + interest
	case x < 0.95:
		if heat > 0.2 || r.Float64() < 0.3 {
			a.Type = b2b.ActivityAttendEvent
			a.Attributes["event"] = "Webinar: " + interest
		} else {
			a.Type = b2b.ActivityVisitWebPage
			a.Attributes["url"] = pages[0].url
		}
	default:
		a.Type = b2b.ActivityInterestingMoment
		a.Attributes["moment"] = "Viewed pricing twice"
	}
}

// weightedIndex picks one of n ordered options, skewed toward the high end
// as heat grows.
func weightedIndex(r *rand.Rand, n int, heat float64) int {
	u := r.Float64()
	// heat 0 -> mostly low options; heat 1 -> mostly high ones.
	v := math.Pow(u, 1/(0.35+2.5*heat))
	return min(n-1, int(v*float64(n)))
}
