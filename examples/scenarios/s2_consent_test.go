package scenarios_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
)

// TestS2UnsubscribedMembers runs s2-pipeline-acceleration.yaml on its else
// path: the three members who got the intro unsubscribe on day 1 (as a
// provider's webhook reports it). Their consent is withdrawn at once,
// with a consent.changed event naming the unsubscribe; the nurture email
// skips each of them at each of its three visits with the reason, and the
// journey still ends "not engaged" on day 26.
func TestS2UnsubscribedMembers(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS2)
	setupAcme(t, b)
	require.Len(t, claimAll(t, b, day0), 3, "the intro to the three members")
	b.clock.Set(day(1))
	rep, err := b.eng.Ingest(b.ctx,
		activity("u1", b2b.ActivityUnsubscribeEmail, "L-1", day(1), nil),
		activity("u2", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil),
		activity("u3", b2b.ActivityUnsubscribeEmail, "L-3", day(1), nil))
	require.NoError(t, err)
	require.Equal(t, 3, rep.Applied)
	require.Empty(t, rep.Rejected)

	for d := 2; d <= 40; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		require.Empty(t, claimAll(t, b, day(d)), "day %d: nobody who unsubscribed is emailed", d)
	}

	optedOut := map[string]b2b.Consent{}
	for _, p := range b.view(t, "acme").Persons {
		if c := p.Person.ConsentFor(b2b.ChannelEmail); c.OptedOut() {
			optedOut[p.Person.Email] = c
		}
	}
	unsubscribed := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	want := map[string]b2b.Consent{"carla.cfo@acme.com": unsubscribed, "victor@acme.com": unsubscribed, "dev@acme.com": unsubscribed}
	if diff := cmp.Diff(want, optedOut); diff != "" {
		t.Errorf("opted out of email (-want +got):\n%s", diff)
	}

	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var refs []string
	skips, outcome := 0, ""
	for _, e := range evs {
		switch e.Type {
		case "consent.changed":
			var c struct{ Channel, From, To, Ref, Reason string }
			require.NoError(t, json.Unmarshal(e.Data, &c))
			require.Equal(t, []string{"email", "opt-in", "opt-out"}, []string{c.Channel, c.From, c.To})
			require.Contains(t, c.Reason, "opt-out from marketo at 2026-03-03T09:00:00Z")
			refs = append(refs, c.Ref)
		case "journey.skip":
			var d journey.Decision
			require.NoError(t, json.Unmarshal(e.Data, &d))
			require.Contains(t, d.Reason, `consent: opted out of email (source "marketo", 2026-03-03)`)
			skips++
		case "journey.ended":
			var en journey.Ended
			require.NoError(t, json.Unmarshal(e.Data, &en))
			require.Equal(t, day(26), en.At)
			outcome = en.Outcome
		}
	}
	slices.Sort(refs)
	require.Equal(t, []string{"u1", "u2", "u3"}, refs, "each change names its unsubscribe")
	require.Equal(t, 9, skips, "three members at each of three nurture visits")
	require.Equal(t, "not engaged", outcome)
}

// TestS2OptOutBeforeDelivery runs s2-pipeline-acceleration.yaml with the
// VP of Engineering opting out a minute after the intro was queued (a
// marketing lead record that says so), before any dispatcher claimed it:
// the claim does not return their intro but records it as suppressed,
// with the consent as the reason; the two others go out.
func TestS2OptOutBeforeDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS2)
	setupAcme(t, b)
	out := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	out.Time = day0.Add(time.Minute)
	out.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day0.Add(time.Minute)}}
	b.clock.Set(day0.Add(2 * time.Minute))
	rep, err := b.eng.UpsertPersons(b.ctx, out)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: day0.Add(3 * time.Minute), Limit: 100, Lease: time.Minute})
	require.NoError(t, err)
	var to []string
	for _, en := range got {
		to = append(to, en.Message.To)
	}
	slices.Sort(to)
	require.Equal(t, []string{"carla.cfo@acme.com", "dev@acme.com"}, to)

	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var suppressed, changed []string
	for _, e := range evs {
		switch e.Type {
		case "message.suppressed":
			var r struct{ Error string }
			require.NoError(t, json.Unmarshal(e.Data, &r))
			suppressed = append(suppressed, r.Error)
		case "consent.changed":
			var c struct{ Channel, From, To, Ref string }
			require.NoError(t, json.Unmarshal(e.Data, &c))
			changed = append(changed, c.Channel+" "+c.From+" -> "+c.To+" by "+c.Ref)
		}
	}
	require.Equal(t, []string{"email consent is opt-out (source marketo, 2026-03-02T09:01:00Z)"}, suppressed)
	require.Equal(t, []string{"email opt-in -> opt-out by person marketo:L-2"}, changed, "the record's change is in the log too")
}
