package engine_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
)

// TestScenarioS3 is the completeness campaign: of 60 accounts, the 50
// whose groups lack an Economic Buyer form the audience "missing Economic
// Buyer", and the journey entered from it emails only existing members
// (asking for an introduction), never a person without email consent.
func TestScenarioS3(t *testing.T) {
	t.Parallel()
	defs := dataPlatform()
	defs.Audiences = []audience.Audience{{Name: "missing Economic Buyer", Rule: `any(groups, "Economic Buyer" in .missingRoles)`}}
	defs.Templates = channel.TemplateSet{Emails: []channel.EmailTemplate{{Name: "intro-request", Marketing: true,
		Subject: "Who owns the budget for {{.Interest.Name}} at {{.Account.Name}}?",
		HTML:    `<p>Hi {{.Person.FirstName | default "there"}}, could you introduce us to whoever owns the budget?</p><a href="{{.UnsubscribeURL}}">unsubscribe</a>`,
		Text:    "Hi {{.Person.FirstName | default \"there\"}}, could you introduce us to whoever owns the budget? Unsubscribe: {{.UnsubscribeURL}}"}}}
	defs.Journeys = []journey.Journey{{ID: "find-the-economic-buyer",
		Triggers: []journey.Trigger{{Type: journey.TriggerAudience, Audience: "missing Economic Buyer"}},
		Nodes: []journey.Node{
			{ID: "ask", Kind: journey.KindAction, Action: &journey.Action{Type: journey.ActionEmail, Template: "intro-request", Next: "done"}},
			{ID: "done", Kind: journey.KindEnd, End: &journey.End{Outcome: "asked"}},
		}}}
	b := setup(t, defs)

	var batch engine.Batch
	missing := map[b2b.AccountID]bool{}
	optedOut := map[string]bool{}
	for i := range 60 {
		id := b2b.AccountID(fmt.Sprintf("acc-%02d", i))
		domain := fmt.Sprintf("company%02d.com", i)
		batch.Accounts = append(batch.Accounts, identity.AccountRecord{Source: b2b.SourceSalesforce, Time: day0,
			Account: b2b.Account{ID: id, Name: fmt.Sprintf("Company %02d", i), Domains: []string{domain}}})
		evaluator := lead(fmt.Sprintf("L-%02d-te", i), "vp@"+domain, "Vic", "Kim", "VP of Engineering", "")
		user := lead(fmt.Sprintf("L-%02d-eu", i), "dev@"+domain, "Dev", "Patel", "Data Engineer", "")
		outsider := lead(fmt.Sprintf("L-%02d-mk", i), "mk@"+domain, "Mo", "Ali", "Marketing Coordinator", "")
		if i%5 == 0 { // some members opted out of email
			user.Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptOut, Source: b2b.SourceMarketo, At: day0}}
			optedOut["dev@"+domain] = true
		}
		batch.Persons = append(batch.Persons, evaluator, user, outsider)
		if i < 50 {
			missing[id] = true
		} else {
			batch.Persons = append(batch.Persons, lead(fmt.Sprintf("L-%02d-eb", i), "cfo@"+domain, "Carla", "Diaz", "CFO", ""))
		}
	}
	rep, err := b.eng.Apply(b.ctx, batch)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	in, err := b.eng.Accounts(b.ctx, "audience/missing Economic Buyer", "in")
	require.NoError(t, err)
	require.Len(t, in, 50)
	for _, id := range in {
		require.True(t, missing[id], "%s is in the audience but has an Economic Buyer", id)
	}

	msgs := claimAll(t, b, day0)
	require.NotEmpty(t, msgs)
	perAccount := map[b2b.AccountID]int{}
	for _, m := range msgs {
		require.True(t, missing[m.Account], "only accounts of the audience are emailed")
		require.False(t, optedOut[m.To], "never a person without email consent: %s", m.To)
		require.NotContains(t, m.To, "mk@", "only existing members are emailed")
		require.Contains(t, m.Subject, "Who owns the budget")
		perAccount[m.Account]++
	}
	require.Len(t, perAccount, 50)
	for id, n := range perAccount {
		want := 2
		if slices.Contains([]int{0, 5, 10, 15, 20, 25, 30, 35, 40, 45}, accountNumber(id)) {
			want = 1 // the opted-out end user is skipped
		}
		require.Equal(t, want, n, "account %s", id)
	}
	// The skipped messages are recorded with the reason.
	evs, err := b.eng.Events(b.ctx, "acc-00", 0, 0)
	require.NoError(t, err)
	var skipped int
	for _, e := range evs {
		if e.Type == "journey.skip" {
			skipped++
			require.Contains(t, string(e.Data), "opt")
		}
	}
	require.Equal(t, 1, skipped)
}

func accountNumber(id b2b.AccountID) int {
	var n int
	fmt.Sscanf(string(id), "acc-%d", &n)
	return n
}
