package b2b

import (
	"cmp"
	"time"
)

// Channel is a way to reach a person.
type Channel = string

// The channels Quorum sends on. A sales alert goes to a sales user, not to a
// person of the account, so it needs no consent.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelPhone Channel = "phone"
)

// Channels lists the channels that carry consent.
var Channels = []Channel{ChannelEmail, ChannelSMS, ChannelPhone}

// ConsentStatus is a person's statement about one channel.
type ConsentStatus = string

// Consent statuses. Unknown means no statement was ever recorded; whether a
// message may go out then is the sender's policy (marketing email commonly
// may, SMS commonly may not).
const (
	ConsentUnknown ConsentStatus = "unknown"
	ConsentOptIn   ConsentStatus = "opt-in"
	ConsentOptOut  ConsentStatus = "opt-out"
)

var consentStatuses = []string{ConsentUnknown, ConsentOptIn, ConsentOptOut}

// Consent is the latest consent statement for one channel, with where and
// when it was made.
type Consent struct {
	Status ConsentStatus `expr:"status" json:"status,omitzero"`
	Source Source        `expr:"source" json:"source,omitzero"`
	At     time.Time     `expr:"at" json:"at,omitzero"`
}

// Missing is the consent of a channel with no statement: status
// ConsentUnknown. It is what [Person.ConsentFor] gives for a channel
// missing from the person's Consent map, and what a rule reads for one
// (person.consent.email.status is "unknown"; see "Missing data" in
// package rules).
func (Consent) Missing() Consent { return Consent{Status: ConsentUnknown} }

// OptedOut reports whether the statement forbids messages on the channel.
func (c Consent) OptedOut() bool { return c.Status == ConsentOptOut }

// DefaultConsentWindow is how close in time two consent statements must be
// for the stricter to win over the later one (see [CompareConsent]).
const DefaultConsentWindow = 24 * time.Hour

// ConsentStrictness ranks a status by how much it restricts: 2 for
// opt-out, 1 for opt-in, and 0 for unknown (or any other value), which
// states nothing.
func ConsentStrictness(s ConsentStatus) int {
	switch s {
	case ConsentOptOut:
		return 2
	case ConsentOptIn:
		return 1
	}
	return 0
}

// CompareConsent says which of two statements about one person's consent
// for one channel wins under Quorum's one consent rule, "the strictest
// recent statement wins": +1 if a wins, -1 if b wins, 0 if the rule cannot
// tell them apart (same status, same time), which leaves the tie to the
// caller. In order:
//
//  1. a statement of opt-in or opt-out wins over one of unknown, which
//     states nothing;
//  2. of two statements made within window of each other (inclusive), the
//     stricter wins: opt-out over opt-in;
//  3. otherwise, and between statements of the same status, the later wins.
//
// So an unsubscribe is not undone by a sync an hour later that had not seen
// it, yet a person who opts in again a week later is opted in. A window of
// zero or less lets the stricter win only at the same time.
//
// Comparing statements in pairs, in any order, and keeping the winner of
// each comparison picks the statement that wins among all of them: the
// strictest of those within window of the latest, then the latest. That is
// how governance resolves a person's statements and how identity merges
// the statements of a person's source records, so the two agree.
func CompareConsent(a, b Consent, window time.Duration) int {
	sa, sb := ConsentStrictness(a.Status), ConsentStrictness(b.Status)
	if (sa == 0) != (sb == 0) {
		return cmp.Compare(sa, sb)
	}
	// Not a.At.Sub(b.At), which saturates for times centuries apart (an
	// undated statement is at the zero time).
	w := max(window, 0)
	if sa != sb && !a.At.After(b.At.Add(w)) && !b.At.After(a.At.Add(w)) {
		return cmp.Compare(sa, sb)
	}
	return a.At.Compare(b.At)
}
