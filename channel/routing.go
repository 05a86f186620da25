package channel

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/rules"
)

// Route targets: who a routing rule sends an alert to. Any other target must
// be an email address (a named user or a team's queue).
const (
	TargetOwner      = "owner"      // the account owner, by Routing.Owners or as an address
	TargetTerritory  = "territory"  // the account's territory, by Routing.Territories
	TargetSpecialist = "specialist" // the solution interest's specialist, by Routing.Specialists
	TargetQueue      = "queue"      // Routing.FallbackQueue
)

// A RouteRule sends alerts for which When holds to a target. An empty When
// always holds. Its Name, unique among the rules, is what a Route names as
// the rule that matched.
type RouteRule struct {
	Name string     `json:"name" yaml:"name"`
	When rules.Rule `json:"when" yaml:"when"`
	To   string     `json:"to" yaml:"to"`
}

// Routing decides who receives each alert. Rules are tried in order; the
// first whose condition holds and whose target resolves to an address wins.
// A rule whose target does not resolve (an account without owner, a
// territory without a team) is skipped, with the skip in the route's reason.
// When no rule routes the alert it goes to FallbackQueue. Without rules the
// order is: owner, territory, specialist, queue.
type Routing struct {
	Rules []RouteRule `json:"rules" yaml:"rules"`
	// Owners maps an account owner (a CRM user ID or name) to an address;
	// an owner that is itself an email address needs no entry.
	Owners map[string]string `json:"owners" yaml:"owners"`
	// Territories maps a territory to its team's address.
	Territories map[string]string `json:"territories" yaml:"territories"`
	// Specialists maps a solution interest ID to its specialist's address.
	Specialists map[string]string `json:"specialists" yaml:"specialists"`
	// FallbackQueue receives what no rule routes. Required.
	FallbackQueue string `json:"fallbackQueue" yaml:"fallbackQueue"`
}

// A Route is where an alert went and why.
type Route struct {
	To     string // the recipient's address
	Target string // owner, territory, specialist, queue or the address
	Rule   string // the routing rule that matched ("" for the fallback)
	Reason string
}

type router struct {
	cfg   Routing
	rules []compiledRoute
}

type compiledRoute struct {
	RouteRule
	when *rules.Expr[AlertEnv, bool]
}

var defaultRoutes = []RouteRule{{Name: "owner", To: TargetOwner}, {Name: "territory", To: TargetTerritory}, {Name: "specialist", To: TargetSpecialist}}

func newRouter(cfg Routing, eng rules.Engine) (*router, error) {
	var ps b2b.Problems
	switch {
	case cfg.FallbackQueue == "":
		ps.Addf("fallbackQueue", "is required (every alert needs somewhere to go)")
	case !b2b.ValidEmail(cfg.FallbackQueue):
		ps.Addf("fallbackQueue", "%q is not an email address (every alert needs somewhere to go)", cfg.FallbackQueue)
	}
	for _, dir := range []struct {
		name string
		m    map[string]string
	}{{"owners", cfg.Owners}, {"territories", cfg.Territories}, {"specialists", cfg.Specialists}} {
		for _, k := range slices.Sorted(maps.Keys(dir.m)) {
			if !b2b.ValidEmail(dir.m[k]) {
				ps.Addf(fmt.Sprintf("%s[%q]", dir.name, k), "%q is not an email address", dir.m[k])
			}
		}
	}
	rs := cfg.Rules
	if len(rs) == 0 {
		rs = defaultRoutes
	}
	// The router keeps copies: the caller's later changes must not bypass
	// the checks (the rules are compiled into rt.rules).
	cfg.Rules = nil
	cfg.Owners, cfg.Territories, cfg.Specialists = maps.Clone(cfg.Owners), maps.Clone(cfg.Territories), maps.Clone(cfg.Specialists)
	rt := &router{cfg: cfg}
	seen := make(map[string]bool, len(rs))
	for i, r := range rs {
		path := fmt.Sprintf("rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			ps.Addf(path+".name", "is required")
		case seen[r.Name]:
			ps.Addf(path+".name", "duplicate rule %q (a route names the rule that matched)", r.Name)
		}
		seen[r.Name] = true
		switch r.To {
		case TargetOwner, TargetTerritory, TargetSpecialist, TargetQueue:
		default:
			if !b2b.ValidEmail(r.To) {
				ps.Addf(path+".to", "%q is neither owner, territory, specialist, queue nor an email address", r.To)
			}
		}
		cr := compiledRoute{RouteRule: r}
		if strings.TrimSpace(r.When.Source) != "" {
			when := r.When
			if when.Name == "" {
				when.Name = r.Name
			}
			x, err := rules.Compile[AlertEnv, bool](eng, when)
			ps.Add(path+".when", err)
			cr.when = x
		}
		rt.rules = append(rt.rules, cr)
	}
	return rt, ps.Err("routing")
}

func (rt *router) route(env *AlertEnv) (Route, error) {
	var skipped []string
	for _, r := range rt.rules {
		if r.when != nil {
			ok, err := r.when.Eval(env)
			if err != nil {
				return Route{}, err
			}
			if !ok {
				continue
			}
		}
		to, who, why := rt.resolve(r.To, env)
		cond := "always"
		if r.when != nil {
			cond = r.When.Source
		}
		if to == "" {
			skipped = append(skipped, fmt.Sprintf("rule %q (%s) matched but %s", r.Name, cond, why))
			continue
		}
		reason := fmt.Sprintf("rule %q (%s) matched: %s %s", r.Name, cond, who, to)
		if len(skipped) > 0 {
			reason += "; before it, " + strings.Join(skipped, "; ")
		}
		return Route{To: to, Target: r.To, Rule: r.Name, Reason: reason}, nil
	}
	reason := "no routing rule matched: fallback queue " + rt.cfg.FallbackQueue
	if len(skipped) > 0 {
		reason = "no routing rule resolved (" + strings.Join(skipped, "; ") + "): fallback queue " + rt.cfg.FallbackQueue
	}
	return Route{To: rt.cfg.FallbackQueue, Target: TargetQueue, Reason: reason}, nil
}

// resolve finds the address of a target: the address, a description of who
// it is, or "" and why not.
func (rt *router) resolve(target string, env *AlertEnv) (string, string, string) {
	switch target {
	case TargetOwner:
		owner := env.Account.Owner
		switch {
		case owner == "":
			return "", "", fmt.Sprintf("account %q has no owner", env.Account.ID)
		case rt.cfg.Owners[owner] != "":
			return rt.cfg.Owners[owner], fmt.Sprintf("account owner %s is", owner), ""
		case b2b.ValidEmail(owner):
			return owner, "account owner", ""
		}
		return "", "", fmt.Sprintf("account owner %q has no address in owners", owner)
	case TargetTerritory:
		t := env.Account.Territory
		if t == "" {
			return "", "", fmt.Sprintf("account %q has no territory", env.Account.ID)
		}
		if a := rt.cfg.Territories[t]; a != "" {
			return a, fmt.Sprintf("territory %s team", t), ""
		}
		return "", "", fmt.Sprintf("territory %q has no team in territories", t)
	case TargetSpecialist:
		si := env.Group.SolutionInterest
		if a := rt.cfg.Specialists[si]; a != "" {
			return a, fmt.Sprintf("specialist for %s", si), ""
		}
		return "", "", fmt.Sprintf("solution interest %q has no specialist", si)
	case TargetQueue:
		return rt.cfg.FallbackQueue, "queue", ""
	}
	return target, "user", ""
}
