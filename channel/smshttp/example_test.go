package smshttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/smshttp"
	"github.com/quorumhq/quorum/clock"
)

// ExampleSender_SendSMS sends a text message through a provider's REST API
// (an httptest server on a loopback port stands in for it here) and prints
// the request the provider got and the message ID it answered with.
func ExampleSender_SendSMS() {
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		_ = r.ParseForm()
		fmt.Println(r.Method, r.URL.Path, "as", user)
		fmt.Println("Idempotency-Key:", r.Header.Get("Idempotency-Key"))
		fmt.Println(r.PostForm.Encode())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"sid": "SM0f1e2d3c", "status": "queued"}`)
	}))
	defer provider.Close()

	sender, err := smshttp.New(smshttp.Config{
		URL:      provider.URL + "/2010-04-01/Accounts/AC123/Messages.json",
		Username: "AC123", Password: "token",
		From:  "+15550100",
		Clock: clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	rc, err := sender.SendSMS(context.Background(), &channel.Message{
		Key: "journey:reminder:p-1", Channel: channel.ChannelSMS, Account: "acme", Person: "p-1",
		To: "+4915112345678", Text: "Webinar starts in 1h"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("provider ID:", rc.ProviderID, "at", rc.At)
	// Output:
	// POST /2010-04-01/Accounts/AC123/Messages.json as AC123
	// Idempotency-Key: journey:reminder:p-1
	// Body=Webinar+starts+in+1h&From=%2B15550100&To=%2B4915112345678
	// provider ID: SM0f1e2d3c at 2026-03-02 09:00:00 +0000 UTC
}

// ExampleSender_SendSMS_rejected shows a provider refusing a number with a
// 4xx answer: the error is permanent (retrying cannot help) and carries the
// provider's own message.
func ExampleSender_SendSMS_rejected() {
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code": 21211, "message": "The 'To' number +1555 is not a valid phone number."}`)
	}))
	defer provider.Close()

	sender, err := smshttp.New(smshttp.Config{URL: provider.URL + "/Messages.json", From: "+15550100"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = sender.SendSMS(context.Background(), &channel.Message{
		Key: "journey:reminder:p-2", Channel: channel.ChannelSMS, To: "+1555", Text: "Webinar starts in 1h"})
	fmt.Println(errors.Is(err, channel.ErrPermanent))
	fmt.Println(err)
	// Output:
	// true
	// permanent failure (code 400): sms "journey:reminder:p-2": provider answered 400 Bad Request: The 'To' number +1555 is not a valid phone number. (code 21211)
}
