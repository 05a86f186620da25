package smtp_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/channel/smtp"
	"github.com/quorumhq/quorum/clock"
)

// received is one message the test server accepted.
type received struct {
	From, To string
	Data     []byte
	User     string
	UTF8     bool // MAIL FROM had SMTPUTF8
}

// server is a real SMTP server (go-smtp) on a loopback port.
type server struct {
	Addr string

	mu   sync.Mutex
	msgs []received
	// rcptErr, when set, is the reply to RCPT TO.
	rcptErr error
	// atEnd, when set, is called once the server has read a message, to
	// its final ".", and before it replies: its error is the reply, and
	// the message is taken only if it returns nil.
	atEnd func(*gosmtp.Conn) error
}

func startServer(t *testing.T) *server { return startServerTLS(t, nil) }

// startServerTLS starts a server that offers STARTTLS with tc (none when
// tc is nil).
func startServerTLS(t *testing.T, tc *tls.Config) *server {
	t.Helper()
	return startServerWith(t, func(srv *gosmtp.Server) { srv.TLSConfig = tc })
}

// startServerWith starts a server that set changes.
func startServerWith(t *testing.T, set func(*gosmtp.Server)) *server {
	t.Helper()
	s := &server{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	srv.ErrorLog = discardLogger{}
	set(srv)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.Addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// setAtEnd sets the server's atEnd.
func (s *server) setAtEnd(f func(*gosmtp.Conn) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.atEnd = f
}

func (s *server) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

type session struct {
	srv  *server
	conn *gosmtp.Conn
	user string
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "quorum" || pass != "secret" {
			return &gosmtp.SMTPError{Code: 535, Message: "bad credentials"}
		}
		s.user = user
		return nil
	}), nil
}
func (s *session) Mail(from string, opts *gosmtp.MailOptions) error {
	s.cur.From, s.cur.UTF8 = from, opts != nil && opts.UTF8
	return nil
}
func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.cur.To = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	atEnd := s.srv.atEnd
	s.srv.mu.Unlock()
	if atEnd != nil {
		if err := atEnd(s.conn); err != nil {
			return err
		}
	}
	s.cur.Data, s.cur.User = b, s.user
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	return nil
}
func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func newSender(t *testing.T, addr string, mod func(*smtp.Config)) *smtp.Sender {
	t.Helper()
	cfg := smtp.Config{Addr: addr, From: "news@vendor.example", Username: "quorum", Password: "secret",
		Clock: clock.NewManual(t0), Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	s, err := smtp.New(cfg)
	require.NoError(t, err)
	return s
}

func marketingEmail() *channel.Message {
	return &channel.Message{
		Key: "journey:intro:p-1", Channel: channel.ChannelEmail, Person: "p-1", Account: "acme",
		To: "ann@acme.com", ReplyTo: "team@vendor.example",
		Subject:         "Ann, Acme's data platform — 3 ideas",
		Text:            "Hi Ann,\nhere are 3 ideas for Acme.\n",
		HTML:            `<p>Hi Ann,</p><p>here are <b>3 ideas</b> for Acme &amp; you. A long line that goes on and on so that quoted-printable has to wrap it somewhere past seventy-six characters.</p>`,
		ListUnsubscribe: "https://vendor.example/u/abc", ListUnsubscribeMailto: "mailto:unsubscribe@vendor.example?subject=p-1",
	}
}

func TestSendEmailToRealServer(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	s := newSender(t, srv.Addr, nil)
	msg := marketingEmail()

	rc, err := s.SendEmail(context.Background(), msg)
	require.NoError(t, err)
	require.Equal(t, smtp.MessageID(msg.Key, "vendor.example"), rc.ProviderID)
	require.Equal(t, t0, rc.At)

	got := srv.received()
	require.Len(t, got, 1)
	require.Equal(t, "news@vendor.example", got[0].From)
	require.Equal(t, "ann@acme.com", got[0].To)
	require.Equal(t, "quorum", got[0].User, "authenticated with PLAIN")

	m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	require.NoError(t, err)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	headers := map[string]string{
		"From": m.Header.Get("From"), "To": m.Header.Get("To"), "Reply-To": m.Header.Get("Reply-To"),
		"Subject": subject, "Date": m.Header.Get("Date"), "Message-ID": m.Header.Get("Message-ID"),
		"X-Quorum-Idempotency-Key": m.Header.Get("X-Quorum-Idempotency-Key"),
		"List-Unsubscribe":         m.Header.Get("List-Unsubscribe"),
		"List-Unsubscribe-Post":    m.Header.Get("List-Unsubscribe-Post"),
		"MIME-Version":             m.Header.Get("MIME-Version"),
	}
	want := map[string]string{
		"From": "news@vendor.example", "To": "ann@acme.com", "Reply-To": "team@vendor.example",
		"Subject": "Ann, Acme's data platform — 3 ideas", "Date": "Mon, 02 Mar 2026 09:30:00 +0000",
		"Message-ID":               rc.ProviderID,
		"X-Quorum-Idempotency-Key": "journey:intro:p-1",
		"List-Unsubscribe":         "<https://vendor.example/u/abc>, <mailto:unsubscribe@vendor.example?subject=p-1>",
		"List-Unsubscribe-Post":    "List-Unsubscribe=One-Click",
		"MIME-Version":             "1.0",
	}
	if d := cmp.Diff(want, headers); d != "" {
		t.Fatalf("headers (-want +got):\n%s", d)
	}

	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mediaType)
	mr := multipart.NewReader(m.Body, params["boundary"])
	parts := map[string]string{}
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(p)
		require.NoError(t, err)
		parts[p.Header.Get("Content-Type")] = strings.ReplaceAll(string(body), "\r\n", "\n") // CRLF on the wire
	}
	if d := cmp.Diff(map[string]string{
		"text/plain; charset=utf-8": msg.Text,
		"text/html; charset=utf-8":  msg.HTML,
	}, parts); d != "" {
		t.Fatalf("parts (-want +got):\n%s", d)
	}
	for _, line := range strings.Split(string(got[0].Data), "\r\n") {
		require.LessOrEqual(t, len(line), 998, "RFC 5322 line length")
	}
}

func TestMessageIDIsStablePerKey(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	s := newSender(t, srv.Addr, func(c *smtp.Config) { c.MessageIDDomain = "mail.vendor.example" })
	a, err := s.SendEmail(context.Background(), marketingEmail())
	require.NoError(t, err)
	b, err := s.SendEmail(context.Background(), marketingEmail())
	require.NoError(t, err)
	other := marketingEmail()
	other.Key = "journey:intro:p-2"
	c, err := s.SendEmail(context.Background(), other)
	require.NoError(t, err)
	require.Equal(t, a.ProviderID, b.ProviderID)
	require.NotEqual(t, a.ProviderID, c.ProviderID)
	require.True(t, strings.HasSuffix(a.ProviderID, "@mail.vendor.example>"), a.ProviderID)
}

// TestSMTPErrorsAreClassified: a 5xx reply about the recipient is
// permanent; a failure before MAIL FROM (a refused connection, a wrong
// password) concerns the sender's configuration, not the message, and is
// temporary: a 535 at AUTH would otherwise fail every queued message for
// good.
func TestSMTPErrorsAreClassified(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		rcptErr   error
		password  string
		addr      string
		permanent bool
		code      int
	}{
		{name: "550 mailbox unavailable", rcptErr: &gosmtp.SMTPError{Code: 550, Message: "no such user"}, permanent: true, code: 550},
		{name: "451 try later", rcptErr: &gosmtp.SMTPError{Code: 451, Message: "greylisted"}, code: 451},
		{name: "535 bad credentials", password: "wrong", code: 535},
		{name: "connection refused", addr: "closed", code: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			srv.rcptErr = tc.rcptErr
			addr := srv.Addr
			if tc.addr == "closed" {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				addr = l.Addr().String()
				l.Close()
			}
			s := newSender(t, addr, func(c *smtp.Config) {
				if tc.password != "" {
					c.Password = tc.password
				}
			})
			_, err := s.SendEmail(context.Background(), marketingEmail())
			var se *channel.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.permanent, channel.IsPermanent(err), err.Error())
			require.Equal(t, tc.code, se.Code)
			require.Empty(t, srv.received())
		})
	}
}

// TestSMTPSessionFailuresAreTemporary: a server that refuses the session
// before MAIL FROM (at its greeting, EHLO, STARTTLS or AUTH) refuses it
// for every message, whatever the message: its 5xx reply is temporary,
// retried with backoff until the dispatcher's attempts run out. A 5xx
// reply at MAIL FROM, RCPT TO or DATA concerns the message and stays
// permanent.
func TestSMTPSessionFailuresAreTemporary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		replies   map[string]string
		tls       bool
		permanent bool
		code      int
	}{
		{name: "554 greeting", replies: map[string]string{"": "554 no service for you"}, code: 554},
		{name: "421 greeting", replies: map[string]string{"": "421 too busy"}, code: 421},
		{name: "550 at EHLO", replies: map[string]string{"EHLO": "550 not from your network", "HELO": "550 not from your network"}, code: 550},
		{name: "554 at STARTTLS", replies: map[string]string{"STARTTLS": "554 TLS not available"}, tls: true, code: 554},
		{name: "535 at AUTH", replies: map[string]string{"AUTH": "535 5.7.8 bad credentials"}, code: 535},
		{name: "530 at AUTH", replies: map[string]string{"AUTH": "530 5.7.0 must issue STARTTLS first"}, code: 530},
		{name: "553 at MAIL FROM", replies: map[string]string{"MAIL": "553 sender not allowed"}, permanent: true, code: 553},
		// RFC 4954 4: a server that requires authentication (or TLS)
		// answers 530 to the commands that follow EHLO: the sender's
		// settings, not the message.
		{name: "530 at MAIL FROM", replies: map[string]string{"MAIL": "530 5.7.0 Authentication required"}, code: 530},
		{name: "530 at RCPT TO", replies: map[string]string{"RCPT": "530 5.7.0 Must issue a STARTTLS command first"}, code: 530},
		{name: "550 at RCPT TO", replies: map[string]string{"RCPT": "550 no such user"}, permanent: true, code: 550},
		{name: "554 at DATA", replies: map[string]string{"DATA": "554 rejected as spam"}, permanent: true, code: 554},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := startScripted(t, tc.replies)
			s := newSender(t, addr, func(c *smtp.Config) {
				if tc.tls {
					c.TLS = &tls.Config{}
				}
			})
			_, err := s.SendEmail(context.Background(), marketingEmail())
			var se *channel.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.permanent, channel.IsPermanent(err), err.Error())
			require.Equal(t, tc.code, se.Code, err.Error())
		})
	}
}

// TestSMTPErrorsNameTheCommand: an error says which command the server
// refused, with the address it was given: a 550 to MAIL FROM (the sender
// refused) and a 550 to RCPT TO (the recipient unknown) are different
// problems, and the failed entry's error is all an operator sees.
func TestSMTPErrorsNameTheCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		replies map[string]string
		want    string
	}{
		{"greeting", map[string]string{"": "554 no service for you"}, `temporary failure (code 554): greeting: 554 "no service for you"`},
		{"EHLO", map[string]string{"EHLO": "550 not from your network", "HELO": "550 not from your network"},
			`temporary failure (code 550): EHLO localhost: 550 "not from your network"`},
		{"AUTH", map[string]string{"AUTH": "535 5.7.8 bad credentials"}, `temporary failure (code 535): AUTH as ann: 535 "5.7.8 bad credentials"`},
		{"MAIL FROM", map[string]string{"MAIL": "550 sender not allowed"},
			`permanent failure (code 550): MAIL FROM:<news@vendor.example>: 550 "sender not allowed"`},
		{"RCPT TO", map[string]string{"RCPT": "550 no such user"}, `permanent failure (code 550): RCPT TO: 550 "no such user"`},
		{"530 at MAIL FROM", map[string]string{"MAIL": "530 5.7.0 Authentication required"},
			`temporary failure (code 530): MAIL FROM:<news@vendor.example>: 530 "5.7.0 Authentication required" ` +
				`(the server requires authentication or TLS first: the sender's settings, not the message)`},
		{"DATA", map[string]string{"DATA": "554 no data today"}, `permanent failure (code 554): DATA: 554 "no data today"`},
		{"end of DATA", map[string]string{".": "554 rejected as spam"}, `permanent failure (code 554): end of DATA: 554 "rejected as spam"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := startScripted(t, tc.replies)
			s := newSender(t, addr, func(c *smtp.Config) { c.Username, c.Password = "ann", "secret" })
			_, err := s.SendEmail(context.Background(), marketingEmail())
			require.EqualError(t, err, tc.want)
		})
	}
}

// TestSMTPReplyToTheEndOfTheMessage: the server's reply to the final "."
// decides. Any 2xx is its acceptance (RFC 5321 4.2.1: positive
// completion), where a reply other than 250 was a temporary failure, and
// the message, accepted, was sent again at each attempt. A reply that is
// not SMTP at all (here a 250 without its space) may be an acceptance
// too: the outcome is unknown, a permanent failure that says so, where it
// was retried as a connection closed without a reply.
func TestSMTPReplyToTheEndOfTheMessage(t *testing.T) {
	t.Parallel()
	id := smtp.MessageID("journey:intro:p-1", "vendor.example")
	for _, tc := range []struct {
		name, reply string
		want        string // the error; "" for a delivery
	}{
		{"250", "250 2.0.0 queued", ""},
		{"another 2xx", "252 2.0.0 queued as 4F2", ""},
		{"4xx", "451 4.3.0 try again later", `temporary failure (code 451): end of DATA: 451 "4.3.0 try again later"`},
		{"not an SMTP reply", "250OK", `permanent failure: end of DATA: a reply that is not SMTP after the end of the message (short response: "250OK"): ` +
			`the server may have accepted it (Message-ID ` + id + `), and it is not sent again, lest it arrive twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := startScripted(t, map[string]string{".": tc.reply})
			s := newSender(t, addr, func(c *smtp.Config) { c.Username, c.Password = "", "" })
			rc, err := s.SendEmail(context.Background(), marketingEmail())
			if tc.want != "" {
				require.EqualError(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, id, rc.ProviderID)
		})
	}
}

// TestSMTPWrongPasswordIsRetried: with a wrong password, a dispatch
// reschedules the queued messages instead of failing them for good; once
// the password is right, they are delivered.
func TestSMTPWrongPasswordIsRetried(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	clk := clock.NewManual(t0)
	ob := channel.NewMemoryOutbox()
	_, err := ob.Enqueue(context.Background(), t0, *marketingEmail(), channeltest.Email("k2"))
	require.NoError(t, err)
	wrong := newSender(t, srv.Addr, func(c *smtp.Config) { c.Clock, c.Password = clk, "wrong" })
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: wrong, Clock: clk})
	require.NoError(t, err)
	rep, err := d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Retried, rep.Outcomes)
	require.Zero(t, rep.Failed, rep.Outcomes)

	clk.Advance(2 * time.Hour)
	right := newSender(t, srv.Addr, func(c *smtp.Config) { c.Clock = clk })
	d, err = channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: right, Clock: clk})
	require.NoError(t, err)
	rep, err = d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Delivered, rep.Outcomes)
	require.Len(t, srv.received(), 2)
}

// startScripted starts a server that speaks just enough SMTP to take a
// message, and answers with replies[verb] where it has one (replies[""]
// is the greeting). It offers STARTTLS and AUTH PLAIN.
func startScripted(t *testing.T, replies map[string]string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go scriptedSession(c, replies)
		}
	}()
	return l.Addr().String()
}

func scriptedSession(c net.Conn, replies map[string]string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	reply := func(verb, def string) {
		if s, ok := replies[verb]; ok {
			def = s
		}
		c.Write([]byte(def + "\r\n"))
	}
	reply("", "220 localhost ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(line)), " ")
		switch verb {
		case "EHLO":
			if s, ok := replies[verb]; ok {
				c.Write([]byte(s + "\r\n"))
				continue
			}
			c.Write([]byte("250-localhost\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"))
		case "DATA":
			if s, ok := replies[verb]; ok {
				c.Write([]byte(s + "\r\n"))
				continue
			}
			reply(verb, "354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
			}
			reply(".", "250 OK queued")
		case "QUIT":
			reply(verb, "221 bye")
			return
		case "HELO", "STARTTLS", "MAIL", "RCPT", "RSET", "NOOP":
			reply(verb, "250 OK")
		case "AUTH":
			reply(verb, "235 authenticated")
		default:
			reply(verb, "500 what")
		}
	}
}

// TestSMTPAcceptedThenQuitFails: a server that accepts the message (250
// after DATA) and then drops the connection instead of answering QUIT has
// the message: the send succeeded, and is not retried (which would deliver
// it twice).
func TestSMTPAcceptedThenQuitFails(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go quitDroppingSession(c, &accepted, dropAtQuit)
		}
	}()
	s := newSender(t, l.Addr().String(), func(c *smtp.Config) { c.Username, c.Password = "", "" })
	rc, err := s.SendEmail(context.Background(), marketingEmail())
	require.NoError(t, err)
	require.Equal(t, int32(1), accepted.Load())
	require.Equal(t, smtp.MessageID("journey:intro:p-1", "vendor.example"), rc.ProviderID)
}

// How quitDroppingSession ends a session.
const (
	dropAtQuit  = iota // closes the connection at QUIT, without answering
	stallAtQuit        // does not answer QUIT, keeping the connection for 5 s
	dropInData         // closes the connection after the first line of the message
	dropAtEnd          // takes the whole message, then closes the connection without a reply
)

// TestSMTPCancelledThenQuitStalls: a send cancelled once the server has
// accepted the message does not wait for a server that does not answer
// the QUIT after it (whose answer changes nothing): the send succeeded,
// and returns well before the server gives up on it (5 s) and before its
// timeout (8 s): a send that waited would take 5 s, against 4 allowed.
func TestSMTPCancelledThenQuitStalls(t *testing.T) {
	t.Parallel()
	s, accepted := sessionSender(t, stallAtQuit, 8*time.Second)
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for accepted.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	rc, err := s.SendEmail(ctx, marketingEmail())
	require.NoError(t, err)
	require.Equal(t, smtp.MessageID("journey:intro:p-1", "vendor.example"), rc.ProviderID)
	require.Less(t, time.Since(start), 4*time.Second, "waited for the QUIT's answer after the cancellation")
}

// TestSMTPConnectionClosedInData: a server that closes the connection
// before the end of the message (a size limit, a restart) did not take it,
// though the client's writes of the rest succeed into the socket's buffer:
// the failure is temporary (RFC 5321 3.8: as a 451), so that the message is
// sent again, not lost as "perhaps accepted".
func TestSMTPConnectionClosedInData(t *testing.T) {
	t.Parallel()
	s, accepted := sessionSender(t, dropInData, 4*time.Second)
	_, err := s.SendEmail(context.Background(), marketingEmail())
	require.Error(t, err)
	require.False(t, channel.IsPermanent(err), "%v", err)
	require.Zero(t, accepted.Load())
	require.NotContains(t, err.Error(), "may have accepted")
}

// TestSMTPConnectionClosedAtTheEndOfTheMessage: a server that closes the
// connection without a reply once it has the whole message may have
// taken it (here it did) or not (TestSMTPConnectionClosedInData: the
// client cannot tell the two apart). It is retried, as RFC 5321 3.8 has
// it, but the entry's error says that the retry may deliver the message
// a second time, and with which Message-ID, where it read as a plain
// temporary failure.
func TestSMTPConnectionClosedAtTheEndOfTheMessage(t *testing.T) {
	t.Parallel()
	s, accepted := sessionSender(t, dropAtEnd, 4*time.Second)
	ob := channel.NewMemoryOutbox()
	es, err := ob.Enqueue(context.Background(), t0, *marketingEmail())
	require.NoError(t, err)
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: s, Clock: clock.NewManual(t0)})
	require.NoError(t, err)
	rep, err := d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, rep.Retried, rep.Outcomes)
	require.Equal(t, int32(1), accepted.Load())
	got, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Regexp(t, `^temporary failure: end of DATA: the connection closed without a reply \(.+\), taken as 451, temporary \(RFC 5321 3\.8\): `+
		`if the server took the message before it closed, it is delivered twice \(Message-ID `+regexp.QuoteMeta(smtp.MessageID("journey:intro:p-1", "vendor.example"))+`\)$`,
		got.LastError)
}

// queuedDispatcher queues the marketing e-mail in a memory outbox and
// returns a dispatcher of it to the server at addr, on a manual clock at
// t0, with the sender's timeout given (0: the default).
func queuedDispatcher(t *testing.T, addr string, timeout time.Duration) (*channel.Dispatcher, *channel.MemoryOutbox, []channel.Entry, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(t0)
	ob := channel.NewMemoryOutbox()
	es, err := ob.Enqueue(context.Background(), t0, *marketingEmail())
	require.NoError(t, err)
	s := newSender(t, addr, func(c *smtp.Config) {
		c.Clock = clk
		if timeout > 0 {
			c.Timeout = timeout
		}
	})
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: s, Clock: clk})
	require.NoError(t, err)
	return d, ob, es, clk
}

// sessionSender starts a server of quitDroppingSession sessions that end
// as end says, and returns a sender to it with the timeout given.
func sessionSender(t *testing.T, end int, timeout time.Duration) (*smtp.Sender, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	accepted := new(atomic.Int32)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go quitDroppingSession(c, accepted, end)
		}
	}()
	s := newSender(t, l.Addr().String(), func(c *smtp.Config) { c.Username, c.Password, c.Timeout = "", "", timeout })
	return s, accepted
}

// quitDroppingSession speaks just enough SMTP to accept one message, and
// ends the session as end says.
func quitDroppingSession(c net.Conn, accepted *atomic.Int32, end int) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	reply := func(s string) { c.Write([]byte(s + "\r\n")) }
	reply("220 localhost ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			reply("250 localhost")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
			reply("250 OK")
		case cmd == "DATA":
			reply("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil || end == dropInData {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			accepted.Add(1)
			if end == dropAtEnd {
				return
			}
			reply("250 OK queued")
		case cmd == "QUIT":
			if end == stallAtQuit {
				time.Sleep(5 * time.Second)
			}
			return
		default:
			reply("500 what")
		}
	}
}

// selfSigned returns a certificate for 127.0.0.1 and localhost, valid for
// an hour, and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestSMTPStartTLS: a TLS config that trusts the server's certificate (its
// RootCAs, no ServerName) is enough: the certificate is checked for the
// host of Addr, and the caller's config is left as it was. A certificate
// for another name is refused.
func TestSMTPStartTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	srv := startServerTLS(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	tc := &tls.Config{RootCAs: pool}
	s := newSender(t, srv.Addr, func(c *smtp.Config) { c.TLS, c.RequireTLS = tc, true })
	_, err := s.SendEmail(context.Background(), marketingEmail())
	require.NoError(t, err)
	got := srv.received()
	require.Len(t, got, 1)
	require.Equal(t, "quorum", got[0].User, "authenticated over TLS")
	require.Empty(t, tc.ServerName)

	s = newSender(t, srv.Addr, func(c *smtp.Config) { c.TLS = &tls.Config{RootCAs: pool, ServerName: "mail.vendor.example"} })
	_, err = s.SendEmail(context.Background(), marketingEmail())
	require.ErrorContains(t, err, "certificate is valid for localhost, not mail.vendor.example")
	require.Len(t, srv.received(), 1)
}

func TestSMTPThroughDispatcher(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	clk := clock.NewManual(t0)
	s := newSender(t, srv.Addr, func(c *smtp.Config) { c.Clock = clk })
	ob := channel.NewMemoryOutbox()
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Email: s, Alert: s, Clock: clk})
	require.NoError(t, err)
	alert := channel.Message{Key: "alert:1", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
		Subject: "Acme: Data Platform group is sales ready", Text: "Acme is ready", HTML: "<p>Acme is ready</p>"}
	_, err = ob.Enqueue(context.Background(), t0, *marketingEmail(), alert, channeltest.Email("k3"))
	require.NoError(t, err)
	rep, err := d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, rep.Delivered, rep.Outcomes)
	require.Len(t, srv.received(), 3)
}

// TestSendEmailFromADisplayName: a sender with a display name ("Acme
// Marketing <news@vendor.example>", the usual From of marketing email)
// was refused at every send as no valid sender address, and so was a
// Config.From written so; it goes in the From header as written (the
// name encoded where it is not ASCII), the address alone in MAIL FROM
// and in the Message-ID's domain.
func TestSendEmailFromADisplayName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, cfgFrom, msgFrom string
		want                   mail.Address
	}{
		{"message", "", "Acme Marketing <news@vendor.example>", mail.Address{Name: "Acme Marketing", Address: "news@vendor.example"}},
		{"not ascii", "", "Équipe Vendor — Ventes <news@vendor.example>", mail.Address{Name: "Équipe Vendor — Ventes", Address: "news@vendor.example"}},
		{"quoted", "", `"Vendor, Inc." <news@vendor.example>`, mail.Address{Name: "Vendor, Inc.", Address: "news@vendor.example"}},
		{"config", "Acme Marketing <news@vendor.example>", "", mail.Address{Name: "Acme Marketing", Address: "news@vendor.example"}},
		{"bare", "", "news@vendor.example", mail.Address{Address: "news@vendor.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			s := newSender(t, srv.Addr, func(c *smtp.Config) { c.From = tc.cfgFrom })
			msg := marketingEmail()
			msg.From = tc.msgFrom
			rc, err := s.SendEmail(context.Background(), msg)
			require.NoError(t, err)
			require.Equal(t, smtp.MessageID(msg.Key, "vendor.example"), rc.ProviderID)
			got := srv.received()
			require.Len(t, got, 1)
			require.Equal(t, "news@vendor.example", got[0].From, "MAIL FROM")
			require.False(t, got[0].UTF8)
			head, _, _ := strings.Cut(string(got[0].Data), "\r\n\r\n")
			for i, c := range []byte(head) {
				require.Less(t, c, byte(0x80), "8-bit byte in the header at %d: %q", i, head)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
			require.NoError(t, err)
			from, err := m.Header.AddressList("From")
			require.NoError(t, err)
			require.Equal(t, []*mail.Address{&tc.want}, from)
		})
	}
	for _, from := range []string{"Acme Marketing", "a@vendor.example, b@vendor.example"} {
		_, err := smtp.New(smtp.Config{Addr: "localhost:25", From: from})
		require.EqualError(t, err, `smtp config: from: "`+from+`" is not an email address (one address, bare or with a display name)`)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	_, err := smtp.New(smtp.Config{Addr: "nohost", From: "x@", Username: "u", RequireTLS: true})
	require.EqualError(t, err, `smtp config: 4 problems:
  addr: "nohost" is not host:port
  from: "x@" is not an email address (one address, bare or with a display name)
  tls: requireTLS needs a TLS config
  password: username and password go together`)
}

// TestSMTPNoAuthWithoutSTARTTLS: with a TLS config but not RequireTLS,
// a server that does not offer STARTTLS gets no AUTH (net/smtp will not
// send the password in clear to a server it does not take for local),
// and the error says why, where it said "unencrypted connection": a
// temporary failure, like a server that refuses STARTTLS when TLS is
// required, since it concerns the server's configuration, not the
// message.
func TestSMTPNoAuthWithoutSTARTTLS(t *testing.T) {
	t.Parallel()
	// A loopback address that net/smtp does not take for local (it
	// takes only localhost, 127.0.0.1 and ::1), as it takes no relay.
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	var verbs []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		c.Write([]byte("220 localhost ESMTP\r\n"))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(line)), " ")
			verbs = append(verbs, verb)
			switch verb {
			case "EHLO":
				c.Write([]byte("250-localhost\r\n250 AUTH PLAIN\r\n"))
			case "QUIT":
				c.Write([]byte("221 bye\r\n"))
				return
			default:
				c.Write([]byte("250 OK\r\n"))
			}
		}
	}()
	s := newSender(t, l.Addr().String(), func(c *smtp.Config) { c.TLS = &tls.Config{} })
	_, err = s.SendEmail(context.Background(), marketingEmail())
	require.EqualError(t, err, "temporary failure: AUTH as quorum: the server "+l.Addr().String()+
		" does not offer STARTTLS, and the password is not sent without TLS (net/smtp sends it so only to localhost, 127.0.0.1 or ::1)")
	require.False(t, channel.IsPermanent(err))
	<-done
	require.NotContains(t, verbs, "AUTH")
	require.NotContains(t, verbs, "MAIL")
}

// TestConfigValidateAuthWithoutTLS: credentials without a TLS config, for
// a server that is not local, are refused by New: AUTH would send the
// password in clear, which net/smtp refuses to do, so that every message
// failed at AUTH, retried until out of attempts. A local test server
// (localhost, 127.0.0.1, ::1: net/smtp's exceptions) takes AUTH without
// TLS; a server without credentials takes mail without TLS.
func TestConfigValidateAuthWithoutTLS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*smtp.Config)
		want string
	}{
		{"a relay by name", func(c *smtp.Config) { c.Addr = "smtp.vendor.example:587" },
			`smtp config: tls: is needed for AUTH to smtp.vendor.example: the password would go in clear ` +
				`(net/smtp sends it without TLS only to localhost, 127.0.0.1 or ::1; every message would fail at AUTH)`},
		{"a relay by address", func(c *smtp.Config) { c.Addr = "192.0.2.1:25" },
			`smtp config: tls: is needed for AUTH to 192.0.2.1: the password would go in clear ` +
				`(net/smtp sends it without TLS only to localhost, 127.0.0.1 or ::1; every message would fail at AUTH)`},
		{"another loopback address", func(c *smtp.Config) { c.Addr = "127.0.0.2:25" },
			`smtp config: tls: is needed for AUTH to 127.0.0.2: the password would go in clear ` +
				`(net/smtp sends it without TLS only to localhost, 127.0.0.1 or ::1; every message would fail at AUTH)`},
		{"a relay with TLS", func(c *smtp.Config) { c.Addr, c.TLS = "smtp.vendor.example:587", &tls.Config{} }, ""},
		{"a relay without credentials", func(c *smtp.Config) { c.Addr, c.Username, c.Password = "smtp.vendor.example:25", "", "" }, ""},
		{"127.0.0.1", func(c *smtp.Config) { c.Addr = "127.0.0.1:2525" }, ""},
		{"localhost", func(c *smtp.Config) { c.Addr = "localhost:2525" }, ""},
		{"::1", func(c *smtp.Config) { c.Addr = "[::1]:2525" }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := smtp.Config{From: "news@vendor.example", Username: "quorum", Password: "s3cret"}
			tc.mod(&cfg)
			_, err := smtp.New(cfg)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
		})
	}
}

// TestConfigValidateNames: a HELO name or a Message-ID domain that is not
// a domain is a configuration problem, reported by New, not a failure of
// every message (a server refuses "EHLO mail host" with a 501, a line
// break in HeloName fails each send and is retried; a Message-ID domain
// with a space breaks the header, with a line break injects one).
func TestConfigValidateNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*smtp.Config)
		want string
	}{
		{"a valid HELO name and domain", func(c *smtp.Config) { c.HeloName, c.MessageIDDomain = "mx-1.vendor.example", "mail.vendor.example" }, ""},
		{"an address literal as HELO name", func(c *smtp.Config) { c.HeloName = "[192.0.2.1]" }, ""},
		{"an IPv6 literal as HELO name", func(c *smtp.Config) { c.HeloName = "[IPv6:2001:db8::1]" }, ""},
		{"an address literal without its opening bracket", func(c *smtp.Config) { c.HeloName = "192.0.2.1]" },
			`smtp config: heloName: "192.0.2.1]" is not a domain name or an address literal ([192.0.2.1])`},
		{"an IPv4 address tagged IPv6", func(c *smtp.Config) { c.HeloName = "[IPv6:192.0.2.1]" },
			`smtp config: heloName: "[IPv6:192.0.2.1]" is not a domain name or an address literal ([192.0.2.1])`},
		{"an IPv6 address untagged", func(c *smtp.Config) { c.HeloName = "[2001:db8::1]" },
			`smtp config: heloName: "[2001:db8::1]" is not a domain name or an address literal ([192.0.2.1])`},
		{"a space in the HELO name", func(c *smtp.Config) { c.HeloName = "mail host" },
			`smtp config: heloName: "mail host" is not a domain name or an address literal ([192.0.2.1])`},
		{"a line break in the HELO name", func(c *smtp.Config) { c.HeloName = "mail\r\nRSET" },
			`smtp config: heloName: "mail\r\nRSET" is not a domain name or an address literal ([192.0.2.1])`},
		{"a space in the Message-ID domain", func(c *smtp.Config) { c.MessageIDDomain = "mail vendor.example" },
			`smtp config: messageIDDomain: "mail vendor.example" is not a domain name`},
		{"a line break in the Message-ID domain", func(c *smtp.Config) { c.MessageIDDomain = "x.example>\r\nBcc: all@x.example" },
			`smtp config: messageIDDomain: "x.example>\r\nBcc: all@x.example" is not a domain name`},
		{"an empty label", func(c *smtp.Config) { c.MessageIDDomain = "mail..example" },
			`smtp config: messageIDDomain: "mail..example" is not a domain name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := smtp.Config{Addr: "127.0.0.1:25", From: "news@vendor.example"}
			tc.mod(&cfg)
			_, err := smtp.New(cfg)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestComposeRefusesHeaderInjection(t *testing.T) {
	t.Parallel()
	msg := marketingEmail()
	msg.Subject = "Hi\r\nBcc: everyone@example.com"
	_, err := smtp.Compose(msg, "news@vendor.example", "<x@y>", t0)
	require.EqualError(t, err, `message "journey:intro:p-1": line break in subject`)
	_, err = smtp.Compose(marketingEmail(), "news@vendor.example", "<x@y>\r\nBcc: everyone@example.com", t0)
	require.EqualError(t, err, `message "journey:intro:p-1": line break in message-id`)
}

// TestComposeNamesTheSameLineBreakEveryTime: a message with line breaks
// in several headers is refused with the same error at every call, naming
// the first of them in the order of the headers.
func TestComposeNamesTheSameLineBreakEveryTime(t *testing.T) {
	t.Parallel()
	msg := marketingEmail()
	msg.To = "ann@acme.com\r\nBcc: everyone@example.com"
	msg.Subject = "Hi\nthere"
	msg.ListUnsubscribe = "https://vendor.example/u\r\n"
	for range 50 {
		_, err := smtp.Compose(msg, "news@vendor.example", "<x@y>", t0)
		require.EqualError(t, err, `message "journey:intro:p-1": line break in to`)
	}
}

func FuzzCompose(f *testing.F) {
	f.Add("k", "Subject ü", "text", "<p>html</p>", "https://x.example/u")
	f.Add("k\n", "", "", "", "")
	f.Add("", "=?utf-8?q?x?=", strings.Repeat("a", 2000), "\x00\xff", "mailto:x")
	f.Add("journey=?x?q?abc?=", " Hi ", "t", "", "")
	f.Add(strings.Repeat("j", 60)+" \tp-1", strings.Repeat("x", 70)+"\t for", "t", "", "")
	f.Fuzz(func(t *testing.T, key, subject, text, html, unsub string) {
		msg := &channel.Message{Key: key, Channel: channel.ChannelEmail, To: "ann@acme.com", Subject: subject, Text: text, HTML: html, ListUnsubscribe: unsub}
		raw, err := smtp.Compose(msg, "news@vendor.example", smtp.MessageID(key, "vendor.example"), t0)
		if err != nil {
			return
		}
		m, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("composed message does not parse: %v", err)
		}
		if got := m.Header.Get("To"); got != "ann@acme.com" {
			t.Fatalf("To header is %q", got)
		}
		// The key and the subject read back as written, once decoded.
		dec := new(mime.WordDecoder)
		for _, h := range []struct{ name, want string }{
			{"X-Quorum-Idempotency-Key", key},
			{"Subject", strings.ToValidUTF8(subject, "\uFFFD")},
		} {
			got, err := dec.DecodeHeader(m.Header.Get(h.name))
			if err != nil || got != h.want {
				t.Fatalf("%s reads back as %q (%v), not %q:\n%s", h.name, got, err, h.want, raw)
			}
		}
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(m.Body, params["boundary"])
		var bodies []string
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(p)
			bodies = append(bodies, strings.ReplaceAll(string(b), "\r\n", "\n"))
		}
		var want []string
		for _, s := range []string{text, html} {
			if s != "" {
				want = append(want, strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(strings.ToValidUTF8(s, "\uFFFD")))
			}
		}
		if d := cmp.Diff(want, bodies); d != "" {
			t.Fatalf("parts (-want +got):\n%s", d)
		}
	})
}

// TestComposeFoldsLongSubjects: a long subject is folded over several
// lines (RFC 5322: at most 998 characters a line), and reads back as
// written.
func TestComposeFoldsLongSubjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, subject string
	}{
		{name: "ascii", subject: strings.TrimSpace(strings.Repeat("Acme's data platform, three ideas ", 40))},
		{name: "utf-8", subject: strings.TrimSpace(strings.Repeat("Größe und Qualität für Acme — ", 40))},
		{name: "spaces in a row", subject: strings.Repeat("a  b ", 60) + "end"},
		{name: "short", subject: "Ann, Acme's data platform — 3 ideas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := marketingEmail()
			msg.Subject = tc.subject
			raw, err := smtp.Compose(msg, "news@vendor.example", "<x@vendor.example>", t0)
			require.NoError(t, err)
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				require.LessOrEqual(t, len(line), 998, "header line %q", line)
				require.NotEmpty(t, strings.TrimSpace(line), "a header line of blanks only")
			}
			m, err := mail.ReadMessage(strings.NewReader(string(raw)))
			require.NoError(t, err)
			subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			require.NoError(t, err)
			require.Equal(t, tc.subject, subject)
		})
	}
}

// TestSendEmailWithALongSubject: a server that refuses lines over 2,000
// characters (go-smtp's default) takes a message with a long subject.
func TestSendEmailWithALongSubject(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	s := newSender(t, srv.Addr, nil)
	msg := marketingEmail()
	msg.Subject = strings.TrimSpace(strings.Repeat("Größe und Qualität für Acme — ", 40))
	_, err := s.SendEmail(context.Background(), msg)
	require.NoError(t, err)
	got := srv.received()
	require.Len(t, got, 1)
	m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, msg.Subject, subject)
}

// TestSMTPErrorsDoNotNameTheRecipient: an error goes to the dispatcher's
// log and outcomes, which an erasure of the person does not reach, so a
// recipient refused before any command (an address that is not valid, or
// not ASCII for a server without SMTPUTF8) is not named in it, as a
// recipient refused at RCPT TO is not: both errors quoted the address.
func TestSMTPErrorsDoNotNameTheRecipient(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	s := newSender(t, srv.Addr, nil)
	for to, want := range map[string]string{
		"jörg.weiß@münchen.example": `permanent failure: the recipient's address is not ASCII, and the server ` + srv.Addr + ` does not offer SMTPUTF8 (RFC 6531), which it needs`,
		"jörg.weiß@@acme.example":   `permanent failure: message "journey:intro:p-1": the recipient's address is not a valid email address`,
	} {
		msg := marketingEmail()
		msg.To = to
		_, err := s.SendEmail(context.Background(), msg)
		require.EqualError(t, err, want)
	}
	require.Empty(t, srv.received())
}

// TestSMTPNonASCIIAddresses: an address that is not ASCII (an
// internationalized domain, a local part in another script) goes only to
// a server that offers SMTPUTF8 (RFC 6531), with it; to one that does not
// it is a permanent failure that says so, where it went out as raw UTF-8
// in the envelope and the headers, which such a server may refuse or
// mangle.
func TestSMTPNonASCIIAddresses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		smtputf8          bool
		from, to, replyTo string
		what              string // what is not ASCII
	}{
		{name: "recipient, SMTPUTF8 offered", smtputf8: true, from: "news@vendor.example", to: "jörg@münchen.example"},
		{name: "sender, SMTPUTF8 offered", smtputf8: true, from: "nachrichten@händler.example", to: "ann@acme.com"},
		{name: "recipient, no SMTPUTF8", from: "news@vendor.example", to: "jörg@münchen.example", what: "the recipient's address"},
		{name: "sender, no SMTPUTF8", from: "nachrichten@händler.example", to: "ann@acme.com", what: "the sender's address nachrichten@händler.example"},
		{name: "reply-to, no SMTPUTF8", from: "news@vendor.example", to: "ann@acme.com", replyTo: "Händler <antwort@händler.example>", what: "a header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServerWith(t, func(s *gosmtp.Server) { s.EnableSMTPUTF8 = tc.smtputf8 })
			s := newSender(t, srv.Addr, nil)
			msg := marketingEmail()
			msg.From, msg.To = tc.from, tc.to
			if tc.replyTo != "" {
				msg.ReplyTo = tc.replyTo
			}
			_, err := s.SendEmail(context.Background(), msg)
			if !tc.smtputf8 {
				require.True(t, channel.IsPermanent(err), "%v", err)
				require.ErrorContains(t, err, tc.what+" is not ASCII, and the server "+srv.Addr+" does not offer SMTPUTF8")
				require.Empty(t, srv.received())
				return
			}
			require.NoError(t, err)
			got := srv.received()
			require.Len(t, got, 1)
			require.Equal(t, tc.from, got[0].From)
			require.Equal(t, tc.to, got[0].To)
			require.True(t, got[0].UTF8, "MAIL FROM with SMTPUTF8")
		})
	}
}

// TestSendEmailLinesBeginningWithADot: a line of a part that begins with
// a dot, or is one (which ends DATA), arrives as written: the client
// doubles the dot and the server removes it (RFC 5321 4.5.2).
func TestSendEmailLinesBeginningWithADot(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	s := newSender(t, srv.Addr, nil)
	msg := marketingEmail()
	msg.Text = ".\n..\n.hidden\nend.\n."
	msg.HTML = ".<p>x</p>\n.\r\n."
	_, err := s.SendEmail(context.Background(), msg)
	require.NoError(t, err)
	got := srv.received()
	require.Len(t, got, 1)
	m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	require.NoError(t, err)
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		parts = append(parts, string(b))
	}
	require.Equal(t, []string{".\r\n..\r\n.hidden\r\nend.\r\n.", ".<p>x</p>\r\n.\r\n."}, parts)
}

// TestSMTP552IsTemporaryOnlyAtRCPT: RFC 5321 (4.5.3.1.10) has clients take
// a 552 reply to RCPT TO ("too many recipients", which RFC 821 gave that
// code) as the 452 it should have been: temporary. A 552 after the
// message ("exceeded storage allocation") and one at MAIL FROM stay
// permanent.
func TestSMTP552IsTemporaryOnlyAtRCPT(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		replies   map[string]string
		permanent bool
		want      string
	}{
		{name: "552 at RCPT TO", replies: map[string]string{"RCPT": "552 5.5.3 too many recipients"},
			want: `temporary failure (code 552): RCPT TO: 552 "5.5.3 too many recipients" (taken as 452, temporary: RFC 5321 4.5.3.1.10)`},
		{name: "552 at end of DATA", replies: map[string]string{".": "552 5.3.4 message too big"}, permanent: true,
			want: `permanent failure (code 552): end of DATA: 552 "5.3.4 message too big"`},
		{name: "552 at MAIL FROM", replies: map[string]string{"MAIL": "552 5.3.4 message size exceeds fixed limit"}, permanent: true,
			want: `permanent failure (code 552): MAIL FROM:<news@vendor.example>: 552 "5.3.4 message size exceeds fixed limit"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := startScripted(t, tc.replies)
			s := newSender(t, addr, nil)
			_, err := s.SendEmail(context.Background(), marketingEmail())
			var se *channel.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.permanent, channel.IsPermanent(err), err.Error())
			require.Equal(t, 552, se.Code)
			require.EqualError(t, err, tc.want)
		})
	}
}

// TestSMTPCancelAfterTheEndOfTheMessage: a dispatch cancelled once the
// server has the whole message, to its final ".", and before it replies,
// does not abandon the send: the server may be accepting the message, and
// a send cut there would be tried again and the message delivered twice.
// The sender waits for the reply (within its deadline), and the
// dispatcher records the delivery.
func TestSMTPCancelAfterTheEndOfTheMessage(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	atEnd, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv.setAtEnd(func(*gosmtp.Conn) error {
		once.Do(func() { close(atEnd) })
		<-release
		return nil
	})
	d, ob, es, clk := queuedDispatcher(t, srv.Addr, 0)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-atEnd
		cancel() // a shutdown, while the server decides
		time.Sleep(100 * time.Millisecond)
		close(release)
	}()
	rep, err := d.Dispatch(ctx)
	require.NoError(t, err, "the batch was done")
	require.Equal(t, 1, rep.Delivered, rep.Outcomes)
	got, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Equal(t, channel.StatusDelivered, got.Status)

	clk.Advance(time.Hour) // past the lease and any backoff
	rep, err = d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Zero(t, rep.Claimed, rep.Outcomes)
	require.Len(t, srv.received(), 1)
}

// TestSMTPNoReplyAfterTheEndOfTheMessage: a send that gets no reply once
// the server has the whole message (the reply comes too late, the
// connection drops) has an unknown outcome: the server may have accepted
// the message. It is a permanent failure that says so, with the
// Message-ID to look for in the server's logs, not a temporary one: tried
// again, the message would arrive twice.
func TestSMTPNoReplyAfterTheEndOfTheMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		atEnd func(release <-chan struct{}) func(*gosmtp.Conn) error
	}{
		{name: "reply too late", atEnd: func(release <-chan struct{}) func(*gosmtp.Conn) error {
			return func(*gosmtp.Conn) error { <-release; return nil }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) })
			srv.setAtEnd(tc.atEnd(release))
			d, ob, es, clk := queuedDispatcher(t, srv.Addr, time.Second)

			rep, err := d.Dispatch(context.Background())
			require.NoError(t, err)
			require.Equal(t, 1, rep.Failed, rep.Outcomes)
			got, err := ob.Get(es[0].ID)
			require.NoError(t, err)
			require.Equal(t, channel.StatusFailed, got.Status)
			require.Contains(t, got.LastError, "permanent failure: end of DATA: no reply after the end of the message (")
			require.Contains(t, got.LastError, "): the server may have accepted it (Message-ID "+
				smtp.MessageID("journey:intro:p-1", "vendor.example")+"), and it is not sent again, lest it arrive twice")

			clk.Advance(time.Hour)
			rep, err = d.Dispatch(context.Background())
			require.NoError(t, err)
			require.Zero(t, rep.Claimed, rep.Outcomes)
		})
	}
}

// TestSMTPCancelThenNoReply: a dispatch cancelled once the server has the
// whole message, which then does not reply before the send's deadline:
// the outcome is unknown, and the entry is recorded as failed, saying so,
// rather than left to be claimed and sent again.
func TestSMTPCancelThenNoReply(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	atEnd, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	var once sync.Once
	srv.setAtEnd(func(*gosmtp.Conn) error {
		once.Do(func() { close(atEnd) })
		<-release
		return nil
	})
	d, ob, es, clk := queuedDispatcher(t, srv.Addr, time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-atEnd
		cancel()
	}()
	rep, err := d.Dispatch(ctx)
	require.NoError(t, err, "the batch was done")
	require.Equal(t, 1, rep.Failed, rep.Outcomes)
	got, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Equal(t, channel.StatusFailed, got.Status)
	require.Contains(t, got.LastError, "the server may have accepted it")

	clk.Advance(time.Hour)
	rep, err = d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Zero(t, rep.Claimed, rep.Outcomes)
}

// msgID matches an RFC 5322 msg-id of dot-atom-text on both sides.
var msgID = regexp.MustCompile("^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*>$")

// TestMessageIDIncludesTheTenant: two tenants (a workspace and its
// sandbox) that send a message of the same key from the same domain send
// different Message-IDs, which a receiver that de-duplicates by
// Message-ID would otherwise drop one of. Each stays the same for every
// send of the key, is a valid msg-id whatever the tenant's name holds,
// and the default tenant's is the one MessageID gives.
func TestMessageIDIncludesTheTenant(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	def := smtp.MessageID("journey:intro:p-1", "vendor.example")
	seen := map[string]string{}
	for _, tenant := range []string{"", "default", "acme", "acme-sandbox", `Acme Corp <x>@"y".`, "Zürich\r\n", "acme.sandbox"} {
		s := newSender(t, srv.Addr, func(c *smtp.Config) { c.Tenant = tenant })
		a, err := s.SendEmail(context.Background(), marketingEmail())
		require.NoError(t, err)
		again := newSender(t, srv.Addr, func(c *smtp.Config) { c.Tenant = tenant })
		b, err := again.SendEmail(context.Background(), marketingEmail())
		require.NoError(t, err)

		require.Equal(t, a.ProviderID, b.ProviderID, "tenant %q: the same for every send of the key", tenant)
		require.Regexp(t, msgID, a.ProviderID, "tenant %q", tenant)
		require.Equal(t, smtp.TenantMessageID(tenant, "journey:intro:p-1", "vendor.example"), a.ProviderID, "tenant %q", tenant)
		got := srv.received()
		m, err := mail.ReadMessage(strings.NewReader(string(got[len(got)-1].Data)))
		require.NoError(t, err)
		require.Equal(t, a.ProviderID, m.Header.Get("Message-ID"), "tenant %q", tenant)
		if tenant == "" || tenant == "default" {
			require.Equal(t, def, a.ProviderID, "the default tenant's Message-IDs are as they were")
			continue
		}
		other, dup := seen[a.ProviderID]
		require.False(t, dup, "tenants %q and %q send the same Message-ID %s", other, tenant, a.ProviderID)
		require.NotEqual(t, def, a.ProviderID, "tenant %q sends the default tenant's Message-ID", tenant)
		seen[a.ProviderID] = tenant
	}
}
