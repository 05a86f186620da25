package rules

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// parse checks a builtin that parses a string: each string argument must
// be written in the rule, and the call is evaluated now, so that a string
// that does not parse is a compile error.
func (g *guard) parse(n *ast.BuiltinNode) {
	for _, arg := range n.Arguments {
		if arg.Nature().Kind != reflect.String {
			continue // int(3.5): checked on its own
		}
		if _, ok := arg.(*ast.StringNode); !ok {
			g.fail(arg, "%s() parses a string, so its argument must be written in the rule: %s may not parse when the rule runs; %s", n.Name, arg, parsers[n.Name])
			return
		}
	}
	// A zone named "Local" is the zone of the machine (time.LoadLocation
	// reads it so): the rule would answer differently on another one.
	if zone := zoneArgument(n); zone != nil {
		name, problem := zoneName(zone.Value)
		if problem != "" {
			g.fail(zone, "%q %s: name the zone (%s)", zone.Value, problem, zoneExamples(zone.Value))
			return
		}
		zone.Value = name // posix/Europe/Berlin
	}
	for _, arg := range n.Arguments {
		if !constant(arg) {
			return
		}
	}
	if _, err := expr.Eval(n.String(), nil); err != nil {
		msg := err.Error()
		var fe *file.Error
		if errors.As(err, &fe) {
			msg = fe.Message
		}
		g.fail(n, "%s does not parse: %s", n, msg)
		return
	}
	if abbr := dateZoneAbbreviation(n); abbr != "" {
		g.fail(n, "the zone abbreviation %q in %s is read in the time zone of the machine the rule runs on (an offset of 0 where it has none): write the offset (\"2026-06-01T09:00:00+02:00\") or name the zone: date(s, layout, \"Europe/Berlin\")", abbr, n)
	}
	if abbr, zone := foreignZoneAbbreviation(n); abbr != "" {
		g.fail(n, "the zone abbreviation %q in %s is not one of %s's, so it reads as an offset of 0: write the offset (\"-05:00\", layout \"-07:00\"), or name the zone the abbreviation is of", abbr, n, zone)
	}
}

// foreignZoneAbbreviation returns the zone abbreviation that a call of
// date with a zone named reads, and the zone, where the zone never uses
// it ("EST" in "Europe/Berlin"), or "". time.ParseInLocation gives an
// abbreviation the zone uses its offset there ("CET", "CEST" in
// Berlin), and any other the offset 0: a time hours off, as on a machine
// whose zone does not know it.
func foreignZoneAbbreviation(n *ast.BuiltinNode) (abbr, zone string) {
	if n.Name != "date" || len(n.Arguments) != 3 {
		return "", ""
	}
	var args [3]string
	for i, a := range n.Arguments {
		s, ok := a.(*ast.StringNode)
		if !ok {
			return "", ""
		}
		args[i] = s.Value
	}
	loc, err := time.LoadLocation(args[2])
	if err != nil {
		return "", ""
	}
	t, err := time.ParseInLocation(args[1], args[0], loc)
	if err != nil || t.Location() == loc {
		return "", ""
	}
	// UTC, GMT and GMT+3 say their offset; the others name a zone.
	if name, _ := t.Zone(); name != "" && name != "UTC" && !strings.HasPrefix(name, "GMT") {
		return name, args[2]
	}
	return "", ""
}

// dateLayouts are the layouts date tries, in its order, when the rule
// gives none.
var dateLayouts = []string{"2006-01-02", "15:04:05", "2006-01-02 15:04:05", time.RFC3339, time.RFC822, time.RFC850, time.RFC1123}

// dateZoneAbbreviation returns the zone abbreviation (other than UTC and
// GMT, which time.Parse knows everywhere) that a call of date with no
// zone named reads, or "". time.Parse gives an abbreviation the offset it
// has in the machine's zone, and 0 where it has none, so such a date is a
// different time on another machine. Parsed in UTC, which knows no other
// abbreviation, the abbreviation stays the zone's name.
func dateZoneAbbreviation(n *ast.BuiltinNode) string {
	if n.Name != "date" || len(n.Arguments) > 2 {
		return ""
	}
	var args []string
	for _, a := range n.Arguments {
		s, ok := a.(*ast.StringNode)
		if !ok {
			return ""
		}
		args = append(args, s.Value)
	}
	layouts := dateLayouts
	if len(args) == 2 {
		layouts = args[1:]
	}
	for _, layout := range layouts {
		t, err := time.ParseInLocation(layout, args[0], time.UTC)
		if err != nil {
			continue
		}
		if name, _ := t.Zone(); name != "" && name != "UTC" && name != "GMT" {
			return name
		}
		return ""
	}
	return ""
}

// zoneName returns the zone that name, a time zone written in a rule,
// names, or says why it names none, as package b2b reads an account's
// time zone. "Local" is the zone of the machine the rule runs on
// (time.LoadLocation reads it so). A path that only a machine's zone
// files answer to ("./UTC", "Europe//Berlin", "/usr/share/zoneinfo/UTC")
// and the "right/" copy of the database, which counts leap seconds, load
// on one machine and not on another (Go's embedded database has no such
// files), or read 27 seconds off. Three files of the database are no
// zones either: "localtime" is the machine's zone (a link to
// /etc/localtime), "posixrules" the zone the machine's POSIX rules
// default to (Go's embedded database has no such file), and "Factory"
// stands for a zone not set yet. The "posix/" copy is the zone itself:
// "posix/Europe/Berlin" reads as "Europe/Berlin" on any machine.
func zoneName(name string) (zone, problem string) {
	zone = strings.TrimPrefix(name, "posix/")
	switch {
	case zone == "Local" || zone == "localtime":
		return "", "is the time zone of the machine the rule runs on, not a zone name"
	case zone == "posixrules":
		return "", "is a file of the time zone database of the machine the rule runs on, which only some machines have, holding the zone that machine's POSIX rules default to, not a zone name"
	case zone == "Factory":
		return "", `is no time zone: it stands for a zone not set yet (offset 0, abbreviation "-00")`
	case strings.HasPrefix(zone, "right/"):
		return "", "names the copy of the time zone database that counts leap seconds, which only some machines have (it is 27 seconds off UTC there)"
	case zone == "" && name != "":
		return "", "is a path to a file of the time zone database of the machine the rule runs on, not a zone name"
	case zone == "":
		return "", "" // UTC, as time.LoadLocation reads it
	}
	for part := range strings.SplitSeq(zone, "/") {
		if part == "" || part == "." || part == ".." || part == "posix" {
			return "", "is a path to a file of the time zone database of the machine the rule runs on, not a zone name"
		}
	}
	return zone, ""
}

// zoneExamples writes zone names for the message that refuses name: the
// zone that name is a path to, where it is one ("./UTC" is "UTC").
func zoneExamples(name string) string {
	var parts []string
	for part := range strings.SplitSeq(name, "/") {
		if part != "" && part != "." && part != "posix" && part != "right" {
			parts = append(parts, part)
		}
	}
	if zone := strings.Join(parts, "/"); zone != "" && zone != name && !strings.Contains(zone, "..") {
		if _, problem := zoneName(zone); problem != "" {
			return `"Europe/Berlin", "UTC"` // "./Factory", "posix/Local"
		}
		if _, err := time.LoadLocation(zone); err == nil {
			return strconv.Quote(zone)
		}
	}
	return `"Europe/Berlin", "UTC"`
}

// zoneExample is the zone name to suggest for a location argument: the
// name timezone("...") was given, else "Europe/Berlin".
func zoneExample(arg ast.Node) string {
	if c, ok := arg.(*ast.BuiltinNode); ok && c.Name == "timezone" && len(c.Arguments) == 1 {
		if s, ok := c.Arguments[0].(*ast.StringNode); ok {
			return strconv.Quote(s.Value)
		}
	}
	return `"Europe/Berlin"`
}

// zoneArgument returns the written time zone name of a call to timezone
// or of date with a layout and a zone, or nil.
func zoneArgument(n *ast.BuiltinNode) *ast.StringNode {
	i := -1
	switch {
	case n.Name == "timezone" && len(n.Arguments) == 1:
		i = 0
	case n.Name == "date" && len(n.Arguments) == 3:
		i = 2
	default:
		return nil
	}
	s, _ := n.Arguments[i].(*ast.StringNode)
	return s
}
