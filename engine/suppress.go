package engine

import (
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

// suppressions is the engine's suppression list: hashes of erased
// addresses (governance.SuppressionHash), which keep no address. It is
// read on every message and changed rarely: readers load the current set,
// a change replaces it.
type suppressions struct {
	mu     sync.Mutex // serialises changes
	hashes atomic.Pointer[map[string]struct{}]
}

// Suppress adds hashes of emails and phone numbers
// (governance.SuppressionHash) to the engine's suppression list: no
// journey email or SMS is queued to such an address (it is skipped with
// the reason "the address was erased", message.skipped), and one queued
// before is not delivered (message.suppressed when claimed), nor is an
// email or SMS a host enqueues itself through [Engine.Outbox]. Sales
// alerts, which go to sales users, are not checked.
//
// ErasePerson adds the erased person's addresses itself and returns their
// hashes (Erasure.Suppression). The list lives in the engine's memory;
// the states of the accounts a person was erased from keep their hashes,
// which [Engine.Recover] puts back on the list of an engine started
// again. A host keeps the others (those of a person who was in no
// account's state, and those it suppresses itself) and hands them to
// Suppress when it starts an engine again, so that a record imported
// again from a source that has not erased the person is not contacted. A
// string that is not such a hash (64 hexadecimal digits) is refused, with
// nothing added: the error (a *b2b.ValidationError, matching
// b2b.ErrInvalid) names each one by its position.
func (e *Engine) Suppress(hashes ...string) error {
	var bad b2b.Problems
	for i, h := range hashes {
		if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
			bad.Addf(fmt.Sprintf("hashes[%d]", i), "%q is not a suppression hash (governance.SuppressionHash: 64 hexadecimal digits)", h)
		}
	}
	if err := bad.Err("suppress"); err != nil {
		return err
	}
	s := &e.suppression
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[string]struct{}{}
	if cur := s.hashes.Load(); cur != nil {
		next = maps.Clone(*cur)
	}
	for _, h := range hashes {
		next[strings.ToLower(h)] = struct{}{}
	}
	s.hashes.Store(&next)
	return nil
}

// has reports whether an address is on the suppression list.
func (s *suppressions) has(address string) bool {
	cur := s.hashes.Load()
	if cur == nil || len(*cur) == 0 || address == "" {
		return false
	}
	_, ok := (*cur)[governance.SuppressionHash(address)]
	return ok
}

// suppressionHashes are the hashes of a person's email addresses and
// phone number, sorted, as governance.PlanErasure keeps them: what is not
// an address (no @, fewer than b2b.MinPhoneDigits digits) is left out, and
// so is a placeholder that persons who are not the same share
// (noreply@acme.com, 000-000-0000: b2b.PlaceholderEmail,
// b2b.PlaceholderPhone), which would suppress them all.
func suppressionHashes(emails []string, phone string) []string {
	var out []string
	for _, a := range emails {
		if strings.Contains(a, "@") && !b2b.PlaceholderEmail(a) {
			out = append(out, governance.SuppressionHash(a))
		}
	}
	if !b2b.PlaceholderPhone(phone) {
		out = append(out, governance.SuppressionHash(phone))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
