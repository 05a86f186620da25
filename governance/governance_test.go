package governance_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/clock"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/journey"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func st(status b2b.ConsentStatus, source string, at time.Duration) governance.Statement {
	return governance.Statement{Person: "p-1", Channel: b2b.ChannelEmail, Status: status, Source: source, At: t0.Add(at)}
}

func TestConsentPrecedence(t *testing.T) {
	t.Parallel()
	h, d := time.Hour, 24*time.Hour
	for _, tc := range []struct {
		name   string
		stmts  []governance.Statement
		status b2b.ConsentStatus
		source string
		reason string
	}{
		{"no statement", nil, b2b.ConsentUnknown, "", "no consent statement: unknown"},
		{"only statements that do not count",
			[]governance.Statement{st(b2b.ConsentOptIn, "crm", 11*d), st("OPT-OUT", "import", 0), st(b2b.ConsentUnknown, "sync", h)},
			b2b.ConsentUnknown, "",
			`no consent statement counts: unknown (1 dated after now: opt-in from crm at 2026-03-13T09:00:00Z; 2 stating neither opt-in nor opt-out: "OPT-OUT" from import at 2026-03-02T09:00:00Z, "unknown" from sync at 2026-03-02T10:00:00Z)`},
		{"one opt-in", []governance.Statement{st(b2b.ConsentOptIn, "form", 0)}, b2b.ConsentOptIn, "form",
			"opt-in from form at 2026-03-02T09:00:00Z is the latest statement"},
		{"a later sync does not undo a recent opt-out",
			[]governance.Statement{st(b2b.ConsentOptOut, "marketo", 0), st(b2b.ConsentOptIn, "salesforce", 3*h)},
			b2b.ConsentOptOut, "marketo",
			"opt-out from marketo at 2026-03-02T09:00:00Z wins as the strictest statement within 24h0m0s of the latest (over opt-in from salesforce at 2026-03-02T12:00:00Z)"},
		{"an opt-in a week later wins",
			[]governance.Statement{st(b2b.ConsentOptOut, "marketo", 0), st(b2b.ConsentOptIn, "preference-center", 7*d)},
			b2b.ConsentOptIn, "preference-center",
			"opt-in from preference-center at 2026-03-09T09:00:00Z is the latest statement; 1 older statement(s) no longer count"},
		{"the window is inclusive",
			[]governance.Statement{st(b2b.ConsentOptOut, "a", 0), st(b2b.ConsentOptIn, "b", d)},
			b2b.ConsentOptOut, "a", ""},
		{"unknown statements state nothing",
			[]governance.Statement{st(b2b.ConsentOptIn, "form", 0), st(b2b.ConsentUnknown, "import", 2*d)},
			b2b.ConsentOptIn, "form", ""},
		{"future statements are ignored",
			[]governance.Statement{st(b2b.ConsentOptIn, "form", 0), st(b2b.ConsentOptOut, "skewed", 30*d)},
			b2b.ConsentOptIn, "form", ""},
		{"same strictness: the latest wins",
			[]governance.Statement{st(b2b.ConsentOptOut, "a", 0), st(b2b.ConsentOptOut, "b", h)},
			b2b.ConsentOptOut, "b",
			"opt-out from b at 2026-03-02T10:00:00Z is the latest statement (over opt-out from a at 2026-03-02T09:00:00Z, as strict, within 24h0m0s of it)"},
		{"same time: the source that sorts first",
			[]governance.Statement{st(b2b.ConsentOptOut, "zeta", 0), st(b2b.ConsentOptOut, "alpha", 0)},
			b2b.ConsentOptOut, "alpha",
			"opt-out from alpha at 2026-03-02T09:00:00Z is the latest statement, at the same time as another as strict, and comes first by source, then reference (over opt-out from zeta at 2026-03-02T09:00:00Z)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := governance.Resolve(tc.stmts, t0.Add(10*d), governance.ConsentRules{})
			require.Equal(t, tc.status, got.Consent.Status)
			require.Equal(t, tc.source, got.Consent.Source)
			if tc.reason != "" {
				require.Equal(t, tc.reason, got.Reason)
			}
		})
	}
	// Order of the input does not matter.
	a := governance.Resolve([]governance.Statement{st(b2b.ConsentOptIn, "b", h), st(b2b.ConsentOptOut, "a", 0)}, t0.Add(d), governance.ConsentRules{})
	b := governance.Resolve([]governance.Statement{st(b2b.ConsentOptOut, "a", 0), st(b2b.ConsentOptIn, "b", h)}, t0.Add(d), governance.ConsentRules{})
	require.Equal(t, a, b)
	// A narrower window lets the later opt-in win.
	c := governance.Resolve([]governance.Statement{st(b2b.ConsentOptOut, "a", 0), st(b2b.ConsentOptIn, "b", 3*h)}, t0.Add(d), governance.ConsentRules{Window: time.Hour})
	require.Equal(t, b2b.ConsentOptIn, c.Consent.Status)
}

func TestUnsubscribeActivitiesUpdateConsent(t *testing.T) {
	t.Parallel()
	p := b2b.Person{ID: "p-1", Email: "ann@acme.com", Consent: map[b2b.Channel]b2b.Consent{
		b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: "salesforce", At: t0.AddDate(0, -1, 0)},
		b2b.ChannelSMS:   {Status: b2b.ConsentOptIn, Source: "form", At: t0.AddDate(0, -1, 0)},
	}}
	acts := []b2b.Activity{
		{ID: "a1", Type: b2b.ActivityUnsubscribeEmail, Person: "p-1", Time: t0, Source: b2b.SourceMarketo},
		{ID: "a2", Type: b2b.ActivityOpenEmail, Person: "p-1", Time: t0},
		{ID: "a3", Type: governance.ConsentChangedType, Person: "p-1", Time: t0, Source: "preference-center",
			Attributes: map[string]any{"channel": "phone", "status": "opt-out"}},
		{ID: "a4", Type: governance.ConsentChangedType, Person: "p-1", Time: t0, Attributes: map[string]any{"channel": "fax", "status": "maybe"}},
		{ID: "a5", Type: b2b.ActivityUnsubscribeEmail, Person: "p-2", Time: t0},
	}
	stmts, err := governance.ConsentFromActivities(acts, nil)
	require.EqualError(t, err, `consent activities: 2 problems:
  [3].attributes["channel"]: activity "a4": "fax" is not a channel (email, sms, phone)
  [3].attributes["status"]: activity "a4": "maybe" is not opt-in or opt-out`)
	require.Len(t, stmts, 3, "a1, a3 and a5; the bad one is reported, not guessed")

	decisions := governance.ApplyConsent(&p, stmts, t0.Add(time.Hour), governance.ConsentRules{})
	want := map[b2b.Channel]b2b.Consent{
		b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: t0},
		b2b.ChannelSMS:   {Status: b2b.ConsentOptIn, Source: "form", At: t0.AddDate(0, -1, 0)},
		b2b.ChannelPhone: {Status: b2b.ConsentOptOut, Source: "preference-center", At: t0},
	}
	if d := cmp.Diff(want, p.Consent); d != "" {
		t.Fatalf("consent (-want +got):\n%s", d)
	}
	require.Equal(t, "opt-out from marketo at 2026-03-02T09:00:00Z is the latest statement; 1 older statement(s) no longer count", decisions[b2b.ChannelEmail].Reason)
	require.Equal(t, "a1", decisions[b2b.ChannelEmail].Winner.Ref)
}

// TestActivityConsentValidate: a map of activity types to consent
// statements states a known channel and status for each type, and leaves
// consent_changed, which states its own, alone.
func TestActivityConsentValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    governance.ActivityConsent
		want string
	}{
		{"nil", nil, ""},
		{"the default", governance.DefaultActivityConsent, ""},
		{"a hard bounce as an email opt-out", governance.ActivityConsent{b2b.ActivityEmailBounced: {Channel: b2b.ChannelEmail, Status: b2b.ConsentOptOut}}, ""},
		{
			"every problem at once",
			governance.ActivityConsent{
				"fax_stop":                    {Channel: "fax", Status: b2b.ConsentOptOut},
				"maybe":                       {Channel: b2b.ChannelEmail, Status: b2b.ConsentUnknown},
				governance.ConsentChangedType: {Channel: b2b.ChannelEmail, Status: b2b.ConsentOptIn},
			},
			`activity consent: 3 problems:
  consent_changed: consent_changed activities state their channel and status in their attributes: they take no mapping
  fax_stop.channel: "fax" is not a channel (email, sms, phone)
  maybe.status: "unknown" is not opt-in or opt-out`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.m.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
			require.ErrorIs(t, err, b2b.ErrInvalid)
		})
	}
}

// TestApplyConsentKeepsStatementsDatedAhead: a statement dated after now
// (a source's clock ahead) does not count yet. An opt-out dated ahead
// restricts at once: a recorded opt-out is not replaced by unknown or by
// an opt-in, an unsubscribe stamped ahead is recorded. An opt-in dated
// ahead does not grant anything before its time.
func TestApplyConsentKeepsStatementsDatedAhead(t *testing.T) {
	t.Parallel()
	m, w := time.Minute, 7*24*time.Hour
	consent := func(status b2b.ConsentStatus, source string, at time.Duration) b2b.Consent {
		return b2b.Consent{Status: status, Source: source, At: t0.Add(at)}
	}
	unknown := b2b.Consent{Status: b2b.ConsentUnknown}
	for _, tc := range []struct {
		name     string
		recorded b2b.Consent // zero: nothing recorded
		stmts    []governance.Statement
		want     b2b.Consent
		now      b2b.ConsentStatus // the decision at now
	}{
		{name: "recorded opt-out ahead, nothing else", recorded: consent(b2b.ConsentOptOut, "marketo", m),
			want: consent(b2b.ConsentOptOut, "marketo", m), now: b2b.ConsentUnknown},
		{name: "recorded opt-out ahead, opt-in now", recorded: consent(b2b.ConsentOptOut, "marketo", m),
			stmts: []governance.Statement{st(b2b.ConsentOptIn, "form", 0)},
			want:  consent(b2b.ConsentOptOut, "marketo", m), now: b2b.ConsentOptIn},
		{name: "unsubscribe ahead, recorded opt-in", recorded: consent(b2b.ConsentOptIn, "salesforce", -w),
			stmts: []governance.Statement{st(b2b.ConsentOptOut, "marketo", m)},
			want:  consent(b2b.ConsentOptOut, "marketo", m), now: b2b.ConsentOptIn},
		{name: "two unsubscribes ahead: the earlier", recorded: consent(b2b.ConsentOptIn, "salesforce", -w),
			stmts: []governance.Statement{st(b2b.ConsentOptOut, "b", 2*m), st(b2b.ConsentOptOut, "a", m)},
			want:  consent(b2b.ConsentOptOut, "a", m), now: b2b.ConsentOptIn},
		{name: "opt-out now, opt-out ahead: the one that counts", recorded: consent(b2b.ConsentOptOut, "marketo", -m),
			stmts: []governance.Statement{st(b2b.ConsentOptOut, "form", m)},
			want:  consent(b2b.ConsentOptOut, "marketo", -m), now: b2b.ConsentOptOut},
		{name: "recorded opt-in ahead, opt-out now", recorded: consent(b2b.ConsentOptIn, "salesforce", m),
			stmts: []governance.Statement{st(b2b.ConsentOptOut, "marketo", 0)},
			want:  consent(b2b.ConsentOptOut, "marketo", 0), now: b2b.ConsentOptOut},
		{name: "recorded opt-out a week ago, opt-in now", recorded: consent(b2b.ConsentOptOut, "marketo", -w),
			stmts: []governance.Statement{st(b2b.ConsentOptIn, "form", 0)},
			want:  consent(b2b.ConsentOptIn, "form", 0), now: b2b.ConsentOptIn},
		{name: "opt-in ahead, nothing recorded", stmts: []governance.Statement{st(b2b.ConsentOptIn, "form", m)},
			want: unknown, now: b2b.ConsentUnknown},
		{name: "recorded opt-in ahead, nothing else", recorded: consent(b2b.ConsentOptIn, "salesforce", m),
			want: unknown, now: b2b.ConsentUnknown},
		{name: "recorded opt-out a week ago, opt-in ahead", recorded: consent(b2b.ConsentOptOut, "marketo", -w),
			stmts: []governance.Statement{st(b2b.ConsentOptIn, "form", m)},
			want:  consent(b2b.ConsentOptOut, "marketo", -w), now: b2b.ConsentOptOut},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := b2b.Person{ID: "p-1"}
			if tc.recorded != (b2b.Consent{}) {
				p.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: tc.recorded}
			}
			decisions := governance.ApplyConsent(&p, tc.stmts, t0, governance.ConsentRules{})
			require.Equal(t, tc.want, p.Consent[b2b.ChannelEmail])
			require.Equal(t, tc.now, decisions[b2b.ChannelEmail].Consent.Status)
		})
	}
}

// TestApplyConsentOptInAheadSendsNoSMS: an SMS opt-in stamped an hour
// ahead (a form whose clock is ahead) does not count at now, so it is not
// in p.Consent, which a journey reads without dates; SMS needs an opt-in,
// so no SMS goes out before the opt-in counts.
func TestApplyConsentOptInAheadSendsNoSMS(t *testing.T) {
	t.Parallel()
	p := b2b.Person{ID: "p-1", FirstName: "Ann", Phone: "+15550100"}
	stmts := []governance.Statement{{Person: "p-1", Channel: b2b.ChannelSMS, Status: b2b.ConsentOptIn, Source: "form", At: t0.Add(time.Hour)}}
	decisions := governance.ApplyConsent(&p, stmts, t0, governance.ConsentRules{})
	require.Equal(t, b2b.ConsentUnknown, decisions[b2b.ChannelSMS].Consent.Status)
	require.Equal(t, b2b.ConsentUnknown, p.ConsentFor(b2b.ChannelSMS).Status)

	cat, err := journey.NewCatalog(journey.Config{Roles: []string{"Champion"}})
	require.NoError(t, err)
	cat, _, err = cat.Publish(journey.Journey{ID: "j", Nodes: []journey.Node{
		{ID: "sms", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionSMS, Template: "t", Next: "end"}},
		{ID: "end", Kind: journey.KindEnd, End: &journey.End{}},
	}})
	require.NoError(t, err)
	view := &journey.AccountView{Account: b2b.Account{ID: "a", Name: "A"}, Revision: 1,
		Persons: []journey.PersonView{{Person: p}},
		Groups:  []journey.GroupView{{ID: "g", SolutionInterest: "si", Members: []journey.Member{{Person: "p-1", Role: "Champion"}}}}}
	var s journey.State
	res := cat.Step(&s, journey.Input{View: view, Now: t0, Events: []journey.Event{{Type: journey.EventManualEntry, Journey: "j", At: t0}}})
	require.Empty(t, res.Outbox, "no SMS before the opt-in counts")
}

// TestApplyConsentPendingCountsLater: the statements dated ahead that
// p.Consent does not hold are in the decisions' Pending, by time; the
// caller passes them again later, and each counts once its time has come.
// A re-subscription stamped ahead after an opt-out is not lost.
func TestApplyConsentPendingCountsLater(t *testing.T) {
	t.Parallel()
	h, w := time.Hour, 7*24*time.Hour
	optOut := b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo", At: t0.Add(-w)}
	p := b2b.Person{ID: "p-1", Consent: map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: optOut}}
	resubscribe, unknown := st(b2b.ConsentOptIn, "form", 2*h), st(b2b.ConsentUnknown, "import", h)
	decisions := governance.ApplyConsent(&p, []governance.Statement{resubscribe, unknown}, t0, governance.ConsentRules{})
	require.Equal(t, optOut, p.Consent[b2b.ChannelEmail], "the opt-in does not count yet")
	pending := decisions[b2b.ChannelEmail].Pending
	require.Equal(t, []governance.Statement{resubscribe}, pending, "a statement of status unknown states nothing")

	governance.ApplyConsent(&p, pending, t0.Add(h), governance.ConsentRules{})
	require.Equal(t, optOut, p.Consent[b2b.ChannelEmail], "still ahead")
	decisions = governance.ApplyConsent(&p, pending, t0.Add(2*h), governance.ConsentRules{})
	require.Equal(t, b2b.Consent{Status: b2b.ConsentOptIn, Source: "form", At: t0.Add(2 * h)}, p.Consent[b2b.ChannelEmail])
	require.Empty(t, decisions[b2b.ChannelEmail].Pending)

	// Pending is in time order whatever the order of the statements, and
	// passing again the opt-out p.Consent already holds changes nothing.
	q := b2b.Person{ID: "p-1"}
	later, sooner := st(b2b.ConsentOptIn, "b", 2*h), st(b2b.ConsentOptOut, "a", h)
	decisions = governance.ApplyConsent(&q, []governance.Statement{later, sooner}, t0, governance.ConsentRules{})
	require.Equal(t, []governance.Statement{sooner, later}, decisions[b2b.ChannelEmail].Pending)
	kept := q.Consent[b2b.ChannelEmail]
	require.Equal(t, b2b.ConsentOptOut, kept.Status, "an opt-out dated ahead restricts at once")
	governance.ApplyConsent(&q, decisions[b2b.ChannelEmail].Pending, t0, governance.ConsentRules{})
	require.Equal(t, kept, q.Consent[b2b.ChannelEmail])
}

func TestLedgerFeedsTheDispatcher(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(t0)
	l := governance.NewLedger(clk, governance.ConsentRules{})
	var _ channel.ConsentLookup = l
	l.Record(st(b2b.ConsentOptIn, "form", 0))
	c, err := l.Consent(t.Context(), "p-1", b2b.ChannelEmail)
	require.NoError(t, err)
	require.Equal(t, b2b.ConsentOptIn, c.Status)
	l.Record(st(b2b.ConsentOptIn, "crm", 2*time.Hour)) // not yet: in the clock's future
	require.Equal(t, b2b.ConsentOptIn, l.Decide("p-1", b2b.ChannelEmail).Consent.Status)
	clk.Advance(time.Hour)
	l.Record(st(b2b.ConsentOptOut, "marketo", time.Hour))
	require.Equal(t, b2b.ConsentOptOut, l.Decide("p-1", b2b.ChannelEmail).Consent.Status)
	require.Equal(t, 3, l.Erase("p-1"))
	require.Equal(t, b2b.ConsentUnknown, l.Decide("p-1", b2b.ChannelEmail).Consent.Status)
}

// An unsubscribe from a source whose clock is ahead restricts at once, as
// it does in ApplyConsent: a message claimed between the unsubscribe and
// its stamped time is not sent. An opt-in dated ahead does not count yet.
func TestLedgerOptOutDatedAheadRestrictsAtOnce(t *testing.T) {
	t.Parallel()
	optIn := st(b2b.ConsentOptIn, "form", -time.Hour)
	for _, tc := range []struct {
		name   string
		stmts  []governance.Statement
		want   b2b.Consent
		reason string
	}{
		{"an opt-out a minute ahead", []governance.Statement{optIn, st(b2b.ConsentOptOut, "marketo", time.Minute)},
			b2b.Consent{Status: b2b.ConsentOptOut, Source: "marketo", At: t0.Add(time.Minute)},
			"opt-out from marketo at 2026-03-02T09:01:00Z is dated after now and restricts at once (at now: opt-in from form at 2026-03-02T08:00:00Z is the latest statement)"},
		{"the earliest of two opt-outs ahead, over unknown",
			[]governance.Statement{st(b2b.ConsentOptOut, "b", 2*time.Minute), st(b2b.ConsentOptOut, "a", time.Minute)},
			b2b.Consent{Status: b2b.ConsentOptOut, Source: "a", At: t0.Add(time.Minute)},
			"opt-out from a at 2026-03-02T09:01:00Z is dated after now and restricts at once (at now: no consent statement counts: unknown (2 dated after now: opt-out from a at 2026-03-02T09:01:00Z, opt-out from b at 2026-03-02T09:02:00Z))"},
		{"an opt-in ahead does not count yet", []governance.Statement{st(b2b.ConsentOptIn, "crm", time.Minute)},
			b2b.Consent{Status: b2b.ConsentUnknown}, "no consent statement counts: unknown (1 dated after now: opt-in from crm at 2026-03-02T09:01:00Z)"},
		{"an opt-out now needs no help", []governance.Statement{st(b2b.ConsentOptOut, "now", 0), st(b2b.ConsentOptOut, "later", time.Minute)},
			b2b.Consent{Status: b2b.ConsentOptOut, Source: "now", At: t0},
			"opt-out from now at 2026-03-02T09:00:00Z is the latest statement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := governance.NewLedger(clock.NewManual(t0), governance.ConsentRules{})
			l.Record(tc.stmts...)
			c, err := l.Consent(t.Context(), "p-1", b2b.ChannelEmail)
			require.NoError(t, err)
			require.Equal(t, tc.want, c)
			d := l.Decide("p-1", b2b.ChannelEmail)
			require.Equal(t, tc.want, d.Consent)
			require.Equal(t, tc.reason, d.Reason)

			// The dispatcher agrees with ApplyConsent.
			p := b2b.Person{ID: "p-1"}
			governance.ApplyConsent(&p, tc.stmts, t0, governance.ConsentRules{})
			require.Equal(t, p.Consent[b2b.ChannelEmail].Status, c.Status)
		})
	}
}

func governor(t *testing.T) *governance.Governor {
	t.Helper()
	g, err := governance.NewGovernor(
		[]governance.Dataset{
			{Name: "persons", Labels: []string{governance.LabelPersonal}, Fields: map[string][]string{
				"email": {governance.LabelContact}, "title": nil, "seniority": nil, "hashedEmail": nil,
			}},
			{Name: "accounts", Fields: map[string][]string{
				"domain": nil, "industry": nil, "annualRevenue": {governance.LabelSensitiveCompany, governance.LabelNoExport},
				"engagementScore": {governance.LabelNoExport},
			}},
		},
		[]governance.Policy{
			{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising, governance.UseThirdParty}},
			{Name: "no personal data in ads", Forbid: governance.LabelPersonal, For: []string{governance.UseAdvertising}},
		},
	)
	require.NoError(t, err)
	return g
}

func TestPolicyEnforcement(t *testing.T) {
	t.Parallel()
	g := governor(t)
	linkedin := governance.Destination{Name: "LinkedIn Matched Audiences", Uses: []string{governance.UseAdvertising, governance.UseThirdParty}}
	crm := governance.Destination{Name: "Salesforce", Uses: []string{governance.UseCRM}}
	for _, tc := range []struct {
		name string
		a    governance.Activation
		want string
	}{
		{"firmographics to ads are fine", governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"domain", "industry"}, Destination: linkedin}, ""},
		{"no-export field to ads is refused",
			governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"domain", "annualRevenue"}, Destination: linkedin},
			`activation "abm" to "LinkedIn Matched Audiences" refused: 2 violations:
  field "annualRevenue" of dataset "accounts" is labelled "no-export" (on the field); policy "no export" forbids "no-export" for advertising
  field "annualRevenue" of dataset "accounts" is labelled "no-export" (on the field); policy "no export" forbids "no-export" for third-party`},
		{"dataset label applies to every field",
			governance.Activation{Name: "retarget", Dataset: "persons", Fields: []string{"title"}, Destination: governance.Destination{Name: "Display", Uses: []string{governance.UseAdvertising}}},
			`activation "retarget" to "Display" refused: field "title" of dataset "persons" is labelled "personal" (on the dataset); policy "no personal data in ads" forbids "personal" for advertising`},
		{"the CRM may have it all", governance.Activation{Name: "sync", Dataset: "accounts", Fields: []string{"annualRevenue", "engagementScore"}, Destination: crm}, ""},
		{"unknown field is not let through",
			governance.Activation{Name: "x", Dataset: "accounts", Fields: []string{"domain", "revenue"}, Destination: crm},
			`activation "x": fields[1]: dataset "accounts" has no field "revenue"`},
		{"a destination without uses cannot be checked",
			governance.Activation{Name: "x", Dataset: "accounts", Fields: []string{"domain"}, Destination: governance.Destination{Name: "?"}},
			`activation "x": destination.uses: destination "?" declares no use; policies cannot be checked`},
		{"unknown dataset", governance.Activation{Name: "x", Dataset: "leads", Fields: []string{"email"}, Destination: crm}, `activation "x": dataset: unknown dataset "leads"`},
		{"an unknown dataset hides no other problem",
			governance.Activation{Name: "x", Dataset: "leads", Destination: governance.Destination{Name: "Ads", Uses: []string{" advertising"}}},
			`activation "x": 3 problems:
  dataset: unknown dataset "leads"
  fields: an activation sends at least one field
  destination.uses[0]: " advertising" has blanks around it: it would match no policy's use`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := g.Check(tc.a)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
	err := g.Check(governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"engagementScore"}, Destination: linkedin})
	require.ErrorIs(t, err, governance.ErrRefused)
	var r *governance.Refusal
	require.ErrorAs(t, err, &r)
	require.Equal(t, governance.Violation{Policy: "no export", Label: "no-export", Dataset: "accounts", Field: "engagementScore", Use: "advertising"}, r.Violations[0])

	labels, err := g.Labels("persons", "email")
	require.NoError(t, err)
	require.Equal(t, []string{"personal", "contact"}, labels)
}

func TestGovernorValidation(t *testing.T) {
	t.Parallel()
	_, err := governance.NewGovernor(
		[]governance.Dataset{{Name: "a"}, {Name: "a", Labels: []string{""}}, {Fields: map[string][]string{"f": {" "}}}},
		[]governance.Policy{{Name: "p"}, {Name: "p", Forbid: "x", For: []string{"ads"}}},
	)
	require.EqualError(t, err, `data governance: 8 problems:
  datasets[1].name: duplicate dataset "a"
  datasets[1].labels[0]: is empty
  datasets[2].name: is required
  datasets[2].fields.f[0]: is empty
  policies[0].forbid: is required (the label the policy forbids)
  policies[0].for: needs at least one use
  policies[1].name: duplicate policy "p"
  policies[1].forbid: policy "p" forbids "x", which no dataset or field carries: it would forbid nothing`)
}

// TestGovernorBlankUses: a blank use is a problem where a blank label is:
// a policy that forbids a label for a blank use forbids nothing, and a
// destination whose uses are blank declares none.
func TestGovernorBlankUses(t *testing.T) {
	t.Parallel()
	_, err := governance.NewGovernor([]governance.Dataset{{Name: "accounts", Fields: map[string][]string{"annualRevenue": {governance.LabelNoExport}}}},
		[]governance.Policy{{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising, " "}}})
	require.EqualError(t, err, `data governance: policies[0].for[1]: is empty`)
	require.ErrorIs(t, err, b2b.ErrInvalid)

	g := governor(t)
	err = g.Check(governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"annualRevenue"},
		Destination: governance.Destination{Name: "LinkedIn", Uses: []string{""}}})
	require.EqualError(t, err, `activation "abm": destination.uses[0]: is empty; policies cannot be checked`)
	require.ErrorIs(t, err, b2b.ErrInvalid)
}

// TestGovernorIsImmutable: changing the datasets and policies a Governor
// was built from changes none of its decisions (nor bypasses NewGovernor's
// validation).
func TestGovernorIsImmutable(t *testing.T) {
	t.Parallel()
	datasets := []governance.Dataset{{Name: "accounts", Labels: []string{governance.LabelSensitiveCompany},
		Fields: map[string][]string{"annualRevenue": {governance.LabelNoExport}, "name": nil}}}
	policies := []governance.Policy{
		{Name: "no export", Forbid: governance.LabelNoExport, For: []string{governance.UseAdvertising}},
		{Name: "sensitive", Forbid: governance.LabelSensitiveCompany, For: []string{governance.UseThirdParty}},
	}
	g, err := governance.NewGovernor(datasets, policies)
	require.NoError(t, err)
	abm := governance.Activation{Name: "abm", Dataset: "accounts", Fields: []string{"annualRevenue"},
		Destination: governance.Destination{Name: "LinkedIn", Uses: []string{governance.UseAdvertising}}}
	share := governance.Activation{Name: "share", Dataset: "accounts", Fields: []string{"name"},
		Destination: governance.Destination{Name: "Partner", Uses: []string{governance.UseThirdParty}}}
	require.ErrorIs(t, g.Check(abm), governance.ErrRefused)
	require.ErrorIs(t, g.Check(share), governance.ErrRefused)

	policies[0].Forbid = ""                        // invalid for NewGovernor
	policies[1].For[0] = governance.UseAdvertising // another use
	datasets[0].Fields["annualRevenue"][0] = "ok"  // relabelled after validation
	datasets[0].Labels[0] = "ok"
	delete(datasets[0].Fields, "name")
	require.ErrorIs(t, g.Check(abm), governance.ErrRefused)
	require.ErrorIs(t, g.Check(share), governance.ErrRefused)
}

func TestRetention(t *testing.T) {
	t.Parallel()
	d := 24 * time.Hour
	p := governance.RetentionPolicy{Rules: []governance.RetentionRule{
		{Name: "web visits", Types: []string{b2b.ActivityVisitWebPage}, MaxAge: 90 * d},
		{Name: "email engagement", Types: []string{b2b.ActivityOpenEmail, b2b.ActivityClickEmail}, MaxAge: 365 * d},
	}}
	require.NoError(t, p.Validate())
	act := func(id, typ string, age time.Duration) b2b.Activity {
		return b2b.Activity{ID: b2b.ActivityID(id), Type: typ, Person: "p-1", Time: t0.Add(-age)}
	}
	acts := []b2b.Activity{
		act("v-new", b2b.ActivityVisitWebPage, 89*d), act("v-old", b2b.ActivityVisitWebPage, 91*d),
		act("o-old", b2b.ActivityOpenEmail, 400*d), act("f-old", b2b.ActivityFillOutForm, 900*d),
	}
	keep, expired := p.Expire(acts, t0)
	require.Equal(t, []b2b.ActivityID{"v-new", "f-old"}, ids(keep), "a form fill has no rule: kept")
	require.Len(t, expired, 2)
	require.Equal(t, `activity "v-old" (visit_web_page) is 2184h0m0s old; rule "web visits" keeps 2160h0m0s`, expired[0].String())
	require.Equal(t, "email engagement", expired[1].Rule)

	bad := governance.RetentionPolicy{Rules: []governance.RetentionRule{{Name: "all", MaxAge: d}, {Name: "", Types: []string{"Bad Type"}}}}
	require.EqualError(t, bad.Validate(), `retention policy: 4 problems:
  rules[0].types: a catch-all rule (no types) must come last: the rules after it never apply
  rules[1].name: is required
  rules[1].maxAge: must be positive, got 0s
  rules[1].types[0]: "Bad Type" is not an activity type`)
}

// TestRetentionTypeCoveredTwice: a type that an earlier rule covers is
// never decided by a later one, so listing it there is a mistake to
// report, as a catch-all rule before others is.
func TestRetentionTypeCoveredTwice(t *testing.T) {
	t.Parallel()
	d := 24 * time.Hour
	p := governance.RetentionPolicy{Rules: []governance.RetentionRule{
		{Name: "web visits", Types: []string{b2b.ActivityVisitWebPage}, MaxAge: 90 * d},
		{Name: "short-lived", Types: []string{b2b.ActivityOpenEmail, b2b.ActivityVisitWebPage}, MaxAge: 30 * d},
		{Name: "everything else", MaxAge: 730 * d},
	}}
	require.EqualError(t, p.Validate(), `retention policy: rules[1].types[1]: "visit_web_page" is covered by rules[0] ("web visits"), which comes first: this rule never applies to it`)
}

func ids(acts []b2b.Activity) []b2b.ActivityID {
	var out []b2b.ActivityID
	for _, a := range acts {
		out = append(out, a.ID)
	}
	return out
}

func TestPlanErasure(t *testing.T) {
	t.Parallel()
	inv := governance.Inventory{
		Persons: []b2b.Person{
			{ID: "p-1", FirstName: "Ann", LastName: "Lee", Email: "Ann@Acme.com", Phone: "+1 555 0100"},
			{ID: "p-dup", Email: "ann@acme.com"},        // same email: a duplicate not yet merged
			{ID: "p-dup2", Phone: "+15550100"},          // same phone
			{ID: "p-other", Email: "bo@acme.com"},       // someone else
			{ID: "p-chain", Email: "ann.lee@gmail.com"}, // found only through the request's extra email
		},
		Activities: []b2b.Activity{
			{ID: "a1", Person: "p-1"}, {ID: "a2", Person: "p-other"}, {ID: "a3", Person: "p-dup"},
		},
		Opportunities: []b2b.Opportunity{{ID: "o1", ContactRoles: []b2b.ContactRole{
			{Person: "p-other", Role: b2b.ContactRoleEvaluator}, {Person: "p-1", Role: b2b.ContactRoleEconomicBuyer},
		}}},
		Outbox: []channel.Entry{
			{ID: "ob-1", Status: channel.StatusPending, Message: channel.Message{Key: "k1", Person: "p-1", To: "ann@acme.com"}},
			{ID: "ob-2", Status: channel.StatusDelivered, Message: channel.Message{Key: "k2", Person: "p-other", To: "bo@acme.com", Text: "hi"}},
			{ID: "ob-3", Status: channel.StatusPending, Message: channel.Message{Key: "k3", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
				Text: "Engaged personas:\n- Ann Lee, Economic Buyer: 60"}},
			{ID: "ob-4", Status: channel.StatusFailed, Message: channel.Message{Key: "k4", Person: "p-x", To: "+1 (555) 0100", Channel: channel.ChannelSMS}},
		},
		Consent: []governance.Statement{{Person: "p-1"}, {Person: "p-dup"}, {Person: "p-other"}},
	}
	got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1", Emails: []string{"ANN.LEE@gmail.com"}}, inv)
	want := governance.ErasureReport{
		Persons:      []b2b.PersonID{"p-1", "p-dup", "p-dup2", "p-chain"},
		Activities:   []b2b.ActivityID{"a1", "a3"},
		ContactRoles: []governance.ContactRoleRef{{Opportunity: "o1", Index: 1, Role: b2b.ContactRoleEconomicBuyer}},
		Outbox: []governance.OutboxRef{
			{ID: "ob-1", Key: "k1", Status: channel.StatusPending, Reason: `addressed to person "p-1"`},
			{ID: "ob-3", Key: "k3", Status: channel.StatusPending, Reason: "its content names Ann Lee"},
			{ID: "ob-4", Key: "k4", Status: channel.StatusFailed, Reason: "addressed to +1 (555) 0100"},
		},
		ConsentCount: 2,
		Suppression: sorted(governance.SuppressionHash("ann@acme.com"), governance.SuppressionHash("ann.lee@gmail.com"),
			governance.SuppressionHash("+15550100")),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("erasure report (-want +got):\n%s", d)
	}
	require.Equal(t, governance.SuppressionHash(" Ann@ACME.com "), governance.SuppressionHash("ann@acme.com"))
	require.Equal(t, governance.SuppressionHash("+1 (555) 0100"), governance.SuppressionHash("1-555-0100"), "phone digits with a leading +")

	// A number written without its '+' is the same number.
	plain := governance.PlanErasure(governance.ErasureRequest{Person: "p-x", Phones: []string{"1 555 0100"}}, inv)
	require.Equal(t, []b2b.PersonID{"p-x", "p-1", "p-dup", "p-dup2"}, plain.Persons, "p-1 by phone, p-dup by p-1's email")

	empty := governance.PlanErasure(governance.ErasureRequest{Person: "nobody", Emails: []string{""}}, inv)
	require.Equal(t, []b2b.PersonID{"nobody"}, empty.Persons)
	require.Empty(t, empty.Outbox, "an empty identifier matches nothing")
}

// TestPlanErasureByAddressAlone: a request that names no person ID (an
// address whose person is not known) finds that address's records and
// messages, and not the records and messages that have no person (a sales
// alert, an activity or a statement whose person is missing).
func TestPlanErasureByAddressAlone(t *testing.T) {
	t.Parallel()
	inv := governance.Inventory{
		Persons:    []b2b.Person{{ID: "p-1", Email: "ann@acme.com"}, {Email: "nobody@acme.com"}},
		Activities: []b2b.Activity{{ID: "a1", Person: "p-1"}, {ID: "a2"}},
		Opportunities: []b2b.Opportunity{{ID: "o1", ContactRoles: []b2b.ContactRole{
			{Role: b2b.ContactRoleInfluencer}, {Person: "p-1", Role: b2b.ContactRoleEvaluator},
		}}},
		Outbox: []channel.Entry{
			{ID: "ob-1", Status: channel.StatusPending, Message: channel.Message{Key: "k1", Person: "p-1", To: "ann@acme.com"}},
			{ID: "ob-2", Status: channel.StatusPending, Message: channel.Message{Key: "k2", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
				Text: "Engaged personas:\n- Bo Chen, Champion: 40"}},
		},
		Consent: []governance.Statement{{Person: "p-1"}, {}},
	}
	for _, tc := range []struct {
		name string
		req  governance.ErasureRequest
		want governance.ErasureReport
	}{{
		name: "an address of a known person",
		req:  governance.ErasureRequest{Emails: []string{"Ann@Acme.com"}},
		want: governance.ErasureReport{
			Persons:      []b2b.PersonID{"p-1"},
			Activities:   []b2b.ActivityID{"a1"},
			ContactRoles: []governance.ContactRoleRef{{Opportunity: "o1", Index: 1, Role: b2b.ContactRoleEvaluator}},
			Outbox:       []governance.OutboxRef{{ID: "ob-1", Key: "k1", Status: channel.StatusPending, Reason: `addressed to person "p-1"`}},
			ConsentCount: 1,
			Suppression:  []string{governance.SuppressionHash("ann@acme.com")},
		},
	}, {
		name: "an address nobody has",
		req:  governance.ErasureRequest{Emails: []string{"gone@acme.com"}},
		want: governance.ErasureReport{Suppression: []string{governance.SuppressionHash("gone@acme.com")}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := governance.PlanErasure(tc.req, inv)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("erasure report (-want +got):\n%s", d)
			}
		})
	}
}

// TestPlanErasureFindsNamesAsWholeWords: a person's name is found as whole
// words, in any case and in HTML as its escaper wrote it; a name of one
// word (a first name alone, as b2b.Person.Name gives it) only in sales
// alerts, where members are listed by name.
func TestPlanErasureFindsNamesAsWholeWords(t *testing.T) {
	t.Parallel()
	carla := b2b.Person{ID: "p-1", FirstName: "Carla", Email: "carla@acme.com"}
	bo := b2b.Person{ID: "p-1", FirstName: "Bo", LastName: "Chen", Email: "bo@acme.com"}
	will := b2b.Person{ID: "p-1", FirstName: "Will", Email: "will@acme.com"}
	sean := b2b.Person{ID: "p-1", FirstName: "Seán", LastName: "O'Brien", Email: "sean@acme.com"}
	alert := func(text string) channel.Message {
		return channel.Message{Key: "alert:g1:ready:1", Channel: channel.ChannelSalesAlert, Account: "acme", To: "rep@vendor.example",
			Subject: "Acme: Data Platform buying group", Text: text}
	}
	for _, tc := range []struct {
		name   string
		person b2b.Person
		msg    channel.Message
		reason string // "" if not planned
	}{
		{"a first name alone in an alert", carla, alert("Engaged personas:\n- Carla, Economic Buyer (C-Level, Finance): 60"), "its content names Carla"},
		{"a first name inside another name", carla, alert("- Carlotta, Champion: 12"), ""},
		{"a first name alone in an email to someone else", carla, email("Carla asked us to write to you."), ""},
		{"a full name in an email to someone else", bo, email("Bo Chen, your colleague, asked us to write."), "its content names Bo Chen"},
		{"a full name inside a longer word", bo, alert("- Bo Chenko, End User: 3"), ""},
		{"a full name in an alert's HTML", bo, channel.Message{Key: "a", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example", HTML: "<li>Bo Chen</li>"}, "its content names Bo Chen"},
		// html/template writes an apostrophe as &#39;, an ampersand as &amp;.
		{"a name escaped in an alert's HTML", sean, channel.Message{Key: "a", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			HTML: "<td>Seán O&#39;Brien</td>"}, "its content names Seán O'Brien"},
		{"a name in capitals", bo, email("Dear BO CHEN's team,"), "its content names Bo Chen"},
		{"a name in lower case", sean, email("cc: seán o'brien"), "its content names Seán O'Brien"},
		{"a first name alone in lower case is a word", will, alert("The deal will close this quarter."), ""},
		// A name reads as one whatever blanks or markup lie between its
		// words: a plain-text part wrapped at its line length, a no-break
		// space that keeps it on one line, a tag around one word.
		{"a full name wrapped over two lines", bo, email("Your colleague Bo\nChen asked us to write."), "its content names Bo Chen"},
		{"a full name kept together by a no-break space", bo, channel.Message{Key: "a", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			HTML: "<li>Bo&nbsp;Chen, Champion</li>"}, "its content names Bo Chen"},
		{"a full name with a tag around its first word", bo, channel.Message{Key: "a", Channel: channel.ChannelEmail, To: "dana@acme.com",
			HTML: "<p>Your colleague <b>Bo</b> Chen asked us to write.</p>"}, "its content names Bo Chen"},
		{"a first name alone in a tag of an alert", carla, channel.Message{Key: "a", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			HTML: "<li><strong>Carla</strong>, Economic Buyer</li>"}, "its content names Carla"},
		{"the words of a full name apart", bo, email("Bo is a name; Chen another."), ""},
		{"a full name split inside a word by a tag", bo, channel.Message{Key: "a", Channel: channel.ChannelEmail, To: "dana@acme.com",
			HTML: "<p>Bo Che<i>nko</i></p>"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireMessagePlanned(t, tc.person, tc.msg, tc.reason)
		})
	}
}

// TestPlanErasureFindsEmailsAsWholeAddresses: a person's email is found
// in a message as a whole address, whatever its case and whatever
// surrounds it (punctuation, a link), not inside another address: erasing
// ann@acme.com does not plan the deletion of a message naming
// joann@acme.com.
func TestPlanErasureFindsEmailsAsWholeAddresses(t *testing.T) {
	t.Parallel()
	ann := b2b.Person{ID: "p-1", Email: "ann@acme.com"}
	for _, tc := range []struct {
		name, text string
		planned    bool
	}{
		{"the address in a sentence", "Write to ann@acme.com.", true},
		{"in angle brackets", "Ann <ann@acme.com> asked us to write.", true},
		{"in a link", "<a href=\"mailto:ann@acme.com?subject=hi\">mail</a>", true},
		{"in a query", "https://vendor.example/u?email=ann@acme.com&x=1", true},
		{"in capitals", "Forwarded by ANN@ACME.COM", true},
		{"at the very start and end", "ann@acme.com", true},
		{"inside a longer local part", "Joann <joann@acme.com> asked us to write.", false},
		{"after a dot in the local part", "jo.ann@acme.com", false},
		{"after a plus in the local part", "team+ann@acme.com", false},
		{"a longer domain", "ann@acme.com.au", false},
		{"a domain that goes on", "ann@acme.community", false},
		{"a subdomain's hyphen", "ann@acme.com-mail.example", false},
		{"found again after a miss", "joann@acme.com, ann@acme.com", true},
		// The other characters of a local part (RFC 5322's atext) after
		// a letter or digit make a longer address; before the address,
		// with nothing of an address before them, or as = : / that
		// introduce it, they do not.
		{"after an apostrophe in the local part", "Write to d'ann@acme.com.", false},
		{"after a hash in the local part", "x#ann@acme.com", false},
		{"after an ampersand in the local part", "x&ann@acme.com", false},
		{"after an ampersand in HTML", "<p>x&amp;ann@acme.com</p>", false},
		{"after other atext", "a!ann@acme.com a$ann@acme.com a*ann@acme.com a?ann@acme.com a^ann@acme.com a`ann@acme.com a{ann@acme.com a}ann@acme.com a~ann@acme.com", false},
		{"after several atext characters", "x!#ann@acme.com", false},
		{"after a digit and an atext character", "7&ann@acme.com", false},
		{"in quotes", "Write to 'ann@acme.com' or \"ann@acme.com\".", true},
		{"after a colon", "Email:ann@acme.com", true},
		{"after an equals sign", "https://vendor.example/u?email=ann@acme.com", true},
		{"after a slash", "https://vendor.example/users/ann@acme.com", true},
		{"a hashtag", "See #ann@acme.com", true},
		{"in braces", "{ann@acme.com}", true},
		// | is atext, but separates fields far more often.
		{"after a pipe between fields", "Ann Lee|ann@acme.com|VP", true},
		{"after an entity", "&lt;ann@acme.com&gt;", true},
		{"after a run of atext with no address before it", "--> ~~ann@acme.com", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := channel.Message{Key: "alert:g1:ready:1", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example", Subject: "Acme", Text: tc.text}
			inv := governance.Inventory{Persons: []b2b.Person{ann}, Outbox: []channel.Entry{{ID: "ob-1", Status: channel.StatusPending, Message: msg}}}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
			var want []governance.OutboxRef
			if tc.planned {
				want = []governance.OutboxRef{{ID: "ob-1", Key: msg.Key, Status: channel.StatusPending, Reason: "its content contains ann@acme.com"}}
			}
			if d := cmp.Diff(want, got.Outbox); d != "" {
				t.Fatalf("outbox (-want +got):\n%s", d)
			}
		})
	}
}

func sorted(xs ...string) []string {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

// TestConsentRulesNegativeWindow checks that a negative window is reported
// by Validate and read as the default by Resolve, never an index out of
// range.
func TestConsentRulesNegativeWindow(t *testing.T) {
	t.Parallel()
	r := governance.ConsentRules{Window: -time.Hour}
	err := r.Validate()
	require.EqualError(t, err, "consent rules: window: -1h0m0s must not be negative")
	require.ErrorIs(t, err, b2b.ErrInvalid)
	require.NoError(t, governance.ConsentRules{}.Validate())

	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	stmts := []governance.Statement{
		{Person: "p1", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptOut, Source: "salesforce", At: now.Add(-3 * time.Hour)},
		{Person: "p1", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptIn, Source: "marketo", At: now.Add(-time.Hour)},
	}
	require.NotPanics(t, func() { governance.Resolve(stmts[1:], now, r) })
	got := governance.Resolve(stmts, now, r)
	want := governance.Resolve(stmts, now, governance.ConsentRules{})
	require.Equal(t, want, got)
	require.Equal(t, b2b.ConsentOptOut, got.Consent.Status, "within the default 24h the opt-out wins")
}
