package scenarios_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
)

// TestS3CompletenessCampaign runs s3-completeness-campaign.yaml: of 60
// accounts, the 50 whose groups lack an Economic Buyer form the audience
// "missing Economic Buyer", and the journey entered from it emails only
// existing members (asking for an introduction), never a person without
// email consent.
func TestS3CompletenessCampaign(t *testing.T) {
	t.Parallel()
	b := setup(t, fileS3)

	var batch engine.Batch
	missing := map[b2b.AccountID]bool{}
	optedOut := map[string]bool{}
	wantSent := map[b2b.AccountID]int{}
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
			wantSent[id] = 2 // the evaluator and the end user
			if i%5 == 0 {
				wantSent[id] = 1 // the opted-out end user is skipped
			}
		} else {
			batch.Persons = append(batch.Persons, lead(fmt.Sprintf("L-%02d-eb", i), "cfo@"+domain, "Carla", "Diaz", "CFO", ""))
		}
	}
	rep, err := b.eng.Apply(b.ctx, batch)
	require.NoError(t, err)
	require.Empty(t, rep.Rejected)

	// Exactly the 50 accounts without an Economic Buyer are in the audience.
	in, err := b.eng.Accounts(b.ctx, "audience/missing Economic Buyer", "in")
	require.NoError(t, err)
	require.Len(t, in, 50)
	for _, id := range in {
		require.True(t, missing[id], "%s is in the audience but has an Economic Buyer", id)
	}

	// The journey emails existing members of those accounts, with consent.
	msgs := claimAll(t, b, day0)
	require.NotEmpty(t, msgs)
	sent := map[b2b.AccountID]int{}
	for _, m := range msgs {
		require.True(t, missing[m.Account], "only accounts of the audience are emailed")
		require.False(t, optedOut[m.To], "never a person without email consent: %s", m.To)
		require.NotContains(t, m.To, "mk@", "only existing members are emailed")
		require.Contains(t, m.Subject, "Who owns the budget")
		sent[m.Account]++
	}
	require.Equal(t, wantSent, sent, "messages per account")

	// The skipped message is recorded with its reason.
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
