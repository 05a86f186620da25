package programfile_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// TestAlertHysteresisZero: an alert's hysteresis written as 0 is read as
// not written, as the documentation says: it is no problem (a program's
// own JSON writes it so) and the alert re-arms only below the threshold
// less 10% of it, not just below the threshold.
func TestAlertHysteresisZero(t *testing.T) {
	t.Parallel()
	src := base + `alerts:
  - {name: hot, strategy: threshold, threshold: 100, hysteresis: 0}
routing:
  fallbackQueue: sales@quorum.example
`
	p, err := programfile.Compile("p.yaml", []byte(src), program.Options{})
	require.NoError(t, err)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var st channel.AlertState
	var fired []float64
	for i, score := range []float64{100, 95, 100, 89, 100} {
		obs := &channel.Observation{Account: b2b.Account{ID: "acme", Name: "Acme"},
			Group: channel.GroupView{ID: "acme/dp", SolutionInterest: "dp", Name: "dp for Acme", Score: score}}
		var alerts []channel.Alert
		st, alerts, err = p.Alerter.Evaluate(st, obs, at.Add(time.Duration(i)*time.Hour))
		require.NoError(t, err)
		if len(alerts) > 0 {
			fired = append(fired, score)
		}
	}
	require.Equal(t, []float64{100, 100}, fired, "fires at 100, not again after 95, again after 89")
}
