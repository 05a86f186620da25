package channel_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
)

// slowFirstSender delivers through rec; its first send takes longer than
// the lease (slow moves the clock past it).
type slowFirstSender struct {
	rec   *channeltest.Recorder
	slow  func()
	sends int
}

func (s *slowFirstSender) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	s.sends++
	if s.sends == 1 {
		s.slow()
	}
	return s.rec.SendEmail(ctx, msg)
}

// recordHook runs after each record of its outbox.
type recordHook struct {
	channel.Outbox
	after func(p channel.RecordParams)
}

func (o *recordHook) Record(ctx context.Context, p channel.RecordParams) error {
	err := o.Outbox.Record(ctx, p)
	o.after(p)
	return err
}

// TestDispatchLeavesEntriesWhoseLeaseEndedMidBatch: the entries of a
// batch share one lease, and the batch is sent one entry after the
// other. Once a slow send has outlasted the lease, the rest of the batch
// may have been claimed by another dispatcher (here, another process
// that runs once the slow send is recorded), which sends them: sending
// them again would deliver them twice over a sender without idempotency
// (SMTP). They are left to their new claim, counted as claims lost.
func TestDispatchLeavesEntriesWhoseLeaseEndedMidBatch(t *testing.T) {
	t.Parallel()
	var other *channel.Dispatcher
	var otherRep channel.DispatchReport
	snd := &slowFirstSender{}
	hook := &recordHook{}
	b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.IgnoreKeys = true // like SMTP: a second send is a second email
		dc.Email = snd
		dc.Outbox = hook
	})
	hook.Outbox = b.outbox
	hook.after = func(channel.RecordParams) {
		if other == nil {
			var err error
			other, err = channel.NewDispatcher(channel.DispatcherConfig{Outbox: b.outbox, Email: b.rec, Clock: b.clk, Lease: time.Minute})
			require.NoError(t, err)
			otherRep, err = other.Dispatch(context.Background())
			require.NoError(t, err)
		}
	}
	snd.rec = b.rec
	snd.slow = func() { b.clk.Advance(2 * time.Minute) } // past the one-minute lease
	es := b.enqueue(t, channeltest.Email("k1"), channeltest.Email("k2"), channeltest.Email("k3"))

	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, otherRep.Delivered, "the other dispatcher took over k2 and k3 once their lease ended")
	require.Equal(t, 1, rep.Delivered)
	require.Equal(t, 2, rep.LeaseLost, "k2 and k3 were no longer this dispatcher's")
	for _, key := range []string{"k1", "k2", "k3"} {
		require.Equal(t, 1, b.rec.Calls(key), "%s sent once", key)
	}
	for _, e := range es {
		require.Equal(t, channel.StatusDelivered, b.status(t, e.ID).Status, e.Message.Key)
	}
}

// TestDispatchWithoutTakeoverSendsLapsedEntriesOnItsNextClaim: entries
// whose lease ended before their turn, and which nobody claimed since,
// are claimed again by the same dispatch when its batch was full, and
// sent once.
func TestDispatchWithoutTakeoverSendsLapsedEntriesOnItsNextClaim(t *testing.T) {
	t.Parallel()
	snd := &slowFirstSender{}
	b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.IgnoreKeys = true
		dc.Email = snd
		dc.BatchSize = 3
	})
	snd.rec = b.rec
	snd.slow = func() { b.clk.Advance(2 * time.Minute) }
	es := b.enqueue(t, channeltest.Email("k1"), channeltest.Email("k2"), channeltest.Email("k3"))

	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, rep.Delivered)
	require.Equal(t, 2, rep.LeaseLost)
	for _, e := range es {
		got := b.status(t, e.ID)
		require.Equal(t, channel.StatusDelivered, got.Status, e.Message.Key)
		require.Equal(t, 1, b.rec.Calls(e.Message.Key), "%s sent once", e.Message.Key)
	}
	require.Equal(t, 2, b.status(t, es[1].ID).Attempts, "the lapsed claim counts as an attempt")
}

// hangingSender never answers on its own: it returns when its context
// ends.
type hangingSender struct{ calls int }

func (s *hangingSender) SendEmail(ctx context.Context, _ *channel.Message) (channel.Receipt, error) {
	s.calls++
	<-ctx.Done()
	return channel.Receipt{}, fmt.Errorf("no answer: %w", ctx.Err())
}

// TestDispatchCutsASendThatOutlastsTheLease: a send that hangs is cut
// when the claim's lease ends, and recorded as a temporary failure, so
// that the dispatcher goes on (it hung for ever) and the entry is retried
// after its backoff rather than claimed by another dispatcher while this
// one may still be sending it.
func TestDispatchCutsASendThatOutlastsTheLease(t *testing.T) {
	t.Parallel()
	snd := &hangingSender{}
	b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) {
		dc.Email = snd
		dc.Lease = 50 * time.Millisecond
	})
	es := b.enqueue(t, channeltest.Email("k1"))

	type result struct {
		rep channel.DispatchReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := b.disp.Dispatch(context.Background())
		done <- result{rep, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Dispatch still waits for a send that outlasted its lease")
	}
	require.NoError(t, res.err)
	require.Equal(t, 1, res.rep.Retried)
	require.Len(t, res.rep.Outcomes, 1)
	require.Contains(t, res.rep.Outcomes[0].Reason, "outlasted the lease")
	got := b.status(t, es[0].ID)
	require.Equal(t, channel.StatusPending, got.Status)
	require.Equal(t, 1, snd.calls)
}

// slowSender takes step of the clock's time for each send.
type slowSender struct {
	rec  *channeltest.Recorder
	clk  *clock.Manual
	step time.Duration
}

func (s *slowSender) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	s.clk.Advance(s.step)
	return s.rec.SendEmail(ctx, msg)
}

// TestDispatchFitsItsBatchesToTheLease: a provider so slow that a batch
// does not fit in its lease (30 seconds a message, ten in a five-minute
// lease) leaves the rest of each batch to the next claim, and each claim
// counts as an attempt. Claimed again at the full size, the rest of the
// backlog would lapse claim after claim until given up without being sent;
// the dispatcher claims as many as it got through in a lease instead
// (and more again once they fit), and every message goes out once.
func TestDispatchFitsItsBatchesToTheLease(t *testing.T) {
	t.Parallel()
	snd := &slowSender{step: 30 * time.Second}
	b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.IgnoreKeys = true
		dc.Email = snd
		dc.Lease = 5 * time.Minute
		dc.BatchSize = 100
	})
	snd.rec, snd.clk = b.rec, b.clk
	var msgs []channel.Message
	for i := range 100 {
		msgs = append(msgs, channeltest.Email(fmt.Sprintf("k%03d", i)))
	}
	es := b.enqueue(t, msgs...)

	// A host dispatches again and again, as long as there is work.
	var delivered, failed int
	for range 20 {
		rep, err := b.disp.Dispatch(context.Background())
		require.NoError(t, err)
		delivered, failed = delivered+rep.Delivered, failed+rep.Failed
		if rep.Claimed == 0 {
			break
		}
	}
	require.Zero(t, failed, "given up without being sent")
	require.Equal(t, 100, delivered)
	for _, e := range es {
		require.Equal(t, channel.StatusDelivered, b.status(t, e.ID).Status, e.Message.Key)
		require.Equal(t, 1, b.rec.Calls(e.Message.Key), "%s sent once", e.Message.Key)
	}
}

// claimLimits records the limit of each claim of its outbox.
type claimLimits struct {
	channel.Outbox
	limits []int
}

func (o *claimLimits) Claim(ctx context.Context, p channel.ClaimParams) ([]channel.Entry, error) {
	o.limits = append(o.limits, p.Limit)
	return o.Outbox.Claim(ctx, p)
}

// TestDispatchClaimsFullBatchesAgainOnceSendsAreFast: the smaller claims
// that follow a batch that outlasted its lease grow back to BatchSize
// once the sends are fast again, rather than leaving the dispatcher
// claiming a few entries at a time for good.
func TestDispatchClaimsFullBatchesAgainOnceSendsAreFast(t *testing.T) {
	t.Parallel()
	snd := &slowSender{step: 30 * time.Second}
	limits := &claimLimits{}
	b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		dc.Email = snd
		dc.Outbox = limits
		dc.Lease = 5 * time.Minute
		dc.BatchSize = 40
	})
	limits.Outbox = b.outbox
	snd.rec, snd.clk = b.rec, b.clk
	var msgs []channel.Message
	for i := range 1000 {
		msgs = append(msgs, channeltest.Email(fmt.Sprintf("k%04d", i)))
	}
	b.enqueue(t, msgs[:40]...)
	_, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, []int{40, 10, 10, 10, 10}, limits.limits, "ten sends fit in a lease; the last claim finds nothing")

	snd.step = 0
	limits.limits = nil
	b.enqueue(t, msgs[40:]...)
	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 960, rep.Delivered)
	require.Equal(t, []int{10, 20, 40, 40}, limits.limits[:4])
}
