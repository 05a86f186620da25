package analytics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestAlertWindowClosingAfterTheEventsEnd: an alert whose response window
// closes after the events end (Period.Through) is open, not unanswered,
// however late To is; one answered within its window before the end is
// open and responded too, so that early answers do not flatter the rate.
func TestAlertWindowClosingAfterTheEventsEnd(t *testing.T) {
	t.Parallel()
	l := eventLog{}.
		add("acc-1", day(0), "alert.raised", m{"id": "judged"}).
		add("acc-1", day(10), "alert.raised", m{"id": "answered before the end"}).
		add("acc-1", day(11), "alert.acknowledged", m{"id": "answered before the end"}).
		// A follow-up answers an alert; an acknowledgement alone does not
		// (it did when this test was written with the acknowledgement only).
		add("acc-1", day(11), "alert.acted_on", m{"id": "answered before the end"}).
		add("acc-1", day(12), "alert.raised", m{"id": "silent before the end"}).
		add("acc-1", day(14), "account.updated", m{})
	end := day(14)
	for _, tt := range []struct {
		name        string
		period      analytics.Period
		want        analytics.AlertResponse
		wantThrough time.Time
	}{
		{"to the events' end", analytics.Period{Through: end},
			analytics.AlertResponse{Raised: 3, Open: 2, OpenResponded: 1}, time.Time{}},
		{"to past the events' end, which are complete", analytics.Period{To: day(30)},
			analytics.AlertResponse{Raised: 3, Acknowledged: 1, ActedOn: 1}, time.Time{}},
		{"to past the events' end, which end there", analytics.Period{To: day(30), Through: end},
			analytics.AlertResponse{Raised: 3, Open: 2, OpenResponded: 1}, end},
		{"through past to", analytics.Period{To: day(12), Through: day(30)},
			analytics.AlertResponse{Raised: 3, Open: 2, OpenResponded: 1}, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, l, analytics.Config{}, tt.period)
			got := r.AlertResponse
			got.Rate, got.WindowHours = analytics.Ratio{}, 0
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			require.Equal(t, tt.wantThrough, r.Through)
		})
	}
}
