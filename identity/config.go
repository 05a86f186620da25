package identity

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
)

// Config configures a [Graph]. Its zero value is ready to use: the
// built-in namespaces, the default merge policies and the shipped free-mail
// list.
type Config struct {
	// Namespaces declares custom namespaces, or redeclares built-in ones
	// (to make NSSalesforceLeadID unique, say). Nil means the built-ins
	// only. NSEmail, NSAccountID and NSAccountDomain keep their kinds:
	// records' fields give their values.
	Namespaces []NamespaceSpec
	// PersonMerge builds golden persons; nil means [DefaultPersonMerge].
	PersonMerge *MergePolicy
	// AccountMerge builds golden accounts; nil means [DefaultAccountMerge].
	AccountMerge *MergePolicy
	// FreeMailDomains are the domains whose addresses never resolve a person
	// to an account by email domain (subdomains included). Nor do they
	// identify an account that lists one among its domains: accounts that
	// share one are not merged, and none is found by it (see the package
	// doc). Nil means [DefaultFreeMailDomains]; an empty non-nil slice
	// means none.
	FreeMailDomains []string
	// ConsentWindow is how close in time two records' consent statements
	// must be for the stricter to win over the later one when the golden
	// person's consent is merged (see [MergePolicy]). Zero means
	// b2b.DefaultConsentWindow (24 hours), governance's default; a host that
	// changes governance's ConsentRules.Window sets the same value here, so
	// that the golden person and governance decide alike.
	ConsentWindow time.Duration
}

// A MergePolicy says, field by field, which source record's value the golden
// record takes.
//
// A person's email and phone that identify nobody (b2b.PlaceholderEmail:
// noreply@acme.com, unknown@unknown.com; b2b.PlaceholderPhone:
// 000-000-0000, "n/a") come after every real one before any rule: such a
// value is the golden person's only when none of its records gives a
// real one, and the rule then chooses among the placeholders.
//
// A person's consent is decided for each channel on its own, from the
// records' consent statements, by the rule that governance applies:
// the strictest recent statement wins (b2b.CompareConsent). In order:
//
//  1. the rule under Fields["consent"], when the policy has one, ranks the
//     records by source (an empty rule ranks none before another); Default
//     never applies to consent, so that a host that makes its CRM win every
//     field does not make an old CRM opt-in override a newer unsubscribe;
//  2. a statement of opt-in or opt-out wins over one of unknown, which
//     states nothing;
//  3. of two statements made within [Config].ConsentWindow of each other
//     (24 hours by default), the stricter wins: opt-out over opt-in; of
//     statements farther apart, the later wins. So a CRM opt-out recorded
//     an hour ago wins over a month-old Marketo opt-in, and is not undone
//     by a Marketo sync an hour later that had not seen it;
//  4. then the record changed last, then the record that arrived last.
//
// A statement without a time (At zero) counts at the time that restricts
// most of those it may have been made at: an opt-out at its record's time,
// the latest it can have been made (so it restricts at once, and only an
// opt-in made after its record changed can undo it); an opt-in, or
// unknown, before every dated statement (a record changed today may carry
// a flag set years ago, so it never undoes a dated opt-out). Two undated
// statements are thus decided by their statuses: the stricter wins. The
// golden person's consent carries the winning statement with that time:
// an undated opt-out dated at its record's time, an undated opt-in left
// undated, so that governance (governance.PersonStatements), applying
// later statements to the golden person, counts it as identity did.
//
// The graph has no clock: a statement dated ahead of the time it is merged
// at counts at its date (governance's Resolve, which is given a time,
// holds such a statement back until then).
type MergePolicy struct {
	// Default is the rule of every field without its own rule, but
	// consent (see above).
	Default FieldRule
	// Fields maps a field name to its rule. Person fields: email,
	// firstName, lastName, title, department, seniority, phone, company,
	// accountId, consent (see above), attributes (each key on its own).
	// Account fields: name, industry, employees, annualRevenue, country,
	// region, timeZone, owner, territory, parentId, attributes. An
	// account's domains are the union of its records' domains.
	Fields map[string]FieldRule
}

// A FieldRule ranks the records that carry a field; the first one wins.
//
// Records are ranked by the position of their source in Sources (sources
// not listed come after the listed ones, all equal), then the most recent
// first (record time), then the record that arrived last. With no Sources
// the rule is most-recent-wins. For consent, the statements' rule takes
// the place of the most recent record (see [MergePolicy]).
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
// phone, company and the account reference; the most recent record wins for
// everything else (email, attributes); consent has no rule, so each channel
// is decided by its statements alone, whichever source made them: the
// strictest recent statement wins (see [MergePolicy]).
func DefaultPersonMerge() *MergePolicy {
	crm := FieldRule{Sources: []b2b.Source{b2b.SourceSalesforce, b2b.SourceDynamics}}
	p := &MergePolicy{Fields: map[string]FieldRule{}}
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
		if k, ok := fieldKinds[ns.Name]; ok && ns.Kind != "" && ns.Kind != k {
			ps.Addf(path+".kind", "built-in namespace %s takes its values from records' fields, as kind %s: it cannot be %s", ns.Name, k, ns.Kind)
		}
	}
	validatePolicy(&ps, "personMerge", c.PersonMerge, PersonFields)
	validatePolicy(&ps, "accountMerge", c.AccountMerge, AccountFields)
	for i, d := range c.FreeMailDomains {
		if _, err := NormalizeDomain(d); err != nil {
			ps.Add(fmt.Sprintf("freeMailDomains[%d]", i), err)
		}
	}
	if c.ConsentWindow < 0 {
		ps.Addf("consentWindow", "%s is negative", c.ConsentWindow)
	}
	return ps.Err("identity config")
}

// fieldKinds are the kinds of the built-in namespaces whose values the
// graph takes from records' fields (Person.Email, Account.ID,
// Person.AccountID, Account.Domains), normalised as these kinds do: under
// another kind the identifiers of the same values would not find them.
var fieldKinds = map[Namespace]Kind{NSEmail: KindEmail, NSAccountID: KindExact, NSAccountDomain: KindDomain}

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

// maxSources is the number of sources a graph holds records of: a record
// names its source in 16 bits.
const maxSources = 1 << 16

// full reports whether s would be a source beyond maxSources.
func (t *sourceTable) full(s string) bool {
	if len(t.names) < maxSources {
		return false
	}
	_, ok := t.ids[s]
	return !ok
}

// sourceProblem adds the problem of a source beyond maxSources.
func (t *sourceTable) sourceProblem(ps *b2b.Problems, s string) {
	if t.full(s) {
		ps.Addf("source", "%q would be source number %d: a graph holds records of at most %d sources", s, maxSources+1, maxSources)
	}
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

// consentRuleText names the rule that decides a golden person's consent.
func consentRuleText(r FieldRule, window time.Duration) string {
	s := fmt.Sprintf("strictest recent statement, within %s of the latest", window)
	if len(r.Sources) == 0 {
		return s
	}
	return "source priority " + strings.Join(r.Sources, " > ") + ", then " + s
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
