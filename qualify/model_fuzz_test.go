package qualify_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/quorumhq/quorum/qualify"
)

// FuzzModelFromJSON loads arbitrary bytes: never a panic, and a model that
// loads gives probabilities in [0, 1] and survives a round trip.
func FuzzModelFromJSON(f *testing.F) {
	good, err := json.Marshal(rExplainModel())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"intercept":0,"terms":[{"feature":"score","mean":0,"scale":1,"weight":1e308}]}`))
	f.Add([]byte(`{"version":1,"terms":[{"feature":"industry","category":"","scale":1}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"version":1,"intercept":1e999}`))
	f.Add([]byte("{\"version\":1,\n\"terms\":[{\"feature\":\"score\",\"wieght\":1,\"x\\\"\":[{}]}]}"))
	f.Add([]byte(`{"terms":[{"feature":"score","scale":1},{"feature":"score","scale":"x"}]}`))
	f.Add([]byte(`{"evaluation":{"calibration":[{"lo":0},{"count":-1.5}]},"training":{"seed":-1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := qualify.ModelFromJSON(data)
		if err != nil {
			// A value in a list is named with its index.
			for _, list := range []string{"model: terms.", "model: evaluation.calibration."} {
				if strings.HasPrefix(err.Error(), list) {
					t.Fatalf("a path without its index: %v", err)
				}
			}
			return
		}
		for _, feat := range []qualify.Features{{}, {Completeness: 1, Score: 1e6, DaysSinceLastActivity: math.Inf(1), Industry: "Software", Employees: 1 << 30}} {
			p := m.Probability(feat)
			if !(p >= 0 && p <= 1) {
				t.Fatalf("probability %v", p)
			}
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := qualify.ModelFromJSON(out); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}
