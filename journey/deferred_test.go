package journey_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// Abort stops a journey now: the messages a cap deferred for its
// instances are dropped whether the instance still runs or already ended
// (at an end node, or by handing the account over to another journey),
// whatever version it ran. Finish, the end date and close stop only what
// still runs: an instance that ended finished its run, and what it
// deferred still goes out.
func TestDeferredMessagesOfEndedInstancesWhenTheJourneyStops(t *testing.T) {
	t.Parallel()
	plain := linear("plain", email("mail", "hi", "end", nil), end("end", "done"))
	plain2 := linear("plain", email("mail", "hello", "end", nil), end("end", "done"))
	sub := linear("sub", wait("w", journey.Days(30), "end"), end("end", ""))
	router := linear("plain", email("mail", "hi", "to-sub", nil),
		journey.Node{ID: "to-sub", Kind: journey.KindGoTo, GoTo: &journey.GoTo{Journey: "sub"}})
	other := linear("other", end("end", ""))
	type change func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error)
	abort := func(id string) change {
		return func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) { return cat.Abort(id) }
	}
	aborted := skipsOf("plain", "mail", "deferred message dropped: the journey was aborted")
	tests := []struct {
		name     string
		journeys []journey.Journey
		stop     []change
		want     []told // skip decisions of the step after the change
		deferred int    // deferred messages kept after it
		sent     int    // of them, sent once the cap lets them
	}{
		{
			name:     "abort after the instance reached its end node",
			journeys: []journey.Journey{other, plain},
			stop:     []change{abort("plain")},
			want:     aborted,
		},
		{
			name:     "abort after the instance went to another journey",
			journeys: []journey.Journey{other, sub, router},
			stop:     []change{abort("plain")},
			want:     aborted,
		},
		{
			name:     "abort after a new version was published",
			journeys: []journey.Journey{other, plain},
			stop: []change{func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) {
				cat, _, err := cat.Publish(plain2)
				return cat, err
			}, abort("plain")},
			want: aborted,
		},
		{
			name:     "abort of a closed journey",
			journeys: []journey.Journey{other, plain},
			stop: []change{func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) {
				return cat.Close("plain")
			}, abort("plain")},
			want: aborted,
		},
		{
			name:     "abort of another journey",
			journeys: []journey.Journey{other, plain},
			stop:     []change{abort("other")},
			deferred: 3, sent: 3,
		},
		{
			name:     "close",
			journeys: []journey.Journey{other, plain},
			stop: []change{func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) {
				return cat.Close("plain")
			}},
			deferred: 3, sent: 3,
		},
		{
			name:     "finish",
			journeys: []journey.Journey{other, plain},
			stop: []change{func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) {
				cat, err := cat.Close("plain")
				require.NoError(t, err)
				return cat.Finish("plain")
			}},
			deferred: 3, sent: 3,
		},
		{
			name:     "end date",
			journeys: []journey.Journey{other, plain},
			stop: []change{func(t *testing.T, cat *journey.Catalog) (*journey.Catalog, error) {
				j := plain
				j.EndAt = day0.Add(days(1))
				cat, _, err := cat.Publish(j)
				return cat, err
			}},
			deferred: 3, sent: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := newCatalog(t, deferCap, tt.journeys...)
			var st journey.State
			res := cat.Step(&st, journey.Input{View: acmeView(), Now: day0, Events: manual("plain", day0), Contacts: mailedYesterday()})
			require.Len(t, decisions(res.Trace, journey.DecisionDefer), 3, "the cap defers the three e-mails")
			require.Len(t, st.Deferred, 3)
			require.Len(t, ofJourney(res.Ended, "plain"), 1, "the instance ended")
			require.True(t, res.Ended[0].Completed)
			for _, f := range tt.stop {
				var err error
				cat, err = f(t, cat)
				require.NoError(t, err)
			}

			res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(1))})
			if diff := cmp.Diff(tt.want, tell(res.Trace, journey.DecisionSkip)); diff != "" {
				t.Errorf("skips (-want +got):\n%s", diff)
			}
			require.Len(t, st.Deferred, tt.deferred)
			if tt.deferred == 0 {
				require.True(t, res.Due.IsZero() || res.Due.After(day0.Add(days(7))), "nothing deferred wakes the account: due %v", res.Due)
			}

			res = cat.Step(&st, journey.Input{View: acmeView(), Now: day0.Add(days(7))})
			require.Len(t, ofType(res.Outbox, journey.ActionEmail), tt.sent)
			require.Empty(t, decisions(res.Trace, journey.DecisionSkip))
			require.Empty(t, st.Deferred)
		})
	}
}

// An abort drops the deferred messages of a running instance as it exits,
// and those of the journey's instances that ended before, each with its
// reason; the other journeys' messages stay.
func TestAbortDropsEveryDeferredMessageOfTheJourney(t *testing.T) {
	t.Parallel()
	cat, view, st, at := deferredAgainAndKeep(t)

	cat, err := cat.Abort("again")
	require.NoError(t, err)
	res := cat.Step(&st, journey.Input{View: view, Now: at.Add(days(1))})
	var want []told
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		want = append(want, told{journey.DecisionSkip, "again", 2, "mail", p, "deferred message dropped: the instance exited (journey aborted)"})
	}
	want = append(want, told{journey.DecisionExit, "again", 2, "", "", "journey aborted"})
	for _, p := range []b2b.PersonID{"p-cfo", "p-vpe", "p-de"} {
		want = append(want, told{journey.DecisionSkip, "again", 1, "mail", p, "deferred message dropped: the journey was aborted"})
	}
	if diff := cmp.Diff(want, tell(res.Trace, journey.DecisionSkip, journey.DecisionExit)); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	require.Empty(t, st.Instances)
	require.Len(t, st.Deferred, 3)
	for _, d := range st.Deferred {
		require.Equal(t, "keep", d.Entry.Journey)
	}
}

// deferredAgainAndKeep runs two journeys under a cap that defers every
// message ("again", entered twice, whose first entry completed and whose
// second runs; "keep", which completed): nine messages wait, three of
// each entry. It returns the catalog, the view, the state and the time
// of the second entry.
func deferredAgainAndKeep(t *testing.T) (*journey.Catalog, *journey.AccountView, journey.State, time.Time) {
	t.Helper()
	again := linear("again", email("mail", "hi", "w", nil), wait("w", journey.Days(2), "end"), end("end", ""))
	again.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax, Max: 2}
	keep := linear("keep", email("mail", "hi", "end", nil), end("end", ""))
	cat := newCatalog(t, deferCap, again, keep)
	view := acmeView()
	var st journey.State
	cat.Step(&st, journey.Input{View: view, Now: day0, Events: append(manual("again", day0), manual("keep", day0)...), Contacts: mailedYesterday()})
	res := cat.Step(&st, journey.Input{View: view, Now: day0.Add(days(2))})
	require.Len(t, res.Ended, 1, "entry 1 of again completed")
	at := day0.Add(days(3))
	cat.Step(&st, journey.Input{View: view, Now: at, Events: manual("again", at), Contacts: mailedYesterday()})
	require.Len(t, st.Instances, 1, "entry 2 of again runs")
	require.Len(t, st.Deferred, 9, "three messages of each entry of again, three of keep")
	return cat, view, st, at
}
