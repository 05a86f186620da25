package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// eventsOf returns an account's whole event log.
func eventsOf(t *testing.T, b *bundle, account b2b.AccountID) []store.Event {
	t.Helper()
	evs, err := b.eng.Events(b.ctx, account, 0, 1<<20)
	require.NoError(t, err)
	return evs
}

// leadPerson returns the golden person of a Marketo lead.
func leadPerson(t *testing.T, b *bundle, rec string) b2b.PersonID {
	t.Helper()
	id, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, rec)
	require.True(t, ok, "lead %s", rec)
	return id
}

// claimOne claims what is due at now with a lease, recording nothing.
func claimOne(t *testing.T, b *bundle, now time.Time, lease time.Duration) []channel.Entry {
	t.Helper()
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: now, Limit: 1000, Lease: lease})
	require.NoError(t, err)
	return got
}

// entryOf returns the claimed entry addressed to an email address.
func entryOf(t *testing.T, ens []channel.Entry, to string) channel.Entry {
	t.Helper()
	for _, en := range ens {
		if en.Message.To == to {
			return en
		}
	}
	t.Fatalf("no entry to %s among %d", to, len(ens))
	return channel.Entry{}
}

// TestAdvanceBackInTimeDecidesNothing: after Advance to day 5 (the
// five-day wait ended, the split decided), Advance called with day 2 (a
// host's clock going back) must decide nothing again: "time never goes
// back for an account" (Engine.Advance). A careful user expects no new
// events, no new messages and the account's version unchanged.
func TestAdvanceBackInTimeDecidesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	engageUntilTheAlert(t, b)
	before, err := b.eng.Account(b.ctx, "acme", day(5))
	require.NoError(t, err)
	nEvents := len(eventsOf(t, b, "acme"))

	rep, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	require.Zero(t, rep.Steps)
	require.Zero(t, rep.Messages)
	after, err := b.eng.Account(b.ctx, "acme", day(5))
	require.NoError(t, err)
	require.Equal(t, before.Version, after.Version, "a pass back in time committed")
	require.Equal(t, nEvents, len(eventsOf(t, b, "acme")))

	// And going forward again after that decides what a run without the
	// step back decides: one intro per person, one alert.
	_, err = b.eng.Advance(b.ctx, day(20))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "acme", "alert.raised"))
}

// TestAdvanceMonthsAheadMatchesDailyWithWorkers: two accounts (Acme,
// Globex), each on the pipeline journey, run twice with eight workers:
// once with an Advance each day for 90 days, once with one Advance to
// day 90. "one Advance after forty quiet days makes the decisions that
// forty daily ones would have made, at the same times, and leaves the
// same state" (Engine.Advance): the journey decisions, their times and
// the messages queued are the same, in the same order per account.
func TestAdvanceMonthsAheadMatchesDailyWithWorkers(t *testing.T) {
	t.Parallel()
	run := func(daily bool) map[b2b.AccountID][]string {
		b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
		setupAcme(t, b)
		setupGlobex(t, b)
		b.clock.Set(day(1))
		ingest(t, b, activity("o-1", b2b.ActivityOpenEmail, "L-2", day(1), nil),
			activity("o-2", b2b.ActivityOpenEmail, "L-9", day(1), nil))
		if daily {
			for d := 2; d <= 90; d++ {
				b.clock.Set(day(d))
				_, err := b.eng.Advance(b.ctx, day(d))
				require.NoError(t, err)
			}
		} else {
			b.clock.Set(day(90))
			_, err := b.eng.Advance(b.ctx, day(90))
			require.NoError(t, err)
		}
		out := map[b2b.AccountID][]string{}
		for _, acc := range []b2b.AccountID{"acme", "globex"} {
			for _, e := range eventsOf(t, b, acc) {
				if strings.HasPrefix(e.Type, "journey.") || e.Type == "message.queued" || e.Type == "message.skipped" {
					out[acc] = append(out[acc], fmt.Sprintf("%s %s %s", e.Time.UTC().Format(time.RFC3339), e.Type, e.Data))
				}
			}
		}
		return out
	}
	daily, once := run(true), run(false)
	require.NotEmpty(t, daily["acme"])
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		require.Equal(t, daily[acc], once[acc], "account %s", acc)
	}
	// The nurture loop ran to its visit limit: three nurture emails per
	// account and the journey ended "not engaged".
	require.Contains(t, strings.Join(once["acme"], "\n"), "not engaged")
}

// TestSameActivityTwiceInOneBatchAndAcross: the same activity ID twice
// in one Ingest, then again in a later one. "an activity ID counts once,
// however often it arrives": one applied, the others duplicates, and the
// person's score is that of one demo request.
func TestSameActivityTwiceInOneBatchAndAcross(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
	setupAcme(t, b)
	b.clock.Set(day(1))
	a := activity("demo-1", b2b.ActivityRequestDemo, "L-2", day(1), nil)
	rep, err := b.eng.Ingest(b.ctx, a, a)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)
	require.Equal(t, []int{1}, rep.DuplicateIndexes)

	b.clock.Set(day(2))
	rep, err = b.eng.Ingest(b.ctx, a)
	require.NoError(t, err)
	require.Equal(t, 0, rep.Applied)
	require.Equal(t, 1, rep.Duplicates)

	victor := leadPerson(t, b, "L-2")
	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	for _, p := range v.Persons {
		if p.Person.ID == victor {
			require.InDelta(t, 100, p.Score, 0.01, "one demo request")
		}
	}
	n := 0
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "activity.applied" {
			var d struct{ Count int }
			require.NoError(t, json.Unmarshal(e.Data, &d))
			n += d.Count
		}
	}
	require.Equal(t, 1, n, "activities applied in the log")
}

// TestActivityFarAheadOrTooLate: an activity dated a day after the
// clock is rejected "future"; one dated a year before it (past every
// retention) "too_late"; neither changes a score.
func TestActivityFarAheadOrTooLate(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(1))
	rep, err := b.eng.Ingest(b.ctx,
		activity("ahead", b2b.ActivityRequestDemo, "L-2", day(2), nil),
		activity("old", b2b.ActivityRequestDemo, "L-2", day(1).AddDate(-1, 0, 0), nil))
	require.NoError(t, err)
	require.Zero(t, rep.Applied)
	var reasons []string
	for _, r := range rep.Rejected {
		reasons = append(reasons, string(r.Activity)+":"+r.Reason)
	}
	slices.Sort(reasons)
	require.Equal(t, []string{"ahead:future", "old:too_late"}, reasons)
	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	for _, p := range v.Persons {
		require.Zero(t, p.Score, "%s", p.Person.Email)
	}
}

// TestRecordAndActivityOfANewPersonInOneBatch: one Apply carries a new
// lead's record and the lead's demo request. The batch's records are
// resolved before its activities are routed, so a careful user expects
// the activity applied (not "unknown_person", which is for persons not
// known yet) and scored on Acme.
func TestRecordAndActivityOfANewPersonInOneBatch(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
	setupAcme(t, b)
	b.clock.Set(day(1))
	rec := lead("L-6", "nina@acme.com", "Nina", "Ng", "Director of Data", "Acme")
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{rec},
		Activities: []b2b.Activity{activity("nina-demo", b2b.ActivityRequestDemo, "L-6", day(1), nil)}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	nina := leadPerson(t, b, "L-6")
	v, err := b.eng.Account(b.ctx, "acme", day(1))
	require.NoError(t, err)
	found := false
	for _, p := range v.Persons {
		if p.Person.ID == nina {
			found = true
			require.InDelta(t, 100, p.Score, 0.01)
		}
	}
	require.True(t, found, "Nina is in Acme")
}

// TestExpiredLeaseClaimedAgainSentOnce: a dispatcher claims the intro
// emails with a one-minute lease and dies. After the lease a second
// dispatcher claims them again: same entry IDs and idempotency keys, the
// next attempt. The first dispatcher's late Record is refused
// (channel.ErrLeaseLost); the second's is kept; one message.delivered per
// message in the log.
func TestExpiredLeaseClaimedAgainSentOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	first := claimOne(t, b, day0, time.Minute)
	require.Len(t, first, 3)
	require.Empty(t, claimOne(t, b, day0.Add(30*time.Second), time.Minute), "leased")

	second := claimOne(t, b, day0.Add(2*time.Minute), time.Minute)
	require.Len(t, second, 3)
	for _, en := range first {
		again := entryOf(t, second, en.Message.To)
		require.Equal(t, en.ID, again.ID)
		require.Equal(t, en.Message.Key, again.Message.Key)
		require.Equal(t, en.Attempts+1, again.Attempts)
		require.Equal(t, en.Message.Subject, again.Message.Subject)
	}
	late := first[0]
	err := b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: late.ID, Seq: late.Seq, Attempt: late.Attempts, Now: day0.Add(3 * time.Minute),
		Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "late"}})
	require.ErrorIs(t, err, channel.ErrLeaseLost)
	for _, en := range second {
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: day0.Add(3 * time.Minute),
			Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "p-" + en.ID}}))
	}
	require.Equal(t, 3, countEvents(t, b, "acme", "message.delivered"))
	require.Empty(t, claimOne(t, b, day(1), time.Minute))
}

// TestFailureRetriedWithBackoff: a temporary failure recorded as
// pending with a next attempt ten minutes later is not claimed before
// then, is claimed (rendered again) after, and a delivery then ends it;
// the log has no message.failed for it, one message.delivered.
func TestFailureRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	ens := claimOne(t, b, day0, time.Minute)
	v := entryOf(t, ens, "victor@acme.com")
	for _, en := range ens {
		if en.ID == v.ID {
			continue
		}
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: day0,
			Status: channel.StatusDelivered}))
	}
	require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: v.ID, Seq: v.Seq, Attempt: v.Attempts, Now: day0,
		Status: channel.StatusPending, Error: "421 try later", NextAttempt: day0.Add(10 * time.Minute)}))
	require.Empty(t, claimOne(t, b, day0.Add(5*time.Minute), time.Minute))

	// Victor's name changes in between: the retry shows it.
	rec := lead("L-2", "victor@acme.com", "Vic", "Kim", "VP of Engineering", "Acme")
	rec.Time = day0.Add(time.Hour)
	b.clock.Set(day0.Add(6 * time.Minute))
	_, err := b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{rec}})
	require.NoError(t, err)

	again := claimOne(t, b, day0.Add(11*time.Minute), time.Minute)
	require.Len(t, again, 1)
	require.Equal(t, v.ID, again[0].ID)
	require.Equal(t, v.Attempts+1, again[0].Attempts)
	require.Equal(t, "421 try later", again[0].LastError)
	require.Contains(t, again[0].Message.Text, "Hi Vic,")
	require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: again[0].ID, Seq: again[0].Seq, Attempt: again[0].Attempts, Now: day0.Add(11 * time.Minute),
		Status: channel.StatusDelivered}))
	require.Equal(t, 3, countEvents(t, b, "acme", "message.delivered"))
	require.Zero(t, countEvents(t, b, "acme", "message.failed"))
}

// TestOptOutDatedAheadSuppressesAtClaim: Victor unsubscribes with an
// activity stamped two minutes ahead of the clock (within the future
// tolerance); the dispatcher claims his queued intro before that time.
// "an opt-out dated ahead restricts at once" and the claim "checks the
// recipient's consent in that state": his email is suppressed, not
// returned.
func TestOptOutDatedAheadSuppressesAtClaim(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day0.Add(time.Minute))
	ingest(t, b, activity("unsub-ahead", b2b.ActivityUnsubscribeEmail, "L-2", day0.Add(3*time.Minute), nil))
	got := claimOne(t, b, day0.Add(time.Minute), time.Minute)
	var to []string
	for _, en := range got {
		to = append(to, en.Message.To)
	}
	slices.Sort(to)
	require.Equal(t, []string{"carla.cfo@acme.com", "dev@acme.com"}, to)
	require.Equal(t, 1, countEvents(t, b, "acme", "message.suppressed"))
}

// TestListsFollowAStageChange: when the journey makes Acme's group
// Sales Ready, Engine.Accounts lists Acme under the new stage and no
// longer under the one it left.
func TestListsFollowAStageChange(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	v, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	require.Len(t, v.Groups, 1)
	was := string(v.Groups[0].Group.Stage)
	got, err := b.eng.Accounts(b.ctx, "stage/data-platform", was)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, got)

	engageUntilTheAlert(t, b)
	v, err = b.eng.Account(b.ctx, "acme", day(5))
	require.NoError(t, err)
	require.Equal(t, buyinggroup.StageSalesReady, v.Groups[0].Group.Stage)
	got, err = b.eng.Accounts(b.ctx, "stage/data-platform", string(buyinggroup.StageSalesReady))
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, got)
	got, err = b.eng.Accounts(b.ctx, "stage/data-platform", was)
	require.NoError(t, err)
	require.Empty(t, got)
	if r := v.Groups[0].Readiness; r != nil {
		got, err = b.eng.Accounts(b.ctx, "readiness/data-platform", string(r.Tier))
		require.NoError(t, err)
		require.Equal(t, []b2b.AccountID{"acme"}, got)
	}
}

// scoreAt returns a person's score in an account's view at now.
func scoreAt(t *testing.T, b *bundle, account b2b.AccountID, id b2b.PersonID, now time.Time) (float64, bool) {
	t.Helper()
	v, err := b.eng.Account(b.ctx, account, now)
	require.NoError(t, err)
	for _, p := range v.Persons {
		if p.Person.ID == id {
			return p.Score, true
		}
	}
	return 0, false
}

// TestAccountViewBeforeAndAfter: Victor requests a demo (100 points,
// half-life 30 days) on day 3. The view "as of now (scores decayed to
// now)" shows 100 on day 3, 50 on day 33, and on day 2, before he
// requested it, no more than the points he had then: 0. A view must never
// show a score above the points ever given.
func TestAccountViewBeforeAndAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(3))
	ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil))
	victor := leadPerson(t, b, "L-2")
	s, ok := scoreAt(t, b, "acme", victor, day(3))
	require.True(t, ok)
	require.InDelta(t, 100, s, 0.01)
	s, _ = scoreAt(t, b, "acme", victor, day(33))
	require.InDelta(t, 50, s, 0.01)
	s, _ = scoreAt(t, b, "acme", victor, day(2))
	require.InDelta(t, 0, s, 0.01, "before the demo request")
	v, err := b.eng.Account(b.ctx, "acme", day(2))
	require.NoError(t, err)
	for _, g := range v.Groups {
		require.LessOrEqual(t, g.Score.Score, 100.0)
	}
}

// TestEraseWhileClaimed: the dispatcher has claimed Victor's intro when
// he is erased; it then records the delivery. "the store removes their
// own events and outbox entries": the late Record finds no entry
// (channel.ErrNotFound, or the lease lost), and nothing naming Victor is
// left in any log afterwards.
func TestEraseWhileClaimed(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	ens := claimOne(t, b, day0, time.Minute)
	v := entryOf(t, ens, "victor@acme.com")
	victor := leadPerson(t, b, "L-2")
	er, err := b.eng.ErasePerson(b.ctx, victor)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme"}, er.Accounts)

	err = b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: v.ID, Seq: v.Seq, Attempt: v.Attempts, Now: day0.Add(10 * time.Second),
		Status: channel.StatusDelivered, Receipt: channel.Receipt{ProviderID: "sent-before-erasure"}})
	require.True(t, errors.Is(err, channel.ErrNotFound) || errors.Is(err, channel.ErrLeaseLost), "record after erasure: %v", err)
	all, err := b.eng.Events(b.ctx, "", 0, 1<<20)
	require.NoError(t, err)
	for _, e := range all {
		require.NotEqual(t, victor, e.Person, "event %s %s", e.Type, e.Data)
		require.NotContains(t, strings.ToLower(string(e.Data)), "victor", "event %s", e.Type)
		require.NotContains(t, string(e.Data), v.ID, "event %s names the erased entry", e.Type)
	}
	// The erasure did not leave the others' claims behind.
	for _, en := range ens {
		if en.ID == v.ID {
			continue
		}
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: en.ID, Seq: en.Seq, Attempt: en.Attempts, Now: day0.Add(10 * time.Second),
			Status: channel.StatusDelivered}))
	}
}

// TestEraseSharedPersonThenUpsertAgain: Victor, a contact of Acme also
// related to Globex, requests a demo and unsubscribes; he is erased, then
// the CRM and the marketing tool send his records again. He is "a new
// person" (TestErasedAddressIsSuppressed): in both accounts with no score,
// no consent statement and no event of the old one: nothing comes back
// from the state the erasure removed.
func TestEraseSharedPersonThenUpsertAgain(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	victorC := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	victorC.OtherAccounts = []b2b.AccountID{"globex"}
	victorL := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{victorC, victorL,
			lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	b.clock.Set(day(2))
	ingest(t, b, activity("u", b2b.ActivityUnsubscribeEmail, "L-2", day(2), nil))
	old := leadPerson(t, b, "L-2")
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		s, ok := scoreAt(t, b, acc, old, day(2))
		require.True(t, ok, "in %s", acc)
		require.Greater(t, s, 90.0, "in %s", acc)
	}
	er, err := b.eng.ErasePerson(b.ctx, old)
	require.NoError(t, err)
	require.Equal(t, []b2b.AccountID{"acme", "globex"}, er.Accounts)
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		require.Zero(t, countEventsWhere(t, b, acc, func(e store.Event) bool { return e.Person == old }), "in %s", acc)
	}

	b.clock.Set(day(3))
	victorC.Time, victorL.Time = day(3), day(3)
	rep, err = b.eng.UpsertPersons(b.ctx, victorC, victorL)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	back := leadPerson(t, b, "L-2")
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		s, ok := scoreAt(t, b, acc, back, day(3))
		require.True(t, ok, "back in %s", acc)
		require.Zero(t, s, "score in %s after the erasure", acc)
		v, err := b.eng.Account(b.ctx, acc, day(3))
		require.NoError(t, err)
		for _, p := range v.Persons {
			if p.Person.ID == back {
				require.NotEqual(t, b2b.ConsentOptOut, p.Person.Consent[b2b.ChannelEmail].Status,
					"in %s: the erased person's unsubscribe is back: %+v", acc, p.Person.Consent[b2b.ChannelEmail])
			}
		}
		// The only events of the person are from after the upsert.
		require.Zero(t, countEventsWhere(t, b, acc, func(e store.Event) bool { return e.Person == back && e.Time.Before(day(3)) }), "in %s", acc)
	}
}

// decisionsOf lists an account's journey decisions and queued messages,
// each with its time, in log order.
func decisionsOf(t *testing.T, b *bundle, account b2b.AccountID) []string {
	t.Helper()
	var out []string
	for _, e := range eventsOf(t, b, account) {
		if strings.HasPrefix(e.Type, "journey.") || strings.HasPrefix(e.Type, "message.") || e.Type == "alert.raised" {
			out = append(out, fmt.Sprintf("%s %s %s", e.Time.UTC().Format(time.RFC3339), e.Type, e.Data))
		}
	}
	return out
}

// TestInstallRemovingARunningJourneyThenRestart: the pipeline journey
// is running on Acme (in its five-day wait) when a program without it is
// installed: "A journey the new program no longer has keeps its versions
// for the instances still running, and takes no new entries". The
// instance goes on (its nurture emails on day 5). A second engine started
// on the same store with the first program as History, the new one as
// Program, and Recover, decides from there what the engine that did not
// restart decides: the same journey decisions at the same times.
func TestInstallRemovingARunningJourneyThenRestart(t *testing.T) {
	t.Parallel()
	without := pipelineProgram()
	without.Journeys = nil
	v1, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	v2, err := program.Compile(without, program.Options{})
	require.NoError(t, err)

	run := func(restart bool) []string {
		b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
		setupAcme(t, b)
		claimAll(t, b, day0)
		b.clock.Set(day(1))
		require.NoError(t, b.eng.Install(v2))
		ingest(t, b, activity("o", b2b.ActivityOpenEmail, "L-2", day(1), nil))
		if restart {
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: b.store, Program: v2, History: []*program.Program{v1}, Clock: b.clock, Workers: 8})
			require.NoError(t, err)
			_, err = eng.Recover(b.ctx)
			require.NoError(t, err)
			b.eng = eng
		}
		for d := 2; d <= 30; d += 3 {
			b.clock.Set(day(d))
			_, err := b.eng.Advance(b.ctx, day(d))
			require.NoError(t, err)
			claimAll(t, b, day(d))
		}
		return decisionsOf(t, b, "acme")
	}
	control, restarted := run(false), run(true)
	joined := strings.Join(control, "\n")
	require.Contains(t, joined, `"template":"nurture"`, "the running instance goes on")
	require.Equal(t, control, restarted)
}

// TestInstallRenamingTheScoringModel: the scoring model "engagement" is
// renamed "engagement-v2" by Install after Victor's day-1 demo request. A
// model is known by its name (Install's documentation): Install warns that
// "engagement" was dropped, the renamed model starts from no score, and
// a program that has "engagement" again reads Victor's score under it.
func TestInstallRenamingTheScoringModel(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	b := setup(t, pipelineProgram(), func(c *engine.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	setupAcme(t, b)
	b.clock.Set(day(1))
	ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil))
	victor := leadPerson(t, b, "L-2")
	s, _ := scoreAt(t, b, "acme", victor, day(1))
	require.InDelta(t, 100, s, 0.01)

	install := func(name, version string) {
		defs := pipelineProgram()
		defs.Version = version
		defs.Scoring[0].Name = name
		prog, err := program.Compile(defs, program.Options{})
		require.NoError(t, err)
		require.NoError(t, b.eng.Install(prog))
	}
	install("engagement-v2", "2")
	require.Contains(t, logs.String(), `"msg":"scoring model dropped"`)
	require.Contains(t, logs.String(), `"model":"engagement"`)
	b.clock.Set(day(2))
	_, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	s, _ = scoreAt(t, b, "acme", victor, day(2))
	require.Zero(t, s, "the renamed model starts from no score")

	install("engagement", "3")
	s, _ = scoreAt(t, b, "acme", victor, day(2))
	require.InDelta(t, 100*math.Exp2(-1.0/30), s, 0.5, "Victor's score under the model's name again")
}

// TestInputWithTheClockGoneBack: Acme's journey decided at day 5 (the
// nurture emails, a seven-day wait to day 12). The host's clock then goes
// back to day 4 and an activity of day 4 arrives. Time never goes back
// for an account: no decision is stamped before one already made, and the
// wait still ends at day 12 (not at day 4 + 7 = day 11).
func TestInputWithTheClockGoneBack(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(5))
	_, err := b.eng.Advance(b.ctx, day(5))
	require.NoError(t, err)
	v, err := b.eng.Account(b.ctx, "acme", day(5))
	require.NoError(t, err)
	require.Len(t, v.Journeys, 1)
	require.Equal(t, []string{"wait-7d"}, v.Journeys[0].Nodes)
	require.Equal(t, day(12), v.Journeys[0].Due)

	b.clock.Set(day(4))
	rep, err := b.eng.Ingest(b.ctx, activity("late", b2b.ActivityOpenEmail, "L-3", day(4), nil))
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err = b.eng.Account(b.ctx, "acme", day(5))
	require.NoError(t, err)
	require.Equal(t, day(12), v.Journeys[0].Due)

	b.clock.Set(day(20))
	_, err = b.eng.Advance(b.ctx, day(20))
	require.NoError(t, err)
	var last time.Time
	for _, e := range eventsOf(t, b, "acme") {
		if !strings.HasPrefix(e.Type, "journey.") && !strings.HasPrefix(e.Type, "message.") {
			continue
		}
		require.False(t, e.Time.Before(last), "%s at %s after a decision at %s", e.Type, e.Time, last)
		last = e.Time
	}
}

type callKey struct{}

// orderedStore holds call "A"'s load of Globex until call "B" committed
// Globex, and tells when "A" committed Acme.
type orderedStore struct {
	store.Store
	aCommittedAcme, bCommittedGlobex chan struct{}
	onceA, onceB                     sync.Once
}

func (s *orderedStore) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	if ctx.Value(callKey{}) == "A" && id == "globex" {
		select {
		case <-s.bCommittedGlobex:
		case <-time.After(3 * time.Second):
		}
	}
	return s.Store.LoadAccount(ctx, t, id)
}

func (s *orderedStore) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	v, err := s.Store.Commit(ctx, p)
	if err == nil {
		switch {
		case ctx.Value(callKey{}) == "A" && p.Account == "acme":
			s.onceA.Do(func() { close(s.aCommittedAcme) })
		case ctx.Value(callKey{}) == "B" && p.Account == "globex":
			s.onceB.Do(func() { close(s.bCommittedGlobex) })
		}
	}
	return v, err
}

// TestSameActivityFromTwoCallsCountsOnce: the same demo request of
// Victor, a person of Acme and Globex, arrives in two concurrent calls
// (a source redelivering). Call A applies it on Acme first, call B on
// Globex first. Each account applies it once; each call applied it to
// one of them and found it a duplicate in the other, so each reports it
// applied (the package doc says so: a count of activities, not of
// accounts, is exact within one call).
func TestSameActivityFromTwoCallsCountsOnce(t *testing.T) {
	t.Parallel()
	os := &orderedStore{Store: memory.New(), aCommittedAcme: make(chan struct{}), bCommittedGlobex: make(chan struct{})}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store, c.Workers = os, 8 })
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	victor := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	victor.OtherAccounts = []b2b.AccountID{"globex"}
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{victor, lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	b.clock.Set(day(1))
	before := b.eng.Counters()

	a := activity("demo-1", b2b.ActivityRequestDemo, "L-2", day(1), nil)
	var reps [2]engine.Report
	var errs [2]error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		reps[0], errs[0] = b.eng.Ingest(context.WithValue(b.ctx, callKey{}, "A"), a)
	}()
	go func() {
		defer wg.Done()
		select {
		case <-os.aCommittedAcme:
		case <-time.After(3 * time.Second):
		}
		reps[1], errs[1] = b.eng.Ingest(context.WithValue(b.ctx, callKey{}, "B"), a)
	}()
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	id := leadPerson(t, b, "L-2")
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		s, _ := scoreAt(t, b, acc, id, day(1))
		require.InDelta(t, 100, s, 0.01, "scored once in %s", acc)
	}
	require.Equal(t, 1, reps[0].Applied, "A applied it to Acme: %+v", reps[0])
	require.Equal(t, 1, reps[1].Applied, "B applied it to Globex: %+v", reps[1])
	require.Equal(t, int64(2), b.eng.Counters().Ingested-before.Ingested)
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		n := 0
		for _, e := range eventsOf(t, b, acc) {
			if e.Type == "activity.applied" {
				n++
			}
		}
		require.Equal(t, 1, n, "applied once in %s", acc)
	}
}

// TestQueuedMessageOfAMergedAccount: a Marketo company's journey queues
// intro emails to its three leads; before the dispatcher runs, the
// company is found to be Acme and merges into it. The persons "did not
// leave the company, they are the surviving account's" (merged accounts
// hand their recent messages over): a careful user expects the emails
// decided before the merge to go out, not to fail as if their
// recipients had left.
func TestQueuedMessageOfAMergedAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	claimAll(t, b, day0) // Acme's own intros
	mk := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "mk-7", Name: "Acme Net", Domains: []string{"acme.net"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{mk},
		Persons: []identity.PersonRecord{
			lead("L-8", "ann@acme.net", "Ann", "Lee", "CTO", ""),
			lead("L-9", "bob@acme.net", "Bob", "Lee", "CFO", ""),
			lead("L-10", "cy@acme.net", "Cy", "Lee", "VP Engineering", ""),
		}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, 3, countEvents(t, b, "mk-7", "message.queued"))

	at := day0.Add(2 * time.Hour)
	mergeInto(t, b, mk, "acme", at)
	var to []string
	for _, m := range claimAll(t, b, at) {
		to = append(to, m.To)
	}
	var failed []string
	for _, e := range eventsOf(t, b, "mk-7") {
		if e.Type == "message.failed" || e.Type == "message.suppressed" {
			failed = append(failed, string(e.Data))
		}
	}
	require.Empty(t, failed, "messages queued before the merge")
	slices.Sort(to)
	require.Equal(t, []string{"ann@acme.net", "bob@acme.net", "cy@acme.net"}, to)
}

// logOf renders the whole event log (every account) as text: account,
// type, time, person and data of each event, in log order per account.
func logOf(t *testing.T, b *bundle, accounts ...b2b.AccountID) string {
	t.Helper()
	var sb strings.Builder
	for _, acc := range accounts {
		for _, e := range eventsOf(t, b, acc) {
			fmt.Fprintf(&sb, "%s %s %s %s %s\n", acc, e.Type, e.Time.UTC().Format(time.RFC3339Nano), e.Person, e.Data)
		}
	}
	return sb.String()
}

// TestDeterministicWithWorkersAndErasure: two runs of the same inputs
// on eight workers (three accounts, a person shared by two, activities,
// an erasure of the shared person on day 4, an Advance over 30 days and a
// dispatcher each few days) write the same event logs: nothing depends
// on how the workers were scheduled.
func TestDeterministicWithWorkersAndErasure(t *testing.T) {
	t.Parallel()
	run := func() string {
		b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Workers = 8 })
		setupAcme(t, b)
		setupGlobex(t, b)
		shared := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
		shared.OtherAccounts = []b2b.AccountID{"globex"}
		initech := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: "initech", Name: "Initech", Domains: []string{"initech.com"}}}
		_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{initech}, Persons: []identity.PersonRecord{shared,
			lead("L-20", "peter@initech.com", "Peter", "Gibbons", "CTO", "Initech"),
			lead("L-21", "bill@initech.com", "Bill", "Lumbergh", "VP of Engineering", "Initech")}})
		require.NoError(t, err)
		claimAll(t, b, day0)
		b.clock.Set(day(1))
		ingest(t, b, activity("a1", b2b.ActivityRequestDemo, "L-2", day(1), nil),
			activity("a2", b2b.ActivityAttendEvent, "L-9", day(1), nil),
			activity("a3", b2b.ActivityAttendEvent, "L-20", day(1), nil),
			activity("a4", b2b.ActivityOpenEmail, "L-1", day(1), nil))
		b.clock.Set(day(4))
		victor := leadPerson(t, b, "L-2")
		_, err = b.eng.ErasePerson(b.ctx, victor)
		require.NoError(t, err)
		for d := 5; d <= 30; d += 5 {
			b.clock.Set(day(d))
			_, err := b.eng.Advance(b.ctx, day(d))
			require.NoError(t, err)
			claimAll(t, b, day(d))
		}
		return logOf(t, b, "acme", "globex", "initech")
	}
	first, second := run(), run()
	require.NotEmpty(t, first)
	require.Equal(t, first, second)
}

// TestRecoverAfterErasureDecidesTheSame: an engine that erased Victor
// on day 2 is restarted on its store (Recover) and goes on to day 30;
// it decides what the engine that did not restart decides (same journey
// decisions and messages at the same times), and Victor's address stays
// suppressed when his lead arrives again ("[Engine.Recover] puts them
// back on the list of an engine started again").
func TestRecoverAfterErasureDecidesTheSame(t *testing.T) {
	t.Parallel()
	prog, err := program.Compile(pipelineProgram(), program.Options{})
	require.NoError(t, err)
	run := func(restart bool) []string {
		b := setup(t, pipelineProgram())
		setupAcme(t, b)
		claimAll(t, b, day0)
		b.clock.Set(day(1))
		ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil),
			activity("w", b2b.ActivityAttendEvent, "L-1", day(1), nil))
		b.clock.Set(day(2))
		_, err := b.eng.ErasePerson(b.ctx, leadPerson(t, b, "L-2"))
		require.NoError(t, err)
		if restart {
			eng, err := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: b.store, Program: prog, Clock: b.clock})
			require.NoError(t, err)
			_, err = eng.Recover(b.ctx)
			require.NoError(t, err)
			b.eng = eng
		}
		b.clock.Set(day(3))
		again := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
		again.Time = day(3)
		_, err = b.eng.UpsertPersons(b.ctx, again)
		require.NoError(t, err)
		for d := 4; d <= 30; d += 2 {
			b.clock.Set(day(d))
			_, err := b.eng.Advance(b.ctx, day(d))
			require.NoError(t, err)
			for _, m := range claimAll(t, b, day(d)) {
				require.NotEqual(t, "victor@acme.com", m.To)
			}
		}
		return decisionsOf(t, b, "acme")
	}
	require.Equal(t, run(false), run(true))
}

// listenProgram is the pipeline program whose journey, after the intro,
// listens three days for a demo request: it thanks the committee when it
// hears one, and nurtures it when the three days pass without.
func listenProgram() program.Definitions {
	defs := pipelineProgram()
	defs.Journeys = []journey.Journey{{
		ID: "listen-demo", Name: "Listen for a demo",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "intro", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro", Next: "listen"}},
			{ID: "listen", Kind: journey.KindListen, Listen: &journey.Listen{
				Events:  []journey.EventMatch{{Type: journey.EventActivity, ActivityType: b2b.ActivityRequestDemo}},
				Timeout: journey.Days(3), Next: "heard", OnTimeout: "nurture"}},
			{ID: "heard", Kind: journey.KindEnd, End: &journey.End{Outcome: "heard"}},
			{ID: "nurture", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Next: "timed-out"}},
			{ID: "timed-out", Kind: journey.KindEnd, End: &journey.End{Outcome: "timed out"}},
		},
	}}
	return defs
}

// TestLateBatchHeardByAListen: the journey listens three days (to day
// 3) for a demo request. Victor requests one on day 2, but the batch
// that carries it arrives on day 4, with no Advance between. "A batch
// applied after an account's wait ended, with no Advance between, first
// runs the wait's end at its time, with the batch's activities dated
// before it, so that a late batch decides as one applied in real time
// would have": the listen hears the request (outcome "heard"), no
// nurture email is queued. The same run with eight workers, and with an
// Advance to day 60 afterwards, decides the same.
func TestLateBatchHeardByAListen(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 8} {
		b := setup(t, listenProgram(), func(c *engine.Config) { c.Workers = workers })
		setupAcme(t, b)
		claimAll(t, b, day0)
		b.clock.Set(day(4))
		ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(2), nil))
		b.clock.Set(day(60))
		_, err := b.eng.Advance(b.ctx, day(60))
		require.NoError(t, err)
		var outcome []string
		for _, e := range eventsOf(t, b, "acme") {
			if e.Type == "journey.ended" {
				var en journey.Ended
				require.NoError(t, json.Unmarshal(e.Data, &en))
				outcome = append(outcome, en.Outcome)
			}
		}
		require.Equal(t, []string{"heard"}, outcome, "workers %d", workers)
		require.Zero(t, countEventsWhere(t, b, "acme", func(e store.Event) bool {
			return e.Type == "message.queued" && strings.Contains(string(e.Data), `"template":"nurture"`)
		}), "workers %d", workers)
	}
}

// TestWindowedWaitAcrossDSTOverMonths: Acme is in New York; a journey
// waits a day, then until a 09:00-10:00 window (local) on weekdays, sends
// a nurture and loops, ten times. One Advance over 90 days (which spans
// the switch to daylight time on 8 March 2026) makes the decisions that
// daily Advances make, at the same times, each nurture at 09:00 New York
// time.
func TestWindowedWaitAcrossDSTOverMonths(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys = []journey.Journey{{
		ID: "weekday-mornings", Name: "Weekday mornings",
		Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: "data-platform"}},
		Nodes: []journey.Node{
			{ID: "wait", Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(1),
				Window: &journey.Window{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: "09:00", To: "10:00"},
				Next:   "nurture"}},
			{ID: "nurture", Kind: journey.KindAction, Limit: &journey.VisitLimit{Max: 10, Then: "done"},
				Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Next: "wait"}},
			{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "done"}},
		},
	}}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	run := func(daily bool) []string {
		b := setup(t, defs, func(c *engine.Config) { c.Workers = 8 })
		rec := acmeRecord()
		rec.Account.TimeZone = "America/New_York"
		_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{rec}, Persons: []identity.PersonRecord{
			lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme"),
			lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme"),
			lead("L-3", "dev@acme.com", "Dev", "Patel", "Sr. Data Engineer", "Acme")}})
		require.NoError(t, err)
		if daily {
			for h := 6; h <= 90*24; h += 6 {
				now := day0.Add(time.Duration(h) * time.Hour)
				b.clock.Set(now)
				_, err := b.eng.Advance(b.ctx, now)
				require.NoError(t, err)
			}
		} else {
			b.clock.Set(day(90))
			_, err := b.eng.Advance(b.ctx, day(90))
			require.NoError(t, err)
		}
		var sends []string
		for _, e := range eventsOf(t, b, "acme") {
			if e.Type == "message.queued" && strings.Contains(string(e.Data), `"template":"nurture"`) {
				local := e.Time.In(ny)
				require.Equal(t, 9, local.Hour(), "nurture at %s", local)
				require.NotContains(t, []time.Weekday{time.Saturday, time.Sunday}, local.Weekday(), "nurture at %s", local)
				sends = append(sends, local.Format(time.RFC3339)+" "+string(e.Person))
			}
		}
		return sends
	}
	daily, once := run(true), run(false)
	require.Len(t, once, 30, "ten nurtures to three persons")
	require.Equal(t, daily, once)
}

// TestActivityAheadOfTheClockFiresItsThreshold: a group threshold at
// 99 points and a demo request worth 100 (half-life 30 days). The source's clock runs two
// minutes ahead, so the request is dated two minutes after the engine's
// clock: within Config.FutureTolerance, so it is applied ("Later
// activities are rejected": this one is not). A careful user expects it
// to count as the same request dated two minutes earlier does: the
// threshold fires (by the next Advance at the latest), once. Hourly
// Advances follow for two days.
func TestActivityAheadOfTheClockFiresItsThreshold(t *testing.T) {
	t.Parallel()
	for _, ahead := range []time.Duration{0, 2 * time.Minute} {
		defs := pipelineProgram()
		defs.GroupScore.Thresholds = []scoring.Threshold{{Name: "hot", Level: 99, Margin: 20}}
		b := setup(t, defs)
		setupAcme(t, b)
		b.clock.Set(day(3))
		rep, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3).Add(ahead), nil))
		require.NoError(t, err)
		require.Equal(t, 1, rep.Applied)
		for h := 1; h <= 48; h++ {
			now := day(3).Add(time.Duration(h) * time.Hour)
			b.clock.Set(now)
			_, err = b.eng.Advance(b.ctx, now)
			require.NoError(t, err)
		}
		require.Equal(t, 1, countEvents(t, b, "acme", "scoring.threshold_fired"), "a demo request dated %s after the clock", ahead)
	}
}
