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

// A stage change's values are never rounded onto or across a number its
// rule is written with: a group 14 days and a second in its stage that
// "group.daysInStage > 14" moved on does not read 14, nor a completeness
// of 0.6000001 that "group.completeness > 0.6" let through 0.6. Values
// away from the rule's numbers keep six significant digits.
func TestStageValuesDoNotRoundOntoTheRulesNumbers(t *testing.T) {
	since := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := since.Add(14*24*time.Hour + time.Second)
	env := &StageEnv{
		Group: GroupFacts{Completeness: 0.6000001, Score: 79.9999999, Velocity: -0.1234567,
			DaysInStage: now.Sub(since).Hours() / 24},
		Opportunity: OpportunityFacts{Amount: 1234567.89},
		Now:         now,
	}
	got := stageValues(`group.daysInStage > 14 && group.completeness > 0.6 && group.score < 80 && group.velocity < 0 && opportunity.amount > 0`, env)
	require.Empty(t, cmp.Diff([]Value{
		{"group.completeness", "0.6000001"},
		{"group.score", "79.9999999"},
		{"group.velocity", "-0.123457"},
		{"group.daysInStage", "14.00001"},
		{"opportunity.amount", "1.23457e+06"},
	}, got))
}
