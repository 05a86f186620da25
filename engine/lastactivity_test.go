package engine_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/qualify"
)

// lastActivityModel is option A whose readiness reads the days since the
// group's last activity alone.
func lastActivityModel() program.Definitions {
	defs := pipelineProgram()
	defs.Journeys = nil
	defs.Readiness = program.Readiness{Strategy: program.ReadinessModel, ReadyProbability: 0.9, NurtureProbability: 0.5, Model: &qualify.Model{
		Version: qualify.ModelVersion, Terms: []qualify.ModelTerm{
			{Feature: qualify.ModelFeatureDaysSinceLastActivity, Mean: 30, Scale: 30, Weight: -1},
		}}}
	return defs
}

// A group's last activity is remembered past the activity retention
// (30 days here): readiness reads how long ago it was, not "no activity
// ever", once its record is pruned; an erased person's is forgotten.
func TestDaysSinceLastActivityOutlivesTheRetention(t *testing.T) {
	tests := []struct {
		name  string
		erase bool
		at    int
		// min is the fewest days the verdict may count: it is made at
		// the account's last pass, which decay alone runs less and less
		// often; never "no activity ever" when min > 0.
		min int
	}{
		{"within the retention", false, 20, 10},
		{"past the retention", false, 40, 31},
		{"long past it", false, 200, 150},
		{"the person erased", true, 40, 0},
	}
	for _, s := range stateStores {
		for _, tt := range tests {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				b := setup(t, lastActivityModel(), func(c *engine.Config) { c.Store = s.store() })
				setupAcme(t, b)
				b.clock.Set(day(1))
				_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
				require.NoError(t, err)
				// Time passes day by day, as a host's scheduler has it.
				advanceDaily(t, b, 2, tt.at)
				if tt.erase {
					_, err = b.eng.ErasePerson(b.ctx, "marketo:L-2")
					require.NoError(t, err)
				}
				v, err := b.eng.Account(b.ctx, "acme", day(tt.at))
				require.NoError(t, err)
				r := v.Groups[0].Readiness
				require.NotNil(t, r)
				got := r.Contributions[0].Value
				if tt.min == 0 {
					require.Equal(t, "no activity ever", got, r.Explain())
					return
				}
				var days int
				_, err = fmt.Sscanf(got, "no activity for %d days", &days)
				require.NoError(t, err, "Victor requested a demo on day 1: %s", r.Explain())
				require.GreaterOrEqual(t, days, tt.min, r.Explain())
				require.LessOrEqual(t, days, tt.at-1, r.Explain())
			})
		}
	}
}

// A person's last activity goes with them when identity merges their
// record into another person's: Nina's second lead, on which she
// requested a demo on day 1, is found to be hers on day 2 (its email
// corrected), and the demo still counts on day 40, past the retention.
func TestLastActivityFollowsAMergedPerson(t *testing.T) {
	for _, s := range stateStores {
		t.Run(s.name, func(t *testing.T) {
			b := setup(t, lastActivityModel(), func(c *engine.Config) { c.Store = s.store() })
			setupAcme(t, b)
			second := lead("L-7", "nina.ross@acme.com", "Nina", "Ross", "Chief Technology Officer", "Acme")
			_, err := b.eng.UpsertPersons(b.ctx, lead("L-6", "nina@acme.com", "Nina", "Ross", "Chief Technology Officer", "Acme"), second)
			require.NoError(t, err)
			b.clock.Set(day(1))
			_, err = b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-7", day(1), nil))
			require.NoError(t, err)
			b.clock.Set(day(2))
			second.Person.Email, second.Time = "nina@acme.com", day(2)
			_, err = b.eng.UpsertPersons(b.ctx, second)
			require.NoError(t, err)
			advanceDaily(t, b, 3, 40)
			v, err := b.eng.Account(b.ctx, "acme", day(40))
			require.NoError(t, err)
			var ids []b2b.PersonID
			for _, p := range v.Persons {
				if p.Person.LastName == "Ross" {
					ids = append(ids, p.Person.ID)
				}
			}
			require.Equal(t, []b2b.PersonID{"marketo:L-6"}, ids, "the second lead merged into the first")
			r := v.Groups[0].Readiness
			require.NotNil(t, r)
			var days int
			_, err = fmt.Sscanf(r.Contributions[0].Value, "no activity for %d days", &days)
			require.NoError(t, err, "Nina requested a demo on day 1: %s", r.Explain())
			require.Greater(t, days, 30, r.Explain())
		})
	}
}

// An account merged into another hands its persons' last activities over
// with them: Ann, of a Marketo company found on day 2 to be Acme,
// requested a demo on day 1, and Acme's group still counts it on day 40.
func TestLastActivityIsHandedOver(t *testing.T) {
	for _, s := range stateStores {
		t.Run(s.name, func(t *testing.T) {
			b := setup(t, lastActivityModel(), func(c *engine.Config) { c.Store = s.store() })
			setupAcme(t, b)
			mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
				Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}}}
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk},
				Persons: []identity.PersonRecord{lead("L-8", "ann@acme.net", "Ann", "Lee", "Chief Technology Officer", "")}})
			require.NoError(t, err)
			b.clock.Set(day(1))
			_, err = b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-8", day(1), nil))
			require.NoError(t, err)
			mergeInto(t, b, mk, "acme", day(2))
			advanceDaily(t, b, 3, 40)
			v, err := b.eng.Account(b.ctx, "acme", day(40))
			require.NoError(t, err)
			require.True(t, slices.ContainsFunc(v.Groups[0].Group.Members, func(m buyinggroup.Member) bool { return m.Person == "marketo:L-8" }),
				"Ann is a member of Acme's group")
			r := v.Groups[0].Readiness
			require.NotNil(t, r)
			var days int
			_, err = fmt.Sscanf(r.Contributions[0].Value, "no activity for %d days", &days)
			require.NoError(t, err, "Ann requested a demo on day 1: %s", r.Explain())
			require.Greater(t, days, 30, r.Explain())
		})
	}
}
