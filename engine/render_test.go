package engine_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/channel/channeltest"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/rules"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestMessagesRenderAtDelivery: a journey email is stored unrendered and
// rendered when it is claimed, from the account's state then, on a store
// that keeps values and on one that keeps encoded states alike.
func TestMessagesRenderAtDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range stateStores {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.store()
			// No cache of decoded states: each pass reads the stored one.
			b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store, c.StateCache = st, -1 })
			setupAcme(t, b) // the intro emails are queued

			// The stored entries hold the recipient and what to render from,
			// not the rendered parts.
			raw, err := st.ClaimOutbox(b.ctx, &store.ClaimParams{Tenant: "default", Now: day0, Lease: time.Minute, Limit: 100})
			require.NoError(t, err)
			require.Len(t, raw, 3)
			for _, en := range raw {
				require.NotContains(t, string(en.Payload), "Subject")
				require.NotContains(t, string(en.Payload), "HTML")
				require.Contains(t, string(en.Payload), `"render":{"journey":"pipeline-acceleration","node":"intro","group":"acme/data-platform"`)
				require.NotContains(t, string(en.Payload), en.IdempotencyKey, "the entry holds the key, account and person")
				require.Less(t, len(en.Payload), 300)
			}

			// Victor's first name changes before the emails go out.
			rec := lead("L-2", "victor@acme.com", "Vic", "Kim", "VP of Engineering", "Acme")
			rec.Time = day0.Add(time.Hour)
			_, err = b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{rec}})
			require.NoError(t, err)

			// After the first claim's lease, the engine claims and renders.
			msgs := claimAll(t, b, day0.Add(2*time.Minute))
			require.Len(t, msgs, 3)
			byTo := map[string]channel.Message{}
			for _, m := range msgs {
				require.NoError(t, m.Validate())
				byTo[m.To] = m
			}
			v := byTo["victor@acme.com"]
			require.Equal(t, "Data Platform for Acme", v.Subject)
			require.Contains(t, v.Text, "Hi Vic, meet Data Platform.")
			require.Contains(t, v.HTML, "<p>Hi Vic, meet Data Platform.</p>")
			require.NotEmpty(t, v.ListUnsubscribe, "a marketing template gets its unsubscribe link")
			require.Contains(t, v.Text, v.ListUnsubscribe)
			require.Equal(t, map[string]string{"group": "acme/data-platform", "journey": "pipeline-acceleration", "node": "intro"}, v.Tags)
			// The three were rendered in one claim, from one pass over Acme:
			// each has its own recipient's content.
			require.Contains(t, byTo["carla.cfo@acme.com"].Text, "Hi Carla,")
			require.Contains(t, byTo["dev@acme.com"].HTML, "<p>Hi Dev, meet Data Platform.</p>")
			links := map[string]bool{}
			for _, m := range msgs {
				require.Equal(t, unsubscribeURL("", m.Person), m.ListUnsubscribe, "each message's own unsubscribe link, the host's")
				links[m.ListUnsubscribe] = true
			}
			require.Len(t, links, 3)
		})
	}
}

// setupUnrenderable is Acme with the intro emails queued, whose text
// needs a first name, and Dev's first name gone since: his email cannot
// be rendered when it is claimed.
func setupUnrenderable(t *testing.T) *bundle {
	t.Helper()
	defs := pipelineProgram()
	defs.Templates.Emails[0].Text = "Hi {{.Person.FirstName}}, meet {{.Interest.Name}}. Unsubscribe: {{.UnsubscribeURL}}"
	b := setup(t, defs)
	setupAcme(t, b)
	rec := lead("L-3", "dev@acme.com", "", "Patel", "Sr. Data Engineer", "Acme")
	rec.Time = day0.Add(time.Hour)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{rec}})
	require.NoError(t, err)
	return b
}

// TestUnrenderableMessageFails: a queued email whose template cannot be
// rendered for its recipient when it is claimed (a required token is
// empty) is not handed to the dispatcher; it fails with the reason in the
// event log and the counters, and the other messages go out.
func TestUnrenderableMessageFails(t *testing.T) {
	t.Parallel()
	b := setupUnrenderable(t)
	acme, err := b.eng.Account(b.ctx, "acme", day0)
	require.NoError(t, err)
	var dev b2b.PersonID
	for _, p := range acme.Persons {
		if p.Person.Email == "dev@acme.com" {
			dev = p.Person.ID
			require.Empty(t, p.Person.FirstName, "the newer record has no first name")
		}
	}
	require.NotEmpty(t, dev)

	msgs := claimAll(t, b, day0)
	require.Len(t, msgs, 2, "the two renderable emails are claimed")
	for _, m := range msgs {
		require.NotEqual(t, dev, m.Person)
	}
	evs, err := b.eng.Events(b.ctx, "acme", 0, 1<<20)
	require.NoError(t, err)
	var failed []store.Event
	for _, e := range evs {
		if e.Type == "message.failed" {
			failed = append(failed, e)
		}
	}
	require.Len(t, failed, 1)
	require.Contains(t, string(failed[0].Data), `"status":"failed"`)
	require.Contains(t, string(failed[0].Data), "FirstName")
	require.Equal(t, int64(1), b.eng.Counters().Messages["unrenderable"])
	require.Equal(t, map[string]int64{"delivered": 2, "failed": 1}, b.eng.Counters().Deliveries)
	require.Empty(t, claimAll(t, b, day0.Add(time.Hour)), "a failed message is not claimed again")
}

// TestRenderWaitsForTheStore: when the store cannot load an account, its
// entries are not handed out (nor failed) and are claimed again once their
// lease ends.
func TestRenderWaitsForTheStore(t *testing.T) {
	t.Parallel()
	st := &flakyLoads{Store: memory.New()}
	var buf bytes.Buffer
	b := setup(t, pipelineProgram(), func(c *engine.Config) {
		c.Store = st
		c.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	})
	setupAcme(t, b)
	st.fail = true
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 100, Lease: time.Minute})
	require.NoError(t, err)
	require.Empty(t, got)
	require.Contains(t, buf.String(), "outbox entry not rendered, retried when its lease ends")
	require.Contains(t, buf.String(), "store unavailable")
	st.fail = false
	require.Empty(t, claimAll(t, b, day0.Add(30*time.Second)), "still leased")
	require.Len(t, claimAll(t, b, day0.Add(2*time.Minute)), 3, "nothing was lost")
	require.Empty(t, b.eng.Counters().Messages["unrenderable"])
}

// TestDispatchPastUnrenderableMessages: a claim that fails some of its
// entries claims more, so that one Dispatch call delivers everything due
// whatever the batch size.
func TestDispatchPastUnrenderableMessages(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 3, 100} {
		b := setupUnrenderable(t)
		sender := channeltest.NewRecorder(channeltest.RecorderConfig{})
		d, err := channel.NewDispatcher(channel.DispatcherConfig{Outbox: b.eng.Outbox(), Email: sender, Clock: b.clock, BatchSize: size})
		require.NoError(t, err)
		rep, err := d.Dispatch(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, rep.Delivered, "batch size %d", size)
		require.Len(t, sender.Sent(), 2)
		require.Equal(t, map[string]int64{"delivered": 2, "failed": 1}, b.eng.Counters().Deliveries)
	}
}

type flakyLoads struct {
	store.Store
	fail bool
}

func (f *flakyLoads) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	if f.fail {
		return store.Account{}, errStore
	}
	return f.Store.LoadAccount(ctx, t, id)
}

var errStore = errors.New("store unavailable")

// TestEnqueueAgainAfterDelivery: a host's message enqueued again after it
// was delivered returns the delivered entry (whose message the store no
// longer keeps), and is not sent again.
func TestEnqueueAgainAfterDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	msg := channel.Message{Key: "welcome-1", Channel: channel.ChannelEmail, Account: "acme", Person: "p1", To: "carla@acme.com",
		Subject: "Welcome", Text: "Hello"}
	first, err := b.eng.Outbox().Enqueue(b.ctx, day0, msg)
	require.NoError(t, err)
	require.Equal(t, "Hello", first[0].Message.Text)
	require.Len(t, claimAll(t, b, day0), 1)
	again, err := b.eng.Outbox().Enqueue(b.ctx, day(1), msg)
	require.NoError(t, err)
	require.Equal(t, channel.StatusDelivered, again[0].Status)
	require.Equal(t, "welcome-1", again[0].Message.Key)
	require.Equal(t, b2b.PersonID("p1"), again[0].Message.Person)
	require.Empty(t, claimAll(t, b, day(1)))
}

// TestDeliveryCounters: the results recorded through the engine's outbox
// are counted by status; a result whose claim was lost is not.
func TestDeliveryCounters(t *testing.T) {
	t.Parallel()
	b := setup(t, dataPlatform())
	var msgs []channel.Message
	for _, k := range []string{"a", "b", "c"} {
		msgs = append(msgs, channel.Message{Key: k, Channel: channel.ChannelEmail, Account: "acme", Person: "p1", To: "carla@acme.com",
			Subject: "Hi", Text: "Hello"})
	}
	_, err := b.eng.Outbox().Enqueue(b.ctx, day0, msgs...)
	require.NoError(t, err)
	got, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 10, Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, st := range []channel.Status{channel.StatusDelivered, channel.StatusSuppressed, channel.StatusPending} {
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: got[i].ID, Seq: got[i].Seq, Attempt: got[i].Attempts, Status: st, Now: day0,
			NextAttempt: day0.Add(time.Hour)}))
	}
	err = b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: got[0].ID, Seq: got[0].Seq, Attempt: got[0].Attempts, Status: channel.StatusDelivered, Now: day0})
	require.ErrorIs(t, err, channel.ErrLeaseLost)
	require.Equal(t, map[string]int64{"delivered": 1, "suppressed": 1, "retry": 1}, b.eng.Counters().Deliveries)
}

// TestRenderWithTheInstalledProgram: a message queued under one program
// is rendered with the template of that name in the program installed
// when it is claimed: a corrected template is the one sent, and a
// template the new program no longer has fails the message, with why.
func TestRenderWithTheInstalledProgram(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b) // three intro emails queued

	fixed := pipelineProgram()
	fixed.Templates.Emails[0].Subject = "Meet {{.Interest.Name}}, {{.Account.Name}}"
	prog, err := program.Compile(fixed, program.Options{})
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(prog))
	raw, err := b.store.ClaimOutbox(b.ctx, &store.ClaimParams{Tenant: "default", Now: day0, Lease: time.Minute, Limit: 1})
	require.NoError(t, err)
	require.Len(t, raw, 1) // one entry stays leased through the next install

	msgs := claimAll(t, b, day0)
	require.Len(t, msgs, 2)
	for _, m := range msgs {
		require.Equal(t, "Meet Data Platform, Acme", m.Subject)
	}

	renamed := pipelineProgram()
	renamed.Templates.Emails[0].Name = "welcome"
	renamed.Journeys[0].Nodes[0].Action.Template = "welcome"
	prog, err = program.Compile(renamed, program.Options{})
	require.NoError(t, err)
	require.NoError(t, b.eng.Install(prog))
	require.Empty(t, claimAll(t, b, day0.Add(2*time.Minute)), "the leased entry's template is gone")
	evs, err := b.eng.Events(b.ctx, "acme", 0, 1<<20)
	require.NoError(t, err)
	var failed []string
	for _, e := range evs {
		if e.Type == "message.failed" {
			failed = append(failed, string(e.Data))
		}
	}
	require.Len(t, failed, 1)
	require.Contains(t, failed[0], `unknown email template \"intro\"`)
}

// TestSMSRenderedAtClaim: a journey SMS is rendered at its claim too, and
// addressed to the person's phone in E.164, however the CRM writes it in
// international format; a number in national format says no country and
// gets no message.
func TestSMSRenderedAtClaim(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ phone, to string }{
		{"+14155550123", "+14155550123"},
		{"001 415 555 0123", "+14155550123"},
		{"+1 (415) 555-0123", "+14155550123"},
		{"(415) 555-0123", ""},
	} {
		t.Run(tc.phone, func(t *testing.T) {
			t.Parallel()
			defs := pipelineProgram()
			defs.Templates.SMS = []channel.SMSTemplate{{Name: "ping", Text: "Hi {{.Person.FirstName}}, {{.Interest.Name}} for {{.Account.Name}} is ready."}}
			defs.Journeys[0].Nodes[0].Action = &journey.Action{Type: journey.ActionSMS, Template: "ping", Next: "wait-5d"}
			b := setup(t, defs)
			rec := lead("L-2", "victor@acme.com", "Victor", "Kim", "VP of Engineering", "Acme")
			rec.Person.Phone = tc.phone
			rec.Person.Consent[b2b.ChannelSMS] = b2b.Consent{Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: day0.AddDate(0, -1, 0)}
			_, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: []identity.AccountRecord{acmeRecord()}, Persons: []identity.PersonRecord{
				rec, lead("L-1", "carla.cfo@acme.com", "Carla", "Diaz", "CFO", "Acme")}})
			require.NoError(t, err)
			msgs := claimAll(t, b, day0)
			if tc.to == "" {
				require.Empty(t, msgs, "no number to send to")
				return
			}
			require.Len(t, msgs, 1, "only Victor has a phone and an SMS opt-in")
			require.Equal(t, channel.ChannelSMS, msgs[0].Channel)
			require.Equal(t, tc.to, msgs[0].To)
			require.Equal(t, "Hi Victor, Data Platform for Acme is ready.", msgs[0].Text)
		})
	}
}

// hotCommitteeAlert runs Acme on a program whose one alert rule fires at
// a group score of 150 (routing as given), warms the committee up and
// returns the one message queued: the rule's sales alert.
func hotCommitteeAlert(t *testing.T, routing *channel.Routing) channel.Message {
	t.Helper()
	defs := pipelineProgram()
	defs.Journeys = nil
	defs.Alerts = []channel.AlertRule{{Name: "hot committee", Strategy: channel.StrategyThreshold, Threshold: 150, Template: program.AlertTemplate}}
	if routing != nil {
		defs.Routing = *routing
	}
	b := setup(t, defs)
	setupAcme(t, b)
	require.Empty(t, claimAll(t, b, day0), "nothing hot yet")
	b.clock.Set(day(1))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil),
		activity("w", b2b.ActivityAttendEvent, "L-1", day(1), nil))
	require.NoError(t, err)
	msgs := claimAll(t, b, day(1))
	require.Len(t, msgs, 1)
	require.Equal(t, int64(1), b.eng.Counters().Alerts)
	return msgs[0]
}

// TestAlertRuleAlertShowsTheCommittee: an alert rule that decides on the
// group's score is evaluated on the group's summary, and the alert it
// raises is built from the whole group: its message names the engaged
// members.
func TestAlertRuleAlertShowsTheCommittee(t *testing.T) {
	t.Parallel()
	al := hotCommitteeAlert(t, nil)
	require.Equal(t, channel.ChannelSalesAlert, al.Channel)
	require.Equal(t, "olivia@quorum.example", al.To, "the account owner")
	require.Contains(t, al.Text, "Victor Kim")
	require.Contains(t, al.Text, "Carla Diaz")
	require.Contains(t, al.Text, "score")
}

// TestAlertRoutingReadsTheCommittee: a routing rule that reads the group's
// members routes an alert rule's alert from the whole group, although the
// rule decided on the group's summary.
func TestAlertRoutingReadsTheCommittee(t *testing.T) {
	t.Parallel()
	al := hotCommitteeAlert(t, &channel.Routing{FallbackQueue: "sales-queue@quorum.example", Rules: []channel.RouteRule{
		{Name: "finance-led", When: rules.Rule{Source: `group.members[0].role == "Economic Buyer" || len(group.members) > 4`}, To: "cfo-desk@quorum.example"}}})
	require.Equal(t, "cfo-desk@quorum.example", al.To)
}

// TestMessageReadsTheGroup: a template that reads the buying group gets
// its view (the recipient's role, the missing roles, the members) at the
// claim; one that does not read it renders without it.
func TestMessageReadsTheGroup(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Templates.Emails[0].Text = "Hi {{.Person.FirstName}}, as the {{.Group.Role}} of {{.Group.Name}} ({{len .Group.Members}} members" +
		"{{range .Group.MissingRoles}}, no {{.}} yet{{end}}). Unsubscribe: {{.UnsubscribeURL}}"
	b := setup(t, defs)
	setupAcme(t, b)
	byTo := map[string]channel.Message{}
	for _, m := range claimAll(t, b, day0) {
		byTo[m.To] = m
	}
	require.Contains(t, byTo["victor@acme.com"].Text, "Hi Victor, as the Technical Evaluator of Data Platform for Acme (3 members, no Champion yet).")
	require.Contains(t, byTo["carla.cfo@acme.com"].Text, "as the Economic Buyer of")
	require.True(t, b.eng.Program().Templates.Reads("intro", "Group"))
	require.False(t, b.eng.Program().Templates.Reads("nurture", "Group"))
}

// TestAlertWithAFailingTemplateGoesOutWithTheStandardOne: an alert rule's
// own template prints the account's region, which Acme's record leaves
// empty. The rule fired, and will not fire again for the same rise: the
// alert goes out with the standard sales-alert template rather than not
// at all, and the template's failure is in the log.
func TestAlertWithAFailingTemplateGoesOutWithTheStandardOne(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Journeys = nil
	defs.Templates.Emails = append(defs.Templates.Emails, channel.EmailTemplate{Name: "regional-alert",
		Subject: "{{.Account.Name}} is hot in {{.Account.Region}}", HTML: "<p>Call {{.Account.Name}} ({{.Account.Region}}).</p>",
		Text: "Call {{.Account.Name}} ({{.Account.Region}})."})
	defs.Alerts = []channel.AlertRule{{Name: "hot committee", Strategy: channel.StrategyThreshold, Threshold: 150, Template: "regional-alert"}}
	b := setup(t, defs)
	setupAcme(t, b)
	require.Empty(t, claimAll(t, b, day0), "nothing hot yet")
	b.clock.Set(day(1))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(1), nil),
		activity("w", b2b.ActivityAttendEvent, "L-1", day(1), nil))
	require.NoError(t, err)
	msgs := claimAll(t, b, day(1))
	require.Len(t, msgs, 1, "the alert went out")
	require.Equal(t, program.AlertTemplate, msgs[0].Template)
	require.Equal(t, "olivia@quorum.example", msgs[0].To)
	require.Contains(t, msgs[0].Text, "Victor Kim")
	require.Equal(t, int64(1), b.eng.Counters().Alerts)
	all, err := b.eng.Events(b.ctx, "acme", 0, 0)
	require.NoError(t, err)
	var failed []string
	for _, ev := range all {
		if ev.Type == "alert.error" {
			failed = append(failed, string(ev.Data))
		}
	}
	require.Len(t, failed, 1)
	require.Contains(t, failed[0], "required token .Account.Region is empty")
	require.Contains(t, failed[0], `"sentWith":"sales-alert"`)
}

// TestMessageLinksTheInterestPage: an interest's page URL, from the
// program, reaches the email's {{.Interest.URL}} (it was left empty).
func TestMessageLinksTheInterestPage(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Interests[0].URL = "https://acme.example/data-platform?src=q&x=1"
	defs.Templates.Emails[0].HTML = `<p>Meet <a href="{{.Interest.URL}}">{{.Interest.Name}}</a>.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`
	defs.Templates.Emails[0].Text = "Meet {{.Interest.Name}}: {{.Interest.URL}} Unsubscribe: {{.UnsubscribeURL}}"
	b := setup(t, defs)
	setupAcme(t, b)
	msgs := claimAll(t, b, day0)
	require.NotEmpty(t, msgs)
	for _, m := range msgs {
		require.Contains(t, m.Text, "Meet Data Platform: https://acme.example/data-platform?src=q&x=1 ")
		require.Contains(t, m.HTML, `<a href="https://acme.example/data-platform?src=q&amp;x=1">Data Platform</a>`)
	}
}
