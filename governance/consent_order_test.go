package governance_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
)

// TestResolveDoesNotDependOnOrder: statements that the rule cannot tell
// apart (same status, instant and source) but that differ otherwise (their
// reference, the zone their time was written in) give the same decision,
// winner and reason in whatever order they come, so that a replay of the
// same statements in another order decides the same.
func TestResolveDoesNotDependOnOrder(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	email := func(status b2b.ConsentStatus, source, ref string, at time.Time) governance.Statement {
		return governance.Statement{Person: "p-1", Channel: b2b.ChannelEmail, Status: status, Source: source, At: at, Ref: ref}
	}
	for _, tc := range []struct {
		name  string
		stmts []governance.Statement
	}{
		{"the same statement from two activities", []governance.Statement{
			email(b2b.ConsentOptOut, "marketo", "act-2", t0), email(b2b.ConsentOptOut, "marketo", "act-1", t0)}},
		{"the same instant written in two zones", []governance.Statement{
			email(b2b.ConsentOptOut, "marketo", "act-1", t0.In(paris)), email(b2b.ConsentOptOut, "marketo", "act-1", t0)}},
		{"an opt-in beside them", []governance.Statement{
			email(b2b.ConsentOptIn, "salesforce", "rec-1", t0.Add(time.Hour)),
			email(b2b.ConsentOptOut, "marketo", "act-1", t0.In(paris)), email(b2b.ConsentOptOut, "marketo", "act-2", t0)}},
		{"statements dated ahead", []governance.Statement{
			email(b2b.ConsentOptIn, "salesforce", "rec-2", t0.Add(72*time.Hour)),
			email(b2b.ConsentOptIn, "salesforce", "rec-1", t0.Add(72*time.Hour).In(paris)),
			email(b2b.ConsentOptIn, "salesforce", "rec-1", t0.Add(72*time.Hour))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := t0.Add(48 * time.Hour)
			want := governance.Resolve(tc.stmts, now, governance.ConsentRules{})
			n := len(tc.stmts)
			for rot := 1; rot < 2*n; rot++ {
				ss := make([]governance.Statement, n)
				for i := range ss {
					if rot < n {
						ss[i] = tc.stmts[(i+rot)%n]
					} else {
						ss[i] = tc.stmts[(n-1-i+rot)%n]
					}
				}
				got := governance.Resolve(ss, now, governance.ConsentRules{})
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("order %d: decision (-first +now):\n%s", rot, d)
				}
			}
		})
	}
}
