package persona_test

import (
	"testing"

	"github.com/quorumhq/quorum/persona"
)

// BenchmarkClassify classifies the labelled and held-out titles in turn and
// reports titles/s.
func BenchmarkClassify(b *testing.B) {
	var titles []string
	for _, f := range []string{"testdata/labelled-titles.csv", "testdata/heldout-titles.csv"} {
		for _, r := range readLabelled(b, f) {
			titles = append(titles, r.title)
		}
	}
	c := persona.Standard()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		_ = c.Classify(titles[n%len(titles)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "titles/s")
}
