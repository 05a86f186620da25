package engine_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// consentChange is the data of a consent.changed event.
type consentChange struct {
	Person  b2b.PersonID      `json:"-"`
	Channel b2b.Channel       `json:"channel"`
	From    b2b.ConsentStatus `json:"from"`
	To      b2b.ConsentStatus `json:"to"`
	Source  b2b.Source        `json:"source"`
	At      time.Time         `json:"at"`
	Ref     string            `json:"ref"`
	Reason  string            `json:"reason"`
}

// consentChanges reads an account's consent.changed events.
func consentChanges(t *testing.T, b *bundle, account b2b.AccountID) []consentChange {
	t.Helper()
	evs, err := b.eng.Events(b.ctx, account, 0, 0)
	require.NoError(t, err)
	var out []consentChange
	for _, e := range evs {
		if e.Type != "consent.changed" {
			continue
		}
		var c consentChange
		require.NoError(t, json.Unmarshal(e.Data, &c), string(e.Data))
		c.Person = e.Person
		out = append(out, c)
	}
	return out
}

// consentOf returns a person's consent in an account's view, by channel.
func consentOf(t *testing.T, b *bundle, account b2b.AccountID, person b2b.PersonID) map[b2b.Channel]b2b.Consent {
	t.Helper()
	v, err := b.eng.Account(b.ctx, account, b.clock.Now())
	require.NoError(t, err)
	for _, p := range v.Persons {
		if p.Person.ID == person {
			return p.Person.Consent
		}
	}
	t.Fatalf("%s has no person %s", account, person)
	return nil
}

// TestConsentActivities: an activity that states consent (an unsubscribe,
// a preference center's consent_changed) becomes a statement kept with
// the person in every account of theirs; the person's consent is what
// their record and their statements decide at each pass (a CRM sync that
// had not seen an unsubscribe does not undo it, an opt-in a week later
// does), and each change is in the event log with its reason.
func TestConsentActivities(t *testing.T) {
	t.Parallel()
	victor := b2b.PersonID("marketo:L-2")
	optIn := b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, -1, 0)} // the lead's record
	optOut := func(source b2b.Source, at time.Time) b2b.Consent {
		return b2b.Consent{Status: b2b.ConsentOptOut, Source: source, At: at}
	}
	changed := func(ch b2b.Channel, from, to b2b.ConsentStatus, source b2b.Source, at time.Time, ref, reason string) consentChange {
		return consentChange{Person: victor, Channel: ch, From: from, To: to, Source: source, At: at, Ref: ref, Reason: reason}
	}
	unsubscribed := changed(b2b.ChannelEmail, b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.SourceMarketo, day(1), "u-1",
		"opt-out from marketo at 2026-03-03T09:00:00Z is the latest statement; 1 older statement(s) no longer count")
	unsubscribe := activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil)
	preference := func(id, status string, at time.Time) b2b.Activity {
		a := activity(id, governance.ConsentChangedType, "marketo:L-2", at, map[string]any{"channel": "email", "status": status})
		a.Source = "preference-center" // it names the golden person
		return a
	}
	tests := []struct {
		name   string
		reason string
		config func(*engine.Config)
		// steps run from day 1 on, the clock at day 1.
		steps       func(t *testing.T, b *bundle)
		want        map[b2b.Channel]b2b.Consent
		wantChanges []consentChange
	}{
		{
			name: "an email unsubscribe opts out of email",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
			},
			want:        map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut(b2b.SourceMarketo, day(1))},
			wantChanges: []consentChange{unsubscribed},
		},
		{
			name: "an SMS unsubscribe opts out of SMS only",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, activity("s-1", b2b.ActivityUnsubscribeSMS, "L-2", day(1), nil))
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optIn, b2b.ChannelSMS: optOut(b2b.SourceMarketo, day(1))},
			wantChanges: []consentChange{changed(b2b.ChannelSMS, b2b.ConsentUnknown, b2b.ConsentOptOut, b2b.SourceMarketo, day(1), "s-1",
				"opt-out from marketo at 2026-03-03T09:00:00Z is the latest statement")},
		},
		{
			name: "a preference center's consent_changed states its channel and status",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, preference("p-1", b2b.ConsentOptOut, day(1)))
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut("preference-center", day(1))},
			wantChanges: []consentChange{changed(b2b.ChannelEmail, b2b.ConsentOptIn, b2b.ConsentOptOut, "preference-center", day(1), "p-1",
				"opt-out from preference-center at 2026-03-03T09:00:00Z is the latest statement; 1 older statement(s) no longer count")},
		},
		{
			name:   "a CRM sync that had not seen the unsubscribe does not undo it",
			reason: "the sync's opt-in is within a day of the unsubscribe, so the stricter statement wins; a record that says nothing new changes nothing",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
				b.clock.Set(day(2))
				rec := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
				rec.Time = day(2)
				rec.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day(1).Add(time.Hour)}}
				rep, err := b.eng.UpsertPersons(b.ctx, rec)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
			},
			want:        map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut(b2b.SourceMarketo, day(1))},
			wantChanges: []consentChange{unsubscribed},
		},
		{
			name: "an opt-in a week later opts in again",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
				b.clock.Set(day(8))
				ingest(t, b, preference("p-2", b2b.ConsentOptIn, day(8)))
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: "preference-center", At: day(8)}},
			wantChanges: []consentChange{unsubscribed, changed(b2b.ChannelEmail, b2b.ConsentOptOut, b2b.ConsentOptIn, "preference-center", day(8), "p-2",
				"opt-in from preference-center at 2026-03-10T09:00:00Z is the latest statement; 2 older statement(s) no longer count")},
		},
		{
			name:   "a re-subscription stamped ahead counts once its time comes",
			reason: "governance.ApplyConsent returns it as pending: the account keeps it and is due at its time",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
				b.clock.Set(day(8))
				ingest(t, b, preference("p-2", b2b.ConsentOptIn, day(8).Add(3*time.Minute)))
				require.Equal(t, optOut(b2b.SourceMarketo, day(1)), consentOf(t, b, "acme", victor)[b2b.ChannelEmail], "not yet")
				b.clock.Set(day(8).Add(3 * time.Minute))
				_, err := b.eng.Advance(b.ctx, day(8).Add(3*time.Minute))
				require.NoError(t, err)
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: "preference-center", At: day(8).Add(3 * time.Minute)}},
			wantChanges: []consentChange{unsubscribed, changed(b2b.ChannelEmail, b2b.ConsentOptOut, b2b.ConsentOptIn, "preference-center", day(8).Add(3*time.Minute), "p-2",
				"opt-in from preference-center at 2026-03-10T09:03:00Z is the latest statement; 2 older statement(s) no longer count")},
		},
		{
			name:   "an unsubscribe stamped ahead restricts at once",
			reason: "a restriction takes effect at once (governance.ApplyConsent)",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, activity("u-2", b2b.ActivityUnsubscribeEmail, "L-2", day(1).Add(3*time.Minute), nil))
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut(b2b.SourceMarketo, day(1).Add(3*time.Minute))},
			wantChanges: []consentChange{changed(b2b.ChannelEmail, b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.SourceMarketo, day(1).Add(3*time.Minute), "u-2",
				"opt-out from marketo at 2026-03-03T09:03:00Z is dated ahead and restricts at once")},
		},
		{
			name:   "Config.ActivityConsent maps other types",
			reason: "here a hard bounce is an email opt-out, and an unsubscribe is not mapped",
			config: func(c *engine.Config) {
				c.ActivityConsent = governance.ActivityConsent{b2b.ActivityEmailBounced: {Channel: b2b.ChannelEmail, Status: b2b.ConsentOptOut}}
			},
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
				require.Equal(t, optIn, consentOf(t, b, "acme", victor)[b2b.ChannelEmail], "an unsubscribe the map leaves out states nothing")
				ingest(t, b, activity("b-1", b2b.ActivityEmailBounced, "L-2", day(1), nil))
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut(b2b.SourceMarketo, day(1))},
			wantChanges: []consentChange{changed(b2b.ChannelEmail, b2b.ConsentOptIn, b2b.ConsentOptOut, b2b.SourceMarketo, day(1), "b-1",
				"opt-out from marketo at 2026-03-03T09:00:00Z is the latest statement; 1 older statement(s) no longer count")},
		},
		{
			name:   "an unsubscribe older than the activity retention is rejected with what it states",
			reason: "it is rejected too_late where it goes, and what it states is not taken either",
			steps: func(t *testing.T, b *bundle) {
				rep, err := b.eng.Ingest(b.ctx, activity("u-old", b2b.ActivityUnsubscribeEmail, "L-2", day(-40), nil))
				require.NoError(t, err)
				require.Len(t, rep.Rejected, 1)
				require.Equal(t, "too_late", rep.Rejected[0].Reason)
			},
			want: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optIn},
		},
		{
			name: "a replayed unsubscribe changes nothing",
			steps: func(t *testing.T, b *bundle) {
				ingest(t, b, unsubscribe)
				b.clock.Set(day(2))
				rep, err := b.eng.Ingest(b.ctx, unsubscribe)
				require.NoError(t, err)
				require.Equal(t, 1, rep.Duplicates)
				require.Zero(t, rep.Accounts, "nothing to commit")
			},
			want:        map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut(b2b.SourceMarketo, day(1))},
			wantChanges: []consentChange{unsubscribed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []func(*engine.Config)
			if tt.config != nil {
				opts = append(opts, tt.config)
			}
			b := setup(t, pipelineProgram(), opts...)
			setupAcme(t, b)
			b.clock.Set(day(1))
			tt.steps(t, b)
			if diff := cmp.Diff(tt.want, consentOf(t, b, "acme", victor)); diff != "" {
				t.Errorf("Victor's consent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantChanges, consentChanges(t, b, "acme")); diff != "" {
				t.Errorf("consent.changed events (-want +got):\n%s", diff)
			}
		})
	}
}

func ingest(t *testing.T, b *bundle, acts ...b2b.Activity) {
	t.Helper()
	rep, err := b.eng.Ingest(b.ctx, acts...)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	require.Equal(t, len(acts), rep.Applied)
}

// TestConsentIsThePersons: an activity that names one account of a person
// of two withdraws their consent in both; a consent_changed activity that
// names no channel or status is rejected as invalid with why, not applied
// as if it said nothing.
func TestConsentIsThePersons(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	// A CRM contact of Acme also related to Globex, and their marketing lead.
	victor := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	victor.OtherAccounts = []b2b.AccountID{"globex"}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{victor, lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	id, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)

	b.clock.Set(day(1))
	u := activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil)
	u.Account = "acme"
	bad := activity("c-1", governance.ConsentChangedType, "L-2", day(1), map[string]any{"channel": "fax"})
	rep, err = b.eng.Ingest(b.ctx, u, bad)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Applied)
	want := []engine.Rejection{{Kind: engine.KindActivity, Index: 1, Activity: "c-1", Reason: "invalid",
		Detail: `activity "c-1": 2 problems:` + "\n" +
			`  attributes["channel"]: activity "c-1": "fax" is not a channel (email, sms, phone)` + "\n" +
			`  attributes["status"]: activity "c-1": "" is not opt-in or opt-out`}}
	if diff := cmp.Diff(want, rep.Rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		require.Equal(t, b2b.ConsentOptOut, consentOf(t, b, acc, id)[b2b.ChannelEmail].Status, "in %s", acc)
		require.Len(t, consentChanges(t, b, acc), 1, "in %s", acc)
	}
}

// TestUnsubscribedPersonsAreNotMessaged: S2's nurture path after three of
// the committee unsubscribed on day 1: the journey skips them with the
// reason at each visit, and still ends "not engaged" after its third.
func TestUnsubscribedPersonsAreNotMessaged(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	intro := claimAll(t, b, day0)
	require.Len(t, intro, 3, "the members' intro emails")
	b.clock.Set(day(1))
	ingest(t, b, activity("u1", b2b.ActivityUnsubscribeEmail, "L-1", day(1), nil),
		activity("u2", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil),
		activity("u3", b2b.ActivityUnsubscribeEmail, "L-3", day(1), nil))
	var sent []channel.Message
	for d := 2; d <= 40; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		sent = append(sent, claimAll(t, b, day(d))...)
	}
	require.Empty(t, sent, "nobody who unsubscribed is emailed")
	evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	skips, ended := 0, ""
	for _, e := range evs {
		switch e.Type {
		case "journey.skip":
			var d journey.Decision
			require.NoError(t, json.Unmarshal(e.Data, &d))
			require.Contains(t, d.Reason, "consent: opted out of email", "skipped for their consent")
			skips++
		case "journey.ended":
			var en journey.Ended
			require.NoError(t, json.Unmarshal(e.Data, &en))
			ended = en.Outcome
		}
	}
	require.Equal(t, 9, skips, "three members at each of the three nurture visits")
	require.Equal(t, "not engaged", ended)
}

// TestClaimChecksConsent: a journey message queued before its recipient
// withdrew consent is not sent: the engine's claim checks the consent in
// the account's committed state and records the entry as suppressed with
// the reason, so a dispatcher without a consent lookup never sends it.
func TestClaimChecksConsent(t *testing.T) {
	t.Parallel()
	queued := day0.Add(time.Minute)
	tests := []struct {
		name string
		// withdraw runs after the intro emails were queued on day 0.
		withdraw func(t *testing.T, b *bundle)
		// wantSuppressed is the reason Victor's email is suppressed for
		// ("" when it is delivered).
		wantSuppressed string
	}{
		{
			name: "an unsubscribe since it was queued",
			withdraw: func(t *testing.T, b *bundle) {
				ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", queued, nil))
			},
			wantSuppressed: "email consent is opt-out (source marketo, 2026-03-02T09:01:00Z)",
		},
		{
			name: "a source's record that opts out",
			withdraw: func(t *testing.T, b *bundle) {
				rec := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
				rec.Time = queued
				rec.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: queued}}
				rep, err := b.eng.UpsertPersons(b.ctx, rec)
				require.NoError(t, err)
				require.Empty(t, rep.Rejected)
			},
			wantSuppressed: "email consent is opt-out (source marketo, 2026-03-02T09:01:00Z)",
		},
		{
			name: "an SMS unsubscribe leaves email alone",
			withdraw: func(t *testing.T, b *bundle) {
				ingest(t, b, activity("s-1", b2b.ActivityUnsubscribeSMS, "L-2", queued, nil))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, pipelineProgram())
			setupAcme(t, b)
			b.clock.Set(queued)
			tt.withdraw(t, b)

			now := day0.Add(2 * time.Minute)
			b.clock.Set(now)
			rec := &recorder{}
			d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: b.eng.Outbox(), Email: rec, Clock: b.clock})
			require.NoError(t, err)
			rep, err := d.Dispatch(b.ctx)
			require.NoError(t, err)
			var to []string
			for _, m := range rec.sent {
				to = append(to, m.To)
			}
			slices.Sort(to)
			want := []string{"carla.cfo@acme.com", "dev@acme.com", "victor@acme.com"}
			if tt.wantSuppressed != "" {
				want = slices.DeleteFunc(want, func(s string) bool { return s == "victor@acme.com" })
			}
			require.Equal(t, want, to, "what was sent")
			require.Equal(t, len(want), rep.Delivered)

			var suppressed []map[string]any
			evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
			require.NoError(t, err)
			for _, e := range evs {
				if e.Type == "message.suppressed" {
					var data map[string]any
					require.NoError(t, json.Unmarshal(e.Data, &data))
					require.Equal(t, b2b.PersonID("marketo:L-2"), e.Person, "the event is the recipient's")
					delete(data, "key")
					suppressed = append(suppressed, data)
				}
			}
			var wantEvents []map[string]any
			if tt.wantSuppressed != "" {
				wantEvents = []map[string]any{{"attempt": 1.0, "error": tt.wantSuppressed, "status": "suppressed"}}
				require.Equal(t, int64(1), b.eng.Counters().Deliveries["suppressed"])
			}
			if diff := cmp.Diff(wantEvents, suppressed); diff != "" {
				t.Errorf("message.suppressed events (-want +got):\n%s", diff)
			}
			// Final: never claimed again.
			got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: now.Add(time.Hour), Limit: 10, Lease: time.Minute})
			require.NoError(t, err)
			require.Empty(t, got)
		})
	}
}

// recorder is an email sender that keeps what it sends.
type recorder struct{ sent []channel.Message }

func (r *recorder) SendEmail(_ context.Context, m *channel.Message) (channel.Receipt, error) {
	r.sent = append(r.sent, *m)
	return channel.Receipt{ProviderID: "r-" + m.Key}, nil
}

// TestConsentFollowsANewLink: a person who unsubscribed while in one
// account, and is linked to another later, is opted out there too: the
// new account takes the statements the person's other accounts keep.
func TestConsentFollowsANewLink(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	globex := identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: "globex", Name: "Globex", Domains: []string{"globex.com"}}}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord(), globex},
		Persons: []identity.PersonRecord{lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	b.clock.Set(day(1))
	ingest(t, b, activity("u-1", b2b.ActivityUnsubscribeEmail, "L-2", day(1), nil))

	b.clock.Set(day(2))
	crm := contact("003V", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "acme")
	crm.OtherAccounts = []b2b.AccountID{"globex"}
	rep, err = b.eng.UpsertPersons(b.ctx, crm)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	id, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.True(t, ok)
	want := b2b.Consent{Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day(1)}
	for _, acc := range []b2b.AccountID{"acme", "globex"} {
		require.Equal(t, want, consentOf(t, b, acc, id)[b2b.ChannelEmail], "in %s", acc)
	}
}
