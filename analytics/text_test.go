package analytics_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/store"
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

// TestTextPercentNeverRoundsToAllOrNothing: a share that is neither none
// nor all never prints as 0.0% or 100.0%, which would say that no group,
// or every group, is so: 2,999 complete groups of 3,000 are ">99.9%" and
// one qualified group of 3,000 is "<0.1%".
func TestTextPercentNeverRoundsToAllOrNothing(t *testing.T) {
	t.Parallel()
	const groups = 3000
	l := make(eventLog, 0, groups)
	for i := range groups {
		completeness, stage := 1.0, "Consideration"
		switch i {
		case 0:
			completeness = 0.5
		case 1:
			stage = "Sales Ready"
		}
		data, err := json.Marshal(snap(fmt.Sprintf("g%d", i), "dp", stage, completeness, 10, ""))
		require.NoError(t, err)
		l = append(l, store.Event{Seq: int64(i + 1), Account: "acme", Time: day(0), Type: "group.updated", Data: data})
	}
	r := report(t, l, analytics.Config{}, analytics.Period{})
	var b strings.Builder
	require.NoError(t, r.WriteText(&b))
	for _, tt := range []struct {
		row  string
		col  int // of the percentage, after the row's name
		want string
	}{
		{"Buying-group completeness rate", 0, ">99.9%"},
		{"MQA rate (groups)", 0, "<0.1%"},
		{"MQA rate (accounts)", 0, "100.0%"},
		{"  Consideration", 1, ">99.9%"},
		{"  Sales Ready", 1, "<0.1%"},
	} {
		i := strings.Index(b.String(), tt.row+" ")
		require.GreaterOrEqual(t, i, 0, "no row %q in\n%s", tt.row, b.String())
		line, _, _ := strings.Cut(b.String()[i:], "\n")
		require.Equal(t, tt.want, strings.Fields(strings.TrimPrefix(line, tt.row))[tt.col], line)
	}
}
