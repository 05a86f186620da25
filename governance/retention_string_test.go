package governance_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/governance"
)

// TestExpiryStringSaysItIsOlder: an expired activity's explanation gives
// an age older than its rule keeps, rounded no further than that allows:
// "2160h0m0s old; keeps 2160h0m0s" would say it was not expired.
func TestExpiryStringSaysItIsOlder(t *testing.T) {
	t.Parallel()
	d := 24 * time.Hour
	for _, tc := range []struct {
		name        string
		age, maxAge time.Duration
		want        string
	}{
		{"a day past", 91 * d, 90 * d, `activity "a-1" (visit_web_page) is 2184h0m0s old; rule "r" keeps 2160h0m0s`},
		{"minutes past", 90*d + 10*time.Minute, 90 * d, `activity "a-1" (visit_web_page) is 2160h10m0s old; rule "r" keeps 2160h0m0s`},
		{"rounding down to the hour would be younger", 2*time.Hour + 20*time.Minute, 2*time.Hour + 10*time.Minute,
			`activity "a-1" (visit_web_page) is 2h20m0s old; rule "r" keeps 2h10m0s`},
		{"a second past", time.Hour + time.Second, time.Hour, `activity "a-1" (visit_web_page) is 1h0m1s old; rule "r" keeps 1h0m0s`},
		{"a nanosecond past", time.Hour + time.Nanosecond, time.Hour, `activity "a-1" (visit_web_page) is 1h0m0.000000001s old; rule "r" keeps 1h0m0s`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := governance.Expiry{Activity: "a-1", Person: "p-1", Type: "visit_web_page", Rule: "r", Age: tc.age, MaxAge: tc.maxAge}
			require.Equal(t, tc.want, e.String())
		})
	}
}
