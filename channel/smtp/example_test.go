package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/smtp"
	"github.com/quorumhq/quorum/clock"
)

// ExampleSender_SendEmail delivers a marketing e-mail to an SMTP server (an
// in-process one here, on a loopback port) and prints what the server
// received. The receipt's provider ID is the Message-ID, the same for every
// send of the message's key.
func ExampleSender_SendEmail() {
	srv, err := startInbox()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	sender, err := smtp.New(smtp.Config{
		Addr:  srv.Addr, // host:port of the relay, e.g. "smtp.vendor.example:587"
		From:  "news@vendor.example",
		Clock: clock.NewManual(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	rc, err := sender.SendEmail(context.Background(), &channel.Message{
		Key: "journey:intro:p-1", Channel: channel.ChannelEmail, Account: "acme", Person: "p-1",
		To:              "ann@acme.com",
		Subject:         "Ann, Acme's data platform — 3 ideas",
		Text:            "Hi Ann,\nhere are 3 ideas for Acme.\n",
		HTML:            "<p>Hi Ann,</p><p>here are 3 ideas for Acme.</p>",
		ListUnsubscribe: "https://vendor.example/u/abc",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("receipt:", rc.ProviderID, rc.At)

	got := srv.Received()[0]
	fmt.Println("envelope:", got.From, "->", got.To)
	m, err := mail.ReadMessage(strings.NewReader(got.Data))
	if err != nil {
		fmt.Println(err)
		return
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	fmt.Println("Subject:", subject)
	for _, h := range []string{"Date", "Message-ID", "X-Quorum-Idempotency-Key", "List-Unsubscribe-Post"} {
		fmt.Printf("%s: %s\n", h, m.Header.Get(h))
	}
	// Output:
	// receipt: <c448cbe675247a491846ff723045a705@vendor.example> 2026-03-02 09:30:00 +0000 UTC
	// envelope: news@vendor.example -> ann@acme.com
	// Subject: Ann, Acme's data platform — 3 ideas
	// Date: Mon, 02 Mar 2026 09:30:00 +0000
	// Message-ID: <c448cbe675247a491846ff723045a705@vendor.example>
	// X-Quorum-Idempotency-Key: journey:intro:p-1
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click
}

// ExampleSender_SendEmail_rejected shows a recipient the server refuses
// with a 5xx reply: the error is permanent, so the dispatcher records the
// message as failed instead of retrying it.
func ExampleSender_SendEmail_rejected() {
	srv, err := startInbox()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	sender, err := smtp.New(smtp.Config{Addr: srv.Addr, From: "news@vendor.example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = sender.SendEmail(context.Background(), &channel.Message{
		Key: "journey:intro:p-2", Channel: channel.ChannelEmail, To: "gone@acme.com",
		Subject: "Hello", Text: "Hi"})
	var se *channel.SendError
	fmt.Println(errors.Is(err, channel.ErrPermanent), errors.As(err, &se) && se.Code == 550)
	fmt.Println(err)
	// Output:
	// true true
	// permanent failure (code 550): RCPT TO: 550 "5.1.1 no such user"
}

// inbox is an SMTP server (go-smtp) on a loopback port that keeps the
// messages it accepts and refuses the recipient gone@acme.com.
type inbox struct {
	Addr string
	srv  *gosmtp.Server

	mu       sync.Mutex
	received []delivered
}

type delivered struct{ From, To, Data string }

func startInbox() (*inbox, error) {
	in := &inbox{}
	in.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &inboxSession{in: in}, nil
	}))
	in.srv.Domain = "localhost"
	in.srv.ErrorLog = quiet{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	in.Addr = l.Addr().String()
	go in.srv.Serve(l)
	return in, nil
}

func (in *inbox) Close() error { return in.srv.Close() }

// Received returns the messages accepted so far. SendEmail returns after
// the server's reply to DATA, so a message sent is in it.
func (in *inbox) Received() []delivered {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]delivered(nil), in.received...)
}

type inboxSession struct {
	in  *inbox
	cur delivered
}

func (s *inboxSession) Mail(from string, _ *gosmtp.MailOptions) error { s.cur.From = from; return nil }
func (s *inboxSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if to == "gone@acme.com" {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.cur.To = to
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.cur.Data = string(b)
	s.in.mu.Lock()
	s.in.received = append(s.in.received, s.cur)
	s.in.mu.Unlock()
	return err
}
func (s *inboxSession) Reset()        { s.cur = delivered{} }
func (s *inboxSession) Logout() error { return nil }

type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}
