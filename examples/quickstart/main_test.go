package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(&b))
	out := b.String()
	require.Contains(t, out, "Chief Financial Officer  -> Economic Buyer")
	require.Contains(t, out, "VP of Engineering        -> Technical Evaluator")
	require.Contains(t, out, "Sr. Data Engineer        -> End User")
	require.Contains(t, out, "Marketing Coordinator    -> no role")
	require.Contains(t, out, `rule "Champion" 1:8: type b2b.Person has no field seniorty`)
}
