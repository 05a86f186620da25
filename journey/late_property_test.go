package journey_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/journey"
)

// TestPropertyLateSteps runs seeded random valid journeys with random
// activities over 30 days, once stepped at every due and event time and
// once stepped at random times, late, and wants the same decisions, the
// same messages and the same tracks from both.
func TestPropertyLateSteps(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 7))
			cfg := journey.Config{Roles: standardRoles}
			var js []journey.Journey
			var entries []journey.Event
			for k := 0; k < 3; k++ {
				j := randomJourney(rng, fmt.Sprintf("j%d", k), 6+rng.IntN(10))
				require.NoError(t, journey.Validate(j, cfg), "generated journey must be valid")
				js = append(js, j)
				entries = append(entries, manual(j.ID, day0)...)
			}
			cat := newCatalog(t, cfg, js...)
			for a := 0; a < 10; a++ {
				view := randomView(rng, a)
				at := func(time.Time) *journey.AccountView { return view }
				end := day0.Add(days(30))
				var events []journey.Event
				for h := 1 + rng.IntN(24); h < 30*24; h += 1 + rng.IntN(48) {
					events = append(events, journey.Event{Type: journey.EventActivity, ActivityType: "visit_web_page", At: day0.Add(hours(h))})
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
				if diff := cmp.Diff(want, got, ignoreStepTimes); diff != "" {
					t.Fatalf("account %d: late steps decided otherwise than steps on time (-on time +late):\n%s", a, diff)
				}
				if diff := cmp.Diff(onTime.Instances, late.Instances, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("account %d: late steps left the tracks otherwise than steps on time (-on time +late):\n%s", a, diff)
				}
			}
		})
	}
}
