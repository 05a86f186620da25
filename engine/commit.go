package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// commitPass runs a pass on a copy of the account's state loaded at
// version and commits what it decided. done is false on a version
// conflict (the attempt-th), which the caller retries.
func (e *Engine) commitPass(ctx context.Context, ps *pass, w *work, version int64, attempt int) (out outcome, done bool, err error) {
	id, now := ps.id, ps.now
	st := ps.st
	// The locks of persons shared with other accounts a pass may take
	// (sharedContacts) are held until its commit, done or not.
	defer ps.unlockShared()
	out = ps.run(ctx, w)
	if ps.err != nil {
		return outcome{}, true, ps.err
	}
	var redactions []store.Redaction
	var queued []store.OutboxRedaction
	if ps.erased != nil {
		// Read after the load: an event committed since would have
		// changed the version, and the commit would fail and retry.
		// (Delivery results are appended without a commit; they name
		// their own recipient, whose events the store erases, and no
		// one else.)
		if redactions, err = e.redactions(ctx, id, ps.erased); err != nil {
			return outcome{}, true, err
		}
		if queued, err = e.queuedRedactions(ctx, id, ps.erased); err != nil {
			return outcome{}, true, err
		}
		out.redacted = len(redactions) + len(queued)
		ps.idle = ps.idle && out.redacted == 0
	}
	if ps.idle || w.tick && !ps.requalified && len(ps.events) == 0 && len(ps.outbox) == 0 && out.steps == 0 {
		// Nothing changed (a replayed batch, or time passing without a
		// decision): nothing to commit, but for the account's next due
		// time after time passed.
		if w.tick {
			if done, err := e.reschedule(ctx, ps, version, attempt); !done || err != nil {
				return outcome{}, done, err
			}
		}
		out.idle = true
		return out, true, nil
	}
	ix := ps.index()
	// The store keeps nothing of the index (see store.Store.Commit): the
	// next commit reuses its room.
	defer indexRoom.put(ix)
	cp := &store.CommitParams{
		Tenant: e.cfg.Tenant, Account: id, ExpectedVersion: version,
		DueAt: ps.due(), Links: st.links(id), Index: ix, Events: ps.events, Outbox: ps.outbox, Now: now,
	}
	cp.Redactions, cp.OutboxRedactions = redactions, queued
	if e.values {
		// The store keeps st as it is; from here on it is immutable,
		// and the next pass works on a copy.
		cp.Value = st
	} else if cp.State, err = st.encode(); err != nil {
		return outcome{}, true, fmt.Errorf("account %q: encode state: %w", id, err)
	}
	version, err = e.cfg.Store.Commit(ctx, cp)
	if errors.Is(err, store.ErrConflict) {
		e.conflicted(ctx, id, attempt)
		return outcome{}, false, nil
	}
	if err != nil {
		return outcome{}, true, fmt.Errorf("account %q: commit: %w", id, err)
	}
	if !e.values {
		e.putCached(id, version, st)
	}
	e.committed(ctx, id, version, &out, len(ps.outbox), len(ps.events))
	e.counters.steps.Add(int64(out.steps))
	out.messages = len(ps.outbox)
	// What the pass's hand-over decided on the account it merged into
	// (see pass.retire) is the call's too; its passes counted it as they
	// committed.
	out.steps += ps.handed.steps
	out.messages += ps.handed.messages
	out.handedTo = append(out.handedTo, ps.handed.handedTo...)
	for _, o := range ps.outbox {
		e.counters.message(o.Channel, 1)
	}
	if ps.skipped > 0 {
		e.counters.message("skipped", int64(ps.skipped))
	}
	e.counters.alerts.Add(int64(ps.alerts))
	return out, true, nil
}

// conflicted counts and logs a commit that lost the version race, the
// attempt-th, which the caller retries.
func (e *Engine) conflicted(ctx context.Context, id b2b.AccountID, attempt int) {
	e.counters.conflicts.Add(1)
	e.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "version conflict, retrying",
		slog.String("account", string(id)), slog.Int("attempt", attempt+1))
}

// committed counts and logs a commit: every commit the counters count
// is logged, a pass of time that commits only the account's next due
// time (reschedule) too.
func (e *Engine) committed(ctx context.Context, id b2b.AccountID, version int64, out *outcome, outbox, events int) {
	e.counters.commits.Add(1)
	if e.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		e.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "account committed",
			slog.String("account", string(id)), slog.Int64("version", version),
			slog.Int("applied", len(out.appliedIdx)), slog.Int("duplicates", len(out.duplicateIdx)), slog.Int("rejected", len(out.rejected)),
			slog.Int("steps", out.steps), slog.Int("outbox", outbox), slog.Int("events", events))
	}
}

// reschedule commits the state of an account that was due as it was
// (an idle pass's derived changes are not kept), but for its activity
// records past the retention, with its next due time, its refresh or
// journey wait after now: left due, it would run again at every Advance,
// and the accounts due after it would wait behind it and its like. done
// is false on a version conflict (the attempt-th).
func (e *Engine) reschedule(ctx context.Context, ps *pass, version int64, attempt int) (done bool, err error) {
	rec, next := &ps.loaded, ps.due()
	if ps.committed == nil || rec.DueAt.IsZero() || rec.DueAt.After(ps.now) || !next.After(ps.now) {
		return true, nil
	}
	st, state := ps.committed, rec.State
	retention := e.retention(ps.p)
	if acts := st.Activities; len(acts) > 0 && acts[0].Time.Before(ps.now.Add(-retention)) {
		// Kept no longer than the retention, even in an account where
		// nothing happens (the records are in time order).
		st = cloneState(st)
		st.pruneActivities(ps.now, retention)
		if !e.values {
			if state, err = st.encode(); err != nil {
				return true, fmt.Errorf("account %q: encode state: %w", ps.id, err)
			}
		}
	}
	cp := &store.CommitParams{Tenant: e.cfg.Tenant, Account: ps.id, ExpectedVersion: version,
		State: state, DueAt: next, Links: st.links(ps.id), Index: rec.Index, Now: ps.now}
	if e.values {
		cp.Value = st
	}
	version, err = e.cfg.Store.Commit(ctx, cp)
	if errors.Is(err, store.ErrConflict) {
		e.conflicted(ctx, ps.id, attempt)
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("account %q: commit: %w", ps.id, err)
	}
	if !e.values {
		e.putCached(ps.id, version, st)
	}
	e.committed(ctx, ps.id, version, &outcome{}, 0, 0)
	return true, nil
}

// due is when the account next needs Advance: its journeys' next due time
// or its next refresh, whichever comes first; never, for an account merged
// into another (endOfTime: Recover still finds it).
func (ps *pass) due() time.Time {
	if ps.st.MergedInto != "" {
		return endOfTime
	}
	next := ps.st.Refreshed.Add(ps.e.cfg.RefreshInterval)
	if d := ps.decisiveDue(); !d.IsZero() && d.Before(next) {
		next = d
	}
	return next
}

// decisiveDue is when the account is next due for something besides its
// refresh (zero when nothing): see accountState.decisiveDue; an account
// to qualify again is due at once, at the next Advance.
func (ps *pass) decisiveDue() time.Time {
	if ps.st.MergedInto != "" {
		return time.Time{}
	}
	if ps.st.Requalify || ps.st.Rederive {
		return ps.now
	}
	return earliest(earliest(ps.journey.Due, ps.st.ConsentDue), ps.st.ActivityDue)
}

// index is what queries select the account by: nothing, for an account
// merged into another (its groups are history).
func (ps *pass) index() map[string]string {
	ix := indexRoom.take()
	if ps.st.MergedInto != "" {
		return ix
	}
	for _, g := range ps.st.Groups {
		ix[stageKeys.of(g.Interest)] = g.Stage
		if v := ps.st.Readiness[g.ID]; v != nil {
			ix[readinessKeys.of(g.Interest)] = string(v.Tier)
		}
	}
	for name := range ps.st.Audiences {
		ix["audience/"+name] = "in"
	}
	for _, l := range ps.st.Lists {
		ix["list/"+l] = "in"
	}
	return ix
}

// indexRoom is a pool of the maps a commit indexes its account by (a map
// and its growth for every commit).
var indexRoom indexMaps

type indexMaps struct{ pool sync.Pool }

// take returns an empty map, one put back before when there is one.
func (r *indexMaps) take() map[string]string {
	if m, ok := r.pool.Get().(map[string]string); ok {
		return m
	}
	return map[string]string{}
}

// put empties m and gives it back; it must not be used again.
func (r *indexMaps) put(m map[string]string) {
	if len(m) > 64 {
		return // a rare large index's room is not kept
	}
	clear(m)
	r.pool.Put(m)
}

// stageKeys and readinessKeys are the index keys of the interests' stages
// and readiness tiers, made once for each interest: every commit indexes
// its account by its groups' interests, the same few names each time.
var (
	stageKeys     = indexKeys{prefix: "stage/"}
	readinessKeys = indexKeys{prefix: "readiness/"}
)

// indexKeys makes the index keys of one prefix, each once.
type indexKeys struct {
	prefix string
	mu     sync.RWMutex
	keys   map[string]string // name -> prefix + name
}

// of returns the key of name: the prefix and the name.
func (k *indexKeys) of(name string) string {
	k.mu.RLock()
	key, ok := k.keys[name]
	k.mu.RUnlock()
	if ok {
		return key
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[name]; ok {
		return key
	}
	if k.keys == nil {
		k.keys = map[string]string{}
	}
	key = k.prefix + name
	k.keys[name] = key
	return key
}
