package engine_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestUndeliveredMessageLoggedWithoutPersons: a queued message whose
// recipient left the account (moved, merged into a person of another
// account) or merged into a person who had the step's message is
// suppressed at its claim with why, naming the persons, in the event log
// (under the recipient, where an erasure reaches it). The "message not
// delivered" log record, which no erasure reaches, says why without
// naming them.
func TestUndeliveredMessageLoggedWithoutPersons(t *testing.T) {
	t.Parallel()
	moved := lead("L-2", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "Globex")
	moved.Time = day(1)
	merged := dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(1))
	for _, tc := range []struct {
		name   string
		setup  func(*testing.T, *bundle)
		change identity.PersonRecord
		logged string
	}{
		{"moved to another account", victorAtGlobexToo, moved, "the recipient left the account"},
		{"merged into a person of another account", victorAtGlobexToo, merged, "the recipient left the account"},
		{"merged into a person who had the step's message", victorTwice, victorsNewAddress(day(1)),
			"the recipient's records merged into a person who had the step's message already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			b := setup(t, pipelineCapped(2), func(c *engine.Config) { c.Logger = slog.New(slog.NewJSONHandler(&buf, nil)) })
			tc.setup(t, b)
			buf.Reset()
			upsert(t, b, day(1), tc.change)
			claimAll(t, b, day(1))
			var reasons []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				var rec map[string]any
				require.NoError(t, json.Unmarshal([]byte(line), &rec))
				if rec["msg"] == "message not delivered" {
					require.Equal(t, "suppressed", rec["status"])
					reasons = append(reasons, rec["reason"].(string))
				}
			}
			require.Equal(t, []string{tc.logged}, reasons)
			for _, needle := range []string{"L-2", "003V", "D-1", "victor", "Victor"} {
				require.NotContains(t, buf.String(), needle, "the log names a person")
			}
		})
	}
}
