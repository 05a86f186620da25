package journey_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// The paths of a split, a variant split and a people split are told
// apart by their names, in decisions ("path=b -> mail") and in what the
// else path tried: two paths of one node with one name, as an A/B test's
// arm copied and not renamed, could not be told apart, and were taken.
// Paths without a name are named by their index, and paths of other
// nodes may share a name.
func TestDuplicatePathNames(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "dup", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "ab", Kind: journey.KindVariant, Variant: &journey.Variant{Paths: []journey.VariantPath{
				{Name: "a", Percent: 50, Next: "split"}, {Name: "a", Percent: 25, Next: "split"}, {Percent: 25, Next: "split"}}}},
			{ID: "split", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{Name: "a", When: "group.score > 10", Next: "people"}, {Name: "hot", When: "group.score > 50", Next: "people"},
				{Name: "hot", When: "group.score > 90", Next: "people"}, {When: "true", Next: "people"}}, Else: "people"}},
			{ID: "people", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Paths: []journey.PeoplePath{
				{Name: "buyers", Match: &journey.Recipients{Roles: []string{"Economic Buyer"}}, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "t"}}},
				{Name: "buyers", Match: &journey.Recipients{Roles: []string{"Champion"}}, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "t"}}},
			}, Next: "e"}},
			end("e", "done"),
		}}
	err := journey.Validate(j, journey.Config{Roles: standardRoles})
	require.Equal(t, []string{
		`nodes["ab"].variant.paths[1].name: duplicate path name "a" (also paths[0])`,
		`nodes["split"].paths[2].name: duplicate path name "hot" (also paths[1])`,
		`nodes["people"].peopleSplit.paths[1].name: duplicate path name "buyers" (also paths[0])`,
	}, problems(t, err))

	j.Nodes[0].Variant.Paths[1].Name = "b"
	j.Nodes[1].Split.Paths[2].Name = "very hot"
	j.Nodes[2].PeopleSplit.Paths[1].Name = "champions"
	require.NoError(t, journey.Validate(j, journey.Config{Roles: standardRoles}))
}

// A path's name is also not the name decisions give another path of its
// node: "else" for the else of a split or a people split, "path 2" (or
// "variant 2") for an unnamed path at index 2.
func TestPathNameOfAnotherPath(t *testing.T) {
	t.Parallel()
	j := journey.Journey{ID: "names", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "ab", Kind: journey.KindVariant, Variant: &journey.Variant{Paths: []journey.VariantPath{
				{Name: "variant 1", Percent: 50, Next: "split"}, {Percent: 50, Next: "split"}}}},
			{ID: "split", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
				{Name: "else", When: "group.score > 10", Next: "people"}, {Name: "path 2", When: "group.score > 50", Next: "people"},
				{When: "group.score > 90", Next: "people"}}, Else: "people"}},
			{ID: "people", Kind: journey.KindPeopleSplit, PeopleSplit: &journey.PeopleSplit{Paths: []journey.PeoplePath{
				{Name: "else", Match: &journey.Recipients{Roles: []string{"Economic Buyer"}}, Actions: []journey.Action{{Type: journey.ActionEmail, Template: "t"}}},
			}, Next: "e"}},
			end("e", "done"),
		}}
	err := journey.Validate(j, journey.Config{Roles: standardRoles})
	require.Equal(t, []string{
		`nodes["ab"].variant.paths[0].name: path name "variant 1" is the name of paths[1], which has none`,
		`nodes["split"].paths[0].name: path name "else" is the name of the split's else`,
		`nodes["split"].paths[1].name: path name "path 2" is the name of paths[2], which has none`,
		`nodes["people"].peopleSplit.paths[0].name: path name "else" is the name of the split's else`,
	}, problems(t, err))
}
