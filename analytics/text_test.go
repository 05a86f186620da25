package analytics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestTextResponseWindow: the text report words the alert response
// window in days when it is whole days, "1 day" for one, else in hours,
// "1 hour" for one.
func TestTextResponseWindow(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		window time.Duration
		want   string
	}{
		{24 * time.Hour, "(response window 1 day)"},
		{72 * time.Hour, "(response window 3 days)"},
		{36 * time.Hour, "(response window 36 hours)"},
		{12 * time.Hour, "(response window 12 hours)"},
		{time.Hour, "(response window 1 hour)"},
		{90 * time.Minute, "(response window 1.5 hours)"},
	} {
		r := report(t, eventLog{}.add("a", day(0), "account.updated", m{}), analytics.Config{AlertResponseWindow: tt.window}, analytics.Period{})
		var b strings.Builder
		require.NoError(t, r.WriteText(&b))
		require.Contains(t, b.String(), tt.want)
	}
}
