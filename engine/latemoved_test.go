package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
)

// TestLateStepCountsTheAccountsAPersonLeft: a person mailed by globex-de
// on day 0 moves to initech on day 1, whose journey mails them on a demo
// request of day 5 under a cap of one email a week. A batch of day 9
// that brings the request (heard at day 5) and a person record (which
// makes the pass set the account's persons again) still counts
// globex-de's email: the accounts a person left are kept as far back as
// the pass's journeys decide, not from the pass's time.
func TestLateStepCountsTheAccountsAPersonLeft(t *testing.T) {
	t.Parallel()
	for _, late := range []bool{false, true} {
		for _, withPerson := range []bool{false, true} {
			t.Run(map[bool]string{false: "on time", true: "late"}[late]+"/"+map[bool]string{false: "activity only", true: "with a person record"}[withPerson], func(t *testing.T) {
				b := setup(t, weeklyCapProgram(), func(c *engine.Config) { c.RefreshInterval = 30 * 24 * time.Hour })
				cto := contact("003CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "globex-de")
				b.clock.Set(day0)
				_, err := b.eng.Apply(b.ctx, engine.Batch{
					Accounts: []identity.AccountRecord{account("globex-de", "Globex DE", "globex.de", ""), account("initech", "Initech", "initech.com", "")},
					Persons:  []identity.PersonRecord{cto, contact("003CFO", "cfo@initech.com", "Cy", "Fo", "Chief Financial Officer", "initech")}})
				require.NoError(t, err)
				b.clock.Set(day0.Add(time.Hour))
				rep, err := b.eng.Enter(b.ctx, "globex-de", "news")
				require.NoError(t, err)
				require.Equal(t, 1, rep.Messages, "globex-de's email")
				// Day 1: the CTO moves to initech.
				b.clock.Set(day(1))
				cto.Person.AccountID, cto.Time = "initech", day(1)
				_, err = b.eng.UpsertPersons(b.ctx, cto)
				require.NoError(t, err)
				_, err = b.eng.Enter(b.ctx, "initech", "hear")
				require.NoError(t, err)

				at := day(9)
				if !late {
					at = day(5)
				}
				b.clock.Set(at)
				demo := activity("d-1", b2b.ActivityRequestDemo, "003CTO", day(5), nil)
				demo.Source, demo.Account = b2b.SourceSalesforce, "initech"
				batch := engine.Batch{Activities: []b2b.Activity{demo}}
				if withPerson {
					batch.Persons = []identity.PersonRecord{contact("003CEO", "ceo@initech.com", "Al", "Bo", "Chief Executive Officer", "initech")}
				}
				rep, err = b.eng.Apply(b.ctx, batch)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
				n := countEventsWhere(t, b, "initech", func(ev store.Event) bool {
					return ev.Type == "journey.skip" && strings.Contains(string(ev.Data), "frequency cap")
				})
				require.Equal(t, 1, n, "the CTO capped at day 5: globex-de emailed them on day 0")
			})
		}
	}
}
