package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
)

func hostEmail(key, to string) channel.Message {
	return channel.Message{Key: key, Channel: channel.ChannelEmail, Account: "acme", Person: "p1", To: to,
		Subject: "Hello", HTML: "<p>Hello</p>", Text: "Hello"}
}

// The claim's attempt is the fencing token of channel.Outbox: a record
// without it could end another dispatcher's claim.
func TestOutboxRecordNeedsTheClaimsAttempt(t *testing.T) {
	b := setup(t, dataPlatform())
	ob := b.eng.Outbox()
	_, err := ob.Enqueue(b.ctx, day0, hostEmail("k1", "x@example.com"))
	require.NoError(t, err)
	got, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 1, got[0].Attempts)
	// A stale/unknown claimer (Attempt 0 is never a claim's token).
	err = ob.Record(b.ctx, channel.RecordParams{ID: "k1", Attempt: 0, Now: day0, Status: channel.StatusDelivered})
	require.ErrorIs(t, err, channel.ErrLeaseLost, "a record without the claim's token must not succeed")
}

// A host's own email to an erased (suppressed) address is not delivered
// either: it is suppressed when claimed, with why in the event log.
func TestSuppressionCoversHostMessages(t *testing.T) {
	b := setup(t, dataPlatform())
	require.NoError(t, b.eng.Suppress(governance.SuppressionHash("x@example.com")))
	ob := b.eng.Outbox()
	_, err := ob.Enqueue(b.ctx, day0, hostEmail("k1", "x@example.com"), hostEmail("k2", "y@example.com"))
	require.NoError(t, err)
	got, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "k2", got[0].Message.Key)
	require.Equal(t, int64(1), b.eng.Counters().Deliveries["suppressed"])
	require.Equal(t, 1, countEvents(t, b, "acme", "message.suppressed"))
}

// An entry erased with its person frees its ID, which a new entry may
// take: the old entry's claim, still leased, must not record its outcome
// for the new one, claimed as many times (Attempts 1 both), or the new
// message would be marked sent, never having been. The entry's Seq tells
// them apart.
func TestOutboxRecordOfAnErasedEntryDoesNotLandOnItsSuccessor(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	setupAcme(t, b)
	ob := b.eng.Outbox()
	to := func(person, addr string) channel.Message {
		m := hostEmail("k", addr)
		m.Person = b2b.PersonID(person)
		return m
	}
	_, err := ob.Enqueue(b.ctx, day0, to("marketo:L-4", "maya@acme.com"))
	require.NoError(t, err)
	first, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Hour})
	require.NoError(t, err)
	require.Len(t, first, 1)

	_, err = b.eng.ErasePerson(b.ctx, "marketo:L-4")
	require.NoError(t, err)
	_, err = ob.Enqueue(b.ctx, day0.Add(time.Minute), to("marketo:L-2", "victor@acme.com"))
	require.NoError(t, err)
	second, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0.Add(time.Minute), Limit: 10, Lease: time.Hour})
	require.NoError(t, err)
	require.Len(t, second, 1)
	require.Equal(t, first[0].ID, second[0].ID, "the ID is free again")
	require.Equal(t, first[0].Attempts, second[0].Attempts, "both at their first claim")
	require.NotEqual(t, first[0].Seq, second[0].Seq)

	err = ob.Record(b.ctx, channel.RecordParams{ID: first[0].ID, Seq: first[0].Seq, Attempt: first[0].Attempts,
		Now: day0.Add(2 * time.Minute), Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "old"}})
	require.ErrorIs(t, err, channel.ErrNotFound, "the erased entry's claim records nothing")
	require.Zero(t, countEvents(t, b, "acme", "message.delivered"))
	err = ob.Record(b.ctx, channel.RecordParams{ID: second[0].ID, Seq: second[0].Seq, Attempt: second[0].Attempts,
		Now: day0.Add(2 * time.Minute), Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "new"}})
	require.NoError(t, err, "the new entry's claim is still its own")
	require.Equal(t, 1, countEvents(t, b, "acme", "message.delivered"))
}

// channel.Outbox stores one entry per key: a host that enqueues the same
// key twice in one call (a retried step that builds its batch again) gets
// the first message's entry for both, as it would across two calls, not
// an error that queues neither.
func TestOutboxEnqueueOfOneKeyTwiceInOneCall(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	ob := b.eng.Outbox()
	first := hostEmail("k1", "x@example.com")
	first.Tags = map[string]string{"campaign": "spring"}
	second := hostEmail("k1", "x@example.com")
	second.Subject = "Hello again"
	got, err := ob.Enqueue(b.ctx, day0, first, hostEmail("k2", "y@example.com"), second)
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, got[0], got[2], "one entry per key")
	require.Equal(t, "Hello", got[2].Message.Subject, "the first message is the one kept")
	require.NotEqual(t, got[0].ID, got[1].ID)
	got[0].Message.Tags["x"] = "changed"
	require.NotContains(t, got[2].Message.Tags, "x", "the repeat's entry is a copy")
	claimed, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	require.Equal(t, "Hello", claimed[0].Message.Subject)
}

// channel.Outbox refuses an outcome that is no outcome with an error
// matching b2b.ErrInvalid, whatever claim it names: a status it does not
// know, a retry without its time. Nothing is recorded, and the claim is
// still the dispatcher's to record.
func TestOutboxRecordOfNoOutcomeIsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  channel.Status
		attempt bool // the claim's fencing token
	}{
		{"a retry without its time", channel.StatusPending, true},
		{"a retry without its time, nor a claim's token", channel.StatusPending, false},
		{"a status to send again", channel.StatusSending, true},
		{"a status to send again, without a claim's token", channel.StatusSending, false},
		{"no status", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := setup(t, dataPlatform())
			ob := b.eng.Outbox()
			_, err := ob.Enqueue(b.ctx, day0, hostEmail("k1", "x@example.com"))
			require.NoError(t, err)
			got, err := ob.Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Minute})
			require.NoError(t, err)
			require.Len(t, got, 1)
			p := channel.RecordParams{ID: "k1", Now: day0, Status: tt.status, Error: "421 try later"}
			if tt.attempt {
				p.Seq, p.Attempt = got[0].Seq, got[0].Attempts
			}
			err = ob.Record(b.ctx, p)
			require.ErrorIs(t, err, b2b.ErrInvalid)
			require.ErrorContains(t, err, "k1")
			require.Empty(t, b.eng.Counters().Deliveries, "nothing recorded")
			require.NoError(t, ob.Record(b.ctx, channel.RecordParams{ID: "k1", Seq: got[0].Seq, Attempt: got[0].Attempts,
				Now: day0, Status: channel.StatusDelivered}), "the claim is still the dispatcher's")
		})
	}
}
