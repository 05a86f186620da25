package memory

import (
	"encoding/binary"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// doneEntries holds a tenant's final outbox entries (delivered, failed,
// suppressed). They are never claimed again, but their IDs still count:
// enqueueing one again keeps the entry, acknowledging it again is a
// conflict; and erasure removes a person's. Most of a busy outbox is done,
// so they are packed like the event log, in a log of their own: an entry
// is an event of its account and person, whose type is its status, time
// its last update and data the rest of it (never its payload, which a
// final entry does not keep), compressed by account. An index from a hash
// of each ID to the entry's Seq in that log finds one.
type doneEntries struct {
	hash func(id string) uint64
	log  eventLog
	// byHash finds an entry by its ID's hash; collided, the few whose
	// hash a live entry of the log held when they were kept. A Seq the log no longer holds (its entry
	// was erased) is as if absent.
	byHash   map[uint64]int64
	collided map[string]int64
	scratch  []byte // room to encode an entry in before the log copies it; wiped after
}

// add keeps a final entry, whose ID the tenant holds no other entry of.
func (d *doneEntries) add(e *store.OutboxEntry) {
	seq := d.log.order.len() + 1
	d.scratch = appendDone(d.scratch[:0], e)
	d.log.append(&store.Event{Seq: seq, Account: e.Account, Person: e.Person, Time: e.UpdatedAt, Type: string(e.Status), Data: d.scratch})
	// The log copied it; the room keeps nothing of the entry (its error
	// and receipt name its person, whom an erasure finds only in the log).
	clear(d.scratch)
	if d.byHash == nil {
		d.byHash = map[uint64]int64{}
	}
	h := d.hash(e.ID)
	if old, ok := d.byHash[h]; ok {
		if _, live := d.log.owner(old); live {
			if d.collided == nil {
				d.collided = map[string]int64{}
			}
			d.collided[e.ID] = seq
			return
		}
	}
	d.byHash[h] = seq
}

// get returns the final entry with that ID.
func (d *doneEntries) get(id string) (store.OutboxEntry, bool) {
	if seq, ok := d.collided[id]; ok {
		if e, ok := d.at(seq); ok && e.ID == id {
			return e, true
		}
	}
	if seq, ok := d.byHash[d.hash(id)]; ok {
		if e, ok := d.at(seq); ok && e.ID == id {
			return e, true
		}
	}
	return store.OutboxEntry{}, false
}

// at returns the entry with that Seq in the log.
func (d *doneEntries) at(seq int64) (store.OutboxEntry, bool) {
	ev, ok := d.log.event(seq)
	if !ok {
		return store.OutboxEntry{}, false
	}
	return decodeDone(&ev), true
}

// erase removes the person's final entries of the account and returns how
// many it removed.
func (d *doneEntries) erase(account b2b.AccountID, person b2b.PersonID) int {
	return d.log.edit(account, nil, func(p []byte) bool { return string(p) == string(person) })
}

// appendDone encodes what an event does not hold of a final entry: its
// ID, idempotency key, channel, last error and receipt, each with its
// length, then its Seq and attempts, and its creation and last due time.
// A key that is the ID (as the engine's are) is written empty: no stored
// entry has an empty key.
func appendDone(buf []byte, e *store.OutboxEntry) []byte {
	key := e.IdempotencyKey
	if key == e.ID {
		key = ""
	}
	for _, s := range []string{e.ID, key, e.Channel, e.LastError} {
		buf = appendBytes(buf, []byte(s))
	}
	buf = appendBytes(buf, e.Receipt)
	buf = binary.AppendUvarint(buf, uint64(max(e.Seq, 0)))
	buf = binary.AppendUvarint(buf, uint64(max(e.Attempts, 0)))
	buf = appendTime(buf, e.CreatedAt)
	return appendTime(buf, e.NextAttemptAt)
}

// decodeDone decodes a final entry from its event. The log wrote it; it
// decodes.
func decodeDone(ev *store.Event) store.OutboxEntry {
	e := store.OutboxEntry{Account: ev.Account, Person: ev.Person, Status: store.OutboxStatus(ev.Type), UpdatedAt: ev.Time}
	buf := ev.Data
	field := func() []byte {
		k, w := binary.Uvarint(buf)
		s := buf[w : w+int(k)]
		buf = buf[w+int(k):]
		return s
	}
	e.ID, e.IdempotencyKey, e.Channel, e.LastError = string(field()), string(field()), string(field()), string(field())
	if e.IdempotencyKey == "" {
		e.IdempotencyKey = e.ID
	}
	if r := field(); len(r) > 0 {
		e.Receipt = append([]byte(nil), r...)
	}
	seq, w := binary.Uvarint(buf)
	e.Seq, buf = int64(seq), buf[w:]
	n, w := binary.Uvarint(buf)
	e.Attempts, buf = int(n), buf[w:]
	e.CreatedAt, buf = readTime(buf)
	e.NextAttemptAt, _ = readTime(buf)
	return e
}

// appendTime encodes a time: a length byte (15 or 16) and
// time.MarshalBinary.
func appendTime(buf []byte, t time.Time) []byte {
	b, err := t.MarshalBinary()
	if err != nil {
		// An offset the encoding cannot hold fails (-60 to -119 seconds,
		// as -1 minute means UTC there, or beyond 32767 minutes either
		// way); keep the instant in UTC.
		b, _ = t.UTC().MarshalBinary()
	}
	buf = append(buf, byte(len(b)))
	return append(buf, b...)
}

func readTime(buf []byte) (time.Time, []byte) {
	var t time.Time
	n := int(buf[0])
	_ = t.UnmarshalBinary(buf[1 : 1+n])
	return t, buf[1+n:]
}
