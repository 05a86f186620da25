package journey

import (
	"fmt"
	"slices"
	"strings"
)

func (c *compiler) entry() {
	for i, t := range c.j.Triggers {
		p := fmt.Sprintf("triggers[%d]", i)
		ct := ctrigger{Trigger: t}
		switch t.Type {
		case TriggerAudience:
			if t.Audience == "" {
				c.ps.Addf(p+".audience", "is required")
			}
		case TriggerList:
			if t.List == "" && t.When == "" {
				c.ps.Addf(p, "a list trigger needs a list (static) or a condition (dynamic)")
			}
		case TriggerGroupCreated, TriggerManual:
		case TriggerAttributeChanged:
			if t.Attribute == "" {
				c.ps.Addf(p+".attribute", "is required")
			}
		case "":
			c.ps.Addf(p+".type", "is required (one of %s)", joinNames(TriggerTypes))
		default:
			c.ps.Addf(p+".type", "unknown trigger type %q (known: %s)", t.Type, joinNames(TriggerTypes))
		}
		c.unread(p, t)
		if t.When != "" {
			ct.when = c.cond(p+".when", fmt.Sprintf("trigger %d", i), t.When)
		}
		c.v.triggers = append(c.v.triggers, ct)
	}
	r := c.j.ReEntry
	switch r.Mode {
	case "", ReEntryNever:
	case ReEntryAfter:
		if r.After <= 0 {
			c.ps.Addf("reEntry.after", "must be positive")
		} else if why := tooLong(r.After); why != "" {
			c.ps.Addf("reEntry.after", "%s", why)
		}
	case ReEntryMax:
		if r.Max < 1 {
			c.ps.Addf("reEntry.max", "must be at least 1")
		}
	default:
		c.ps.Addf("reEntry.mode", "unknown re-entry mode %q (known: never, after, max)", r.Mode)
		return
	}
	// A setting the mode does not read is a policy written without its
	// mode (or with another): the journey would refuse or allow
	// re-entries other than its author meant, without a word.
	mode := cmpOr(string(r.Mode), string(ReEntryNever))
	if r.After != 0 && r.Mode != ReEntryAfter {
		c.ps.Addf("reEntry.after", "is read only with mode after (the mode is %s)", mode)
	}
	if r.FromExit && r.Mode != ReEntryAfter {
		c.ps.Addf("reEntry.fromExit", "is read only with mode after (the mode is %s)", mode)
	}
	if r.Max != 0 && r.Mode != ReEntryMax {
		c.ps.Addf("reEntry.max", "is read only with mode max (the mode is %s)", mode)
	}
}

// unread reports the settings of trigger t (at path p) that its type does
// not read: a trigger written with another type's setting (an audience on
// a group_created trigger) would let in accounts its author meant to keep
// out, without a word.
func (c *compiler) unread(p string, t Trigger) {
	if !slices.Contains(TriggerTypes, t.Type) {
		return // the type is the problem
	}
	for _, s := range []struct {
		field, value string
		by           TriggerType
	}{
		{"audience", t.Audience, TriggerAudience},
		{"list", t.List, TriggerList},
		{"attribute", t.Attribute, TriggerAttributeChanged},
		{"to", t.To, TriggerAttributeChanged},
	} {
		if s.value != "" && t.Type != s.by {
			c.ps.Addf(p+"."+s.field, "is read only by %s triggers (this one is %s)", s.by, t.Type)
		}
	}
	if t.Type == TriggerManual && t.When != "" {
		c.ps.Addf(p+".when", "a manual entry is taken whatever the account (as the re-entry policy allows): no condition is checked")
	}
}

func (c *compiler) exitsAndGoals() {
	for i, x := range c.j.Exits {
		p := fmt.Sprintf("exits[%d]", i)
		cx := cexit{Exit: x}
		if x.Reason == "" {
			c.ps.Addf(p+".reason", "is required")
		}
		if x.Event == "" && x.When == "" {
			c.ps.Addf(p, "an exit needs an event or a condition")
		}
		if x.Event != "" {
			c.eventType(p+".event", x.Event)
		}
		if x.When != "" {
			cx.when = c.cond(p+".when", "exit "+x.Reason, x.When)
		}
		if x.Event == "" {
			c.v.stateRules = true
		}
		c.v.exits = append(c.v.exits, cx)
	}
	names := map[string]int{}
	for i, g := range c.j.Goals {
		p := fmt.Sprintf("goals[%d]", i)
		if g.Name == "" {
			c.ps.Addf(p+".name", "is required")
		} else if j, dup := names[g.Name]; dup {
			c.ps.Addf(p+".name", "duplicate goal %q (also goals[%d])", g.Name, j)
		} else {
			names[g.Name] = i
		}
		c.v.goals = append(c.v.goals, cgoal{Goal: g, when: c.cond(p+".when", "goal "+g.Name, g.When)})
		c.v.stateRules = true
	}
	comp := c.j.Completion
	if len(comp.EndNodes) > 0 {
		c.v.endNodes = map[int]bool{}
		for i, id := range comp.EndNodes {
			p := fmt.Sprintf("completion.endNodes[%d]", i)
			k, ok := c.v.index[id]
			switch {
			case !ok:
				c.ps.Addf(p, "unknown node %q", string(id))
			case c.j.Nodes[k].Kind != KindEnd:
				c.ps.Addf(p, "node %q is %s node, want an end node", string(id), article(c.j.Nodes[k].Kind))
			default:
				c.v.endNodes[k] = true
			}
		}
	}
	if comp.Goal != "" {
		k := slices.IndexFunc(c.j.Goals, func(g Goal) bool { return g.Name == comp.Goal })
		if k < 0 {
			c.ps.Addf("completion.goal", "unknown goal %q", comp.Goal)
		}
		c.v.goalDone = k
	}
}

// eventType reports an event type that is not one of EventTypes.
func (c *compiler) eventType(path string, t EventType) {
	if slices.Contains(EventTypes, t) {
		return
	}
	known := make([]string, len(EventTypes))
	for i, k := range EventTypes {
		known[i] = string(k)
	}
	c.ps.Addf(path, "unknown event type %q (known: %s)", t, strings.Join(known, ", "))
}
