package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// redactions reads the account's log and returns the redactions of the
// events of others that name the erased person. The person's own events
// are left to the store's erasure.
func (e *Engine) redactions(ctx context.Context, id b2b.AccountID, er *erasure) ([]store.Redaction, error) {
	var out []store.Redaction
	var after int64
	for {
		page, err := e.cfg.Store.Events(ctx, &store.EventsParams{Tenant: e.cfg.Tenant, Account: id, AfterSeq: after, Limit: 1000})
		if err == nil {
			err = movesOn(page, after)
		}
		if err != nil {
			return nil, fmt.Errorf("account %q: events: %w", id, err)
		}
		for _, ev := range page {
			if er.is(ev.Person) {
				continue
			}
			if !er.mentioned(ev.Data) {
				continue
			}
			data, changed, err := redact(ev.Data, er)
			if err != nil {
				return nil, fmt.Errorf("account %q: redact event %d (%s): %w", id, ev.Seq, ev.Type, err)
			}
			if changed {
				out = append(out, store.Redaction{Seq: ev.Seq, Data: data})
			}
		}
		if len(page) == 0 {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

// queuedRedactions returns the redactions of the account's messages still
// to be delivered that name the erased person (a sales alert listing them
// among the engaged members). The person's own messages are left to the
// store's erasure.
func (e *Engine) queuedRedactions(ctx context.Context, id b2b.AccountID, er *erasure) ([]store.OutboxRedaction, error) {
	pending, err := e.cfg.Store.PendingOutbox(ctx, e.cfg.Tenant, id)
	if err != nil {
		return nil, fmt.Errorf("account %q: outbox: %w", id, err)
	}
	var out []store.OutboxRedaction
	for _, en := range pending {
		if er.is(en.Person) || !er.mentioned(en.Payload) {
			continue
		}
		data, changed, err := redact(en.Payload, er)
		if err != nil {
			return nil, fmt.Errorf("account %q: redact outbox entry %q: %w", id, en.ID, err)
		}
		if changed {
			out = append(out, store.OutboxRedaction{ID: en.ID, Seq: en.Seq, Payload: data})
		}
	}
	return out, nil
}

// mentioned reports whether a JSON payload may name the person: whether
// it holds any of their strings, in any letter case.
func (er *erasure) mentioned(data []byte) bool {
	folded := fold(data)
	for _, s := range er.needles() {
		b, _ := json.Marshal(s)
		for _, n := range [][]byte{[]byte(s), b[1 : len(b)-1]} { // as it is, and as JSON encodes it
			if bytes.Contains(data, n) || bytes.Contains(folded, fold(n)) {
				return true
			}
		}
	}
	return false
}

// fold maps text to one letter case, as the word matcher compares runes
// (upper then lower: Greek final sigma and the long s fold too).
func fold(b []byte) []byte { return bytes.ToLower(bytes.ToUpper(b)) }

// needles are every string that identifies the person.
func (er *erasure) needles() []string {
	out := slices.Clone(er.texts)
	out = append(out, er.runTogether...)
	for _, p := range er.persons {
		out = append(out, string(p))
	}
	return out
}

// erasedText replaces what identified an erased person.
const erasedText = "(erased)"

// redact rewrites a JSON payload without the person: a list element that
// is one of the person's IDs, or an object holding one as a value (a
// member, a contact role), is dropped, as is a map entry keyed by one;
// any other occurrence of an ID, email, phone number or full name of the
// person as a word in a string is replaced.
func redact(data []byte, er *erasure) ([]byte, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, err
	}
	if dec.More() {
		return nil, false, errors.New("more than one JSON value")
	}
	r := er.redactor()
	v = r.value(v)
	if !r.changed {
		return data, false, nil
	}
	out, err := json.Marshal(v)
	return out, true, err
}

// redactor returns a redactor of what identifies the person.
func (er *erasure) redactor() *redactor {
	words := er.needles()
	// Longest first: an ID that holds an email goes whole.
	slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
	// Longest first, as the words.
	anywhere := slices.Clone(er.runTogether)
	slices.SortStableFunc(anywhere, func(a, b string) int { return len(b) - len(a) })
	return &redactor{er: er, words: words, anywhere: anywhere}
}

type redactor struct {
	er    *erasure
	words []string
	// anywhere are names replaced wherever they are, not only as whole
	// words (erasure.runTogether).
	anywhere []string
	changed  bool
}

func (r *redactor) value(v any) any {
	switch x := v.(type) {
	case string:
		return r.text(x)
	case map[string]any:
		for k, e := range x {
			if r.er.is(b2b.PersonID(k)) {
				delete(x, k)
				r.changed = true
				continue
			}
			x[k] = r.value(e)
		}
	case []any:
		kept := x[:0]
		for _, e := range x {
			if r.about(e) {
				r.changed = true
				continue
			}
			kept = append(kept, r.value(e))
		}
		return kept
	}
	return v
}

// about reports whether a list element is one of the person's IDs, or an
// object about the person (one of its values is one of their IDs).
func (r *redactor) about(v any) bool {
	switch x := v.(type) {
	case string:
		return r.er.is(b2b.PersonID(x))
	case map[string]any:
		for _, e := range x {
			if s, ok := e.(string); ok && r.er.is(b2b.PersonID(s)) {
				return true
			}
		}
	}
	return false
}

func (r *redactor) text(s string) string {
	for _, w := range r.words {
		if out, ok := replaceWord(s, w, erasedText); ok {
			s, r.changed = out, true
		}
	}
	for _, f := range r.anywhere {
		if strings.Contains(s, f) {
			s, r.changed = strings.ReplaceAll(s, f, erasedText), true
		}
	}
	return s
}

// replaceWord replaces every occurrence of word in s, in any letter case,
// that is a whole word: not inside a longer name, email or ID (see
// edgeBefore and edgeAfter).
func replaceWord(s, word, with string) (string, bool) {
	if word == "" {
		return s, false
	}
	var b strings.Builder
	done, found := 0, false
	for i := 0; i < len(s); {
		if n, ok := foldPrefix(s[i:], word); ok && edgeBefore(s, i) && edgeAfter(s, i+n) {
			b.WriteString(s[done:i])
			b.WriteString(with)
			i += n
			done, found = i, true
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	if !found {
		return s, false
	}
	b.WriteString(s[done:])
	return b.String(), true
}

// foldPrefix reports whether s starts with word, rune by rune in any
// letter case, and how many bytes of s that is.
func foldPrefix(s, word string) (int, bool) {
	n := 0
	for _, w := range word {
		if n >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[n:])
		if !foldEqual(r, w) {
			return 0, false
		}
		n += size
	}
	return n, true
}

// foldEqual reports whether two runes are the same letter in any case.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// inWord reports whether r continues a name, email or ID: a letter, a
// digit, or one of the characters that join their parts.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-+@%:", r)
}

// edgeBefore reports whether a word may start at i: at the start, or
// after a character that does not continue a word. A colon or an at sign
// before it ends a prefix (mailto:, tel:, Phone:, @Ann) rather than
// joining the word.
func edgeBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !inWord(r) || r == ':' || r == '@'
}

// edgeAfter reports whether a word may end at i: at the end, before a
// character that does not continue a word, or before a full stop or
// colon that ends a sentence.
func edgeAfter(s string, i int) bool {
	if i == len(s) {
		return true
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if !inWord(r) {
		return true
	}
	if r == '.' || r == ':' {
		return edgeAfter(s, i+size)
	}
	return false
}
