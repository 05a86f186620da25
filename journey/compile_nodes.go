package journey

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// action validates an action and compiles its recipients. inSplit is set
// for the actions of a people split's paths: they take no next node and
// no recipients (the persons come from the path), and only person actions
// are allowed; every other check is the same as for an action node. It
// returns nil for an action a people split cannot run.
func (c *compiler) action(p, name string, a *Action, inSplit bool) *caction {
	ca := &caction{Action: *a}
	ca.Recipients = nil
	if inSplit {
		if a.Next != "" {
			c.ps.Addf(p+".next", "actions inside a people split take no next node (the split merges back)")
		}
		if !a.Type.personal() && a.Type != ActionAssignRole && (a.Type != ActionAdjustScore || a.Target != "person") {
			c.ps.Addf(p+".type", "a people split runs person actions (email, sms, adjust_score on person, assign_role), got %q", a.Type)
			return nil
		}
	}
	recipients := func() *crecip {
		if inSplit {
			return nil
		}
		return c.recipients(p+".recipients", name+" recipients", a.Recipients)
	}
	switch a.Type {
	case ActionEmail, ActionSMS:
		if a.Template == "" {
			c.ps.Addf(p+".template", "is required for %s action", article(a.Type))
		}
		ca.recip = recipients()
		ca.sent = sendReason(a.Type, a.Template)
	case ActionSalesAlert:
		if a.Template == "" {
			c.ps.Addf(p+".template", "is required for a sales alert")
		}
	case ActionChangeStage:
		if a.Stage == "" {
			c.ps.Addf(p+".stage", "is required for a change_stage action")
		}
		ca.recip = recipients()
		// It moves a buying group, whoever its members: roles and a
		// condition would read as a condition never checked.
		if r := a.Recipients; r != nil && !inSplit {
			const only = "a change_stage action reads only the solutionInterest of its recipients (the buying group it moves), not which persons"
			if len(r.Roles) > 0 {
				c.ps.Addf(p+".recipients.roles", only)
			}
			if r.When != "" {
				c.ps.Addf(p+".recipients.when", only)
			}
		}
	case ActionSetAttribute:
		if a.Target != "account" && a.Target != "group" {
			c.ps.Addf(p+".target", "must be account or group, got %q", a.Target)
		}
		if a.Attribute == "" {
			c.ps.Addf(p+".attribute", "is required")
		}
	case ActionAddToList, ActionRemoveFromList:
		if a.List == "" {
			c.ps.Addf(p+".list", "is required")
		}
	case ActionAdjustScore:
		switch {
		case math.IsNaN(a.Delta) || math.IsInf(a.Delta, 0):
			// No number: every score it touched would be none.
			c.ps.Addf(p+".delta", "must be a finite number, got %v", a.Delta)
		case a.Delta == 0:
			c.ps.Addf(p+".delta", "must not be zero")
		}
		switch a.Target {
		case "", "group":
		case "person":
			ca.recip = recipients()
		default:
			c.ps.Addf(p+".target", "must be group or person, got %q", a.Target)
		}
	case ActionAssignRole:
		c.role(p+".role", a.Role)
		if a.Recipients == nil && !inSplit {
			c.ps.Addf(p+".recipients", "an assign_role action needs recipients (the persons to assign)")
		}
		ca.recip = recipients()
	case "":
		c.ps.Addf(p+".type", "is required (one of %s)", joinNames(ActionTypes))
	default:
		c.ps.Addf(p+".type", "unknown action type %q (known: %s)", a.Type, joinNames(ActionTypes))
	}
	if inSplit && a.Recipients != nil {
		c.ps.Addf(p+".recipients", "inside a people split the persons come from the path")
	}
	c.unreadAction(p, a, inSplit)
	return ca
}

// unreadAction reports the settings of action a (at path p) that its type
// does not read (see [Action]): an action written with another type's
// setting (recipients on a sales alert, a stage on an email) would send
// to, or change, what its author did not mean, without a word.
func (c *compiler) unreadAction(p string, a *Action, inSplit bool) {
	if !slices.Contains(ActionTypes, a.Type) {
		return // the type is the problem
	}
	for _, f := range []struct {
		field string
		set   bool
		by    []ActionType
	}{
		{"template", a.Template != "", []ActionType{ActionEmail, ActionSMS, ActionSalesAlert}},
		// In a people split, recipients are reported above.
		{"recipients", a.Recipients != nil && !inSplit, []ActionType{ActionEmail, ActionSMS, ActionChangeStage, ActionAdjustScore, ActionAssignRole}},
		{"alertTo", a.AlertTo != "", []ActionType{ActionSalesAlert}},
		{"stage", a.Stage != "", []ActionType{ActionChangeStage}},
		{"target", a.Target != "", []ActionType{ActionSetAttribute, ActionAdjustScore}},
		{"attribute", a.Attribute != "", []ActionType{ActionSetAttribute}},
		{"value", a.Value != "", []ActionType{ActionSetAttribute}},
		{"list", a.List != "", []ActionType{ActionAddToList, ActionRemoveFromList}},
		{"delta", a.Delta != 0, []ActionType{ActionAdjustScore}},
		{"role", a.Role != "", []ActionType{ActionAssignRole}},
	} {
		switch {
		case !f.set:
		case !slices.Contains(f.by, a.Type):
			c.ps.Addf(p+"."+f.field, "is read only by %s actions (this one is %s)", andList(f.by), a.Type)
		case f.field == "recipients" && a.Type == ActionAdjustScore && a.Target != "person":
			c.ps.Addf(p+".recipients", "an adjust_score action reads recipients only with target person (this one adjusts the group's score)")
		}
	}
}

// andList lists action types for a problem: "a", "a and b", "a, b and c".
func andList(ts []ActionType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (c *compiler) wait(p string, cn *cnode, w *Wait) {
	if w.For < 0 {
		c.ps.Addf(p+".for", "must not be negative")
	} else if why := tooLong(w.For); why != "" {
		c.ps.Addf(p+".for", "%s", why)
	}
	if w.For == 0 && w.Until.IsZero() {
		c.ps.Addf(p, "a wait needs a duration (for) or a date (until)")
	}
	c.date(p+".until", w.Until)
	// The version's own copy: the caller may edit its definition after
	// publishing (the window is compiled below).
	own := *w
	own.Window = nil
	cn.wait = &own
	if w.Window == nil {
		return
	}
	cw := &cwindow{}
	if len(w.Window.Days) == 0 {
		cw.days = [7]bool{true, true, true, true, true, true, true}
	}
	for k, d := range w.Window.Days {
		if d < time.Sunday || d > time.Saturday {
			c.ps.Addf(fmt.Sprintf("%s.window.days[%d]", p, k), "unknown weekday %d", d)
			continue
		}
		cw.days[d] = true
	}
	var errFrom, errTo error
	if cw.from, errFrom = parseClock(w.Window.From); errFrom != nil {
		c.ps.Add(p+".window.from", errFrom)
	}
	if cw.to, errTo = parseClock(w.Window.To); errTo != nil {
		c.ps.Add(p+".window.to", errTo)
	}
	// A From after To runs over midnight; the same time is no window
	// (empty, or the whole day). Times that do not parse say nothing.
	if errFrom == nil && errTo == nil && cw.from == cw.to {
		c.ps.Addf(p+".window", "from %q and to %q are the same time of day: a window needs time between them (one over midnight runs from a later time to an earlier one, \"22:00\" to \"06:00\")",
			w.Window.From, w.Window.To)
	}
	cn.window = cw
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("want a time of day like \"09:00\", got %q", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

func (c *compiler) match(p, name string, m EventMatch) cmatch {
	cm := cmatch{EventMatch: m}
	if m.Type == "" {
		c.ps.Addf(p+".type", "is required")
	} else {
		c.eventType(p+".type", m.Type)
	}
	if m.Role != "" {
		c.role(p+".role", m.Role)
	}
	if m.When != "" {
		cm.when = c.cond(p+".when", name, m.When)
	}
	return cm
}

func (c *compiler) peopleSplit(p, name string, cn *cnode, s *PeopleSplit) {
	cn.among = c.recipients(p+".peopleSplit.among", name+" among", s.Among)
	if len(s.Paths) == 0 {
		c.ps.Addf(p+".peopleSplit.paths", "a people split needs at least one path")
	}
	withPct, total := 0, 0
	names := map[string]int{}
	for k, pp := range s.Paths {
		path := fmt.Sprintf("%s.peopleSplit.paths[%d]", p, k)
		c.pathName(path, names, k, pp.Name, len(s.Paths), func(j int) string { return s.Paths[j].Name }, "path %d", true)
		cp := cppath{name: cmpOr(pp.Name, fmt.Sprintf("path %d", k)), percent: pp.Percent}
		if pp.Percent != 0 {
			withPct++
			total += pp.Percent
			if pp.Percent < 0 || pp.Percent > 100 {
				c.ps.Addf(path+".percent", "must be between 1 and 100, got %d", pp.Percent)
			}
		}
		if pp.Match != nil {
			cp.match = c.recipients(path+".match", fmt.Sprintf("%s %s", name, cp.name), pp.Match)
		}
		if len(pp.Actions) == 0 {
			c.ps.Addf(path+".actions", "a path needs at least one action")
		}
		cp.actions = c.actions(path+".actions", name, pp.Actions)
		cn.ppaths = append(cn.ppaths, cp)
	}
	switch {
	case withPct == 0:
		for k, pp := range s.Paths {
			if pp.Match == nil {
				c.ps.Addf(fmt.Sprintf("%s.peopleSplit.paths[%d].match", p, k), "is required (or give every path a percent)")
			}
		}
	case withPct != len(s.Paths):
		c.ps.Addf(p+".peopleSplit.paths", "either every path has a percent or none has")
	case total != 100:
		c.ps.Addf(p+".peopleSplit.paths", "percentages add up to %d, want 100", total)
	default:
		cn.byHash = true
		// Every person goes down a path by its bucket alone: a match
		// or else actions would be left unread without a word.
		for k, pp := range s.Paths {
			if pp.Match != nil {
				c.ps.Addf(fmt.Sprintf("%s.peopleSplit.paths[%d].match", p, k), "is not read when the paths split by percent "+
					"(every person chosen by among goes down a path by its stable bucket): choose the persons in the split's among")
			}
		}
		if len(s.Else) > 0 {
			c.ps.Addf(p+".peopleSplit.else", "is not read when the paths split by percent (every person goes down one of them)")
		}
	}
	cn.pelse = c.actions(p+".peopleSplit.else", name, s.Else)
	cn.next = c.ref(p+".peopleSplit.next", s.Next)
}

func (c *compiler) actions(p, name string, as []Action) []caction {
	var out []caction
	for k := range as {
		if ca := c.action(fmt.Sprintf("%s[%d]", p, k), name, &as[k], true); ca != nil {
			out = append(out, *ca)
		}
	}
	return out
}

// whichGroup reports, in a program with several solution interests, what
// acts on or reads one buying group without naming its interest where the
// journey cannot tell which group that is: the actions and conditions
// the main track of a journey bound to no interest can run, its exit
// criteria and goals, and the conditions of triggers that give the
// instance no group. The track's group is that of the interest the
// instance entered for, and a manual entry or a go-to may name none (the
// account's first group stood in). A parallel track addresses its
// interest's group, and a bound journey's main track the group of the
// journey's interest.
func (c *compiler) whichGroup() {
	if len(c.cfg.SolutionInterests) < 2 || c.v.interest != "" {
		return
	}
	for i := range c.v.nodes {
		if !c.main[i] {
			continue
		}
		cn, p := &c.v.nodes[i], c.nodePath(i)
		for k := range cn.paths {
			c.groupCondition(fmt.Sprintf("%s.paths[%d].when", p, k), cn.paths[k].when, "read groups, "+bind+"split in a parallel branch")
		}
		for k := range cn.events {
			c.groupCondition(fmt.Sprintf("%s.listen.events[%d].when", p, k), cn.events[k].when, "read groups, "+bind+"listen node in a parallel branch")
		}
		if cn.among != nil { // a people split that compiled
			c.peopleSplitMatches(p+".peopleSplit", c.j.Nodes[i].PeopleSplit, cn.byHash, bind+"split in a parallel branch")
			c.peopleSplitRoles(p+".peopleSplit", c.j.Nodes[i].PeopleSplit, bind+"split in a parallel branch")
		}
		if cn.action != nil { // an action node that compiled
			c.groupAction(p+".action", cn.action)
		}
	}
	// Exit criteria and goals read the main track's group.
	for k := range c.v.exits {
		c.groupCondition(fmt.Sprintf("exits[%d].when", k), c.v.exits[k].when, "read groups, or give every trigger the same solutionInterest")
	}
	for k := range c.v.goals {
		c.groupCondition(fmt.Sprintf("goals[%d].when", k), c.v.goals[k].when, "read groups, or give every trigger the same solutionInterest")
	}
	// A trigger's condition reads the group the instance will address:
	// its interest's, the one created, or the one whose attribute changed.
	for k := range c.v.triggers {
		t := &c.v.triggers[k]
		group := t.SolutionInterest != "" || t.Type == TriggerGroupCreated ||
			t.Type == TriggerAttributeChanged && strings.HasPrefix(t.Attribute, "group.")
		if !group && t.when != nil && readsGroup(t.When) {
			c.ps.Addf(fmt.Sprintf("triggers[%d].when", k), "the condition reads group, one buying group: an account may have a group for each of %s, "+
				"and the trigger names none (read groups, or name the trigger's solutionInterest)", strings.Join(c.cfg.SolutionInterests, ", "))
		}
	}
}

// bind is how to bind a journey to an interest, or how else to give an
// action or a node its own.
const bind = "give every trigger the same solutionInterest, or run the "

// groupAction reports an action node's action on one buying group that
// names no interest.
func (c *compiler) groupAction(p string, a *caction) {
	const elsewhere = bind + "action in a parallel branch"
	switch {
	case a.Type == ActionChangeStage && a.recip.interest == "":
		c.groupProblem(p+".recipients.solutionInterest", "a change_stage action needs the solution interest of the buying group it moves", "name the interest here, "+elsewhere)
	case a.Type == ActionSalesAlert:
		c.groupProblem(p, "a sales alert is about one buying group", elsewhere)
	case a.Type == ActionSetAttribute && a.Target == "group":
		c.groupProblem(p+".target", "a set_attribute action on the group sets one buying group's attribute", elsewhere)
	case a.Type == ActionAdjustScore && a.Target != "person":
		c.groupProblem(p+".target", "an adjust_score action on the group adjusts one buying group's score", elsewhere)
	case a.Type == ActionAssignRole && a.recip.interest == "":
		c.groupProblem(p+".recipients.solutionInterest", assignRole, "name the interest here, "+elsewhere)
	}
}

// groupCondition reports a condition that reads the track's buying group
// where the journey cannot tell which that is.
func (c *compiler) groupCondition(path string, x *cond, fix string) {
	if x != nil && readsGroup(x.x.Rule().Source) {
		c.groupProblem(path, "the condition reads group, one buying group", fix)
	}
}

const assignRole = "an assign_role action gives the role in one buying group, and a person may be in several"

// peopleSplitMatches reports the paths of a people split whose persons
// come from no one interest's group and that match a person by what
// depends on the group: a person in several groups is taken once, with
// the role and group of the first group it is found in, so a path that
// matches by role, by solution interest or by a condition that reads role
// or group judged it by that group alone (a member of Security's group
// went down the else path because it was found in Data Platform's
// first). A split by percent, or by conditions on the person and its
// score, does not depend on the group.
func (c *compiler) peopleSplitMatches(p string, s *PeopleSplit, byHash bool, elsewhere string) {
	if byHash || s.Among != nil && s.Among.SolutionInterest != "" {
		return
	}
	for k, pp := range s.Paths {
		m := pp.Match
		if m == nil || len(m.Roles) == 0 && m.SolutionInterest == "" && !reads(m.When, "role", "group") {
			continue
		}
		c.groupProblem(fmt.Sprintf("%s.paths[%d].match", p, k),
			"a people split's path that matches by role, solution interest or group judges a person by one buying group, and a person may be in several",
			"name the interest in the split's among, "+elsewhere)
	}
}

// peopleSplitRoles reports the assign_role actions of a people split whose
// persons come from no one interest's group: each person would get the
// role in the first group it is found in.
func (c *compiler) peopleSplitRoles(p string, s *PeopleSplit, elsewhere string) {
	if s.Among != nil && s.Among.SolutionInterest != "" {
		return
	}
	for k, pp := range s.Paths {
		if pp.Match != nil && pp.Match.SolutionInterest != "" {
			continue
		}
		for q, a := range pp.Actions {
			if a.Type == ActionAssignRole {
				c.groupProblem(fmt.Sprintf("%s.paths[%d].actions[%d]", p, k, q), assignRole,
					"name the interest in the split's among or the path's match, "+elsewhere)
			}
		}
	}
	for q, a := range s.Else {
		if a.Type == ActionAssignRole {
			c.groupProblem(fmt.Sprintf("%s.else[%d]", p, q), assignRole, "name the interest in the split's among, "+elsewhere)
		}
	}
}

// groupProblem reports what acts on or reads one buying group where the
// journey cannot tell which: what it does, and how to say which.
func (c *compiler) groupProblem(path, what, fix string) {
	c.ps.Addf(path, "%s: an account may have a group for each of %s, and the journey is bound to none (%s)",
		what, strings.Join(c.cfg.SolutionInterests, ", "), fix)
}

// pathName reports the name of path k of a node's paths (at path) that
// decisions give another path of the node: an earlier path's name, the
// else's ("else", where the node has one: hasElse) or the name of an
// unnamed path (fallback, "path %d", with its index), as two paths of one
// name could not be told apart. names holds the names seen, by index; n
// is the number of paths and nameOf gives the name of each.
func (c *compiler) pathName(path string, names map[string]int, k int, name string, n int, nameOf func(int) string, fallback string, hasElse bool) {
	if name == "" {
		return
	}
	if j, dup := names[name]; dup {
		c.ps.Addf(path+".name", "duplicate path name %q (also paths[%d])", name, j)
		return
	}
	names[name] = k
	if hasElse && name == "else" {
		c.ps.Addf(path+".name", "path name %q is the name of the split's else", name)
		return
	}
	for j := range n {
		if nameOf(j) == "" && fmt.Sprintf(fallback, j) == name {
			c.ps.Addf(path+".name", "path name %q is the name of paths[%d], which has none", name, j)
			return
		}
	}
}
