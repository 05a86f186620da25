package journey_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/quorumhq/quorum/journey"
)

// FuzzCompile feeds arbitrary JSON definitions to Compile and to
// Journey.MainTrack: they must never panic, Compile for a program of one
// solution interest or of two (where a journey that compiles has no
// problem more than for one), and a journey that compiles must step
// without panicking, beside a live journey and a closed one it may go
// to and one that goes back to it at once, with a cap that defers its
// e-mails, and go round no cycle of go-tos without a wait; once
// aborted, it keeps no instance and no deferred message.
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
	// Actions and conditions on one buying group, on the main track and in
	// a parallel branch.
	f.Add([]byte(`{"id":"x","triggers":[{"type":"audience_entered","audience":"a","when":"group.score > 1"}],"nodes":[` +
		`{"id":"s","kind":"split","split":{"paths":[{"when":"group.score > 1","next":"fork"}],"else":"stage"}},` +
		`{"id":"stage","kind":"action","action":{"type":"change_stage","stage":"Decision","next":"fork"}},` +
		`{"id":"fork","kind":"parallel","parallel":{"branch":"alert","merge":"join"}},` +
		`{"id":"alert","kind":"action","action":{"type":"sales_alert","template":"t","next":"join"}},` +
		`{"id":"join","kind":"merge","merge":{"next":"done"}},{"id":"done","kind":"end","end":{}}]}`))
	// Conditions that read map elements by dot, index, attr and get.
	f.Add([]byte(`{"id":"x","nodes":[{"id":"s","kind":"split","split":{"paths":[` +
		`{"when":"group.attributes.tier == \"gold\" || account?.attributes?.[\"a b\"] == 1","next":"m"},` +
		`{"when":"attr(account.attributes, 'seats', 0) > 5 && get(group.attributes, \"x\") == nil","next":"m"}],"else":"m"}},` +
		`{"id":"m","kind":"action","action":{"type":"email","template":"t","recipients":{"when":"person.consent.email.status == \"opt-in\""},"next":"done"}},` +
		`{"id":"done","kind":"end","end":{}}]}`))
	// Go-tos to a journey that takes the account, to one that does not,
	// and to one that goes back at once.
	for _, to := range []string{"sub", "closed", "back"} {
		f.Add([]byte(`{"id":"x","nodes":[{"id":"m","kind":"action","action":{"type":"email","template":"t","next":"g"}},` +
			`{"id":"g","kind":"goto","goto":{"journey":"` + to + `"}}]}`))
	}
	// One that lets the account in again: the cycle through back would
	// go round.
	f.Add([]byte(`{"id":"x","reEntry":{"mode":"max","max":5},"nodes":[{"id":"m","kind":"action","action":{"type":"email","template":"t","next":"g"}},` +
		`{"id":"g","kind":"goto","goto":{"journey":"back"}}]}`))
	twoInterests := journey.Config{Roles: standardRoles, SolutionInterests: []string{"Data Platform", "Security"}}
	cfg := journey.Config{Roles: standardRoles, Caps: deferCap.Caps}
	base, err := journey.NewCatalog(cfg)
	if err != nil {
		f.Fatal(err)
	}
	// back goes to x at once: x's go-tos to it close a cycle unless
	// something waits on the way. It takes an account again and again.
	again := func(j journey.Journey) journey.Journey {
		j.ReEntry = journey.ReEntry{Mode: journey.ReEntryMax, Max: 1000}
		return j
	}
	for _, j := range []journey.Journey{linear("sub", wait("w", journey.Days(1), "end"), end("end", "")), linear("closed", end("end", "")),
		linear("x", end("end", "")), again(linear("back", goToNode("g", "x")))} {
		if base, _, err = base.Publish(j); err != nil {
			f.Fatal(err)
		}
	}
	if base, err = base.Close("closed"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var j journey.Journey
		if json.Unmarshal(data, &j) != nil {
			return
		}
		if main := j.MainTrack(); len(main) != len(j.Nodes) {
			t.Fatalf("MainTrack tells %d nodes of %d", len(main), len(j.Nodes))
		}
		if _, err := journey.Compile(j, twoInterests); err == nil {
			if _, err := journey.Compile(j, journey.Config{Roles: standardRoles}); err != nil {
				t.Fatalf("compiles for two solution interests, not for one: %v", err)
			}
		}
		cat, _, err := base.Publish(j)
		if err != nil {
			return
		}
		var st journey.State
		view := acmeView()
		res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual(j.ID, day0), Contacts: mailedYesterday()})
		stopped := st.Clone()
		for i := 0; ; i++ {
			// A published journey goes round no cycle of go-tos: only
			// a go-to enters back, which it enters once at a time.
			backAt := map[time.Time]bool{}
			for _, d := range res.Trace {
				if d.Kind == journey.DecisionEnter && d.Journey == "back" {
					if backAt[d.At] {
						t.Fatalf("a cycle of go-tos without a wait: back entered twice at %v", d.At)
					}
					backAt[d.At] = true
				}
			}
			if i == 5 || res.Due.IsZero() {
				break
			}
			res = cat.Step(&st, journey.Input{View: view, Now: res.Due})
		}
		// Aborted after its first step, the journey queues nothing more.
		if cat, err = cat.Abort(j.ID); err != nil {
			t.Fatalf("abort a live journey: %v", err)
		}
		res = cat.Step(&stopped, journey.Input{View: view, Now: day0.Add(time.Minute)})
		for i := 0; ; i++ {
			for _, e := range res.Outbox {
				if e.Journey == j.ID {
					t.Fatalf("the aborted journey queued %+v", e)
				}
			}
			if i == 5 || res.Due.IsZero() {
				break
			}
			res = cat.Step(&stopped, journey.Input{View: view, Now: res.Due})
		}
		for _, in := range stopped.Instances {
			if in.Journey == j.ID {
				t.Fatalf("an instance of the aborted journey runs: %+v", in)
			}
		}
		for _, d := range stopped.Deferred {
			if d.Entry.Journey == j.ID {
				t.Fatalf("a message of the aborted journey is still deferred: %+v", d)
			}
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
