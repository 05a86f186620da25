package engine_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// FuzzRecover: whatever sequence of calls FuzzApply's decoder makes of
// the fuzz bytes, an engine started again on the store and recovered
//
//   - recovers with no error and no problem;
//   - has the identity graph of the engine that never restarted, as far
//     as the states hold it (requireSameIdentity, which leaves out what
//     Limits in the package documentation says is not rebuilt);
//   - gives the same account views, and knows where each opportunity is;
//   - decides one more call as that engine does: a person record's
//     update, opportunities moved and activities of the world's persons
//     give the same report, event logs and views.
//
// The sequence runs twice, on two stores, for the engine that never
// restarts and for the one that does, on the memory store and on one
// that keeps states encoded. Seeds are under testdata/fuzz/FuzzRecover.
func FuzzRecover(f *testing.F) {
	prog := optionBProgram(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ops := fuzzOps(data)
		logOpsOnFailure(t, ops)
		for _, encoded := range []bool{false, true} {
			stores := [2]store.Store{memory.New(), memory.New()}
			if encoded {
				stores = [2]store.Store{bytesOnly{stores[0]}, bytesOnly{stores[1]}}
			}
			var fes [2]*fuzzEngine
			for i, st := range stores {
				fes[i] = newFuzzEngine(t, prog, st)
				for _, op := range ops {
					op.run(fes[i])
				}
			}
			first, before := fes[0], fes[1]
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: stores[1], Program: prog, Clock: before.clock})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := eng.Recover(before.ctx)
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("encoded %v: recover: %v, problems %v", encoded, err, rep.Problems)
			}
			again := newFuzzEngine(t, prog, stores[1])
			again.eng, again.clock = eng, before.clock
			if !encoded {
				// With a store that keeps states encoded, attribute values
				// come back as the states' JSON has them (Limits in the
				// package documentation), in the graph too: the views
				// and the next call's decisions are compared below.
				requireSameIdentity(t, first.eng, again.eng)
			}
			samePersonsOfRecords(t, encoded, first.eng, again.eng)
			// The views show no opportunities: where each one is.
			for _, id := range fuzzOppID {
				if w, g := engine.OpportunityHolder(first.eng, id), engine.OpportunityHolder(again.eng, id); w != g {
					t.Fatalf("encoded %v: opportunity %q is on %q in the engine that never restarted, on %q in the recovered one", encoded, id, w, g)
				}
			}
			want, got := first.collect(fuzzRun{}), again.collect(fuzzRun{})
			compareRecovered(t, "after recover", encoded, want, got)

			probe := recoverProbe()
			wantRes, gotRes := probe.run(first), probe.run(again)
			unlinkedPersons(first, &wantRes, &gotRes)
			want = first.collect(fuzzRun{Results: []fuzzResult{wantRes}})
			got = again.collect(fuzzRun{Results: []fuzzResult{gotRes}})
			compareRecovered(t, "after one more call", encoded, want, got)
		}
	})
}

// compareRecovered compares what the engine that never restarted did with
// what the recovered one did: their counters and sent messages are their
// own since they started, so only the reports, logs and views count.
func compareRecovered(t *testing.T, when string, encoded bool, want, got fuzzRun) {
	t.Helper()
	want.Counters, got.Counters = engine.Counters{}, engine.Counters{}
	want.Sent, got.Sent = nil, nil
	opts := cmp.Options{cmpopts.EquateNaNs(), cmpopts.EquateEmpty()}
	if encoded {
		opts = append(opts, asStatesJSON)
	}
	// Their JSON first (text that is not UTF-8 as encoding/json writes
	// it, whether escaped or not), then reflect.DeepEqual: cmp's
	// reflection costs more than the calls.
	w, werr := json.Marshal(want)
	g, gerr := json.Marshal(got)
	if werr == nil && gerr == nil && bytes.Equal(bytes.ReplaceAll(w, []byte(`\ufffd`), []byte("\uFFFD")), bytes.ReplaceAll(g, []byte(`\ufffd`), []byte("\uFFFD"))) {
		if encoded || reflect.DeepEqual(want, got) {
			return
		}
	}
	if !reflect.DeepEqual(want, got) {
		if d := cmp.Diff(want, got, opts); d != "" {
			t.Fatalf("encoded %v, %s: the recovered engine differs from the one that never restarted (-never restarted +recovered):\n%s", encoded, when, d)
		}
	}
}

// asStatesJSON compares values as a state's JSON has them. The engine
// that never restarted shows the values its calls were given (it keeps
// the states it committed decoded), the recovered one those its store's
// encoded states give back: attribute values as JSON has them (see
// Limits in the package documentation), and text that is not UTF-8 with
// each byte that is not as U+FFFD, as encoding/json writes it (which
// Limits does not say).
var asStatesJSON = cmp.Options{
	// (two empty maps are cmpopts.EquateEmpty's)
	cmp.FilterValues(func(a, b map[string]any) bool { return len(a) > 0 || len(b) > 0 },
		cmp.Transformer("attributes", func(m map[string]any) map[string]any {
			out, err := jsonRoundTrip(m)
			if err != nil {
				return m
			}
			return out
		})),
	cmp.Transformer("text", func(s string) string {
		if utf8.ValidString(s) {
			return s
		}
		out, err := jsonRoundTrip(s)
		if err != nil {
			return s
		}
		return out
	}),
}

func jsonRoundTrip[T any](v T) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}

// unlinkedPersons takes the recovered engine's rejection of a probe
// activity as unknown_person as the first engine's unknown_account when
// the first engine has the activity's person linked to no account: "A
// person linked to no account is in no account's state: the engine
// started again does not know them until their record is upserted again
// (their activities are rejected as unknown_person, not unknown_account)"
// (Limits in the package documentation); and leaves out the first
// engine's conflicts over an identifier such a person holds, which "then
// finds no one".
func unlinkedPersons(first *fuzzEngine, want, got *fuzzResult) {
	// A conflict over an identifier that such a person held first is
	// one the recovered engine cannot see: it finds no one by it.
	if len(want.Report.Conflicts) != len(got.Report.Conflicts) {
		want.Report.Conflicts = slices.DeleteFunc(slices.Clone(want.Report.Conflicts), func(c identity.Conflict) bool {
			gp, err := first.eng.Identity(b2b.PersonID(c.Kept))
			return err == nil && len(gp.Links) == 0 && !slices.Contains(got.Report.Conflicts, c)
		})
	}
	acts := probeBatch(first.clock.Now()).Activities
	for i, w := range want.Report.Rejected {
		if i >= len(got.Report.Rejected) {
			return
		}
		g := &got.Report.Rejected[i]
		if w.Kind != engine.KindActivity || g.Kind != w.Kind || g.Index != w.Index || w.Reason != "unknown_account" || g.Reason != "unknown_person" {
			continue
		}
		a := acts[w.Index]
		p, ok := first.eng.PersonOfRecord(a.Source, string(a.Person))
		if !ok {
			continue
		}
		if gp, err := first.eng.Identity(p); err == nil && len(gp.Links) == 0 {
			*g = w
		}
	}
}

// recoverProbe is the call made on both engines after the recovery: Carla's
// CRM record with a new title and every field given, every opportunity
// ID of the pools on Globex, and activities of the world's persons (and
// of nobody), at the clock's time.
func recoverProbe() fuzzOp {
	return fuzzOp{name: "probe", run: func(fe *fuzzEngine) fuzzResult {
		rep, err := fe.eng.Apply(fe.ctx, probeBatch(fe.clock.Now()))
		if err != nil {
			fe.t.Fatalf("probe: %v", err)
		}
		return fuzzResult{Op: "probe", Report: rep}
	}}
}

// probeBatch is recoverProbe's batch at now.
func probeBatch(now time.Time) engine.Batch {
	b := engine.Batch{Persons: []identity.PersonRecord{{Source: b2b.SourceSalesforce, RecordID: "003A", Time: now,
		Person: b2b.Person{Email: "carla@acme.com", FirstName: "Carla", LastName: "Diaz", Title: "VP of Engineering",
			Phone: "+14155550101", Company: "Acme", AccountID: "acme", Seniority: b2b.SeniorityVP, Department: "Engineering"}}}}
	// Every opportunity ID of the pools, moved to (or kept on)
	// Globex: the recovered engine must know where each one was.
	for _, id := range fuzzOppID {
		b.Opportunities = append(b.Opportunities, b2b.Opportunity{ID: id, Account: "globex", Name: "Globex deal", Stage: "Prospecting",
			Status: b2b.OpportunityOpen, Amount: 1000, SolutionInterest: "data-platform", Product: "Data Platform",
			Source: b2b.SourceSalesforce, CreatedAt: now.Add(-time.Hour), UpdatedAt: now})
	}
	for i, p := range []string{"003A", "003B", "L-1", "L-2", "L-3", "nobody"} {
		b.Activities = append(b.Activities,
			b2b.Activity{ID: b2b.ActivityID("probe-demo-" + p), Type: b2b.ActivityRequestDemo, Person: b2b.PersonID(p), Source: b2b.SourceMarketo,
				Time: now.Add(-time.Duration(i) * time.Minute), Attributes: map[string]any{"solution": "data-platform"}},
			b2b.Activity{ID: b2b.ActivityID("probe-visit-" + p), Type: b2b.ActivityVisitWebPage, Person: b2b.PersonID(p), Source: b2b.SourceMarketo,
				Time: now.Add(-time.Duration(i) * time.Minute), Attributes: map[string]any{"url": "/pricing", "solution": "security-suite"}})
	}
	return b
}

// samePersonsOfRecords requires each source record of the pools that the
// engine that never restarted resolves to a person linked to an account
// to resolve to the same person in the recovered engine, and a record it
// does not know to be unknown to that one too.
func samePersonsOfRecords(t *testing.T, encoded bool, want, got *engine.Engine) {
	t.Helper()
	for _, src := range fuzzSource {
		for _, r := range fuzzRecordID {
			wantID, wantOK := want.PersonOfRecord(src, r)
			if wantOK {
				if p, err := want.Identity(wantID); err == nil && len(p.Links) == 0 {
					// A person linked to no account is in no account's
					// state: see Limits in the package documentation.
					continue
				}
			}
			gotID, gotOK := got.PersonOfRecord(src, r)
			if wantID != gotID || wantOK != gotOK {
				t.Fatalf("encoded %v: record %s:%q is person %q (%v) in the engine that never restarted, %q (%v) in the recovered one",
					encoded, src, r, wantID, wantOK, gotID, gotOK)
			}
		}
	}
}
