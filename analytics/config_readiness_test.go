package analytics_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

func TestReadinessOnlyAndStagesOnlyConflict(t *testing.T) {
	t.Parallel()
	cfg := analytics.Config{StagesOnly: true, ReadinessOnly: true}
	require.ErrorContains(t, cfg.Validate(), "readinessOnly: cannot be combined with stagesOnly")
}
