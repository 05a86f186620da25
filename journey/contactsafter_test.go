package journey_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// A step that runs late checks its caps at the times its tracks came due:
// the messages of other accounts it needs reach ContactWindow before the
// earliest of them, not before Now, and given those it decides as the
// step on time would have.
func TestLateStepCountsOtherAccountsFromItsDueTime(t *testing.T) {
	cfg := journey.Config{Caps: []journey.Cap{{Name: "weekly", Channel: "email", Max: 1, Per: journey.Days(7)}}}
	j := journey.Journey{ID: "w", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{wait("w1", journey.Days(3), "m"), email("m", "t", "e", nil), end("e", "done")}}
	// Sent to the CFO by another account, an hour after the entry.
	other := journey.Contact{Person: "p-cfo", Channel: "email", Journey: "elsewhere", At: day0.Add(time.Hour)}
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		{"on time", day0.Add(days(3))},
		{"six days late", day0.Add(days(9))},
		{"a month late", day0.Add(days(33))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := newCatalog(t, cfg, j)
			v := acmeView()
			st := &journey.State{Account: "acme"}
			cat.Step(st, journey.Input{View: v, Now: day0, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "w"}}})
			require.True(t, st.Due.Equal(day0.Add(days(3))))
			in := journey.Input{View: v, Now: tc.now}
			after := cfg.ContactsAfter(st, in)
			require.True(t, after.Equal(day0.Add(days(3)-days(7))), "contacts after %v", after)
			if other.At.After(after) { // as a host passes them
				in.Contacts = []journey.Contact{other}
			}
			res := cat.Step(st, in)
			for _, e := range res.Outbox {
				require.NotEqual(t, "p-cfo", string(e.Person), "the CFO mailed at %v over the weekly cap", e.At)
			}
			require.NotEmpty(t, res.Outbox, "the others are mailed")
		})
	}
}

// The reach starts at the earliest of the state's due time, the events'
// times and Now, and is zero without caps.
func TestContactsAfter(t *testing.T) {
	cfg := journey.Config{Caps: []journey.Cap{{Name: "weekly", Max: 1, Per: journey.Days(7)}, {Name: "daily", Max: 1, Per: journey.Days(1)}}}
	v := acmeView()
	now := day0.Add(days(10))
	for _, tc := range []struct {
		name   string
		due    time.Time
		events []journey.Event
		want   time.Time
	}{
		{"nothing due", time.Time{}, nil, now.Add(-days(7))},
		{"due later", now.Add(time.Hour), nil, now.Add(-days(7))},
		{"due before", now.Add(-days(2)), nil, now.Add(-days(9))},
		{"an event before", now.Add(-days(2)), []journey.Event{{Type: journey.EventManualEntry}, {Type: "x", At: now.Add(-days(3))}}, now.Add(-days(10))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cfg.ContactsAfter(&journey.State{Due: tc.due}, journey.Input{View: v, Now: now, Events: tc.events})
			require.True(t, got.Equal(tc.want), "got %v, want %v", got, tc.want)
		})
	}
	require.True(t, (&journey.Config{}).ContactsAfter(&journey.State{}, journey.Input{View: v, Now: now}).IsZero())
}
