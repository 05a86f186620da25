package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/quorumhq/quorum/store"
)

// FreezeCheck wraps a store that keeps values ([store.ValueKeeper]) and
// remembers the JSON encoding of every value committed through it, so that
// a test can check that nobody (the committer, a reader, a later pass)
// changed a committed value afterwards: values are shared, not copied, and
// must stay as they were committed.
//
//	st := storetest.NewFreezeCheck(memory.New())
//	... run an engine on st ...
//	require.Empty(t, st.Changed())
type FreezeCheck struct {
	store.Store
	mu        sync.Mutex
	committed []frozen
}

type frozen struct {
	what  string
	value any
	json  string
}

// NewFreezeCheck wraps s.
func NewFreezeCheck(s store.Store) *FreezeCheck { return &FreezeCheck{Store: s} }

// KeepsValues implements [store.ValueKeeper] as the wrapped store does.
func (f *FreezeCheck) KeepsValues() bool { return store.KeepsValues(f.Store) }

// Commit implements [store.Store], remembering the committed value.
func (f *FreezeCheck) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	v, err := f.Store.Commit(ctx, p)
	if err != nil || p.Value == nil {
		return v, err
	}
	data, jerr := json.Marshal(p.Value)
	f.mu.Lock()
	defer f.mu.Unlock()
	what := fmt.Sprintf("account %s version %d", p.Account, v)
	if jerr != nil {
		// A value that cannot be encoded cannot be checked: say so.
		f.committed = append(f.committed, frozen{what: what, json: "unencodable: " + jerr.Error()})
		return v, err
	}
	f.committed = append(f.committed, frozen{what: what, value: p.Value, json: string(data)})
	return v, err
}

// Commits is how many values were committed through the wrapper.
func (f *FreezeCheck) Commits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.committed)
}

// Changed lists the committed values whose encoding is no longer what it
// was at their commit (or that could not be encoded), as "account A
// version N".
func (f *FreezeCheck) Changed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.committed {
		if c.value == nil {
			out = append(out, c.what+": "+c.json)
			continue
		}
		data, err := json.Marshal(c.value)
		if err != nil || string(data) != c.json {
			out = append(out, c.what)
		}
	}
	return out
}
