package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

func TestProbeViewTimes(t *testing.T) {
	b := setup(t, pipelineProgram())
	setupAcme(t, b)
	b.clock.Set(day(3))
	_, err := b.eng.Ingest(b.ctx, activity("d", b2b.ActivityRequestDemo, "L-2", day(3), nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{{}, day0, day(2), day(3), day(4), day(400)} {
		v, err := b.eng.Account(b.ctx, "acme", at)
		fmt.Println(at, err)
		for _, p := range v.Persons {
			if p.Person.ID == "marketo:L-2" {
				fmt.Println("  person", p.Score, p.Breakdown.Score, len(p.Breakdown.Activities))
			}
		}
		fmt.Println("  group", v.Groups[0].Score.Score, v.Groups[0].Velocity, v.At)
	}
}
