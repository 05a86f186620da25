package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/output.golden")

// TestRun checks the example's whole output against testdata/output.golden
// (go test ./examples/option-a -update rewrites it), then the lines that
// tell the story.
func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	got := b.String()
	golden := filepath.Join("testdata", "output.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
	}
	for _, line := range keyLines {
		require.Contains(t, got, line)
	}

	// The same run prints the same story.
	var again strings.Builder
	require.NoError(t, run(&again))
	require.Equal(t, got, again.String())
}

var keyLines = []string{
	// One golden CFO from two sources; roles with the rule behind them.
	"Day 0: 6 records applied",
	`Carla Diaz:  rule "Economic Buyer" matched: person.seniority in ["C-Level", "VP"] && person.department in ["Finance", "Executive"] with person.seniority="C-Level", person.department="Finance"`,
	"completeness 0.67 (weighted 0.71), missing: Champion",
	// The new lead fills the missing role.
	`new member: Priya Shah as Champion: rule "Champion" matched`,
	// The split's branch with its rule and values.
	`path pipeline-acceleration [ready?] path=engaged -> alert-sales rule "ready? engaged" (group.completeness >= 0.6 && group.score >= 150) with group.completeness=1`,
	// The alert: to the owner, engaged personas, why.
	"sent sales_alert to olivia@quorum.example",
	"- Victor Kim, Technical Evaluator (VP, Engineering): 92",
	"Next action: Book a meeting with Victor Kim (Technical Evaluator) and Carla Diaz (Economic Buyer)",
	"readiness: ready (fast-track to sales): completeness 1 >= ready threshold 0.6; score 187.24 >= ready threshold 150",
	// The stage history says why each stage changed, rule-driven ones
	// included.
	`stage Decision -> Sales Ready on day 4: rule "sales ready": group.completeness >= 0.6 && group.score >= 150`,
}
