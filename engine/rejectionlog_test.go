package engine_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestRejectedPersonRecordLoggedWithoutItsValues: a person record refused
// as invalid is in the report with what exactly was wrong, its values
// quoted, for the caller to fix it; the "input rejected" log record,
// which an erasure of the person cannot reach, names the fields at fault
// but not the values (the person's email, phone, record ID).
func TestRejectedPersonRecordLoggedWithoutItsValues(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	// The records' times are left out: their digits could hold the phone
	// number's and fail the check below by chance.
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: noTime}))
	b := setup(t, dataPlatform(), func(c *engine.Config) { c.Logger = logger })
	badEmail := lead("L-77", "zed.zorro@acme", "Zed", "Zorro", "CTO", "Acme")
	badPhone := lead("L-78", "zed.zorro@acme.com", "Zed", "Zorro", "CTO", "Acme")
	badPhone.Person.Phone = "+1 555 0100 \xff"
	rep, err := b.eng.UpsertPersons(b.ctx, []identity.PersonRecord{badEmail, badPhone}...)
	require.NoError(t, err)
	require.Len(t, rep.Rejected, 2)
	require.Contains(t, rep.Rejected[0].Detail, `"zed.zorro@acme"`, "the report says what was wrong")
	require.Contains(t, rep.Rejected[1].Detail, `person.phone`)

	var details []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec["msg"] == "input rejected" {
			require.Equal(t, "person", rec["kind"])
			require.Equal(t, "invalid", rec["reason"])
			details = append(details, rec["detail"].(string))
		}
	}
	require.Equal(t, []string{"invalid field: person.email", "invalid field: person.phone"}, details)
	for _, needle := range []string{"zed.zorro", "L-77", "L-78", "555 0100", "Zorro"} {
		require.NotContains(t, buf.String(), needle, "the log names the person")
	}
}

// TestUnknownPersonLoggedWithoutTheirID: an activity refused because its
// person is unknown (no record of theirs upserted, or not a person of the
// account it names) is in the report with the person's ID; the log
// record says the reason, and names neither the record nor the person.
func TestUnknownPersonLoggedWithoutTheirID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	b := setup(t, dataPlatform(), func(c *engine.Config) { c.Logger = slog.New(slog.NewJSONHandler(&buf, nil)) })
	setupAcme(t, b)
	setupGlobex(t, b)
	buf.Reset()
	unknown := activity("x", b2b.ActivityOpenEmail, "L-nobody", day0, nil)
	elsewhere := activity("y", b2b.ActivityOpenEmail, "L-9", day0, nil)
	elsewhere.Account = "acme" // Gina is Globex's
	rep, err := b.eng.Ingest(b.ctx, unknown, elsewhere)
	require.NoError(t, err)
	require.Len(t, rep.Rejected, 2)
	require.Contains(t, rep.Rejected[0].Detail, "L-nobody")
	require.Contains(t, rep.Rejected[1].Detail, "L-9")
	var logged []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec["msg"] == "input rejected" {
			logged = append(logged, rec["activity"].(string)+" "+rec["reason"].(string))
		}
	}
	require.ElementsMatch(t, []string{"x unknown_person", "y unknown_person"}, logged)
	require.NotContains(t, buf.String(), "L-nobody")
	require.NotContains(t, buf.String(), "L-9")
}
