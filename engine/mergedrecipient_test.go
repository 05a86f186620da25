package engine_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestQueuedMessageToAPersonMergedBeforeItsClaim: the pipeline journey
// (two marketing emails a week) queues its intro on day 0 to Acme's
// committee; on day 1, before the outbox is claimed, a CRM record links
// two of Acme's persons, Victor's marketing lead (L-2) and his CRM contact
// (003V), and they merge. The message queued to the person whose ID is
// gone is the surviving person's now: it goes to them (their consent
// checked), unless they had the step's message already as the other
// record, when it is suppressed with why. Never is it a message that
// "cannot be rendered".
func TestQueuedMessageToAPersonMergedBeforeItsClaim(t *testing.T) {
	t.Parallel()
	optOut := map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceSalesforce, At: day0.Add(-30 * time.Minute)}}
	optedOut := contact("003V", "", "Victor", "Kim", "VP of Engineering", "acme")
	optedOut.Person.Consent = optOut
	tests := []struct {
		name string
		// persons are Acme's persons on day 0, in the order they arrive:
		// the first of Victor's two is the one who survives the merge.
		persons []identity.PersonRecord
		// claimed are the messages claimed on day 1, "template->to (person)".
		claimed []string
		// suppressed is the reason of the message suppressed at the claim.
		suppressed string
		// optOut is the CRM's opt-out of Victor, which the linking record
		// keeps.
		optOut bool
	}{
		{
			name: "both had the step's email",
			persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
				contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme")},
			claimed:    []string{"intro->victor@acme.com (marketo:L-2)"},
			suppressed: "the records of salesforce:003V merged into marketo:L-2, who had the step's message already",
		},
		{
			name: "only the merged record had it",
			persons: []identity.PersonRecord{contact("003V", "", "Victor", "Kim", "VP of Engineering", "acme"),
				lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")},
			claimed: []string{"intro->victor@acme.com (salesforce:003V)"},
		},
		{
			name: "the surviving person opted out",
			persons: []identity.PersonRecord{optedOut,
				lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")},
			suppressed: "email consent is opt-out",
			optOut:     true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(2))
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: tt.persons})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			link := victorsNewAddress(day(1))
			if tt.optOut {
				link.Person.Consent = optOut
			}
			upsert(t, b, day(1), link)
			l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			sf, _ := b.eng.PersonOfRecord(b2b.SourceSalesforce, "003V")
			require.Equal(t, l2, sf, "one Victor")

			var claimed []string
			for _, m := range claimAll(t, b, day(1)) {
				claimed = append(claimed, m.Template+"->"+m.To+" ("+string(m.Person)+")")
			}
			require.Empty(t, cmp.Diff(tt.claimed, claimed), "claimed (-want +got)")
			var suppressed []string
			for _, e := range eventsOf(t, b, "acme") {
				switch e.Type {
				case "message.failed":
					t.Errorf("message failed: %s", e.Data)
				case "message.suppressed":
					var d struct{ Error string }
					require.NoError(t, json.Unmarshal(e.Data, &d))
					suppressed = append(suppressed, d.Error)
				}
			}
			if tt.suppressed == "" {
				require.Empty(t, suppressed)
			} else {
				require.Len(t, suppressed, 1)
				require.Contains(t, suppressed[0], tt.suppressed)
			}
			require.Zero(t, b.eng.Counters().Messages["unrenderable"])
		})
	}
}

// TestQueuedMessageToAPersonWhoLeftBeforeItsClaim: on day 0 Acme's
// pipeline journey queues its intro to Victor's marketing lead (L-2,
// victor@acme.com) and Globex's to his Dynamics contact of Globex (D-1,
// vk@globex.com, his oldest record) and to Gina. On day 1, before the
// outbox is claimed, Victor's records merge into D-1, a person of
// another account, or his lead moves to Globex, or to no company (between
// jobs). Acme's intro is for a person of Acme: it goes to the person he
// is now when they are still one of Acme's (a link to Acme besides
// Globex), to the address it was queued for; when he left Acme it is
// suppressed, with why, and counted as suppressed: never a message that
// "cannot be rendered".
func TestQueuedMessageToAPersonWhoLeftBeforeItsClaim(t *testing.T) {
	t.Parallel()
	merged := dynamicsContact("D-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "globex", day(1))
	mergedLinked := merged
	mergedLinked.OtherAccounts = []b2b.AccountID{"acme"}
	moved := lead("L-2", "victor@globex.com", "Victor", "Kim", "VP of Engineering", "Globex")
	moved.Time = day(1)
	between := lead("L-2", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "")
	between.Time = day(1)
	tests := []struct {
		name string
		// change is the record upserted on day 1.
		change identity.PersonRecord
		// victor is the person L-2's records are then.
		victor b2b.PersonID
		// claimed are the messages claimed on day 1, "account
		// template->to (person)".
		claimed []string
		// suppressed is the reason of the message suppressed at the
		// claim, if any.
		suppressed string
	}{
		{
			name:   "merged into a person of another account",
			change: merged,
			victor: "dynamics:D-1",
			claimed: []string{"globex intro->gina@globex.com (marketo:L-9)",
				"globex intro->vk@globex.com (dynamics:D-1)"},
			suppressed: "the recipient left the account: the records of marketo:L-2 merged into dynamics:D-1, who is not a person of acme (a person of globex)",
		},
		{
			name:   "merged into a person of another account linked to this one too",
			change: mergedLinked,
			victor: "dynamics:D-1",
			claimed: []string{"acme intro->victor@acme.com (dynamics:D-1)",
				"globex intro->gina@globex.com (marketo:L-9)",
				"globex intro->vk@globex.com (dynamics:D-1)"},
		},
		{
			name:   "moved to another account",
			change: moved,
			victor: "marketo:L-2",
			claimed: []string{"globex intro->gina@globex.com (marketo:L-9)",
				"globex intro->vk@globex.com (dynamics:D-1)"},
			suppressed: "the recipient left the account: marketo:L-2 is not a person of acme (a person of globex)",
		},
		{
			name:   "between jobs",
			change: between,
			victor: "marketo:L-2",
			claimed: []string{"globex intro->gina@globex.com (marketo:L-9)",
				"globex intro->vk@globex.com (dynamics:D-1)"},
			suppressed: "the recipient left the account: marketo:L-2 is not a person of acme (a person of no account)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineCapped(2))
			victorAtGlobexToo(t, b)
			upsert(t, b, day(1), tt.change)
			l2, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.Equal(t, tt.victor, l2)

			var claimed []string
			for _, m := range claimAll(t, b, day(1)) {
				claimed = append(claimed, string(m.Account)+" "+m.Template+"->"+m.To+" ("+string(m.Person)+")")
			}
			slices.Sort(claimed)
			require.Empty(t, cmp.Diff(tt.claimed, claimed), "claimed (-want +got)")
			var suppressed []string
			for _, acc := range []b2b.AccountID{"acme", "globex"} {
				for _, e := range eventsOf(t, b, acc) {
					switch e.Type {
					case "message.failed":
						t.Errorf("%s: message failed: %s", acc, e.Data)
					case "message.suppressed":
						var d struct{ Error string }
						require.NoError(t, json.Unmarshal(e.Data, &d))
						suppressed = append(suppressed, string(acc)+": "+d.Error)
					}
				}
			}
			c := b.eng.Counters()
			require.Zero(t, c.Messages["unrenderable"])
			require.Zero(t, c.Deliveries["failed"])
			if tt.suppressed == "" {
				require.Empty(t, suppressed)
				require.Zero(t, c.Deliveries["suppressed"])
				return
			}
			require.Equal(t, []string{"acme: " + tt.suppressed}, suppressed)
			require.Equal(t, int64(1), c.Deliveries["suppressed"])
		})
	}
}
