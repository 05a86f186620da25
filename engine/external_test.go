package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
)

// crmTask is a program whose journey asks the host to create a CRM task
// for each new buying group and ends by the answer: "ok" on success,
// "failed" on an error, "late" when no answer came within two days.
func crmTask() program.Definitions {
	d := dataPlatform()
	d.Journeys = []journey.Journey{{ID: "crm-task", Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated}},
		Nodes: []journey.Node{
			{ID: "call", Kind: journey.KindExternal, External: &journey.External{Call: "crm.create_task", Timeout: journey.Days(2),
				OnSuccess: "ok", OnError: "failed", OnTimeout: "late"}},
			{ID: "ok", Kind: journey.KindEnd, End: &journey.End{Outcome: "ok"}},
			{ID: "failed", Kind: journey.KindEnd, End: &journey.End{Outcome: "failed"}},
			{ID: "late", Kind: journey.KindEnd, End: &journey.End{Outcome: "late"}},
		}}}
	return d
}

// externalKey returns the key of the external call Acme's journey asked
// the host for.
func externalKey(t *testing.T, b *bundle) string {
	t.Helper()
	for _, e := range eventsOf(t, b, "acme") {
		if e.Type == "journey.external_requested" {
			var en journey.OutboxEntry
			require.NoError(t, json.Unmarshal(e.Data, &en))
			return en.Key
		}
	}
	t.Fatal("no external call requested")
	return ""
}

// TestExternalResultRefusesWhatIsNotAnAnswer: an answer whose outcome is
// neither "success" nor "error" (a misspelt "success"), or that names no
// call or no account, is bad input: the host hears of every problem at
// once, with its field, and the journey waits on, rather than taking a
// misspelt success for an error.
func TestExternalResultRefusesWhatIsNotAnAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name             string
		account          b2b.AccountID
		key, outcome     string
		problems         []string
		useTheJourneyKey bool
	}{
		{name: "a misspelt success", account: "acme", outcome: "succes", useTheJourneyKey: true,
			problems: []string{`outcome: "succes" is not an outcome (want success or error)`}},
		{name: "an outcome in capitals", account: "acme", outcome: "SUCCESS", useTheJourneyKey: true,
			problems: []string{`outcome: "SUCCESS" is not an outcome (want success or error)`}},
		{name: "nothing but an outcome", outcome: "success",
			problems: []string{"account: is required", "key: is required"}},
		{name: "nothing at all",
			problems: []string{"account: is required", "key: is required", `outcome: "" is not an outcome (want success or error)`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, crmTask())
			setupAcme(t, b)
			key := tt.key
			if tt.useTheJourneyKey {
				key = externalKey(t, b)
			}
			before := len(eventsOf(t, b, "acme"))
			rep, err := b.eng.ExternalResult(b.ctx, tt.account, key, tt.outcome, "")
			require.ErrorIs(t, err, b2b.ErrInvalid)
			for _, p := range tt.problems {
				require.ErrorContains(t, err, p)
			}
			require.Zero(t, rep.Accounts)
			require.Len(t, eventsOf(t, b, "acme"), before, "the journey still waits for the answer")

			rep, err = b.eng.ExternalResult(b.ctx, "acme", externalKey(t, b), "success", "")
			require.NoError(t, err)
			require.Equal(t, 1, rep.Accounts)
			v, err := b.eng.Account(b.ctx, "acme", day0)
			require.NoError(t, err)
			require.Empty(t, v.Journeys)
			require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
				return e.Type == "journey.ended" && strings.Contains(string(e.Data), `"outcome":"ok"`)
			}))
		})
	}
}

// TestExternalResultNoJourneyWaitsFor: an answer that no journey of the
// account waits for (a key it never sent, a call answered already, one
// that timed out before the answer came) changes nothing, and says so:
// it is in the report as rejected, "not_waiting", and in the counters;
// the journey goes on as it would have. A late answer with no Advance
// since the timeout first lets the timeout be decided at its time, as any
// late input does, and is refused then.
func TestExternalResultNoJourneyWaitsFor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		answer func(t *testing.T, b *bundle, key string) string // the key answered
		caught bool                                             // the call's catch-up decides the timeout
		ended  string                                           // the outcome the journey ended with
	}{
		{name: "a key never sent", answer: func(t *testing.T, b *bundle, key string) string {
			return "no-such-call"
		}},
		{name: "a call answered already", answer: func(t *testing.T, b *bundle, key string) string {
			_, err := b.eng.ExternalResult(b.ctx, "acme", key, "success", "")
			require.NoError(t, err)
			return key
		}, ended: "ok"},
		{name: "an answer after the timeout", answer: func(t *testing.T, b *bundle, key string) string {
			b.clock.Set(day(3)) // the call timed out on day 2
			_, err := b.eng.Advance(b.ctx, day(3))
			require.NoError(t, err)
			return key
		}, ended: "late"},
		{name: "an answer after the timeout, no Advance since", answer: func(t *testing.T, b *bundle, key string) string {
			b.clock.Set(day(3))
			return key
		}, caught: true, ended: "late"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, crmTask())
			setupAcme(t, b)
			key := tt.answer(t, b, externalKey(t, b))
			before, err := b.store.LoadAccount(b.ctx, "default", "acme")
			require.NoError(t, err)
			counted := b.eng.Counters().Rejected["not_waiting"]

			rep, err := b.eng.ExternalResult(b.ctx, "acme", key, "error", "")
			require.NoError(t, err)
			require.Len(t, rep.Rejected, 1, "%+v", rep)
			r := rep.Rejected[0]
			require.Equal(t, engine.KindExternalResult, r.Kind)
			require.Equal(t, b2b.AccountID("acme"), r.Account)
			require.Equal(t, "not_waiting", r.Reason)
			require.Contains(t, r.Detail, key)
			require.Equal(t, counted+1, b.eng.Counters().Rejected["not_waiting"])
			if !tt.caught {
				require.Zero(t, rep.Accounts)
				after, err := b.store.LoadAccount(b.ctx, "default", "acme")
				require.NoError(t, err)
				require.Equal(t, before.Version, after.Version, "nothing committed")
			}

			if tt.ended == "" {
				// The journey still waits for its own call's answer.
				_, err = b.eng.ExternalResult(b.ctx, "acme", externalKey(t, b), "success", "")
				require.NoError(t, err)
				tt.ended = "ok"
			}
			require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
				return e.Type == "journey.ended" && strings.Contains(string(e.Data), `"outcome":"`+tt.ended+`"`)
			}))
			require.Zero(t, countEventsWhere(t, b, "acme", func(e store.Event) bool {
				return e.Type == "journey.path" && strings.Contains(string(e.Data), `"path":"error"`)
			}), "the error answered to no call took no path")
		})
	}
}
