package journey

import (
	"fmt"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Config holds what journeys share: the rules engine, the vocabulary
// definitions are checked against, and the cross-journey policies (caps,
// consent) that steps apply. The zero value is usable: the default rules
// engine, no role check, no caps, and the default consent policy.
type Config struct {
	// Rules compiles every condition; nil means rules.New().
	Rules rules.Engine
	// Roles is the role vocabulary (from the buying-group templates).
	// Recipients, role counts and assign-role actions naming another role
	// are validation problems. Empty means roles are not checked.
	Roles []string
	// SolutionInterests are the program's solution interests (IDs). With
	// more than one, an account may have a buying group of each, and what
	// acts on or reads one buying group must say which where the journey
	// cannot tell: see [Action] and [AccountEnv]. Empty means this is not
	// checked.
	SolutionInterests []string
	// Caps are the cross-journey frequency caps per person and channel.
	Caps []Cap
	// Consent decides what an unknown consent statement allows.
	Consent ConsentPolicy
	// MaxTransitions bounds the nodes one track may pass in one step (a
	// validated journey cannot loop without a wait for a duration, a
	// listen or an external node; this is a second guard), a step that
	// runs late counting all the nodes it passes as its waits end: a
	// track over the bound exits. It bounds the go-tos that hand an
	// account over at one moment of a step too (journeys published in a
	// catalog cannot go to each other without a wait; see [GoTo]): the
	// instance of the go-to over the bound exits. Zero means 1000.
	MaxTransitions int
}

// CapPolicy is what happens to a message over a cap.
type CapPolicy string

// The cap policies.
const (
	CapSkip  CapPolicy = "skip"  // drop the message, recorded in the trace (default)
	CapDefer CapPolicy = "defer" // send it when the cap allows, within MaxDefer
)

// A Cap limits messages per person: at most Max messages on Channel (empty:
// every message channel) of Category (empty: every category) within Per,
// counted across all journeys of the account.
//
// Per counts days on the calendar of the account whose step checks the
// cap, in its time zone ([AccountView].Location), as a [Wait]'s For does:
// a message counts until Per after it on that calendar, when a wait of
// Per from it would end. At 10:00, "7d" counts the messages since 10:00
// seven days before on the clock, even when the clocks changed to or from
// daylight saving time in between (the week is then 167 or 169 hours),
// so a journey that mails weekly under a cap of one message per 7d sends
// every week, and a message the cap defers goes out at the clock time of
// the one it waits for, Per later. Every whole 24 hours of Per is a day,
// what is left ("1d12h": 12 hours) and a Per under a day are elapsed
// time, and a clock time that the day Per later skips or shows twice is
// read as a wait's end is (see [Wait]): a message of the second 02:30 of
// the night clocks go back counts until 02:30 a week later, one of 02:45
// the week before until the first 02:45 of that night. The messages of
// other accounts (Input.Contacts) count on the calendar of the step's
// account too. In UTC, and in a zone that keeps its offset, a day is 24
// hours.
type Cap struct {
	Name     string      `json:"name"`
	Channel  b2b.Channel `json:"channel,omitempty"`
	Category string      `json:"category,omitempty"`
	Max      int         `json:"max"`
	Per      Duration    `json:"per"`
	Policy   CapPolicy   `json:"policy,omitempty"`
	// MaxDefer bounds how long a deferred message may wait; past it the
	// message is skipped. It counts days on the account's calendar from
	// the time the message was first deferred, as Per does ("1d" at 23:00
	// ends at 23:00 the next day). Zero means Per; a message that several
	// caps defer may wait the longest of theirs. It is read only with
	// policy defer: set with no policy (which skips), it is a validation
	// problem.
	MaxDefer Duration `json:"maxDefer,omitempty"`
}

// ConsentPolicy says, per channel, whether a person whose consent is
// unknown may be messaged. An opt-out is never messaged. The zero value
// allows unknown consent on email and requires an opt-in on SMS.
type ConsentPolicy struct {
	// RequireOptIn lists the channels that need an explicit opt-in. Nil
	// means {sms}.
	RequireOptIn []b2b.Channel
}

// RequiresOptIn reports whether the policy needs an explicit opt-in to
// message a person on ch (a person whose consent is unknown is not
// messaged there).
func (p ConsentPolicy) RequiresOptIn(ch b2b.Channel) bool {
	if p.RequireOptIn == nil {
		return ch == b2b.ChannelSMS
	}
	for _, c := range p.RequireOptIn {
		if c == ch {
			return true
		}
	}
	return false
}

// Validate reports every problem with the configuration.
func (c *Config) Validate() error {
	var ps b2b.Problems
	seen := map[string]int{}
	for i, cp := range c.Caps {
		p := fmt.Sprintf("caps[%d]", i)
		if cp.Name == "" {
			ps.Addf(p+".name", "is required")
		} else if j, dup := seen[cp.Name]; dup {
			ps.Addf(p+".name", "duplicate cap %q (also caps[%d])", cp.Name, j)
		} else {
			seen[cp.Name] = i
		}
		if cp.Max < 1 {
			ps.Addf(p+".max", "must be at least 1, got %d", cp.Max)
		}
		if cp.Per <= 0 {
			ps.Addf(p+".per", "must be positive")
		} else if why := tooLong(cp.Per); why != "" {
			ps.Addf(p+".per", "%s", why)
		}
		if cp.Channel != "" && cp.Channel != b2b.ChannelEmail && cp.Channel != b2b.ChannelSMS {
			ps.Addf(p+".channel", "unknown message channel %q (known: email, sms)", cp.Channel)
		}
		if cp.Policy != "" && cp.Policy != CapSkip && cp.Policy != CapDefer {
			ps.Addf(p+".policy", "unknown policy %q (want skip or defer)", cp.Policy)
		}
		if cp.MaxDefer < 0 {
			ps.Addf(p+".maxDefer", "must not be negative")
		} else if why := tooLong(cp.MaxDefer); why != "" {
			ps.Addf(p+".maxDefer", "%s", why)
		} else if cp.MaxDefer > 0 && cp.Policy == "" {
			// A cap written to defer, with its policy left out, skips
			// (drops) its messages instead. One that names skip says
			// what it does.
			ps.Addf(p+".maxDefer", "is read only with policy defer; the policy is left out, so the cap skips its messages (name the policy: defer or skip)")
		}
	}
	for i, ch := range c.Consent.RequireOptIn {
		if ch != b2b.ChannelEmail && ch != b2b.ChannelSMS && ch != b2b.ChannelPhone {
			ps.Addf(fmt.Sprintf("consent.requireOptIn[%d]", i), "unknown channel %q (known: email, sms, phone)", ch)
		}
	}
	if c.MaxTransitions < 0 {
		ps.Addf("maxTransitions", "must not be negative")
	}
	return ps.Err("journey config")
}

func (c Config) withDefaults() Config {
	if c.Rules == nil {
		c.Rules = rules.New()
	}
	if c.MaxTransitions == 0 {
		c.MaxTransitions = 1000
	}
	return c
}

// ContactWindow is how far back before a time a step decides at the
// messages its caps may count reach, in the account's zone loc: the
// longest Per, and a day more for a cap of days outside UTC (a cap counts
// days on the account's calendar, and a week over the end of summer time
// is 7 times 24 hours and one; no zone goes back a day); zero without
// caps. A step that runs late decides at each time something came due,
// so its caps reach ContactWindow before the earliest of them (see
// [Config.ContactsAfter]). A state forgets its contacts older than
// ContactWindow before its step's Now: a later step decides at Now or
// after, but for an event dated before Now, which counts the state's own
// messages only from there.
func (c *Config) ContactWindow(loc *time.Location) time.Duration {
	var w time.Duration
	for _, cp := range c.Caps {
		w = max(w, time.Duration(cp.Per))
	}
	if w >= 24*time.Hour && loc != time.UTC {
		w += 24 * time.Hour
	}
	return w
}

// ContactsAfter is how far back the messages that a step of st with in
// may count reach: a cap counts no message at or before it, so the
// messages of other accounts after it are all Input.Contacts needs. A
// step decides at Now, and one that runs late decides first at the times
// its tracks and deferred messages came due (st.Due) and its events
// happened, each as the step at that time would have (a cap of "1 per
// 7d" checked at a wait's end three days before Now counts the messages
// of seven days before that end): so it is ContactWindow before the
// earliest of st.Due, the events' times and Now. It is the zero time
// without caps. The zone is the view's, as the step's.
func (c *Config) ContactsAfter(st *State, in Input) time.Time {
	var loc *time.Location
	if in.View != nil {
		loc = in.View.Location
		if loc == nil {
			loc = in.View.Account.Location()
		}
	} else {
		loc = time.UTC
	}
	w := c.ContactWindow(loc)
	if w == 0 {
		return time.Time{}
	}
	from := in.Now
	if st != nil && !st.Due.IsZero() && st.Due.Before(from) {
		from = st.Due
	}
	for i := range in.Events {
		if at := in.Events[i].At; !at.IsZero() && at.Before(from) {
			from = at
		}
	}
	return from.Add(-w)
}
