package analytics_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

func TestAddRefusesMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		account string
		noTime  bool
		typ     string
		data    string
		wantErr string
	}{
		{"not JSON", "a", false, "group.updated", `{"group":`, "payload: unexpected end of JSON input"},
		{"wrong field type", "a", false, "qualify.rate", `{"persons":"five","qualified":1}`, "payload: persons: a JSON string, not a number"},
		{"no payload", "a", false, "group.updated", ``, "malformed event: no payload"},
		{"a payload that is no object", "a", false, "alert.raised", `"al-1"`, "payload: a JSON string, not an object"},
		{"a value of a field's object", "a", false, "activity.applied", `{"byType":{"open_email":1},"messages":{"open_email":"k"}}`,
			"payload: messages: a JSON string, not an array"},
		{"a decision's number as a string", "a", false, "journey.node", `{"kind":"node","journey":"j","version":"1","node":"n"}`,
			"payload: version: a JSON string, not a number"},
		{"no group", "a", false, "group.updated", `{"completeness":1,"score":3}`, "no group"},
		{"no completeness", "a", false, "group.updated", `{"group":"g","score":3}`, "no completeness"},
		{"completeness above 1", "a", false, "group.updated", `{"group":"g","completeness":1.5,"score":3}`, "completeness 1.5 outside [0, 1]"},
		{"no score", "a", false, "group.updated", `{"group":"g","completeness":1}`, "no score"},
		{"absurd score", "a", false, "group.updated", `{"group":"g","completeness":1,"score":1e300}`, "score 1e+300 beyond"},
		{"no account", "", false, "group.updated", `{"group":"g","completeness":1,"score":3}`, "no account"},
		{"no time", "a", true, "group.updated", `{"group":"g","completeness":1,"score":3}`, "no time"},
		{"null payload", "a", false, "alert.raised", `null`, "alert without id"},
		{"more qualified than persons", "a", false, "qualify.rate", `{"persons":1,"qualified":2}`, "qualified 2 of 1 persons"},
		{"absurd rate", "a", false, "qualify.rate", `{"persons":9223372036854775807,"qualified":1}`, "persons 9223372036854775807 beyond 4294967296"},
		{"rate without persons", "a", false, "qualify.rate", `{"qualified":2}`, "persons and qualified are required"},
		{"stage change without stage", "a", false, "buyinggroup.stage_changed", `{"type":"stage_changed","group":"g"}`, "stage change without a stage"},
		{"payload of another type", "a", false, "buyinggroup.group_created", `{"type":"stage_changed","group":"g","to":"x"}`, `payload type "stage_changed" does not match`},
		{"decision of another kind", "a", false, "journey.node", `{"kind":"enter","journey":"j","node":"n"}`, `decision kind "enter" does not match`},
		{"node without node", "a", false, "journey.node", `{"kind":"node","journey":"j"}`, "node decision without node"},
		{"ended without journey", "a", false, "journey.ended", `{"completed":true}`, "ended without journey"},
		{"queued without channel", "a", false, "message.queued", `{"key":"k"}`, "key and channel are required"},
		{"result without key", "a", false, "message.delivered", `{"status":"delivered"}`, "no key"},
		{"negative count", "a", false, "activity.applied", `{"byType":{"open_email":-1}}`, `byType["open_email"] is -1, outside [0, 4294967296]`},
		{"more keys than activities", "a", false, "activity.applied", `{"byType":{"open_email":1},"messages":{"open_email":["k","k"]}}`,
			`messages["open_email"]: 2 keys, more than byType's 1`},
		{"keys of a type not counted, after a good one", "a", false, "activity.applied",
			`{"byType":{"open_email":1},"messages":{"click_email":["k"],"open_email":["k"]}}`, `messages["click_email"]: 1 keys, more than byType's 0`},
		{"empty key", "a", false, "activity.applied", `{"byType":{"open_email":2},"messages":{"open_email":["k",""]}}`, `messages["open_email"][1] is empty`},
		{"messages not by type", "a", false, "activity.applied", `{"byType":{"open_email":1},"messages":["k"]}`, "payload: messages: a JSON array, not an object"},
		{"opportunity without ID", "a", false, "opportunity.created", `{"Name":"x"}`, "opportunity without ID"},
		{"move without ID", "a", false, "opportunity.moved", `{"to":"b"}`, "opportunity without ID"},
		{"readiness without level", "a", false, "readiness.changed", `{"group":"g"}`, "group and level are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := analytics.New(analytics.Config{})
			require.NoError(t, err)
			require.NoError(t, c.Add(store.Event{Seq: 1, Account: "a", Time: day(0), Type: "group.updated",
				Data: []byte(`{"group":"g0","completeness":0.5,"score":7}`)}))
			// An e-mail delivered, not yet opened: a refused open of it
			// must not count.
			require.NoError(t, c.Add(store.Event{Seq: 2, Account: "a", Time: day(0), Type: "message.queued",
				Data: []byte(`{"key":"k","channel":"email"}`)}))
			require.NoError(t, c.Add(store.Event{Seq: 3, Account: "a", Time: day(0), Type: "message.delivered",
				Data: []byte(`{"key":"k","status":"delivered"}`)}))
			before, err := c.Report(analytics.Period{To: day(5)})
			require.NoError(t, err)

			at := day(1)
			if tt.noTime {
				at = time.Time{}
			}
			err = c.Add(store.Event{Seq: 7, Account: b2b.AccountID(tt.account), Time: at, Type: tt.typ, Data: []byte(tt.data)})
			require.ErrorIs(t, err, analytics.ErrMalformed)
			var ee *analytics.EventError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, int64(7), ee.Seq)
			require.Equal(t, tt.typ, ee.Type)
			require.Contains(t, err.Error(), tt.wantErr)
			require.True(t, strings.HasPrefix(err.Error(), "event 7 ("+tt.typ), err.Error())

			after, err := c.Report(analytics.Period{To: day(5)})
			require.NoError(t, err)
			before.Events.Malformed++
			require.Empty(t, cmp.Diff(before, after, cmpopts.IgnoreUnexported(analytics.Report{})), "the refused event changed nothing but the count (-want +got)")
		})
	}
}

func TestAddOrder(t *testing.T) {
	t.Parallel()
	c, err := analytics.New(analytics.Config{})
	require.NoError(t, err)
	ev := store.Event{Seq: 5, Account: "a", Time: day(0), Type: "qualify.rate", Data: []byte(`{"persons":2,"qualified":1}`)}
	require.NoError(t, c.Add(ev))
	err = c.Add(ev)
	require.ErrorIs(t, err, analytics.ErrOutOfOrder)
	require.EqualError(t, err, `event 5 (qualify.rate, account "a"): event out of order: seq 5 does not follow 5`)
	ev.Seq = 3
	require.ErrorIs(t, c.Add(ev), analytics.ErrOutOfOrder)
	ev.Seq, ev.Type = 6, "person.linked"
	require.NoError(t, c.Add(ev))
	require.Equal(t, analytics.Counts{Read: 1, Ignored: 1, OutOfOrder: 2}, c.Counts())
	r, err := c.Report(analytics.Period{})
	require.NoError(t, err)
	require.Equal(t, 2, r.Qualification.Denominator, "a duplicate is not counted twice")
}

func TestComputeReportsEveryBadEvent(t *testing.T) {
	t.Parallel()
	log := eventLog{}.
		add("a", day(0), "qualify.rate", m{"persons": 4, "qualified": 2}).
		add("a", day(1), "qualify.rate", `{"persons":`).
		add("b", day(1), "alert.raised", m{}).
		add("b", day(1), "qualify.rate", m{"persons": 6, "qualified": 3})
	r, err := analytics.Compute(log, analytics.Config{}, analytics.Period{})
	require.NotNil(t, r, "the report is complete for every other event")
	var ee *analytics.EventError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, int64(2), ee.Seq)
	require.Contains(t, err.Error(), "event 3 (alert.raised")
	require.Equal(t, analytics.Counts{Read: 2, Malformed: 2}, r.Events)
	require.Equal(t, 5, r.Qualification.Numerator)
	require.Equal(t, 10, r.Qualification.Denominator)
}

func TestConfigAndPeriodErrors(t *testing.T) {
	t.Parallel()
	_, err := analytics.New(analytics.Config{SalesReadyStages: []string{"Sales Ready", ""}, ReadyLevels: []string{"ready", "ready"}, ClosedStages: []string{"Closed Won", "Closed Won"},
		AlertResponseWindow: -time.Hour, ProductInterests: map[string]string{"CRM": "", " ": "dp", "Data Platform": "dp", "DATA PLATFORM ": "sec"},
		SalesReadyByInterest: map[string][]string{"": {"Handoff"}, "dp": {"Sales Ready", "", "Sales Ready"}}})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	for _, want := range []string{"salesReadyStages[1]: is empty", `readyLevels[1]: "ready" is listed twice`, `closedStages[1]: "Closed Won" is listed twice`,
		"alertResponseWindow: is negative (-1h0m0s)", `productInterests["CRM"]: product and interest must both be non-empty`,
		`productInterests[" "]: product and interest must both be non-empty`,
		`productInterests["Data Platform"]: is the product "DATA PLATFORM " (case and blanks aside), which maps to "sec", not "dp"`,
		`salesReadyByInterest[""]: names no interest`, `salesReadyByInterest["dp"][1]: is empty`,
		`salesReadyByInterest["dp"][2]: "Sales Ready" is listed twice`} {
		require.Contains(t, err.Error(), want)
	}
	require.NoError(t, (&analytics.Config{ProductInterests: map[string]string{"Data Platform": "dp", "data platform ": "dp"}}).Validate(),
		"the same product, to the same interest: no problem")
	_, err = analytics.Compute(nil, analytics.Config{}, analytics.Period{From: day(2), To: day(1)})
	require.ErrorIs(t, err, analytics.ErrPeriod)
	require.EqualError(t, err, "invalid period: from 2026-03-04T09:00:00Z is after to 2026-03-03T09:00:00Z")
}

// TestStreamMatchesBatch: a collector fed event by event, reporting as it
// goes, ends where the batch helper does, and its reports as of earlier
// times equal the batch reports of the log's prefixes.
func TestStreamMatchesBatch(t *testing.T) {
	t.Parallel()
	log := goldenLog()
	c, err := analytics.New(analytics.Config{})
	require.NoError(t, err)
	for i, ev := range log {
		require.NoError(t, c.Add(ev))
		if i+1 < len(log) && log[i+1].Time.Equal(ev.Time) {
			continue // the log's prefix up to a time
		}
		got, err := c.Report(analytics.Period{To: ev.Time})
		require.NoError(t, err)
		want, err := analytics.Compute(log[:i+1], analytics.Config{}, analytics.Period{To: ev.Time})
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(jsonOf(t, want), jsonOf(t, got)), "after seq %d (-batch +stream)", ev.Seq)
	}
	// As of an earlier time, with the whole log fed: the same as the
	// prefix, except for the event counts.
	early, err := c.Report(analytics.Period{To: day(3)})
	require.NoError(t, err)
	n := 0
	for n < len(log) && !log[n].Time.After(day(3)) {
		n++
	}
	want, err := analytics.Compute(log[:n], analytics.Config{}, analytics.Period{To: day(3)})
	require.NoError(t, err)
	early.Events = want.Events
	require.Empty(t, cmp.Diff(jsonOf(t, want), jsonOf(t, early)), "(-prefix +as of)")
}

func jsonOf(t *testing.T, r *analytics.Report) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
