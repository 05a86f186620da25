package engine_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
)

// TestFutureActivitySaysHowFarAhead: an activity dated past the clock's
// tolerance is rejected as future with how far ahead it is. A time more
// than 292 years ahead (a year typed 2962 for 2026) is further than a
// time.Duration reaches: the detail said the most a Duration holds,
// "2562047h47m16.854775807s", as if that were the gap; it now says "more than 292
// years", as b2b.Activity.ValidateAt does.
func TestFutureActivitySaysHowFarAhead(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	rep, err := b.eng.Ingest(b.ctx,
		activity("soon", b2b.ActivityOpenEmail, "L-2", day0.Add(90*time.Minute), nil),
		activity("typo", b2b.ActivityOpenEmail, "L-2", time.Date(2962, 3, 2, 9, 0, 0, 0, time.UTC), nil))
	require.NoError(t, err)
	want := []engine.Rejection{
		{Kind: engine.KindActivity, Index: 0, Activity: "soon", Reason: "future",
			Detail: "2026-03-02T10:30:00Z is 1h30m0s after now (tolerance 5m0s)"},
		{Kind: engine.KindActivity, Index: 1, Activity: "typo", Reason: "future",
			Detail: "2962-03-02T09:00:00Z is more than 292 years after now (tolerance 5m0s)"},
	}
	require.Empty(t, cmp.Diff(want, rep.Rejected), "rejected (-want +got)")
}
