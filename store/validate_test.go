package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// problemPaths returns the field paths of a validation error's problems,
// checking that it matches store.ErrInvalid.
func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	require.ErrorIs(t, err, store.ErrInvalid)
	var ve *b2b.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Path)
	}
	return out
}

func TestAckParamsValidate(t *testing.T) {
	t.Parallel()
	ok := store.AckParams{Tenant: "t1", ID: "m1", Status: store.OutboxDelivered, Now: t0}
	tests := []struct {
		name   string
		edit   func(p *store.AckParams)
		want   []string
		reason string
	}{
		{name: "valid", edit: func(*store.AckParams) {}},
		{name: "valid with an event", edit: func(p *store.AckParams) {
			p.Event = &store.Event{Type: "message.delivered", Time: t0}
		}},
		{name: "everything missing", edit: func(p *store.AckParams) { *p = store.AckParams{} },
			want: []string{"tenant", "id", "status", "now"}},
		{name: "a retry without a time", edit: func(p *store.AckParams) { p.Status = store.OutboxPending },
			want: []string{"nextAttemptAt"}},
		{name: "a negative attempt", edit: func(p *store.AckParams) { p.Attempt = -1 },
			want: []string{"attempt"}, reason: "no claim returns one: a caller's mistake, not a lost lease (ErrConflict)"},
		{name: "a negative seq", edit: func(p *store.AckParams) { p.Seq = -1 },
			want: []string{"seq"}, reason: "no store assigns one: a caller's mistake, not an erased entry (ErrNotFound)"},
		{name: "valid with a seq and an attempt", edit: func(p *store.AckParams) { p.Seq, p.Attempt = 7, 2 }},
		{name: "an event without type or time", edit: func(p *store.AckParams) { p.Event = &store.Event{Data: []byte(`{}`)} },
			want:   []string{"event.type", "event.time"},
			reason: "the ack's event goes to the log, which a commit refuses such an event for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := ok
			tt.edit(&p)
			require.Empty(t, cmp.Diff(tt.want, problemPaths(t, p.Validate())), "%s (-want +got)", tt.reason)
		})
	}
}

// TestEnqueueParamsValidate: an enqueue's problems are at the paths of
// its own fields (entries[i], not a commit's outbox[i]).
func TestEnqueueParamsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    store.EnqueueParams
		want []string
	}{
		{name: "valid", p: store.EnqueueParams{Tenant: "t1", Now: t0, Entries: []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k", Channel: "email"}}}},
		{name: "no entries is valid", p: store.EnqueueParams{Tenant: "t1", Now: t0}},
		{name: "everything wrong", p: store.EnqueueParams{Entries: []store.OutboxEntry{{}, {ID: "m", IdempotencyKey: "k", Channel: "sms"}, {ID: "m", IdempotencyKey: "k", Channel: "sms"}}},
			want: []string{"tenant", "now", "entries[0].id", "entries[0].idempotencyKey", "entries[0].channel", "entries[2].id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, cmp.Diff(tt.want, problemPaths(t, tt.p.Validate())), "(-want +got)")
		})
	}
}

// TestClaimParamsValidate: a claim names its tenant, its time and a
// positive lease; the limit has a default, so any is valid.
func TestClaimParamsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		p      store.ClaimParams
		want   []string
		reason string
	}{
		{name: "valid", p: store.ClaimParams{Tenant: "t1", Now: t0, Lease: time.Minute}},
		{name: "a negative limit is valid", p: store.ClaimParams{Tenant: "t1", Now: t0, Lease: time.Minute, Limit: -1}, reason: "it means the default"},
		{name: "everything missing", p: store.ClaimParams{}, want: []string{"tenant", "now", "lease"},
			reason: "a zero time would claim nothing, silently"},
		{name: "a negative lease", p: store.ClaimParams{Tenant: "t1", Now: t0, Lease: -time.Second}, want: []string{"lease"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, cmp.Diff(tt.want, problemPaths(t, tt.p.Validate())), "%s (-want +got)", tt.reason)
		})
	}
}

// TestValidateAllocatesNothing: every commit and every acknowledgement
// is validated, on the paths that apply activities and deliver messages;
// valid params cost no allocation (a problem's message is formatted only
// when there is one).
func TestValidateAllocatesNothing(t *testing.T) {
	// Not parallel: AllocsPerRun counts the process's allocations.
	events := []store.Event{{Type: "member.added", Person: "p1", Time: t0}, {Type: "stage.changed", Time: t0}}
	outbox := []store.OutboxEntry{{ID: "m1", IdempotencyKey: "k1", Channel: "email"}, {ID: "m2", Account: "acme", IdempotencyKey: "k2", Channel: "sms"}}
	for _, tt := range []struct {
		name     string
		validate func() error
	}{
		{"commit", (&store.CommitParams{Tenant: "t1", Account: "acme", ExpectedVersion: 3, Now: t0, Links: []b2b.AccountID{"globex"}, Events: events, Outbox: outbox}).Validate},
		{"ack", (&store.AckParams{Tenant: "t1", ID: "m1", Seq: 1, Attempt: 1, Status: store.OutboxDelivered, Now: t0,
			Event: &store.Event{Type: "message.delivered", Time: t0}}).Validate},
		{"claim", (&store.ClaimParams{Tenant: "t1", Now: t0, Lease: time.Minute}).Validate},
		{"enqueue", (&store.EnqueueParams{Tenant: "t1", Now: t0, Entries: outbox}).Validate},
	} {
		require.NoError(t, tt.validate(), tt.name)
		require.Zero(t, testing.AllocsPerRun(100, func() { _ = tt.validate() }), "%s: allocations of a valid request", tt.name)
	}
}
