package channeltest_test

import (
	"context"
	"fmt"

	"github.com/quorumhq/quorum/channel/channeltest"
)

// ExampleRecorder delivers a message twice with the same idempotency key:
// the recorder, like a provider that honours keys, sends it once.
func ExampleRecorder() {
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{})
	msg := channeltest.Email("journey:acme:intro:p1")
	first, _ := rec.SendEmail(context.Background(), &msg)
	second, _ := rec.SendEmail(context.Background(), &msg)
	fmt.Println("sent:", len(rec.Sent()), "calls:", rec.Calls(msg.Key))
	fmt.Println("first duplicate:", first.Duplicate, "second duplicate:", second.Duplicate)
	// Output:
	// sent: 1 calls: 2
	// first duplicate: false second duplicate: true
}
