package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
)

// TestMessagesRenderAtDelivery: a journey email is stored unrendered and
// rendered when it is claimed, from the account's state then, on a store
// that keeps values and on one that keeps encoded states alike.
func TestMessagesRenderAtDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		store func() store.Store
	}{
		{"values", func() store.Store { return memory.New() }},
		{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.store()
			b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
			setupAcme(t, b) // the intro emails are queued

			// The stored entries hold the recipient and what to render from,
			// not the rendered parts.
			raw, err := st.ClaimOutbox(b.ctx, &store.ClaimParams{Tenant: "default", Now: day0, Lease: time.Minute, Limit: 100})
			require.NoError(t, err)
			require.Len(t, raw, 3)
			for _, en := range raw {
				require.NotContains(t, string(en.Payload), "Subject")
				require.NotContains(t, string(en.Payload), "HTML")
				require.Contains(t, string(en.Payload), `"render":{"group":"acme/data-platform"`)
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
			require.Contains(t, byTo["carla.cfo@acme.com"].Text, "Hi Carla,")
		})
	}
}

// TestUnrenderableMessageFails: a queued email whose template cannot be
// rendered for its recipient when it is claimed (a required token is
// empty) is not handed to the dispatcher; it fails with the reason in the
// event log and the counters, and the other messages go out.
func TestUnrenderableMessageFails(t *testing.T) {
	t.Parallel()
	defs := pipelineProgram()
	defs.Templates.Emails[0].Text = "Hi {{.Person.FirstName}}, meet {{.Interest.Name}}. Unsubscribe: {{.UnsubscribeURL}}"
	b := setup(t, defs)
	setupAcme(t, b)
	rec := lead("L-3", "dev@acme.com", "", "Patel", "Sr. Data Engineer", "Acme")
	rec.Time = day0.Add(time.Hour)
	_, err := b.eng.Apply(b.ctx, engine.Batch{Persons: []identity.PersonRecord{rec}})
	require.NoError(t, err)
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

// TestRenderWaitsForTheStore: when the store cannot load an account, the
// claim fails and the entry is claimed again once its lease expires.
func TestRenderWaitsForTheStore(t *testing.T) {
	t.Parallel()
	st := &flakyLoads{Store: memory.New()}
	b := setup(t, pipelineProgram(), func(c *engine.Config) { c.Store = st })
	setupAcme(t, b)
	st.fail = true
	_, err := b.eng.Outbox().Claim(b.ctx, channel.ClaimParams{Now: day0, Limit: 100, Lease: time.Minute})
	require.ErrorContains(t, err, "store unavailable")
	st.fail = false
	require.Len(t, claimAll(t, b, day0.Add(2*time.Minute)), 3, "nothing was lost")
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
		require.NoError(t, b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: got[i].ID, Attempt: got[i].Attempts, Status: st, Now: day0,
			NextAttempt: day0.Add(time.Hour)}))
	}
	err = b.eng.Outbox().Record(b.ctx, channel.RecordParams{ID: got[0].ID, Attempt: got[0].Attempts, Status: channel.StatusDelivered, Now: day0})
	require.ErrorIs(t, err, channel.ErrLeaseLost)
	require.Equal(t, map[string]int64{"delivered": 1, "suppressed": 1, "retry": 1}, b.eng.Counters().Deliveries)
}
