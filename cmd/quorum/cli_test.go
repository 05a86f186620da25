package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFlagValueErrors checks that a flag given a value of the wrong kind
// says which value is wrong and what the flag wants, not only "parse
// error", and exits 2 with the command's help.
func TestFlagValueErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--accounts", "abc"}, `--accounts "abc" is not a whole number`},
		{[]string{"simulate", "--days=1.5"}, `--days "1.5" is not a whole number`},
		{[]string{"simulate", "--accounts", "99999999999999999999"}, `--accounts "99999999999999999999" is out of range (a whole number)`},
		{[]string{"simulate", "--seed", "-1"}, `--seed "-1" is not a whole number from 0 to 18446744073709551615`},
		{[]string{"explain", "--workers", "two"}, `--workers "two" is not a whole number`},
		{[]string{"simulate", "--rollup=maybe"}, `--rollup "maybe" is not true or false`},
		{[]string{"report", "--json=2"}, `--json "2" is not true or false`},
		// The flag package's own words where they say it already.
		{[]string{"report", "--events"}, `flag needs an argument: -events`},
		{[]string{"report", "--nope"}, `flag provided but not defined: -nope`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := quorum(t, "", tt.args...)
			require.Equal(t, exitUsage, code, errOut)
			require.Empty(t, out)
			first, _, _ := strings.Cut(errOut, "\n")
			require.Equal(t, "quorum "+tt.args[0]+": "+tt.want, first)
			require.Contains(t, errOut, "Flags:")
		})
	}
}
