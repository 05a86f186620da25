package engine

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/quorumhq/quorum/governance"
)

// suppressions is the engine's suppression list: hashes of erased
// addresses (governance.SuppressionHash), which keep no address.
type suppressions struct {
	mu     sync.RWMutex
	hashes map[string]struct{}
	n      atomic.Int64 // how many, read without the lock on every message
}

// Suppress adds hashes of emails and phone numbers
// (governance.SuppressionHash) to the engine's suppression list: no
// journey email or SMS is queued to such an address; it is skipped with
// the reason "the address was erased" (message.skipped). ErasePerson adds
// the erased person's addresses itself and returns their hashes
// (Erasure.Suppression): a host keeps them and hands them to Suppress
// when it starts an engine again, so that a record imported again from a
// source that has not erased the person is not contacted.
func (e *Engine) Suppress(hashes ...string) {
	s := &e.suppressed
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hashes == nil {
		s.hashes = map[string]struct{}{}
	}
	for _, h := range hashes {
		s.hashes[h] = struct{}{}
	}
	s.n.Store(int64(len(s.hashes)))
}

// suppressed reports whether an address is on the suppression list.
func (s *suppressions) suppressed(address string) bool {
	if s.n.Load() == 0 || address == "" {
		return false
	}
	h := governance.SuppressionHash(address)
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.hashes[h]
	return ok
}

// suppressionHashes are the hashes of a person's email addresses and
// phone number, sorted.
func suppressionHashes(emails []string, phone string) []string {
	var out []string
	for _, a := range append(slices.Clone(emails), phone) {
		if a != "" {
			out = append(out, governance.SuppressionHash(a))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
