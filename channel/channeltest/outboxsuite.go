package channeltest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
)

// Email returns a valid email message with the given key, to a test person.
func Email(key string) channel.Message {
	return channel.Message{
		Key: key, Channel: channel.ChannelEmail, Account: "acme", Person: b2b.PersonID("p-" + key),
		To: "ann@acme.com", From: "news@quorum.example", Subject: "Hello", Text: "Hello Ann", HTML: "<p>Hello Ann</p>",
	}
}

// TestOutbox runs the conformance suite of channel.Outbox against the
// outboxes that newOutbox returns (a fresh, empty one per call). Every
// implementation runs it from a short test:
//
//	func TestOutbox(t *testing.T) {
//		channeltest.TestOutbox(t, func(t *testing.T) channel.Outbox { return channel.NewMemoryOutbox() })
//	}
func TestOutbox(t *testing.T, newOutbox func(t *testing.T) channel.Outbox) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ctx := context.Background()
	lease := time.Minute

	t.Run("EnqueueIsIdempotentByKey", func(t *testing.T) {
		o := newOutbox(t)
		first := must(o.Enqueue(ctx, t0, Email("k1"), Email("k2")))(t)
		again := must(o.Enqueue(ctx, t0.Add(time.Hour), Email("k1")))(t)
		check(t, len(first) == 2 && len(again) == 1, "want 2 then 1 entries, got %d then %d", len(first), len(again))
		check(t, first[0].ID == again[0].ID, "same key, different IDs: %s, %s", first[0].ID, again[0].ID)
		check(t, again[0].CreatedAt.Equal(t0), "re-enqueue changed CreatedAt to %s", again[0].CreatedAt)
		claimed := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(claimed) == 2, "claimed %d entries, want 2 (one per key)", len(claimed))
	})

	t.Run("EnqueueOfOneKeyTwiceInOneCall", func(t *testing.T) {
		o := newOutbox(t)
		second := Email("k1")
		second.Subject = "a second message under the first's key"
		got := must(o.Enqueue(ctx, t0, Email("k1"), Email("k2"), second))(t)
		check(t, len(got) == 3, "want an entry per message, got %d", len(got))
		check(t, got[0].ID == got[2].ID, "same key, different IDs: %s, %s", got[0].ID, got[2].ID)
		check(t, got[2].Message.Subject == Email("k1").Subject, "the repeat's entry has subject %q, not the first message's", got[2].Message.Subject)
		claimed := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(claimed) == 2, "claimed %d entries, want 2 (one per key)", len(claimed))
	})

	t.Run("EnqueueRejectsInvalidBatchWhole", func(t *testing.T) {
		o := newOutbox(t)
		bad := Email("bad")
		bad.To = "not an address"
		_, err := o.Enqueue(ctx, t0, Email("ok"), bad)
		check(t, errors.Is(err, b2b.ErrInvalid), "want ErrInvalid, got %v", err)
		claimed := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(claimed) == 0, "a rejected batch left %d entries", len(claimed))
	})

	t.Run("ClaimLeasesDueEntriesOnce", func(t *testing.T) {
		o := newOutbox(t)
		must(o.Enqueue(ctx, t0, Email("a")))(t)
		must(o.Enqueue(ctx, t0.Add(time.Second), Email("b")))(t)
		must(o.Enqueue(ctx, t0.Add(time.Hour), Email("later")))(t)
		got := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(time.Minute), Limit: 1, Lease: lease}))(t)
		check(t, len(got) == 1 && got[0].Message.Key == "a", "want the oldest due entry a, got %v", keys(got))
		check(t, got[0].Status == channel.StatusSending && got[0].Attempts == 1, "claimed entry is %s at attempt %d", got[0].Status, got[0].Attempts)
		check(t, got[0].LeaseUntil.Equal(t0.Add(time.Minute+lease)), "lease until %s", got[0].LeaseUntil)
		got = must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(time.Minute), Limit: 10, Lease: lease}))(t)
		check(t, len(got) == 1 && got[0].Message.Key == "b", "second claim: want only b, got %v", keys(got))
	})

	t.Run("ExpiredLeaseIsClaimedAgain", func(t *testing.T) {
		o := newOutbox(t)
		must(o.Enqueue(ctx, t0, Email("a")))(t)
		first := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		none := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(lease - time.Second), Limit: 10, Lease: lease}))(t)
		check(t, len(none) == 0, "claimed %v while leased", keys(none))
		second := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(lease), Limit: 10, Lease: lease}))(t)
		check(t, len(second) == 1 && second[0].Attempts == 2, "after the lease: want attempt 2, got %v", second)
		err := o.Record(ctx, channel.RecordParams{ID: first[0].ID, Seq: first[0].Seq, Attempt: first[0].Attempts, Now: t0.Add(lease), Status: channel.StatusDelivered})
		check(t, errors.Is(err, channel.ErrLeaseLost), "recording a lost claim: want ErrLeaseLost, got %v", err)
		err = o.Record(ctx, channel.RecordParams{ID: second[0].ID, Seq: second[0].Seq, Attempt: 2, Now: t0.Add(lease), Status: channel.StatusDelivered,
			Receipt: channel.Receipt{ProviderID: "x"}})
		check(t, err == nil, "recording the current claim: %v", err)
		err = o.Record(ctx, channel.RecordParams{ID: second[0].ID, Seq: second[0].Seq, Attempt: 2, Now: t0.Add(lease), Status: channel.StatusFailed})
		check(t, errors.Is(err, channel.ErrLeaseLost), "recording twice: want ErrLeaseLost, got %v", err)
	})

	t.Run("RecordOutcomes", func(t *testing.T) {
		o := newOutbox(t)
		must(o.Enqueue(ctx, t0, Email("ok"), Email("retry"), Email("fail"), Email("sup")))(t)
		got := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(got) == 4, "claimed %d", len(got))
		outcome := map[string]channel.RecordParams{
			"ok":    {Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "p1"}},
			"retry": {Status: channel.StatusPending, Error: "busy", NextAttempt: t0.Add(10 * time.Minute)},
			"fail":  {Status: channel.StatusFailed, Error: "rejected"},
			"sup":   {Status: channel.StatusSuppressed, Error: "opt-out"},
		}
		for _, e := range got {
			p := outcome[e.Message.Key]
			p.ID, p.Seq, p.Attempt, p.Now = e.ID, e.Seq, e.Attempts, t0
			check(t, o.Record(ctx, p) == nil, "record %s", e.Message.Key)
		}
		none := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(10*time.Minute - time.Second), Limit: 10, Lease: lease}))(t)
		check(t, len(none) == 0, "claimed %v before the retry time", keys(none))
		again := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(10 * time.Minute), Limit: 10, Lease: lease}))(t)
		check(t, len(again) == 1 && again[0].Message.Key == "retry" && again[0].Attempts == 2 && again[0].LastError == "busy",
			"want only the retry at attempt 2 with its last error, got %+v", again)
		err := o.Record(ctx, channel.RecordParams{ID: "no-such-id", Seq: 1, Attempt: 1, Now: t0, Status: channel.StatusDelivered})
		check(t, errors.Is(err, channel.ErrNotFound), "unknown ID: want ErrNotFound, got %v", err)
	})

	t.Run("EnqueueAgainKeepsTheEntryWhateverItsStatus", func(t *testing.T) {
		o := newOutbox(t)
		first := must(o.Enqueue(ctx, t0, Email("k")))(t)
		got := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(got) == 1, "claimed %d entries, want 1", len(got))
		err := o.Record(ctx, channel.RecordParams{ID: got[0].ID, Seq: got[0].Seq, Attempt: got[0].Attempts, Now: t0, Status: channel.StatusDelivered,
			Receipt: channel.Receipt{ProviderID: "p1", At: t0}})
		check(t, err == nil, "record: %v", err)
		changed := Email("k")
		changed.Subject = "Changed"
		again := must(o.Enqueue(ctx, t0.Add(time.Hour), changed))(t)
		check(t, len(again) == 1 && again[0].ID == first[0].ID, "enqueuing a delivered key again: want entry %s, got %+v", first[0].ID, again)
		// An outbox may keep less of a message once it is delivered (the
		// engine's keeps no rendered parts), never what was enqueued again.
		check(t, again[0].Status == channel.StatusDelivered && again[0].Message.Subject != "Changed" && again[0].Receipt.ProviderID == "p1",
			"enqueuing a delivered key again changed its entry: %+v", again[0])
		none := must(o.Claim(ctx, channel.ClaimParams{Now: t0.Add(2 * time.Hour), Limit: 10, Lease: lease}))(t)
		check(t, len(none) == 0, "a delivered key enqueued again was claimed: %v", keys(none))
	})

	t.Run("RecordRefusesAnIncompleteOutcome", func(t *testing.T) {
		o := newOutbox(t)
		must(o.Enqueue(ctx, t0, Email("k")))(t)
		got := must(o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 10, Lease: lease}))(t)
		check(t, len(got) == 1, "claimed %d entries, want 1", len(got))
		e := got[0]
		err := o.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts, Now: t0, Status: channel.StatusPending, Error: "busy"})
		check(t, errors.Is(err, b2b.ErrInvalid), "a retry without a next attempt time: want an error matching b2b.ErrInvalid, got %v", err)
		err = o.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts, Now: t0, Status: channel.StatusSending})
		check(t, errors.Is(err, b2b.ErrInvalid), "status sending as an outcome: want an error matching b2b.ErrInvalid, got %v", err)
		err = o.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts, Now: t0, Status: "sent"})
		check(t, errors.Is(err, b2b.ErrInvalid), "status \"sent\": want an error matching b2b.ErrInvalid, got %v", err)
		err = o.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts, Now: t0, Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "p1"}})
		check(t, err == nil, "after refused outcomes, the claim's outcome: %v", err)
	})

	t.Run("ConcurrentClaimersNeverShare", func(t *testing.T) {
		o := newOutbox(t)
		var msgs []channel.Message
		for i := range 200 {
			msgs = append(msgs, Email(fmt.Sprintf("k%03d", i)))
		}
		must(o.Enqueue(ctx, t0, msgs...))(t)
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					got, err := o.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 7, Lease: lease})
					if err != nil || len(got) == 0 {
						return
					}
					mu.Lock()
					for _, e := range got {
						seen[e.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		check(t, len(seen) == 200, "claimed %d distinct entries, want 200", len(seen))
		for id, n := range seen {
			check(t, n == 1, "entry %s claimed %d times", id, n)
		}
	})
}

func keys(es []channel.Entry) []string {
	var ks []string
	for _, e := range es {
		ks = append(ks, e.Message.Key)
	}
	return ks
}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
