package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
