package analytics_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenLog is a small program's month: three accounts, four groups, a
// nurture journey, alerts and e-mails; every KPI has a value. Event
// times never decrease.
func goldenLog() eventLog {
	q := func(key, ch string) m {
		return m{"key": key, "channel": ch, "template": "nurture-1", "to": "x@acme.com", "journey": "nurture"}
	}
	res := func(key string) m { return m{"key": key, "status": "delivered"} }
	return eventLog{}.
		add("acme", day(0), "account.updated", m{"ID": "acme"}).
		add("acme", day(0), "qualify.rate", m{"persons": 5, "qualified": 3}).
		add("acme", day(0), "buyinggroup.group_created", created("acme/dp", "data-platform", day(0))).
		add("acme", day(0), "group.updated", snap("acme/dp", "data-platform", "Awareness", 0.5, 20, "not yet")).
		add("acme", day(0), "buyinggroup.group_created", created("acme/sec", "security", day(0))).
		add("acme", day(0), "group.updated", snap("acme/sec", "security", "Awareness", 0.25, 5, "not yet")).
		add("acme", day(0), "journey.enter", enter("nurture", 1)).
		add("acme", day(0), "journey.node", node("nurture", 1, "start")).
		add("acme", day(0), "journey.node", node("nurture", 1, "email-1")).
		add("acme", day(0), "message.queued", q("k-acme-1", "email")).
		add("globex", day(1), "account.updated", m{"ID": "globex"}).
		add("globex", day(1), "qualify.rate", m{"persons": 4, "qualified": 4}).
		add("globex", day(1), "buyinggroup.group_created", created("globex/dp", "data-platform", day(1))).
		add("globex", day(1), "group.updated", snap("globex/dp", "data-platform", "Consideration", 1, 80, "nurture")).
		add("globex", day(1), "journey.enter", enter("nurture", 1)).
		add("globex", day(1), "journey.node", node("nurture", 1, "start")).
		add("globex", day(1), "journey.node", node("nurture", 1, "email-1")).
		add("globex", day(1), "message.queued", q("k-globex-1", "email")).
		add("acme", day(1.1), "message.delivered", res("k-acme-1")).
		add("globex", day(1.1), "message.delivered", res("k-globex-1")).
		add("acme", day(2), "activity.applied", m{"count": 3, "byType": m{"open_email": 2, "click_email": 1},
			"messages": m{"open_email": []string{"k-acme-1", "k-acme-1"}, "click_email": []string{"k-acme-1"}}}). // opened twice
		add("initech", day(2), "account.updated", m{"ID": "initech"}).
		add("initech", day(2), "qualify.rate", m{"persons": 3, "qualified": 0}).
		add("globex", day(4), "activity.applied", m{"count": 2, "byType": m{"open_email": 2},
			"messages": m{"open_email": []string{"k-globex-1"}}}). // and an open that names no message
		add("globex", day(6), "buyinggroup.stage_changed", m{"type": "stage_changed", "group": "globex/dp", "interest": "data-platform", "from": "Decision", "to": "Sales Ready"}).
		add("globex", day(6), "group.updated", snap("globex/dp", "data-platform", "Sales Ready", 1, 170, "ready")).
		add("globex", day(6), "alert.raised", m{"id": "al-1", "rule": "sales-ready", "group": "globex/dp"}).
		add("globex", day(6), "journey.node", node("nurture", 1, "end")).
		add("globex", day(6), "journey.ended", ended("nurture", 1, true, "completed")).
		add("globex", day(7), "alert.acknowledged", m{"id": "al-1", "activity": "act-9"}).
		add("acme", day(8), "group.updated", snap("acme/dp", "data-platform", "Consideration", 0.75, 95, "nurture")).
		add("acme", day(9), "alert.raised", m{"id": "al-2", "rule": "engaged", "group": "acme/dp"}).
		add("acme", day(12), "opportunity.created", m{"ID": "006A", "SolutionInterest": "", "Product": "Data Platform", "CreatedAt": day(12)}).
		add("globex", day(14), "opportunity.created", m{"ID": "006G", "SolutionInterest": "data-platform", "CreatedAt": day(14)}).
		add("acme", day(20), "alert.raised", m{"id": "al-3", "rule": "engaged", "group": "acme/dp"}).
		add("acme", day(21), "journey.ended", ended("nurture", 1, false, "exit: opportunity created"))
}

func TestGolden(t *testing.T) {
	t.Parallel()
	r, err := analytics.Compute(goldenLog(), analytics.Config{}, analytics.Period{To: day(22)})
	require.NoError(t, err)
	r.CompareTruth(analytics.GroundTruth{"acme": {"data-platform": true, "security": false},
		"globex": {"data-platform": true}, "initech": {"data-platform": false}})
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	js, err := json.MarshalIndent(r, "", "  ")
	require.NoError(t, err)
	golden(t, "report.txt", text.Bytes())
	golden(t, "report.json", append(js, '\n'))

	// Nothing to measure: every rate is n/a with its reason, and the JSON
	// holds nulls, never NaN.
	empty, err := analytics.Compute(nil, analytics.Config{}, analytics.Period{})
	require.NoError(t, err)
	text.Reset()
	require.NoError(t, empty.WriteText(&text))
	golden(t, "empty.txt", text.Bytes())
	js, err = json.MarshalIndent(empty, "", "  ")
	require.NoError(t, err)
	golden(t, "empty.json", append(js, '\n'))
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./analytics -run TestGolden -update to create it")
	require.Equal(t, string(want), string(got), "%s differs; run with -update after checking the change", path)
}
