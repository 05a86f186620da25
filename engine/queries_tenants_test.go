package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestQueriesAreScopedToTheTenant: two engines of two tenants share a
// store and each has an account "acme"; every query reads its own
// tenant's: the account's view, the lists, the event log.
func TestQueriesAreScopedToTheTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prog, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	st := memory.New()
	newEngine := func(tenant string) *bundle {
		c := clock.NewManual(day0)
		eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: c, Tenant: store.Tenant(tenant)})
		require.NoError(t, err)
		return &bundle{ctx: ctx, eng: eng, store: st, clock: c}
	}
	north, south := newEngine("north"), newEngine("south")
	setupAcme(t, north)
	_, err = north.eng.Ingest(ctx, activity("a-demo", b2b.ActivityRequestDemo, "L-2", day0, nil))
	require.NoError(t, err)

	_, err = south.eng.Account(ctx, "acme", day0)
	require.ErrorIs(t, err, engine.ErrUnknownAccount, "south has no acme yet")
	ids, err := south.eng.Accounts(ctx, "stage/data-platform", "Awareness")
	require.NoError(t, err)
	require.Empty(t, ids)
	evs, err := south.eng.Events(ctx, "", 0, 0)
	require.NoError(t, err)
	require.Empty(t, evs)

	setupAcme(t, south)
	nv, err := north.eng.Account(ctx, "acme", day0)
	require.NoError(t, err)
	sv, err := south.eng.Account(ctx, "acme", day0)
	require.NoError(t, err)
	require.Greater(t, nv.Groups[0].Score.Score, 0.0, "north's demo")
	require.Zero(t, sv.Groups[0].Score.Score, "north's demo is not south's")
	nevs, err := north.eng.Events(ctx, "acme", 0, 0)
	require.NoError(t, err)
	sevs, err := south.eng.Events(ctx, "acme", 0, 0)
	require.NoError(t, err)
	require.Less(t, len(sevs), len(nevs), "south's log has no activity.applied")
	for _, e := range sevs {
		require.NotEqual(t, "activity.applied", e.Type)
	}
	for _, tt := range []struct {
		b    *bundle
		v    engine.AccountView
		name string
	}{{north, nv, "north"}, {south, sv, "south"}} {
		ids, err := tt.b.eng.Accounts(ctx, "stage/data-platform", tt.v.Groups[0].Group.Stage)
		require.NoError(t, err)
		require.Equal(t, []b2b.AccountID{"acme"}, ids, "%s lists acme under its own stage %q", tt.name, tt.v.Groups[0].Group.Stage)
	}
	require.NotEqual(t, nv.Groups[0].Group.Stage, sv.Groups[0].Group.Stage, "the demo moved north's group on")
}
