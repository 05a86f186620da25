package journey_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// Stop ends every running instance with the account's reason, drops what
// a cap deferred for them and for the instances that ended before, and
// leaves nothing due; the entry records stay.
func TestStopEndsEveryJourneyOfTheAccount(t *testing.T) {
	t.Parallel()
	cat, view, st, at := deferredAgainAndKeep(t)
	records := append([]journey.Record(nil), st.Records...)

	var res journey.Result
	stop := at.Add(days(1))
	cat.Stop(&res, &st, stop, "account merged into globex")
	var want []told
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		want = append(want, told{journey.DecisionSkip, "again", 2, "mail", p, "deferred message dropped: the instance exited (account merged into globex)"})
	}
	want = append(want, told{journey.DecisionExit, "again", 2, "", "", "account merged into globex"})
	for _, j := range []struct {
		id    string
		entry int
	}{{"again", 1}, {"keep", 1}} {
		for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
			want = append(want, told{journey.DecisionSkip, j.id, j.entry, "mail", p, "deferred message dropped: account merged into globex"})
		}
	}
	if diff := cmp.Diff(want, tell(res.Trace, journey.DecisionSkip, journey.DecisionExit)); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	require.Equal(t, []journey.Ended{{Journey: "again", Version: 1, Entry: 2, At: stop, Reason: "account merged into globex"}}, res.Ended)
	require.Empty(t, res.Outbox)
	require.Empty(t, st.Instances)
	require.Empty(t, st.Deferred)
	require.True(t, st.Due.IsZero(), "due %v", st.Due)
	require.True(t, res.Due.IsZero(), "due %v", res.Due)
	for i := range records {
		if records[i].Journey == "again" {
			records[i].LastExit = stop
		}
	}
	require.Equal(t, records, st.Records)

	// Nothing is left to step: the next step is idle.
	res = cat.Step(&st, journey.Input{View: view, Now: stop.Add(days(10))})
	require.True(t, res.Idle)
	require.Empty(t, res.Trace)
	require.Empty(t, res.Outbox)
}

// Stop leaves nothing due, also for an account that a list trigger's
// re-entry policy would let in again: it used to be due then.
func TestStopLeavesNothingDue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		reEntry journey.ReEntry
	}{
		{"no re-entry", journey.ReEntry{}},
		{"re-entry after a week", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(7)}},
		{"re-entry a week after the exit", journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(7), FromExit: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := journey.Journey{
				ID:       "vip",
				Triggers: []journey.Trigger{{Type: journey.TriggerList, List: "vip"}},
				ReEntry:  tt.reEntry,
				Nodes:    []journey.Node{wait("w", journey.Days(30), "done"), end("done", "")},
			}
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Lists = []string{"vip"}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0})
			require.Len(t, st.Instances, 1)
			cat.Stop(&res, &st, day0.Add(days(1)), "merged into globex")
			require.Empty(t, st.Instances)
			require.True(t, res.Due.IsZero(), "result due %v", res.Due)
			require.True(t, st.Due.IsZero(), "state due %v", st.Due)
		})
	}
}

// Stop reads no view, so it knows no time zone: the messages it keeps
// for the caps are those any zone's calendar may count. It used to keep
// them as in UTC, for 7 times 24 hours, and a step of an account whose
// week over the end of summer time is an hour longer found the cap free
// an hour early and mailed a second time in the week.
func TestStopKeepsTheMessagesACapOfAnyZoneCounts(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	j := linear("j", email("mail", "hi", "done", nil), end("done", ""))
	j.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax, Max: 2}
	cat := newCatalog(t, journey.Config{Caps: []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7)}}}, j)
	view := acmeView()
	view.Location = berlin
	// Clocks go back in Berlin on Sunday 26 October 2025: the week from
	// 10:00 on the 19th to 10:00 on the 26th is 169 hours.
	sent := time.Date(2025, 10, 19, 10, 0, 0, 0, berlin)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: sent, Events: manual("j", sent)})
	require.Len(t, ofType(res.Outbox, journey.ActionEmail), 3)

	stop := time.Date(2025, 10, 26, 9, 30, 0, 0, berlin) // 168.5 hours later
	cat.Stop(&res, &st, stop, "account merged into globex")
	again := stop.Add(15 * time.Minute) // still inside the week on Berlin's calendar
	view.Revision++
	res = cat.Step(&st, journey.Input{View: view, Now: again, Events: manual("j", again)})
	require.Empty(t, ofType(res.Outbox, journey.ActionEmail), "the cap counts the messages of the 19th until 10:00 on the 26th")
	require.Len(t, decisions(res.Trace, journey.DecisionSkip), 3)
}
