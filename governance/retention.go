package governance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// A RetentionRule expires activities of some types once they are older than
// MaxAge.
type RetentionRule struct {
	Name string `json:"name" yaml:"name"`
	// Types are the activity types the rule covers; empty covers all.
	Types  []b2b.ActivityType `json:"types" yaml:"types"`
	MaxAge time.Duration      `json:"maxAge" yaml:"maxAge"`
}

// A RetentionPolicy is an ordered list of rules; the first rule that covers
// an activity's type decides its fate, so put specific rules before a
// catch-all, and name each type in one rule only (Validate reports a type
// a later rule names again, and a catch-all before other rules). An
// activity no rule covers is kept.
//
//	RetentionPolicy{Rules: []RetentionRule{
//		{Name: "web visits", Types: []string{"visit_web_page"}, MaxAge: 90 * 24 * time.Hour},
//		{Name: "everything else", MaxAge: 2 * 365 * 24 * time.Hour},
//	}}
type RetentionPolicy struct {
	Rules []RetentionRule `json:"rules" yaml:"rules"`
}

// Validate reports every problem with the policy.
func (p RetentionPolicy) Validate() error {
	var ps b2b.Problems
	covered := map[b2b.ActivityType]int{} // the first rule of each type
	for i, r := range p.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if strings.TrimSpace(r.Name) == "" {
			ps.Addf(path+".name", "is required")
		}
		if r.MaxAge <= 0 {
			ps.Addf(path+".maxAge", "must be positive, got %s", r.MaxAge)
		}
		for j, t := range r.Types {
			if !b2b.ValidActivityType(t) {
				ps.Addf(fmt.Sprintf("%s.types[%d]", path, j), "%q is not an activity type", t)
			}
			if k, ok := covered[t]; ok && k != i {
				ps.Addf(fmt.Sprintf("%s.types[%d]", path, j), "%q is covered by rules[%d] (%q), which comes first: this rule never applies to it", t, k, p.Rules[k].Name)
			} else if !ok {
				covered[t] = i
			}
		}
		if len(r.Types) == 0 && i < len(p.Rules)-1 {
			ps.Addf(path+".types", "a catch-all rule (no types) must come last: the rules after it never apply")
		}
	}
	return ps.Err("retention policy")
}

// An Expiry is an activity to delete, with the rule that expired it.
type Expiry struct {
	Activity b2b.ActivityID
	Person   b2b.PersonID
	Type     b2b.ActivityType
	Rule     string
	Age      time.Duration
	MaxAge   time.Duration
}

// String explains the expiry with the activity's age rounded to the hour,
// or to the minute or second when the hour would not show it older than
// its rule keeps (exact when none does).
func (e Expiry) String() string {
	age := e.Age
	for _, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if r := e.Age.Round(unit); r > e.MaxAge {
			age = r
			break
		}
	}
	return fmt.Sprintf("activity %q (%s) is %s old; rule %q keeps %s", e.Activity, e.Type, age, e.Rule, e.MaxAge)
}

// Expire splits activities into those to keep and those older than their
// rule allows at now. Activities keep their order in both results. The
// policy must be valid.
func (p RetentionPolicy) Expire(acts []b2b.Activity, now time.Time) (keep []b2b.Activity, expired []Expiry) {
	for _, a := range acts {
		i := slices.IndexFunc(p.Rules, func(r RetentionRule) bool {
			return len(r.Types) == 0 || slices.Contains(r.Types, a.Type)
		})
		if i < 0 {
			keep = append(keep, a)
			continue
		}
		r := p.Rules[i]
		if age := now.Sub(a.Time); age > r.MaxAge {
			expired = append(expired, Expiry{Activity: a.ID, Person: a.Person, Type: a.Type, Rule: r.Name, Age: age, MaxAge: r.MaxAge})
			continue
		}
		keep = append(keep, a)
	}
	return keep, expired
}
