package channeltest_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/clock"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestSimulateIsDeterministic(t *testing.T) {
	t.Parallel()
	m := channeltest.EngagementModel{OpenRate: 0.5, ClickRate: 0.5, UnsubscribeRate: 0.1, BounceRate: 0.05}
	msg := channeltest.Email("journey:intro:p-1")
	a := channeltest.Simulate(m, 7, &msg, t0)
	b := channeltest.Simulate(m, 7, &msg, t0)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("same seed and key, different activities (-first +second):\n%s", d)
	}
	differs := false
	for seed := range uint64(20) {
		if !cmp.Equal(a, channeltest.Simulate(m, seed+100, &msg, t0)) {
			differs = true
		}
	}
	require.True(t, differs, "other seeds give other outcomes")
	alert := channel.Message{Key: "a", Channel: channel.ChannelSalesAlert}
	require.Empty(t, channeltest.Simulate(m, 7, &alert, t0))
}

// TestSimulateNamesTheMessage: every activity about a message carries
// its key (b2b.AttrMessageKey), as a provider's report does, so that
// the e-mail rates count each message once.
func TestSimulateNamesTheMessage(t *testing.T) {
	t.Parallel()
	always := channeltest.EngagementModel{OpenRate: 1, ClickRate: 1, UnsubscribeRate: 1}
	sms := channeltest.Email("journey:sms:p-1")
	sms.Channel = channel.ChannelSMS
	tests := []struct {
		name  string
		model channeltest.EngagementModel
		msg   channel.Message
		want  []b2b.ActivityType
	}{
		{"email, delivered and engaged", always, channeltest.Email("journey:intro:p-1"),
			[]b2b.ActivityType{b2b.ActivityEmailDelivered, b2b.ActivityOpenEmail, b2b.ActivityClickEmail, b2b.ActivityUnsubscribeEmail}},
		{"email, bounced", channeltest.EngagementModel{BounceRate: 1}, channeltest.Email("journey:intro:p-2"),
			[]b2b.ActivityType{b2b.ActivityEmailBounced}},
		{"sms", always, sms, []b2b.ActivityType{b2b.ActivityClickSMS, b2b.ActivityUnsubscribeSMS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var types []b2b.ActivityType
			for _, a := range channeltest.Simulate(tt.model, 1, &tt.msg, t0) {
				types = append(types, a.Type)
				require.Equal(t, tt.msg.Key, a.Attr(b2b.AttrMessageKey), "%s names its message", a.ID)
			}
			require.Empty(t, cmp.Diff(tt.want, types), "(-want +got)")
		})
	}
}

func TestSimulateFollowsTheModel(t *testing.T) {
	t.Parallel()
	counts := map[b2b.ActivityType]int{}
	const n = 5000
	for i := range n {
		msg := channeltest.Email(fmt.Sprintf("k%d", i))
		for _, a := range channeltest.Simulate(channeltest.TypicalB2BEmail, 1, &msg, t0) {
			counts[a.Type]++
			require.True(t, a.Time.After(t0), "engagement happens after the send")
			require.Equal(t, msg.Person, a.Person)
			require.NoError(t, a.Validate())
		}
	}
	within := func(typ b2b.ActivityType, want float64) {
		got := float64(counts[typ]) / n
		require.InDelta(t, want, got, want*0.25+0.003, "%s rate", typ)
	}
	within(b2b.ActivityEmailBounced, 0.01)
	within(b2b.ActivityEmailDelivered, 0.99)
	within(b2b.ActivityOpenEmail, 0.99*0.25)
	within(b2b.ActivityClickEmail, 0.99*0.25*0.12)
}

func TestRecorderAffinityAndActivities(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(t0)
	m := channeltest.EngagementModel{OpenRate: 0.5, ClickRate: 1, Affinity: func(msg *channel.Message) float64 {
		if msg.Tags["role"] == "Champion" {
			return 2 // always opens
		}
		return 0 // never opens
	}}
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk, Model: &m, Seed: 1})
	champ := channeltest.Email("champ")
	champ.Tags = map[string]string{"role": "Champion"}
	other := channeltest.Email("other")
	_, err := rec.SendEmail(context.Background(), &champ)
	require.NoError(t, err)
	_, err = rec.SendEmail(context.Background(), &other)
	require.NoError(t, err)
	require.Len(t, rec.Activities(t0), 0, "nothing has happened at the send time")
	var types []string
	for _, a := range rec.Activities(t0.Add(365 * 24 * time.Hour)) {
		types = append(types, string(a.ID))
	}
	require.ElementsMatch(t, []string{"sim:champ:delivered", "sim:champ:open", "sim:champ:click", "sim:other:delivered"}, types)
}

// TestRecorderIgnoringKeysSimulatesEachDelivery: a recorder that ignores
// idempotency keys delivers a key sent twice twice, as a provider that
// does not honour them would; each delivery has its own engagement,
// under IDs of its own: the second one's activities are not the first
// one's again, under the same IDs (which a store keeps once, or a
// reader counts twice).
func TestRecorderIgnoringKeysSimulatesEachDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		advance time.Duration
	}{
		{name: "sent again at once", advance: 0},
		{name: "sent again an hour later", advance: time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := clock.NewManual(t0)
			m := channeltest.EngagementModel{OpenRate: 1, ClickRate: 1}
			rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clk, Model: &m, Seed: 1, IgnoreKeys: true})
			msg := channeltest.Email("journey:intro:p-1")
			_, err := rec.SendEmail(context.Background(), &msg)
			require.NoError(t, err)
			first := rec.Activities(t0.Add(365 * 24 * time.Hour))
			clk.Advance(tc.advance)
			_, err = rec.SendEmail(context.Background(), &msg)
			require.NoError(t, err)
			require.Len(t, rec.Sent(), 2)

			all := rec.Activities(t0.Add(365 * 24 * time.Hour))
			require.Len(t, all, 2*len(first), "each delivery is delivered, opened and clicked")
			ids := map[b2b.ActivityID]bool{}
			delivered := 0
			for _, a := range all {
				require.False(t, ids[a.ID], "activity %s reported twice", a.ID)
				ids[a.ID] = true
				require.Equal(t, msg.Key, a.Attr(b2b.AttrMessageKey))
				if a.Type == b2b.ActivityEmailDelivered {
					delivered++
				}
			}
			require.Equal(t, 2, delivered)
			for _, a := range first {
				require.True(t, ids[a.ID], "the first delivery's activities keep their IDs")
			}
		})
	}
}

// TestSimulateWithAnAffinityThatIsNotANumber: an Affinity of NaN (a
// ratio of two zero weights) says nothing of the recipient, and leaves
// the model's rates as they are; before, every comparison with it was
// false, and every recipient opened. An infinite affinity caps the rates
// at 1, and leaves a rate of 0 at 0.
func TestSimulateWithAnAffinityThatIsNotANumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		open          float64
		affinity      float64
		wantOpensFrom int
		wantOpensTo   int
	}{
		{name: "NaN, no opens in the model", open: 0, affinity: math.NaN(), wantOpensFrom: 0, wantOpensTo: 0},
		{name: "NaN, a quarter open", open: 0.25, affinity: math.NaN(), wantOpensFrom: 150, wantOpensTo: 350},
		{name: "infinite, no opens in the model", open: 0, affinity: math.Inf(1), wantOpensFrom: 0, wantOpensTo: 0},
		{name: "infinite, a quarter open", open: 0.25, affinity: math.Inf(1), wantOpensFrom: 1000, wantOpensTo: 1000},
		{name: "negative", open: 0.25, affinity: -1, wantOpensFrom: 0, wantOpensTo: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := channeltest.EngagementModel{OpenRate: tc.open, Affinity: func(*channel.Message) float64 { return tc.affinity }}
			opens := 0
			for i := range 1000 {
				msg := channeltest.Email(fmt.Sprintf("k%d", i))
				for _, a := range channeltest.Simulate(m, 1, &msg, t0) {
					if a.Type == b2b.ActivityOpenEmail {
						opens++
					}
				}
			}
			require.GreaterOrEqual(t, opens, tc.wantOpensFrom)
			require.LessOrEqual(t, opens, tc.wantOpensTo)
		})
	}
}

// TestSimulateWithAVeryLongMeanDelay: a delay drawn past what a
// time.Duration holds is its longest, so engagement still comes after
// the send, where the conversion wrapped it to about 292 years before.
func TestSimulateWithAVeryLongMeanDelay(t *testing.T) {
	t.Parallel()
	m := channeltest.EngagementModel{OpenRate: 1, ClickRate: 1, MeanDelay: 100 * 365 * 24 * time.Hour}
	for i := range 50 {
		for _, ch := range []channel.Channel{channel.ChannelEmail, channel.ChannelSMS} {
			msg := channeltest.Email(fmt.Sprintf("k%d", i))
			msg.Channel = ch
			for _, a := range channeltest.Simulate(m, 1, &msg, t0) {
				require.True(t, a.Time.After(t0), "%s at %s, before the send", a.ID, a.Time)
			}
		}
	}
}

// TestSimulateRespondsAfterTheSend: a recipient cannot respond at the
// instant a message is sent: every simulated activity comes at least a
// second after the send, however short the delay drawn. One at the send
// instant is lost to a reader that polls for what happened after the
// send. With a mean delay of 6 hours, 7 of 200,000 SMS were clicked at
// the send instant (the first, sms-17573) and 77 less than a second
// after it.
func TestSimulateRespondsAfterTheSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ch    channel.Channel
		model channeltest.EngagementModel
		keys  int
	}{
		{"sms, mean delay 6h", channel.ChannelSMS, channeltest.EngagementModel{ClickRate: 1, UnsubscribeRate: 1, MeanDelay: 6 * time.Hour}, 200_000},
		{"sms, mean delay 1ms", channel.ChannelSMS, channeltest.EngagementModel{ClickRate: 1, UnsubscribeRate: 1, MeanDelay: time.Millisecond}, 100},
		{"email, mean delay 1ms", channel.ChannelEmail, channeltest.EngagementModel{OpenRate: 1, ClickRate: 1, UnsubscribeRate: 1, MeanDelay: time.Millisecond}, 100},
		{"email, bounced", channel.ChannelEmail, channeltest.EngagementModel{BounceRate: 1}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prefix := "sms-"
			if tt.ch == channel.ChannelEmail {
				prefix = "email-"
			}
			for i := range tt.keys {
				msg := channeltest.Email(prefix + strconv.Itoa(i))
				msg.Channel = tt.ch
				for _, a := range channeltest.Simulate(tt.model, 1, &msg, t0) {
					if a.Time.Before(t0.Add(time.Second)) {
						t.Fatalf("%s at %s, %s after the send at %s", a.ID, a.Time, a.Time.Sub(t0), t0)
					}
				}
			}
		})
	}
}

// TestRecorderKeepsItsRecords: what Sent, SentSince and the activities
// return are copies: a caller that changes them (a message's tags, an
// activity's attributes, as an ingest that normalizes them may) changes
// nothing of what the recorder returns next.
func TestRecorderKeepsItsRecords(t *testing.T) {
	t.Parallel()
	later := t0.Add(365 * 24 * time.Hour)
	for _, tc := range []struct {
		name   string
		change func(rec *channeltest.Recorder)
	}{
		{"a tag of a sent message", func(rec *channeltest.Recorder) { rec.Sent()[0].Tags["journey"] = "changed" }},
		{"a tag of a message sent since", func(rec *channeltest.Recorder) { rec.SentSince(1)[0].Tags["journey"] = "changed" }},
		{"a sent message", func(rec *channeltest.Recorder) { rec.Sent()[1].Key = "changed" }},
		{"an attribute of an activity", func(rec *channeltest.Recorder) {
			rec.Activities(later)[0].Attributes[b2b.AttrMessageKey] = "changed"
		}},
		{"an attribute of an activity between", func(rec *channeltest.Recorder) {
			for _, a := range rec.ActivitiesBetween(t0, later) {
				a.Attributes["template"] = "changed"
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := channeltest.EngagementModel{OpenRate: 1, ClickRate: 1}
			rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clock.NewManual(t0), Model: &m, Seed: 1})
			for _, key := range []string{"journey:intro:p-1", "journey:intro:p-2"} {
				msg := channeltest.Email(key)
				msg.Tags = map[string]string{"journey": "intro"}
				_, err := rec.SendEmail(context.Background(), &msg)
				require.NoError(t, err)
			}
			// What was returned first, copied apart from what the
			// recorder holds.
			wantSent, wantActs := rec.Sent(), rec.Activities(later)
			require.Len(t, wantSent, 2)
			require.NotEmpty(t, wantActs)
			for i := range wantSent {
				wantSent[i].Tags = maps.Clone(wantSent[i].Tags)
			}
			for i := range wantActs {
				wantActs[i].Attributes = maps.Clone(wantActs[i].Attributes)
			}

			tc.change(rec)
			if diff := cmp.Diff(wantSent, rec.Sent()); diff != "" {
				t.Errorf("the messages sent changed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantSent[1:], rec.SentSince(1)); diff != "" {
				t.Errorf("the messages sent since changed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantActs, rec.Activities(later)); diff != "" {
				t.Errorf("the activities changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRecorderSentSince: SentSince(n) is Sent from its n-th message on,
// for a reader that polls for what it has not seen yet; past the end it
// is empty.
func TestRecorderSentSince(t *testing.T) {
	t.Parallel()
	rec := channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clock.NewManual(t0)})
	for _, key := range []string{"a", "b", "a", "c"} {
		msg := channeltest.Email(key)
		_, err := rec.SendEmail(context.Background(), &msg)
		require.NoError(t, err)
	}
	all := rec.Sent()
	require.Len(t, all, 3, "a key honoured as a duplicate appears once")
	for n := -1; n <= 4; n++ {
		want := all[min(max(n, 0), len(all)):]
		if diff := cmp.Diff(want, rec.SentSince(n), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("SentSince(%d) (-want +got):\n%s", n, diff)
		}
	}
}

// TestRecorderFail: Fail is asked before each call with the key's count
// of calls, and its error is returned instead of a delivery. It may read
// the recorder (a failure that depends on what was sent): asked while
// the recorder held its lock, such a Fail never returned.
func TestRecorderFail(t *testing.T) {
	t.Parallel()
	var rec *channeltest.Recorder
	var calls []string
	rec = channeltest.NewRecorder(channeltest.RecorderConfig{
		Clock: clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		Fail: func(msg *channel.Message, call int) error {
			calls = append(calls, fmt.Sprintf("%s#%d sent %d", msg.Key, call, len(rec.Sent())))
			if call < 3 {
				return &channel.SendError{Err: fmt.Errorf("busy %d", call)}
			}
			return nil
		},
	})
	done := make(chan error, 1)
	go func() {
		var err error
		for range 3 {
			msg := channeltest.Email("k")
			_, err = rec.SendEmail(context.Background(), &msg)
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "the third call delivers")
	case <-time.After(5 * time.Second):
		t.Fatal("a Fail that reads the recorder never returned")
	}
	require.Equal(t, []string{"k#1 sent 0", "k#2 sent 0", "k#3 sent 0"}, calls)
	require.Len(t, rec.Sent(), 1)
	require.Equal(t, 3, rec.Calls("k"))
}

// TestRecorderAffinityMayReadTheRecorder: a model's Affinity may read the
// recorder (fewer opens for a recipient sent many messages); asked while
// the recorder held its lock, it never returned.
func TestRecorderAffinityMayReadTheRecorder(t *testing.T) {
	t.Parallel()
	var rec *channeltest.Recorder
	model := channeltest.EngagementModel{OpenRate: 1, Affinity: func(*channel.Message) float64 { return 1 / float64(1+len(rec.Sent())) }}
	rec = channeltest.NewRecorder(channeltest.RecorderConfig{Clock: clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), Model: &model})
	done := make(chan error, 1)
	go func() {
		msg := channeltest.Email("k")
		_, err := rec.SendEmail(context.Background(), &msg)
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("an Affinity that reads the recorder never returned")
	}
	require.NotEmpty(t, rec.Activities(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)))
}
