package buyinggroup_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/rules"
)

// FuzzCompile feeds arbitrary role rules, member bounds, weights, role
// names and stage rules to Compile: it never panics, rejects with a
// validation error, or returns a catalog whose groups work.
func FuzzCompile(f *testing.F) {
	f.Add("Champion", `person.seniority == "Manager"`, 1, 2, 1.0, `group.score > 10`, "A")
	f.Add("", ``, -1, -1, -1.0, ``, "")
	f.Add("x", `person.title.contains("a")`, 3, 2, 0.0, `group.scor`, "*")
	f.Add("Champion", `account.employees * 2`, 0, 0, 2.5, `opportunity.status == "won" ||`, "A")
	f.Fuzz(func(t *testing.T, name, src string, minM, maxM int, weight float64, stageSrc, stage string) {
		defs := buyinggroup.Definitions{
			Interests: []buyinggroup.SolutionInterest{{ID: "i", Template: "t", StageModel: "m"}},
			Templates: []buyinggroup.RoleTemplate{{ID: "t", Roles: []buyinggroup.Role{
				{Name: name, Rule: rules.Rule{Source: src}, Required: true, MinMembers: minM, MaxMembers: maxM, Weight: weight},
				{Name: "Other", Rule: rules.Rule{Source: `true`}},
			}}},
			StageModels: []buyinggroup.StageModel{{ID: "m",
				Stages:      []buyinggroup.Stage{{Name: stage, Entry: true}, {Name: "Won", Success: true}},
				Transitions: []buyinggroup.Transition{{From: stage, To: "Won", When: rules.Rule{Source: stageSrc}}},
			}},
		}
		cat, err := buyinggroup.Compile(defs, buyinggroup.Config{})
		if err != nil {
			require.True(t, errors.Is(err, b2b.ErrInvalid), "%v", err)
			return
		}
		g, _, err := cat.NewGroup("a", "i", "", t0)
		require.NoError(t, err)
		g, _, err = cat.AssignManual(g, "p", name, "m", "", t0)
		require.NoError(t, err)
		c, err := cat.Completeness(g)
		require.NoError(t, err)
		require.InDelta(t, 1/float64(max(minM, 1)), c.Value, 1e-9, "one member of %d required", max(minM, 1))
		_, _, err = cat.Advance(g, buyinggroup.Signals{Score: 11}, t0)
		if err != nil {
			require.ErrorIs(t, err, rules.ErrEval)
		}
	})
}
