package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// The CRM records Carla's opt-out an hour before day 0; the marketing
// lead's opt-in is a month old. The golden person is opted out, whichever
// record arrives first, and the journey's intro e-mail goes to the other
// members of the committee but not to her.
func TestConsentMergeThroughTheEngine(t *testing.T) {
	t.Parallel()
	crm := contact("003CFO", "carla.cfo@acme.com", "Carla", "Diaz", "Chief Financial Officer", "acme")
	crm.Time = day0.Add(-time.Hour)
	crm.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day0.Add(-time.Hour)}}
	mkto := lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme")
	victor := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	tests := []struct {
		name    string
		persons []identity.PersonRecord
	}{
		{"the CRM contact first", []identity.PersonRecord{crm, mkto, victor}},
		{"the marketing lead first", []identity.PersonRecord{mkto, crm, victor}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: tt.persons})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)

			id, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
			require.True(t, ok)
			g, err := b.eng.Identity(id)
			require.NoError(t, err)
			require.Len(t, g.Records, 2)
			require.Equal(t, b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day0.Add(-time.Hour)},
				g.Person.ConsentFor(b2b.ChannelEmail))
			prov := g.Provenance["consent.email"]
			require.Equal(t, "salesforce:003CFO", prov.Source+":"+prov.RecordID)
			require.Equal(t, "opt-out at 2026-03-02T08:00:00Z wins over opt-in of marketo:L-1 at 2026-02-02T09:00:00Z (older)", prov.Reason)

			var to []string
			for _, m := range claimAll(t, b, day0) {
				to = append(to, m.To)
			}
			slices.Sort(to)
			require.Empty(t, cmp.Diff([]string{"victor@acme.com"}, to), "e-mails sent (-want +got)")
		})
	}
}
