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
// be (RFC 5322: 998 characters; servers refuse longer lines), or text
// that reads as an RFC 2047 encoded word, which a mail reader would
// decode into something else.
func TestComposeSubjectsReadBackAsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, subject string
	}{
		{name: "a word longer than a line", subject: "Your link: https://vendor.example/?" + strings.Repeat("t", 1200)},
		{name: "a long word and non-ASCII", subject: "Größe " + strings.Repeat("x", 1200)},
		{name: "an encoded word as text", subject: "Offer =?utf-8?q?=46ree?= inside"},
		{name: "an encoded word alone", subject: "=?utf-8?b?SGk=?="},
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
