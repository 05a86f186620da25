package engine_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
)

// TestReadinessThatCannotBeAssessedIsNotKept: a readiness model whose
// terms, on Acme's data, push the log-odds to -Inf by its size and, once
// its committee engages, to +Inf by its score as well: the model then
// gives no probability, and the assessment fails (readiness.error). The
// verdict of before was about data the account no longer has: it is
// dropped, with a readiness.dropped that says why, so that the account's
// view shows no readiness and the account is no longer listed under its
// old tier, rather than both showing the old verdict as current.
func TestReadinessThatCannotBeAssessedIsNotKept(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Readiness = program.Readiness{Strategy: program.ReadinessModel, Model: &qualify.Model{Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{
		{Feature: qualify.ModelFeatureScore, Scale: 1e-300, Weight: 1e10},
		{Feature: qualify.ModelFeatureEmployees, Scale: 1e-300, Weight: -1e10},
	}}}
	b := setup(t, defs)
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.NotNil(t, v.Groups[0].Readiness)
	tier := string(v.Groups[0].Readiness.Tier)
	listed, err := b.eng.Accounts(b.ctx, "readiness/data-platform", tier)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, listed)

	b.clock.Set(day(1))
	_, err = b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "acme", "readiness.error"))

	v, err = b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	require.Nil(t, v.Groups[0].Readiness, "no verdict stands for the account's data")
	listed, err = b.eng.Accounts(b.ctx, "readiness/data-platform", tier)
	require.NoError(t, err)
	require.Empty(t, listed)
	var dropped []map[string]string
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "readiness.dropped" {
			var d map[string]string
			require.NoError(t, json.Unmarshal(e.Data, &d))
			dropped = append(dropped, d)
		}
	}
	require.Len(t, dropped, 1)
	require.Equal(t, tier, dropped[0]["from"])
	require.Contains(t, dropped[0]["error"], "log-odds")
	require.Equal(t, 1, countEvents(t, b, "acme", "readiness.changed"), "only the first verdict")
}
