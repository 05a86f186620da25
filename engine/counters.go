package engine

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Counters are what the engine has done since it started, for a host to
// export as metrics. Keys of the maps are stable names.
type Counters struct {
	// Ingested counts activities applied; Duplicates those already
	// applied before (counted once, ignored).
	Ingested   int64
	Duplicates int64
	// Rejected counts refused inputs by reason ("invalid", "future",
	// "unknown_person", ...).
	Rejected map[string]int64
	// Records counts person, account and opportunity records upserted.
	Records int64
	// Commits counts account commits; Conflicts the version conflicts
	// that were retried.
	Commits   int64
	Conflicts int64
	// Steps counts journey steps that had something to do.
	Steps int64
	// Messages counts outbox entries by channel, messages skipped when
	// decided by "skipped", and queued messages that could not be read or
	// rendered when claimed for delivery (and so failed) by
	// "unrenderable".
	Messages map[string]int64
	// Deliveries counts the delivery results recorded through
	// [Engine.Outbox] by status: "delivered", "failed", "suppressed", and
	// "retry" for a temporary failure rescheduled. They include the
	// messages the outbox's claim finished itself: failed as
	// unrenderable, suppressed for an erased address, the recipient's
	// consent, or a recipient who left the account or had the step's
	// message already.
	Deliveries map[string]int64
	// Alerts counts sales alerts raised.
	Alerts int64
	// Erased counts persons erased ([Engine.ErasePerson]).
	Erased int64
	// AdvanceLimits counts the bounds [Engine.Advance] reached on an
	// account, by name: "instant" (an account due again at the instant
	// of its own pass after 3 passes at it) and "passes" (an account
	// still due after 1,000 passes in one Advance, or stopped with one
	// that shares a person with it under a frequency cap) and "failed"
	// (an account stopped with one that shares a person with it under a
	// frequency cap, whose pass failed).
	AdvanceLimits map[string]int64
}

type counters struct {
	ingested, duplicates, records, commits, conflicts, steps, alerts, erased atomic.Int64

	mu         sync.Mutex
	rejected   map[string]int64
	messages   map[string]int64
	deliveries map[string]int64

	advanceLimits map[string]int64 // under mu
}

func (c *counters) reject(reason string, n int64) { c.add(&c.rejected, reason, n) }

func (c *counters) message(kind string, n int64) { c.add(&c.messages, kind, n) }

func (c *counters) delivery(status string) { c.add(&c.deliveries, status, 1) }

func (c *counters) add(m *map[string]int64, key string, n int64) {
	c.mu.Lock()
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[key] += n
	c.mu.Unlock()
}

// Counters returns a snapshot of the counters.
func (e *Engine) Counters() Counters {
	c := &e.counters
	c.mu.Lock()
	defer c.mu.Unlock()
	return Counters{
		Ingested: c.ingested.Load(), Duplicates: c.duplicates.Load(), Records: c.records.Load(),
		Commits: c.commits.Load(), Conflicts: c.conflicts.Load(), Steps: c.steps.Load(), Alerts: c.alerts.Load(),
		Erased:   c.erased.Load(),
		Rejected: maps.Clone(c.rejected), Messages: maps.Clone(c.messages), Deliveries: maps.Clone(c.deliveries),
		AdvanceLimits: maps.Clone(c.advanceLimits),
	}
}
