package engine

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/store"
)

// payloadPieces are what random payload strings are made of: plain text,
// what encoding/json escapes (quotes, backslashes, control characters,
// HTML's <, > and &, U+2028 and U+2029), invalid UTF-8 and other runes.
var payloadPieces = []string{"a", "Ann", "ann@acme.com", "journey-1", " ", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&",
	"\u2028", "\u2029", "\xff", "\xe2\x80", "é", "日本", "😀", "\ufffd", "/", "{", "}", ":", ","}

// plainPieces need no escaping.
var plainPieces = []string{"a", "Ann", "ann@acme.com", "journey-1", " ", "é", "日本", "😀", "/", "{", "}", ":", ","}

func randomPayloadString(r *rand.Rand, pieces []string) string {
	var b strings.Builder
	for range r.IntN(5) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomQueued fills every string field of a message (found by
// reflection, so that a field added to channel.Message and not to the
// codec fails the test), some of them empty, random tags, and a render
// reference or none, of strings made of pieces.
func randomQueued(r *rand.Rand, pieces []string) queuedMessage {
	var q queuedMessage
	v := reflect.ValueOf(&q.Message).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			if r.IntN(4) > 0 {
				f.SetString(randomPayloadString(r, pieces))
			}
		case reflect.Map:
			if n := r.IntN(4); n > 0 || r.IntN(2) == 0 {
				tags := map[string]string{}
				for range n {
					tags[randomPayloadString(r, pieces)] = randomPayloadString(r, pieces)
				}
				q.Tags = tags
			}
		default:
			panic("channel.Message has a field the payload test does not fill: " + v.Type().Field(i).Name)
		}
	}
	if r.IntN(3) > 0 {
		q.Render = &renderRef{Journey: randomPayloadString(r, pieces), Node: randomPayloadString(r, pieces), Group: randomPayloadString(r, pieces)}
		if r.IntN(2) == 0 {
			q.Render.Interest = randomPayloadString(r, pieces)
		}
		if r.IntN(2) == 0 {
			q.Render.Role = randomPayloadString(r, pieces)
		}
		if r.IntN(2) == 0 {
			q.Render.Sent = time.Date(2026, 3, 2, r.IntN(24), r.IntN(60), 0, r.IntN(3)*r.IntN(1e9), time.UTC)
		}
	}
	return q
}

// TestPayloadsLikeEncodingJSON holds the payload codec to encoding/json:
// the same bytes encoded, the same message decoded; and most payloads of
// plain text decoded without it.
func TestPayloadsLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for i := range 20000 {
		pieces := payloadPieces
		if i%2 == 0 {
			pieces = plainPieces
		}
		q := randomQueued(r, pieces)
		want, err := json.Marshal(q)
		require.NoError(t, err)
		got := encodePayload(&q)
		require.Equal(t, string(want), string(got), "message %d", i)
		checkDecodesLikeJSON(t, got)
		var d queuedMessage
		if decodePayload(got, &d) {
			fast++
		}
	}
	// Every payload of plain strings.
	require.GreaterOrEqual(t, fast, 10000, "payloads decoded without encoding/json")

	plain := queuedMessage{Message: channel.Message{Template: "welcome", To: "ann@acme.com", Tags: map[string]string{"x": "y"}},
		Render: &renderRef{Journey: "j", Node: "n", Group: "g", Interest: "crm", Role: "Champion", Sent: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	var d queuedMessage
	require.True(t, decodePayload(encodePayload(&plain), &d), "a journey message's payload decodes without encoding/json")
	require.Empty(t, cmp.Diff(plain, d))
}

// checkDecodesLikeJSON asserts that decodePayload either leaves data to
// encoding/json or decodes it as encoding/json does.
func checkDecodesLikeJSON(t *testing.T, data []byte) {
	t.Helper()
	var got, want queuedMessage
	if !decodePayload(data, &got) {
		return
	}
	require.NoError(t, json.Unmarshal(data, &want), "decoded %q, which encoding/json refuses", data)
	require.Empty(t, cmp.Diff(want, got), "%q (-encoding/json +decodePayload)", data)
}

// TestPayloadDecodeLeavesToEncodingJSON lists payloads the decoder must
// leave to encoding/json, and a few it takes.
func TestPayloadDecodeLeavesToEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		data string
		fast bool
	}{
		{`{}`, true},
		{`{"To":"a","Tags":{},"render":{"journey":"j","node":"n","group":"g"}}`, true},
		{`{"render":{"group":"g","journey":"j"},"To":"a"}`, true},
		{`{"To":"a\"b"}`, false},                       // an escape
		{`{"To":"a\u0041"}`, false},                    // an escape
		{`{"To":"a","To":"b"}`, false},                 // a key twice: encoding/json keeps the last
		{`{"Tags":{"a":"1"},"Tags":{"b":"2"}}`, false}, // merged by encoding/json
		{`{"Tags":{"a":"1","a":"2"}}`, false},
		{`{"render":{"node":"a","node":"b"}}`, false},
		{`{"to":"a"}`, false}, // encoding/json matches keys case-insensitively
		{`{"Render":{"journey":"j"}}`, false},
		{`{"render":{"Journey":"j"}}`, false},
		{`{"Other":"x"}`, false}, // ignored by encoding/json
		{`{"render":{"other":"x"}}`, false},
		{`{"render":{"journey":"j","sent":"2026-03-02T09:00:00Z"}}`, true},
		{`{"render":{"journey":"j","sent":"2026-03-02T09:00:00.000Z"}}`, false}, // not as the engine writes it
		{`{"render":{"journey":"j","sent":"2026-03-02T10:00:00+01:00"}}`, false},
		{`{"render":{"journey":"j","sent":"yesterday"}}`, false},
		{`{"To":null}`, false},
		{`{"Tags":null}`, false},
		{`{"render":null}`, false},
		{`{"Tags":{"a":1}}`, false},
		{`{ "To":"a"}`, false}, // space between tokens
		{`{"To":"a"} `, false},
		{`{"To":"a"}x`, false},
		{`{"To":"a",}`, false},
		{`{,"To":"a"}`, false},
		{`{"To":"a"`, false},
		{`{"To":"a}`, false},
		{"{\"To\":\"\xff\"}", false}, // invalid UTF-8: encoding/json puts U+FFFD
		{"{\"To\":\"a\tb\"}", false},
		{`[]`, false},
		{``, false},
		{`"x"`, false},
	} {
		var q queuedMessage
		require.Equal(t, tt.fast, decodePayload([]byte(tt.data), &q), "%s", tt.data)
		checkDecodesLikeJSON(t, []byte(tt.data))
	}
}

// FuzzPayloadDecode holds the decoder to encoding/json on any input, and
// the encoder on what either decodes.
func FuzzPayloadDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 20 {
		q := randomQueued(r, [][]string{payloadPieces, plainPieces}[i%2])
		f.Add(encodePayload(&q))
	}
	f.Add([]byte(`{"To":"a","Tags":{"a":"1"},"render":{"journey":"j","node":"n","group":"g","role":"r"}}`))
	f.Add([]byte(`{"Tags":{"a":"1"},"Tags":{"b":"2"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodesLikeJSON(t, data)
		var q queuedMessage
		if json.Unmarshal(data, &q) != nil {
			return
		}
		want, err := json.Marshal(q)
		require.NoError(t, err)
		require.Equal(t, string(want), string(encodePayload(&q)))
	})
}

// TestResultsLikeEncodingJSON holds the receipt's and the delivery
// event's encodings to encoding/json, for times in UTC and elsewhere, of
// years it takes and refuses.
func TestResultsLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	times := []time.Time{{}, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC),
		time.Date(2026, 3, 2, 9, 0, 0, 120000000, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, paris), time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("odd", 3600+30)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)}
	for i := range 5000 {
		pieces := [][]string{payloadPieces, plainPieces}[i%2]
		rc := channel.Receipt{ProviderID: randomPayloadString(r, pieces), Duplicate: r.IntN(2) == 0, At: times[r.IntN(len(times))]}
		if i%3 == 0 {
			rc.At = time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).UTC()
		}
		want, err := json.Marshal(rc)
		if err == nil {
			require.Equal(t, string(want), string(encodeReceipt(&rc)))
		} else {
			require.Nil(t, encodeReceipt(&rc), "encoding/json refuses %v", rc.At)
		}
		ev := resultEvent{Attempt: r.IntN(5) - 1, Error: randomPayloadString(r, pieces), Key: randomPayloadString(r, pieces), Receipt: rc,
			Status: channel.Status(randomPayloadString(r, pieces))}
		want, err = json.Marshal(ev)
		if err == nil {
			require.Equal(t, string(want), string(encodeResult(&ev)))
		} else {
			require.Nil(t, encodeResult(&ev), "encoding/json refuses %v", rc.At)
		}
	}
}

// TestReceiptFieldNames: a receipt, in the outbox and in the delivery
// event's data, has camelCase keys like every other field of the events,
// where it read {"ProviderID":...,"Duplicate":...,"At":...}.
func TestReceiptFieldNames(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rc   channel.Receipt
		want string
	}{
		{"delivered", channel.Receipt{ProviderID: "SM1", At: at}, `{"providerId":"SM1","duplicate":false,"at":"2026-03-02T09:00:00Z"}`},
		{"a duplicate", channel.Receipt{ProviderID: "SM1", Duplicate: true, At: at}, `{"providerId":"SM1","duplicate":true,"at":"2026-03-02T09:00:00Z"}`},
		{"not in UTC", channel.Receipt{ProviderID: "SM1", At: at.In(time.FixedZone("x", 3600))}, `{"providerId":"SM1","duplicate":false,"at":"2026-03-02T10:00:00+01:00"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, string(encodeReceipt(&tt.rc)))
			ev := resultEvent{Attempt: 1, Key: "k", Receipt: tt.rc, Status: channel.StatusDelivered}
			require.Equal(t, `{"attempt":1,"error":"","key":"k","receipt":`+tt.want+`,"status":"delivered"}`, string(encodeResult(&ev)))
		})
	}
}

// TestReceiptInTheOlderForm: a receipt stored before its keys were
// camelCase ({"ProviderID":...}) still reads, as one stored now does.
func TestReceiptInTheOlderForm(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	want := channel.Receipt{ProviderID: "SM1", Duplicate: true, At: at}
	for _, stored := range []string{
		`{"ProviderID":"SM1","Duplicate":true,"At":"2026-03-02T09:00:00Z"}`,
		`{"providerId":"SM1","duplicate":true,"at":"2026-03-02T09:00:00Z"}`,
		string(encodeReceipt(&want)),
	} {
		e, _, err := entryOf(store.OutboxEntry{ID: "m1", IdempotencyKey: "k", Channel: "email", Status: store.OutboxDelivered, Receipt: []byte(stored)})
		require.NoError(t, err, stored)
		require.Equal(t, want, e.Receipt, stored)
	}
}

// TestQueuedEventLikeEncodingJSON holds the message.queued event's
// encoding to encoding/json.
func TestQueuedEventLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 5000 {
		pieces := [][]string{payloadPieces, plainPieces}[i%2]
		ev := queuedEvent{Channel: randomPayloadString(r, pieces), Journey: randomPayloadString(r, pieces), Key: randomPayloadString(r, pieces),
			Template: randomPayloadString(r, pieces), To: randomPayloadString(r, pieces)}
		want, err := json.Marshal(ev)
		require.NoError(t, err)
		require.Equal(t, string(want), string(ev.appendJSON(nil)))
	}
}

// BenchmarkPayload encodes and decodes a journey email's payload (as the
// engine queues it: no rendered parts, a render reference) by hand and by
// encoding/json, in the same run.
func BenchmarkPayload(b *testing.B) {
	q := queuedMessage{Message: channel.Message{Template: "welcome-economic-buyer", To: "ann.example@acme-industries.com"},
		Render: &renderRef{Journey: "crm-nurture", Node: "intro-email", Group: "acme-crm", Interest: "crm", Role: "Economic Buyer"}}
	data := encodePayload(&q)
	b.Run("encode/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode/by-hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodePayload(&q)
		}
	})
	b.Run("decode/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var d queuedMessage
			if err := json.Unmarshal(data, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/by-hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var d queuedMessage
			if !decodePayload(data, &d) {
				b.Fatal("not decoded")
			}
		}
	})
}

// TestDecisionEventsLikeEncodingJSON holds the data of a journey
// decision's event to json.Marshal of the decision, HTML escaping
// included.
func TestDecisionEventsLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, d := range []journey.Decision{
		{At: at, Kind: journey.DecisionSend, Journey: "j", Node: "n", Person: "p", Reason: `email "welcome"`, Key: "k"},
		{At: at, Kind: journey.DecisionPath, Rule: "r", Expr: `score > 3 && stage != "Won"`, Values: []journey.Value{{Name: "a<b", Value: "<i>&amp;</i>"}}},
		{At: at.In(time.FixedZone("x", 3600)), Kind: journey.DecisionSkip, Reason: "a > b \u2028 \u003c"},
		{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Kind: journey.DecisionSkip},
	} {
		want, wantErr := json.Marshal(d)
		got, err := decisionJSON(d)
		if wantErr != nil {
			require.Error(t, err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
}

// TestAppliedTallyLikeEncodingJSON holds the activity.applied event's
// encoding to encoding/json: counts, types and message keys of every
// kind of text, maps empty and nil, a type with no message list.
func TestAppliedTallyLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 5000 {
		pieces := [][]string{payloadPieces, plainPieces}[i%2]
		tally := appliedTally{Count: r.IntN(1000) - 10}
		if i%7 != 0 {
			tally.ByType = map[string]int{}
			for range r.IntN(6) {
				tally.ByType[randomPayloadString(r, pieces)] = r.IntN(100)
			}
		}
		if i%3 != 0 {
			tally.Messages = map[string][]string{}
			for range r.IntN(4) {
				var keys []string
				if r.IntN(5) > 0 {
					keys = []string{}
					for range r.IntN(4) {
						keys = append(keys, randomPayloadString(r, pieces))
					}
				}
				tally.Messages[randomPayloadString(r, pieces)] = keys
			}
		}
		want, err := json.Marshal(&tally)
		require.NoError(t, err)
		require.Equal(t, string(want), string(tally.appendJSON(nil)), "%#v", tally)
	}
}
