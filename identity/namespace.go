package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Namespace names a kind of identifier: an email address, a Marketo person
// ID, a Salesforce contact ID, ... Two records that carry the same value in
// the same namespace are the same person (or the same account).
type Namespace string

// The built-in namespaces. Custom namespaces are declared in
// [Config].Namespaces.
const (
	// NSEmail holds email addresses, normalised by [NormalizeEmail]. A
	// person record's Person.Email is added to it automatically.
	NSEmail Namespace = "email"
	// NSMarketoPersonID holds Marketo lead IDs.
	NSMarketoPersonID Namespace = "marketo_person_id"
	// NSSalesforceLeadID holds Salesforce lead IDs (15 or 18 characters;
	// see [NormalizeSalesforceID]).
	NSSalesforceLeadID Namespace = "salesforce_lead_id"
	// NSSalesforceContactID holds Salesforce contact IDs; unique by default:
	// two different contact IDs never merge into one person.
	NSSalesforceContactID Namespace = "salesforce_contact_id"
	// NSDynamicsContactID holds Dynamics contact GUIDs (case and braces
	// ignored); unique by default.
	NSDynamicsContactID Namespace = "dynamics_contact_id"
	// NSAccountID holds account IDs as any source knows them (a CRM account
	// ID, a Marketo company's external ID). An account record's Account.ID
	// is added to it automatically, and a person's explicit account
	// reference (Person.AccountID) is looked up in it. A person record
	// may not carry it among its identifiers (nor NSAccountDomain): the
	// persons of one account would be one person.
	NSAccountID Namespace = "account_id"
	// NSAccountDomain holds account web domains, normalised by
	// [NormalizeDomain]. An account record's Account.Domains are added to
	// it automatically, but a placeholder (example.com, acme.test: see
	// [AccountRecord]), which identifies no account.
	NSAccountDomain Namespace = "account_domain"
)

// Kind says how the values of a namespace are normalised before they are
// compared. A normalised value of kind KindExact, KindCaseInsensitive or
// KindGUID holds 1 to 255 bytes without whitespace or control characters;
// the limit holds for the normalised value, which lower case can make
// longer or shorter than the value given. Normalising is idempotent: a
// normalised value normalises to itself.
//
// A record that gives a value of those kinds holding an invisible format
// character (a zero-width space U+200B, a byte-order mark U+FEFF, a soft
// hyphen U+00AD, a direction mark or embedding such as U+200E or U+202E:
// Unicode category Cf but for the zero-width joiner and non-joiner, which
// Persian and Indic words and emoji sequences hold), anywhere in it, is refused with a problem naming
// the identifier: the character is neither removed nor kept, as it would
// make another ID than the one it shows, and the records of one person
// or account would not find each other by it. So are an account's ID
// and parent ID and a person's account references holding one. (A state
// saved before holds such values as they were, and restores.) A value
// of KindSalesforceID takes letters and digits only; an email and a
// domain lose such characters around them, and inside them are refused
// or, in a domain, dropped as UTS #46 drops them (see [NormalizeEmail],
// [NormalizeDomain]).
type Kind string

// The kinds of namespace values.
const (
	// KindExact trims surrounding space; case matters.
	KindExact Kind = "exact"
	// KindCaseInsensitive trims surrounding space and lower-cases.
	KindCaseInsensitive Kind = "case_insensitive"
	// KindEmail normalises with NormalizeEmail.
	KindEmail Kind = "email"
	// KindDomain normalises with NormalizeDomain.
	KindDomain Kind = "domain"
	// KindSalesforceID normalises with NormalizeSalesforceID.
	KindSalesforceID Kind = "salesforce_id"
	// KindGUID trims surrounding space, removes surrounding braces ("{{x}}"
	// is "x") and lower-cases.
	KindGUID Kind = "guid"
)

// A NamespaceSpec declares a namespace.
type NamespaceSpec struct {
	Name Namespace
	// Kind is how values are normalised; empty means KindExact, or the
	// built-in kind for a built-in namespace redeclared (to make it
	// unique, say).
	Kind Kind
	// Unique means a golden record holds at most one value of the
	// namespace: a record that gives two (among its identifiers, or
	// one there and another in its fields: a person's email, an
	// account's ID or domains, when their namespace is declared unique)
	// is refused with a problem naming the second, and a link that would
	// bring a second value into a golden record is refused and reported
	// as a [ConflictUniqueNamespace]. (A state saved before such records
	// were refused restores as it was.) A new version of a record that
	// gives another value than the record held is taken, its value
	// replacing the old one, which leaves the golden record unless
	// another of its records still gives it; the new value is refused
	// while another record gives the golden record a value (see
	// Conflicts in the package documentation). Values of other
	// namespaces accumulate over versions.
	Unique bool
}

// DefaultNamespaces returns the built-in namespace declarations.
func DefaultNamespaces() []NamespaceSpec {
	return []NamespaceSpec{
		{Name: NSEmail, Kind: KindEmail},
		{Name: NSMarketoPersonID, Kind: KindCaseInsensitive},
		{Name: NSSalesforceLeadID, Kind: KindSalesforceID},
		{Name: NSSalesforceContactID, Kind: KindSalesforceID, Unique: true},
		{Name: NSDynamicsContactID, Kind: KindGUID, Unique: true},
		{Name: NSAccountID, Kind: KindExact},
		{Name: NSAccountDomain, Kind: KindDomain},
	}
}

// An Identifier is a value in a namespace.
type Identifier struct {
	Namespace Namespace `json:"namespace"`
	Value     string    `json:"value"`
}

func (id Identifier) String() string { return string(id.Namespace) + ":" + id.Value }

// maxValueLen is the longest normalised value of a namespace of kind
// KindExact, KindCaseInsensitive or KindGUID, in bytes.
const maxValueLen = 255

// normalizeValue returns the canonical value of v in a namespace of kind k.
// Its limits hold for the value it returns, so that a returned value is
// accepted again and returned unchanged. With stored set the value is one
// of a saved state, which holds what was accepted when it was saved (see
// normalizeEmail and normalizeDomain).
func normalizeValue(k Kind, v string, stored bool) (string, error) {
	switch k {
	case KindEmail:
		return normalizeEmail(v, stored)
	case KindDomain:
		return normalizeDomain(v, stored)
	case KindSalesforceID:
		return NormalizeSalesforceID(v)
	}
	in := trimSpace(v)
	t := in
	if k == KindGUID {
		for len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' {
			t = t[1 : len(t)-1]
		}
	}
	if t == "" {
		return "", fmt.Errorf("empty value")
	}
	// Lower case is at least a third as long (U+212A KELVIN SIGN, 3 bytes,
	// is "k"): a longer value cannot fit once normalised.
	if len(t) > 3*maxValueLen {
		return "", fmt.Errorf("value %q is longer than %d bytes", truncate(in), maxValueLen)
	}
	if !visibleASCII(t) {
		for _, r := range t {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				return "", fmt.Errorf("value %q contains whitespace or a control character", in)
			}
		}
	}
	if k == KindCaseInsensitive || k == KindGUID {
		t = lower(t)
	}
	if len(t) > maxValueLen { // lower case can be longer (U+023A is 2 bytes, U+2C65 3)
		return "", fmt.Errorf("value %q is longer than %d bytes", truncate(in), maxValueLen)
	}
	return t, nil
}

// NormalizeSalesforceID returns the case-sensitive 15-character form of a
// Salesforce record ID. An 18-character ID is shortened after its last
// three characters have restored the case of the first fifteen, so
// "0035e00000abcdeAAA", "0035E00000ABCDEAAA" and "0035e00000abcde" give the
// same value whatever case a spreadsheet left them in.
func NormalizeSalesforceID(s string) (string, error) {
	t := trimSpace(s)
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			r, _ := utf8.DecodeRuneInString(t[i:]) // the character, not its first byte
			return "", fmt.Errorf("salesforce ID %q: character %q not allowed", truncate(t), r)
		}
	}
	switch len(t) {
	case 15:
		return t, nil
	case 18:
	case 1:
		return "", fmt.Errorf("salesforce ID %q: has 1 character, want 15 or 18", t)
	default:
		return "", fmt.Errorf("salesforce ID %q: has %d characters, want 15 or 18", truncate(t), len(t))
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	out := []byte(t[:15])
	for chunk := range 3 {
		c := t[15+chunk]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		bits := strings.IndexByte(alphabet, c)
		if bits < 0 {
			return "", fmt.Errorf("salesforce ID %q: bad checksum character %q", t, rune(t[15+chunk]))
		}
		for i := range 5 {
			b := &out[chunk*5+i]
			upper := bits&(1<<i) != 0
			switch {
			case upper && *b >= 'a' && *b <= 'z':
				*b -= 'a' - 'A'
			case !upper && *b >= 'A' && *b <= 'Z':
				*b += 'a' - 'A'
			}
		}
	}
	return string(out), nil
}

// invisibleID returns an error when an ID (a value of a namespace of
// kind KindExact, KindCaseInsensitive or KindGUID, an account ID or an
// account reference) holds an invisible format character (Unicode
// category Cf: a zero-width space, a byte-order mark, a soft hyphen, a
// direction mark or embedding; not the zero-width joiner and
// non-joiner, which Persian and Indic words and emoji sequences hold), as
// exports and copy and paste leave them. Such a character makes another ID of the one it shows: two
// records of one person or account would not find each other by it.
// Records that give one are refused; a stored state that holds one
// still restores, so it is no part of normalizeValue.
func invisibleID(v string) error {
	if visibleASCII(v) {
		return nil
	}
	for _, r := range v {
		// The joiners (U+200C, U+200D) are part of the text they are in:
		// Persian and Indic words, emoji sequences.
		if unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d' {
			return fmt.Errorf("value %q contains an invisible character (%U), which makes it another ID than the one it shows", truncate(trimSpace(v)), r)
		}
	}
	return nil
}

// idKind reports whether values of kind k are checked by invisibleID:
// the kinds that take any visible character.
func idKind(k Kind) bool { return k == KindExact || k == KindCaseInsensitive || k == KindGUID }

// visibleASCII reports whether s holds only printable ASCII without space,
// which needs no further check for whitespace or control characters.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}
