package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/scoring"
)

// TestScoringModelChangedRulesKeepWhatTheyScored: a program installed
// with a scoring model of the same name whose rules changed (one added
// ahead of a capped rule, or the rule ahead of it removed) scores what
// comes next by the new rules and keeps what it scored before as it was
// scored: the page visits of the day still fill their cap, and the
// breakdown names them under their rule. On a store that keeps states
// as values and on one that keeps them encoded.
func TestScoringModelChangedRulesKeepWhatTheyScored(t *testing.T) {
	t.Parallel()
	visit := scoring.Rule{Name: "page visit", Types: []string{b2b.ActivityVisitWebPage}, Points: 1, Cap: scoring.Cap{Max: 5, Period: scoring.PeriodDay}}
	webinar := scoring.Rule{Name: "webinar", Types: []string{b2b.ActivityAttendEvent}, Points: 30}
	defs := func(rules ...scoring.Rule) program.Definitions {
		d := dataPlatform()
		d.Scoring = []scoring.Model{{Name: "engagement", Rules: rules}}
		return d
	}
	at := day0.Add(-2 * time.Hour)
	for _, tc := range []struct {
		name          string
		before, after []scoring.Rule
		webinar       bool // a webinar is scored before the change
		wantScore     float64
		wantRules     []string
	}{
		{name: "a rule added ahead", before: []scoring.Rule{visit}, after: []scoring.Rule{webinar, visit},
			wantScore: 5, wantRules: []string{"page visit"}},
		{name: "the rule ahead removed", before: []scoring.Rule{webinar, visit}, after: []scoring.Rule{visit}, webinar: true,
			wantScore: 35, wantRules: []string{"page visit", fmt.Sprintf("rule #%08x (no longer in model %q)", scoring.RuleKey("webinar"), "engagement")}},
	} {
		for _, ss := range stateStores {
			t.Run(tc.name+"/"+ss.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, defs(tc.before...), func(c *engine.Config) { c.Store = ss.store() })
				setupAcme(t, b)
				if tc.webinar {
					ingest(t, b, activity("w", b2b.ActivityAttendEvent, "L-2", at.Add(-time.Hour), nil))
				}
				for i := range 5 {
					ingest(t, b, activity(fmt.Sprintf("v%d", i), b2b.ActivityVisitWebPage, "L-2", at.Add(time.Duration(i)*time.Minute), nil))
				}
				p, err := program.Compile(defs(tc.after...), program.Options{})
				require.NoError(t, err)
				require.NoError(t, b.eng.Install(p))
				ingest(t, b, activity("v5", b2b.ActivityVisitWebPage, "L-2", at.Add(10*time.Minute), nil))
				v, err := b.eng.Account(b.ctx, "acme", day0)
				require.NoError(t, err)
				found := false
				for _, pv := range v.Persons {
					if pv.Person.Email != "victor@acme.com" {
						continue
					}
					found = true
					require.InDelta(t, tc.wantScore, pv.Score, 1e-9, "at most 5 page visits a day count:\n%s", pv.Breakdown.String())
					var rules []string
					for _, l := range pv.Breakdown.Rules {
						rules = append(rules, l.Rule)
					}
					require.Equal(t, tc.wantRules, rules, "%s", pv.Breakdown.String())
					require.Equal(t, 5, pv.Breakdown.Rules[0].Count)
				}
				require.True(t, found)
			})
		}
	}
}
