package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/store"
)

// Outbox returns the engine's outbox as a [channel.Outbox], for a
// [channel.Dispatcher] to deliver what journeys and alerts queued. Each
// delivery result is also written to the account's event log
// ("message.delivered", "message.failed", "message.suppressed"), which the
// KPIs read.
func (e *Engine) Outbox() channel.Outbox { return &outbox{e: e} }

type outbox struct{ e *Engine }

var _ channel.Outbox = (*outbox)(nil)

// Enqueue adds messages outside any account commit.
func (o *outbox) Enqueue(ctx context.Context, now time.Time, msgs ...channel.Message) ([]channel.Entry, error) {
	entries := make([]store.OutboxEntry, len(msgs))
	for i := range msgs {
		if err := msgs[i].Validate(); err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
		payload, err := json.Marshal(msgs[i])
		if err != nil {
			return nil, err
		}
		entries[i] = store.OutboxEntry{ID: msgs[i].Key, Account: msgs[i].Account, Person: msgs[i].Person, IdempotencyKey: msgs[i].Key,
			Channel: msgs[i].Channel, Payload: payload, NextAttemptAt: now}
	}
	stored, err := o.e.cfg.Store.Enqueue(ctx, &store.EnqueueParams{Tenant: o.e.cfg.Tenant, Entries: entries, Now: now})
	if err != nil {
		return nil, err
	}
	out := make([]channel.Entry, len(stored))
	for i, en := range stored {
		e, err := entryOf(en)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// entryOf converts a stored outbox entry into the channel's view of it.
func entryOf(en store.OutboxEntry) (channel.Entry, error) {
	var msg channel.Message
	if err := json.Unmarshal(en.Payload, &msg); err != nil {
		return channel.Entry{}, fmt.Errorf("outbox entry %s: unreadable payload: %w", en.ID, err)
	}
	e := channel.Entry{ID: en.ID, Message: msg, Status: channel.Status(en.Status), Attempts: en.Attempts, NextAttempt: en.NextAttemptAt,
		LeaseUntil: en.ClaimedUntil, LastError: en.LastError, CreatedAt: en.CreatedAt, UpdatedAt: en.UpdatedAt}
	if en.Status == store.OutboxClaimed {
		e.Status = channel.StatusSending
	}
	if len(en.Receipt) > 0 {
		if err := json.Unmarshal(en.Receipt, &e.Receipt); err != nil {
			return channel.Entry{}, fmt.Errorf("outbox entry %s: unreadable receipt: %w", en.ID, err)
		}
	}
	return e, nil
}

// Claim leases due entries.
func (o *outbox) Claim(ctx context.Context, p channel.ClaimParams) ([]channel.Entry, error) {
	got, err := o.e.cfg.Store.ClaimOutbox(ctx, &store.ClaimParams{Tenant: o.e.cfg.Tenant, Now: p.Now, Lease: p.Lease, Limit: p.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]channel.Entry, 0, len(got))
	for _, en := range got {
		e, err := entryOf(en)
		if err != nil {
			// A payload that cannot be read can never be sent: fail it
			// with the reason rather than retry it forever.
			ackErr := o.e.cfg.Store.AckOutbox(ctx, &store.AckParams{Tenant: o.e.cfg.Tenant, ID: en.ID, Attempt: en.Attempts,
				Status: store.OutboxFailed, Error: err.Error(), Now: p.Now})
			if ackErr != nil {
				return out, ackErr
			}
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// Record stores the outcome of a claim and logs it.
func (o *outbox) Record(ctx context.Context, p channel.RecordParams) error {
	status := store.OutboxStatus(p.Status)
	switch p.Status {
	case channel.StatusDelivered, channel.StatusFailed, channel.StatusSuppressed, channel.StatusPending:
	default:
		return fmt.Errorf("record %s: unknown status %q", p.ID, p.Status)
	}
	var receipt []byte
	if p.Status == channel.StatusDelivered {
		receipt, _ = json.Marshal(p.Receipt)
	}
	var ev *store.Event
	if p.Status != channel.StatusPending {
		data, _ := json.Marshal(map[string]any{"key": p.ID, "status": p.Status, "error": p.Error, "attempt": p.Attempt, "receipt": p.Receipt})
		ev = &store.Event{Type: "message." + string(p.Status), Time: p.Now, Data: data}
	}
	err := o.e.cfg.Store.AckOutbox(ctx, &store.AckParams{Tenant: o.e.cfg.Tenant, ID: p.ID, Attempt: p.Attempt, Status: status,
		Receipt: receipt, NextAttemptAt: p.NextAttempt, Error: p.Error, Now: p.Now, Event: ev})
	switch {
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("record %s: %w", p.ID, channel.ErrLeaseLost)
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("record %s: %w", p.ID, channel.ErrNotFound)
	}
	return err
}
