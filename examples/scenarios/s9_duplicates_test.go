package scenarios_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// TestS9DuplicatesNamed is S9's "the 10 are returned or reported with their
// reasons" for the repeated deliveries: the report names the inputs that
// were duplicates (DuplicateIndexes), as it names the refused ones. That
// matters when two different activities share an ID: here the second
// delivery has an earlier time, so the engine applies it and the first is
// the duplicate, which the report names.
func TestS9DuplicatesNamed(t *testing.T) {
	t.Parallel()
	b := setupS9(t)
	now := day(2)
	b.clock.Set(now)
	var acts []b2b.Activity
	for i := range 10 {
		acts = append(acts, activity(fmt.Sprintf("a-%d", i), b2b.ActivityVisitWebPage, fmt.Sprintf("L-%d", i), day(1), map[string]any{"url": "/docs"}))
	}
	acts = append(acts,
		activity("bad-0", b2b.ActivityOpenEmail, "", now, nil), // 10: refused, named
		acts[3], // 11: a repeat
		activity("x-1", b2b.ActivityOpenEmail, "L-1", now, nil),                    // 12
		activity("x-1", b2b.ActivityVisitWebPage, "L-2", now.Add(-time.Hour), nil), // 13: same ID, another activity
	)
	rep, err := b.eng.Ingest(b.ctx, acts...)
	require.NoError(t, err)
	require.Equal(t, 11, rep.Applied)
	require.Equal(t, 2, rep.Duplicates)

	// The later input with ID x-1 (13, a page visit of L-2) was applied:
	// L-2 has two visits credited, the first input (12) was dropped.
	for _, p := range b.view(t, "acme").Persons {
		if p.Person.Email == "p2@acme.com" {
			require.Equal(t, 2.0, p.Score, "a-2 and x-1, L-2's visits")
		}
	}

	// What the report says of each input it did not apply.
	named := map[int]string{}
	for _, r := range rep.Rejected {
		named[r.Index] = r.Reason
	}
	require.Equal(t, map[int]string{10: "invalid"}, named)
	require.Equal(t, []int{11, 12}, rep.DuplicateIndexes, "the repeat of a-3, and the first input with ID x-1")
}

// TestS9FileSaysDuplicatesAreNamed checks that S9's file says what its
// test checks of the two repeats: the report names them by index
// (engine.Report.DuplicateIndexes), as it names the refused ones.
func TestS9FileSaysDuplicatesAreNamed(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(fileS9)
	require.NoError(t, err)
	// The comment's words, without its line breaks and markers.
	text := strings.Join(strings.Fields(strings.ReplaceAll(string(data), "\n#", " ")), " ")
	require.NotContains(t, text, "it does not name them")
	require.Contains(t, text, "the 2 repeats counted as duplicates and named by the index of their input (DuplicateIndexes)")
}
