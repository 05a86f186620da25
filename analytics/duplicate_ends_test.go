package analytics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestDuplicateEndsAtTheEarliestTime: a log whose order is not its times'
// (a late batch, two logs joined) can hold an instance's end twice. The
// instance ended at the earliest time the log dates an end, as it was
// entered at the earliest time, and as an e-mail's open and a group's
// creation count at theirs: a period that ends between the two sees it
// ended, as the earlier end says.
func TestDuplicateEndsAtTheEarliestTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		log    eventLog
		period analytics.Period
		want   analytics.JourneyCompletion
	}{{
		name: "completed on day 2, an exit of day 6 logged first: completed as of day 4",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(6), "journey.ended", ended("nurture", 1, false, "journey ended")).
			add("a", day(2), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(4)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Entered: 1, Completed: 1, Instances: analytics.Instances{Entered: 1, Completed: 1}}),
	}, {
		name: "completed on day 2, an exit of day 6 logged first: completed as of day 10",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(6), "journey.ended", ended("nurture", 1, false, "journey ended")).
			add("a", day(2), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Entered: 1, Completed: 1, Instances: analytics.Instances{Entered: 1, Completed: 1}}),
	}, {
		name: "the earlier end logged first holds",
		log: eventLog{}.
			add("a", day(0), "journey.enter", enter("nurture", 1)).
			add("a", day(2), "journey.ended", ended("nurture", 1, false, "exit: unsubscribed")).
			add("a", day(6), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(10)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 0, Denominator: 1, Value: val(0)},
			Entered: 1, Exited: 1, Instances: analytics.Instances{Entered: 1, Exited: 1}}),
	}, {
		name: "an entry logged twice counts at its earliest time",
		log: eventLog{}.
			add("a", day(6), "journey.enter", enter("nurture", 1)).
			add("a", day(1), "journey.enter", enter("nurture", 1)).
			add("a", day(3), "journey.ended", ended("nurture", 1, true, "completed")),
		period: analytics.Period{To: day(4)},
		want: completion(analytics.JourneyStats{Journey: "nurture", Rate: analytics.Ratio{Numerator: 1, Denominator: 1, Value: val(1)},
			Entered: 1, Completed: 1, Instances: analytics.Instances{Entered: 1, Completed: 1}}),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := report(t, tt.log, analytics.Config{}, tt.period)
			require.Empty(t, cmp.Diff(tt.want, r.JourneyCompletion), "(-want +got)")
		})
	}
}
