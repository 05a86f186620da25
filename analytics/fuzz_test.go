package analytics_test

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/quorumhq/quorum/analytics"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// FuzzAdd feeds arbitrary types, payloads, accounts and times after a
// valid log: Add never panics, the report of whatever it accepted always
// encodes as JSON (no NaN or infinity) and as text, and no e-mail rate
// exceeds 100%.
func FuzzAdd(f *testing.F) {
	for _, ev := range goldenLog() {
		f.Add(ev.Type, ev.Data, string(ev.Account), int64(ev.Time.Sub(day0)/time.Hour))
	}
	f.Add("group.updated", []byte(`{"group":"g","completeness":1e308,"score":-1e308}`), "a", int64(1))
	f.Add("group.updated", []byte(`{"group":"g","completeness":0.99999999999,"score":1e15}`), "a", int64(-1e6))
	f.Add("activity.applied", []byte(`{"byType":{"open_email":9223372036854775807}}`), "a", int64(3))
	f.Add("activity.applied", []byte(`{"count":3,"byType":{"open_email":3,"click_email":1},"messages":{"open_email":["k-acme-1","k-globex-1","k-acme-1"],"click_email":["k-globex-1"]}}`), "acme", int64(30))
	f.Add("activity.applied", []byte(`{"byType":{"open_email":1},"messages":{"open_email":["k-acme-1","k-acme-1"]}}`), "acme", int64(30))
	f.Add("activity.applied", []byte(`{"byType":{"click_email":1},"messages":{"click_email":[""],"open_email":null}}`), "acme", int64(30))
	f.Add("activity.applied", []byte(`{"byType":{"open_email":1},"messages":{"open_email":"k-acme-1"}}`), "acme", int64(30))
	f.Add("qualify.rate", []byte(`{"persons":9223372036854775807,"qualified":9223372036854775807}`), "a", int64(3))
	f.Add("journey.ended", []byte(`{"journey":"nurture","version":1,"entry":1,"completed":true}`), "acme", int64(-100))
	f.Add("alert.acted_on", []byte(`{"id":"al-2"}`), "acme", int64(1e9))
	f.Add("message.delivered", []byte(`[]`), "", int64(0))
	f.Add("buyinggroup.stage_changed", []byte(`{"type":"stage_changed","group":"acme/dp","to":"Sales Ready"}`), "acme", int64(0))
	f.Add("account.merged", []byte(`{"into":"globex"}`), "acme", int64(24))
	f.Add("account.merged", []byte(`{"into":""}`), "acme", int64(0))
	f.Add("opportunity.moved", []byte(`{"id":"006A","to":"globex"}`), "acme", int64(24))
	f.Add("opportunity.moved", []byte(`{"id":"006G","to":"acme"}`), "globex", int64(-24))
	f.Fuzz(func(t *testing.T, typ string, data []byte, account string, hours int64) {
		c, err := analytics.New(analytics.Config{})
		if err != nil {
			t.Fatal(err)
		}
		log := goldenLog()
		for _, ev := range log {
			if err := c.Add(ev); err != nil {
				t.Fatal(err)
			}
		}
		at := day0.Add(time.Duration(hours%(24*365*100)) * time.Hour)
		for i := range 2 { // twice: duplicates of any kind are harmless
			_ = c.Add(store.Event{Seq: int64(len(log) + 1 + i), Account: b2b.AccountID(account), Time: at, Type: typ, Data: data})
		}
		for _, p := range []analytics.Period{{}, {To: at}, {From: day(3)}} {
			r, err := c.Report(p)
			if err != nil {
				continue // a period before From
			}
			r.CompareTruth(analytics.GroundTruth{"acme": {"data-platform": true}, analytics.AnyInterest: {"": true}})
			for _, x := range []analytics.Ratio{r.Email.OpenRate, r.Email.ClickRate} {
				if x.Numerator > x.Denominator {
					t.Fatalf("e-mail rate %d / %d", x.Numerator, x.Denominator)
				}
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("json: %v", err)
			}
			if err := r.WriteText(io.Discard); err != nil {
				t.Fatalf("text: %v", err)
			}
		}
	})
}
