package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/program"
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

// Enqueue adds messages outside any account commit. For a key already in
// the outbox it returns the entry there; a journey message queued and not
// yet claimed is returned as queued, without its rendered parts.
func (o *outbox) Enqueue(ctx context.Context, now time.Time, msgs ...channel.Message) ([]channel.Entry, error) {
	entries := make([]store.OutboxEntry, 0, len(msgs))
	// at[i] is the entry of msgs[i]: a key given twice in one call is
	// stored once, with the first message, as channel.Outbox keeps one
	// entry per key across calls (the store refuses an ID twice in one
	// enqueue).
	at := make([]int, len(msgs))
	first := make(map[string]int, len(msgs))
	for i := range msgs {
		if err := msgs[i].Validate(); err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
		if j, ok := first[msgs[i].Key]; ok {
			at[i] = j
			continue
		}
		at[i], first[msgs[i].Key] = len(entries), len(entries)
		payload := encodePayload(&queuedMessage{Message: msgs[i]})
		entries = append(entries, store.OutboxEntry{ID: msgs[i].Key, Account: msgs[i].Account, Person: msgs[i].Person, IdempotencyKey: msgs[i].Key,
			Channel: msgs[i].Channel, Payload: payload, NextAttemptAt: now})
	}
	stored, err := o.e.cfg.Store.Enqueue(ctx, &store.EnqueueParams{Tenant: o.e.cfg.Tenant, Entries: entries, Now: now})
	if err != nil {
		return nil, err
	}
	if len(stored) != len(entries) {
		return nil, fmt.Errorf("enqueue: the store returned %d entries for %d", len(stored), len(entries))
	}
	distinct := make([]channel.Entry, len(stored))
	for i, en := range stored {
		e, _, err := entryOf(en)
		if err != nil {
			return nil, err
		}
		distinct[i] = e
	}
	out := make([]channel.Entry, len(msgs))
	given := make([]bool, len(distinct))
	for i, j := range at {
		out[i] = distinct[j]
		if given[j] {
			// A repeat shares nothing with the first: the caller may
			// change either.
			out[i].Message.Tags = maps.Clone(out[i].Message.Tags)
		}
		given[j] = true
	}
	return out, nil
}

// queuedMessage is the payload of an outbox entry: a message and, for a
// journey email or SMS, what to render it from when it is claimed. The
// rendered parts of such a message are empty in the store: rendering at
// delivery keeps the decision path and the outbox small (a few hundred
// bytes an entry instead of the whole email), and a template corrected
// after a message was queued is the one it is sent with.
type queuedMessage struct {
	channel.Message
	Render *renderRef `json:"render,omitempty"`
}

// renderRef is what a journey message is rendered from, besides its
// recipient and template: the buying group it is about and the
// recipient's role in it; and the journey and node that sent it, which
// with the group are the message's tags. Sent is when the journey sent
// it, set when the program has frequency caps: the state's record of the
// message (journey.Contact) is found by it, should its recipient merge
// into another person before it is claimed (see pass.mergedRecipient).
type renderRef struct {
	Journey  string    `json:"journey"`
	Node     string    `json:"node"`
	Group    string    `json:"group"`
	Interest string    `json:"interest,omitempty"`
	Role     string    `json:"role,omitempty"`
	Sent     time.Time `json:"sent,omitzero"`
}

// entryOf converts a stored outbox entry into the channel's view of it,
// and returns what to render its message from (nil: already rendered).
func entryOf(en store.OutboxEntry) (channel.Entry, *renderRef, error) {
	var q queuedMessage
	if len(en.Payload) == 0 && en.Status.Final() {
		// The store dropped the message of a final entry: what the entry
		// itself says is all there is.
		q.Message = channel.Message{Key: en.IdempotencyKey, Channel: en.Channel, Account: en.Account, Person: en.Person}
	} else if !decodePayload(en.Payload, &q) {
		var jq queuedMessage // a variable of its own keeps q off the heap
		if err := json.Unmarshal(en.Payload, &jq); err != nil {
			return channel.Entry{}, nil, fmt.Errorf("outbox entry %s: unreadable payload: %w", en.ID, err)
		}
		q = jq
	}
	// A payload the engine queued leaves out what the entry holds.
	q.Key = cmp.Or(q.Key, en.IdempotencyKey)
	q.Channel = cmp.Or(q.Channel, en.Channel)
	q.Account = cmp.Or(q.Account, en.Account)
	q.Person = cmp.Or(q.Person, en.Person)
	if r := q.Render; r != nil && q.Tags == nil {
		q.Tags = map[string]string{"journey": r.Journey, "node": r.Node, "group": r.Group}
	}
	e := channel.Entry{ID: en.ID, Seq: en.Seq, Message: q.Message, Status: channel.Status(en.Status), Attempts: en.Attempts, NextAttempt: en.NextAttemptAt,
		LeaseUntil: en.ClaimedUntil, LastError: en.LastError, CreatedAt: en.CreatedAt, UpdatedAt: en.UpdatedAt}
	if en.Status == store.OutboxClaimed {
		e.Status = channel.StatusSending
	}
	if len(en.Receipt) > 0 {
		var rc channel.Receipt // a variable of its own keeps e off the heap
		if err := json.Unmarshal(en.Receipt, &rc); err != nil {
			return channel.Entry{}, nil, fmt.Errorf("outbox entry %s: unreadable receipt: %w", en.ID, err)
		}
		e.Receipt = rc
	}
	return e, q.Render, nil
}

// Claim leases due entries and renders the journey messages among them,
// each from its account's committed state and the installed program. An
// entry that cannot be read or rendered can never be sent: it is recorded
// as failed, with the reason in the account's event log and the log, and
// not returned; Claim then leases more, so that a short answer still means
// that nothing more is due. A journey message whose recipient's consent
// in that state forbids it now (under the program's consent policy, as
// journeys decide) is recorded as suppressed with the reason, and not
// returned either: the dispatcher needs no consent lookup for them; so is
// one whose recipient merged into a person who had the same step's
// message, or left the account (see the package documentation). An
// entry whose account the store fails to load stays leased and is claimed
// again when its lease ends.
func (o *outbox) Claim(ctx context.Context, p channel.ClaimParams) ([]channel.Entry, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []channel.Entry
	r := renderer{e: o.e, now: p.Now, prog: o.e.prog.Load()}
	for len(out) < limit {
		ask := limit - len(out)
		got, err := o.e.cfg.Store.ClaimOutbox(ctx, &store.ClaimParams{Tenant: o.e.cfg.Tenant, Now: p.Now, Lease: p.Lease, Limit: ask})
		if err != nil {
			if len(out) > 0 {
				break // what is claimed goes out; the next claim reports the error
			}
			return nil, err
		}
		for _, en := range got {
			e, ref, reason := entryOf(en)
			if reason == nil && e.Message.Channel != channel.ChannelSalesAlert && o.e.suppression.has(e.Message.To) {
				// Queued before the address was erased (or suppressed).
				if err := o.finish(ctx, en, channel.StatusSuppressed, "the address was erased", "", p.Now); err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
					return out, err
				}
				continue
			}
			if out == nil {
				out = make([]channel.Entry, 0, len(got)) // an entry is large: no growing
			}
			// Rendered where it is returned: rendering through a pointer
			// to a variable of its own would move each entry to the heap.
			out = append(out, e)
			if reason == nil && ref != nil {
				if reason, err = r.render(ctx, &out[len(out)-1].Message, ref); err != nil {
					out = dropLast(out)
					o.e.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "outbox entry not rendered, retried when its lease ends",
						slog.String("entry", en.ID), slog.String("account", string(en.Account)), slog.String("err", err.Error()))
					continue
				}
			}
			if reason != nil {
				out = dropLast(out)
				status := channel.StatusFailed
				var logged string
				if s, ok := reason.(suppressed); ok {
					status = channel.StatusSuppressed // not to be sent on purpose (consent withdrawn, the recipient left)
					logged = s.logged
				}
				if err := o.finish(ctx, en, status, reason.Error(), logged, p.Now); err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
					return out, err
				}
				continue
			}
		}
		if len(got) < ask {
			break // nothing more is due
		}
	}
	return out, nil
}

// dropLast removes the last entry, leaving nothing of it behind the
// returned slice's end.
func dropLast(out []channel.Entry) []channel.Entry {
	out[len(out)-1] = channel.Entry{}
	return out[:len(out)-1]
}

// renderer renders the journey messages of one claim, reading each
// account's committed state once.
type renderer struct {
	e      *Engine
	prog   *program.Program
	now    time.Time
	passes map[b2b.AccountID]*pass // nil: the account is gone
}

// render fills in msg from ref. The first error says why the message
// cannot be sent; the second is the store's failure to load the account.
func (r *renderer) render(ctx context.Context, msg *channel.Message, ref *renderRef) (reason, err error) {
	ps, ok := r.passes[msg.Account]
	if !ok {
		// An account merged into another since the message was queued
		// let its persons go to that account: the message is rendered
		// from the state of the account that holds them now.
		acc := msg.Account
		for hops := 0; ; hops++ {
			rec, err := r.e.cfg.Store.LoadAccount(ctx, r.e.cfg.Tenant, acc)
			if errors.Is(err, store.ErrNotFound) {
				ps = nil
				break
			}
			if err != nil {
				return nil, fmt.Errorf("render %s: %w", msg.Key, err)
			}
			st, err := r.e.readState(&rec)
			if err != nil {
				return nil, fmt.Errorf("render %s: %w", msg.Key, err)
			}
			// A pass that only reads: rendering never changes the state.
			ps = &pass{e: r.e, p: r.prog, st: st, now: r.now, id: acc}
			if st.MergedInto == "" || hops == maxMergeHops {
				break
			}
			acc = st.MergedInto
		}
		if r.passes == nil {
			r.passes = map[b2b.AccountID]*pass{}
		}
		r.passes[msg.Account] = ps
	}
	if ps == nil {
		return fmt.Errorf("account %q no longer exists", msg.Account), nil
	}
	return ps.render(msg, ref), nil
}

// maxMergeHops bounds the accounts a claim follows from an account
// merged into another: identity never undoes a merge, so the chain has
// no cycle, but a claim does not trust the store for it.
const maxMergeHops = 16

// finish records a claimed entry as failed (it cannot be read or
// rendered) or suppressed (its address was erased, its recipient's
// consent forbids it, they left the account) for good, with why: in
// the event log (under the entry's person, so that erasing the person
// erases it), the counters and the log: there, as logged says it when
// reason names persons (see suppressed), for no erasure reaches the log.
func (o *outbox) finish(ctx context.Context, en store.OutboxEntry, status channel.Status, reason, logged string, now time.Time) error {
	data, _ := json.Marshal(failedEvent{Attempt: en.Attempts, Error: reason, Key: en.ID, Status: status})
	err := o.e.cfg.Store.AckOutbox(ctx, &store.AckParams{Tenant: o.e.cfg.Tenant, ID: en.ID, Seq: en.Seq, Attempt: en.Attempts,
		Status: store.OutboxStatus(status), Error: reason, Now: now,
		Event: &store.Event{Type: "message." + string(status), Person: en.Person, Time: now, Data: data}})
	if err != nil {
		return err
	}
	if status == channel.StatusFailed {
		o.e.counters.message("unrenderable", 1)
	}
	o.e.counters.delivery(string(status))
	o.e.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "message not delivered",
		slog.String("entry", en.ID), slog.String("account", string(en.Account)), slog.String("channel", en.Channel),
		slog.String("status", string(status)), slog.String("reason", cmp.Or(logged, reason)))
	return nil
}

// Record stores the outcome of a claim and logs it.
func (o *outbox) Record(ctx context.Context, p channel.RecordParams) error {
	status := store.OutboxStatus(p.Status)
	// An outcome that is no outcome is refused as such whatever claim it
	// names (channel.Outbox), before the claim's token is looked at.
	switch p.Status {
	case channel.StatusDelivered, channel.StatusFailed, channel.StatusSuppressed:
	case channel.StatusPending:
		if p.NextAttempt.IsZero() {
			return fmt.Errorf("record %s: a retry needs a next attempt time: %w", p.ID, b2b.ErrInvalid)
		}
	default:
		return fmt.Errorf("record %s: cannot record status %q: %w", p.ID, p.Status, b2b.ErrInvalid)
	}
	if p.Attempt < 1 || p.Seq < 1 {
		// The claim's entry and attempt are its fencing token
		// (channel.Outbox): a record without them could end another
		// dispatcher's claim, or record the outcome of an erased entry's
		// claim for a new entry its ID names now.
		return fmt.Errorf("record %s (entry %d) attempt %d: not an entry and attempt a claim returned: %w", p.ID, p.Seq, p.Attempt, channel.ErrLeaseLost)
	}
	var receipt []byte
	if p.Status == channel.StatusDelivered {
		receipt = encodeReceipt(&p.Receipt)
	}
	// The params and their event go through the store's interface, so to
	// the heap: together, in one allocation a delivery rather than two.
	ack := &struct {
		params store.AckParams
		event  store.Event
	}{params: store.AckParams{Tenant: o.e.cfg.Tenant, ID: p.ID, Seq: p.Seq, Attempt: p.Attempt, Status: status,
		Receipt: receipt, NextAttemptAt: p.NextAttempt, Error: p.Error, Now: p.Now}}
	if p.Status != channel.StatusPending {
		data := encodeResult(&resultEvent{Attempt: p.Attempt, Error: p.Error, Key: p.ID, Receipt: p.Receipt, Status: p.Status})
		ack.event = store.Event{Type: resultEventType(p.Status), Time: p.Now, Data: data}
		ack.params.Event = &ack.event
	}
	err := o.e.cfg.Store.AckOutbox(ctx, &ack.params)
	if err == nil {
		status := string(p.Status)
		if p.Status == channel.StatusPending {
			status = "retry"
		}
		o.e.counters.delivery(status)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("record %s: %w", p.ID, channel.ErrLeaseLost)
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("record %s: %w", p.ID, channel.ErrNotFound)
	}
	return err
}

// resultEvent is the data of a message.delivered, .failed or .suppressed
// event, one per delivery: a struct, not a map, since it is encoded so
// often (the fields are in the order a map's keys would be encoded).
// failedEvent is a message that failed or was suppressed at its claim,
// without a receipt.
type (
	resultEvent struct {
		Attempt int             `json:"attempt"`
		Error   string          `json:"error"`
		Key     string          `json:"key"`
		Receipt channel.Receipt `json:"receipt"`
		Status  channel.Status  `json:"status"`
	}
	failedEvent struct {
		Attempt int            `json:"attempt"`
		Error   string         `json:"error"`
		Key     string         `json:"key"`
		Status  channel.Status `json:"status"`
	}
)

// resultEventType is the type of a delivery result's event: a constant
// for each final status, not a string built for every message.
func resultEventType(s channel.Status) string {
	switch s {
	case channel.StatusDelivered:
		return "message.delivered"
	case channel.StatusFailed:
		return "message.failed"
	case channel.StatusSuppressed:
		return "message.suppressed"
	}
	return "message." + string(s)
}
