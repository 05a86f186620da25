package channel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestMemoryOutboxConformance(t *testing.T) {
	t.Parallel()
	channeltest.TestOutbox(t, func(*testing.T) channel.Outbox { return channel.NewMemoryOutbox() })
}

// TestMemoryOutboxOrderPastAMillion: entries due at the same time are
// claimed, and listed, in the order they were enqueued, also once their
// IDs have more than six digits.
func TestMemoryOutboxOrderPastAMillion(t *testing.T) {
	t.Parallel()
	ob := channel.NewMemoryOutbox()
	ob.SetSequence(999_998)
	_, err := ob.Enqueue(context.Background(), t0, channeltest.Email("a"), channeltest.Email("b"), channeltest.Email("c"))
	require.NoError(t, err)
	var keys []string
	for _, e := range ob.Entries() {
		keys = append(keys, e.ID+" "+e.Message.Key)
	}
	require.Equal(t, []string{"ob-999999 a", "ob-1000000 b", "ob-1000001 c"}, keys)
	got, err := ob.Claim(context.Background(), channel.ClaimParams{Now: t0, Limit: 2, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []string{"a", "b"}, []string{got[0].Message.Key, got[1].Message.Key})
}

// TestMemoryOutboxRecordChecksTheSeq: Record succeeds only for the
// entry's current claim, its Seq included (Outbox's contract); a claim
// recorded with another Seq (of another entry under the ID) changed the
// entry.
func TestMemoryOutboxRecordChecksTheSeq(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ob := channel.NewMemoryOutbox()
	_, err := ob.Enqueue(ctx, t0, channeltest.Email("a"))
	require.NoError(t, err)
	got, err := ob.Claim(ctx, channel.ClaimParams{Now: t0, Limit: 1, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1)
	e := got[0]
	err = ob.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq + 1, Attempt: e.Attempts, Now: t0, Status: channel.StatusFailed, Error: "x"})
	require.ErrorIs(t, err, channel.ErrLeaseLost)
	after, err := ob.Get(e.ID)
	require.NoError(t, err)
	require.Equal(t, channel.StatusSending, after.Status, "a refused record changed the entry")
	require.NoError(t, ob.Record(ctx, channel.RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts, Now: t0, Status: channel.StatusDelivered}))
}

type testBundle struct {
	clk    *clock.Manual
	outbox *channel.MemoryOutbox
	rec    *channeltest.Recorder
	disp   *channel.Dispatcher
}

// setup builds a dispatcher on a memory outbox and a recorder; mod may change
// the configs before they are used.
func setup(t *testing.T, mod func(*channel.DispatcherConfig, *channeltest.RecorderConfig)) *testBundle {
	t.Helper()
	b := &testBundle{clk: clock.NewManual(t0), outbox: channel.NewMemoryOutbox()}
	rc := channeltest.RecorderConfig{Clock: b.clk}
	dc := channel.DispatcherConfig{Outbox: b.outbox, Clock: b.clk, MaxAttempts: 3, Lease: time.Minute,
		Backoff: func(_ string, attempt int) time.Duration { return time.Duration(attempt) * 10 * time.Minute }}
	if mod != nil {
		mod(&dc, &rc)
	}
	b.rec = channeltest.NewRecorder(rc)
	if dc.Email == nil {
		dc.Email = b.rec
	}
	if dc.SMS == nil {
		dc.SMS = b.rec
	}
	if dc.Alert == nil {
		dc.Alert = b.rec
	}
	d, err := channel.NewDispatcher(dc)
	require.NoError(t, err)
	b.disp = d
	return b
}

func (b *testBundle) enqueue(t *testing.T, msgs ...channel.Message) []channel.Entry {
	t.Helper()
	es, err := b.outbox.Enqueue(context.Background(), b.clk.Now(), msgs...)
	require.NoError(t, err)
	return es
}

func (b *testBundle) status(t *testing.T, id string) channel.Entry {
	t.Helper()
	e, err := b.outbox.Get(id)
	require.NoError(t, err)
	return e
}

func TestDispatchDeliversEachChannel(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	sms := channel.Message{Key: "s1", Channel: channel.ChannelSMS, Person: "p1", To: "+4915112345678", Text: "Webinar in 1h"}
	alert := channel.Message{Key: "a1", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example", Subject: "Acme is ready", Text: "..."}
	es := b.enqueue(t, channeltest.Email("e1"), sms, alert)

	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, rep.Claimed)
	require.Equal(t, 3, rep.Delivered)
	for _, e := range es {
		got := b.status(t, e.ID)
		require.Equal(t, channel.StatusDelivered, got.Status, e.Message.Key)
		require.NotEmpty(t, got.Receipt.ProviderID)
	}
	require.Len(t, b.rec.Sent(), 3)

	rep, err = b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Zero(t, rep.Claimed, "nothing is due twice")
}

// TestDispatchGivesSendersE164: an SMS to a number written as a CRM
// holds it (with the international call prefix 00, with blanks) is
// queued, and its sender gets the number in E.164, as every SMS sender
// expects it.
func TestDispatchGivesSendersE164(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	es := b.enqueue(t,
		channel.Message{Key: "s1", Channel: channel.ChannelSMS, Person: "p1", To: "0044 20 7946 0958", Text: "Webinar in 1h"},
		channel.Message{Key: "s2", Channel: channel.ChannelSMS, Person: "p2", To: "+49 151 1234-5678", Text: "Webinar in 1h"},
		channel.Message{Key: "s3", Channel: channel.ChannelSMS, Person: "p3", To: "+4915112345678", Text: "Webinar in 1h"})
	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, rep.Delivered)
	var to []string
	for _, m := range b.rec.Sent() {
		to = append(to, m.Key+" "+m.To)
	}
	require.Equal(t, []string{"s1 +442079460958", "s2 +4915112345678", "s3 +4915112345678"}, to)
	require.Equal(t, "0044 20 7946 0958", b.status(t, es[0].ID).Message.To, "the outbox keeps the message as it was queued")
}

func TestDispatchRetriesTemporaryFailuresWithBackoff(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.Fail = func(msg *channel.Message, call int) error {
			if msg.Key == "flaky" && call <= 2 {
				return &channel.SendError{Code: 503, Err: errors.New("service unavailable")}
			}
			if msg.Key == "down" {
				return errors.New("connection refused") // unclassified: temporary
			}
			return nil
		}
	})
	es := b.enqueue(t, channeltest.Email("flaky"), channeltest.Email("down"))
	ctx := context.Background()

	type step struct {
		advance           time.Duration
		delivered, failed int
		retried           int
	}
	// Backoff is attempt*10m: attempt 1 fails -> +10m, attempt 2 -> +20m.
	for i, s := range []step{
		{0, 0, 0, 2},
		{10*time.Minute - time.Second, 0, 0, 0}, // not yet due
		{time.Second, 0, 0, 2},                  // attempt 2 of both
		{20 * time.Minute, 1, 1, 0},             // flaky delivered; down out of attempts
	} {
		b.clk.Advance(s.advance)
		rep, err := b.disp.Dispatch(ctx)
		require.NoError(t, err)
		require.Equal(t, [3]int{s.delivered, s.failed, s.retried}, [3]int{rep.Delivered, rep.Failed, rep.Retried}, "step %d: %+v", i, rep.Outcomes)
	}
	flaky, down := b.status(t, es[0].ID), b.status(t, es[1].ID)
	require.Equal(t, channel.StatusDelivered, flaky.Status)
	require.Equal(t, 3, flaky.Attempts)
	require.Equal(t, channel.StatusFailed, down.Status)
	require.Equal(t, "gave up after 3 attempts: connection refused", down.LastError)
	require.Equal(t, 3, b.rec.Calls("down"))
}

func TestDispatchDoesNotRetryPermanentFailures(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.Fail = func(*channel.Message, int) error {
			return &channel.SendError{Permanent: true, Code: 550, Err: errors.New("mailbox unavailable")}
		}
	})
	es := b.enqueue(t, channeltest.Email("k"))
	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed)
	b.clk.Advance(24 * time.Hour)
	rep, err = b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Zero(t, rep.Claimed)
	got := b.status(t, es[0].ID)
	require.Equal(t, channel.StatusFailed, got.Status)
	require.Equal(t, "permanent failure (code 550): mailbox unavailable", got.LastError)
	require.Equal(t, 1, b.rec.Calls("k"))
}

func TestDispatchHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
		rc.Fail = func(_ *channel.Message, call int) error {
			if call == 1 {
				return &channel.SendError{Code: 429, RetryAfter: 2 * time.Hour, Err: errors.New("slow down")}
			}
			return nil
		}
	})
	es := b.enqueue(t, channeltest.Email("k"))
	_, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, t0.Add(2*time.Hour), b.status(t, es[0].ID).NextAttempt, "Retry-After (2h) beats the backoff (10m)")
}

// crashingOutbox fails the first Record of a delivered entry, as a process
// that crashes between the send and the commit of its outcome.
type crashingOutbox struct {
	channel.Outbox
	crashed bool
}

func (o *crashingOutbox) Record(ctx context.Context, p channel.RecordParams) error {
	if p.Status == channel.StatusDelivered && !o.crashed {
		o.crashed = true
		return errors.New("process crashed")
	}
	return o.Outbox.Record(ctx, p)
}

func TestCrashBetweenSendAndRecordSendsOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		ignoreKeys bool
		wantSent   int
	}{
		{name: "sender honours the key", wantSent: 1},
		{name: "sender ignores the key (at least once)", ignoreKeys: true, wantSent: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mem := channel.NewMemoryOutbox()
			crash := &crashingOutbox{Outbox: mem}
			b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
				dc.Outbox = crash
				rc.IgnoreKeys = tc.ignoreKeys
			})
			es, err := mem.Enqueue(context.Background(), t0, channeltest.Email("welcome:p1"))
			require.NoError(t, err)

			_, err = b.disp.Dispatch(context.Background())
			require.ErrorContains(t, err, "process crashed")
			require.Equal(t, channel.StatusSending, must(mem.Get(es[0].ID)).Status, "the claim stays until its lease expires")

			// A restarted dispatcher finds nothing due until the lease expires.
			rep, err := b.disp.Dispatch(context.Background())
			require.NoError(t, err)
			require.Zero(t, rep.Claimed)
			b.clk.Advance(time.Minute)
			rep, err = b.disp.Dispatch(context.Background())
			require.NoError(t, err)
			require.Equal(t, 1, rep.Delivered)
			require.Equal(t, !tc.ignoreKeys, rep.Duplicates == 1)
			require.Equal(t, 2, b.rec.Calls("welcome:p1"), "the key was sent twice")
			require.Len(t, b.rec.Sent(), tc.wantSent)
			got := must(mem.Get(es[0].ID))
			require.Equal(t, channel.StatusDelivered, got.Status)
			require.Equal(t, 2, got.Attempts)
		})
	}
}

// cancellingSender cancels the dispatcher's context during its first send
// (a shutdown signal arriving then), which it answers with err.
type cancellingSender struct {
	cancel context.CancelFunc
	err    error
	sends  int
}

func (s *cancellingSender) SendEmail(context.Context, *channel.Message) (channel.Receipt, error) {
	s.sends++
	if s.sends == 1 {
		s.cancel()
		if s.err != nil {
			return channel.Receipt{}, s.err
		}
	}
	return channel.Receipt{ProviderID: "smtp-1"}, nil
}

// TestDispatchRecordsSendDespiteCancel: a send that succeeds is recorded
// even if the context is cancelled during the send; otherwise the entry's
// lease would expire and the message be sent a second time (twice to the
// recipient over SMTP, which has no idempotency). So is a permanent
// failure (an SMTP sender's "the server may have accepted it"), which the
// next claim would otherwise send again. A send that fails temporarily
// then may have been cut short by the cancellation: it is not recorded,
// and tried again once the lease expires.
func TestDispatchRecordsSendDespiteCancel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		err       error
		want      channel.Status
		wantSends int
		final     channel.Status
	}{
		{name: "delivered", want: channel.StatusDelivered, wantSends: 1, final: channel.StatusDelivered},
		{name: "failed", err: errors.New("connection reset"), want: channel.StatusSending, wantSends: 2, final: channel.StatusDelivered},
		{name: "failed for good", err: &channel.SendError{Permanent: true, Err: errors.New("no reply after the end of the message")},
			want: channel.StatusFailed, wantSends: 1, final: channel.StatusFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			snd := &cancellingSender{cancel: cancel, err: tc.err}
			b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) { dc.Email = snd })
			es := b.enqueue(t, channeltest.Email("k1"))

			rep, err := b.disp.Dispatch(ctx)
			require.Equal(t, tc.want, b.status(t, es[0].ID).Status)
			if tc.want != channel.StatusSending {
				require.NoError(t, err, "the batch was done")
				require.Len(t, rep.Outcomes, 1)
				require.Equal(t, tc.want, rep.Outcomes[0].Status)
			} else {
				require.ErrorIs(t, err, context.Canceled)
				require.Empty(t, rep.Outcomes)
			}

			b.clk.Advance(2 * time.Minute) // past the lease
			_, err = b.disp.Dispatch(context.Background())
			require.NoError(t, err)
			require.Equal(t, tc.wantSends, snd.sends)
			require.Equal(t, tc.final, b.status(t, es[0].ID).Status)
		})
	}
}

type consentMap map[b2b.PersonID]map[b2b.Channel]b2b.Consent

func (m consentMap) Consent(_ context.Context, p b2b.PersonID, ch b2b.Channel) (b2b.Consent, error) {
	if c, ok := m[p][ch]; ok {
		return c, nil
	}
	return b2b.Consent{Status: b2b.ConsentUnknown}, nil
}

func TestDispatchChecksConsentAtSendTime(t *testing.T) {
	t.Parallel()
	optOut := b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo", At: t0.Add(-time.Hour)}
	b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) {
		dc.Consent = consentMap{"p-out": {b2b.ChannelEmail: optOut}}
	})
	out := channeltest.Email("out")
	out.Person = "p-out"
	sms := channel.Message{Key: "sms", Channel: channel.ChannelSMS, Person: "p-unknown", To: "+4915112345678", Text: "hi"}
	alert := channel.Message{Key: "alert", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example", Subject: "s", Text: "t"}
	es := b.enqueue(t, out, channeltest.Email("unknown-email"), sms, alert)

	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	got := map[string]string{}
	for _, o := range rep.Outcomes {
		got[o.Key] = string(o.Status) + ": " + o.Reason
	}
	want := map[string]string{
		"out":           "suppressed: email consent is opt-out (source marketo, 2026-03-02T08:00:00Z)",
		"unknown-email": "delivered: delivered as rec-000001",
		"sms":           "suppressed: sms consent is unknown and the policy requires an opt-in for sms",
		"alert":         "delivered: delivered as rec-000002",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("outcomes (-want +got):\n%s", d)
	}
	require.Equal(t, channel.StatusSuppressed, b.status(t, es[0].ID).Status)
	require.Equal(t, 2, rep.Suppressed)
}

func TestDispatchWithoutSenderFails(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(t0)
	ob := channel.NewMemoryOutbox()
	d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: ob, Clock: clk})
	require.NoError(t, err)
	es, err := ob.Enqueue(context.Background(), t0, channeltest.Email("k"))
	require.NoError(t, err)
	_, err = d.Dispatch(context.Background())
	require.NoError(t, err)
	got := must(ob.Get(es[0].ID))
	require.Equal(t, channel.StatusFailed, got.Status)
	require.Equal(t, `permanent failure: no sender configured for channel "email"`, got.LastError)
}

func TestDispatchBatches(t *testing.T) {
	t.Parallel()
	b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) { dc.BatchSize = 3 })
	var msgs []channel.Message
	for i := range 10 {
		msgs = append(msgs, channeltest.Email(fmt.Sprintf("k%02d", i)))
	}
	b.enqueue(t, msgs...)
	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, 10, rep.Delivered)
}

func TestDispatcherConfigValidate(t *testing.T) {
	t.Parallel()
	_, err := channel.NewDispatcher(channel.DispatcherConfig{MaxAttempts: -1, Lease: -time.Second})
	require.EqualError(t, err, "dispatcher config: outbox is required\nmaxAttempts is -1; want >= 1 (0 means 5)\nlease is -1s; want > 0 (0 means 5m)")
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	for attempt, base := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 7: time.Hour, 20: time.Hour} {
		d := channel.DefaultBackoff("k", attempt)
		require.GreaterOrEqual(t, d, base, "attempt %d", attempt)
		require.LessOrEqual(t, d, base+base/5, "attempt %d", attempt)
		require.Equal(t, d, channel.DefaultBackoff("k", attempt), "deterministic")
	}
	require.NotEqual(t, channel.DefaultBackoff("a", 3), channel.DefaultBackoff("b", 3), "jitter spreads keys")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// crashingSender ends the dispatch at the calls that crash says, as a
// process that dies during the send (the outcome is never recorded), and
// fails the others temporarily.
type crashingSender struct {
	crash  func(call int) bool
	cancel context.CancelFunc // the current dispatch's
	calls  int
}

func (s *crashingSender) SendEmail(context.Context, *channel.Message) (channel.Receipt, error) {
	s.calls++
	if s.crash(s.calls) {
		s.cancel()
		return channel.Receipt{}, errors.New("process killed")
	}
	return channel.Receipt{}, errors.New("connection refused")
}

// TestDispatchGivesUpOnClaimsPastMaxAttempts: a message whose attempts
// end without an outcome (a crash that no recover catches: a fatal error,
// a killed process) is claimed again when its lease ends, but not sent
// more than MaxAttempts (3) times: the claim after is recorded as failed,
// unsent, instead of crashing again, for ever.
func TestDispatchGivesUpOnClaimsPastMaxAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		crash   func(call int) bool
		wantErr string
	}{
		{
			name:    "every attempt crashes",
			crash:   func(int) bool { return true },
			wantErr: "gave up after 4 claims, more than the 3 attempts allowed: a claim ended without an outcome (a crash, a cancelled dispatch, a failed record or a lease that ended before its turn)",
		},
		{
			name:  "the last attempt crashes",
			crash: func(call int) bool { return call == 3 },
			wantErr: "gave up after 4 claims, more than the 3 attempts allowed: a claim ended without an outcome (a crash, a cancelled dispatch, a failed record or a lease that ended before its turn)" +
				"; last error: connection refused",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			snd := &crashingSender{crash: tc.crash}
			b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) {
				dc.Email = snd
				dc.Backoff = func(string, int) time.Duration { return time.Minute }
			})
			es := b.enqueue(t, channeltest.Email("k"))
			var last channel.DispatchReport
			for range 6 { // claims 1 to 4, then nothing is due
				ctx, cancel := context.WithCancel(context.Background())
				snd.cancel = cancel
				rep, err := b.disp.Dispatch(ctx)
				cancel()
				if err == nil && rep.Claimed > 0 {
					last = rep
				}
				b.clk.Advance(2 * time.Minute) // past the lease and the backoff
			}
			require.Equal(t, 3, snd.calls, "sent at most MaxAttempts times")
			got := b.status(t, es[0].ID)
			require.Equal(t, channel.StatusFailed, got.Status)
			require.Equal(t, 4, got.Attempts)
			require.Equal(t, tc.wantErr, got.LastError)
			require.Equal(t, []channel.Outcome{{EntryID: es[0].ID, Key: "k", Attempt: 4, Status: channel.StatusFailed, Reason: tc.wantErr}}, last.Outcomes)
			require.Equal(t, 1, last.Failed)
		})
	}
}

// erasingSender deletes the entry of the key erase from the outbox while
// sending it, as erasing its recipient does, then delivers.
type erasingSender struct {
	outbox *channel.MemoryOutbox
	rec    *channeltest.Recorder
}

func (s *erasingSender) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	if msg.Key == "erase" {
		for _, e := range s.outbox.Entries() {
			if e.Message.Key == msg.Key {
				s.outbox.Delete(e.ID)
			}
		}
	}
	return s.rec.SendEmail(ctx, msg)
}

// TestDispatchGoesOnPastDeletedEntry: an entry deleted while it is
// delivered (its person erased) cannot be recorded; that claim is lost,
// like one taken over, and the rest of the batch is delivered, instead of
// the dispatch failing and leaving the batch claimed until the lease ends.
func TestDispatchGoesOnPastDeletedEntry(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	snd := &erasingSender{}
	b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) {
		dc.Email = snd
		dc.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	snd.outbox, snd.rec = b.outbox, b.rec
	es := b.enqueue(t, channeltest.Email("erase"), channeltest.Email("next"))

	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Equal(t, [3]int{2, 1, 1}, [3]int{rep.Claimed, rep.Delivered, rep.LeaseLost})
	require.Equal(t, []string{"next"}, outcomeKeys(rep.Outcomes))
	require.Equal(t, []channel.Entry{b.status(t, es[1].ID)}, b.outbox.Entries())
	require.Equal(t, channel.StatusDelivered, b.status(t, es[1].ID).Status)
	require.Contains(t, logs.String(), `level=WARN msg="outbox claim lost" entry=`+es[0].ID+" key=erase err=")
}

func outcomeKeys(os []channel.Outcome) []string {
	var ks []string
	for _, o := range os {
		ks = append(ks, o.Key)
	}
	return ks
}

// noIDSender accepts every text message without a provider ID, as an SMS
// provider that answers 2xx with no ID does.
type noIDSender struct{}

func (noIDSender) SendSMS(context.Context, *channel.Message) (channel.Receipt, error) {
	return channel.Receipt{At: t0}, nil
}

func TestDispatchDeliveredWithoutProviderID(t *testing.T) {
	t.Parallel()
	b := setup(t, func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig) {
		dc.SMS = noIDSender{}
		dc.Consent = consentMap{"p-in": {b2b.ChannelSMS: b2b.Consent{Status: b2b.ConsentOptIn, Source: "crm", At: t0.Add(-time.Hour)}}}
	})
	b.enqueue(t, channel.Message{Key: "sms", Channel: channel.ChannelSMS, Person: "p-in", To: "+4915112345678", Text: "hi"})
	rep, err := b.disp.Dispatch(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Outcomes, 1)
	require.Equal(t, channel.StatusDelivered, rep.Outcomes[0].Status)
	require.Equal(t, "delivered, without a provider ID", rep.Outcomes[0].Reason)
}
