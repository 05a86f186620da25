package journey_test

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/qualify"
)

// The examples of the documentation compare group.readinessTier with tiers
// that readiness produces (what the engine copies into
// GroupView.ReadinessTier). They used to show "high", which no group ever
// has: a marketer who followed them wrote a path never taken.
func TestDocReadinessTiersAreReal(t *testing.T) {
	t.Parallel()
	tiers := []string{string(qualify.TierFastTrack), string(qualify.TierIntensifiedNurture), string(qualify.TierLongTermAwareness)}
	for _, l := range []qualify.ReadinessLevel{qualify.ReadinessReady, qualify.ReadinessNurture, qualify.ReadinessNotYet} {
		require.Contains(t, tiers, string(l.Tier()))
	}
	tier := regexp.MustCompile(`readinessTier\s*==\s*"([^"]*)"`)
	for _, file := range []string{"doc.go", "view.go"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			found := tier.FindAllStringSubmatch(string(src), -1)
			require.NotEmpty(t, found, "an example of group.readinessTier")
			for _, m := range found {
				require.True(t, slices.Contains(tiers, m[1]), "%s: %s compares with a tier readiness never gives (one of %q)", file, m[0], tiers)
			}
		})
	}
}
