package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/identity"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// TestErasePerson erases Victor, a member of Acme's committee who
// requested a demo, is a contact role of a deal, received emails and was
// named in a sales alert: nothing of him is left in the engine, and the
// rest of the account stands, recomputed without him.
func TestErasePerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		st   func() store.Store
	}{
		{"values", func() store.Store { return storetest.NewFreezeCheck(memory.New()) }},
		{"encoded", func() store.Store { return bytesOnly{memory.New()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := tc.st()
			defs := pipelineProgram()
			// A cap makes the journeys remember whom they emailed.
			defs.Caps = []journey.Cap{{Name: "weekly", Channel: b2b.ChannelEmail, Max: 3, Per: journey.Days(7)}}
			b := setup(t, defs, func(c *engine.Config) { c.Store = st })
			setupAcme(t, b)
			victor, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.True(t, ok)
			carla, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
			require.True(t, ok)
			_, err := b.eng.UpsertOpportunities(b.ctx, b2b.Opportunity{ID: "o1", Account: "acme", Name: "Acme data platform", Product: "Data Platform",
				Status: b2b.OpportunityOpen, Stage: "Discovery", Amount: 50000, CreatedAt: day0,
				ContactRoles: []b2b.ContactRole{{Person: victor, Role: b2b.ContactRoleTechnicalBuyer}, {Person: carla, Role: b2b.ContactRoleEconomicBuyer, Primary: true}}})
			require.NoError(t, err)
			b.clock.Set(day(3))
			_, err = b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil),
				activity("w", b2b.ActivityAttendEvent, "L-1", day(3), nil))
			require.NoError(t, err)
			b.clock.Set(day(5))
			_, err = b.eng.Advance(b.ctx, day(5))
			require.NoError(t, err)
			var alerted bool
			for _, m := range claimAll(t, b, day(5)) {
				alerted = alerted || m.Channel == channel.ChannelSalesAlert && strings.Contains(m.Text, "Victor Kim")
			}
			require.True(t, alerted, "the sales alert named Victor")
			before, err := b.eng.Account(b.ctx, "acme", day(5))
			require.NoError(t, err)

			er, err := b.eng.ErasePerson(b.ctx, victor)
			require.NoError(t, err)
			require.Equal(t, victor, er.Person)
			require.Equal(t, []identity.RecordRef{{Source: b2b.SourceMarketo, RecordID: "L-2"}}, er.Records)
			require.Equal(t, []b2b.AccountID{"acme"}, er.Accounts)
			require.Equal(t, 2, er.Redacted, "the alert and the opportunity named him")
			require.Positive(t, er.Events)
			require.Equal(t, 1, er.Outbox, "his intro email")

			// Nothing anywhere names him.
			_, err = b.eng.Identity(victor)
			require.ErrorIs(t, err, engine.ErrUnknownPerson)
			_, ok = b.eng.PersonOfRecord(b2b.SourceMarketo, "L-2")
			require.False(t, ok)
			after, err := b.eng.Account(b.ctx, "acme", day(5))
			require.NoError(t, err)
			view, err := json.Marshal(after)
			require.NoError(t, err)
			evs, err := b.eng.Events(b.ctx, "acme", 0, 0)
			require.NoError(t, err)
			var log strings.Builder // what the log holds, data decoded
			for _, ev := range evs {
				log.WriteString(string(ev.Person) + " " + ev.Type + " " + string(ev.Data) + "\n")
			}
			all := log.String()
			rec, err := st.LoadAccount(b.ctx, "default", "acme")
			require.NoError(t, err)
			state := engine.StateJSON(rec)
			require.True(t, strings.Contains(state, "carla.cfo@acme.com"))
			for _, needle := range []string{string(victor), "L-2", "victor@acme.com", "Victor Kim", "Victor"} {
				require.False(t, strings.Contains(state, needle), "the account's state names %q", needle)
				require.False(t, strings.Contains(string(view), needle), "the account view names %q", needle)
				require.False(t, strings.Contains(all, needle), "the event log names %q", needle)
			}
			accs, err := st.PersonAccounts(b.ctx, "default", victor)
			require.NoError(t, err)
			require.Empty(t, accs)

			// The erasure is in the log, naming no one, and the rest stands.
			var erased []store.Event
			for _, ev := range evs {
				if ev.Type == "person.erased" {
					erased = append(erased, ev)
				}
				require.NotEqual(t, victor, ev.Person)
			}
			require.Len(t, erased, 1)
			require.JSONEq(t, `{"removed":{"activities":1,"contactRoles":1,"groups":1,"journeyRecords":1,"ledgers":1}}`, string(erased[0].Data))
			require.True(t, strings.Contains(all, `"Name":"Carla Diaz"`), "the alert still names Carla")
			require.Len(t, after.Groups, 1)
			g, g0 := after.Groups[0], before.Groups[0]
			require.Len(t, g.Group.Members, len(g0.Group.Members)-1)
			for _, m := range g.Group.Members {
				require.NotEqual(t, victor, m.Person)
			}
			require.Less(t, g.Score.Score, g0.Score.Score, "his demo request no longer counts")
			require.Contains(t, string(view), "Carla")

			// He is gone: again is an error, and his record's activities
			// are refused until the record arrives again.
			_, err = b.eng.ErasePerson(b.ctx, victor)
			require.ErrorIs(t, err, engine.ErrUnknownPerson)
			rep, err := b.eng.Ingest(b.ctx, activity("d2", b2b.ActivityRequestDemo, "L-2", day(5), nil))
			require.NoError(t, err)
			require.Len(t, rep.Rejected, 1)
			require.Equal(t, "unknown_person", rep.Rejected[0].Reason)
			if fc, ok := st.(*storetest.FreezeCheck); ok {
				require.Empty(t, fc.Changed(), "the erasure rewrote no committed state in place")
			}
		})
	}
}

// TestErasedPersonGetsNothing: a message queued for a person who is erased
// before it is sent is never sent.
func TestErasedPersonGetsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	carla, ok := b.eng.PersonOfRecord(b2b.SourceMarketo, "L-1")
	require.True(t, ok)
	er, err := b.eng.ErasePerson(b.ctx, carla)
	require.NoError(t, err)
	require.Equal(t, 1, er.Outbox)
	require.ElementsMatch(t, []identity.RecordRef{{Source: b2b.SourceSalesforce, RecordID: "003CFO"}, {Source: b2b.SourceMarketo, RecordID: "L-1"}}, er.Records,
		"both records of the merged person")
	msgs := claimAll(t, b, day0)
	require.NotEmpty(t, msgs)
	for _, m := range msgs {
		require.NotEqual(t, "carla.cfo@acme.com", m.To)
	}
}

func TestErasePersonErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, pipelineProgram())
	_, err := b.eng.ErasePerson(b.ctx, "")
	require.ErrorContains(t, err, "a person ID is required")
	_, err = b.eng.ErasePerson(b.ctx, "nobody")
	require.ErrorIs(t, err, engine.ErrUnknownPerson)
}

func TestRedact(t *testing.T) {
	t.Parallel()
	ids := []string{"p1", "ann@acme.com", "Ann Lee"}
	texts := []string{"ann@acme.com", "Ann Lee"}
	for _, tc := range []struct {
		name, in, want string
		changed        bool
	}{
		{"a list of IDs", `{"engaged":["p1","p2"]}`, `{"engaged":["p2"]}`, true},
		{"objects about the person", `{"engaged":[{"Person":"p1","Name":"Ann Lee"},{"Person":"p2","Name":"Bo Chan"}]}`,
			`{"engaged":[{"Name":"Bo Chan","Person":"p2"}]}`, true},
		{"a field", `{"person":"p1","count":3}`, `{"count":3,"person":"(erased)"}`, true},
		{"inside a text", `{"reason":"Ann Lee (ann@acme.com) asked for a demo"}`, `{"reason":"(erased) ((erased)) asked for a demo"}`, true},
		{"nested lists", `{"a":[{"b":[{"personId":"p1"},{"personId":"p3"}]}]}`, `{"a":[{"b":[{"personId":"p3"}]}]}`, true},
		{"an ID only whole", `{"id":"p10","note":"p1x"}`, `{"id":"p10","note":"p1x"}`, false},
		{"numbers kept exactly", `{"n":12345678901234567890,"x":"p1"}`, `{"n":12345678901234567890,"x":"(erased)"}`, true},
		{"nothing", `{"group":"acme/dp"}`, `{"group":"acme/dp"}`, false},
	} {
		got, changed, err := engine.Redact([]byte(tc.in), ids, texts)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.changed, changed, tc.name)
		require.JSONEq(t, tc.want, string(got), tc.name)
	}
	_, _, err := engine.Redact([]byte(`{"broken`), ids, texts)
	require.Error(t, err)
}

// FuzzRedact: redaction never panics, gives valid JSON, and leaves no ID
// of the person as a whole string.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{`{"engaged":["p1","p2"]}`, `[{"Person":"p1"}]`, `"p1"`, `{"a":{"b":["x","p1",1,null,true]}}`, `12`, `{"reason":"Ann Lee"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		out, _, err := engine.Redact([]byte(in), []string{"p1"}, []string{"Ann Lee"})
		if err != nil {
			return // several values in a row: not a payload
		}
		require.True(t, json.Valid(out), "%s -> %s", in, out)
		var v any
		require.NoError(t, json.Unmarshal(out, &v))
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				require.NotEqual(t, "p1", x)
				require.NotContains(t, x, "Ann Lee")
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
	})
}
