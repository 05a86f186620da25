package rules_test

import (
	"testing"

	"github.com/quorumhq/quorum/rules"
)

// TestZoneDatabaseFilesRefused: three names of the machine's zone
// database load as zones but name none. "localtime" is the machine's zone
// (a link to /etc/localtime), as "Local" is; "posixrules" is a file that
// only some machines have (Go's embedded database has none), holding the
// zone that machine's POSIX rules default to; "Factory" stands for a zone
// not set yet (offset 0, abbreviation "-00"). They were taken, so a rule
// answered one way on one machine and another, or failed to load, on
// another, or read a time as UTC; they are refused, with or without the
// "posix/" prefix, and the message suggests no such name.
func TestZoneDatabaseFilesRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"localtime", `timezone("localtime") != nil`,
			"rule \"r\" 1:10: \"localtime\" is the time zone of the machine the rule runs on, not a zone name: name the zone (\"Europe/Berlin\", \"UTC\")\n" +
				"  | timezone(\"localtime\") != nil\n" +
				"  |          ^"},
		{"localtime in a date", `date("2026-06-01 09:00", "2006-01-02 15:04", "localtime") < now`,
			`rule "r" 1:46: "localtime" is the time zone of the machine the rule runs on`},
		{"posixrules", `timezone("posixrules") != nil`,
			`rule "r" 1:10: "posixrules" is a file of the time zone database of the machine the rule runs on, which only some machines have, holding the zone that machine's POSIX rules default to, not a zone name: name the zone ("Europe/Berlin", "UTC")`},
		{"posixrules in a date", `date("2026-06-01 09:00", "2006-01-02 15:04", "posixrules") < now`, `rule "r" 1:46: "posixrules" is a file`},
		{"Factory", `timezone("Factory") != nil`,
			`rule "r" 1:10: "Factory" is no time zone: it stands for a zone not set yet (offset 0, abbreviation "-00"): name the zone ("Europe/Berlin", "UTC")`},
		{"Factory in a date", `date("2026-06-01 09:00", "2006-01-02 15:04", "Factory") < now`, `rule "r" 1:46: "Factory" is no time zone`},
		{"posix Factory", `timezone("posix/Factory") != nil`, `"posix/Factory" is no time zone: it stands for a zone not set yet (offset 0, abbreviation "-00"): name the zone ("Europe/Berlin", "UTC")`},
		{"posix localtime", `timezone("posix/localtime") != nil`, `"posix/localtime" is the time zone of the machine the rule runs on, not a zone name: name the zone ("Europe/Berlin", "UTC")`},
		{"posix Local", `timezone("posix/Local") != nil`, `"posix/Local" is the time zone of the machine the rule runs on, not a zone name: name the zone ("Europe/Berlin", "UTC")`},
		{"path to Factory", `timezone("./Factory") != nil`, `"./Factory" is a path to a file of the time zone database of the machine the rule runs on, not a zone name: name the zone ("Europe/Berlin", "UTC")`},
	}
	eng := rules.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireRefused(t, eng, tt.src, tt.want)
		})
	}
	// Zones whose names only look alike are zones.
	for _, src := range []string{
		`timezone("EST5EDT") != nil`,
		`timezone("Etc/UTC") != nil`,
		`date("2026-06-01 09:00", "2006-01-02 15:04", "America/New_York") == date("2026-06-01T13:00:00Z")`,
	} {
		requireHolds(t, eng, src)
	}
}
