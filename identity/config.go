package identity

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
)

// Config configures a [Graph]. Its zero value is ready to use: the
// built-in namespaces, the default merge policies and the shipped free-mail
// list.
type Config struct {
	// Namespaces declares custom namespaces, or redeclares built-in ones
	// (to make NSSalesforceLeadID unique, say). Nil means the built-ins only.
	Namespaces []NamespaceSpec
	// PersonMerge builds golden persons; nil means [DefaultPersonMerge].
	PersonMerge *MergePolicy
	// AccountMerge builds golden accounts; nil means [DefaultAccountMerge].
	AccountMerge *MergePolicy
	// FreeMailDomains are the domains whose addresses never resolve a person
	// to an account by email domain (subdomains included). Nil means
	// [DefaultFreeMailDomains]; an empty non-nil slice means none.
	FreeMailDomains []string
}

// A MergePolicy says, field by field, which source record's value the golden
// record takes.
type MergePolicy struct {
	// Default is the rule of every field without its own rule.
	Default FieldRule
	// Fields maps a field name to its rule. Person fields: email,
	// firstName, lastName, title, department, seniority, phone, company,
	// accountId, consent (each channel is decided on its own, by the time
	// of the consent statement), attributes (each key on its own). Account
	// fields: name, industry, employees, annualRevenue, country, region,
	// timeZone, owner, territory, parentId, attributes. An account's
	// domains are the union of its records' domains.
	Fields map[string]FieldRule
}

// A FieldRule ranks the records that carry a field; the first one wins.
//
// Records are ranked by the position of their source in Sources (sources
// not listed come after the listed ones, all equal), then the most recent
// first (record time; for consent, the time of the statement), then the
// record that arrived last. With no Sources the rule is most-recent-wins.
type FieldRule struct {
	Sources []b2b.Source `json:"sources,omitempty"`
}

func (r FieldRule) String() string {
	if len(r.Sources) == 0 {
		return "most recent"
	}
	return "source priority " + strings.Join(r.Sources, " > ") + ", then most recent"
}

// PersonFields and AccountFields are the field names a MergePolicy accepts.
var (
	PersonFields  = []string{"email", "firstName", "lastName", "title", "department", "seniority", "phone", "company", "accountId", "consent", "attributes"}
	AccountFields = []string{"name", "industry", "employees", "annualRevenue", "country", "region", "timeZone", "owner", "territory", "parentId", "attributes"}
)

// DefaultPersonMerge returns the default person policy: the CRM
// (Salesforce, then Dynamics) wins for names, title, department, seniority,
// phone, company and the account reference; Marketo wins for consent; the
// most recent record wins for everything else (email, attributes).
func DefaultPersonMerge() *MergePolicy {
	crm := FieldRule{Sources: []b2b.Source{b2b.SourceSalesforce, b2b.SourceDynamics}}
	p := &MergePolicy{Fields: map[string]FieldRule{
		"consent": {Sources: []b2b.Source{b2b.SourceMarketo}},
	}}
	for _, f := range []string{"firstName", "lastName", "title", "department", "seniority", "phone", "company", "accountId"} {
		p.Fields[f] = crm
	}
	return p
}

// DefaultAccountMerge returns the default account policy: the CRM
// (Salesforce, then Dynamics) wins for every field, then the most recent.
func DefaultAccountMerge() *MergePolicy {
	return &MergePolicy{Default: FieldRule{Sources: []b2b.Source{b2b.SourceSalesforce, b2b.SourceDynamics}}}
}

var namespaceName = regexp.MustCompile(`^[a-z][a-z0-9_.:-]{0,63}$`)

// Validate reports every problem with the configuration at once.
func (c *Config) Validate() error {
	var ps b2b.Problems
	kinds := []Kind{KindExact, KindCaseInsensitive, KindEmail, KindDomain, KindSalesforceID, KindGUID}
	seen := map[Namespace]bool{}
	for i, ns := range c.Namespaces {
		path := fmt.Sprintf("namespaces[%d]", i)
		if !namespaceName.MatchString(string(ns.Name)) {
			ps.Addf(path+".name", "%q is not a namespace name (lower-case letters, digits, '_', '.', ':', '-'; starting with a letter)", ns.Name)
		}
		if seen[ns.Name] {
			ps.Addf(path+".name", "namespace %q declared twice", ns.Name)
		}
		seen[ns.Name] = true
		if ns.Kind != "" && !slices.Contains(kinds, ns.Kind) {
			ps.Addf(path+".kind", "unknown kind %q (want one of %s)", ns.Kind, joinKinds(kinds))
		}
	}
	validatePolicy(&ps, "personMerge", c.PersonMerge, PersonFields)
	validatePolicy(&ps, "accountMerge", c.AccountMerge, AccountFields)
	for i, d := range c.FreeMailDomains {
		if _, err := NormalizeDomain(d); err != nil {
			ps.Add(fmt.Sprintf("freeMailDomains[%d]", i), err)
		}
	}
	return ps.Err("identity config")
}

func validatePolicy(ps *b2b.Problems, path string, p *MergePolicy, fields []string) {
	if p == nil {
		return
	}
	validateRule(ps, path+".default", p.Default)
	for _, f := range slices.Sorted(maps.Keys(p.Fields)) {
		fp := fmt.Sprintf("%s.fields[%q]", path, f)
		if !slices.Contains(fields, f) {
			ps.Addf(fp, "unknown field %q (want one of %s)", f, strings.Join(fields, ", "))
		}
		validateRule(ps, fp, p.Fields[f])
	}
}

func validateRule(ps *b2b.Problems, path string, r FieldRule) {
	seen := map[string]bool{}
	for i, s := range r.Sources {
		if strings.TrimSpace(s) == "" {
			ps.Addf(fmt.Sprintf("%s.sources[%d]", path, i), "source name is empty")
		}
		if seen[s] {
			ps.Addf(fmt.Sprintf("%s.sources[%d]", path, i), "source %q listed twice", s)
		}
		seen[s] = true
	}
}

func joinKinds(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// sourceTable interns source names into small integers, so that field rules
// rank a record with a slice index instead of a string comparison.
type sourceTable struct {
	ids   map[string]uint16
	names []string
	rules []*rankedRule // rules to extend when a source appears
}

func (t *sourceTable) intern(s string) uint16 {
	// A graph sees a handful of sources: comparing the names is faster
	// than hashing one.
	if len(t.names) <= 8 {
		for i, n := range t.names {
			if n == s {
				return uint16(i)
			}
		}
	} else if id, ok := t.ids[s]; ok {
		return id
	}
	id := uint16(len(t.names))
	t.ids[s] = id
	t.names = append(t.names, s)
	for _, r := range t.rules {
		r.ranks = append(r.ranks, r.rankOf(s))
	}
	return id
}

// rankedRule is a compiled FieldRule: ranks[source id] is the priority of
// the source (0 first).
type rankedRule struct {
	rule  FieldRule
	ranks []uint8
	text  string // rule.String(), for every provenance the rule decides
}

func (r *rankedRule) rankOf(s string) uint8 {
	if i := slices.Index(r.rule.Sources, s); i >= 0 && i < 255 {
		return uint8(i)
	}
	return uint8(min(len(r.rule.Sources), 255))
}

func (t *sourceTable) compile(r FieldRule) *rankedRule {
	rr := &rankedRule{rule: r, text: r.String()}
	for _, s := range t.names {
		rr.ranks = append(rr.ranks, rr.rankOf(s))
	}
	t.rules = append(t.rules, rr)
	return rr
}

// compilePolicy returns the ranked rule of each field, in the order of names.
func (t *sourceTable) compilePolicy(p *MergePolicy, names []string) []*rankedRule {
	out := make([]*rankedRule, len(names))
	for i, f := range names {
		r, ok := p.Fields[f]
		if !ok {
			r = p.Default
		}
		out[i] = t.compile(r)
	}
	return out
}
