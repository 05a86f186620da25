package b2b

import "time"

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

// OptedOut reports whether the statement forbids messages on the channel.
func (c Consent) OptedOut() bool { return c.Status == ConsentOptOut }
