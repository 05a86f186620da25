package channel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
)

// DispatcherConfig wires a Dispatcher. Outbox is required; every other field
// has a documented default.
type DispatcherConfig struct {
	Outbox Outbox
	// Email, SMS and Alert deliver each channel. A message whose channel has
	// no sender fails permanently with ErrNoSender.
	Email EmailSender
	SMS   SMSSender
	Alert AlertSender
	// Consent, when set, is asked once more before each email or SMS; a
	// message that ConsentPolicy forbids is recorded as StatusSuppressed
	// with the reason. Nil skips the check (consent was checked upstream).
	Consent       ConsentLookup
	ConsentPolicy ConsentPolicy
	// Clock tells the time. Default clock.System.
	Clock clock.Clock
	// Logger receives one record per failure. Default: discard.
	Logger *slog.Logger
	// MaxAttempts bounds the attempts of one message, counted as its
	// claims (Entry.Attempts): a claim that a cancelled Dispatch, a
	// crash or a lease that ended before the entry's turn left untried
	// counts too. After the last temporary failure the
	// message is StatusFailed; so is, without being sent, a message
	// claimed more often than that (its last claims ended without an
	// outcome: a message that crashes the process at each attempt is
	// not tried for ever). Default 5.
	MaxAttempts int
	// Backoff gives the wait after the attempt-th failed attempt (1-based).
	// Default DefaultBackoff.
	Backoff func(key string, attempt int) time.Duration
	// BatchSize is how many entries one Claim takes at most. Default 100.
	// After a batch that outlasted its lease (see Lease), claims take as
	// many as it got through in the lease, and twice as many again after
	// each full batch sent in half the lease or less, up to BatchSize.
	BatchSize int
	// Lease is how long a claimed entry is reserved for this dispatcher;
	// after it a crashed dispatcher's entries are claimed again. A batch
	// shares one lease and is sent one entry after the other, so it must
	// exceed the time to send a batch: an entry whose turn comes after
	// the lease has ended is not sent (it is left to the next claim), and
	// a consent lookup or a send still running when it ends is cut (its
	// context ends) and counts as a temporary failure. Default 5 minutes.
	Lease time.Duration
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c DispatcherConfig) WithDefaults() DispatcherConfig {
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.MaxAttempts = cmp.Or(c.MaxAttempts, 5)
	if c.Backoff == nil {
		c.Backoff = DefaultBackoff
	}
	c.BatchSize = cmp.Or(c.BatchSize, 100)
	c.Lease = cmp.Or(c.Lease, 5*time.Minute)
	return c
}

// Validate reports every problem with the configuration.
func (c DispatcherConfig) Validate() error {
	var errs []error
	if c.Outbox == nil {
		errs = append(errs, errors.New("outbox is required"))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("maxAttempts is %d; want >= 1 (0 means 5)", c.MaxAttempts))
	}
	if c.BatchSize < 0 {
		errs = append(errs, fmt.Errorf("batchSize is %d; want >= 1 (0 means 100)", c.BatchSize))
	}
	if c.Lease < 0 {
		errs = append(errs, fmt.Errorf("lease is %s; want > 0 (0 means 5m)", c.Lease))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dispatcher config: %w", err)
	}
	return nil
}

// DefaultBackoff waits 1, 2, 4, ... minutes after each failed attempt, at
// most an hour, plus up to 20% jitter derived from the key and the attempt
// (so at most 72 minutes in all; deterministic, so a simulation replays
// identically, yet messages that failed together do not retry together).
func DefaultBackoff(key string, attempt int) time.Duration {
	d := time.Minute << min(max(attempt-1, 0), 6)
	d = min(d, time.Hour)
	h := fnv.New32a()
	fmt.Fprintf(h, "%s#%d", key, attempt)
	return d + time.Duration(uint64(d)/5*uint64(h.Sum32()%1000)/1000)
}

// A Dispatcher delivers due outbox entries through the channel senders. It
// is safe for concurrent use, and several dispatchers (in one process or
// many) may share an outbox: the outbox's claims keep them apart.
//
// Delivery is at least once in general and exactly once towards a sender
// that honours the idempotency key: a dispatcher that crashes after a send
// and before recording it leaves the entry claimed; once the lease expires
// it is claimed again and sent again with the same key, which such a sender
// recognises.
//
// A panic while delivering one entry, in the host's code the dispatcher
// calls for it (its consent lookup, its channel's sender, the Backoff),
// does not take the dispatcher down: it is recovered and the entry is
// recorded as StatusFailed, its error naming what panicked, with the
// panic's value and the top of the stack ("email sender panicked: ...
// (stack: ...)"); the outcome is counted in the report's Failed and
// Panics, logged with the whole stack, and the dispatcher goes on with
// the next entry. Such an entry is never retried: it would most likely
// panic again, at every claim, and a sender may panic after its provider
// accepted the message. Such a message may then have been delivered
// although its entry says failed; it is not sent again. A crash that
// cannot be recovered (a fatal error, a killed process) leaves the entry
// claimed, to be claimed again once its lease ends; claimed more than
// MaxAttempts times, it is recorded as failed without being sent.
type Dispatcher struct {
	cfg DispatcherConfig
	// claimSize is how many entries a claim takes: BatchSize, or fewer
	// after a batch outlasted its lease (see deliverBatch).
	claimSize atomic.Int64
}

// NewDispatcher validates cfg and returns a dispatcher.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := &Dispatcher{cfg: cfg.WithDefaults()}
	d.claimSize.Store(int64(d.cfg.BatchSize))
	return d, nil
}

// DispatchReport counts what one Dispatch did.
type DispatchReport struct {
	Claimed    int
	Delivered  int
	Duplicates int // delivered entries whose sender had already sent the key
	Retried    int // temporary failures, rescheduled
	Failed     int // permanent failures and exhausted retries
	Suppressed int // forbidden by consent at send time
	LeaseLost  int // entries not sent or outcomes not recorded because the claim was lost (taken over, the entry deleted, or the lease ended before the entry's turn)
	Panics     int // failures that were a panic while delivering (counted in Failed too)
	Outcomes   []Outcome
}

// An Outcome is what happened to one claimed entry, with the reason.
type Outcome struct {
	EntryID string
	Key     string
	Attempt int
	Status  Status
	Reason  string
}

// Dispatch claims the entries due now (by the clock), in batches, and
// delivers each once, until none is due or ctx is done. It returns what it
// did; an error means the outbox failed or ctx is done (claims not yet
// recorded are retried when their lease expires). The outcome of a send
// is recorded even when ctx is cancelled during the send (within the
// lease), so a cancelled Dispatch does not send a message twice: a
// delivery, and a permanent failure (which may be a sender's "the
// provider may have accepted it", as the SMTP sender's is); a send that
// fails temporarily once ctx is cancelled is not recorded. An entry whose
// claim was lost meanwhile (taken over after its lease, or deleted, as
// erasure does) is counted in LeaseLost and logged, and the dispatch goes
// on. Entries rescheduled during the call are not retried in the same call unless their next
// attempt is already due.
func (d *Dispatcher) Dispatch(ctx context.Context) (DispatchReport, error) {
	var rep DispatchReport
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		now := d.cfg.Clock.Now()
		limit := int(d.claimSize.Load())
		batch, err := d.cfg.Outbox.Claim(ctx, ClaimParams{Now: now, Limit: limit, Lease: d.cfg.Lease})
		if err != nil {
			return rep, fmt.Errorf("dispatch: claim: %w", err)
		}
		if len(batch) == 0 {
			return rep, nil
		}
		rep.Claimed += len(batch)
		handled, err := d.deliverBatch(ctx, batch, now.Add(d.cfg.Lease), &rep)
		if err != nil {
			return rep, err
		}
		d.fit(limit, handled, len(batch), d.cfg.Clock.Now().Sub(now))
		if len(batch) < limit {
			return rep, nil
		}
	}
}

// fit sizes the next claims after a batch of n entries (claimed with
// limit) of which handled had their turn within the lease, in elapsed.
// The entries left untried are claimed again, each claim counting as an
// attempt: a batch claimed at a size that does not fit in the lease (a
// slow provider) would leave its tail untried claim after claim until
// given up. So a batch that outlasted its lease makes the next claims
// take as many as were handled within it; one that took at most half
// the lease lets them take twice as many again, up to BatchSize.
func (d *Dispatcher) fit(limit, handled, n int, elapsed time.Duration) {
	switch {
	case handled < n:
		d.claimSize.Store(int64(max(handled, 1)))
	case n == limit && limit < d.cfg.BatchSize && elapsed <= d.cfg.Lease/2:
		d.claimSize.CompareAndSwap(int64(limit), int64(min(2*limit, d.cfg.BatchSize)))
	}
}

// deliverBatch delivers the entries of one claim, whose lease ends at
// leaseEnd, one after the other. The batch shares that lease: an entry
// whose turn comes once it has ended is no longer this dispatcher's to
// send (another may have claimed it, and be sending it), and a send that
// would outlast it is cut (sendCtx) rather than left to race the next
// claim. The deadline is one for the batch, not one per message, which
// would cost each message a timer.
// It returns how many entries had their turn within the lease.
func (d *Dispatcher) deliverBatch(ctx context.Context, batch []Entry, leaseEnd time.Time, rep *DispatchReport) (handled int, _ error) {
	sendCtx, cancel := context.WithTimeout(ctx, leaseEnd.Sub(d.cfg.Clock.Now()))
	defer cancel()
	for i := range batch {
		if err := ctx.Err(); err != nil {
			return handled, err
		}
		e := &batch[i]
		if !d.cfg.Clock.Now().Before(leaseEnd) {
			rep.LeaseLost++
			d.cfg.Logger.WarnContext(ctx, "outbox claim lapsed before its turn: left to the next claim", "entry", e.ID,
				"key", e.Message.Key, "leaseUntil", leaseEnd)
			continue
		}
		handled++
		if err := d.deliver(ctx, sendCtx, e, rep); err != nil {
			return handled, err
		}
	}
	return handled, nil
}

// deliver attempts one entry and records its outcome. ctx is the
// dispatch's, for stopping and recording; sendCtx ends with the claim's
// lease too, for the consent lookup and the send.
func (d *Dispatcher) deliver(ctx, sendCtx context.Context, e *Entry, rep *DispatchReport) error {
	msg := &e.Message
	rec := RecordParams{ID: e.ID, Seq: e.Seq, Attempt: e.Attempts}
	var reason string
	var wait time.Duration
	var perr *panicError
	if e.Attempts > d.cfg.MaxAttempts {
		// Earlier claims ended without an outcome: whatever ended them (a
		// crash this message may cause) is not risked once more.
		rec.Status, rec.Error = StatusFailed, fmt.Sprintf("gave up after %d claims, more than the %d attempts allowed: "+
			"a claim ended without an outcome (a crash, a cancelled dispatch, a failed record or a lease that ended before its turn)", e.Attempts, d.cfg.MaxAttempts)
		if e.LastError != "" {
			rec.Error += "; last error: " + e.LastError
		}
		reason = rec.Error
	} else {
		var stop error
		if reason, wait, perr, stop = d.attempt(ctx, sendCtx, e, &rec); stop != nil {
			return stop
		}
	}
	if perr != nil {
		d.cfg.Logger.ErrorContext(ctx, "delivery panicked", "entry", e.ID, "key", msg.Key,
			"channel", msg.Channel, "attempt", e.Attempts, "panic", fmt.Sprint(perr.value), "stack", perr.fullStack)
	}
	rec.Now = d.cfg.Clock.Now()
	if rec.Receipt.At.IsZero() && rec.Status == StatusDelivered {
		rec.Receipt.At = rec.Now
	}
	if rec.Status == StatusPending {
		rec.NextAttempt = rec.Now.Add(wait)
	}
	// The outcome is recorded even if ctx was cancelled meanwhile (during
	// the send, typically): unrecorded, a message that was sent would be
	// sent again once its lease expires. A record that ctx's end refused
	// is made again without it, bounded by the lease (a context of its
	// own for every record would cost each message a timer).
	err := d.cfg.Outbox.Record(ctx, rec)
	if err != nil && ctx.Err() != nil && !claimLost(err) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.Lease)
		err = d.cfg.Outbox.Record(rctx, rec)
		cancel()
	}
	if err != nil {
		if claimLost(err) {
			rep.LeaseLost++
			d.cfg.Logger.WarnContext(ctx, "outbox claim lost", "entry", e.ID, "key", msg.Key, "err", err)
			return nil
		}
		return fmt.Errorf("dispatch: record %s: %w", e.ID, err)
	}
	switch rec.Status {
	case StatusDelivered:
		rep.Delivered++
		if rec.Receipt.Duplicate {
			rep.Duplicates++
		}
	case StatusPending:
		rep.Retried++
	case StatusFailed:
		rep.Failed++
		if perr != nil {
			rep.Panics++
		}
	case StatusSuppressed:
		rep.Suppressed++
	}
	if rec.Status != StatusDelivered {
		d.cfg.Logger.InfoContext(ctx, "message not delivered", "entry", e.ID, "key", msg.Key,
			"channel", msg.Channel, "attempt", e.Attempts, "status", rec.Status, "reason", reason)
	}
	rep.Outcomes = append(rep.Outcomes, Outcome{EntryID: e.ID, Key: msg.Key, Attempt: e.Attempts, Status: rec.Status, Reason: reason})
	return nil
}

// attempt decides the outcome of one claim: it asks for consent, sends
// and classifies a failure, filling in rec's Status, Receipt and Error. It
// returns the outcome's reason and, for a retry, the wait; stop is ctx's
// error when the dispatch is stopping (nothing is to be recorded then). A
// panic in the host's code it calls (the consent lookup, the sender, the
// backoff) is recovered into a permanent failure, returned as perr.
func (d *Dispatcher) attempt(ctx, sendCtx context.Context, e *Entry, rec *RecordParams) (reason string, wait time.Duration, perr *panicError, stop error) {
	msg := &e.Message
	in := inConsent
	defer func() {
		if v := recover(); v != nil {
			perr = newPanicError(in, msg.Channel, v)
			rec.Status, rec.Receipt, rec.Error = StatusFailed, Receipt{}, perr.Error()
			reason, wait, stop = "permanent failure: "+rec.Error, 0, nil
		}
	}()
	if ok, why, err := d.consentAllows(sendCtx, msg); err != nil {
		if ctx.Err() != nil {
			return "", 0, nil, ctx.Err() // stopping, not a failed attempt
		}
		in = inBackoff
		rec.Status, reason, wait = d.retryOrFail(e, rec, d.leaseEnded(sendCtx, fmt.Errorf("consent lookup: %w", err)))
	} else if !ok {
		rec.Status, rec.Error, reason = StatusSuppressed, why, why
	} else {
		in = inSender
		receipt, err := d.send(sendCtx, msg)
		in = inBackoff
		if err == nil {
			rec.Status, rec.Receipt = StatusDelivered, receipt
			reason = "delivered as " + receipt.ProviderID
			if receipt.ProviderID == "" {
				reason = "delivered, without a provider ID"
			}
			if receipt.Duplicate {
				reason += " (the sender had already sent this key)"
			}
		} else if ctx.Err() != nil && !IsPermanent(err) {
			// Stopping, and the failure may be the stop's: the lease
			// expires and another claim retries. A permanent failure is
			// the message's, and recorded: sent again, a message whose
			// sender could not tell whether it went out would go twice.
			return "", 0, nil, ctx.Err()
		} else if IsPermanent(err) {
			rec.Status, rec.Error = StatusFailed, err.Error()
			reason = "permanent failure: " + err.Error()
		} else {
			rec.Status, reason, wait = d.retryOrFail(e, rec, d.leaseEnded(sendCtx, err))
		}
	}
	return reason, wait, nil, nil
}

// leaseEnded explains a failure that the end of the claim's lease caused
// (sendCtx's deadline): a temporary one, tried again after the backoff.
func (d *Dispatcher) leaseEnded(sendCtx context.Context, err error) error {
	if errors.Is(sendCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("cut when it outlasted the lease of %s: %w", d.cfg.Lease, err)
	}
	return err
}

// claimLost reports whether a Record failed because the claim is no
// longer the entry's: another claim took it over, or the entry was
// deleted meanwhile (as erasing its person does). The entry is not this
// dispatcher's to record any more; the others of the batch still are.
func claimLost(err error) bool {
	return errors.Is(err, ErrLeaseLost) || errors.Is(err, ErrNotFound)
}

// retryOrFail classifies a temporary failure: retry while attempts remain,
// after the backoff or the provider's Retry-After, whichever is longer.
func (d *Dispatcher) retryOrFail(e *Entry, rec *RecordParams, err error) (Status, string, time.Duration) {
	if e.Attempts >= d.cfg.MaxAttempts {
		rec.Error = fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, err)
		return StatusFailed, rec.Error, 0
	}
	rec.Error = err.Error()
	wait := max(d.cfg.Backoff(e.Message.Key, e.Attempts), retryAfter(err))
	return StatusPending, fmt.Sprintf("temporary failure, attempt %d of %d, next in %s: %v", e.Attempts, d.cfg.MaxAttempts, wait, err), wait
}

func retryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

func (d *Dispatcher) consentAllows(ctx context.Context, msg *Message) (bool, string, error) {
	if d.cfg.Consent == nil || msg.Channel == ChannelSalesAlert {
		return true, "", nil
	}
	c, err := d.cfg.Consent.Consent(ctx, msg.Person, msg.Channel)
	if err != nil {
		return false, "", err
	}
	ok, why := d.cfg.ConsentPolicy.Allows(msg.Channel, c)
	return ok, why, nil
}

func (d *Dispatcher) send(ctx context.Context, msg *Message) (Receipt, error) {
	switch msg.Channel {
	case ChannelEmail:
		if d.cfg.Email != nil {
			return d.cfg.Email.SendEmail(ctx, msg)
		}
	case ChannelSMS:
		if d.cfg.SMS != nil {
			if to, ok := b2b.E164Phone(msg.To); ok && to != msg.To {
				// The sender gets the number in E.164; the entry keeps
				// the message as it was queued.
				m := *msg
				m.To = to
				msg = &m
			}
			return d.cfg.SMS.SendSMS(ctx, msg)
		}
	case ChannelSalesAlert:
		if d.cfg.Alert != nil {
			return d.cfg.Alert.SendAlert(ctx, msg)
		}
	}
	return Receipt{}, &SendError{Permanent: true, Err: fmt.Errorf("%w %q", ErrNoSender, msg.Channel)}
}
