package engine

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
)

// TestRedactFindsWhatPlanErasureFinds: an erasure redacts from the events
// and queued messages of others a full name in Chinese, Japanese or Korean
// written as those languages write it (run together, with an honorific or
// a suffix attached, family name first), as governance.PlanErasure finds
// it in a message; a name in another script stays matched as whole words,
// and an address or phone that persons who are not the same share is
// nobody's to redact.
func TestRedactFindsWhatPlanErasureFinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		person b2b.Person
		text   string
		want   string // the text redacted; "" when left as it is
	}{
		{"Japanese, run together with an honorific", b2b.Person{FirstName: "太郎", LastName: "山田"},
			"山田太郎様がウェビナーに参加しました", "(erased)様がウェビナーに参加しました"},
		{"Japanese, family name first, apart by a space", b2b.Person{FirstName: "太郎", LastName: "山田"},
			"担当: 山田 太郎さん", "担当: (erased)さん"},
		{"Katakana with a middle dot", b2b.Person{FirstName: "ジョン", LastName: "スミス"},
			"ジョン・スミス様", "(erased)様"},
		{"Korean with its suffix", b2b.Person{FirstName: "민준", LastName: "김"},
			"김민준님이 방문했습니다", "(erased)님이 방문했습니다"},
		{"Chinese", b2b.Person{FirstName: "伟", LastName: "王"},
			"王伟先生下载了白皮书", "(erased)先生下载了白皮书"},
		{"Latin names stay whole words", b2b.Person{FirstName: "Mary", LastName: "Smith"},
			"Mary Smith-Jones joined", ""},
		{"Latin name as a word", b2b.Person{FirstName: "Mary", LastName: "Smith"},
			"Mary Smith joined", "(erased) joined"},
		{"a placeholder address is nobody's", b2b.Person{Email: "noreply@acme.com"},
			"reply to noreply@acme.com", ""},
		{"a placeholder phone is nobody's", b2b.Person{Phone: "000-000-0000"},
			"call 000-000-0000", ""},
		{"a phone of 7 digits is the person's", b2b.Person{Phone: "555-0199"},
			"call 555-0199", "call (erased)"},
		{"a phone written with 00, in its E.164 form", b2b.Person{Phone: "0044 20 7946 0958"},
			"SMS to +442079460958 failed", "SMS to (erased) failed"},
		{"a phone written with blanks, in its E.164 form", b2b.Person{Phone: "+44 20 7946 0958"},
			"SMS to +442079460958 failed", "SMS to (erased) failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.person
			p.ID = "p-1"
			msg := channel.Message{Key: "m", Channel: channel.ChannelSalesAlert, To: "rep@seller.com", Subject: "alert", Text: tc.text}
			plan := governance.PlanErasure(governance.ErasureRequest{Person: p.ID, Emails: []string{p.Email}, Phones: []string{p.Phone}},
				governance.Inventory{Persons: []b2b.Person{p}, Outbox: []channel.Entry{{ID: "o-1", Message: msg}}})
			// The engine redacts what PlanErasure finds, and only that.
			require.Equal(t, tc.want != "", len(plan.Outbox) == 1, "PlanErasure: %v", plan.Outbox)

			er := &erasure{persons: []b2b.PersonID{p.ID}}
			er.addPersonData(&p)
			data, err := json.Marshal(map[string]any{"text": tc.text})
			require.NoError(t, err)
			got, changed, err := redact(data, er)
			require.NoError(t, err)
			require.Equal(t, tc.want != "", changed)
			if tc.want == "" {
				require.Equal(t, string(data), string(got))
				return
			}
			require.True(t, er.mentioned(data))
			var out map[string]string
			require.NoError(t, json.Unmarshal(got, &out))
			require.Equal(t, tc.want, out["text"])
		})
	}
}
