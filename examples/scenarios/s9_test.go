package scenarios_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
)

// TestS9BadInput runs s9-bad-input.yaml: of 1,000 activities, 10 are
// malformed (missing person, unknown person, invalid type, far future,
// duplicate IDs); the 990 others are applied exactly once, the 10 are
// reported with their reasons, and replaying the whole batch changes
// nothing.
func TestS9BadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS9)
	var persons []identity.PersonRecord
	for i := range 10 {
		persons = append(persons, lead(fmt.Sprintf("L-%d", i), fmt.Sprintf("p%d@acme.com", i), "P", fmt.Sprint(i), "Data Engineer", "Acme"))
	}
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: persons})
	require.NoError(t, err)

	now := day(2)
	b.clock.Set(now)
	var acts []b2b.Activity
	for i := range 990 {
		acts = append(acts, activity(fmt.Sprintf("a-%04d", i), b2b.ActivityVisitWebPage, fmt.Sprintf("L-%d", i%10),
			day0.Add(time.Duration(i)*time.Minute), map[string]any{"url": "/docs"}))
	}
	bad := []struct {
		act    b2b.Activity
		reason string
	}{
		{activity("bad-0", b2b.ActivityOpenEmail, "", now, nil), "invalid"},
		{activity("bad-1", b2b.ActivityOpenEmail, "", now, nil), "invalid"},
		{activity("bad-2", b2b.ActivityOpenEmail, "L-nobody", now, nil), "unknown_person"},
		{activity("bad-3", b2b.ActivityOpenEmail, "L-ghost", now, nil), "unknown_person"},
		{activity("bad-4", "Open Email", "L-1", now, nil), "invalid"},
		{activity("bad-5", "", "L-1", now, nil), "invalid"},
		{activity("bad-6", b2b.ActivityOpenEmail, "L-1", now.AddDate(1, 0, 0), nil), "future"},
		{activity("bad-7", b2b.ActivityOpenEmail, "L-1", now.Add(48*time.Hour), nil), "future"},
	}
	for _, x := range bad {
		acts = append(acts, x.act)
	}
	// Two deliveries of activities already in the batch.
	acts = append(acts, acts[17], acts[400])
	require.Len(t, acts, 1000)

	rep, err := b.eng.Ingest(b.ctx, acts...)
	require.NoError(t, err)
	require.Equal(t, 990, rep.Applied)
	require.Equal(t, 2, rep.Duplicates)
	require.Len(t, rep.Rejected, 8)
	for i, r := range rep.Rejected {
		require.Equal(t, engine.KindActivity, r.Kind)
		require.Equal(t, 990+i, r.Index, "rejections name their input")
		require.Equal(t, bad[i].reason, r.Reason, "%s", r)
		require.NotEmpty(t, r.Detail)
	}
	require.Equal(t, 1000, rep.Applied+rep.Duplicates+len(rep.Rejected), "every activity is accounted for")

	// Each good activity is credited exactly once: one point per visit, no decay.
	before := snapshot(t, b)
	v := b.view(t, "acme")
	credited, points := 0, 0.0
	for _, p := range v.Persons {
		credited += len(p.Breakdown.Activities)
		points += p.Score
	}
	require.Equal(t, 990, credited, "each activity credited once")
	require.InDelta(t, 990, points, 1e-9, "one point per visit applied")

	// Replaying the whole batch changes nothing.
	again, err := b.eng.Ingest(b.ctx, acts...)
	require.NoError(t, err)
	require.Zero(t, again.Applied)
	require.Equal(t, 992, again.Duplicates)
	require.Len(t, again.Rejected, 8)
	require.Equal(t, before, snapshot(t, b), "replaying the batch changes nothing")
	c := b.eng.Counters()
	require.Equal(t, int64(990), c.Ingested)
	require.Equal(t, int64(994), c.Duplicates)
	require.Equal(t, int64(8), c.Rejected["invalid"])
	require.Equal(t, int64(4), c.Rejected["unknown_person"])
	require.Equal(t, int64(4), c.Rejected["future"])
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
