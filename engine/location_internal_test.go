package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLocation: an account's time zone is read as b2b reads it: "Local",
// which the standard library reads as the machine's zone, and an unknown
// name are UTC; a known name is itself.
func TestLocation(t *testing.T) {
	t.Parallel()
	var e Engine
	require.Same(t, time.UTC, e.location(""))
	require.Same(t, time.UTC, e.location("Local"))
	require.Same(t, time.UTC, e.location("Mars/Olympus_Mons"))
	require.Equal(t, "Europe/Paris", e.location("Europe/Paris").String())
	require.Same(t, e.location("Europe/Paris"), e.location("Europe/Paris"), "loaded once")
}
