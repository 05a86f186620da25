package buyinggroup

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// A stage change explains itself with every fact its rule reads, and only
// those.
func TestStageValuesNameWhatTheRuleReads(t *testing.T) {
	env := &StageEnv{
		Group: GroupFacts{Account: "acme", Interest: "dp", Stage: "Awareness", Completeness: 0.5, Score: 42,
			MissingRoles: []string{"Champion"}},
		Opportunity: OpportunityFacts{Exists: true, ID: "o1", Status: "open", Amount: 1000},
		Now:         time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
	tests := []struct {
		src  string
		want []Value
	}{
		{`group.score >= 40`, []Value{{"group.score", "42"}}},
		{`group.scoreX > 1`, nil},
		{`opportunity.id != "" && group.interest == "dp" && group.accountId == "acme"`,
			[]Value{{"group.accountId", "acme"}, {"group.interest", "dp"}, {"opportunity.id", "o1"}}},
		{`now > date("2026-01-01")`, []Value{{"now", "2026-03-02T09:00:00Z"}}},
		{`snow.now == 1 || unknown`, nil},
		{`"Champion" in group.missingRoles && opportunity.amount > 10`,
			[]Value{{"group.missingRoles", "Champion"}, {"opportunity.amount", "1000"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			require.Empty(t, cmp.Diff(tt.want, stageValues(tt.src, env)))
		})
	}
}
