// Package smtp delivers channel messages (email and sales alerts) over SMTP,
// with the standard library's net/smtp client.
//
// Each message is a MIME multipart/alternative with a text and an HTML part
// (quoted-printable, UTF-8), a Subject encoded per RFC 2047, a From (the
// message's or Config.From) and a Reply-To
// of one address, bare or with a display name (encoded per RFC 2047 where
// it is not ASCII; a Reply-To that is not one address is a permanent
// failure), a Date from the configured clock, List-Unsubscribe and
// List-Unsubscribe-Post (RFC 8058 one-click) headers when the message has
// an unsubscribe link (a mailto alternative given as a bare address
// written as a mailto: link; its characters that are not ASCII, spaces and
// other control characters, angle brackets and quotes percent-encoded, so
// that each link stays one link between its brackets), and two
// idempotency headers derived from the message
// key (the headers are folded at spaces, into lines of at most 78
// characters where the words allow, 76 for one with encoded words, as
// RFC 2047 has it; the key, like the subject, is
// encoded per RFC 2047 where it would not read back as it is: not
// ASCII, holding "=?" or a tab, spaces at its ends or a word too long
// for a line):
//
//	Message-ID: <3f1c...e9@mail.vendor.example>   (the same for every send of a key)
//	X-Quorum-Idempotency-Key: journey:intro:p-1
//
// The Message-ID depends on the tenant too (Config.Tenant): a tenant
// other than the default one has 16 more hex digits in its IDs, a hash
// of its name ("<3f1c...e9.7a0b...51@mail.vendor.example>"), so that two
// tenants (a workspace and its sandbox) sending the same key from the
// same domain do not send the same Message-ID, of which a receiver that
// de-duplicates by it would drop one.
//
// SMTP itself has no idempotency: a relay that accepts the same message twice
// delivers it twice. The stable Message-ID lets an ESP or mail store that
// de-duplicates by Message-ID (and mail clients, which thread by it) drop a
// second copy. Use an HTTP email API with idempotency keys where exactly-once
// matters more than that.
//
// Credentials (Config.Username and Password, for AUTH PLAIN) go only
// over TLS (STARTTLS, with Config.TLS) or to a local server ("localhost",
// "127.0.0.1" or "::1", as net/smtp has it: a test server): Config.Validate
// refuses them without a TLS config for another host, where net/smtp
// would refuse to send the password in clear at every message. With a
// TLS config but not RequireTLS, a server that does not offer STARTTLS
// gets no AUTH: a temporary failure that says so ("AUTH as quorum: the
// server ... does not offer STARTTLS, and the password is not sent
// without TLS").
//
// An address that is not ASCII (an internationalized domain or local
// part, in the envelope or a header) goes only to a server that offers
// SMTPUTF8 (RFC 6531); to another, it is a permanent failure.
//
// Replies with a 5xx code to MAIL FROM, RCPT TO and DATA are permanent
// failures (channel.ErrPermanent, not retried), but for a 530 to MAIL
// FROM or RCPT TO, by which a server that requires authentication or
// TLS first refuses every message (RFC 4954 4: the sender's settings, as
// a 535 at AUTH; temporary), and for a 552 to RCPT TO:
// RFC 5321 (4.5.3.1.10) has clients take it as the 452 ("too many
// recipients") that RFC 821 coded 552, a temporary failure (a 552 after
// the message, "exceeded storage allocation", stays permanent). 4xx
// replies, timeouts and network errors are temporary (but for those
// between the end of the message and the server's reply: see below), and
// so is every failure before MAIL FROM (a refused connection, a greeting,
// STARTTLS or AUTH refused, a 535 for a wrong password): it concerns the
// sender's configuration, not the message, so the queued messages are
// retried with backoff, and fail only once the dispatcher's attempts run
// out, instead of all failing for good at the first send. Once the server
// has accepted the message (250 after DATA) the send has succeeded,
// whatever happens to the QUIT that follows.
// An error names the step that failed, with the address it concerns
// ("RCPT TO: 550 ...", "MAIL FROM:<news@vendor.example>: 550 ...", "AUTH
// as quorum: 535 ..."), so that a failed entry's error tells a refused
// recipient from a refused sender. It does not name the recipient, nor
// does a refusal before any command ("the recipient's address is not a
// valid email address", "the recipient's address is not ASCII, and the
// server ... does not offer SMTPUTF8"): the error goes to the
// dispatcher's log and outcomes, which an erasure of the person does not
// reach (what the server's reply says is its own).
//
// Once the whole message is sent, to its final ".", the server may accept
// it at any moment: a cancelled context no longer cuts the send there,
// which waits for the server's reply until its deadline (Timeout, or the
// context's deadline: a dispatcher's lease), so that a dispatch cancelled
// then (a shutdown) records the server's answer. A send that gets no reply
// then (the deadline passed) has an unknown outcome: the server may have
// delivered the message, and SMTP has no way to ask. channel has no
// outcome for "perhaps sent", and a temporary failure would have the
// message sent again, so it is a permanent failure that says so and names
// the Message-ID to look for in the server's logs ("end of DATA: no reply
// after the end of the message (...): the server may have accepted it
// (Message-ID <...>), and it is not sent again, lest it arrive twice"):
// at most once rather than twice, as the dispatcher treats a sender that
// panics. So is a reply that is not SMTP ("end of DATA: a reply that is
// not SMTP after the end of the message (short response: ...)": the
// server answered, perhaps its acceptance, and would answer a retry the
// same way). Any 2xx reply accepts the message (RFC 5321 4.2.1), not
// only the 250 that net/smtp expects.
//
// A connection the server closes without a reply is not that: it may
// have dropped before the final "." reached the server, which then has
// no message, so RFC 5321 3.8 has clients take it as a 451, temporary,
// and the message is sent again. A server that took the message and
// closed before replying (a crash after queueing it) gets it twice,
// though, and the client cannot tell the two apart: the error, which the
// entry keeps as its last error once delivered too, says so, with the
// Message-ID by which to find a second copy ("end of DATA: the
// connection closed without a reply (EOF), taken as 451, temporary (RFC
// 5321 3.8): if the server took the message before it closed, it is
// delivered twice (Message-ID <...>)").
//
// A failure before the final "." (a cancelled context, a dropped
// connection) is temporary: a server that did not get the end of the
// message does not deliver it. Once the server has accepted the message,
// a cancellation cuts the QUIT that follows, whose answer changes
// nothing.
package smtp

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/netip"
	netsmtp "net/smtp"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
)

// Config configures a Sender. Addr is required, and From unless every message
// carries its own.
type Config struct {
	// Addr is the server's host:port.
	Addr string
	// HeloName is the name sent in EHLO: a domain name or an address
	// literal ("[192.0.2.1]"). Default "localhost".
	HeloName string
	// Username and Password enable PLAIN authentication. net/smtp sends
	// them only over TLS or to a local server ("localhost", "127.0.0.1",
	// "::1"): with another host, Validate requires TLS.
	Username, Password string
	// TLS, when set, upgrades the connection with STARTTLS; RequireTLS
	// refuses to send when the server does not offer it. The server's
	// certificate is verified for TLS.ServerName, by default the host of
	// Addr (as net/smtp.SendMail does).
	TLS        *tls.Config
	RequireTLS bool
	// From is the sender of messages without their own: one address,
	// bare or with a display name ("Acme Marketing
	// <news@vendor.example>"), whose address is the envelope sender.
	From string
	// MessageIDDomain is the right-hand side of Message-IDs, a domain
	// name. Default: the domain of the sender address.
	MessageIDDomain string
	// Tenant is the tenant (workspace or sandbox) whose messages the
	// sender delivers, as the engine's Config.Tenant names it. It goes
	// into the Message-IDs (see TenantMessageID), so that two tenants
	// sending a message of the same key from the same domain do not give
	// both the same Message-ID, which a receiver that de-duplicates by
	// it would drop as a copy. "" and "default" (the engine's default
	// tenant) leave the Message-IDs as MessageID gives them. A host with
	// several tenants gives each its own Sender, as it gives each its
	// own engine and dispatcher: a message does not say its tenant.
	Tenant string
	// Timeout bounds one delivery (connect to QUIT). Default 30s.
	Timeout time.Duration
	// Clock dates the messages. Default clock.System.
	Clock clock.Clock
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var ps b2b.Problems
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		ps.Addf("addr", "%q is not host:port", c.Addr)
	}
	if _, _, ok := sender(c.From); c.From != "" && !ok {
		ps.Addf("from", "%q is not an email address (one address, bare or with a display name)", c.From)
	}
	if c.RequireTLS && c.TLS == nil {
		ps.Addf("tls", "requireTLS needs a TLS config")
	} else if err == nil && c.Username != "" && c.TLS == nil && !authInClear(host) {
		// net/smtp would refuse to send the password, at every message:
		// the mistake is shown here, not as a failure of each send.
		ps.Addf("tls", "is needed for AUTH to %s: the password would go in clear "+
			"(net/smtp sends it without TLS only to localhost, 127.0.0.1 or ::1; every message would fail at AUTH)", host)
	}
	if c.Timeout < 0 {
		ps.Addf("timeout", "is negative")
	}
	if (c.Username == "") != (c.Password == "") {
		ps.Addf("password", "username and password go together")
	}
	// Checked here, not at each send: a server refuses a bad EHLO for
	// every message, and a Message-ID domain is written into a header.
	if c.HeloName != "" && !domainName(c.HeloName) && !addressLiteral(c.HeloName) {
		ps.Addf("heloName", "%q is not a domain name or an address literal ([192.0.2.1])", c.HeloName)
	}
	if c.MessageIDDomain != "" && !domainName(c.MessageIDDomain) {
		ps.Addf("messageIDDomain", "%q is not a domain name", c.MessageIDDomain)
	}
	return ps.Err("smtp config")
}

// authInClear reports whether net/smtp's PLAIN authentication sends the
// password to host over a connection without TLS: only to a server it
// takes for local, named as net/smtp names them (not another loopback
// address, nor "LOCALHOST").
func authInClear(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// domainName reports whether s is a domain name: labels of letters,
// digits and hyphens, separated by dots.
func domainName(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return len(s) <= 253
}

// addressLiteral reports whether s is an SMTP address literal:
// "[192.0.2.1]" or "[IPv6:2001:db8::1]".
func addressLiteral(s string) bool {
	inner, open := strings.CutPrefix(s, "[")
	inner, closed := strings.CutSuffix(inner, "]")
	if !open || !closed {
		return false
	}
	if v6, ok := strings.CutPrefix(inner, "IPv6:"); ok {
		a, err := netip.ParseAddr(v6)
		return err == nil && a.Is6()
	}
	a, err := netip.ParseAddr(inner)
	return err == nil && a.Is4()
}

// A Sender delivers email and sales alerts over SMTP. It implements
// channel.EmailSender and channel.AlertSender, opens one connection per
// message, and is safe for concurrent use.
type Sender struct {
	cfg Config
}

var (
	_ channel.EmailSender = (*Sender)(nil)
	_ channel.AlertSender = (*Sender)(nil)
)

// New validates cfg and returns a sender.
func New(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.HeloName = cmp.Or(cfg.HeloName, "localhost")
	cfg.Timeout = cmp.Or(cfg.Timeout, 30*time.Second)
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	return &Sender{cfg: cfg}, nil
}

// SendEmail implements channel.EmailSender.
func (s *Sender) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	return s.send(ctx, msg)
}

// SendAlert implements channel.AlertSender: a sales alert is an email to a
// sales user.
func (s *Sender) SendAlert(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	return s.send(ctx, msg)
}

func (s *Sender) send(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	from := cmp.Or(msg.From, s.cfg.From)
	addr, _, ok := sender(from)
	if !ok {
		return channel.Receipt{}, &channel.SendError{Permanent: true, Err: fmt.Errorf("message %q has no valid sender address (%q)", msg.Key, from)}
	}
	if !b2b.ValidEmail(msg.To) {
		// Not the address: see RCPT TO in deliver.
		return channel.Receipt{}, &channel.SendError{Permanent: true, Err: fmt.Errorf("message %q: the recipient's address is not a valid email address", msg.Key)}
	}
	now := s.cfg.Clock.Now()
	id := TenantMessageID(s.cfg.Tenant, msg.Key, cmp.Or(s.cfg.MessageIDDomain, addrDomain(addr)))
	raw, err := Compose(msg, from, id, now)
	if err != nil {
		return channel.Receipt{}, &channel.SendError{Permanent: true, Err: err}
	}
	if err := s.deliver(ctx, addr, msg.To, raw); err != nil {
		var u unknownOutcome
		if errors.As(err, &u) {
			// Not retried: the message would arrive twice if the server
			// took it. channel has no outcome for "perhaps sent".
			return channel.Receipt{}, &channel.SendError{Permanent: true,
				Err: fmt.Errorf("%w: the server may have accepted it (Message-ID %s), and it is not sent again, lest it arrive twice", u.err, id)}
		}
		var p perhapsTaken
		if errors.As(err, &p) {
			// Retried, but the entry's error says that the message may
			// arrive twice, and by which Message-ID to tell.
			return channel.Receipt{}, &channel.SendError{
				Err: fmt.Errorf("%w: if the server took the message before it closed, it is delivered twice (Message-ID %s)", p.err, id)}
		}
		return channel.Receipt{}, classify(err)
	}
	return channel.Receipt{ProviderID: id, At: now}, nil
}

func (s *Sender) deliver(ctx context.Context, from, to string, raw []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(dl); err != nil {
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	c, err := netsmtp.NewClient(conn, host)
	if err != nil {
		return sessionError{fmt.Errorf("greeting: %w", err)}
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HeloName); err != nil {
		return sessionError{fmt.Errorf("EHLO %s: %w", s.cfg.HeloName, err)}
	}
	if s.cfg.TLS != nil {
		if ok, _ := c.Extension("STARTTLS"); ok {
			tc := s.cfg.TLS
			if tc.ServerName == "" && !tc.InsecureSkipVerify {
				tc = tc.Clone()
				tc.ServerName = host
			}
			if err := c.StartTLS(tc); err != nil {
				return sessionError{fmt.Errorf("STARTTLS: %w", err)}
			}
		} else if s.cfg.RequireTLS {
			return &channel.SendError{Err: fmt.Errorf("server %s does not offer STARTTLS and TLS is required", s.cfg.Addr)}
		}
	}
	if s.cfg.Username != "" {
		if _, secure := c.TLSConnectionState(); !secure && !authInClear(host) {
			// net/smtp would refuse too, saying only "unencrypted
			// connection". Validate requires a TLS config for such a
			// host, so the server did not offer STARTTLS. Temporary, as
			// when TLS is required: the server's setup, not the message.
			return &channel.SendError{Err: fmt.Errorf("AUTH as %s: the server %s does not offer STARTTLS, and the password is not sent without TLS "+
				"(net/smtp sends it so only to localhost, 127.0.0.1 or ::1)", s.cfg.Username, s.cfg.Addr)}
		}
		if err := c.Auth(netsmtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return sessionError{fmt.Errorf("AUTH as %s: %w", s.cfg.Username, err)}
		}
	}
	if addr, ok := nonASCII(from, to, raw); ok {
		if utf8ok, _ := c.Extension("SMTPUTF8"); !utf8ok {
			// RFC 6531: a server that does not offer it did not agree to
			// take UTF-8 in the envelope or the headers, and may refuse or
			// mangle it; this server never will, for this message.
			return &channel.SendError{Permanent: true, Err: fmt.Errorf("%s is not ASCII, and the server %s does not offer SMTPUTF8 (RFC 6531), which it needs", addr, s.cfg.Addr)}
		}
	}
	// Each error names the command it answers: a 550 to MAIL FROM (the
	// sender refused) and one to RCPT TO (the recipient unknown) are
	// different problems.
	if err := c.Mail(from); err != nil {
		return notAuthenticated(fmt.Errorf("MAIL FROM:<%s>: %w", from, err))
	}
	if err := c.Rcpt(to); err != nil {
		// Not the address: the error reaches the host's logs, which an
		// erasure of the person cannot reach.
		var te *textproto.Error
		if errors.As(err, &te) && te.Code == 530 {
			return notAuthenticated(fmt.Errorf("RCPT TO: %w", err))
		}
		if errors.As(err, &te) && te.Code == 552 {
			// RFC 5321 4.5.3.1.10: RFC 821 gave "too many recipients"
			// the code 552, which belongs to 452; clients are to take a
			// 552 here as temporary. (After DATA, 552 is "exceeded
			// storage allocation", and permanent.)
			return &channel.SendError{Code: te.Code, Err: fmt.Errorf("RCPT TO: %w (taken as 452, temporary: RFC 5321 4.5.3.1.10)", err)}
		}
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("sending the message after DATA: %w", err)
	}
	// All but the final ".": until the server has it, it has no message
	// to accept, and a failure is an ordinary one.
	if err := c.Text.W.Flush(); err != nil {
		return fmt.Errorf("sending the message after DATA: %w", err)
	}
	// From the final "." on, the server may accept the message at any
	// moment: a cancellation no longer cuts the send, which waits for the
	// reply until the deadline set on conn (Timeout, or ctx's deadline).
	if !stop() {
		return fmt.Errorf("sending the message after DATA: %w", ctx.Err())
	}
	if err := w.Close(); err != nil && !positive(err) {
		var te *textproto.Error
		if errors.As(err, &te) {
			return fmt.Errorf("end of DATA: %w", err)
		}
		if _, ok := errors.AsType[textproto.ProtocolError](err); ok {
			// The server answered, but not in SMTP: it may have accepted
			// the message, and would answer a retry the same way.
			return unknownOutcome{fmt.Errorf("end of DATA: a reply that is not SMTP after the end of the message (%w)", err)}
		}
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
			// No reply in time: the server may still accept the message,
			// or have accepted it.
			return unknownOutcome{fmt.Errorf("end of DATA: no reply after the end of the message (%w)", err)}
		}
		// The server closed the connection without a reply. It may have
		// dropped before the server had the final "." (writes succeed
		// into the socket's buffer), and RFC 5321 3.8 has clients take
		// this as a 451: temporary. A server that took the message and
		// closed before its reply (a crash) has it, though, and gets it
		// again: send says so.
		return perhapsTaken{fmt.Errorf("end of DATA: the connection closed without a reply (%w), taken as 451, temporary (RFC 5321 3.8)", err)}
	}
	// The server has accepted the message (250 after DATA): a QUIT that
	// fails (a dropped connection) changes nothing, and reporting it would
	// have the message retried and delivered twice. A cancellation cuts
	// it again, so that a cancelled send does not wait for a server that
	// does not answer QUIT.
	stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	_ = c.Quit()
	return nil
}

// notAuthenticated returns err, a refusal of MAIL FROM or RCPT TO, as a
// temporary failure if it is a 530: RFC 4954 (4) has a server that
// requires authentication (or TLS, RFC 3207) first answer so the
// commands after EHLO. Like a 535 at AUTH, it concerns the sender's
// settings (no credentials, no TLS), not the message: every message
// gets it, and failing each for good would lose the queue to one
// missing setting.
func notAuthenticated(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 530 {
		return err
	}
	return &channel.SendError{Code: te.Code,
		Err: fmt.Errorf("%w (the server requires authentication or TLS first: the sender's settings, not the message)", err)}
}

// positive reports whether err is a reply of positive completion (2xx)
// other than the 250 net/smtp expects, which accepts the message too
// (RFC 5321 4.2.1).
func positive(err error) bool {
	te, ok := errors.AsType[*textproto.Error](err)
	return ok && te.Code >= 200 && te.Code < 300
}

// nonASCII returns what of a message is not ASCII, and so needs
// SMTPUTF8: the sender's address (named) or the recipient's (not named),
// or else a header (the address of a Reply-To); the body,
// quoted-printable, is ASCII.
func nonASCII(from, to string, raw []byte) (string, bool) {
	if !ascii(from) {
		return "the sender's address " + from, true
	}
	if !ascii(to) {
		// Not the address: see RCPT TO in deliver.
		return "the recipient's address", true
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ascii(string(head)) {
		return "a header", true
	}
	return "", false
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// sessionError is a failure before MAIL FROM: the server refused the
// session (its greeting, EHLO, STARTTLS, AUTH), whatever the message.
type sessionError struct{ err error }

func (e sessionError) Error() string { return e.err.Error() }
func (e sessionError) Unwrap() error { return e.err }

// unknownOutcome is a failure after the whole message was sent, to its
// final ".", and before the server's reply was read: the server may have
// accepted the message.
type unknownOutcome struct{ err error }

func (e unknownOutcome) Error() string { return e.err.Error() }
func (e unknownOutcome) Unwrap() error { return e.err }

// perhapsTaken is a connection the server closed without a reply once it
// may have had the whole message: retried, as RFC 5321 3.8 has it,
// although the server may have taken the message.
type perhapsTaken struct{ err error }

func (e perhapsTaken) Error() string { return e.err.Error() }
func (e perhapsTaken) Unwrap() error { return e.err }

// classify turns an SMTP or network error into a *channel.SendError: 5xx
// replies to MAIL FROM, RCPT TO and DATA are permanent, everything else
// temporary (deliver classifies a 552 to RCPT TO and a 530 to MAIL FROM
// or RCPT TO itself, as temporary, and
// send a failure with an unknown outcome). A 5xx before MAIL FROM (a 535
// for a wrong password, a 554 greeting) concerns the sender's
// configuration, not the message: every message would get it, and failing
// them all for good would lose the queue to one wrong setting; it is
// retried with backoff, until the dispatcher's attempts run out.
func classify(err error) error {
	var se *channel.SendError
	if errors.As(err, &se) {
		return se
	}
	code := 0
	var te *textproto.Error
	if errors.As(err, &te) {
		code = te.Code
	}
	var sess sessionError
	if errors.As(err, &sess) {
		return &channel.SendError{Code: code, Err: sess.err}
	}
	return &channel.SendError{Permanent: code >= 500, Code: code, Err: err}
}

// MessageID returns the Message-ID for an idempotency key: the same key gives
// the same ID, "<" + 32 hex digits of SHA-256(key) + "@" + domain + ">".
// It is the default tenant's; see TenantMessageID.
func MessageID(key, domain string) string { return TenantMessageID("", key, domain) }

// TenantMessageID returns the Message-ID for an idempotency key of a
// tenant: for the default tenant ("" or "default"), MessageID's; for
// another, the left-hand side goes on with "." and 16 hex digits of
// SHA-256(tenant), "<" + 32 hex digits + "." + 16 hex digits + "@" +
// domain + ">". The tenant is hashed, not written out: any name gives a
// valid msg-id (dot-atom-text), and its recipients do not read it.
func TenantMessageID(tenant, key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	lhs := hex.EncodeToString(sum[:16])
	if tenant != "" && tenant != "default" {
		ten := sha256.Sum256([]byte(tenant))
		lhs += "." + hex.EncodeToString(ten[:8])
	}
	return "<" + lhs + "@" + cmp.Or(domain, "localhost") + ">"
}

func addrDomain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

// Compose renders msg as an RFC 5322 message with CRLF line endings (line
// breaks in the parts, LF, CR or CRLF, all become CRLF; bytes of the
// subject and the parts that are not UTF-8 become U+FFFD). The MIME
// boundary derives from the key, so the same message composes to the same
// bytes at the same time, and is one that no part contains.
func Compose(msg *channel.Message, from, messageID string, date time.Time) ([]byte, error) {
	// In the order of the headers, so that a message with several line
	// breaks is refused with the same error every time.
	for _, f := range [...]struct{ name, value string }{{"from", from}, {"to", msg.To}, {"reply-to", msg.ReplyTo}, {"subject", msg.Subject},
		{"message-id", messageID}, {"key", msg.Key}, {"list-unsubscribe", msg.ListUnsubscribe}, {"list-unsubscribe mailto", msg.ListUnsubscribeMailto}} {
		if strings.ContainsAny(f.value, "\r\n") {
			return nil, fmt.Errorf("message %q: line break in %s", msg.Key, f.name)
		}
	}
	if msg.Text == "" && msg.HTML == "" {
		return nil, fmt.Errorf("message %q has neither a text nor an HTML part", msg.Key)
	}
	_, fromHeader, ok := sender(from)
	if !ok {
		return nil, fmt.Errorf("message %q: from %q is not one address", msg.Key, from)
	}
	replyTo, err := replyToHeader(msg)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	h := func(name, value string) { writeHeader(&b, name, value) }
	h("From", fromHeader)
	h("To", msg.To)
	if replyTo != "" {
		h("Reply-To", replyTo)
	}
	h("Subject", encodeText("Subject", strings.ToValidUTF8(msg.Subject, "\uFFFD")))
	h("Date", date.Format(time.RFC1123Z))
	h("Message-ID", messageID)
	h("X-Quorum-Idempotency-Key", encodeText("X-Quorum-Idempotency-Key", msg.Key))
	if lu := listUnsubscribe(msg); lu != "" {
		h("List-Unsubscribe", lu)
		// A scheme in any case ("HTTPS://"): URIs do not tell them apart.
		if len(msg.ListUnsubscribe) >= len("https://") && strings.EqualFold(msg.ListUnsubscribe[:len("https://")], "https://") {
			h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	h("MIME-Version", "1.0")
	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary(msg)); err != nil {
		return nil, err
	}
	h("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", msg.Text}, {"text/html", msg.HTML}} {
		if part.body == "" {
			continue
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw)
		// The part says charset=utf-8: bytes that are not (a name
		// imported in Latin-1) are replaced, not sent as they are.
		body := strings.ToValidUTF8(part.body, "\uFFFD")
		if _, err := qw.Write([]byte(lineBreaks.Replace(body))); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sender reads a sender (Config.From, Message.From): one address, bare
// or with a display name ("Acme Marketing <news@vendor.example>"). It
// returns the address, for MAIL FROM and the Message-ID's domain, and
// the From header's value, the name encoded per RFC 2047 where it is
// not ASCII; false for anything else.
func sender(from string) (addr, header string, ok bool) {
	if b2b.ValidEmail(from) {
		return from, from, true // the usual case, without net/mail's allocations
	}
	a, err := mail.ParseAddress(from)
	if err != nil || !b2b.ValidEmail(a.Address) {
		return "", "", false
	}
	if a.Name == "" {
		return a.Address, a.Address, true
	}
	return a.Address, a.String(), true
}

// replyToHeader returns the Reply-To header of msg: one address, bare
// or with a display name ("Équipe Vendor <team@vendor.example>"), the
// name encoded per RFC 2047 where it is not ASCII (a header that went
// out as raw UTF-8 would reach a server that did not agree to 8-bit
// headers); "" when msg has none.
func replyToHeader(msg *channel.Message) (string, error) {
	if msg.ReplyTo == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(msg.ReplyTo)
	if err != nil {
		return "", fmt.Errorf("message %q: reply-to %q is not one address: %v", msg.Key, msg.ReplyTo, err)
	}
	if a.Name == "" {
		return a.Address, nil
	}
	return a.String(), nil
}

// boundary returns the MIME boundary of msg: derived from its key, so
// that the same message composes to the same bytes, and found in none of
// its parts. A key can be known in advance, and a part that held its
// boundary line (a name typed into a form, rendered into the message)
// would end there and go on as a part of the writer's choosing.
func boundary(msg *channel.Message) string {
	seed := "boundary:" + msg.Key
	for i := 0; ; i++ {
		sum := sha256.Sum256([]byte(seed))
		b := "q" + hex.EncodeToString(sum[:12])
		if !strings.Contains(msg.Text, b) && !strings.Contains(msg.HTML, b) {
			return b
		}
		seed = fmt.Sprintf("boundary:%s#%d", msg.Key, i+1)
	}
}

// encodeText encodes the text of header name per RFC 2047 so that it
// reads back as written (a subject, a message's key). Printable ASCII
// stays as it is, unless it holds text that a reader would decode as an
// encoded word ("=?utf-8?q?...?=", anywhere: readers decode one inside
// a word too), spaces at its ends or a tab, which a reader trims (at the
// ends of the value and of each folded line), or a word too long for a
// header line (998 characters): that text is encoded whole, into encoded
// words short enough to fold between.
func encodeText(name, s string) string {
	enc := mime.QEncoding.Encode("utf-8", s)
	if enc != s || !strings.Contains(s, "=?") && !strings.ContainsRune(s, '\t') &&
		!strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") && !hasLongWord(s, 998-len(name+": ")) {
		return enc
	}
	var words []string
	for len(s) > 0 {
		n := min(len(s), 45) // 60 characters of base64, 72 with the word's frame
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n-- // a character is not split between two words
		}
		if n == 0 {
			n = min(len(s), 45)
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// hasLongWord reports whether s has a word (between spaces) longer than n.
func hasLongWord(s string, n int) bool {
	for w := range strings.SplitSeq(s, " ") {
		if len(w) > n {
			return true
		}
	}
	return false
}

// maxHeaderLine is the length of a header line that RFC 5322 (2.1.1)
// recommends not to exceed; 998 is the limit, and servers refuse longer
// lines (go-smtp past 2,000 characters). A line that holds encoded
// words is limited to maxEncodedLine (RFC 2047 2).
const (
	maxHeaderLine  = 78
	maxEncodedLine = 76
)

// writeHeader writes a header field, folded before spaces so that its
// lines are at most maxHeaderLine characters long (maxEncodedLine for a
// value with encoded words) where the value allows (a word longer than
// that stays whole): a long subject, encoded or not, or a
// List-Unsubscribe with two links. It folds only at a space between two
// words, or between the field's name and its first word, so that
// readers that unfold by joining the lines with one space (as
// net/textproto does) read the value as written, and whitespace between
// encoded words is not part of the text anyway.
func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteByte(':')
	limit := maxHeaderLine
	if strings.Contains(value, "=?") {
		limit = maxEncodedLine
	}
	n := len(name) + 1
	prev := ""
	for i, w := range strings.Split(value, " ") {
		// Before the first word only where that brings it within the
		// limit: a word too long for any line stays after the name.
		if (i == 0 && 1+len(w) <= limit || i > 0 && prev != "") && w != "" && n+1+len(w) > limit {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(w)
		n += 1 + len(w)
		prev = w
	}
	b.WriteString("\r\n")
}

// lineBreaks turns CRLF and lone CR into LF; the quoted-printable writer
// then writes every line break as CRLF.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func listUnsubscribe(msg *channel.Message) string {
	var parts []string
	if msg.ListUnsubscribe != "" {
		parts = append(parts, "<"+uriText(msg.ListUnsubscribe)+">")
	}
	if m := msg.ListUnsubscribeMailto; m != "" {
		if b2b.ValidEmail(m) {
			// A bare address: "<unsubscribe@vendor.example>" is no URI,
			// and mail clients pass over it (RFC 2369 takes URLs).
			m = "mailto:" + m
		}
		parts = append(parts, "<"+uriText(m)+">")
	}
	return strings.Join(parts, ", ")
}

// uriText percent-encodes the bytes of a link that a header cannot carry
// as they are: those of characters that are not ASCII (RFC 3987 3.1: a
// name in the path, an internationalized domain), which would need
// SMTPUTF8, spaces, at which the header would be folded and the link
// split, and the angle brackets, quotes and control characters that no
// URI holds (RFC 3986 2), of which a '>' would end the link early and
// let the rest of it add links of its own.
func uriText(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf || uriEscaped(byte(r)) })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && !uriEscaped(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// uriEscaped reports whether the ASCII byte c is one uriText
// percent-encodes: a space or another control character, or <, > or ".
func uriEscaped(c byte) bool {
	return c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"'
}
