package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/store"
)

// TestPassTime: a pass of time runs at the latest of the time the account
// was found due, its due time now and its last committed pass, and not
// at all when that is after now.
func TestPassTime(t *testing.T) {
	t.Parallel()
	h := func(n int) time.Time { return time.Date(2026, 3, 2, n, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		name                        string
		from, dueAt, refreshed, now time.Time
		want                        time.Time
		due                         bool
		reason                      string
	}{
		{"found due", h(9), h(9), h(8), h(17), h(9), true, "at its due time, not at now"},
		{"due at now", h(17), h(17), h(8), h(17), h(17), true, "a due time equal to now is due"},
		{"stepped since", h(9), h(9), h(11), h(17), h(11), true,
			"an input's pass at 11:00 stepped it after its due time (a store that kept its due time): not before that pass"},
		{"moved on since", h(9), h(12), h(11), h(17), h(12), true, "another call ran it since: its new due time"},
		{"no longer due", h(9), h(18), h(11), h(17), h(18), false, "another call ran it and it is due after now"},
		{"last pass after now", h(9), h(9), h(18), h(17), h(18), false, "its last pass ran after now: nothing to do before it"},
		{"previous pass's due", h(12), h(9), h(11), h(17), h(12), true,
			"the due time its previous pass left, when the store kept an earlier one"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, due := passTime(tt.from, &store.Account{DueAt: tt.dueAt}, &accountState{Refreshed: tt.refreshed}, tt.now)
			require.Equal(t, tt.want, got, tt.reason)
			require.Equal(t, tt.due, due, tt.reason)
		})
	}
	got, due := passTime(h(9), &store.Account{DueAt: h(9)}, nil, h(17))
	require.Equal(t, h(9), got, "an account with no state yet")
	require.True(t, due)
}
