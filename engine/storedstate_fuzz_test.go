package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/sim"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// FuzzStoredState: whatever bytes a durable store hands back as an
// account's state (damaged, written by hand, another program's), the
// engine never panics on them: Recover reports them, and a pass, a view
// and an upsert of the account either work or return an error. The seeds
// are states the engine wrote for a simulated world, with fields nulled.
func FuzzStoredState(f *testing.F) {
	prog := optionBProgram(f)
	w, err := sim.New(sim.Config{Seed: 7, Accounts: 6, Days: 30, ActivityScale: 2.3})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	start := w.Config.Start
	st := bytesOnly{memory.New()}
	c := clock.NewManual(start)
	eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := eng.Apply(ctx, worldRecords(w)); err != nil {
		f.Fatal(err)
	}
	for d := range w.Config.Days {
		c.Set(w.Date(d + 1))
		if _, err := eng.Ingest(ctx, w.Day(d)...); err != nil {
			f.Fatal(err)
		}
		if _, err := eng.Advance(ctx, w.Date(d+1)); err != nil {
			f.Fatal(err)
		}
	}
	for _, a := range w.Accounts {
		rec, err := st.LoadAccount(ctx, "default", a.ID)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(a.ID), rec.State)
	}
	// The richest state, with each of its fields, and each element or
	// entry of them, null in turn.
	var richest store.Account
	for _, a := range w.Accounts {
		rec, err := st.LoadAccount(ctx, "default", a.ID)
		if err != nil {
			f.Fatal(err)
		}
		if len(rec.State) > len(richest.State) {
			richest = rec
		}
	}
	nulled := nulledStates(f, richest.State)
	f.Logf("%d states with a null", len(nulled))
	for _, s := range nulled {
		f.Add(string(richest.ID), s)
	}
	for _, s := range []string{`{"v":2}`, `null`, `[]`, ``} {
		f.Add(string(richest.ID), []byte(s))
	}
	// A state with a person whose email another person held first.
	shared := bytesOnly{memory.New()}
	se, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: shared, Program: prog, Clock: clock.NewManual(start)})
	if err != nil {
		f.Fatal(err)
	}
	for _, id := range []string{"0035e00000CoNtZ", "0035e00000CoNtA"} {
		rec := contact(id[10:], "pat@acme.com", "Pat", "Moss", "CTO", "acme")
		rec.Identifiers = []identity.Identifier{{Namespace: identity.NSSalesforceContactID, Value: id}}
		if _, err := se.Apply(ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{rec}}); err != nil {
			f.Fatal(err)
		}
	}
	rec, err := shared.LoadAccount(ctx, "default", "acme")
	if err != nil {
		f.Fatal(err)
	}
	if !bytes.Contains(rec.State, []byte(`"unindexed"`)) {
		f.Fatal("the shared email is in no person's unindexed identifiers")
	}
	f.Add("acme", rec.State)
	// A state whose account keeps a domain another account held first.
	for _, id := range []b2b.AccountID{"acme", "aacme"} {
		rec := acmeRecord()
		rec.Account.ID = id
		if _, err := se.Apply(ctx, engine.Batch{Accounts: []identity.AccountRecord{rec}}); err != nil {
			f.Fatal(err)
		}
	}
	rec, err = shared.LoadAccount(ctx, "default", "aacme")
	if err != nil {
		f.Fatal(err)
	}
	if !bytes.Contains(rec.State, []byte(`"unindexed"`)) {
		f.Fatal("the shared domain is in none of the account's unindexed identifiers")
	}
	f.Add("aacme", rec.State)
	end := w.Date(w.Config.Days + 2)
	f.Fuzz(func(t *testing.T, id string, state []byte) {
		if id == "" {
			return
		}
		st := bytesOnly{memory.New()}
		_, err := st.Commit(ctx, &store.CommitParams{Tenant: "default", Account: b2b.AccountID(id), State: state,
			DueAt: start, Now: start})
		if err != nil {
			return // a store refuses it: nothing for the engine to read
		}
		c := clock.NewManual(end)
		eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = eng.Recover(ctx)
		_, _ = eng.Advance(ctx, end)
		_, _ = eng.Account(ctx, b2b.AccountID(id), end)
		_, _ = eng.Events(ctx, b2b.AccountID(id), 0, 10)
		rec := worldRecords(w).Accounts[0]
		rec.Account.ID, rec.RecordID, rec.Time = b2b.AccountID(id), id, end.Add(-time.Hour)
		_, _ = eng.UpsertAccounts(ctx, rec)
		_, _ = eng.Advance(ctx, end.Add(48*time.Hour))
	})
}

// nulledStates returns copies of a state's JSON with one node null:
// each field, entry and element down to a depth of five (of a list, its
// first element only).
func nulledStates(f *testing.F, state []byte) [][]byte {
	var top any
	if err := json.Unmarshal(state, &top); err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	add := func() {
		data, err := json.Marshal(top)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth == 5 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if depth == 0 && k == "v" {
					continue
				}
				old := v[k]
				v[k] = nil
				add()
				v[k] = old
				walk(old, depth+1)
			}
		case []any:
			if len(v) > 0 {
				old := v[0]
				v[0] = nil
				add()
				v[0] = old
				walk(old, depth+1)
			}
		}
	}
	walk(top, 0)
	return out
}

// TestStoredStateWithANullIsRefused: a stored state whose score ledger is
// null (a state damaged in a durable store) fails the account's pass and
// view with the path of the null, where a pass followed the nil pointer
// and crashed the process.
func TestStoredStateWithANullIsRefused(t *testing.T) {
	t.Parallel()
	st := bytesOnly{memory.New()}
	b := setup(t, dataPlatform(), func(c *engine.Config) { c.Store = st })
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-9", "ana@acme.com", "Ana", "Lee", "Analyst", "")}})
	require.NoError(t, err)
	_, err = b.eng.Ingest(b.ctx, activity("click", b2b.ActivityClickLink, "L-9", day0, nil))
	require.NoError(t, err)
	a, err := st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	var state map[string]any
	require.NoError(t, json.Unmarshal(a.State, &state))
	scores, ok := state["scores"].(map[string]any)
	require.True(t, ok, "the account has a score ledger")
	models := slices.Sorted(maps.Keys(scores))
	require.NotEmpty(t, models)
	scores[models[0]] = nil
	damaged, err := json.Marshal(state)
	require.NoError(t, err)
	_, err = st.Commit(b.ctx, &store.CommitParams{Tenant: "default", Account: "acme", ExpectedVersion: a.Version,
		State: damaged, DueAt: day0, Now: day0})
	require.NoError(t, err)

	want := `account "acme": decode state: scores.` + models[0] + `: null where a value is needed`
	b.clock.Set(day(1))
	_, err = b.eng.Advance(b.ctx, day(1))
	require.ErrorContains(t, err, want)
	_, err = b.eng.Account(b.ctx, "acme", day(1))
	require.ErrorContains(t, err, want)
}
