package analytics_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

// TestRatioValueNeverRoundsToNoneOrAll checks that a share that is
// neither none nor all keeps a value that says so: rounded to 6 decimals,
// 1 qualified person of 3,000,000 read 0 and 2,999,999 of them read 1,
// in the JSON a dashboard reads, the text report alone printing "<0.1%"
// and ">99.9%".
func TestRatioValueNeverRoundsToNoneOrAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		persons, qualified int
		wantValue          float64
		wantNone, wantAll  bool
	}{
		{"one of three million", 3_000_000, 1, 1.0 / 3_000_000, false, false},
		{"all but one of three million", 3_000_000, 2_999_999, 2_999_999.0 / 3_000_000, false, false},
		{"a third: 6 decimals", 3, 1, 0.333333, false, false},
		{"none", 3_000_000, 0, 0, true, false},
		{"all", 3_000_000, 3_000_000, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := eventLog{}.add("a", day(0), "qualify.rate", m{"persons": tt.persons, "qualified": tt.qualified})
			r := report(t, log, analytics.Config{}, analytics.Period{To: day(1)})
			v := r.Qualification.Value
			require.NotNil(t, v)
			require.Equal(t, tt.wantValue, *v)
			require.Equal(t, tt.wantNone, *v == 0, "value %v", *v)
			require.Equal(t, tt.wantAll, *v == 1, "value %v", *v)
			b, err := json.Marshal(r.Qualification)
			require.NoError(t, err)
			var back struct{ Value float64 }
			require.NoError(t, json.Unmarshal(b, &back))
			require.Equal(t, tt.wantNone, back.Value == 0, "JSON %s", b)
			require.Equal(t, tt.wantAll, back.Value == 1, "JSON %s", b)
		})
	}
}
