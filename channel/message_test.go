package channel_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		msg  channel.Message
		want string
	}{
		{"valid email", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", Subject: "s", Text: "t"}, ""},
		{"valid sms", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Text: "t"}, ""},
		// A CRM phone written with the international call prefix or with
		// blanks is a number the dispatcher gives senders in E.164.
		{"sms to a number written with 00", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "0044 20 7946 0958", Text: "t"}, ""},
		{"sms to a number written with blanks", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+44 (20) 7946-0958", Text: "t"}, ""},
		{"sms to a number in national format", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "020 7946 0958", Text: "t"},
			`to: "020 7946 0958" is not a phone number in international format (+ or 00, the country code and the number: 7 to 15 digits)`},
		{"valid alert", channel.Message{Key: "k", Channel: "sales_alert", To: "rep@v.co", Subject: "s", HTML: "<p>h</p>"}, ""},
		{"empty", channel.Message{}, `message "": 3 problems:
  key: is required (the idempotency key)
  to: is required
  channel: is required`},
		{"email problems", channel.Message{Key: strings.Repeat("k", 201), Channel: "email", Person: "p", To: "nope"}, `4 problems:
  key: is 201 bytes long; at most 200
  to: "nope" is not a valid email address
  subject: is required for email
  text: an email needs an HTML or a text part`},
		{"email without person", channel.Message{Key: "k", Channel: "email", To: "a@b.co", Subject: "s", Text: "t"}, "person: is required for email (consent is checked per person)"},
		{"sms problems", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "0151 123"}, `2 problems:
  to: "0151 123" is not a phone number in international format (+ or 00, the country code and the number: 7 to 15 digits)
  text: is required for sms`},
		{"header injection", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", Subject: "s\r\nBcc: x@y.co", Text: "t"}, "subject: a line break is not allowed (header injection)"},
		{"header injection in a reply address", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", ReplyTo: "r@b.co\nBcc: x@y.co", Subject: "s", Text: "t"}, "replyTo: a line break is not allowed (header injection)"},
		{"header injection in an unsubscribe link", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", ListUnsubscribeMailto: "u@b.co\r", Subject: "s", Text: "t"}, "listUnsubscribeMailto: a line break is not allowed (header injection)"},
		{"header injection in two fields", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", From: "f@b.co\nX: y", Subject: "s\n", Text: "t"}, `2 problems:
  from: a line break is not allowed (header injection)
  subject: a line break is not allowed (header injection)`},
		{"unknown channel", channel.Message{Key: "k", Channel: "fax", To: "x"}, `channel: unknown channel "fax" (want email, sms or sales_alert)`},
		// A reply address that is none was accepted, to fail at every
		// send (or go out as a Reply-To no client can answer).
		{"reply address with a display name", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", ReplyTo: "Équipe Ventes <team@b.co>", Subject: "s", Text: "t"}, ""},
		{"reply address that is none", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", ReplyTo: "the team", Subject: "s", Text: "t"},
			`replyTo: "the team" is not an email address (one address, bare or with a display name)`},
		{"two reply addresses", channel.Message{Key: "k", Channel: "sales_alert", To: "a@b.co", ReplyTo: "a@b.co, c@b.co", Subject: "s", Text: "t"},
			`replyTo: "a@b.co, c@b.co" is not an email address (one address, bare or with a display name)`},
		{"reply address on a bad domain", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", ReplyTo: "Team <team@[10.0.0.1]>", Subject: "s", Text: "t"},
			`replyTo: "Team <team@[10.0.0.1]>" is not an email address (one address, bare or with a display name)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.msg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestMessageValidateAddressing(t *testing.T) {
	t.Parallel()
	// Not yet rendered: no subject, HTML or text, and still valid.
	for _, m := range []channel.Message{
		{Key: "k", Channel: "email", Person: "p", To: "a@b.co"},
		{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678"},
		{Key: "k", Channel: "sales_alert", To: "rep@v.co"},
	} {
		require.NoError(t, m.ValidateAddressing(), m.Channel)
		require.Error(t, m.Validate(), m.Channel)
	}
	err := (&channel.Message{Key: "k", Channel: "email", To: "nope\r\nBcc: x@y.co"}).ValidateAddressing()
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.Equal(t, `message "k": 3 problems:
  to: a line break is not allowed (header injection)
  to: "nope\r\nBcc: x@y.co" is not a valid email address
  person: is required for email (consent is checked per person)`, err.Error())
}

func TestConsentPolicy(t *testing.T) {
	t.Parallel()
	optIn := b2b.Consent{Status: b2b.ConsentOptIn, Source: "form"}
	optOut := b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo", At: t0}
	unknown := b2b.Consent{Status: b2b.ConsentUnknown}
	for _, tc := range []struct {
		name   string
		policy channel.ConsentPolicy
		ch     channel.Channel
		c      b2b.Consent
		ok     bool
		why    string
	}{
		{"opt-out forbids", channel.ConsentPolicy{AllowUnknownSMS: true}, channel.ChannelEmail, optOut, false, "email consent is opt-out (source marketo, 2026-03-02T09:00:00Z)"},
		// An opt-out imported without its time says so, where it said
		// the person opted out in the year 1.
		{"opt-out of unknown time", channel.ConsentPolicy{}, channel.ChannelEmail, b2b.Consent{Status: b2b.ConsentOptOut, Source: "csv"}, false, "email consent is opt-out (source csv, time unknown)"},
		{"opt-in allows sms", channel.ConsentPolicy{}, channel.ChannelSMS, optIn, true, "sms consent is opt-in (source form)"},
		{"unknown email allowed by default", channel.ConsentPolicy{}, channel.ChannelEmail, unknown, true, "email consent is unknown and the policy allows email without opt-in"},
		{"unknown email denied on request", channel.ConsentPolicy{DenyUnknownEmail: true}, channel.ChannelEmail, b2b.Consent{}, false, "email consent is unknown and the policy requires an opt-in for email"},
		{"unknown sms denied by default", channel.ConsentPolicy{}, channel.ChannelSMS, unknown, false, "sms consent is unknown and the policy requires an opt-in for sms"},
		{"unknown sms allowed on request", channel.ConsentPolicy{AllowUnknownSMS: true}, channel.ChannelSMS, unknown, true, "sms consent is unknown and the policy allows sms without opt-in"},
		{"alerts need no consent", channel.ConsentPolicy{}, channel.ChannelSalesAlert, optOut, true, "sales alerts go to sales users and need no consent"},
		// A status that is none of the three (a lookup that passes on a
		// CRM's own spelling) said "unknown", and email went out to an
		// "OPT-OUT".
		{"unreadable status forbids email", channel.ConsentPolicy{}, channel.ChannelEmail, b2b.Consent{Status: "OPT-OUT", Source: "crm"}, false,
			`email consent status "OPT-OUT" (source crm) is not unknown, opt-in or opt-out: nothing is sent on a status the policy cannot read`},
		{"unreadable status forbids sms", channel.ConsentPolicy{AllowUnknownSMS: true}, channel.ChannelSMS, b2b.Consent{Status: "optin"}, false,
			`sms consent status "optin" (source -) is not unknown, opt-in or opt-out: nothing is sent on a status the policy cannot read`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, why := tc.policy.Allows(tc.ch, tc.c)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.why, why)
		})
	}
}
