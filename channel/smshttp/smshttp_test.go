package smshttp_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/smshttp"
	"github.com/quorumhq/quorum/clock"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// request is what the fake provider saw.
type request struct {
	User, Pass, Key, To, From, Body string
}

// provider is a fake SMS API that answers with the next scripted status
// (201 when the script is exhausted) and honours idempotency keys.
type provider struct {
	mu     sync.Mutex
	script []func(w http.ResponseWriter, r *http.Request) bool // true: handled
	seen   []request
	sids   map[string]string
}

func (p *provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, _ := r.BasicAuth()
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, request{user, pass, r.Header.Get("Idempotency-Key"), r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("Body")})
	var next func(http.ResponseWriter, *http.Request) bool
	if len(p.script) > 0 {
		next, p.script = p.script[0], p.script[1:]
	}
	p.mu.Unlock()
	if next != nil && next(w, r) {
		return
	}
	p.mu.Lock()
	key := r.Header.Get("Idempotency-Key")
	sid, ok := p.sids[key]
	if !ok {
		sid = fmt.Sprintf("SM%04d", len(p.sids)+1)
		p.sids[key] = sid
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"sid": %q, "status": "queued"}`, sid)
}

func (p *provider) requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.seen...)
}

func status(code int, body string, headers ...string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, _ *http.Request) bool {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
		return true
	}
}

// hang answers only after the client gave up.
func hang(w http.ResponseWriter, r *http.Request) bool {
	<-r.Context().Done()
	return true
}

type testBundle struct {
	prov   *provider
	srv    *httptest.Server
	sender *smshttp.Sender
	clk    *clock.Manual
}

func setup(t *testing.T, script ...func(http.ResponseWriter, *http.Request) bool) *testBundle {
	t.Helper()
	b := &testBundle{prov: &provider{script: script, sids: map[string]string{}}, clk: clock.NewManual(t0)}
	b.srv = httptest.NewServer(b.prov)
	t.Cleanup(b.srv.Close)
	s, err := smshttp.New(smshttp.Config{URL: b.srv.URL + "/2010-04-01/Accounts/AC123/Messages.json",
		Username: "AC123", Password: "token", From: "+15550100", Timeout: 200 * time.Millisecond, Clock: b.clk})
	require.NoError(t, err)
	b.sender = s
	return b
}

func sms(key string) *channel.Message {
	return &channel.Message{Key: key, Channel: channel.ChannelSMS, Person: "p-1", To: "+4915112345678", Text: "Webinar starts in 1h: https://v.example/w"}
}

func TestSendSMS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rc, err := b.sender.SendSMS(context.Background(), sms("reminder:p-1"))
	require.NoError(t, err)
	require.Equal(t, channel.Receipt{ProviderID: "SM0001", At: t0}, rc)
	want := []request{{User: "AC123", Pass: "token", Key: "reminder:p-1", To: "+4915112345678", From: "+15550100", Body: "Webinar starts in 1h: https://v.example/w"}}
	if d := cmp.Diff(want, b.prov.requests()); d != "" {
		t.Fatalf("requests (-want +got):\n%s", d)
	}
}

// TestSMSMessageIDAsWritten: a provider's message ID comes back in the
// receipt as the provider wrote it, numeric IDs too (a 64-bit ID does not
// survive a float64).
func TestSMSMessageIDAsWritten(t *testing.T) {
	t.Parallel()
	for answer, want := range map[string]string{
		`{"id": 1234567890123456789, "status": "queued"}`: "1234567890123456789",
		`{"id": 42}`:              "42",
		`{"sid": "SM1", "id": 7}`: "SM1",
		`{"message_id": "m-1"}`:   "m-1",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(answer))
		}))
		s, err := smshttp.New(smshttp.Config{URL: srv.URL, From: "+15550100"})
		require.NoError(t, err)
		rc, err := s.SendSMS(context.Background(), sms("k1"))
		srv.Close()
		require.NoError(t, err, answer)
		require.Equal(t, want, rc.ProviderID, answer)
	}
}

func TestSMSErrorsAreClassified(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		answer     func(http.ResponseWriter, *http.Request) bool
		permanent  bool
		code       int
		retryAfter time.Duration
		msg        string
	}{
		{name: "400 invalid number", answer: status(400, `{"code": 21211, "message": "Invalid 'To' Phone Number"}`), permanent: true, code: 400,
			msg: `permanent failure (code 400): sms "k": provider answered 400 Bad Request: Invalid 'To' Phone Number (code 21211)`},
		{name: "401 bad credentials", answer: status(401, `{"message": "Authenticate"}`), code: 401},
		{name: "407 proxy credentials", answer: status(407, ``), code: 407},
		// The account's balance, not the message: every message would
		// get it until the account is topped up.
		{name: "402 out of credit", answer: status(402, `{"message": "Insufficient balance"}`), code: 402,
			msg: `temporary failure (code 402): sms "k": provider answered 402 Payment Required: Insufficient balance`},
		// The endpoint, not the message: a URL with a typo (or the
		// wrong account in it), the wrong method, a provider that does
		// not take a form. Every message would get it, and failing
		// them for good would lose the queue to one wrong setting.
		{name: "404 no such endpoint", answer: status(404, `{"message": "The requested resource was not found"}`), code: 404,
			msg: `temporary failure (code 404): sms "k": provider answered 404 Not Found: The requested resource was not found`},
		{name: "405 wrong method", answer: status(405, ``), code: 405},
		{name: "415 not a form", answer: status(415, `expected JSON`), code: 415},
		{name: "403 forbidden", answer: status(403, `{"message": "Permission to send an SMS has not been enabled for the region"}`), permanent: true, code: 403},
		// A provider that honours idempotency keys answers 409 to a key
		// whose first request is still in progress: that request may
		// send the message, and a retry gets its answer.
		{name: "409 key in use", answer: status(409, `{"detail": "A request with Idempotency-Key k is still being processed. Retry later with the same key."}`, "Retry-After", "5"),
			code: 409, retryAfter: 5 * time.Second,
			msg: `temporary failure (code 409): sms "k": provider answered 409 Conflict: A request with Idempotency-Key k is still being processed. Retry later with the same key.; ` +
				`the key is in use by an earlier request, which may have sent the message: a retry with the key gets that request's answer`},
		{name: "409 without a body", answer: status(409, ``), code: 409,
			msg: `temporary failure (code 409): sms "k": provider answered 409 Conflict: (empty answer); ` +
				`the key is in use by an earlier request, which may have sent the message: a retry with the key gets that request's answer`},
		{name: "429 rate limited", answer: status(429, `too many`, "Retry-After", "120"), code: 429, retryAfter: 2 * time.Minute,
			msg: `temporary failure (code 429): sms "k": provider answered 429 Too Many Requests: too many`},
		{name: "429 with an HTTP date", answer: status(429, ``, "Retry-After", t0.Add(time.Hour).Format(http.TimeFormat)), code: 429, retryAfter: time.Hour},
		{name: "500", answer: status(500, `{"error": "internal"}`), code: 500},
		{name: "503", answer: status(503, ``), code: 503},
		{name: "timeout", answer: hang, code: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.answer)
			_, err := b.sender.SendSMS(context.Background(), sms("k"))
			var se *channel.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.permanent, channel.IsPermanent(err), err.Error())
			require.Equal(t, tc.code, se.Code)
			require.Equal(t, tc.retryAfter, se.RetryAfter)
			if tc.msg != "" {
				require.EqualError(t, err, tc.msg)
			}
		})
	}
}

func dispatcher(t *testing.T, b *testBundle) (*channel.Dispatcher, *channel.MemoryOutbox) {
	t.Helper()
	ob := channel.NewMemoryOutbox()
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, SMS: b.sender, Clock: b.clk, MaxAttempts: 4,
		Backoff: func(_ string, attempt int) time.Duration { return time.Duration(attempt) * time.Minute }})
	require.NoError(t, err)
	return d, ob
}

func TestDispatcherRetriesServerErrorsAndTimeouts(t *testing.T) {
	t.Parallel()
	b := setup(t, status(500, `oops`), hang, status(503, ``))
	d, ob := dispatcher(t, b)
	es, err := ob.Enqueue(context.Background(), t0, *sms("reminder:p-1"))
	require.NoError(t, err)
	ctx := context.Background()

	var attempts []string
	for range 4 {
		rep, err := d.Dispatch(ctx)
		require.NoError(t, err)
		for _, o := range rep.Outcomes {
			attempts = append(attempts, fmt.Sprintf("%d %s", o.Attempt, o.Status))
		}
		e, err := ob.Get(es[0].ID)
		require.NoError(t, err)
		if e.Status == channel.StatusPending {
			require.Equal(t, b.clk.Now().Add(time.Duration(e.Attempts)*time.Minute), e.NextAttempt, "backoff grows with attempts")
			b.clk.Set(e.NextAttempt)
		}
	}
	require.Equal(t, []string{"1 pending", "2 pending", "3 pending", "4 delivered"}, attempts)
	e, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Equal(t, "SM0001", e.Receipt.ProviderID)
	for _, r := range b.prov.requests() {
		require.Equal(t, "reminder:p-1", r.Key, "every retry carries the same idempotency key")
	}
	require.Len(t, b.prov.requests(), 4)
}

func TestDispatcherDoesNotRetryClientErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, status(400, `{"message": "Invalid 'To' Phone Number"}`))
	d, ob := dispatcher(t, b)
	es, err := ob.Enqueue(context.Background(), t0, *sms("k"))
	require.NoError(t, err)
	dispatchHourly(t, d, b.clk, 3)
	e, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Equal(t, channel.StatusFailed, e.Status)
	require.Equal(t, 1, e.Attempts)
	require.Len(t, b.prov.requests(), 1)
}

// TestSMSKeyInUseIsRetried: a 409 to a key whose first request is still
// in progress (a dispatch that timed out while the provider was sending)
// is retried with the same key, and the retry gets the provider's answer
// to the first request: delivered once, with its message ID, where
// failing it for good had a message the provider sent counted as failed.
func TestSMSKeyInUseIsRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, status(409, `{"message": "Another request with this key is in progress"}`))
	b.prov.sids["reminder:p-1"] = "SM0042" // what the first request created
	d, ob := dispatcher(t, b)
	es, err := ob.Enqueue(context.Background(), t0, *sms("reminder:p-1"))
	require.NoError(t, err)
	dispatchHourly(t, d, b.clk, 2)
	e, err := ob.Get(es[0].ID)
	require.NoError(t, err)
	require.Equal(t, channel.StatusDelivered, e.Status, e.LastError)
	require.Equal(t, 2, e.Attempts)
	require.Equal(t, "SM0042", e.Receipt.ProviderID)
	require.Contains(t, e.LastError, "the key is in use by an earlier request, which may have sent the message")
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  smshttp.Config
		want string
	}{
		{"three problems", smshttp.Config{URL: "ftp://x", Username: "u", Timeout: -1}, `sms http config: 3 problems:
  url: "ftp://x" is not an http(s) URL
  timeout: is negative
  password: username and password go together`},
		// net/http refuses to send such a header: every message would be
		// retried until out of attempts instead of the mistake being shown
		// where it is made.
		{"a header name with a space", smshttp.Config{URL: "https://sms.example/m", IdempotencyHeader: "Idempotency Key"},
			`sms http config: idempotencyHeader: "Idempotency Key" is not a valid HTTP header name`},
		{"a header name with a colon", smshttp.Config{URL: "https://sms.example/m", IdempotencyHeader: "X-Key:"},
			`sms http config: idempotencyHeader: "X-Key:" is not a valid HTTP header name`},
		{"a valid header name", smshttp.Config{URL: "https://sms.example/m", IdempotencyHeader: "X-Request-Id"}, ""},
		// A form holds one value a name: with the From field named To,
		// the sender's number would replace the recipient's.
		{"from field named as the default to field", smshttp.Config{URL: "https://sms.example/m", FromField: "To"},
			`sms http config: fromField: "To" is toField's name too (its default): the sender's number would replace the recipient's`},
		{"body field named as the from field", smshttp.Config{URL: "https://sms.example/m", FromField: "sender", BodyField: "sender"},
			`sms http config: bodyField: "sender" is fromField's name too: the text would replace the sender's number`},
		{"every field with one name, and another problem", smshttp.Config{URL: "https://sms.example/m", ToField: "x", FromField: "x", BodyField: "x", Timeout: -1},
			`sms http config: 3 problems:
  timeout: is negative
  fromField: "x" is toField's name too: the sender's number would replace the recipient's
  bodyField: "x" is toField's name too: the text would replace the recipient's number`},
		// The form encoding tells names apart by case: "to" and "To"
		// are two fields.
		{"names that differ in case", smshttp.Config{URL: "https://sms.example/m", FromField: "to", BodyField: "from"}, ""},
		{"names of their own", smshttp.Config{URL: "https://sms.example/m", ToField: "dst", FromField: "src", BodyField: "text"}, ""},
		// Basic authentication over plain http sends the account and
		// its token in clear to anyone on the way.
		{"credentials over http to a remote host", smshttp.Config{URL: "http://sms.example/m", Username: "AC123", Password: "token"},
			`sms http config: url: "http://sms.example/m" is plain http to sms.example, not a loopback host: the username and password would cross the network in clear (use https)`},
		{"credentials over http to a remote address", smshttp.Config{URL: "http://192.0.2.7:8080/m", Username: "AC123", Password: "token"},
			`sms http config: url: "http://192.0.2.7:8080/m" is plain http to 192.0.2.7, not a loopback host: the username and password would cross the network in clear (use https)`},
		{"credentials over HTTP in capitals", smshttp.Config{URL: "HTTP://sms.example/m", Username: "AC123", Password: "token"},
			`sms http config: url: "http://sms.example/m" is plain http to sms.example, not a loopback host: the username and password would cross the network in clear (use https)`},
		{"credentials in the URL over http", smshttp.Config{URL: "http://AC123:token@sms.example/m"},
			`sms http config: url: "http://AC123:xxxxx@sms.example/m" is plain http to sms.example, not a loopback host: the credentials in the URL would cross the network in clear (use https)`},
		{"credentials over https", smshttp.Config{URL: "https://sms.example/m", Username: "AC123", Password: "token"}, ""},
		{"http to a remote host without credentials", smshttp.Config{URL: "http://sms.example/m"}, ""},
		// A test server (httptest, a local mock) is on a loopback
		// address: nothing leaves the machine.
		{"credentials over http to 127.0.0.1", smshttp.Config{URL: "http://127.0.0.1:8080/m", Username: "AC123", Password: "token"}, ""},
		{"credentials over http to 127.0.0.2", smshttp.Config{URL: "http://127.0.0.2/m", Username: "AC123", Password: "token"}, ""},
		{"credentials over http to ::1", smshttp.Config{URL: "http://[::1]:8080/m", Username: "AC123", Password: "token"}, ""},
		{"credentials over http to localhost", smshttp.Config{URL: "http://localhost:8080/m", Username: "AC123", Password: "token"}, ""},
		{"credentials over http to LOCALHOST.", smshttp.Config{URL: "http://LOCALHOST.:8080/m", Username: "AC123", Password: "token"}, ""},
		{"credentials in the URL over http to localhost", smshttp.Config{URL: "http://AC123:token@localhost/m"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := smshttp.New(tc.cfg)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}

// TestConfigValidateKeepsSecretsOfTheURL: a URL that Validate refuses is
// quoted in its error with its password and its query's values replaced,
// as a network error quotes it, and one that does not parse is not
// quoted at all: the error is logged where the configuration is loaded,
// and it quoted the provider's key.
func TestConfigValidateKeepsSecretsOfTheURL(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]string{
		"ftp://AC123:pw-s3cret@sms.example/m?api_key=s3cret-key": `sms http config: url: "ftp://AC123:xxxxx@sms.example/m?api_key=xxxxx" is not an http(s) URL`,
		"https:///m?api_key=s3cret-key":                          `sms http config: url: "https:///m?api_key=xxxxx" is not an http(s) URL`,
		"https://sms example/m?api_key=s3cret-key":               `sms http config: url: is not an http(s) URL: invalid character " " in host name`,
		"https://AC123:pw%zz-s3cret@sms.example/m":               `sms http config: url: does not parse as a URL (not quoted: it may hold a key)`,
		"https://AC1:s3cr/et@sms.example/m":                      `sms http config: url: does not parse as a URL (not quoted: it may hold a key)`,
		"http://AC123:pw-s3cret@sms.example/m?api_key=s3cret-key": `sms http config: url: "http://AC123:xxxxx@sms.example/m?api_key=xxxxx" is plain http to sms.example, not a loopback host: ` +
			`the credentials in the URL would cross the network in clear (use https)`,
	} {
		_, err := smshttp.New(smshttp.Config{URL: u})
		require.EqualError(t, err, want)
	}
}

// TestSMSKeyNotAHeaderValue: a key that an HTTP header cannot carry (a
// control character) fails for good, without a request: every retry
// would fail the same way.
func TestSMSKeyNotAHeaderValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, key := range []string{"journey:intro:p\x00", "k\x7f", "k\x1b[0m"} {
		_, err := b.sender.SendSMS(context.Background(), sms(key))
		require.Error(t, err, "%q", key)
		require.True(t, channel.IsPermanent(err), err.Error())
		require.ErrorContains(t, err, "cannot be sent in the Idempotency-Key header")
	}
	require.Empty(t, b.prov.requests())
	_, err := b.sender.SendSMS(context.Background(), sms("k\tü"))
	require.NoError(t, err, "a tab and UTF-8 may be in a header value")
}

// TestSMSRedirects: a provider that moved its endpoint (301, 302) has
// the client follow with a GET, which sends no message: that is a
// temporary failure that says where the endpoint went, where the answer
// to the GET (here an account, with an "id") made a receipt of a message
// never sent. A 307 or 308 repeats the POST, and a 303 points at the
// message the POST created: both deliver.
func TestSMSRedirects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code      int
		delivered bool
	}{
		{http.StatusMovedPermanently, false},
		{http.StatusFound, false},
		{http.StatusSeeOther, true},
		{http.StatusTemporaryRedirect, true},
		{http.StatusPermanentRedirect, true},
	} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var posts []string
			mux := http.NewServeMux()
			mux.HandleFunc("/old/Messages.json", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/new/Messages.json", tc.code)
			})
			mux.HandleFunc("POST /new/Messages.json", func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				mu.Lock()
				posts = append(posts, r.PostForm.Get("Body"))
				mu.Unlock()
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, `{"sid": "SM1"}`)
			})
			mux.HandleFunc("GET /new/Messages.json", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"id": "AC123", "messages": []}`)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			s, err := smshttp.New(smshttp.Config{URL: srv.URL + "/old/Messages.json", From: "+15550100"})
			require.NoError(t, err)
			rc, err := s.SendSMS(context.Background(), sms("k"))
			if tc.delivered {
				require.NoError(t, err)
				require.NotEmpty(t, rc.ProviderID)
				return
			}
			mu.Lock()
			require.Empty(t, posts, "no message reached the provider")
			mu.Unlock()
			var se *channel.SendError
			require.ErrorAs(t, err, &se)
			require.False(t, se.Permanent, "the endpoint's address is the sender's configuration, not the message's fault")
			require.Equal(t, tc.code, se.Code)
			require.EqualError(t, err, fmt.Sprintf(`temporary failure (code %d): sms "k": the provider answered %d %s, moving the endpoint to %s/new/Messages.json; `+
				`a client follows that with a GET, which sends no message (set the URL to the new address)`, tc.code, tc.code, http.StatusText(tc.code), srv.URL))
		})
	}
}

// TestSMSProviderMessageIsText: the provider's answer quoted in an error
// is cut between characters, and bytes that are not UTF-8 (an answer in
// Latin-1) are replaced, so that the error, kept as the entry's last
// error, is text: a cut inside "é" left half of it.
func TestSMSProviderMessageIsText(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ body, want string }{
		"cut inside a character": {strings.Repeat("a", 199) + "éé", strings.Repeat("a", 199) + "..."},
		"latin-1":                {"Num\xe9ro invalide", "Num\uFFFDro invalide"},
		"latin-1 in JSON":        {`{"message": "Num` + "\xe9" + `ro invalide"}`, "Num\uFFFDro invalide"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, status(400, tc.body))
			_, err := b.sender.SendSMS(context.Background(), sms("k"))
			require.EqualError(t, err, `permanent failure (code 400): sms "k": provider answered 400 Bad Request: `+tc.want)
			require.True(t, utf8.ValidString(err.Error()))
		})
	}
}

// TestSMSTextThatIsNotUTF8: a text with bytes that are not UTF-8 (a name
// imported in Latin-1) reaches the provider with each such sequence
// replaced by U+FFFD, where the bytes went as they were into a form that
// providers read as UTF-8.
func TestSMSTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	b := setup(t)
	msg := sms("k")
	msg.Text = "Caf\xe9\xff M\xfcller: 10 €"
	_, err := b.sender.SendSMS(context.Background(), msg)
	require.NoError(t, err)
	reqs := b.prov.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "Caf\uFFFD M\uFFFDller: 10 €", reqs[0].Body)
}

// TestSMSWrongCredentialsAreRetried: credentials the provider refuses
// (401) concern the sender's configuration, not the message: every
// message would get the answer, and failing them for good would lose the
// queue to one expired token. A dispatch reschedules them; once the
// credentials are right, they are delivered.
func TestSMSWrongCredentialsAreRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, status(401, `{"message": "Authenticate", "code": 20003}`), status(401, `{"message": "Authenticate", "code": 20003}`))
	d, ob := dispatcher(t, b)
	_, err := ob.Enqueue(context.Background(), t0, *sms("k1"), *sms("k2"))
	require.NoError(t, err)
	rep, err := d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Retried, rep.Outcomes)
	require.Zero(t, rep.Failed, rep.Outcomes)
	b.clk.Advance(time.Hour)
	rep, err = d.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, rep.Delivered, rep.Outcomes)
}

// TestSMSNetworkErrorKeepsSecretsOfTheURL: a provider that takes its key
// in the URL's query (or a password in the URL) is configured so; a
// network error (here a timeout) quotes the request's URL, and the error
// goes into the outbox entry and the logs: the values of the query and
// the password are not in it.
func TestSMSNetworkErrorKeepsSecretsOfTheURL(t *testing.T) {
	t.Parallel()
	b := setup(t, hang)
	u := strings.Replace(b.srv.URL, "http://", "http://AC123:pw-s3cret@", 1) + "/Messages.json?api_key=s3cret-key&region=eu"
	s, err := smshttp.New(smshttp.Config{URL: u, Timeout: 100 * time.Millisecond, Clock: b.clk})
	require.NoError(t, err)
	_, err = s.SendSMS(context.Background(), sms("reminder:p-1"))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret")
	require.Contains(t, err.Error(), "/Messages.json?api_key=xxxxx&region=xxxxx", "the error still names the endpoint")
	var se *channel.SendError
	require.ErrorAs(t, err, &se)
	require.False(t, se.Permanent, "a timeout is retried")
}

// TestSMSRedirectKeepsSecretsOfTheURL: a provider that moved its endpoint
// with a redirect that keeps the query (where the key may be) is named in
// the error by the new address with the query's values replaced.
func TestSMSRedirectKeepsSecretsOfTheURL(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/old/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new/Messages.json?"+r.URL.RawQuery, http.StatusMovedPermanently)
	})
	mux.HandleFunc("/new/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id": "AC123", "messages": []}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := smshttp.New(smshttp.Config{URL: srv.URL + "/old/Messages.json?api_key=s3cret-key", Timeout: time.Second, Clock: clock.NewManual(t0)})
	require.NoError(t, err)
	_, err = s.SendSMS(context.Background(), sms("reminder:p-1"))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cret")
	require.Contains(t, err.Error(), "moving the endpoint to http://127.0.0.1")
	require.Contains(t, err.Error(), "/new/Messages.json?api_key=xxxxx")
}

// TestSMSRedirectToPlainHTTPKeepsTheCredentials: an https endpoint that
// redirects to plain http on the same host (or a subdomain) would have
// the client send the Authorization header there too, in clear: the
// redirect is refused, a temporary failure that says why, and nothing
// reaches the plain http address. The caller's client is left as it was.
func TestSMSRedirectToPlainHTTPKeepsTheCredentials(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var plain []string // the Authorization headers plain http got
			plainSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				plain = append(plain, r.Header.Get("Authorization"))
				mu.Unlock()
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, `{"sid": "SM1"}`)
			}))
			t.Cleanup(plainSrv.Close)
			tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://sms.example.com/Messages.json", code)
			}))
			t.Cleanup(tlsSrv.Close)
			// sms.example.com (for which the test certificate is valid)
			// is the TLS server on port 443, the plain one on port 80.
			tr := tlsSrv.Client().Transport.(*http.Transport).Clone()
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				to := map[string]string{"sms.example.com:443": tlsSrv.Listener.Addr().String(), "sms.example.com:80": plainSrv.Listener.Addr().String()}[addr]
				var d net.Dialer
				return d.DialContext(ctx, network, to)
			}
			client := &http.Client{Transport: tr, Timeout: time.Second}
			s, err := smshttp.New(smshttp.Config{URL: "https://sms.example.com/Messages.json", Username: "AC123", Password: "s3cret",
				From: "+15550100", Client: client, Clock: clock.NewManual(t0)})
			require.NoError(t, err)
			_, err = s.SendSMS(context.Background(), sms("k"))
			mu.Lock()
			require.Empty(t, plain, "nothing went to plain http")
			mu.Unlock()
			require.Error(t, err)
			require.False(t, channel.IsPermanent(err), err.Error())
			require.NotContains(t, err.Error(), "s3cret")
			require.ErrorContains(t, err, "the provider redirected to plain http at sms.example.com, not a loopback host: the credentials would cross the network in clear")
			require.Nil(t, client.CheckRedirect, "the caller's client is left as it was")
		})
	}
}

// TestSMSAcceptedWithoutAnID: a 2xx answer says the provider accepted
// the message, with an ID or not: one without an ID the sender can read
// (none, an empty one, an answer that is not JSON, or cut short) is a
// delivery without a provider ID, logged as such, where it was retried,
// and a provider that does not honour the idempotency key sent the text
// once for each attempt.
func TestSMSAcceptedWithoutAnID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request) bool
		why    string
	}{
		{"no ID field", status(201, `{"status": "queued", "to": "+4915112345678"}`), `the answer has no message ID (field "sid"; it has status, to)`},
		{"an empty ID", status(200, `{"sid": ""}`), `the answer has no message ID (field "sid"; it has sid)`},
		{"not JSON", status(202, `Accepted`), `the answer is not a JSON object: invalid character 'A' looking for beginning of value`},
		{"no content", status(204, ``), `the answer is not a JSON object: EOF`},
		{"cut short", func(w http.ResponseWriter, _ *http.Request) bool {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"sid": "SM`)
			return true
		}, `reading the answer: unexpected EOF`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.answer)
			var logs bytes.Buffer
			s, err := smshttp.New(smshttp.Config{URL: b.srv.URL + "/Messages.json", From: "+15550100", Timeout: time.Second, Clock: b.clk,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				}}))})
			require.NoError(t, err)
			ob := channel.NewMemoryOutbox()
			d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, SMS: s, Clock: b.clk})
			require.NoError(t, err)
			es, err := ob.Enqueue(context.Background(), t0, *sms("reminder:p-1"))
			require.NoError(t, err)
			dispatchHourly(t, d, b.clk, 3)
			e, err := ob.Get(es[0].ID)
			require.NoError(t, err)
			require.Equal(t, channel.StatusDelivered, e.Status, e.LastError)
			if d := cmp.Diff(channel.Receipt{At: t0}, e.Receipt); d != "" {
				t.Fatalf("receipt (-want +got):\n%s", d)
			}
			require.Len(t, b.prov.requests(), 1, "sent once")
			require.Equal(t, fmt.Sprintf("level=WARN msg=\"sms accepted without a message ID: counted as sent\" key=reminder:p-1 status=%q why=%q\n",
				statusOf(t, tc.answer), tc.why), logs.String())
		})
	}
}

// statusOf is the status line an answer writes.
func statusOf(t *testing.T, answer func(http.ResponseWriter, *http.Request) bool) string {
	t.Helper()
	rec := httptest.NewRecorder()
	answer(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	return fmt.Sprintf("%d %s", rec.Code, http.StatusText(rec.Code))
}

// dispatchHourly runs the dispatcher n times, the clock an hour on after
// each run.
func dispatchHourly(t *testing.T, d *channel.Dispatcher, clk *clock.Manual, n int) {
	t.Helper()
	for range n {
		_, err := d.Dispatch(context.Background())
		require.NoError(t, err)
		clk.Advance(time.Hour)
	}
}
