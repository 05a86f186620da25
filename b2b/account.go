package b2b

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// An Account is a company. Accounts form hierarchies through ParentID (a
// subsidiary points to its parent).
type Account struct {
	ID   AccountID `expr:"id" json:"id,omitzero"`
	Name string    `expr:"name" json:"name,omitzero"`
	// Domains are the account's web domains, lower case, without scheme
	// ("acme.com"); the first is the main one.
	Domains       []string `expr:"domains" json:"domains,omitzero"`
	Industry      string   `expr:"industry" json:"industry,omitzero"`
	Employees     int      `expr:"employees" json:"employees,omitzero"`
	AnnualRevenue float64  `expr:"annualRevenue" json:"annualRevenue,omitzero"`
	Country       string   `expr:"country" json:"country,omitzero"` // ISO 3166-1 alpha-2 where known
	Region        string   `expr:"region" json:"region,omitzero"`   // e.g. "EMEA", "NA"
	// TimeZone is an IANA zone name ("Europe/Berlin"); journeys use it for
	// send windows. Empty means UTC; "Local" and "localtime" (the
	// machine's zone) are not zone names, nor are "posixrules" and
	// "Factory" (no zone) or a path to a zone file ("./UTC", "right/UTC");
	// "posix/Europe/Berlin" reads as Europe/Berlin. Zones are read from
	// the host's zone files, or from Go's embedded copy when the program
	// imports time/tzdata (as the quorum command does; a host that runs in
	// a container without zone files should too): without either,
	// Validate refuses every zone name, and Location gives UTC.
	TimeZone  string    `expr:"timeZone" json:"timeZone,omitzero"`
	Owner     string    `expr:"owner" json:"owner,omitzero"` // the account owner (a sales user)
	Territory string    `expr:"territory" json:"territory,omitzero"`
	ParentID  AccountID `expr:"parentId" json:"parentId,omitzero"`
	// Attributes are custom fields; read them in rules with attr().
	Attributes map[string]any `expr:"attributes" json:"attributes,omitzero"`
	Source     Source         `expr:"source" json:"source,omitzero"`
	UpdatedAt  time.Time      `expr:"updatedAt" json:"updatedAt,omitzero"`
}

// Validate reports every problem with the account at once.
func (a *Account) Validate() error {
	var ps Problems
	if strings.TrimSpace(string(a.ID)) == "" {
		ps.Addf("id", "is required")
	}
	if strings.TrimSpace(a.Name) == "" && len(a.Domains) == 0 {
		ps.Addf("name", "is required when the account has no domain")
	}
	for i, d := range a.Domains {
		if !ValidDomain(d) {
			ps.Addf(indexPath("domains", i), "%q is not a valid domain (want a lower-case host name with a dot and no scheme, such as \"acme.com\")%s", d, domainLength(d))
		}
	}
	if a.Employees < 0 {
		ps.Addf("employees", "must not be negative, got %d", a.Employees)
	}
	if math.IsNaN(a.AnnualRevenue) || math.IsInf(a.AnnualRevenue, 0) || a.AnnualRevenue < 0 {
		ps.Addf("annualRevenue", "must be a finite non-negative number, got %v", a.AnnualRevenue)
	}
	if a.TimeZone != "" {
		if _, err := loadZone(a.TimeZone); err != nil {
			ps.Addf("timeZone", "unknown time zone %q", a.TimeZone)
		}
	}
	if a.ParentID != "" && a.ParentID == a.ID {
		ps.Addf("parentId", "an account cannot be its own parent")
	}
	validateAttributes(&ps, a.Attributes)
	return ps.Err("account %q", a.ID)
}

// Location returns the account's time zone, UTC when unset or unknown.
func (a *Account) Location() *time.Location {
	if a.TimeZone == "" {
		return time.UTC
	}
	loc, err := loadZone(a.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// loadZone loads an IANA time zone by name. "Local", which
// time.LoadLocation reads as the zone of the machine, is no zone name: an
// account's times must not depend on the host. Nor is a path that only
// a host's zone files answer to ("./UTC", "Europe//Berlin", and the
// "right/" copy of the database, which counts leap seconds): Go's
// embedded copy of the database (time/tzdata) has no such files. The "posix/" copy is the zone
// itself ("posix/Europe/Berlin" is Europe/Berlin), and reads as it on any
// host: a host with zone files took such names before. Nor are the files
// "localtime" (the machine's zone again), "posixrules" (which only some
// hosts have) and "Factory" (the zone of none, for a machine not set up
// yet), as package rules refuses them in a rule.
func loadZone(name string) (*time.Location, error) {
	zone := strings.TrimPrefix(name, "posix/")
	switch zone {
	case "Local", "", "localtime", "posixrules", "Factory":
		return nil, fmt.Errorf("unknown time zone %s", name)
	}
	if strings.HasPrefix(zone, "right/") || strings.HasPrefix(zone, "posix/") {
		return nil, fmt.Errorf("unknown time zone %s", name)
	}
	name = zone
	for part := range strings.SplitSeq(name, "/") {
		if part == "" || part == "." {
			return nil, fmt.Errorf("unknown time zone %s", name)
		}
	}
	return time.LoadLocation(name)
}

// ValidDomain reports whether d looks like a lower-case DNS name with at
// least one dot ("acme.com", "eu.acme.co.uk"), whose top-level label is
// not a number (an IP address is no domain).
func ValidDomain(d string) bool {
	if len(d) < 3 || len(d) > maxDomain || !strings.Contains(d, ".") {
		return false
	}
	if strings.Trim(d[strings.LastIndexByte(d, '.')+1:], "0123456789") == "" {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > maxLabel || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// domainLength says what is too long in a domain that ValidDomain
// refuses, the whole or a label, and is "" when neither is: the refusal
// asks for a form that such a domain may have.
func domainLength(d string) string {
	for i := 0; i < len(d); i++ {
		if d[i] >= utf8.RuneSelf {
			return "" // no host name has such a character: the form says so
		}
	}
	if len(d) > maxDomain {
		return fmt.Sprintf(": it has %d characters, more than %d", len(d), maxDomain)
	}
	for label := range strings.SplitSeq(d, ".") {
		if len(label) > maxLabel {
			return fmt.Sprintf(": its label %q has %d characters, more than %d", label, len(label), maxLabel)
		}
	}
	return ""
}

// The most characters of a domain name and of one of its labels.
const (
	maxDomain = 253
	maxLabel  = 63
)

func validateAttributes(ps *Problems, attrs map[string]any) {
	// Every activity is validated: valid attributes, the usual case, are
	// checked without sorting their names or building their paths.
	bad := false
	for k, v := range attrs {
		if !validAttribute(k, v) {
			bad = true
			break
		}
	}
	if !bad {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[k]
		path := "attributes[" + quote(k) + "]"
		if strings.TrimSpace(k) == "" {
			ps.Addf(path, "attribute names must not be empty")
		}
		switch x := v.(type) {
		case nil, string, bool, int, int64, time.Time, []string:
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				ps.Addf(path, "must be a finite number, got %v", x)
			}
		case []any:
			ps.Addf(path, "a list attribute holds only strings, got %s", listTypes(x))
		default:
			ps.Addf(path, "unsupported value type %T (use string, bool, int, float64, time.Time or []string)", v)
		}
	}
}

// listTypes names the types of the values of a list that holds other
// values than strings, in their order of first appearance ("string,
// float64"); a JSON number is a float64.
func listTypes(list []any) string {
	var names []string
	for _, x := range list {
		if name := fmt.Sprintf("%T", x); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// validAttribute reports whether validateAttributes finds nothing wrong
// with an attribute.
func validAttribute(k string, v any) bool {
	if strings.TrimSpace(k) == "" {
		return false
	}
	switch x := v.(type) {
	case nil, string, bool, int, int64, time.Time, []string:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return false
}
