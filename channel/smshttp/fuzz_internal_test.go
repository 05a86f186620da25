package smshttp

import (
	"testing"
	"time"
)

// FuzzAnswer feeds arbitrary provider answers and Retry-After headers to the
// parsers: they never panic, and an ID, when found, is not empty.
func FuzzAnswer(f *testing.F) {
	f.Add([]byte(`{"sid": "SM1", "status": "queued"}`), "120")
	f.Add([]byte(`{"id": 42}`), "Wed, 21 Oct 2026 07:28:00 GMT")
	f.Add([]byte(`{"message": "Invalid", "code": 21211}`), "-5")
	f.Add([]byte(`not json`), "")
	f.Add([]byte(`[1,2]`), "999999999999999999999")
	f.Add([]byte(`{}`), "9999999999999")
	s := &Sender{cfg: Config{IDField: "sid"}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		if id, err := s.messageID(body); err == nil && id == "" {
			t.Fatal("empty ID without error")
		}
		if providerMessage(body) == "" {
			t.Fatal("empty provider message")
		}
		if d := retryAfter(header, now); d < 0 || d > maxRetryAfter {
			t.Fatalf("negative Retry-After %s from %q", d, header)
		}
	})
}
