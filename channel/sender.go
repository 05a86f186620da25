package channel

import (
	"context"
	"fmt"

	"github.com/quorumhq/quorum/b2b"
)

// EmailSender delivers email. SendEmail is called with a validated message of
// ChannelEmail. It passes msg.Key to the provider as an idempotency key (for
// SMTP, a Message-ID derived from it), so that sending the same key twice
// delivers once wherever the provider honours it; a sender that knows it
// already delivered a key returns a Receipt with Duplicate set.
//
// It returns a *SendError (or any error matching ErrPermanent) for a failure
// that retrying cannot fix, or that a retry could turn into a second
// delivery (the provider may have accepted the message, and the sender
// cannot tell); other errors are retried. A permanent failure is recorded
// even when ctx was cancelled during the send. Implementations are safe
// for concurrent use and must not keep msg after returning.
type EmailSender interface {
	SendEmail(ctx context.Context, msg *Message) (Receipt, error)
}

// SMSSender delivers text messages; its contract is EmailSender's, with
// messages of ChannelSMS.
type SMSSender interface {
	SendSMS(ctx context.Context, msg *Message) (Receipt, error)
}

// AlertSender delivers sales alerts to sales users (by email, a CRM task, a
// chat webhook); its contract is EmailSender's, with messages of
// ChannelSalesAlert.
type AlertSender interface {
	SendAlert(ctx context.Context, msg *Message) (Receipt, error)
}

// ConsentLookup tells a person's current consent for a channel, so that the
// dispatcher checks consent once more at send time (a person may have
// unsubscribed since the message was enqueued). Implementations are safe for
// concurrent use; an unknown person is ConsentUnknown, not an error.
type ConsentLookup interface {
	Consent(ctx context.Context, person b2b.PersonID, ch b2b.Channel) (b2b.Consent, error)
}

// ConsentPolicy decides whether a consent statement allows a message. An
// opt-out always forbids and an opt-in always allows; the policy says what an
// unknown status (no statement, or a status "") means per channel. Any
// other status (a ConsentLookup that passes on a spelling of its own,
// "OPT-OUT") forbids: it may be an opt-out.
//
// The zero value allows email to unknown (the common B2B practice under
// legitimate interest) and forbids SMS to unknown (SMS commonly needs prior
// opt-in).
type ConsentPolicy struct {
	// DenyUnknownEmail forbids email without an opt-in: every email, as
	// a message does not say whether it is marketing (the engine sets it
	// when its program requires an opt-in for email).
	DenyUnknownEmail bool
	// AllowUnknownSMS allows SMS without an opt-in.
	AllowUnknownSMS bool
}

// Allows reports whether a message on ch may go to a person whose consent is
// c, and why.
func (p ConsentPolicy) Allows(ch Channel, c b2b.Consent) (bool, string) {
	if ch == ChannelSalesAlert {
		return true, "sales alerts go to sales users and need no consent"
	}
	switch c.Status {
	case b2b.ConsentOptOut:
		at := "time unknown" // an opt-out imported without its time, not one of the year 1
		if !c.At.IsZero() {
			at = c.At.Format("2006-01-02T15:04:05Z07:00")
		}
		return false, fmt.Sprintf("%s consent is opt-out (source %s, %s)", ch, orDash(c.Source), at)
	case b2b.ConsentOptIn:
		return true, fmt.Sprintf("%s consent is opt-in (source %s)", ch, orDash(c.Source))
	case b2b.ConsentUnknown, "":
	default:
		// Not "no statement": a statement in a spelling of its own
		// ("OPT-OUT", "unsubscribed"), perhaps an opt-out.
		return false, fmt.Sprintf("%s consent status %q (source %s) is not unknown, opt-in or opt-out: nothing is sent on a status the policy cannot read", ch, c.Status, orDash(c.Source))
	}
	allow := (ch == ChannelEmail && !p.DenyUnknownEmail) || (ch == ChannelSMS && p.AllowUnknownSMS)
	if allow {
		return true, fmt.Sprintf("%s consent is unknown and the policy allows %s without opt-in", ch, ch)
	}
	return false, fmt.Sprintf("%s consent is unknown and the policy requires an opt-in for %s", ch, ch)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
