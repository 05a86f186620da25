package journey_test

import (
	"encoding/json"
	"testing"

	"github.com/quorumhq/quorum/journey"
)

// FuzzCompile feeds arbitrary JSON definitions to Compile: it must never
// panic, and a journey that compiles must step without panicking.
func FuzzCompile(f *testing.F) {
	for _, j := range []journey.Journey{pipelineAcceleration(), listenJourney(), dripJourney("d", journey.Days(1), 2), benchJourney()} {
		b, err := json.Marshal(j)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","nodes":[{"id":"a","kind":"wait","wait":{"for":"1d","next":"a"}}]}`))
	f.Add([]byte(`{"id":"x","nodes":[{"id":"a","kind":"split","split":{"paths":[{"when":"group.score >","next":"a"}],"else":"a"}}]}`))
	f.Add([]byte(`{"id":"x","start":"zz","nodes":[]}`))
	// A parallel node with a merge but no branch.
	f.Add([]byte(`{"id":"x","nodes":[{"id":"fork","kind":"parallel","parallel":{"solutionInterests":["dp"],"merge":"join"}},` +
		`{"id":"join","kind":"merge","merge":{"next":"done"}},{"id":"done","kind":"end","end":{}}]}`))
	cfg := journey.Config{Roles: standardRoles}
	f.Fuzz(func(t *testing.T, data []byte) {
		var j journey.Journey
		if json.Unmarshal(data, &j) != nil {
			return
		}
		cat, err := journey.NewCatalog(cfg)
		if err != nil {
			t.Fatal(err)
		}
		cat, _, err = cat.Publish(j)
		if err != nil {
			return
		}
		var st journey.State
		view := acmeView()
		res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual(j.ID, day0)})
		for i := 0; i < 5 && !res.Due.IsZero(); i++ {
			res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
		}
	})
}

// FuzzParseDuration checks that durations never panic and round-trip.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"5d", "36h", "1d12h", "90m", "", "d", "-1d", "99999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := journey.ParseDuration(s)
		if err != nil {
			return
		}
		back, err := journey.ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("%q -> %v -> %q -> %v (%v)", s, d, d.String(), back, err)
		}
	})
}
