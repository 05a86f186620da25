// Package smshttp delivers text messages through an SMS provider's REST API,
// in the shape most providers share: an HTTP form POST of To, From and Body
// with basic authentication (account ID and token), an idempotency key
// header, and a JSON answer that carries the provider's message ID:
//
//	POST /2010-04-01/Accounts/AC123/Messages.json
//	Authorization: Basic QUMxMjM6dG9rZW4=
//	Idempotency-Key: journey:reminder:p-1
//	Content-Type: application/x-www-form-urlencoded
//
//	To=%2B4915112345678&From=%2B15550100&Body=Webinar+starts+in+1h
//
//	201 Created
//	{"sid": "SM0f1e...", "status": "queued"}
//
// Field names (three of their own), the ID field and the header name are
// configurable. Credentials (Username and Password, or a user in the URL)
// go only over https, or over http to a loopback host ("localhost",
// 127.0.0.0/8, ::1: a test server): Config.Validate refuses them with an
// http URL to another host, where they would cross the network in
// clear, and a redirect to plain http to such a host, to which net/http
// would send the Authorization header on (to the same host or a
// subdomain, whatever the scheme), is refused: a temporary failure that
// names the host, with nothing sent there. Bytes of the text that are
// not UTF-8 are sent as U+FFFD. The text goes as it is, in one request:
// the provider splits a long one into concatenated parts (see
// channel.SMSSegments for how many; channel.Templates.RenderSMS refuses a
// text over its template's limit, channel.Message.Validate one the host
// wrote itself over the default limit) and refuses one past its own limit,
// with a 4xx answer that fails the message for good.
//
// A 2xx answer means the provider accepted the message. One that gives no
// ID the sender can read (no ID field, an answer that is not a JSON
// object, a body cut short) is a delivery all the same, its receipt's
// ProviderID empty, and Config.Logger gets a warning saying why (with the
// answer's field names, by which to set IDField): retried, the text would
// go out again at each attempt from a provider that does not honour the
// idempotency key. A provider that answers 2xx with a failure in its body
// (a status field saying the message was refused) is not understood: its
// answer counts as a delivery, with that warning, so such a provider
// suits this sender only if the warning's log is watched.
//
// Failures are classified for the dispatcher: a 4xx answer is permanent (a
// bad number, a blocked recipient: retrying cannot help) except 408, 409 and
// 429, which are temporary like 5xx answers, timeouts and network errors,
// and 401 and 407 (credentials refused), 402 (the account out of credit)
// and 404, 405 and 415 (a URL
// that names no endpoint, or one that takes no POST or no form) concern
// the sender's configuration, not the message, so the queued messages are
// retried with backoff, and fail only once the dispatcher's attempts run
// out, instead of all failing for good at the first send (as the SMTP
// sender does with a 535). A
// key that an HTTP header cannot carry (a control character) fails for
// good without a request. An endpoint that moved (a 301 or 302 answer,
// which an HTTP client follows with a GET that sends nothing) is a
// temporary failure naming the new address, so that the queued messages
// wait for the URL to be corrected instead of counting the GET's answer
// as a delivery. A Retry-After header (seconds or an HTTP date) is
// passed on. Retries reuse the
// idempotency key, so a provider that honours it sends once. Such a
// provider answers 409 to a key whose first request is still in progress
// (a send that timed out while the provider was at work): the message
// may have gone out, and the retry gets the first request's answer, its
// message ID; the 409's error says so ("the key is in use by an earlier
// request, which may have sent the message"), and an entry that runs
// out of attempts on 409s is failed though the message may have been
// sent.
package smshttp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
)

// Config configures a Sender. URL is required.
type Config struct {
	// URL is the provider's "create message" endpoint. A provider that
	// takes its key in the query may have it there: errors (Validate's
	// too) quote the URL with the query's values and a password replaced.
	URL string
	// Username and Password are the basic-auth credentials (commonly the
	// account ID and an API token). With them (or with a user in URL),
	// URL must be https, or http to a loopback host (a test server):
	// basic authentication over plain http crosses the network in clear.
	Username, Password string
	// From is the sender number or ID of messages without their own.
	From string
	// ToField, FromField and BodyField name the form fields. Defaults
	// "To", "From", "Body". The three names must differ (case counts, as
	// in the form): a form holds one value a name.
	ToField, FromField, BodyField string
	// IDField is the JSON field of the answer that holds the message ID.
	// Default "sid"; "id" and "message_id" are tried too.
	IDField string
	// IdempotencyHeader carries the message key. Default "Idempotency-Key".
	IdempotencyHeader string
	// Client sends the requests. Default: a client with Timeout. New
	// keeps a copy whose redirect policy first refuses a redirect that
	// would carry the credentials to plain http (see the package doc),
	// then applies Client's.
	Client *http.Client
	// Timeout bounds one request. Default 10s.
	Timeout time.Duration
	// Clock stamps receipts. Default clock.System.
	Clock clock.Clock
	// Logger receives a warning for each message the provider accepted
	// without a message ID the sender could read. Default: discard.
	Logger *slog.Logger
}

// Validate reports every problem with the configuration.
func (c Config) Validate() error {
	var ps b2b.Problems
	// The URL is quoted without its secrets (see redacted), and one that
	// does not parse not at all: the error is logged. Only a bad
	// character of the host name is named; url.Parse's other errors quote
	// a part of the URL (a port, an escape), which a password holding a
	// "/" or a "%" makes a part of the password.
	if u, err := url.Parse(c.URL); err != nil {
		var bad url.InvalidHostError
		if errors.As(err, &bad) {
			ps.Addf("url", "is not an http(s) URL: %v", bad)
		} else {
			ps.Addf("url", "does not parse as a URL (not quoted: it may hold a key)")
		}
	} else if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		ps.Addf("url", "%q is not an http(s) URL", redacted(u))
	} else if creds := credentials(c, u); creds != "" && u.Scheme == "http" && !loopback(u.Hostname()) {
		// Basic authentication is the credentials themselves, base64'd:
		// over plain http, anyone on the way reads them. A loopback host
		// (a test server, a local mock) is not on the network.
		ps.Addf("url", "%q is plain http to %s, not a loopback host: %s would cross the network in clear (use https)", redacted(u), u.Hostname(), creds)
	}
	if c.Timeout < 0 {
		ps.Addf("timeout", "is negative")
	}
	if (c.Username == "") != (c.Password == "") {
		ps.Addf("password", "username and password go together")
	}
	if c.IdempotencyHeader != "" && !headerName(c.IdempotencyHeader) {
		// net/http would refuse every request, and each message would be
		// retried until out of attempts.
		ps.Addf("idempotencyHeader", "%q is not a valid HTTP header name", c.IdempotencyHeader)
	}
	fieldNames(c, &ps)
	return ps.Err("sms http config")
}

// credentials names the credentials a request to u carries, "" if none:
// the configured username and password, or else the user (and password)
// of the URL, which the client sends as basic authentication.
func credentials(c Config, u *url.URL) string {
	switch {
	case c.Username != "" || c.Password != "":
		return "the username and password"
	case u.User != nil:
		return "the credentials in the URL"
	}
	return ""
}

// loopback reports whether host (a URL's, without brackets or port) is
// on this machine: "localhost" or a loopback address (127.0.0.0/8, ::1).
func loopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// fieldNames reports form field names that are the same: a form holds one
// value a name, so the later one would replace the earlier (with From
// named "To", the sender's number would go out as the recipient). The
// form encoding tells names apart by case, and so does this.
func fieldNames(c Config, ps *b2b.Problems) {
	to, from, body := cmp.Or(c.ToField, "To"), cmp.Or(c.FromField, "From"), cmp.Or(c.BodyField, "Body")
	same := func(setting, name, other, otherName, set, effect string) bool {
		if name != otherName {
			return false
		}
		dflt := ""
		if set == "" {
			dflt = " (its default)"
		}
		ps.Addf(setting, "%q is %s's name too%s: %s", name, other, dflt, effect)
		return true
	}
	same("fromField", from, "toField", to, c.ToField, "the sender's number would replace the recipient's")
	if !same("bodyField", body, "toField", to, c.ToField, "the text would replace the recipient's number") {
		same("bodyField", body, "fromField", from, c.FromField, "the text would replace the sender's number")
	}
}

// headerName reports whether s is an HTTP header name: a token of RFC
// 9110's tchar.
func headerName(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// headerValue reports whether an HTTP header can carry s: no control
// character but a tab (net/http refuses the request otherwise).
func headerValue(s string) bool {
	for _, c := range []byte(s) {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// A Sender delivers SMS through a provider's REST API. It implements
// channel.SMSSender and is safe for concurrent use.
type Sender struct {
	cfg Config
}

var _ channel.SMSSender = (*Sender)(nil)

// New validates cfg and returns a sender.
func New(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.ToField = cmp.Or(cfg.ToField, "To")
	cfg.FromField = cmp.Or(cfg.FromField, "From")
	cfg.BodyField = cmp.Or(cfg.BodyField, "Body")
	cfg.IDField = cmp.Or(cfg.IDField, "sid")
	cfg.IdempotencyHeader = cmp.Or(cfg.IdempotencyHeader, "Idempotency-Key")
	cfg.Timeout = cmp.Or(cfg.Timeout, 10*time.Second)
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout}
	}
	// A copy: the caller's client is left as it was.
	client := *cfg.Client
	client.CheckRedirect = keepCredentials(cfg.Client.CheckRedirect)
	cfg.Client = &client
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{cfg: cfg}, nil
}

// SendSMS implements channel.SMSSender.
func (s *Sender) SendSMS(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	if !headerValue(msg.Key) {
		// Refused by net/http before any request: no retry can help.
		return channel.Receipt{}, &channel.SendError{Permanent: true,
			Err: fmt.Errorf("sms %q: the key has a control character and cannot be sent in the %s header", msg.Key, s.cfg.IdempotencyHeader)}
	}
	form := url.Values{}
	form.Set(s.cfg.ToField, msg.To)
	if from := cmp.Or(msg.From, s.cfg.From); from != "" {
		form.Set(s.cfg.FromField, from)
	}
	// Providers read the form as UTF-8: bytes that are not (a name
	// imported in Latin-1) are replaced, not sent as they are.
	form.Set(s.cfg.BodyField, strings.ToValidUTF8(msg.Text, "\uFFFD"))
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return channel.Receipt{}, &channel.SendError{Permanent: true, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(s.cfg.IdempotencyHeader, msg.Key)
	if s.cfg.Username != "" {
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return channel.Receipt{}, &channel.SendError{Err: fmt.Errorf("sms %q: %w", msg.Key, withoutSecrets(err))}
	}
	defer resp.Body.Close()
	if moved := movedAway(resp); moved != nil {
		return channel.Receipt{}, &channel.SendError{Code: moved.StatusCode, Err: fmt.Errorf("sms %q: the provider answered %s, moving the endpoint to %s; "+
			"a client follows that with a GET, which sends no message (set the URL to the new address)", msg.Key, moved.Status, movedTo(moved))}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	now := s.cfg.Clock.Now()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Accepted: the provider sends the text whether or not its answer
		// gives an ID the sender can read. Retried, the text would go out
		// once more for each attempt wherever the provider does not
		// honour the key.
		id := ""
		if err != nil {
			err = fmt.Errorf("reading the answer: %w", err)
		} else {
			id, err = s.messageID(body)
		}
		if err != nil {
			s.cfg.Logger.WarnContext(ctx, "sms accepted without a message ID: counted as sent",
				"key", msg.Key, "status", resp.Status, "why", err.Error())
		}
		return channel.Receipt{ProviderID: id, At: now}, nil
	}
	if err != nil {
		return channel.Receipt{}, &channel.SendError{Code: resp.StatusCode, Err: fmt.Errorf("sms %q: reading the answer: %w", msg.Key, err)}
	}
	why := ""
	if resp.StatusCode == http.StatusConflict {
		// The answer of providers that honour idempotency keys to a key
		// whose first request is still in progress: that request may
		// send the message. The entry's error says so, for an entry that
		// runs out of attempts (failed, perhaps sent) or is delivered
		// later (its last error kept).
		why = "; the key is in use by an earlier request, which may have sent the message: a retry with the key gets that request's answer"
	}
	return channel.Receipt{}, &channel.SendError{
		Permanent:  resp.StatusCode >= 400 && resp.StatusCode < 500 && !temporary4xx(resp.StatusCode),
		Code:       resp.StatusCode,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now),
		Err:        fmt.Errorf("sms %q: provider answered %s: %s%s", msg.Key, resp.Status, providerMessage(body), why),
	}
}

// keepCredentials wraps a client's redirect policy (nil: net/http's, at
// most 10 redirects) with the refusal of a redirect to plain http, to a
// host that is not loopback, that would carry credentials: net/http sends
// the Authorization header on to the same host or a subdomain whatever
// the scheme, so that an https endpoint that redirects to http would
// have the account's token cross the network in clear, as Validate
// refuses for the URL.
func keepCredentials(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme == "http" && !loopback(req.URL.Hostname()) && (req.Header.Get("Authorization") != "" || req.URL.User != nil) {
			return fmt.Errorf("the provider redirected to plain http at %s, not a loopback host: the credentials would cross the network in clear "+
				"(set the URL to the provider's https address)", req.URL.Hostname())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// movedAway returns the redirect by which the endpoint turned the POST
// into a GET (a 301 or a 302, which clients follow with a GET and no
// body), nil if there was none: the answer is then the GET's (a listing,
// an account with an "id"), and no message was sent. A 303 points at what
// the POST created, and a 307 or 308 repeats the POST: their answers are
// the message's.
func movedAway(resp *http.Response) *http.Response {
	for r := resp.Request; r != nil && r.Response != nil; r = r.Response.Request {
		prev := r.Response
		if r.Method != http.MethodPost && prev.Request != nil && prev.Request.Method == http.MethodPost {
			if prev.StatusCode == http.StatusSeeOther {
				return nil
			}
			return prev
		}
	}
	return nil
}

// movedTo is where a redirect sends the request, without credentials
// (see redacted).
func movedTo(redirect *http.Response) string {
	u, err := redirect.Location()
	if err != nil {
		return "an unknown address"
	}
	return redacted(u)
}

// redacted is u with its password and its query's values replaced: a
// provider may take its key in the query.
func redacted(u *url.URL) string {
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"xxxxx"}
		}
		c := *u
		c.RawQuery = q.Encode()
		u = &c
	}
	return u.Redacted()
}

// temporary4xx reports whether a 4xx answer is worth a retry: a
// timeout, a conflict (a key whose first request is in progress), a rate
// limit, credentials refused (401, 407), an account out of credit (402), or
// an endpoint that is not one (404: no such endpoint, 405: not for a
// POST, 415: not for a form), which concern the sender's configuration,
// not the message: every message would get them, and failing them all
// for good would lose the queue to one expired token or one wrong URL.
func temporary4xx(code int) bool {
	switch code {
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusProxyAuthRequired, http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests,
		http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusUnsupportedMediaType:
		return true
	}
	return false
}

// messageID reads the configured ID field (or "id", "message_id") from a JSON
// object. A numeric ID is kept as the provider wrote it (a 64-bit ID does
// not survive a float64).
func (s *Sender) messageID(body []byte) (string, error) {
	obj, err := decodeObject(body)
	if err != nil {
		return "", fmt.Errorf("the answer is not a JSON object: %w", err)
	}
	for _, f := range []string{s.cfg.IDField, "id", "message_id"} {
		switch v := obj[f].(type) {
		case string:
			if v != "" {
				return v, nil
			}
		case json.Number:
			return v.String(), nil
		}
	}
	// The answer's fields, not their values (the recipient's number, a
	// text): enough to set IDField by.
	has := "no field"
	if len(obj) > 0 {
		has = strings.Join(slices.Sorted(maps.Keys(obj)), ", ")
	}
	return "", fmt.Errorf("the answer has no message ID (field %s; it has %s)", strconv.Quote(s.cfg.IDField), has)
}

// providerMessage extracts a human message from an error answer: the
// "message" (or "error", "detail") field of a JSON object, else the start of
// the body.
func providerMessage(body []byte) string {
	if obj, err := decodeObject(body); err == nil {
		for _, f := range []string{"message", "error", "detail"} {
			if s, ok := obj[f].(string); ok && s != "" {
				if code, ok := obj["code"]; ok {
					return fmt.Sprintf("%s (code %v)", s, code)
				}
				return s
			}
		}
	}
	// The message goes into an error, kept as the entry's last error:
	// text, so bytes that are not UTF-8 are replaced and a character is
	// not cut in two.
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	if len(s) > 200 {
		n := 200
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	if s == "" {
		return "(empty answer)"
	}
	return s
}

// decodeObject decodes a JSON object (or null), with its numbers as
// json.Number, and nothing after it.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid character after the top-level value")
	}
	return obj, nil
}

// maxRetryAfter caps a provider's Retry-After.
const maxRetryAfter = 24 * time.Hour

// retryAfter parses a Retry-After header: delay seconds or an HTTP date,
// at most maxRetryAfter.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(strings.TrimSpace(h), 10, 64); err == nil && secs > 0 {
		return min(time.Duration(min(secs, int64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// withoutSecrets returns err with the URL it quotes (a network error
// names the request's) stripped of the query's values, which may hold
// a provider's key: the error is kept in the outbox entry and logged.
// (The client already hides a password in the URL.)
func withoutSecrets(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		// Not a URL the client could have sent to: name no part of it.
		return &url.Error{Op: ue.Op, URL: "the configured URL", Err: ue.Err}
	}
	return &url.Error{Op: ue.Op, URL: redacted(u), Err: ue.Err}
}
