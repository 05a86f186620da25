package channel

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Channel names the way a message travels. Email and SMS go to persons of an
// account and need their consent; a sales alert goes to a sales user.
type Channel = string

// The channels a message can take.
const (
	ChannelEmail      Channel = b2b.ChannelEmail
	ChannelSMS        Channel = b2b.ChannelSMS
	ChannelSalesAlert Channel = "sales_alert"
)

// A Message is one rendered message, ready to deliver. Its Key is the
// idempotency key: the same logical message (one journey step for one person,
// one alert) always has the same key, however often it is enqueued, claimed or
// sent, so the outbox stores it once and a sender that honours the key
// delivers it once.
type Message struct {
	Key     string  `json:",omitempty"` // idempotency key; required, at most 200 bytes
	Channel Channel `json:",omitempty"` // ChannelEmail, ChannelSMS or ChannelSalesAlert

	Account b2b.AccountID `json:",omitempty"` // the account the message is about
	Person  b2b.PersonID  `json:",omitempty"` // the recipient person; empty for sales alerts
	// Template names the template it was rendered from, for reports.
	// An SMS without one, a text the host wrote, is held by Validate to
	// DefaultSMSMaxSegments parts; one rendered from a template was held
	// to the template's limit (Templates.RenderSMS).
	Template string `json:",omitempty"`

	// From is the sender: for email and sales alerts one address, bare
	// or with a display name ("Acme Marketing <news@acme.com>"); for SMS
	// a number or a sender ID. Senders may default it.
	From string `json:",omitempty"`
	// To is the recipient's email address (email, sales alert) or phone
	// number (SMS). A phone number is in international format, in E.164
	// ("+442079460958") or as b2b.E164Phone reads it ("0044 20 7946
	// 0958", "+44 20 7946 0958"): the dispatcher gives senders its E.164
	// form.
	To string `json:",omitempty"`
	// ReplyTo is one email address, bare or with a display name
	// ("Vendor Team <team@vendor.example>"); email and sales alerts only.
	ReplyTo string `json:",omitempty"`

	Subject string `json:",omitempty"` // email and sales alert
	HTML    string `json:",omitempty"` // email and sales alert
	Text    string `json:",omitempty"` // the plain-text part, or the SMS body

	// ListUnsubscribe is the one-click unsubscribe URL (https) put in the
	// List-Unsubscribe header of marketing email; ListUnsubscribeMailto is
	// an optional mailto: alternative (a mailto: link, or a bare address
	// that channel/smtp writes as one).
	ListUnsubscribe       string `json:",omitempty"`
	ListUnsubscribeMailto string `json:",omitempty"`

	// Tags are free-form labels carried to the sender and the receipt
	// (journey, node, alert rule), never shown to the recipient.
	Tags map[string]string `json:",omitempty"`
}

// Validate reports every problem with the message at once.
func (m *Message) Validate() error { return m.validate(true) }

// ValidateAddressing reports every problem with the message but its
// rendered parts (subject, HTML, text): key, channel, recipient, sender and
// person. An outbox that renders its messages at delivery checks this when
// the message is queued and Validate once it is rendered.
func (m *Message) ValidateAddressing() error { return m.validate(false) }

// maxKeyLen is the longest idempotency key, in bytes: a key is a column
// of an outbox table and a header of providers' APIs.
const maxKeyLen = 200

func (m *Message) validate(content bool) error {
	var ps b2b.Problems
	switch {
	case m.Key == "":
		ps.Addf("key", "is required (the idempotency key)")
	case len(m.Key) > maxKeyLen:
		ps.Addf("key", "is %d bytes long; at most %d", len(m.Key), maxKeyLen)
	}
	// An array, not a slice: checking every message must not allocate.
	for _, f := range [...]struct{ path, value string }{{"key", m.Key}, {"to", m.To}, {"from", m.From}, {"replyTo", m.ReplyTo},
		{"subject", m.Subject}, {"listUnsubscribe", m.ListUnsubscribe}, {"listUnsubscribeMailto", m.ListUnsubscribeMailto}} {
		if strings.ContainsAny(f.value, "\r\n") {
			ps.Addf(f.path, "a line break is not allowed (header injection)")
		}
	}
	if m.To == "" {
		ps.Addf("to", "is required")
	}
	switch m.Channel {
	case ChannelEmail, ChannelSalesAlert:
		if m.To != "" && !b2b.ValidEmail(m.To) {
			ps.Addf("to", "%q is not a valid email address", m.To)
		}
		if m.From != "" && !strings.ContainsAny(m.From, "\r\n") && !replyAddress(m.From) {
			// The sender would refuse it at every send.
			ps.Addf("from", "%q is not an email address (one address, bare or with a display name)", m.From)
		}
		if m.ReplyTo != "" && !strings.ContainsAny(m.ReplyTo, "\r\n") && !replyAddress(m.ReplyTo) {
			ps.Addf("replyTo", "%q is not an email address (one address, bare or with a display name)", m.ReplyTo)
		}
		// Blanks only are none: such a message goes out empty.
		if content && strings.TrimSpace(m.Subject) == "" {
			ps.Addf("subject", "is required for %s (a blank subject is none)", m.Channel)
		}
		if content && strings.TrimSpace(m.HTML) == "" && strings.TrimSpace(m.Text) == "" {
			ps.Addf("text", "an email needs an HTML or a text part (a blank part is none)")
		}
		if m.Channel == ChannelEmail && m.Person == "" {
			ps.Addf("person", "is required for email (consent is checked per person)")
		}
	case ChannelSMS:
		if _, ok := b2b.E164Phone(m.To); m.To != "" && !ok {
			ps.Addf("to", "%q is not a phone number in international format (+ or 00, the country code and the number: 7 to 15 digits)", m.To)
		}
		switch {
		case content && strings.TrimSpace(m.Text) == "":
			// A blank text is no message: RenderSMS trims a rendering.
			ps.Addf("text", "is required for sms (a blank text is none)")
		case content && m.Template == "":
			// Written by the host, not rendered: held to the limit a
			// template has by default. (Templates.RenderSMS held a
			// rendered text to its template's own.)
			ps.Add("text", checkSMSLength(m.Text, DefaultSMSMaxSegments, smsHostLimit))
		}
		if m.Person == "" {
			ps.Addf("person", "is required for sms (consent is checked per person)")
		}
	case "":
		ps.Addf("channel", "is required")
	default:
		ps.Addf("channel", "unknown channel %q (want email, sms or sales_alert)", m.Channel)
	}
	if ps.Len() == 0 {
		return nil // before Err: its argument, boxed, would cost every valid message an allocation
	}
	return ps.Err("message %q", m.Key)
}

// smsHostLimit says where the limit of an SMS a host wrote itself comes
// from, and how to send a longer one.
const smsHostLimit = "the default for a text not rendered from a template; one rendered from an SMS template is held to its maxSegments"

// replyAddress reports whether s is one email address, bare
// ("team@vendor.example") or with a display name ("Vendor Team
// <team@vendor.example>").
func replyAddress(s string) bool {
	if b2b.ValidEmail(s) {
		return true // the usual case, without net/mail's allocations
	}
	a, err := mail.ParseAddress(s)
	return err == nil && b2b.ValidEmail(a.Address)
}

// ValidPhone reports whether s is an E.164 number: '+' then 7 to 15 digits,
// the first not 0 (the shortest numbers in use have 7: Niue's and
// Tokelau's, a three-digit country code and four digits). An SMS may be
// addressed to a number in another international format, which
// b2b.E164Phone turns into this one ("0044 20 7946 0958" is
// "+442079460958").
func ValidPhone(s string) bool {
	e, ok := b2b.E164Phone(s)
	return ok && e == s
}

// Status is where an outbox entry is in its life.
type Status string

// Entry statuses. Pending and Sending are live; the others are final.
const (
	StatusPending    Status = "pending"    // waiting for its next attempt
	StatusSending    Status = "sending"    // claimed by a dispatcher, under a lease
	StatusDelivered  Status = "delivered"  // the sender accepted it
	StatusFailed     Status = "failed"     // permanently refused, or out of attempts
	StatusSuppressed Status = "suppressed" // not sent: consent forbade it at send time
)

// Final reports whether an entry in this status will never be sent again.
func (s Status) Final() bool {
	return s == StatusDelivered || s == StatusFailed || s == StatusSuppressed
}

// An Entry is a message in the outbox with its delivery state.
type Entry struct {
	ID string // assigned by the outbox
	// Seq tells apart the entries an ID names in turn, where the outbox
	// may give an erased entry's ID to a new one (the engine's does;
	// MemoryOutbox never reuses an ID and leaves it 0): Record passes it
	// back, so that the outcome of the old entry's claim is not recorded
	// for the new one.
	Seq     int64
	Message Message
	Status  Status
	// Attempts counts claims: it is 1 during the first attempt. It is also
	// the fencing token of a claim (see Outbox.Record).
	Attempts    int
	NextAttempt time.Time // when a pending entry is due
	LeaseUntil  time.Time // when a sending entry's claim expires
	// LastError is the error of the last outcome recorded with one (a
	// failed attempt, a suppression); MemoryOutbox keeps it when a later
	// attempt delivers the message.
	LastError string
	Receipt   Receipt // set once delivered
	CreatedAt time.Time
	UpdatedAt time.Time
}

// A Receipt is what a sender says about an accepted message. Its JSON
// keys are camelCase, as in the engine's message.delivered event
// ({"providerId":...,"duplicate":false,"at":...}); encoding/json matches
// keys regardless of case, so a receipt stored with the field names as
// keys ({"ProviderID":...}) reads the same.
type Receipt struct {
	// ProviderID is the provider's message ID (an SMTP Message-ID, an SMS
	// provider's message SID, an alert ID); empty when the provider
	// accepted the message without one the sender could read.
	ProviderID string `json:"providerId"`
	// Duplicate is true when the sender recognised the idempotency key and
	// did not send again.
	Duplicate bool      `json:"duplicate"`
	At        time.Time `json:"at"`
}

// Sentinel errors.
var (
	// ErrPermanent is matched by a send error that retrying cannot fix (a
	// rejected address, a 4xx from an SMS API about the message, an SMTP
	// 5xx reply to MAIL FROM, RCPT TO or DATA), or that a retry could
	// deliver twice (no SMTP reply after the whole message was sent).
	ErrPermanent = errors.New("permanent delivery failure")
	// ErrNotFound is returned by an outbox for an unknown entry.
	ErrNotFound = errors.New("outbox entry not found")
	// ErrLeaseLost is returned by Outbox.Record when the claim it records is
	// no longer the entry's current claim (its lease expired and another
	// dispatcher claimed it, or it was already recorded).
	ErrLeaseLost = errors.New("outbox claim lost")
	// ErrNoSender is recorded for a message whose channel has no sender.
	ErrNoSender = errors.New("no sender configured for channel")
)

// SendError is a classified delivery failure. Senders return it so that the
// dispatcher knows whether to retry; an unclassified error is treated as
// temporary.
type SendError struct {
	Permanent bool
	// Code is the provider's status (an HTTP status, an SMTP reply code), 0
	// when there was none (a timeout, a refused connection).
	Code int
	// RetryAfter is the provider's requested wait, 0 when it gave none.
	RetryAfter time.Duration
	Err        error
}

func (e *SendError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Code != 0 {
		return fmt.Sprintf("%s failure (code %d): %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("%s failure: %v", kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Is reports whether target is ErrPermanent and the error is permanent.
func (e *SendError) Is(target error) bool { return target == ErrPermanent && e.Permanent }

// IsPermanent reports whether err is a permanent delivery failure.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }
