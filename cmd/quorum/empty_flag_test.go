package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmptyFlagValue checks that a flag given an empty value (--events=,
// or --program "$FILE" with FILE unset in a script) is refused, with what
// the flag wants, and exits 2 with the command's help: taken as not given,
// a simulation would write no event log, run the default program, or
// report on the whole log, and say nothing of it.
func TestEmptyFlagValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--accounts", "1", "--days", "1", "--events="}, `--events needs a file, not an empty value`},
		{[]string{"simulate", "--accounts", "1", "--days", "1", "--program", ""}, `--program needs a file, not an empty value`},
		{[]string{"explain", "--accounts", "1", "--days", "1", "--account", "acc-000001", "--program="}, `--program needs a file, not an empty value`},
		{[]string{"explain", "--accounts", "1", "--days", "1", "--account="}, `--account needs an ID, not an empty value`},
		{[]string{"report", "--events="}, `--events needs a file, not an empty value`},
		{[]string{"report", "--events", "x.jsonl", "--program="}, `--program needs a file, not an empty value`},
		{[]string{"report", "--events", "x.jsonl", "--from="}, `--from needs a DATE, not an empty value`},
		{[]string{"report", "--events", "x.jsonl", "--to", ""}, `--to needs a DATE, not an empty value`},
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
