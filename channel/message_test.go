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
  subject: is required for email (a blank subject is none)
  text: an email needs an HTML or a text part (a blank part is none)`},
		{"email without person", channel.Message{Key: "k", Channel: "email", To: "a@b.co", Subject: "s", Text: "t"}, "person: is required for email (consent is checked per person)"},
		{"sms problems", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "0151 123"}, `2 problems:
  to: "0151 123" is not a phone number in international format (+ or 00, the country code and the number: 7 to 15 digits)
  text: is required for sms (a blank text is none)`},
		// A blank subject, or parts of blanks only, went out as an empty
		// email, as a blank SMS text did.
		{"blank email", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", Subject: " ", Text: "\n ", HTML: "  "}, `2 problems:
  subject: is required for email (a blank subject is none)
  text: an email needs an HTML or a text part (a blank part is none)`},
		{"blank alert", channel.Message{Key: "k", Channel: "sales_alert", To: "a@b.co", Subject: "s", Text: " "}, "text: an email needs an HTML or a text part (a blank part is none)"},
		// A blank text was accepted, and went out as an empty SMS,
		// billed.
		{"blank sms", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Text: " \n "}, "text: is required for sms (a blank text is none)"},
		// An SMS a host writes and queues itself is measured as
		// RenderSMS measures a template's: over the default limit it went
		// to the provider, to be billed as that many parts or refused there.
		{"sms of three parts", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Text: strings.Repeat("a", 459)}, ""},
		{"sms of four parts", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Text: strings.Repeat("a", 460)},
			`message "k": text: the text is 460 GSM-7 septets, 4 SMS parts; at most 3 (the default for a text not rendered from a template; one rendered from an SMS template is held to its maxSegments)`},
		{"sms in UCS-2 over the default", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Text: "Привет " + strings.Repeat("a", 200)},
			`message "k": text: the text is 207 UCS-2 code units, 4 SMS parts; at most 3 (the default for a text not rendered from a template; one rendered from an SMS template is held to its maxSegments); "П" is not in the GSM-7 alphabet, so the whole text is UCS-2: 70 code units in one SMS, 67 a part`},
		// Rendered from a template, a text was held to the template's
		// own limit, which may be higher.
		{"sms rendered from a template", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", Template: "digest", Text: strings.Repeat("a", 460)}, ""},
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
		// A sender with a display name is the usual From of marketing
		// email; one that is no address failed at every send.
		{"sender with a display name", channel.Message{Key: "k", Channel: "email", Person: "p", To: "a@b.co", From: "Acme Marketing <news@b.co>", Subject: "s", Text: "t"}, ""},
		{"sender that is none", channel.Message{Key: "k", Channel: "sales_alert", To: "a@b.co", From: "Acme Marketing", Subject: "s", Text: "t"},
			`from: "Acme Marketing" is not an email address (one address, bare or with a display name)`},
		{"sms sender is a number or a name", channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678", From: "ACME", Text: "t"}, ""},
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

// A host's SMS over the default limit is refused with an error that says
// which message and holds the *SMSLengthError RenderSMS gives: an outbox
// never takes it.
func TestMessageValidateSMSTooLong(t *testing.T) {
	t.Parallel()
	long := channel.Message{Key: "promo:p-1", Channel: "sms", Person: "p-1", To: "+4915112345678", Text: strings.Repeat("👋", 101)}
	err := long.Validate()
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.ErrorIs(t, err, channel.ErrSMSTooLong)
	var le *channel.SMSLengthError
	require.ErrorAs(t, err, &le)
	require.Equal(t, channel.SMSLength{Encoding: channel.EncodingUCS2, Units: 202, Segments: 4}, le.Length)
	require.Equal(t, channel.DefaultSMSMaxSegments, le.Max)
	// Not written yet: its text is not measured.
	require.NoError(t, (&channel.Message{Key: "k", Channel: "sms", Person: "p", To: "+4915112345678"}).ValidateAddressing())

	_, err = channel.NewMemoryOutbox().Enqueue(t.Context(), t0, long)
	require.ErrorIs(t, err, channel.ErrSMSTooLong)
	require.EqualError(t, err, `enqueue message 0: message "promo:p-1": text: the text is 202 UCS-2 code units, 4 SMS parts; at most 3 (the default for a text not rendered from a template; one rendered from an SMS template is held to its maxSegments); "👋" is not in the GSM-7 alphabet, so the whole text is UCS-2: 70 code units in one SMS, 67 a part`)

	// The same text rendered from a template that allows it.
	ts, err := channel.CompileTemplates(channel.TemplateSet{SMS: []channel.SMSTemplate{{Name: "promo", Text: "{{.Person.FirstName}}", MaxSegments: 4}}})
	require.NoError(t, err)
	long.Template = "promo"
	long.Text, err = ts.RenderSMS("promo", &channel.RenderContext{Person: b2b.Person{ID: "p-1", FirstName: long.Text}})
	require.NoError(t, err)
	require.NoError(t, long.Validate())
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
