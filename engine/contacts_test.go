package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/buyinggroup"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// sharedContactProgram is scenario S4's program: two solution interests
// on the standard committee, a journey each that emails the group's
// members three times two days apart, and a cap of two marketing emails
// per person per seven days across journeys.
func sharedContactProgram() program.Definitions {
	defs := program.Definitions{Name: "s4",
		Interests: []buyinggroup.SolutionInterest{
			{ID: "data-platform", Name: "Data Platform", Template: buyinggroup.StandardTemplateID},
			{ID: "security-suite", Name: "Security Suite", Template: buyinggroup.StandardTemplateID},
		},
		Caps: []journey.Cap{{Name: "2 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7)}},
		Templates: channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "news", Marketing: true, Subject: "{{.Interest.Name}} news",
			HTML: `<p>{{.Interest.Name}} news.</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`, Text: "{{.Interest.Name}} news. {{.UnsubscribeURL}}"}}},
	}
	for _, in := range []string{"data-platform", "security-suite"} {
		email := func(id, next journey.NodeID) journey.Node {
			return journey.Node{ID: id, Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
				Recipients: &journey.Recipients{SolutionInterest: in}, Next: next}}
		}
		wait := func(id, next journey.NodeID) journey.Node {
			return journey.Node{ID: id, Kind: journey.KindWait, Wait: &journey.Wait{For: journey.Days(2), Next: next}}
		}
		defs.Journeys = append(defs.Journeys, journey.Journey{ID: in + "-news", Category: "marketing",
			Triggers: []journey.Trigger{{Type: journey.TriggerGroupCreated, SolutionInterest: in}},
			Nodes: []journey.Node{email("e1", "w1"), wait("w1", "e2"), email("e2", "w2"), wait("w2", "e3"), email("e3", "end"),
				{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}}}})
	}
	return defs
}

// A CTO of two accounts, each of which runs both journeys for them.
var ctoOfTwo = []struct {
	name    string
	rollup  bool
	records func() engine.Batch
}{
	{
		name:   "a subsidiary's person in its parent's groups (rollup)",
		rollup: true,
		records: func() engine.Batch {
			return engine.Batch{
				Accounts: []identity.AccountRecord{account("globex", "Globex", "globex.com", ""), account("globex-de", "Globex DE", "globex.de", "globex")},
				Persons:  []identity.PersonRecord{lead("L-CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "Globex DE")},
			}
		},
	},
	{
		name: "a person linked to two accounts",
		records: func() engine.Batch {
			cto := contact("003CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "globex-de")
			cto.OtherAccounts = []b2b.AccountID{"initech"}
			return engine.Batch{
				Accounts: []identity.AccountRecord{account("globex-de", "Globex DE", "globex.de", ""), account("initech", "Initech", "initech.com", "")},
				Persons:  []identity.PersonRecord{cto},
			}
		},
	},
}

func account(id, name, domain, parent string) identity.AccountRecord {
	return identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0.Add(-24 * time.Hour),
		Account: b2b.Account{ID: b2b.AccountID(id), Name: name, Domains: []string{domain}, ParentID: b2b.AccountID(parent)}}
}

// capWeek runs a week of the shared-contact journeys for a CTO of two
// accounts, and returns the emails the CTO received and the messages the
// cap skipped, with their reasons.
func capWeek(t *testing.T, b *bundle, records engine.Batch) (received int, capped []string) {
	t.Helper()
	rep, err := b.eng.Apply(b.ctx, records)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	for d := 0; d <= 6; d++ {
		b.clock.Set(day(d))
		_, err := b.eng.Advance(b.ctx, day(d))
		require.NoError(t, err)
		for _, m := range claimAll(t, b, day(d)) {
			if m.To == "cto@globex.de" {
				received++
			}
		}
	}
	for _, acc := range records.Accounts {
		evs, err := b.eng.Events(b.ctx, acc.Account.ID, 0, 0)
		require.NoError(t, err)
		for _, e := range evs {
			if e.Type == "journey.skip" {
				var d journey.Decision
				require.NoError(t, json.Unmarshal(e.Data, &d))
				capped = append(capped, d.Reason)
			}
		}
	}
	return received, capped
}

// TestCapsCountAcrossAccounts: scenario S4's cap, two marketing emails per
// person per seven days across journeys, holds for a person of two
// accounts whose journeys all email them: their recent messages in the
// other account count too, and each message over the cap is recorded as
// skipped with the cap as the reason.
func TestCapsCountAcrossAccounts(t *testing.T) {
	t.Parallel()
	for _, tt := range ctoOfTwo {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, sharedContactProgram(), func(c *engine.Config) { c.Rollup, c.Workers = tt.rollup, 1 })
			received, capped := capWeek(t, b, tt.records())
			require.Equal(t, 2, received, "the CTO receives 2 marketing emails in the week")
			require.Len(t, capped, 10, "two accounts' two journeys wanted three each: 12, 2 sent")
			for _, r := range capped {
				require.Contains(t, r, `frequency cap "2 marketing emails a week" (2 email in 7d)`)
			}
		})
	}
}

// TestCapsAcrossAccountsUnderConcurrency: passes of the two accounts of
// one person run at once (Workers), in every order; the cap holds exactly
// all the same, since they take turns from reading each other's messages
// to committing their own.
func TestCapsAcrossAccountsUnderConcurrency(t *testing.T) {
	t.Parallel()
	for _, tt := range ctoOfTwo {
		for run := range 10 {
			t.Run(fmt.Sprintf("%s/%d", tt.name, run), func(t *testing.T) {
				t.Parallel()
				b := setup(t, sharedContactProgram(), func(c *engine.Config) { c.Rollup, c.Workers = tt.rollup, 8 })
				received, capped := capWeek(t, b, tt.records())
				require.Equal(t, 2, received)
				require.Len(t, capped, 10)
			})
		}
	}
}

// TestSkippedMessageLeavesTheCaps: a journey message the engine does not
// queue (its address was erased) does not count in the recipient's
// frequency caps: the journeys counted it as they sent it, and the
// engine takes the count back.
func TestSkippedMessageLeavesTheCaps(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Caps = []journey.Cap{{Name: "2 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 2, Per: journey.Days(7)}}
	b := setup(t, defs)
	require.NoError(t, b.eng.Suppress(governance.SuppressionHash("victor@acme.com")))
	setupAcme(t, b)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	dev, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-3")
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Type == "message.skipped" && e.Person == victor && strings.Contains(string(e.Data), "the address was erased")
	}))
	counted := map[b2b.PersonID]int{}
	for _, c := range capContacts(t, b, "acme") {
		counted[c.Person]++
	}
	require.Equal(t, 1, counted[dev], "the intro sent to Dev counts")
	require.Zero(t, counted[victor], "the intro never sent to Victor counts")
}

// slowLoads is a store whose loads of one account take a while: that
// account's passes start later than the others'.
type slowLoads struct {
	store.Store
	slow b2b.AccountID
}

func (s slowLoads) LoadAccount(ctx context.Context, t store.Tenant, id b2b.AccountID) (store.Account, error) {
	if id == s.slow {
		time.Sleep(20 * time.Millisecond)
	}
	return s.Store.LoadAccount(ctx, t, id)
}

// TestCapsAcrossAccountsDecideInOneOrder: which account's message to a
// shared person a cap lets through does not depend on how the passes of
// one call are scheduled: of the accounts a call runs, the one it takes
// first decides first, even when its pass starts last (its loads are
// slow). The CTO receives what one worker gives.
func TestCapsAcrossAccountsDecideInOneOrder(t *testing.T) {
	t.Parallel()
	tt := ctoOfTwo[1] // globex-de and initech, in that order
	week := func(workers int, st store.Store) []string {
		b := setup(t, sharedContactProgram(), func(c *engine.Config) { c.Workers, c.Store = workers, st })
		rep, err := b.eng.Apply(b.ctx, tt.records())
		require.NoError(t, err)
		require.Empty(t, rep.Rejected)
		var got []string
		for d := 0; d <= 6; d++ {
			b.clock.Set(day(d))
			_, err := b.eng.Advance(b.ctx, day(d))
			require.NoError(t, err)
			for _, m := range claimAll(t, b, day(d)) {
				if m.To == "cto@globex.de" {
					got = append(got, fmt.Sprintf("day %d: %s", d, m.Account))
				}
			}
		}
		return got
	}
	want := week(1, memory.New())
	require.Len(t, want, 2)
	for range 3 {
		require.Equal(t, want, week(8, slowLoads{memory.New(), "globex-de"}))
	}
}

// TestHandOverWaitsForNoTurn: a Marketo company (acc-1) merges into a
// CRM account (acc-3) in a call that also brings an activity of acc-2,
// and the CTO is a person of acc-1 and acc-2. acc-2's pass, whose
// persons still name acc-1, waits for acc-1's turn of the call; acc-1's
// turn hands over to acc-3, whose pass counts acc-2's messages to the
// CTO: that pass must not wait for acc-2's turn, or neither ends.
func TestHandOverWaitsForNoTurn(t *testing.T) {
	t.Parallel()
	b := setup(t, sharedContactProgram(), func(c *engine.Config) { c.Workers = 2 })
	m := identity.AccountRecord{Source: b2b.SourceMarketo, Time: day0,
		Account: b2b.Account{ID: "acc-1", Name: "Initech Net", Domains: []string{"initech.net"}}}
	cto := contact("003CTO", "cto@initech.com", "Tess", "Ito", "Chief Technology Officer", "acc-2")
	cto.OtherAccounts = []b2b.AccountID{"acc-1"}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{
		Accounts: []identity.AccountRecord{account("acc-2", "Initech", "initech.com", ""), account("acc-3", "Initech Group", "initech.example", ""), m},
		Persons:  []identity.PersonRecord{cto}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	b.clock.Set(day(1))
	m.Time = day(1)
	m.Identifiers = []identity.Identifier{{Namespace: identity.NSAccountID, Value: "acc-3"}}
	open := activity("o-1", b2b.ActivityOpenEmail, "003CTO", day(1), nil)
	open.Source, open.Account = b2b.SourceSalesforce, "acc-2"
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	rep, err = b.eng.Apply(ctx, engine.Batch{Accounts: []identity.AccountRecord{m}, Activities: []b2b.Activity{open}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)
	v, err := b.eng.Account(b.ctx, "acc-1", day(1))
	require.NoError(t, err)
	require.Equal(t, b2b.AccountID("acc-3"), v.MergedInto)
}

// TestMessageSkippedAfterAnEarlierEventLeavesTheCaps: the journey hears
// Victor's demo request of day 2 in a pass at noon on day 2 and sends him
// a follow-up dated at the request, as it happened; his address was
// erased meanwhile, so the engine skips it and takes back the cap count
// the journeys made at that time (it looked for one made at the pass's
// time, and the skipped message went on counting).
func TestMessageSkippedAfterAnEarlierEventLeavesTheCaps(t *testing.T) {
	t.Parallel()
	defs := listenProgram()
	defs.Journeys[0].Nodes[2] = journey.Node{ID: "heard", Kind: journey.KindAction,
		Action: &journey.Action{Type: journey.ActionEmail, Template: "nurture", Next: "done"}}
	defs.Journeys[0].Nodes = append(defs.Journeys[0].Nodes, journey.Node{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "heard"}})
	defs.Caps = []journey.Cap{{Name: "3 marketing emails a week", Channel: b2b.ChannelEmail, Category: "marketing", Max: 3, Per: journey.Days(7)}}
	b := setup(t, defs)
	setupAcme(t, b)
	claimAll(t, b, day0)
	victor, _ := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
	require.NoError(t, b.eng.Suppress(governance.SuppressionHash("victor@acme.com")))
	b.clock.Set(day(2).Add(12 * time.Hour))
	ingest(t, b, activity("d", b2b.ActivityRequestDemo, "L-2", day(2), nil))
	require.Equal(t, 1, countEventsWhere(t, b, "acme", func(e store.Event) bool {
		return e.Type == "message.skipped" && e.Person == victor && strings.Contains(string(e.Data), "the address was erased")
	}))
	var at []time.Time
	for _, c := range capContacts(t, b, "acme") {
		if c.Person == victor {
			at = append(at, c.At)
		}
	}
	require.Equal(t, []time.Time{day0}, at, "only the intro sent to Victor counts")
}

// capContacts are the contacts the account's state counts in the
// frequency caps.
func capContacts(t *testing.T, b *bundle, id b2b.AccountID) []journey.Contact {
	t.Helper()
	rec, err := b.store.LoadAccount(b.ctx, "default", id)
	require.NoError(t, err)
	var st struct {
		Journeys journey.State `json:"journeys"`
	}
	require.NoError(t, json.Unmarshal([]byte(engine.StateJSON(rec)), &st))
	return st.Journeys.Contacts
}

// TestCapOfDaysReachesBackACalendarWeek: a cap of days counts calendar
// days in the account's zone (journey.Cap), and the week in which clocks
// go back is 169 hours long: an email that another account sent the
// person 168 hours and a half before still counts, so the other
// account's must wait. The engine passes an account's step the messages
// of the person's other accounts a day further back than the cap outside
// UTC; cut at 168 hours, it left that one out and sent a second email
// within the calendar week.
func TestCapOfDaysReachesBackACalendarWeek(t *testing.T) {
	t.Parallel()
	defs := sharedContactProgram()
	defs.Caps = []journey.Cap{{Name: "1 email a week", Channel: b2b.ChannelEmail, Max: 1, Per: journey.Days(7), Policy: journey.CapDefer}}
	defs.Journeys = []journey.Journey{{ID: "news", Triggers: []journey.Trigger{{Type: journey.TriggerManual}},
		Nodes: []journey.Node{
			{ID: "e1", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "news",
				Recipients: &journey.Recipients{SolutionInterest: "data-platform"}, Next: "end"}},
			{ID: "end", Kind: journey.KindEnd, End: &journey.End{Outcome: "sent"}},
		}}}
	b := setup(t, defs)
	// Clocks in Berlin go back on Sunday 25 October 2026, 03:00 CEST.
	sent := time.Date(2026, 10, 21, 8, 0, 0, 0, time.UTC)   // 10:00 CEST
	later := time.Date(2026, 10, 28, 8, 30, 0, 0, time.UTC) // 09:30 CET: 168 h 30 min after
	b.clock.Set(sent.Add(-time.Hour))
	cto := contact("003CTO", "cto@globex.de", "Tess", "Ito", "Chief Technology Officer", "globex-de")
	cto.OtherAccounts = []b2b.AccountID{"initech"}
	accounts := []identity.AccountRecord{account("globex-de", "Globex DE", "globex.de", ""), account("initech", "Initech", "initech.com", "")}
	for i := range accounts {
		accounts[i].Account.TimeZone = "Europe/Berlin"
	}
	rep, err := b.eng.Apply(b.ctx, engine.Batch{Accounts: accounts, Persons: []identity.PersonRecord{cto}})
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	b.clock.Set(sent)
	rep, err = b.eng.Enter(b.ctx, "globex-de", "news")
	require.NoError(t, err)
	require.Equal(t, 1, rep.Messages, "the first account's email")
	b.clock.Set(later)
	rep, err = b.eng.Enter(b.ctx, "initech", "news")
	require.NoError(t, err)
	require.Zero(t, rep.Messages, "the email of 21 October 10:00 counts until 28 October 10:00 in Berlin")
	deferred := countEventsWhere(t, b, "initech", func(ev store.Event) bool {
		return ev.Type == "journey.defer" && strings.Contains(string(ev.Data), "2026-10-28T09:00:00Z")
	})
	require.Equal(t, 1, deferred, "deferred to 28 October 10:00 CET")
}
