package scenarios_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
)

// TestS9BadInput runs s9-bad-input.yaml: of 1,000 activities, 10 are
// malformed (missing person, unknown person, unknown type, far future,
// duplicate IDs); the 990 others are applied exactly once, the 10 are
// reported with their reasons, and replaying the whole batch changes
// nothing.
//
// "Unknown type" in the scenario is a type that is not an activity type at
// all: b2b.ValidActivityType refuses it ("Open Email", ""), and the engine
// rejects the activity as invalid. A well-formed type that the vocabulary
// does not define is a custom type (see package b2b) and is applied like
// any other: the second subtest checks that one is not lost.
func TestS9BadInput(t *testing.T) {
	t.Parallel()
	t.Run("1,000 activities, 10 malformed", func(t *testing.T) {
		t.Parallel()
		b := setupS9(t)
		now := day(2)
		b.clock.Set(now)
		var acts []b2b.Activity
		for i := range 990 {
			acts = append(acts, activity(fmt.Sprintf("a-%04d", i), b2b.ActivityVisitWebPage, fmt.Sprintf("L-%d", i%10),
				day0.Add(time.Duration(i)*time.Minute), map[string]any{"url": "/docs"}))
		}
		acts = append(acts,
			activity("bad-0", b2b.ActivityOpenEmail, "", now, nil),                      // 990: no person
			activity("bad-1", b2b.ActivityOpenEmail, "", now, nil),                      // 991: no person
			activity("bad-2", b2b.ActivityOpenEmail, "L-nobody", now, nil),              // 992: a person nobody knows
			activity("bad-3", b2b.ActivityOpenEmail, "L-ghost", now, nil),               // 993: a person nobody knows
			activity("bad-4", "Open Email", "L-1", now, nil),                            // 994: not an activity type
			activity("bad-5", "", "L-1", now, nil),                                      // 995: no type
			activity("bad-6", b2b.ActivityOpenEmail, "L-1", now.AddDate(1, 0, 0), nil),  // 996: a year ahead
			activity("bad-7", b2b.ActivityOpenEmail, "L-1", now.Add(48*time.Hour), nil), // 997: two days ahead
			acts[17], acts[400], // 998, 999: delivered again
		)
		require.Len(t, acts, 1000)

		// The 8 refused are reported one by one: index, ID, reason and
		// what exactly was wrong.
		badType := `is not a valid activity type (lower-case letters, digits, _ . : -, starting with a letter)`
		rejected := []engine.Rejection{
			{Kind: engine.KindActivity, Index: 990, Activity: "bad-0", Reason: "invalid", Detail: `activity "bad-0": personId: is required`},
			{Kind: engine.KindActivity, Index: 991, Activity: "bad-1", Reason: "invalid", Detail: `activity "bad-1": personId: is required`},
			{Kind: engine.KindActivity, Index: 992, Activity: "bad-2", Reason: "unknown_person", Detail: `no person record "L-nobody" from "marketo" has been upserted`},
			{Kind: engine.KindActivity, Index: 993, Activity: "bad-3", Reason: "unknown_person", Detail: `no person record "L-ghost" from "marketo" has been upserted`},
			{Kind: engine.KindActivity, Index: 994, Activity: "bad-4", Reason: "invalid", Detail: `activity "bad-4": type: "Open Email" ` + badType},
			{Kind: engine.KindActivity, Index: 995, Activity: "bad-5", Reason: "invalid", Detail: `activity "bad-5": type: "" ` + badType},
			{Kind: engine.KindActivity, Index: 996, Activity: "bad-6", Reason: "future", Detail: "2027-03-04T09:00:00Z is 8760h0m0s after now (tolerance 5m0s)"},
			{Kind: engine.KindActivity, Index: 997, Activity: "bad-7", Reason: "future", Detail: "2026-03-06T09:00:00Z is 48h0m0s after now (tolerance 5m0s)"},
		}
		rep, err := b.eng.Ingest(b.ctx, acts...)
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(rejected, rep.Rejected), "(-want +got) the rejections")
		// The 2 repeats are reported as duplicates, by index; they are
		// neither rejected nor applied, and what they repeat is credited
		// once (below).
		require.Equal(t, 2, rep.Duplicates)
		require.Equal(t, []int{998, 999}, rep.DuplicateIndexes)
		require.Equal(t, 990, rep.Applied)
		require.Equal(t, 1000, rep.Applied+rep.Duplicates+len(rep.Rejected), "every activity is accounted for")

		// Each good activity is credited exactly once, and nothing else
		// is: one point per visit, no decay.
		before := snapshot(t, b)
		v := b.view(t, "acme")
		credited := map[b2b.ActivityID]int{}
		points := 0.0
		for _, p := range v.Persons {
			for _, a := range p.Breakdown.Activities {
				credited[a.Activity]++
				require.Equal(t, "visited page", a.Rule)
			}
			points += p.Score
		}
		want := map[b2b.ActivityID]int{}
		for _, a := range acts[:990] {
			want[a.ID] = 1
		}
		require.Empty(t, cmp.Diff(want, credited), "(-want +got) times each activity is credited")
		require.InDelta(t, 990, points, 1e-9, "one point per visit applied")

		// Replaying the whole batch changes nothing: the same 8 are
		// rejected with the same reasons, the 992 others are duplicates.
		again, err := b.eng.Ingest(b.ctx, acts...)
		require.NoError(t, err)
		require.Zero(t, again.Applied)
		require.Equal(t, 992, again.Duplicates)
		require.Empty(t, cmp.Diff(rejected, again.Rejected), "(-want +got) the rejections of the replay")
		require.Equal(t, before, snapshot(t, b), "replaying the batch changes nothing")
		c := b.eng.Counters()
		require.Equal(t, int64(990), c.Ingested)
		require.Equal(t, int64(994), c.Duplicates)
		require.Equal(t, map[string]int64{"invalid": 8, "unknown_person": 4, "future": 4}, c.Rejected)
	})

	t.Run("a well-formed custom type is applied", func(t *testing.T) {
		t.Parallel()
		b := setupS9(t)
		now := day(2)
		b.clock.Set(now)
		const custom b2b.ActivityType = "webinar_signup_xyz"
		require.True(t, b2b.ValidActivityType(string(custom)), "well formed")
		require.NotContains(t, slices.Collect(maps.Values(b2b.MarketoActivityTypes)), custom, "not in the vocabulary")
		signup := activity("c-1", custom, "L-1", now, map[string]any{"webinar": "Q2"})
		rep, err := b.eng.Ingest(b.ctx, signup)
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
		require.Equal(t, 1, rep.Applied)

		// Applied, not lost: the event log counts it by its type, and the
		// program's rule for the custom type credits it to its person.
		evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
		require.NoError(t, err)
		var applied []string
		for _, e := range evs {
			if e.Type == "activity.applied" {
				applied = append(applied, string(e.Data))
			}
		}
		require.Len(t, applied, 1)
		require.JSONEq(t, `{"byType":{"webinar_signup_xyz":1},"count":1}`, applied[0])
		var person engine.PersonView
		for _, p := range b.view(t, "acme").Persons {
			if p.Person.Email == "p1@acme.com" {
				person = p
			}
		}
		require.Equal(t, 5.0, person.Score)
		require.Len(t, person.Breakdown.Activities, 1)
		require.Equal(t, b2b.ActivityID("c-1"), person.Breakdown.Activities[0].Activity)
		require.Equal(t, "signed up for a webinar", person.Breakdown.Activities[0].Rule)

		// Delivered again, it is a duplicate: the engine keeps it.
		again, err := b.eng.Ingest(b.ctx, signup)
		require.NoError(t, err)
		require.Equal(t, engine.Report{Duplicates: 1, DuplicateIndexes: []int{0}}, again)
	})
}

// setupS9 loads Acme and its ten data engineers (L-0 to L-9).
func setupS9(t *testing.T) *bundle {
	t.Helper()
	b := setup(t, fileS9)
	var persons []identity.PersonRecord
	for i := range 10 {
		persons = append(persons, lead(fmt.Sprintf("L-%d", i), fmt.Sprintf("p%d@acme.com", i), "P", fmt.Sprint(i), "Data Engineer", "Acme"))
	}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: persons})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	return b
}

// snapshot is the stored event log and state of Acme.
func snapshot(t *testing.T, b *bundle) string {
	t.Helper()
	evs, err := b.store.Events(b.ctx, &store.EventsParams{Tenant: "default", Limit: 1 << 30})
	require.NoError(t, err)
	a, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	return fmt.Sprintf("%d events\nacme v%d %s", len(evs), a.Version, a.State)
}
