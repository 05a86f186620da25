package b2b

import (
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Seniority is a person's level in the taxonomy below. It is a string alias
// so that rules compare it with string literals.
type Seniority = string

// The seniority taxonomy. Founders, owners, presidents and managing
// directors are C-Level; "Head of X" is Director; team and tech leads are
// Manager.
const (
	SeniorityCLevel     Seniority = "C-Level"
	SeniorityVP         Seniority = "VP"
	SeniorityDirector   Seniority = "Director"
	SeniorityManager    Seniority = "Manager"
	SeniorityIndividual Seniority = "Individual Contributor"
)

// Seniorities lists the taxonomy from the most to the least senior.
var Seniorities = []Seniority{SeniorityCLevel, SeniorityVP, SeniorityDirector, SeniorityManager, SeniorityIndividual}

// Department is a person's function in the taxonomy below.
type Department = string

// The department taxonomy. Executive is general management with no function
// (CEO, President, Founder); Other is a function outside a typical B2B buying
// committee (clinical, academic, ...).
const (
	DepartmentFinance     Department = "Finance"
	DepartmentIT          Department = "IT"
	DepartmentEngineering Department = "Engineering"
	DepartmentSecurity    Department = "Security"
	DepartmentMarketing   Department = "Marketing"
	DepartmentSales       Department = "Sales"
	DepartmentOperations  Department = "Operations"
	DepartmentHR          Department = "HR"
	DepartmentLegal       Department = "Legal"
	DepartmentProcurement Department = "Procurement"
	DepartmentProduct     Department = "Product"
	DepartmentExecutive   Department = "Executive"
	DepartmentOther       Department = "Other"
)

// Departments lists the department taxonomy.
var Departments = []Department{
	DepartmentFinance, DepartmentIT, DepartmentEngineering, DepartmentSecurity,
	DepartmentMarketing, DepartmentSales, DepartmentOperations, DepartmentHR,
	DepartmentLegal, DepartmentProcurement, DepartmentProduct,
	DepartmentExecutive, DepartmentOther,
}

// A Person is a lead or a contact.
type Person struct {
	ID        PersonID `expr:"id" json:"id,omitzero"`
	Email     string   `expr:"email" json:"email,omitzero"`
	FirstName string   `expr:"firstName" json:"firstName,omitzero"`
	LastName  string   `expr:"lastName" json:"lastName,omitzero"`
	Title     string   `expr:"title" json:"title,omitzero"`
	// Department and Seniority use the taxonomy above; empty means unknown
	// (the persona classifier can derive them from the title).
	Department Department `expr:"department" json:"department,omitzero"`
	Seniority  Seniority  `expr:"seniority" json:"seniority,omitzero"`
	Phone      string     `expr:"phone" json:"phone,omitzero"`
	// Company is the company name the person gave (on a form, in the CRM);
	// identity resolution uses it when neither an account reference nor the
	// email domain finds the account.
	Company string `expr:"company" json:"company,omitzero"`
	// AccountID is an explicit account reference from the source system (a
	// CRM contact's AccountId), if any.
	AccountID AccountID `expr:"accountId" json:"accountId,omitzero"`
	// Consent holds the person's consent per channel; a missing channel is
	// ConsentUnknown (see [Consent.Missing]), in rules too.
	Consent map[Channel]Consent `expr:"consent" json:"consent,omitzero"`
	// Attributes are custom fields; read them in rules with attr().
	Attributes map[string]any `expr:"attributes" json:"attributes,omitzero"`
	Source     Source         `expr:"source" json:"source,omitzero"`
	UpdatedAt  time.Time      `expr:"updatedAt" json:"updatedAt,omitzero"`
}

// Name returns "First Last", or the email when both are empty.
func (p *Person) Name() string {
	n := strings.TrimSpace(p.FirstName + " " + p.LastName)
	if n == "" {
		return p.Email
	}
	return n
}

// ConsentFor returns the person's consent for a channel: for a channel
// missing from Consent, [Consent.Missing] (status unknown), which is what
// a rule reads for it too.
func (p *Person) ConsentFor(ch Channel) Consent {
	if c, ok := p.Consent[ch]; ok {
		return c
	}
	return Consent{}.Missing()
}

// Validate reports every problem with the person at once.
func (p *Person) Validate() error {
	var ps Problems
	if strings.TrimSpace(string(p.ID)) == "" {
		ps.Addf("id", "is required")
	}
	if p.Email != "" && !ValidEmail(p.Email) {
		ps.Addf("email", "%q is not a valid email address", p.Email)
	}
	if p.Seniority != "" && !isOneOf(p.Seniority, Seniorities) {
		ps.Addf("seniority", "unknown seniority %q (want one of %s)", p.Seniority, strings.Join(Seniorities, ", "))
	}
	if p.Department != "" && !isOneOf(p.Department, Departments) {
		ps.Addf("department", "unknown department %q (want one of %s)", p.Department, strings.Join(Departments, ", "))
	}
	for _, ch := range slices.Sorted(maps.Keys(p.Consent)) {
		c := p.Consent[ch]
		path := consentPath(ch)
		if !isOneOf(ch, Channels) {
			ps.Addf(path, "unknown channel %q (want %s, %s or %s)", ch, ChannelEmail, ChannelSMS, ChannelPhone)
		}
		if !isOneOf(c.Status, consentStatuses) {
			ps.Addf(path+".status", "unknown consent status %q (want %s, %s or %s)", c.Status, ConsentUnknown, ConsentOptIn, ConsentOptOut)
		}
	}
	validateAttributes(&ps, p.Attributes)
	return ps.Err("person %q", p.ID)
}

// consentPath is the path of a channel's consent: consent.email, or, for a
// channel that is no word, consent[""] or consent["e mail"], so that the
// path names one field ("consent.email.status" would be the status of
// the email channel, not a channel "email.status").
func consentPath(ch Channel) string {
	word := ch != ""
	for i := 0; i < len(ch) && word; i++ {
		c := ch[i]
		word = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	if word {
		return "consent." + ch
	}
	return "consent[" + quote(ch) + "]"
}

// ValidEmail reports whether s is a single bare address ("ann@acme.com"),
// with no display name, whose domain is a domain name of two or more
// labels: letters (of any script), digits and hyphens, no hyphen at
// either end of a label, and a top-level label that is not a number. A
// domain literal ("[192.168.0.1]") or a character no host name has
// ("acme_corp.com") is refused: no mail is delivered there.
func ValidEmail(s string) bool { return plainEmail(s) || parsedEmail(s) }

// parsedEmail is ValidEmail by net/mail's parser.
func parsedEmail(s string) bool {
	if s != strings.TrimSpace(s) || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && mailDomain(s[at+1:])
}

// plainEmail reports whether s is an address of the plain form most
// addresses have: a local part of letters, digits and ._%+-' with no dot
// at either end nor two in a row, one @, and a domain of two or more
// labels of letters, digits and hyphens (see [mailDomain]). Every such
// address passes ValidEmail's parse; checking the form first spares most
// addresses the parse and its allocations (every message's recipient is
// checked).
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !isAlnum(c) && !strings.ContainsRune("._%+-'", rune(c)) {
			return false
		}
	}
	return mailDomain(domain)
}

// mailDomain reports whether d is a domain name mail can be delivered to:
// two or more labels of letters (of any script), digits and hyphens, with
// no hyphen at either end of a label, the last not all digits (of any
// script).
func mailDomain(d string) bool {
	labels := 0
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if r < utf8.RuneSelf && !isAlnum(byte(r)) && r != '-' || r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return false
			}
		}
		labels++
	}
	// The top-level label is no number in any script's digits either
	// (fullwidth "１２３" is 123 as a host name).
	top := d[strings.LastIndexByte(d, '.')+1:]
	return labels > 1 && strings.TrimFunc(top, unicode.IsDigit) != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isOneOf(s string, list []string) bool { return slices.Contains(list, s) }
