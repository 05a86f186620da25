package journey_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// TestPropertyLateSteps runs seeded random valid journeys, which go to
// one another, with random activities and audience entries over 30 days
// under frequency caps, once stepped at every due and event time and once
// stepped at random times, late, and wants from both the same decisions,
// messages and ends at the same times (the entries, into a journey a
// go-to or an audience entry started, among them), and the same state:
// the same tracks, waiting since and until the same times, the same
// entries and exits, and the same messages, counted by the caps at the
// times they were sent or held back.
func TestPropertyLateSteps(t *testing.T) {
	t.Parallel()
	// entries the late steps made by go-tos and by audience entries, and
	// messages a cap held back, over all seeds
	var goTos, audience, lists, deferred atomic.Int64
	t.Cleanup(func() {
		require.Positive(t, lists.Load(), "lists let accounts in again")
		require.Positive(t, goTos.Load(), "go-tos enter journeys")
		require.Positive(t, audience.Load(), "audience entries enter journeys")
		require.Positive(t, deferred.Load(), "caps defer messages")
	})
	for seed := uint64(1); seed <= 16; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 7))
			policy := []journey.CapPolicy{journey.CapSkip, journey.CapDefer}[seed%2]
			cfg := journey.Config{Roles: standardRoles, Caps: []journey.Cap{
				{Name: "email", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(2), Policy: policy},
				{Name: "all", Max: 3, Per: journey.Days(5), Policy: policy, MaxDefer: journey.Days(2)},
			}}
			var js []journey.Journey
			var ids []string
			var entries []journey.Event
			for k := 0; k < 3; k++ {
				// a journey may go to the ones made before it
				j := randomJourney(rng, fmt.Sprintf("j%d", k), 6+rng.IntN(10), ids...)
				require.NoError(t, journey.Validate(j, cfg), "generated journey must be valid")
				js = append(js, j)
				ids = append(ids, j.ID)
			}
			// the others are entered by go-tos and audience entries
			entries = manual(ids[len(ids)-1], day0)
			// and one by a list the accounts are in, again when its
			// instance ends or its policy lets them in again
			listed := randomJourney(rng, "listed", 6+rng.IntN(10), ids...)
			listed.Triggers = []journey.Trigger{{Type: journey.TriggerList, List: "vip"}}
			listed.ReEntry = journey.ReEntry{Mode: journey.ReEntryAfter, After: journey.Days(1 + rng.IntN(4)), FromExit: rng.IntN(2) == 0}
			require.NoError(t, journey.Validate(listed, cfg), "generated journey must be valid")
			js = append(js, listed)
			cat := newCatalog(t, cfg, js...)
			for a := 0; a < 10; a++ {
				view := randomView(rng, a)
				view.Lists = []string{"vip"}
				at := func(time.Time) *journey.AccountView { return view }
				end := day0.Add(days(30))
				var events []journey.Event
				for h := 1 + rng.IntN(24); h < 30*24; h += 1 + rng.IntN(48) {
					ev := journey.Event{Type: journey.EventActivity, ActivityType: "visit_web_page", At: day0.Add(hours(h))}
					if rng.IntN(8) == 0 {
						ev = journey.Event{Type: journey.EventAudienceEntered, Audience: "a", At: ev.At}
					}
					events = append(events, ev)
				}

				var onTime journey.State
				want := stepOnTime(cat, &onTime, at, append(entries, events...), end)

				var late journey.State
				var got stepped
				got.add(cat.Step(&late, journey.Input{View: view, Now: day0, Events: entries}))
				rest := events
				for now := day0; now.Before(end); {
					now = now.Add(hours(1 + rng.IntN(96)))
					if now.After(end) {
						now = end
					}
					k := 0
					for k < len(rest) && !rest[k].At.After(now) {
						k++
					}
					got.add(cat.Step(&late, journey.Input{View: view, Now: now, Events: rest[:k]}))
					rest = rest[k:]
				}
				for _, d := range got.Trace {
					switch {
					case d.Kind == journey.DecisionEnter && strings.HasPrefix(d.Reason, "go to from "):
						goTos.Add(1)
					case d.Kind == journey.DecisionEnter && strings.HasPrefix(d.Reason, "entered audience "):
						audience.Add(1)
					case d.Kind == journey.DecisionEnter && strings.HasPrefix(d.Reason, "in list ") && d.At.After(day0):
						lists.Add(1)
					case d.Kind == journey.DecisionDefer:
						deferred.Add(1)
					}
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("account %d: late steps decided otherwise than steps on time (-on time +late):\n%s", a, diff)
				}
				// A step prunes the messages older than the caps' longest
				// period, one that is idle does not.
				recent := cmpopts.IgnoreSliceElements(func(c journey.Contact) bool { return !c.At.After(end.Add(-days(5))) })
				if diff := cmp.Diff(onTime, late, recent, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("account %d: late steps left the state otherwise than steps on time (-on time +late):\n%s", a, diff)
				}
			}
		})
	}
}
