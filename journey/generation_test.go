package journey_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

func listJourney(id, list string) journey.Journey {
	return journey.Journey{ID: id, Triggers: []journey.Trigger{{Type: journey.TriggerList, List: list}},
		Nodes: []journey.Node{email("m", "t-"+id, "e", nil), end("e", "done")}}
}

// A step is idle only with the catalog the last step ran with: another
// catalog with as many changes (one built by another program, or by a
// host that restarted with other journeys) is not taken for it.
func TestStepWithAnotherCatalogOfAsManyChangesIsNotIdle(t *testing.T) {
	t.Parallel()
	a := newCatalog(t, journey.Config{}, listJourney("x", "vip"))
	b := newCatalog(t, journey.Config{}, listJourney("y", "all"))
	require.NotEqual(t, a.Generation(), b.Generation())

	v := acmeView()
	v.Lists = []string{"all"}
	st := &journey.State{Account: "acme"}
	res := a.Step(st, journey.Input{View: v, Now: day0})
	require.Empty(t, res.Outbox, "x lets in the accounts of list vip")
	res = b.Step(st, journey.Input{View: v, Now: day0.Add(time.Hour)})
	require.False(t, res.Idle)
	require.Len(t, res.Outbox, 3, "y lets in the account of list all")
	require.Equal(t, "y", res.Ended[0].Journey)
}

// The generation tells the catalogs' contents apart: a catalog built
// again as it was (a host that restarted with its program) has its
// generation, so its accounts' steps stay idle; every change, and another
// configuration, gives another.
func TestGenerationIdentifiesTheCatalog(t *testing.T) {
	t.Parallel()
	x := listJourney("x", "vip")
	base := newCatalog(t, journey.Config{}, x)
	require.Equal(t, base.Generation(), newCatalog(t, journey.Config{}, x).Generation(), "built again as it was")

	closed, err := base.Close("x")
	require.NoError(t, err)
	aborted, err := closed.Abort("x")
	require.NoError(t, err)
	finished, err := closed.Finish("x")
	require.NoError(t, err)
	v2, _, err := base.Publish(listJourney("x", "all"))
	require.NoError(t, err)
	drafted, err := base.SaveDraft(listJourney("x", "all"))
	require.NoError(t, err)
	empty, err := journey.NewCatalog(journey.Config{Roles: standardRoles})
	require.NoError(t, err)
	_, err = empty.Carry(mustVersion(t, v2, "x", 2))
	require.Error(t, err, "version 2 is not the next here")
	carried, err := empty.Carry(mustVersion(t, newCatalog(t, journey.Config{}, listJourney("x", "all")), "x", 1))
	require.NoError(t, err)
	caps := newCatalog(t, journey.Config{Caps: []journey.Cap{{Name: "c", Max: 1, Per: journey.Days(7)}}}, x)
	roles := newCatalog(t, journey.Config{Roles: []string{"Champion"}}, x)
	bound := newCatalog(t, journey.Config{MaxTransitions: 10}, x)

	gens := map[uint64]string{}
	for _, c := range []struct {
		name string
		cat  *journey.Catalog
	}{
		{"base", base}, {"closed", closed}, {"aborted", aborted}, {"finished", finished}, {"version 2", v2},
		{"a draft saved", drafted}, {"empty", empty}, {"carried", carried}, {"caps", caps}, {"roles", roles},
		{"max transitions", bound},
	} {
		g := c.cat.Generation()
		require.NotZero(t, g, c.name)
		other, dup := gens[g]
		require.False(t, dup, "%s has the generation of %s", c.name, other)
		gens[g] = c.name
	}

	// The state of a step with the catalog as it was built before a
	// restart: the same catalog built again finds nothing to do.
	v := acmeView()
	v.Lists = []string{"vip"}
	st := &journey.State{Account: "acme"}
	base.Step(st, journey.Input{View: v, Now: day0})
	res := newCatalog(t, journey.Config{}, x).Step(st, journey.Input{View: v, Now: day0.Add(time.Hour)})
	require.True(t, res.Idle)
	res = v2.Step(st, journey.Input{View: v, Now: day0.Add(time.Hour)})
	require.False(t, res.Idle)
}

func mustVersion(t *testing.T, c *journey.Catalog, id string, n int) *journey.Version {
	t.Helper()
	v, ok := c.Version(id, n)
	require.True(t, ok, "%s version %d", id, n)
	return v
}
