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
// (go test ./examples/option-b -update rewrites it), then the lines that
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
	// The CTO joins both groups: each line names the group's interest.
	`new member of data-platform: Tom Becker as Technology Executive`,
	`new member of security-suite: Tom Becker as Technology Executive`,
	`stage of security-suite Awareness -> Consideration: rule "first engagement"`,
	`readiness of data-platform: nurture (intensified nurture)`,
	// The CTO holds the same role in both groups.
	`Buying group "Data Platform for Acme" (stage Decision)`,
	`Buying group "Security Suite for Acme" (stage Consideration)`,
	// Each group scores its own solution's engagement.
	"score 119 (velocity +119 in 14 days)",
	"score 25 (velocity +25 in 14 days)",
	// The shared cap defers the CTO's second journey's email, with the cap as reason.
	`defer security-suite-acceleration [nurture] person=salesforce:003CTO: frequency cap "marketing email" (2 email in 7d): deferred to 2026-03-09T09:00:00Z`,
	`defer data-platform-acceleration [nurture] person=salesforce:003CTO: frequency cap "marketing email" (2 email in 7d): deferred to 2026-03-09T09:00:00Z`,
	// The CTO's four emails, two on day 0 and two on day 7: never more
	// than 2 in 7 days, which the day of each shows.
	"Tom Becker:  4: data-platform-intro (data-platform-acceleration) on day 0, security-intro (security-suite-acceleration) on day 0, data-platform-nurture (data-platform-acceleration) on day 7, security-nurture (security-suite-acceleration) on day 7",
}
