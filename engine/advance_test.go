package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// dueByTwo is a store that returns at most two due accounts a call, as a
// store may ("at most Limit"): Advance must page.
type dueByTwo struct{ store.Store }

func (s dueByTwo) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	q := *p
	q.Limit = 2
	return s.Store.DueAccounts(ctx, &q)
}

// quietAndBusy sets up, on st, quiet accounts of the given IDs and the
// account z-busy, entered by hand into the pipeline journey (whose wait
// ends on day 5); it returns the bundle once the journey's intro went out.
func quietAndBusy(t *testing.T, st store.Store, quiet ...string) *bundle {
	t.Helper()
	defs := pipelineProgram()
	defs.Journeys[0].Triggers = []journey.Trigger{{Type: journey.TriggerManual}}
	b := setup(t, defs, func(c *engine.Config) { c.Store = st })
	b.store = st
	var recs []identity.AccountRecord
	for _, id := range append(quiet, "z-busy") {
		recs = append(recs, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{id + ".com"}}})
	}
	_, err := b.eng.UpsertAccounts(b.ctx, recs...)
	require.NoError(t, err)
	_, err = b.eng.UpsertPersons(b.ctx, lead("L-z", "cfo@z-busy.com", "Ann", "Zed", "CFO", ""))
	require.NoError(t, err)
	_, err = b.eng.Enter(b.ctx, "z-busy", "pipeline-acceleration")
	require.NoError(t, err)
	require.Len(t, claimAll(t, b, day0), 1, "the intro")
	return b
}

// TestAdvanceReachesEveryDueAccount: accounts whose passes decide nothing
// (quiet accounts, due for a refresh, which sort first) are not due again
// until their next refresh, and never hide an account whose journey wait
// ends behind them, however few accounts the store returns at once.
func TestAdvanceReachesEveryDueAccount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		store func() store.Store
	}{
		{"values", func() store.Store { return memory.New() }},
		{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
		{"two at a time", func() store.Store { return dueByTwo{memory.New()} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := tt.store()
			b := quietAndBusy(t, st, "a-quiet", "b-quiet", "c-quiet")
			b.clock.Set(day(2))
			_, err := b.eng.Advance(b.ctx, day(2))
			require.NoError(t, err)
			for _, id := range []b2b.AccountID{"a-quiet", "b-quiet", "c-quiet"} {
				a, err := st.LoadAccount(b.ctx, "default", id)
				require.NoError(t, err)
				require.True(t, a.DueAt.After(day(2)), "%s is not due again before its next refresh (due %s)", id, a.DueAt)
			}
			commits := b.eng.Counters().Commits
			rep, err := b.eng.Advance(b.ctx, day(2))
			require.NoError(t, err)
			require.Equal(t, engine.Report{}, rep)
			require.Equal(t, commits, b.eng.Counters().Commits, "a second Advance to the same time runs nothing")

			b.clock.Set(day(6))
			_, err = b.eng.Advance(b.ctx, day(6))
			require.NoError(t, err)
			require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
			for _, id := range []b2b.AccountID{"a-quiet", "b-quiet", "c-quiet"} {
				require.Zero(t, countEvents(t, b, id, "journey.path"), id)
			}
		})
	}
}

// TestAdvanceManyQuietAccounts: more quiet accounts than Advance reads at
// once do not keep the one behind them waiting.
func TestAdvanceManyQuietAccounts(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,001 accounts")
	}
	var quiet []string
	for i := range 10001 {
		quiet = append(quiet, fmt.Sprintf("q%05d", i))
	}
	b := quietAndBusy(t, memory.New(), quiet...)
	b.clock.Set(day(2))
	_, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	b.clock.Set(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
}

// keepsDue is a store that leaves an account's due time as it was on a
// commit without events or messages: its quiet accounts stay due, as they
// do when rescheduling fails.
type keepsDue struct{ dueByTwo }

func (s keepsDue) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if len(p.Events) == 0 && len(p.Outbox) == 0 && p.ExpectedVersion > 0 {
		a, err := s.LoadAccount(ctx, p.Tenant, p.Account)
		if err != nil {
			return 0, err
		}
		q := *p
		q.DueAt = a.DueAt
		p = &q
	}
	return s.dueByTwo.Commit(ctx, p)
}

// TestAdvancePagesPastAccountsLeftDue: accounts that stay due after their
// last round do not hide those behind them.
func TestAdvancePagesPastAccountsLeftDue(t *testing.T) {
	t.Parallel()
	st := keepsDue{dueByTwo{memory.New()}}
	b := quietAndBusy(t, st, "a-quiet", "b-quiet", "c-quiet")
	b.clock.Set(day(2))
	_, err := b.eng.Advance(b.ctx, day(2))
	require.NoError(t, err)
	a, err := st.LoadAccount(b.ctx, "default", "a-quiet")
	require.NoError(t, err)
	require.False(t, a.DueAt.After(day(2)), "the store left a-quiet due")
	b.clock.Set(day(6))
	_, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	require.Equal(t, 1, countEvents(t, b, "z-busy", "journey.path"), "the 5-day wait of z-busy ended")
}

// ignoresAfter is a store that does not page (it drops DueParams.After),
// as an adapter written before the cursor would.
type ignoresAfter struct{ keepsDue }

func (s ignoresAfter) DueAccounts(ctx context.Context, p *store.DueParams) ([]store.AccountDue, error) {
	q := *p
	q.After = nil
	return s.keepsDue.DueAccounts(ctx, &q)
}

// TestAdvanceStoreThatDoesNotPage: Advance reports a store that returns
// the same page again, instead of asking it forever.
func TestAdvanceStoreThatDoesNotPage(t *testing.T) {
	t.Parallel()
	st := ignoresAfter{keepsDue{dueByTwo{memory.New()}}}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
	var recs []identity.AccountRecord
	for _, id := range []string{"a-quiet", "b-quiet", "c-quiet"} {
		recs = append(recs, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: b2b.AccountID(id), Name: id, Domains: []string{id + ".com"}}})
	}
	_, err := b.eng.UpsertAccounts(b.ctx, recs...)
	require.NoError(t, err)
	b.clock.Set(day(2))
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	_, err = b.eng.Advance(ctx, day(2))
	require.ErrorContains(t, err, "does not honour store.DueParams.After")
}

// TestQuietAccountsKeepNoRecordPastTheRetention: an account whose passes
// decide nothing still drops its activity records once they are older
// than the retention.
func TestQuietAccountsKeepNoRecordPastTheRetention(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform()) // no journey
	_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()},
		Persons: []identity.PersonRecord{lead("L-9", "ana@acme.com", "Ana", "Lee", "Analyst", "")}})
	require.NoError(t, err)
	rep, err := b.eng.Ingest(b.ctx, activity("click", b2b.ActivityClickLink, "L-9", day0, nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	a, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Len(t, engine.ActivityRecordTimes(a.Value), 1)
	events, err := b.eng.Events(b.ctx, "acme", 0, 1000)
	require.NoError(t, err)

	b.clock.Set(day(31))
	_, err = b.eng.Advance(b.ctx, day(31))
	require.NoError(t, err)
	after, err := b.eng.Events(b.ctx, "acme", 0, 1000)
	require.NoError(t, err)
	require.Equal(t, len(events), len(after), "a pass that decided nothing")
	a, err = b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Empty(t, engine.ActivityRecordTimes(a.Value), "the record of day 0 is past the 30-day retention")
	require.True(t, a.DueAt.After(day(31)))
}

// eventTimes returns the times of an account's events of a type.
func eventTimes(t *testing.T, b *bundle, account b2b.AccountID, typ string) []time.Time {
	t.Helper()
	evs, err := b.eng.Events(b.ctx, account, 0, 1<<20)
	require.NoError(t, err)
	var out []time.Time
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e.Time)
		}
	}
	return out
}

// TestAdvanceRunsEachDueTime: one Advance forty quiet days after Acme's
// committee arrived runs the pipeline journey at each time it was due:
// the split on day 5 (the intro's 5-day wait), then every 7 days after
// the nurture e-mail, until the visit limit ends the journey on day 26;
// each decision is stamped with its own time, and the three nurture
// e-mails wait in the outbox, queued at their decision times, for the
// dispatcher's next run.
func TestAdvanceRunsEachDueTime(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	require.Len(t, claimAll(t, b, day0), 3, "the intro")

	b.clock.Set(day(40))
	rep, err := b.eng.Advance(b.ctx, day(40))
	require.NoError(t, err)
	require.Equal(t, []time.Time{day(5), day(12), day(19), day(26)}, eventTimes(t, b, "acme", "journey.path"),
		"the split at the end of each wait, not on day 40")
	require.Equal(t, []time.Time{day0, day0, day0, day(5), day(5), day(5), day(12), day(12), day(12), day(19), day(19), day(19)},
		eventTimes(t, b, "acme", "message.queued"), "the intro, then the nurture e-mail to the three members of each visit")
	require.Equal(t, []time.Time{day(26)}, eventTimes(t, b, "acme", "journey.ended"))
	require.Equal(t, 9, rep.Messages)
	require.Equal(t, 1, rep.Accounts)
	require.Len(t, claimAll(t, b, day(40)), 9, "the backlog goes out at once")
	a, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Equal(t, day(41), a.DueAt, "refreshed on day 40, due a day later")
}

// cadenceRun is what one way of calling Advance leaves of Acme.
type cadenceRun struct {
	Events   []store.Event
	State    string
	DueAt    time.Time
	Version  int64
	Messages []channel.Message
}

// runCadence runs scenario S2 on a new store: Acme's committee on day 0,
// with acts the demo request and the webinar of day 3 (ingested at 11:00),
// then forty days with Advance called each day at 09:00 (daily) or once
// on day 40; the outbox is delivered on day 40.
func runCadence(t *testing.T, newStore func() store.Store, acts, daily bool) cadenceRun {
	t.Helper()
	st := newStore()
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
	b.store = st
	setupAcme(t, b)
	ingest := func() {
		b.clock.Set(day(3).Add(2 * time.Hour))
		rep, err := b.eng.Ingest(b.ctx, activity("a-demo", b2b.ActivityRequestDemo, "L-2", day(3), nil),
			activity("a-webinar", b2b.ActivityAttendEvent, "L-1", day(3).Add(time.Hour), nil))
		require.NoError(t, err)
		require.Equal(t, 2, rep.Applied)
	}
	advance := func(d int) {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
	}
	if daily {
		for d := 1; d <= 40; d++ {
			advance(d)
			if d == 3 && acts {
				ingest()
			}
		}
	} else {
		if acts {
			ingest()
		}
		advance(40)
	}
	var run cadenceRun
	run.Messages = claimAll(t, b, day(40))
	var err error
	run.Events, err = b.eng.Events(b.ctx, "acme", 0, 1<<20)
	require.NoError(t, err)
	a, err := st.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	run.State, run.DueAt, run.Version = engine.StateJSON(a), a.DueAt, a.Version
	require.NotZero(t, b.eng.Counters().Commits)
	return run
}

// TestAdvanceSameForAnyCadence: the same inputs give the same decisions,
// at the same times, and the same state, whether Advance is called every
// day or once at the end. The comparison is of everything Acme's log,
// state and outbox hold: each event whole (its sequence number too: the
// same passes commit the same events in the same order), the state's
// encoding, its due time and the messages delivered. Only the store's
// version of the account is left out where the world has activities: a
// version counts commits, and on the quiet days before the activities
// the daily calls commit the account's next due time after passes that
// decide nothing, passes that an input does not catch up (see
// Engine.Apply).
func TestAdvanceSameForAnyCadence(t *testing.T) {
	t.Parallel()
	for _, sto := range stateStores {
		for _, acts := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/activities=%v", sto.name, acts), func(t *testing.T) {
				t.Parallel()
				daily := runCadence(t, sto.store, acts, true)
				once := runCadence(t, sto.store, acts, false)
				var opts []cmp.Option
				if acts {
					opts = append(opts, cmpopts.IgnoreFields(cadenceRun{}, "Version"))
				}
				require.Empty(t, cmp.Diff(daily, once, opts...), "(-daily +once)")
				paths := 0
				for _, e := range once.Events {
					if e.Type == "journey.path" {
						paths++
					}
				}
				require.Equal(t, map[bool]int{false: 4, true: 1}[acts], paths, "four splits (the nurture path) or one (the engaged path)")
			})
		}
	}
}

// TestInputCatchesUpFirst: an input applied after an account's due time,
// with no Advance in between, first runs what was due at its own time
// (the activity of day 7 finds the intro's 5-day wait over: the split
// runs on day 5, not day 7), then the input's pass at the clock's time;
// a late Advance goes on from there, each wait ending at its time.
func TestInputCatchesUpFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(7))
	rep, err := b.eng.Ingest(b.ctx, activity("open", b2b.ActivityOpenEmail, "L-3", day(7), nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, 3, rep.Messages, "the nurture e-mail the split of day 5 queued")
	require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "journey.path"), "the split at the end of the wait, not at the input")
	require.Equal(t, []time.Time{day(7)}, eventTimes(t, b, "acme", "activity.applied"))

	b.clock.Set(day(40))
	_, err = b.eng.Advance(b.ctx, day(40))
	require.NoError(t, err)
	require.Equal(t, []time.Time{day(5), day(12), day(19), day(26)}, eventTimes(t, b, "acme", "journey.path"))
}

// TestInputCatchUpSeesWhatCameBefore: the activities of a batch applied
// after a wait ended go to the passes at the times they happened: the
// split at the end of the wait (day 5) sees the demo request and the
// webinar of day 4, and takes the engaged path, as it would had they come
// in real time; the same activities on day 6 come after the split, which
// nurtures. Either way each activity is applied once, and the report
// counts them and the messages of every pass.
func TestInputCatchUpSeesWhatCameBefore(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		day      int
		path     string
		applied  []time.Time
		messages int
	}{
		{4, "engaged", []time.Time{day(5)}, 1}, // the sales alert
		{6, "else", []time.Time{day(7)}, 3},    // the nurture e-mail to the three members
	} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			setupAcme(t, b)
			b.clock.Set(day(7))
			rep, err := b.eng.Ingest(b.ctx, activity("demo", b2b.ActivityRequestDemo, "L-2", day(tt.day), nil),
				activity("webinar", b2b.ActivityAttendEvent, "L-1", day(tt.day).Add(time.Hour), nil),
				activity("demo", b2b.ActivityRequestDemo, "L-2", day(tt.day), nil))
			require.NoError(t, err)
			require.Equal(t, 2, rep.Applied)
			require.Equal(t, 1, rep.Duplicates)
			require.Equal(t, []int{2}, rep.DuplicateIndexes)
			require.Equal(t, tt.messages, rep.Messages)
			require.Equal(t, 1, rep.Accounts)
			require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "journey.path"))
			evs, err := b.eng.Events(b.ctx, "acme", 0, 1<<20)
			require.NoError(t, err)
			var paths []string
			for _, e := range evs {
				if e.Type == "journey.path" {
					var d journey.Decision
					require.NoError(t, json.Unmarshal(e.Data, &d))
					paths = append(paths, d.Path)
				}
			}
			require.Equal(t, []string{tt.path}, paths)
			require.Equal(t, tt.applied, eventTimes(t, b, "acme", "activity.applied"), "stamped with the pass that applied them")
		})
	}
}

// chainedInterests is a program in which each buying group makes the
// next interest apply: a1 holds for Acme, interest i1 applies to a1's
// accounts, a2 holds once an account has a group, i2 applies to a2's, and
// so on up to i4 and a5. Each audience an account enters asks for its
// qualification again at once, so that Acme's groups come one pass at a
// time, every pass at the same instant.
func chainedInterests() program.Definitions {
	defs := dataPlatform()
	defs.Interests = nil
	defs.Audiences = []audience.Audience{{Name: "a1", Rule: "account.employees > 0"}}
	for i := 1; i <= 4; i++ {
		id := fmt.Sprintf("i%d", i)
		defs.Interests = append(defs.Interests, buyinggroup.SolutionInterest{ID: id, Name: id, Template: buyinggroup.StandardTemplateID,
			Applies: rules.Rule{Name: id + " applies", Source: fmt.Sprintf(`"a%d" in audiences`, i)}})
		defs.Audiences = append(defs.Audiences, audience.Audience{Name: fmt.Sprintf("a%d", i+1), Rule: fmt.Sprintf("len(groups) >= %d", i)})
	}
	return defs
}

// TestAdvanceBoundsPassesAtOneInstant: an account due again at the
// instant of its own pass gets three passes at it, then goes on at its
// next refresh; the bound is logged and counted. Acme's records, applied
// on day 0, put it in audience a1, which asks for another qualification
// then: the late Advance creates i1's, i2's and i3's groups at that
// time, on day 0, and i4's a refresh later.
func TestAdvanceBoundsPassesAtOneInstant(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	b := setup(t, chainedInterests(), func(c *engine.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	setupAcme(t, b)
	b.clock.Set(day(3))
	_, err := b.eng.Advance(b.ctx, day(3))
	require.NoError(t, err)
	require.Equal(t, []time.Time{day0, day0, day0, day(1)}, eventTimes(t, b, "acme", "buyinggroup.group_created"))
	require.Equal(t, map[string]int64{"instant": 1}, b.eng.Counters().AdvanceLimits)
	var rec struct {
		Level, Msg, Account string
		At, Next            time.Time
		Passes              int
	}
	require.NoError(t, json.Unmarshal(logs.Bytes(), &rec), logs.String())
	require.Equal(t, "WARN", rec.Level)
	require.Equal(t, "account due again at the same instant, caught up from its next refresh", rec.Msg)
	require.Equal(t, "acme", rec.Account)
	require.Equal(t, day0, rec.At.UTC())
	require.Equal(t, 3, rec.Passes)
}

// TestAdvanceBoundsPassesPerCall: one Advance runs at most 1,000 passes
// on an account; the account stays due where it stopped, and the next
// Advance goes on from there. With a refresh every minute, a day is 1,440
// passes.
func TestAdvanceBoundsPassesPerCall(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	b := setup(t, pipelineProgram(), func(c *engine.Config) {
		c.RefreshInterval = time.Minute
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	setupAcme(t, b)
	b.clock.Set(day(1))
	_, err := b.eng.Advance(b.ctx, day(1))
	require.NoError(t, err)
	a, err := b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Equal(t, day0.Add(1001*time.Minute), a.DueAt, "the 1,000th pass ran at 1,000 minutes")
	require.Equal(t, map[string]int64{"passes": 1}, b.eng.Counters().AdvanceLimits)
	require.Contains(t, logs.String(), `"msg":"account not caught up, resumed at the next Advance","account":"acme"`)

	_, err = b.eng.Advance(b.ctx, day(1))
	require.NoError(t, err)
	a, err = b.store.LoadAccount(b.ctx, "default", "acme")
	require.NoError(t, err)
	require.Equal(t, day(1).Add(time.Minute), a.DueAt, "caught up to day 1")
	require.Equal(t, map[string]int64{"passes": 1}, b.eng.Counters().AdvanceLimits)
}

// TestInputCatchUpKeepsConsent: an unsubscribe that came before a wait
// ended, applied in a batch after it, withdraws consent before the split
// at the end of the wait decides: the nurture e-mail of day 5 goes to the
// two other members only, not to the person who had unsubscribed on day 4.
func TestInputCatchUpKeepsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	require.Len(t, claimAll(t, b, day0), 3, "the intro")
	dev, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-3")
	b.clock.Set(day(7))
	rep, err := b.eng.Ingest(b.ctx, activity("u-3", b2b.ActivityUnsubscribeEmail, "L-3", day(4), nil))
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	require.Equal(t, 2, rep.Messages)
	require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "journey.path"))
	require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "consent.changed"), "by the split's pass")
	for _, m := range claimAll(t, b, day(7)) {
		require.NotEqual(t, dev, m.Person, "a nurture e-mail to the person who unsubscribed")
	}
}

// failsAt is a store whose commits of passes at one time fail.
type failsAt struct {
	store.Store
	at time.Time
}

func (s failsAt) Commit(ctx context.Context, p *store.CommitParams) (int64, error) {
	if p.Now.Equal(s.at) {
		return 0, errors.New("disk full")
	}
	return s.Store.Commit(ctx, p)
}

// TestInputCatchUpCountedWhenTheInputsPassFails: a batch's catch-up
// commits what it decided at the end of the wait (the split of day 5,
// with the demo request and the webinar of day 4) before the batch's own
// pass fails: the call fails, and its report still counts what was
// committed, as Advance's does, so that the caller knows the day-4
// activities were applied and the day-6 one was not.
func TestInputCatchUpCountedWhenTheInputsPassFails(t *testing.T) {
	t.Parallel()
	st := failsAt{Store: memory.New(), at: day(7)}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
	b.store = st
	setupAcme(t, b)
	b.clock.Set(day(7))
	rep, err := b.eng.Ingest(b.ctx, activity("demo", b2b.ActivityRequestDemo, "L-2", day(4), nil),
		activity("webinar", b2b.ActivityAttendEvent, "L-1", day(4).Add(time.Hour), nil),
		activity("open", b2b.ActivityOpenEmail, "L-3", day(6), nil))
	require.ErrorContains(t, err, "disk full")
	require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "journey.path"), "the catch-up committed")
	require.Equal(t, 2, rep.Applied, "the activities of day 4")
	require.Equal(t, 1, rep.Messages, "the sales alert")
	require.Equal(t, 1, rep.Accounts)
	require.NotZero(t, rep.Steps)
}

// TestInputCatchesUpAQualification: an account left due for another
// qualification (its records put it in an audience that an interest
// applies to) is qualified at that time by a later batch's catch-up, as
// by an Advance: Acme's group is created on day 0 whether Advance ran
// before the day-3 activity or not.
func TestInputCatchesUpAQualification(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Audiences = []audience.Audience{{Name: "big", Rule: "account.employees > 0"}}
	defs.Interests[0].Applies = rules.Rule{Name: "big accounts", Source: `"big" in audiences`}
	for _, advance := range []bool{true, false} {
		t.Run(fmt.Sprintf("advance=%v", advance), func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs)
			setupAcme(t, b)
			require.Empty(t, eventTimes(t, b, "acme", "buyinggroup.group_created"), "the audience comes after the qualification")
			b.clock.Set(day(3))
			if advance {
				_, err := b.eng.Advance(b.ctx, day(3))
				require.NoError(t, err)
			}
			rep, err := b.eng.Ingest(b.ctx, activity("open", b2b.ActivityOpenEmail, "L-3", day(3), nil))
			require.NoError(t, err)
			require.Equal(t, 1, rep.Applied)
			require.Equal(t, []time.Time{day0}, eventTimes(t, b, "acme", "buyinggroup.group_created"))
		})
	}
}

// TestInputCatchUpAfterAStatementStampedAhead: an unsubscribe stamped two
// minutes ahead (recorded on Globex, Victor's other account) makes Acme
// due at its time; an Advance past it runs that pass, which decides
// nothing and so commits only Acme's next due time, its refresh a day
// later. A batch two days on must not take the statement's time for a
// decision still due: it would run the day-1 refresh before its own
// pass, without the batch's open of day 1 that came before it, and take
// Acme out of its audience of active accounts then. As with an
// unsubscribe stamped at the clock's time, Acme leaves it at the batch's
// pass.
func TestInputCatchUpAfterAStatementStampedAhead(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Audiences = []audience.Audience{{Name: "active", Rule: `activityCount("open_email", 1) >= 1`}}
	for _, ahead := range []time.Duration{0, 2 * time.Minute} {
		t.Run(fmt.Sprintf("ahead=%s", ahead), func(t *testing.T) {
			t.Parallel()
			b := setup(t, defs)
			setupAcme(t, b)
			victor := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
			victor.OtherAccounts = []b2b.AccountID{"globex"}
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{{Source: b2b.SourceSalesforce, Time: day0,
				Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}},
				Persons: []identity.PersonRecord{victor}})
			require.NoError(t, err)
			ingest := func(a b2b.Activity) {
				t.Helper()
				rep, err := b.eng.Ingest(b.ctx, a)
				require.NoError(t, err)
				require.Equal(t, 1, rep.Applied)
			}
			advance := func(now time.Time) {
				t.Helper()
				b.clock.Set(now)
				_, err := b.eng.Advance(b.ctx, now)
				require.NoError(t, err)
			}
			ingest(activity("o-1", b2b.ActivityOpenEmail, "L-3", day0, nil))
			advance(day0.Add(time.Minute))
			u := activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day0.Add(time.Minute+ahead), nil)
			u.Account = "globex"
			ingest(u)
			advance(day0.Add(5 * time.Minute))

			later := day(2).Add(time.Hour)
			b.clock.Set(later)
			ingest(activity("o-2", b2b.ActivityOpenEmail, "L-3", day(1).Add(-time.Minute), nil))
			require.Equal(t, []time.Time{day0}, eventTimes(t, b, "acme", "audience.entered"))
			require.Equal(t, []time.Time{later}, eventTimes(t, b, "acme", "audience.exited"))
		})
	}
}

// TestErasureCatchesUpFirst: an erasure on day 7, with no Advance since
// the intro of day 0, decides first what the account was due to before:
// the split at the end of the 5-day wait runs on day 5, not on day 7.
func TestErasureCatchesUpFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	maya, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-4")
	require.True(t, ok)
	b.clock.Set(day(7))
	_, err := b.eng.ErasePerson(b.ctx, maya)
	require.NoError(t, err)
	require.Equal(t, []time.Time{day(5)}, eventTimes(t, b, "acme", "journey.path"), "the split at the end of the wait, not at the erasure")
}

// TestAdvanceRefusesNoTime: an Advance to no time (a zero time.Time) is
// a host's mistake, not a time before every due account: it is refused as
// invalid input, not answered with a report of nothing due.
func TestAdvanceRefusesNoTime(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	rep, err := b.eng.Advance(b.ctx, time.Time{})
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.EqualError(t, err, "advance: now: is required")
	require.Zero(t, rep.Accounts)
	rep, err = b.eng.Advance(b.ctx, day(6))
	require.NoError(t, err)
	require.Positive(t, rep.Steps, "the intro's wait ended on day 5")
}
