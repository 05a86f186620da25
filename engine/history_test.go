package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// What an account knows of a person follows them through several identity
// changes, in separate calls: a move after a move, a move back to an
// account after a merge, a merge after one record had a message the other
// was held back from.

// TestMergedPersonsStepSentToTheOtherRecordOnce: with one marketing email
// a week, deferred when over, Victor's lead (L-2) has Acme's intro on day
// 0; another record of his joins Acme on day 3. The nurture of day 5 is
// held back for L-2 (the intro counts) and sent to the other. On day 6
// his records merge: he had the nurture of day 5 already, and the copy
// held back for L-2 is his too. The node's three visits reach him three
// times, not four; whichever record's ID the merged person keeps (the
// first record's: L-2 here, or a lead of his that was linked to no
// account before).
func TestMergedPersonsStepSentToTheOtherRecordOnce(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "1 marketing email a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 1, Per: journey.Days(7),
		Policy: journey.CapDefer, MaxDefer: journey.Days(30)}}
	at := func(r identity.PersonRecord, t time.Time) identity.PersonRecord {
		r.Time = t
		return r
	}
	victor := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	for _, tc := range []struct {
		name          string
		before        []identity.PersonRecord // before Acme and L-2
		join, merge   identity.PersonRecord   // on day 3, on day 6
		merged, taken b2b.PersonID            // the merged person, the one merged into them
	}{{
		name:   "held back for the survivor",
		join:   at(contact("003V", "vkim@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(3)),
		merge:  at(contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme"), day(6)),
		merged: "marketo:L-2", taken: "salesforce:003V",
	}, {
		name:   "held back for the one merged",
		before: []identity.PersonRecord{at(lead("L-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", ""), day0.Add(-2*time.Hour))},
		join:   at(lead("L-1", "victor.kim@gmail.com", "Victor", "Kim", "VP of Engineering", "Acme"), day(3)),
		merge:  at(lead("L-1", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"), day(6)),
		merged: "marketo:L-1", taken: "marketo:L-2",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs)
			if tc.before != nil {
				rep, err := b.eng.Apply(b.ctx, engine.Batch{Persons: tc.before})
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
			}
			rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{victor}})
			require.NoError(t, err)
			require.Empty(t, rep.Rejected)
			var nurtures []string
			deliver := func(now time.Time) {
				for _, m := range claimAll(t, b, now) {
					if m.Template == "nurture" {
						nurtures = append(nurtures, now.Format("Jan 2")+" "+m.To)
					}
				}
			}
			deliver(day0)
			for d := 1; d <= 60; d++ {
				b.clock.Set(day(d))
				switch d {
				case 3:
					_, err := b.eng.UpsertPersons(b.ctx, tc.join)
					require.NoError(t, err)
					v, err := b.eng.Account(b.ctx, "acme", day(3))
					require.NoError(t, err)
					require.Len(t, v.Persons, 2)
				case 6:
					_, err := b.eng.UpsertPersons(b.ctx, tc.merge)
					require.NoError(t, err)
					for _, id := range []b2b.PersonID{tc.merged, tc.taken} {
						src, rid, _ := strings.Cut(string(id), ":")
						p, _ := b.eng.PersonOfRecord(b2b.Source(src), rid)
						require.Equal(t, tc.merged, p, "one person now")
					}
				}
				_, err := b.eng.Advance(b.ctx, day(d))
				require.NoError(t, err)
				deliver(day(d))
			}
			require.Len(t, nurtures, 3, "the nurture node's three visits, each once: %v", nurtures)
		})
	}
}
