package channel_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
)

// panickingSender panics for the key poison: before sending it or, with
// afterSend, once its provider (the recorder) has accepted it.
type panickingSender struct {
	rec       *channeltest.Recorder
	afterSend bool
	tags      map[string]string // never made: writing to it panics
}

func (s *panickingSender) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	if msg.Key != "poison" {
		return s.rec.SendEmail(ctx, msg)
	}
	if s.afterSend {
		if _, err := s.rec.SendEmail(ctx, msg); err != nil {
			return channel.Receipt{}, err
		}
	}
	s.tags["provider"] = "x" // assignment to entry in nil map
	return channel.Receipt{}, nil
}

// panickingConsent panics for the person of the key poison.
type panickingConsent struct{}

func (panickingConsent) Consent(_ context.Context, p b2b.PersonID, _ b2b.Channel) (b2b.Consent, error) {
	if p == "p-poison" {
		panic("consent store corrupted")
	}
	return b2b.Consent{Status: b2b.ConsentOptIn}, nil
}

// TestDispatchRecoversPanicAsPermanentFailure: a message whose delivery
// panics (in its sender, its consent lookup or the backoff) does not take
// the dispatcher down nor block the others: it fails for good, with the
// panic and where it happened in its error, and is never sent again, not
// even when the panic came after its provider had accepted it.
func TestDispatchRecoversPanicAsPermanentFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*channel.DispatcherConfig, *channeltest.RecorderConfig, *panickingSender)
		// wantErr starts the poison entry's error; wantFrame is in its stack.
		wantErr, wantFrame string
		wantSent           int // deliveries of the poison message
	}{
		{
			name: "sender",
			mod: func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig, s *panickingSender) {
				dc.Email = s
			},
			wantErr:   "email sender panicked: assignment to entry in nil map (stack: ",
			wantFrame: "channel_test.(*panickingSender).SendEmail at panic_test.go:",
		},
		{
			name: "sender after the provider accepted",
			mod: func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig, s *panickingSender) {
				s.afterSend = true
				dc.Email = s
			},
			wantErr:   "email sender panicked: assignment to entry in nil map (stack: ",
			wantFrame: "channel_test.(*panickingSender).SendEmail at panic_test.go:",
			wantSent:  1,
		},
		{
			name: "failure handed to the recorder",
			mod: func(_ *channel.DispatcherConfig, rc *channeltest.RecorderConfig, _ *panickingSender) {
				rc.Fail = func(msg *channel.Message, _ int) error {
					if msg.Key == "poison" {
						panic(errors.New("provider client closed"))
					}
					return nil
				}
			},
			wantErr:   "email sender panicked: provider client closed (stack: ",
			wantFrame: "channeltest.(*Recorder).send at recorder.go:",
		},
		{
			name: "long panic value",
			mod: func(_ *channel.DispatcherConfig, rc *channeltest.RecorderConfig, _ *panickingSender) {
				rc.Fail = func(msg *channel.Message, _ int) error {
					if msg.Key == "poison" {
						panic("x" + strings.Repeat("é", 300)) // 601 bytes: the cut at 500 splits an é
					}
					return nil
				}
			},
			wantErr:   "email sender panicked: x" + strings.Repeat("é", 249) + "... (stack: ",
			wantFrame: "channeltest.(*Recorder).send at recorder.go:",
		},
		{
			name: "consent lookup",
			mod: func(dc *channel.DispatcherConfig, _ *channeltest.RecorderConfig, _ *panickingSender) {
				dc.Consent = panickingConsent{}
			},
			wantErr:   "consent lookup panicked: consent store corrupted (stack: ",
			wantFrame: "channel_test.panickingConsent.Consent at panic_test.go:",
		},
		{
			name: "backoff",
			mod: func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig, _ *panickingSender) {
				rc.Fail = func(msg *channel.Message, _ int) error {
					if msg.Key == "poison" {
						return errors.New("connection refused")
					}
					return nil
				}
				dc.Backoff = func(key string, attempt int) time.Duration {
					return time.Minute * time.Duration([]int{1, 2}[attempt+1])
				}
			},
			wantErr:   "backoff panicked: runtime error: index out of range [2] with length 2 (stack: ",
			wantFrame: "channel_test.TestDispatchRecoversPanicAsPermanentFailure.func",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			snd := &panickingSender{}
			b := setup(t, func(dc *channel.DispatcherConfig, rc *channeltest.RecorderConfig) {
				dc.Logger = slog.New(slog.NewTextHandler(&logs, nil))
				tc.mod(dc, rc, snd)
			})
			snd.rec = b.rec
			es := b.enqueue(t, channeltest.Email("poison"), channeltest.Email("ok"))

			rep, err := b.disp.Dispatch(context.Background())
			require.NoError(t, err, "the panic is the entry's failure, not the dispatch's")
			require.Equal(t, [4]int{2, 1, 1, 1}, [4]int{rep.Claimed, rep.Delivered, rep.Failed, rep.Panics}, "%+v", rep.Outcomes)
			poison := b.status(t, es[0].ID)
			require.Equal(t, channel.StatusFailed, poison.Status)
			require.True(t, strings.HasPrefix(poison.LastError, tc.wantErr), poison.LastError)
			require.Contains(t, poison.LastError, tc.wantFrame)
			require.NotContains(t, poison.LastError, "\n", "a short stack, on one line")
			require.NotContains(t, poison.LastError, "(*Dispatcher)", "the stack ends at the dispatcher")
			require.Equal(t, channel.Outcome{EntryID: es[0].ID, Key: "poison", Attempt: 1, Status: channel.StatusFailed,
				Reason: "permanent failure: " + poison.LastError}, rep.Outcomes[0])
			require.Equal(t, channel.StatusDelivered, b.status(t, es[1].ID).Status, "the next entry is delivered")

			log := logs.String()
			require.Contains(t, log, `level=ERROR msg="delivery panicked" entry=`+es[0].ID+` key=poison channel=email attempt=1 panic=`)
			require.Contains(t, log, "goroutine ", "the log has the whole stack")
			require.Contains(t, log, `level=INFO msg="message not delivered" entry=`+es[0].ID+` key=poison channel=email attempt=1 status=failed reason="permanent failure: `+tc.wantErr)

			// The failure is for good: nothing is due again.
			b.clk.Advance(24 * time.Hour)
			rep, err = b.disp.Dispatch(context.Background())
			require.NoError(t, err)
			require.Zero(t, rep.Claimed)
			n := 0
			for _, m := range b.rec.Sent() {
				if m.Key == "poison" {
					n++
				}
			}
			require.Equal(t, tc.wantSent, n, "deliveries of the poison message")
		})
	}
}
