// Package channeltest provides test and simulation doubles for package
// channel: a Recorder that implements every sender, honours idempotency keys,
// injects failures, and simulates how recipients engage with what it
// "delivers" (deliveries, bounces, opens, clicks, unsubscribes) from a seeded
// model, so that email engagement KPIs exist in a simulation.
package channeltest

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
)

// EngagementModel gives the chances of what a recipient does with a message.
// Rates are probabilities in [0, 1]; each draw is deterministic given the
// recorder's seed and the message key.
type EngagementModel struct {
	BounceRate      float64       // email: hard bounce instead of delivery
	OpenRate        float64       // email: opened, once delivered
	ClickRate       float64       // email: clicked, once opened; SMS: clicked
	UnsubscribeRate float64       // email: unsubscribed, once opened; SMS: replied STOP
	MeanDelay       time.Duration // mean time from send to open (exponential); default 6h
	// Affinity, when set, multiplies OpenRate and ClickRate for one
	// message (for example by the recipient's role in its Tags), capped at
	// 1. A negative affinity counts as 0, a NaN one as 1 (the rates as
	// they are). A Recorder asks it without its lock, so it may read the
	// recorder (how many messages were sent, for fatigue).
	Affinity func(msg *channel.Message) float64
}

// TypicalB2BEmail is a plausible B2B nurture profile: 1% bounces, 25% opens,
// 12% of openers click, 0.5% of openers unsubscribe.
var TypicalB2BEmail = EngagementModel{BounceRate: 0.01, OpenRate: 0.25, ClickRate: 0.12, UnsubscribeRate: 0.005, MeanDelay: 6 * time.Hour}

// RecorderConfig configures a Recorder; every field is optional.
type RecorderConfig struct {
	// Clock stamps receipts and simulated activities. Default clock.System.
	Clock clock.Clock
	// Model, when set, simulates engagement for email and SMS.
	Model *EngagementModel
	Seed  uint64
	// IgnoreKeys makes the recorder deliver a key again when asked again,
	// like a provider that does not honour idempotency keys. Each delivery
	// has its own simulated engagement: the n-th delivery of a key (n > 1)
	// draws its own outcome, under activity IDs "sim:<key>:<what>#<n>".
	IgnoreKeys bool
	// Fail, when set, is asked before each call; a non-nil error is returned
	// instead of delivering. call counts calls for the key, from 1. It
	// is asked without the recorder's lock, so it may read the recorder
	// (Sent, Calls); it must be safe for concurrent use if the sends are
	// concurrent.
	Fail func(msg *channel.Message, call int) error
}

// A Recorder records the messages it is asked to send instead of sending
// them. It implements channel.EmailSender, channel.SMSSender and
// channel.AlertSender and is safe for concurrent use.
type Recorder struct {
	cfg RecorderConfig

	mu         sync.Mutex
	calls      map[string]int             // key -> calls
	deliveries map[string]int             // key -> deliveries (more than one when IgnoreKeys)
	receipts   map[string]channel.Receipt // key -> first receipt
	sent       []channel.Message          // deliveries, in order
	activities []b2b.Activity             // simulated engagement
	seq        int
}

var (
	_ channel.EmailSender = (*Recorder)(nil)
	_ channel.SMSSender   = (*Recorder)(nil)
	_ channel.AlertSender = (*Recorder)(nil)
)

// NewRecorder returns a recorder.
func NewRecorder(cfg RecorderConfig) *Recorder {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	return &Recorder{cfg: cfg, calls: map[string]int{}, deliveries: map[string]int{}, receipts: map[string]channel.Receipt{}}
}

// SendEmail implements channel.EmailSender.
func (r *Recorder) SendEmail(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	return r.send(ctx, msg)
}

// SendSMS implements channel.SMSSender.
func (r *Recorder) SendSMS(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	return r.send(ctx, msg)
}

// SendAlert implements channel.AlertSender.
func (r *Recorder) SendAlert(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	return r.send(ctx, msg)
}

func (r *Recorder) send(ctx context.Context, msg *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, err
	}
	r.mu.Lock()
	r.calls[msg.Key]++
	call := r.calls[msg.Key]
	r.mu.Unlock()
	// Fail is asked without the lock: it may read the recorder.
	if r.cfg.Fail != nil {
		if err := r.cfg.Fail(msg, call); err != nil {
			return channel.Receipt{}, err
		}
	}
	r.mu.Lock()
	if rc, ok := r.receipts[msg.Key]; ok && !r.cfg.IgnoreKeys {
		r.mu.Unlock()
		rc.Duplicate = true
		return rc, nil
	}
	r.seq++
	now := r.cfg.Clock.Now()
	rc := channel.Receipt{ProviderID: fmt.Sprintf("rec-%06d", r.seq), At: now}
	if _, ok := r.receipts[msg.Key]; !ok {
		r.receipts[msg.Key] = rc
	}
	m := *msg
	m.Tags = maps.Clone(msg.Tags)
	r.sent = append(r.sent, m)
	r.deliveries[msg.Key]++
	n := r.deliveries[msg.Key]
	r.mu.Unlock()
	if r.cfg.Model != nil {
		// Simulated without the lock: the model's Affinity may read the
		// recorder. The send has not returned yet, so no caller misses
		// the activities meanwhile.
		acts := simulate(*r.cfg.Model, r.cfg.Seed, msg, now, n)
		r.mu.Lock()
		r.activities = append(r.activities, acts...)
		r.mu.Unlock()
	}
	return rc, nil
}

// Sent returns the messages delivered so far, in order (a key honoured as a
// duplicate appears once). They are copies, tags included: a caller that
// changes them changes nothing of the record. A reader that polls for the
// messages it has not seen yet copies less with [Recorder.SentSince].
func (r *Recorder) Sent() []channel.Message {
	return r.SentSince(0)
}

// SentSince returns the messages delivered from the n-th one on (counted
// from 0, as in what [Recorder.Sent] returns): SentSince(len(seen)) is
// what was delivered since Sent returned seen. It copies only those.
func (r *Recorder) SentSince(n int) []channel.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.sent[min(max(n, 0), len(r.sent)):])
	for i := range out {
		out[i].Tags = maps.Clone(out[i].Tags)
	}
	return out
}

// Calls returns how many times a key was asked to be sent.
func (r *Recorder) Calls(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[key]
}

// Activities returns the simulated engagement activities with a time at or
// before now, ordered by time then ID: what a provider's webhooks would have
// reported by then.
func (r *Recorder) Activities(now time.Time) []b2b.Activity {
	return r.ActivitiesBetween(time.Time{}, now)
}

// ActivitiesBetween returns the simulated engagement activities with a time
// after after and at or before upTo, ordered like [Recorder.Activities]: what
// a provider's webhooks reported in that interval (a simulation that polls
// once a day asks for the day it just ran). They are copies, attributes
// included, as [Recorder.Sent]'s are.
func (r *Recorder) ActivitiesBetween(after, upTo time.Time) []b2b.Activity {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []b2b.Activity
	for _, a := range r.activities {
		if a.Time.After(after) && !a.Time.After(upTo) {
			// A copy: the ingest that reads it may change its attributes.
			a.Attributes = maps.Clone(a.Attributes)
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b b2b.Activity) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	return out
}

// scaled returns rate times aff, capped at 1. An affinity of NaN says
// nothing of the recipient and leaves the rate as it is (a NaN chance
// would make every comparison with it false, and everyone open); a
// negative one is 0; a rate of 0 stays 0 whatever the affinity (0 times
// infinity is NaN).
func scaled(rate, aff float64) float64 {
	if math.IsNaN(aff) {
		aff = 1
	}
	if rate <= 0 || aff <= 0 {
		return 0
	}
	return math.Min(rate*aff, 1)
}

// Simulate returns what the recipient of msg, sent at sentAt, does under
// model m: for email, email_delivered or email_bounced, then maybe
// open_email, click_email and unsubscribe_email; for SMS, maybe click_sms and
// unsubscribe_sms; nothing for sales alerts. Every activity comes at least
// a second after sentAt (an email's delivery or bounce a minute after, its
// open later still): nobody responds at the instant of sending, and a
// reader that polls for what happened after the send must find it. The
// result depends only on m (and what its Affinity reads), seed, sentAt
// and msg: the draws on its key and channel, the activities naming its
// person, account and template. Activity IDs are
// "sim:<key>:<what>"; each activity names its message by its key
// ([b2b.AttrMessageKey]) and its template ("template"), as a provider's
// report does.
func Simulate(m EngagementModel, seed uint64, msg *channel.Message, sentAt time.Time) []b2b.Activity {
	return simulate(m, seed, msg, sentAt, 1)
}

// simulate is Simulate for the n-th delivery of msg's key. The first is
// Simulate's; a later one (a recorder that ignores keys delivers a key
// again) draws its own outcome, under IDs of its own, "sim:<key>:<what>#<n>":
// with the first one's, the second delivery's activities would be the
// first one's again. The suffix keeps them apart from any key's first
// delivery, whose IDs end with a word.
func simulate(m EngagementModel, seed uint64, msg *channel.Message, sentAt time.Time, n int) []b2b.Activity {
	if msg.Channel == channel.ChannelSalesAlert {
		return nil
	}
	suffix := ""
	h := fnv.New64a()
	h.Write([]byte(msg.Key))
	if n > 1 {
		suffix = fmt.Sprintf("#%d", n)
		h.Write([]byte(suffix))
	}
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	mean := m.MeanDelay
	if mean <= 0 {
		mean = 6 * time.Hour
	}
	aff := 1.0
	if m.Affinity != nil {
		aff = m.Affinity(msg)
	}
	openP, clickP := scaled(m.OpenRate, aff), scaled(m.ClickRate, aff)
	act := func(typ b2b.ActivityType, what string, at time.Time) b2b.Activity {
		return b2b.Activity{
			ID: b2b.ActivityID("sim:" + msg.Key + ":" + what + suffix), Type: typ, Person: msg.Person,
			Account: msg.Account, Time: at, Source: b2b.SourceQuorum,
			Attributes: map[string]any{b2b.AttrMessageKey: msg.Key, "template": msg.Template},
		}
	}
	delay := func() time.Duration {
		// A draw past what a Duration holds (a mean of a century) is the
		// longest one, short of the minutes added to it: converted as it
		// is, it would wrap to a time before the send.
		const longest = time.Duration(math.MaxInt64) - time.Hour
		d := rng.ExpFloat64() * float64(mean)
		if d >= float64(longest) {
			return longest.Truncate(time.Second)
		}
		return time.Duration(d).Truncate(time.Second)
	}
	var out []b2b.Activity
	switch msg.Channel {
	case channel.ChannelEmail:
		if rng.Float64() < m.BounceRate {
			return append(out, act(b2b.ActivityEmailBounced, "bounce", sentAt.Add(time.Minute)))
		}
		out = append(out, act(b2b.ActivityEmailDelivered, "delivered", sentAt.Add(time.Minute)))
		if rng.Float64() >= openP {
			return out
		}
		opened := sentAt.Add(time.Minute + delay())
		out = append(out, act(b2b.ActivityOpenEmail, "open", opened))
		if rng.Float64() < clickP {
			out = append(out, act(b2b.ActivityClickEmail, "click", opened.Add(time.Duration(rng.IntN(300))*time.Second)))
		}
		if rng.Float64() < m.UnsubscribeRate {
			out = append(out, act(b2b.ActivityUnsubscribeEmail, "unsubscribe", opened.Add(10*time.Minute)))
		}
	case channel.ChannelSMS:
		// A tenth of the delay, but at least a second: nobody reads a
		// message at the instant it is sent (a delay is whole seconds,
		// and a draw under a second would put the click there).
		read := sentAt.Add(max(delay()/10, time.Second))
		if rng.Float64() < clickP {
			out = append(out, act(b2b.ActivityClickSMS, "click", read))
		}
		if rng.Float64() < m.UnsubscribeRate {
			out = append(out, act(b2b.ActivityUnsubscribeSMS, "unsubscribe", read.Add(time.Minute)))
		}
	}
	return out
}
