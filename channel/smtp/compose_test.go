package smtp_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/smtp"
)

// boundaryOf composes msg and returns its MIME boundary.
func boundaryOf(t *testing.T, msg *channel.Message) string {
	t.Helper()
	raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
	require.NoError(t, err)
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	return params["boundary"]
}

// readParts composes msg and reads its parts back.
func readParts(t *testing.T, msg *channel.Message) []string {
	t.Helper()
	raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
	require.NoError(t, err)
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		parts = append(parts, strings.ReplaceAll(string(b), "\r\n", "\n"))
	}
}

// TestComposeKeepsTheBoundaryOutOfTheParts: the boundary derives from
// the key, so it can be known in advance; a part whose text holds the
// boundary line (a name typed into a form, rendered into the message)
// would end the part there and start one of its own, with its own
// headers (an HTML part of the sender's choosing). The boundary is one
// that no part contains.
func TestComposeKeepsTheBoundaryOutOfTheParts(t *testing.T) {
	t.Parallel()
	boundary := boundaryOf(t, marketingEmail())
	injected := "Hi\n--" + boundary + "\nContent-Type: text/html\n\n<a href=\"https://evil.example\">Log in</a>\n--" + boundary + "--\n"
	for _, tc := range []struct {
		name       string
		text, html string
	}{
		{name: "in the text part", text: injected, html: "<p>Hi</p>"},
		{name: "in the HTML part", text: "Hi", html: injected},
		{name: "the only part", text: injected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := marketingEmail()
			msg.Text, msg.HTML = tc.text, tc.html
			var want []string
			for _, s := range []string{tc.text, tc.html} {
				if s != "" {
					want = append(want, s)
				}
			}
			require.Equal(t, want, readParts(t, msg))
			require.Equal(t, boundaryOf(t, msg), boundaryOf(t, msg), "the same message composes to the same boundary")
		})
	}
}

// TestComposeSubjectsReadBackAsWritten: a subject is read back as it
// was rendered, whatever it holds: a word longer than a header line may
// be (RFC 5322: 998 characters; servers refuse longer lines), text
// that reads as an RFC 2047 encoded word, which a mail reader would
// decode into something else, or blanks at its ends, which a reader
// trims.
func TestComposeSubjectsReadBackAsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, subject string
	}{
		{name: "a word longer than a line", subject: "Your link: https://vendor.example/?" + strings.Repeat("t", 1200)},
		{name: "a long word and non-ASCII", subject: "Größe " + strings.Repeat("x", 1200)},
		{name: "an encoded word as text", subject: "Offer =?utf-8?q?=46ree?= inside"},
		{name: "an encoded word alone", subject: "=?utf-8?b?SGk=?="},
		{name: "a space first", subject: " Ann, 3 ideas"},
		{name: "a tab last", subject: "Ann, 3 ideas\t"},
		{name: "a tab after a fold", subject: strings.Repeat("x", 70) + " \tfor Acme"},
		{name: "plain", subject: "Ann, 3 ideas for Acme"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := marketingEmail()
			msg.Subject = tc.subject
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			require.NoError(t, err)
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				require.LessOrEqual(t, len(line), 998, "header line %.60q...", line)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			require.NoError(t, err)
			require.Equal(t, tc.subject, subject)
		})
	}
}

// TestComposeReplyTo: a Reply-To with a display name reads back as
// written, its name encoded (RFC 2047) where it is not ASCII: a header
// carries no 8-bit text to a server that did not agree to it, where the
// name went out as raw UTF-8. A Reply-To that is no address is refused
// where it went out as it was.
func TestComposeReplyTo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, replyTo string
		want          *mail.Address // nil: refused
		header        string        // the header's value, when it must be exactly that
	}{
		{name: "bare", replyTo: "team@vendor.example", want: &mail.Address{Address: "team@vendor.example"}, header: "team@vendor.example"},
		{name: "ascii name", replyTo: "Vendor Team <team@vendor.example>", want: &mail.Address{Name: "Vendor Team", Address: "team@vendor.example"}},
		{name: "non-ascii name", replyTo: "Équipe Vendor — Ventes <team@vendor.example>", want: &mail.Address{Name: "Équipe Vendor — Ventes", Address: "team@vendor.example"}},
		{name: "quoted name", replyTo: `"Doe, Jane" <jane@vendor.example>`, want: &mail.Address{Name: "Doe, Jane", Address: "jane@vendor.example"}},
		{name: "long non-ascii name", replyTo: strings.Repeat("Größe ", 30) + "<team@vendor.example>", want: &mail.Address{Name: strings.TrimSpace(strings.Repeat("Größe ", 30)), Address: "team@vendor.example"}},
		{name: "no address", replyTo: "the team"},
		{name: "two addresses", replyTo: "a@vendor.example, b@vendor.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := &channel.Message{Key: "k", Channel: channel.ChannelEmail, To: "ann@acme.com", ReplyTo: tc.replyTo, Subject: "Hi", Text: "Hello"}
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			if tc.want == nil {
				require.ErrorContains(t, err, `message "k": reply-to `)
				return
			}
			require.NoError(t, err)
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for i, c := range []byte(head) {
				require.Less(t, c, byte(0x80), "8-bit byte in the header at %d: %q", i, head)
			}
			for _, line := range strings.Split(head, "\r\n") {
				// Longer only where one word is: a header's name and its
				// first (encoded) word.
				require.True(t, len(line) <= 78 || len(strings.Fields(line)) <= 2, "header line %q", line)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			got, err := m.Header.AddressList("Reply-To")
			require.NoError(t, err)
			require.Equal(t, []*mail.Address{tc.want}, got)
			if tc.header != "" {
				require.Equal(t, tc.header, m.Header.Get("Reply-To"))
			}
		})
	}
}

// TestComposeListUnsubscribeIsASCII: an unsubscribe link with characters
// that are not ASCII (a name in its path, an internationalized domain)
// or a space is written percent-encoded (RFC 3987 3.1), as a header
// carries it to any server, where it went out as raw UTF-8 (which a
// server without SMTPUTF8 may refuse or mangle) and a space split it.
func TestComposeListUnsubscribeIsASCII(t *testing.T) {
	t.Parallel()
	msg := &channel.Message{Key: "k", Channel: channel.ChannelEmail, To: "ann@acme.com", Subject: "Hi", Text: "Hello",
		ListUnsubscribe: "https://vendor.example/u/jörg bauer?n=Zoë%20A", ListUnsubscribeMailto: "mailto:abmelden@händler.example?subject=Jörg"}
	raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
	require.NoError(t, err)
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for i, c := range []byte(head) {
		require.Less(t, c, byte(0x80), "8-bit byte in the header at %d: %q", i, head)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	require.Equal(t, "<https://vendor.example/u/j%C3%B6rg%20bauer?n=Zo%C3%AB%20A>, <mailto:abmelden@h%C3%A4ndler.example?subject=J%C3%B6rg>",
		m.Header.Get("List-Unsubscribe"))
	require.Equal(t, "List-Unsubscribe=One-Click", m.Header.Get("List-Unsubscribe-Post"))
}

// TestComposeListUnsubscribeKeepsItsBrackets: a link holding an angle
// bracket, a quote or a control character (a person's ID or name put
// into it unescaped) is written percent-encoded, so that it stays one
// link between its brackets: written as it was, "x>, <mailto:..." closed
// the link early and added an unsubscribe address of its own.
func TestComposeListUnsubscribeKeepsItsBrackets(t *testing.T) {
	t.Parallel()
	msg := &channel.Message{Key: "k", Channel: channel.ChannelEmail, To: "ann@acme.com", Subject: "Hi", Text: "Hello",
		ListUnsubscribe:       "https://vendor.example/u?p=a>, <mailto:all@evil.example",
		ListUnsubscribeMailto: "mailto:unsubscribe@vendor.example?subject=\"Ann\"\tp-1\x7f"}
	raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
	require.NoError(t, err)
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	require.Equal(t, "<https://vendor.example/u?p=a%3E,%20%3Cmailto:all@evil.example>, <mailto:unsubscribe@vendor.example?subject=%22Ann%22%09p-1%7F>",
		m.Header.Get("List-Unsubscribe"))
}

// TestComposeTextThatIsNotUTF8: a part or a subject with bytes that are
// not UTF-8 (a name imported in Latin-1, "Caf\xe9") is sent with each
// such sequence replaced by U+FFFD, so that the message is what its
// charset=utf-8 says, where the bytes went out as they were.
func TestComposeTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	msg := &channel.Message{Key: "k", Channel: channel.ChannelEmail, To: "ann@acme.com",
		Subject: "Caf\xe9 Müller", Text: "Hello Caf\xe9\xff,\nbye", HTML: "<p>Caf\xe9 Müller</p>"}
	require.Equal(t, []string{"Hello Caf\uFFFD,\nbye", "<p>Caf\uFFFD Müller</p>"}, readParts(t, msg))
	raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
	require.NoError(t, err)
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, "Caf\uFFFD Müller", subject)
}

// TestComposeKeysReadBackAsWritten: the X-Quorum-Idempotency-Key header
// reads back, once decoded per RFC 2047 as a mail store decodes headers,
// as the message's key, whatever it holds: text that reads as an encoded
// word, blanks a reader trims at the ends, a word longer than a header
// line, characters that are not ASCII. A key that needs none of that is
// written as it is.
func TestComposeKeysReadBackAsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, key string
		raw       bool // the header holds the key as it is
	}{
		{name: "plain", key: "journey:intro:p-1", raw: true},
		{name: "an encoded word's start", key: "journey=?x?q?abc?=:p-1"},
		{name: "an encoded word alone", key: "=?utf-8?q?p-2?="},
		{name: "an encoded word between spaces", key: "j =?utf-8?b?SGk=?= p-1"},
		{name: "an encoded word's end", key: "journey?=:p-1", raw: true},
		{name: "spaces inside", key: "journey:intro  step:p 1", raw: true},
		{name: "a space first", key: " journey:intro:p-1"},
		{name: "a space last", key: "journey:intro:p-1 "},
		{name: "a tab", key: "journey:\tintro:p-1"},
		{name: "a tab after a fold", key: strings.Repeat("j", 60) + " \tp-1"},
		{name: "a tab before a fold", key: strings.Repeat("j", 60) + "\t p-1"},
		{name: "long, with spaces", key: strings.Repeat("journey intro ", 100)},
		{name: "long, folded at spaces", key: strings.TrimSpace(strings.Repeat("journey intro ", 100)), raw: true},
		{name: "a word longer than a line", key: "journey:" + strings.Repeat("x", 1200)},
		{name: "non-ASCII", key: "journey:größe:p-1"},
		{name: "non-ASCII and long", key: strings.Repeat("é", 700)},
		{name: "non-ASCII and an encoded word", key: "größe=?utf-8?q?x?="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := marketingEmail()
			msg.Key = tc.key
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			require.NoError(t, err)
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				require.LessOrEqual(t, len(line), 998, "header line %.60q...", line)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			header := m.Header.Get("X-Quorum-Idempotency-Key")
			key, err := new(mime.WordDecoder).DecodeHeader(header)
			require.NoError(t, err)
			require.Equal(t, tc.key, key)
			if tc.raw {
				require.Equal(t, tc.key, header)
			}
		})
	}
}

// TestComposeListUnsubscribeLinks: the mailto alternative given as a
// bare address (the field says mailto) is written as a mailto: link,
// where "<unsubscribe@vendor.example>" is no URI and mail clients pass
// over it; an https link is one-click (List-Unsubscribe-Post) whatever
// the case of its scheme, which URIs do not tell apart (RFC 3986 3.1).
func TestComposeListUnsubscribeLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, link, mailto string
		header, post       string
	}{
		{"both", "https://vendor.example/u/abc", "mailto:unsubscribe@vendor.example?subject=p-1",
			"<https://vendor.example/u/abc>, <mailto:unsubscribe@vendor.example?subject=p-1>", "List-Unsubscribe=One-Click"},
		{"a bare address", "https://vendor.example/u/abc", "unsubscribe@vendor.example",
			"<https://vendor.example/u/abc>, <mailto:unsubscribe@vendor.example>", "List-Unsubscribe=One-Click"},
		{"a bare address alone", "", "unsubscribe@vendor.example", "<mailto:unsubscribe@vendor.example>", ""},
		{"mailto in capitals", "", "MAILTO:unsubscribe@vendor.example", "<MAILTO:unsubscribe@vendor.example>", ""},
		{"https in capitals", "HTTPS://vendor.example/u/abc", "", "<HTTPS://vendor.example/u/abc>", "List-Unsubscribe=One-Click"},
		{"http", "http://vendor.example/u/abc", "", "<http://vendor.example/u/abc>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := &channel.Message{Key: "k", Channel: channel.ChannelEmail, To: "ann@acme.com", Subject: "Hi", Text: "Hello",
				ListUnsubscribe: tc.link, ListUnsubscribeMailto: tc.mailto}
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			require.NoError(t, err)
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			require.Equal(t, tc.header, m.Header.Get("List-Unsubscribe"))
			require.Equal(t, tc.post, m.Header.Get("List-Unsubscribe-Post"))
		})
	}
}

// TestComposeHeaderLinesWithEncodedWords: a header that holds encoded
// words (a subject or a key not in ASCII) is folded into lines of at
// most 76 characters (RFC 2047 2), before its first word too: "Subject:
// " and an encoded word of 75 characters made a first line of 84.
func TestComposeHeaderLinesWithEncodedWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, subject, key string }{
		{"a long subject", strings.TrimSpace(strings.Repeat("Größe und Qualität für Acme — ", 6)), "k"},
		{"a short subject", "Größe für Acme", "k"},
		{"a key not in ASCII", "Hi", "journey:größe:" + strings.Repeat("ü", 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := &channel.Message{Key: tc.key, Channel: channel.ChannelEmail, To: "ann@acme.com", Subject: tc.subject, Text: "Hello"}
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			require.NoError(t, err)
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				if strings.Contains(line, "=?") {
					require.LessOrEqual(t, len(line), 76, "header line %q", line)
				}
			}
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			dec := new(mime.WordDecoder)
			subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
			require.NoError(t, err)
			require.Equal(t, tc.subject, subject)
			key, err := dec.DecodeHeader(m.Header.Get("X-Quorum-Idempotency-Key"))
			require.NoError(t, err)
			require.Equal(t, tc.key, key)
		})
	}
}
