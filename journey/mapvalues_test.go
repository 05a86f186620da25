package journey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/journey"
)

// A condition that reads a map (custom attributes, a person's consent)
// shows in the trace the element it read, as it shows every other field:
// by dot, by index or through attr and get. A key the map does not hold
// reads "missing". The trace used to leave such reads out.
func TestTraceShowsTheMapElementsAConditionRead(t *testing.T) {
	t.Parallel()
	j := linear("maps",
		journey.Node{ID: "which", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
			{Name: "gold", When: `group.attributes.tier == "gold" && group.score > 10`, Next: "gold"},
			{Name: "seats", When: `attr(account.attributes, "seats", 0) >= 50`, Next: "gold"},
			{Name: "region", When: `account.attributes["region"] == "EU" || get(account.attributes, "plan") == "pro"`, Next: "gold"},
			{Name: "odd key", When: `account?.attributes?.["annual plan"] == "yes"`, Next: "gold"},
		}, Else: "other"}},
		end("gold", "gold"), end("other", "other"))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Groups[0].Attributes = map[string]any{"tier": "silver"}
	view.Account.Attributes = map[string]any{"seats": 40, "region": "NA", "annual plan": false}
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("maps", day0)})
	paths := decisions(res.Trace, journey.DecisionPath)
	require.Len(t, paths, 1)
	var got [][]journey.Value
	for _, p := range paths[0].Tried {
		got = append(got, p.Values)
	}
	want := [][]journey.Value{
		{{Name: "group.attributes.tier", Value: `"silver"`}, {Name: "group.score", Value: "0"}},
		{{Name: "account.attributes.seats", Value: "40"}},
		{{Name: "account.attributes.region", Value: `"NA"`}, {Name: "account.attributes.plan", Value: "missing"}},
		{{Name: `account.attributes["annual plan"]`, Value: "false"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

// A recipient condition that reads a person's consent or attributes
// shows what it read in the trace of a dry run.
func TestTraceShowsThePersonMapElementsAConditionRead(t *testing.T) {
	t.Parallel()
	j := linear("person-maps",
		email("mail", "intro", "done", &journey.Recipients{When: `person.consent.email.status == "opt-in" && attr(person.attributes, "lang", "en") == "de"`}),
		end("done", ""))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Persons[0].Person.Consent = map[b2b.Channel]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn}}
	view.Persons[0].Person.Attributes = map[string]any{"lang": "fr"}
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("person-maps", day0), DryRun: true})
	var got []journey.Value
	for _, d := range decisions(res.Trace, journey.DecisionNotSelected) {
		if d.Person == "p-cfo" {
			got = d.Values
		}
	}
	want := []journey.Value{{Name: "person.consent.email.status", Value: `"opt-in"`}, {Name: "person.attributes.lang", Value: `"fr"`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

// A member written with spaces around its dot is the member, not a name
// of the environment: "group . score" in a person condition reads the
// group's score, not the person's.
func TestTraceMemberWithSpacesIsNotAName(t *testing.T) {
	t.Parallel()
	j := linear("spaced",
		email("mail", "intro", "done", &journey.Recipients{When: `group . score > 1000`}),
		end("done", ""))
	cat := newCatalog(t, journey.Config{}, j)
	view := acmeView()
	view.Groups[0].Score = 7
	setScore(view, "p-cfo", 99)
	var st journey.State
	res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("spaced", day0), DryRun: true})
	for _, d := range decisions(res.Trace, journey.DecisionNotSelected) {
		require.Equal(t, []journey.Value{{Name: "group.score", Value: "7"}}, d.Values)
	}
}

// A key is read as the rules read it, whatever escapes its literal
// holds: the trace used to show no value for a key read through a
// literal with an escape Go's strings do not have (\u{e9}).
func TestTraceShowsMapElementsOfEscapedKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		when string
		want []journey.Value
	}{
		{`account.attributes["say \"hi\""] == "yes"`, []journey.Value{{Name: `account.attributes["say \"hi\""]`, Value: `"no"`}}},
		{`account?.attributes?.["say \"hi\""] == "yes"`, []journey.Value{{Name: `account.attributes["say \"hi\""]`, Value: `"no"`}}},
		{`account.attributes['it\'s'] == "yes"`, []journey.Value{{Name: `account.attributes["it's"]`, Value: `"no"`}}},
		{`attr(account.attributes, "say \"hi\"", "") == "yes"`, []journey.Value{{Name: `account.attributes["say \"hi\""]`, Value: `"no"`}}},
		{`get(account.attributes, 'say "hi"') == "yes"`, []journey.Value{{Name: `account.attributes["say \"hi\""]`, Value: `"no"`}}},
		{`account.attributes["caf\u{e9}"] == "yes"`, []journey.Value{{Name: `account.attributes["café"]`, Value: `"no"`}}},
		{`account.attributes["caf\u00e9"] == "yes"`, []journey.Value{{Name: `account.attributes["café"]`, Value: `"no"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.when, func(t *testing.T) {
			t.Parallel()
			j := linear("keys",
				journey.Node{ID: "which", Kind: journey.KindSplit, Split: &journey.Split{Paths: []journey.Path{
					{Name: "yes", When: tt.when, Next: "yes"},
				}, Else: "other"}},
				end("yes", "yes"), end("other", "other"))
			cat := newCatalog(t, journey.Config{}, j)
			view := acmeView()
			view.Account.Attributes = map[string]any{`say "hi"`: "no", "it's": "no", "café": "no"}
			var st journey.State
			res := cat.Step(&st, journey.Input{View: view, Now: day0, Events: manual("keys", day0)})
			paths := decisions(res.Trace, journey.DecisionPath)
			require.Len(t, paths, 1)
			require.Len(t, paths[0].Tried, 1)
			if diff := cmp.Diff(tt.want, paths[0].Tried[0].Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			require.Contains(t, paths[0].String(), tt.want[0].Name+"="+tt.want[0].Value)
		})
	}
}
