package simtrain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/examples/programs"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
	"github.com/quorumhq/quorum/scoring"
)

// TestActivityRetentionIsTheEngines checks that the retention within
// which Features sees a member's last activity is the engine's
// (engine.Config.ActivityRetention's zero value): 30 days, or the scoring
// horizon or the longest audience window if longer. With a 60-day
// horizon the engine keeps, and readiness sees, an activity 45 days old.
func TestActivityRetentionIsTheEngines(t *testing.T) {
	defs, err := programfile.LoadFS(programs.FS, "option-a.yaml")
	require.NoError(t, err)
	day := 24 * time.Hour
	for _, tt := range []struct {
		name    string
		horizon time.Duration
		want    time.Duration
	}{
		{"default horizon", 0, 30 * day},
		{"60-day horizon", 60 * day, 60 * day},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := program.Compile(defs, program.Options{Scoring: scoring.Config{Horizon: tt.horizon}})
			require.NoError(t, err)
			require.Equal(t, tt.want, activityRetention(p))
		})
	}
}
