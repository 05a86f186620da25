package engine_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestTimesTheLogCannotHold: an input with a time JSON cannot write (a
// year past 9999 or before 0, a zone offset of 24 hours or more), which
// would fail the commit of every account it reaches and the call with
// it, is refused as invalid, naming the field, on either store; the
// call's other inputs are applied.
func TestTimesTheLogCannotHold(t *testing.T) {
	t.Parallel()
	far := time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC)
	east := day0.Add(-time.Hour).In(time.FixedZone("far east", 25*3600))
	tests := []struct {
		name   string
		batch  func() engine.Batch
		kind   string
		detail string
	}{
		{"account record time", func() engine.Batch {
			r := acmeRecord()
			r.Time = far
			return engine.Batch{Accounts: []identity.AccountRecord{r}}
		}, engine.KindAccount, "time: 12000-01-01T00:00:00Z cannot be stored"},
		{"account updatedAt", func() engine.Batch {
			r := acmeRecord()
			r.Time, r.Account.UpdatedAt = time.Time{}, east
			return engine.Batch{Accounts: []identity.AccountRecord{r}}
		}, engine.KindAccount, "account.updatedAt: 2026-03-03T09:00:00+25:00 cannot be stored"},
		{"account attribute", func() engine.Batch {
			r := acmeRecord()
			r.Account.Attributes = map[string]any{"renewal": far}
			return engine.Batch{Accounts: []identity.AccountRecord{r}}
		}, engine.KindAccount, `account.attributes["renewal"]: 12000-01-01T00:00:00Z cannot be stored`},
		{"person record time", func() engine.Batch {
			p := lead("L-7", "zoe@acme.com", "Zoe", "Li", "CTO", "Acme")
			p.Time = before
			return engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{p}}
		}, engine.KindPerson, "time: -0001-06-01T00:00:00Z cannot be stored"},
		{"person consent", func() engine.Batch {
			p := lead("L-7", "zoe@acme.com", "Zoe", "Li", "CTO", "Acme")
			p.Person.Consent[b2b.ChannelEmail] = b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: far}
			return engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{p}}
		}, engine.KindPerson, `person.consent["email"].at: 12000-01-01T00:00:00Z cannot be stored`},
		{"opportunity", func() engine.Batch {
			return engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Opportunities: []b2b.Opportunity{{ID: "opp1", Account: "acme",
				SolutionInterest: "data-platform", Name: "Deal", Stage: "Prospecting", Status: b2b.OpportunityOpen, CreatedAt: far}}}
		}, engine.KindOpportunity, `opportunity "opp1": createdAt: 12000-01-01T00:00:00Z cannot be stored`},
		{"activity time zone", func() engine.Batch {
			return engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{lead("L-7", "zoe@acme.com", "Zoe", "Li", "CTO", "Acme")},
				Activities: []b2b.Activity{activity("a1", b2b.ActivityRequestDemo, "L-7", east, nil)}}
		}, engine.KindActivity, `activity "a1": time: 2026-03-03T09:00:00+25:00 cannot be stored`},
		{"activity attribute", func() engine.Batch {
			return engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{lead("L-7", "zoe@acme.com", "Zoe", "Li", "CTO", "Acme")},
				Activities: []b2b.Activity{activity("a1", b2b.ActivityRequestDemo, "L-7", day0, map[string]any{"at": before})}}
		}, engine.KindActivity, `attributes["at"]: -0001-06-01T00:00:00Z cannot be stored`},
	}
	for _, st := range stateStores {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st.store() })
				batch := tt.batch()
				rep, err := b.eng.Apply(b.ctx, batch)
				require.NoError(t, err)
				require.Len(t, rep.Rejected, 1)
				r := rep.Rejected[0]
				require.Equal(t, tt.kind, r.Kind)
				require.Equal(t, "invalid", r.Reason)
				require.Contains(t, r.Detail, tt.detail)
				inputs := len(batch.Accounts) + len(batch.Persons) + len(batch.Opportunities) + len(batch.Activities)
				require.Equal(t, inputs-1, rep.Applied, "the call's other inputs are applied")
				require.Equal(t, map[string]int64{"invalid": 1}, b.eng.Counters().Rejected)
			})
		}
	}
}
