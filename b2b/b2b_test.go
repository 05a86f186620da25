package b2b_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
)

// paths returns the field paths of a validation error's problems.
func paths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, b2b.ErrInvalid)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Path)
	}
	return out
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestAccountValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		acc  b2b.Account
		want []string
	}{
		{"valid", b2b.Account{ID: "acme", Name: "Acme", Domains: []string{"acme.com", "eu.acme.co.uk"}, Employees: 2000, TimeZone: "Europe/Berlin"}, nil},
		{"domain only is enough", b2b.Account{ID: "acme", Domains: []string{"acme.com"}}, nil},
		{"everything wrong at once", b2b.Account{Domains: []string{"Acme.com", "nodot", "-a.com"}, Employees: -1, TimeZone: "Mars/Base"}, []string{"id", "domains[0]", "domains[1]", "domains[2]", "employees", "timeZone"}},
		{"self parent", b2b.Account{ID: "a", Name: "A", ParentID: "a"}, []string{"parentId"}},
		{"an IP address or a number is no domain", b2b.Account{ID: "a", Domains: []string{"10.0.0.1", "acme.123", "acme.co1"}}, []string{"domains[0]", "domains[1]"}},
		{"bad attribute", b2b.Account{ID: "a", Name: "A", Attributes: map[string]any{"x": struct{}{}}}, []string{`attributes["x"]`}},
		{"bad attributes, in the order of their names", b2b.Account{ID: "a", Name: "A", Attributes: map[string]any{
			"z": math.NaN(), "ok": 1.5, " ": "blank name", "b": math.Inf(-1), "a": []int{1}, "n": nil}},
			[]string{`attributes[" "]`, `attributes["a"]`, `attributes["b"]`, `attributes["z"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := paths(t, tt.acc.Validate())
			require.Empty(t, cmp.Diff(tt.want, got), "(-want +got)")
		})
	}
}

// TestProblemsSayWhatIsWanted: a problem with a value of a fixed form or
// from a fixed list says what would be accepted, so that the person who
// fixes the data does not have to look it up.
func TestProblemsSayWhatIsWanted(t *testing.T) {
	t.Parallel()
	a := b2b.Account{ID: "acme", Domains: []string{"Acme.com", "https://acme.com"}}
	require.EqualError(t, a.Validate(), `account "acme": 2 problems:
  domains[0]: "Acme.com" is not a valid domain (want a lower-case host name with a dot and no scheme, such as "acme.com")
  domains[1]: "https://acme.com" is not a valid domain (want a lower-case host name with a dot and no scheme, such as "acme.com")`)
	p := b2b.Person{ID: "p1", Consent: map[string]b2b.Consent{b2b.ChannelEmail: {}, b2b.ChannelSMS: {Status: "yes"}}}
	require.EqualError(t, p.Validate(), `person "p1": 2 problems:
  consent.email.status: unknown consent status "" (want unknown, opt-in or opt-out)
  consent.sms.status: unknown consent status "yes" (want unknown, opt-in or opt-out)`)
	p = b2b.Person{ID: "p1", Consent: map[string]b2b.Consent{"fax": {Status: b2b.ConsentOptIn}}}
	require.EqualError(t, p.Validate(), `person "p1": consent.fax: unknown channel "fax" (want email, sms or phone)`)
}

// TestDomainProblemSaysTheLength: a domain refused for its length, or the
// length of a label, is told so: the form the problem asks for it has.
func TestDomainProblemSaysTheLength(t *testing.T) {
	t.Parallel()
	longLabel := strings.Repeat("a", 64) + ".com"
	long := strings.Repeat("abcdefghi.", 26) + "com"
	a := b2b.Account{ID: "acme", Domains: []string{longLabel, long}}
	require.EqualError(t, a.Validate(), `account "acme": 2 problems:
  domains[0]: "`+longLabel+`" is not a valid domain (want a lower-case host name with a dot and no scheme, such as "acme.com"): its label "`+strings.Repeat("a", 64)+`" has 64 characters, more than 63
  domains[1]: "`+long+`" is not a valid domain (want a lower-case host name with a dot and no scheme, such as "acme.com"): it has 263 characters, more than 253`)
}

// TestAccountTimeZone: a time zone is an IANA name; "Local", which Go
// reads as the zone of the machine that runs the code, is not one, so
// that an account's send windows do not depend on the host.
func TestAccountTimeZone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		zone    string
		problem bool
		want    string
	}{
		{"", false, "UTC"},
		{"Europe/Berlin", false, "Europe/Berlin"},
		{"UTC", false, "UTC"},
		{"Local", true, "UTC"},
		{"Mars/Base", true, "UTC"},
		{"America/Argentina/Buenos_Aires", false, "America/Argentina/Buenos_Aires"},
		{"Etc/GMT+5", false, "Etc/GMT+5"},
		// Paths to a zone's file on a host that has them, no zone names:
		// another host (Go's embedded database) has no such files.
		{"./UTC", true, "UTC"},
		{"Europe/./Berlin", true, "UTC"},
		{"Europe//Berlin", true, "UTC"},
		{"right/UTC", true, "UTC"}, // with leap seconds: 27 s off UTC
		// The "posix/" copy of the database is the zone itself (a host
		// with zone files took it before): it reads as the zone, on any host.
		{"posix/Europe/Berlin", false, "Europe/Berlin"},
		{"posix/", true, "UTC"},
		// The machine's zone under another name, a file only some hosts
		// have, and the zone of none: no account's zone.
		{"localtime", true, "UTC"},
		{"posixrules", true, "UTC"},
		{"Factory", true, "UTC"},
		{"posix/Factory", true, "UTC"},
	} {
		a := b2b.Account{ID: "acme", Name: "Acme", TimeZone: tc.zone}
		var want []string
		if tc.problem {
			want = []string{"timeZone"}
		}
		require.Equal(t, want, paths(t, a.Validate()), "%q", tc.zone)
		require.Equal(t, tc.want, a.Location().String(), "%q", tc.zone)
	}
}

func TestPersonValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    b2b.Person
		want []string
	}{
		{"valid", b2b.Person{ID: "p1", Email: "ann@acme.com", Seniority: b2b.SeniorityVP, Department: b2b.DepartmentIT,
			Consent: map[string]b2b.Consent{b2b.ChannelEmail: {Status: b2b.ConsentOptIn, Source: b2b.SourceMarketo, At: t0}}}, nil},
		{"no email is fine", b2b.Person{ID: "p1"}, nil},
		{"all problems", b2b.Person{Email: "ann@", Seniority: "Boss", Department: "Magic",
			Consent: map[string]b2b.Consent{"fax": {Status: "maybe"}}},
			[]string{"id", "email", "seniority", "department", "consent.fax", "consent.fax.status"}},
		// A channel that is no word (empty, with blanks or dots) is
		// named as a key, so that its path still reads as one field.
		{"channels that are no words", b2b.Person{ID: "p1", Consent: map[string]b2b.Consent{
			"": {Status: b2b.ConsentOptIn}, "e mail": {Status: b2b.ConsentOptIn}, "email.status": {Status: b2b.ConsentOptIn}}},
			[]string{`consent[""]`, `consent["e mail"]`, `consent["email.status"]`}},
		{"display name is not an email", b2b.Person{ID: "p", Email: "Ann <ann@acme.com>"}, []string{"email"}},
		{"padded email", b2b.Person{ID: "p", Email: " ann@acme.com"}, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, cmp.Diff(tt.want, paths(t, tt.p.Validate())), "(-want +got)")
		})
	}
}

// TestValidEmail: an address is accepted as people write it (plus tags,
// apostrophes, sub-domains, internationalised names) and refused when its
// domain could not be a mail domain: a label that starts or ends with a
// hyphen, a character other than letters, digits and hyphens, a domain
// literal or a number where the top-level domain goes.
func TestValidEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		email string
		want  bool
	}{
		{"ann@acme.com", true},
		{"Ann.Lee+news@EU.Acme.co.uk", true},
		{"o'brien@acme.ie", true},
		{"jose.garcia@xn--mller-kva.de", true},
		{"josé@müller.de", true},
		{"ann@a-c-m-e.com", true},
		{"ann@-acme.com", false},
		{"ann@acme-.com", false},
		{"ann@acme.com-", false},
		{"ann@acme.-com", false},
		{"ann@ac!me.com", false},
		{"ann@acme_corp.com", false},
		{"ann@acme.c%m", false},
		{"ann@[192.168.0.1]", false},
		{"ann@10.0.0.1", false},
		{"ann@acme.１２３", false},    // fullwidth digits: the number 123
		{"ann@acme.١٢٣", false},    // Arabic-Indic digits
		{"ann@１２３.acme.com", true}, // a number is fine below the top level
	} {
		require.Equal(t, tc.want, b2b.ValidEmail(tc.email), "%q", tc.email)
		require.Equal(t, tc.want, b2b.ParsedEmail(tc.email), "%q by the parse", tc.email)
	}
}

func TestActivityValidate(t *testing.T) {
	t.Parallel()
	ok := b2b.Activity{ID: "a1", Type: b2b.ActivityFillOutForm, Person: "p1", Time: t0, Attributes: map[string]any{"form": "Demo Request"}}
	require.NoError(t, ok.Validate())
	require.Equal(t, "Demo Request", ok.Attr("form"))
	require.Equal(t, "", ok.Attr("missing"))

	bad := b2b.Activity{Type: "Fill Out Form"}
	require.Equal(t, []string{"id", "type", "personId", "time"}, paths(t, bad.Validate()))

	future := ok
	future.Time = t0.Add(48 * time.Hour)
	err := future.ValidateAt(t0, time.Hour)
	require.Equal(t, []string{"time"}, paths(t, err))
	require.ErrorContains(t, err, "48h0m0s in the future (tolerance 1h0m0s)")
	require.NoError(t, future.ValidateAt(t0.Add(47*time.Hour), time.Hour))

	// A year typed wrong is further ahead than a Duration reaches: the
	// problem does not give a distance it cannot measure.
	future.Time = time.Date(9026, 3, 2, 9, 0, 0, 0, time.UTC)
	require.EqualError(t, future.ValidateAt(t0, time.Hour), `activity "a1": time: 9026-03-02T09:00:00Z is more than 292 years in the future (tolerance 1h0m0s)`)
}

// TestActivityMessageKey: the message key is a string or absent; any
// other value is refused, not left for the e-mail rates to miss.
func TestActivityMessageKey(t *testing.T) {
	t.Parallel()
	act := func(v any) b2b.Activity {
		return b2b.Activity{ID: "a1", Type: b2b.ActivityOpenEmail, Person: "p1", Time: t0, Attributes: map[string]any{b2b.AttrMessageKey: v}}
	}
	tests := []struct {
		name   string
		act    b2b.Activity
		want   []string
		reason string
	}{
		{name: "a key", act: act("msg-1")},
		{name: "no attributes", act: b2b.Activity{ID: "a1", Type: b2b.ActivityOpenEmail, Person: "p1", Time: t0}},
		{name: "empty", act: act(""), reason: "about no message"},
		{name: "null", act: act(nil), reason: "an attribute set to null is no attribute"},
		{name: "a number", act: act(42), want: []string{`attributes["messageKey"]`}},
		{name: "a list", act: act([]string{"msg-1"}), want: []string{`attributes["messageKey"]`}},
		{name: "unsupported type, reported once", act: act(struct{}{}), want: []string{`attributes["messageKey"]`},
			reason: "the attribute check already refuses it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, cmp.Diff(tt.want, paths(t, tt.act.Validate())), "%s (-want +got)", tt.reason)
		})
	}
	keyed, number := act("msg-1"), act(42)
	require.Equal(t, "msg-1", keyed.Attr(b2b.AttrMessageKey))
	err := number.Validate()
	require.ErrorContains(t, err, `attributes["messageKey"]: must be a string (the key of the message the activity is about), got int`)
}

func TestActivityTypes(t *testing.T) {
	t.Parallel()
	require.Len(t, b2b.MarketoActivityTypes, 52)
	for id, name := range b2b.MarketoActivityTypes {
		require.True(t, b2b.ValidActivityType(name), "marketo type %d %q", id, name)
	}
	got, ok := b2b.ActivityTypeFromMarketoID(46)
	require.True(t, ok)
	require.Equal(t, b2b.ActivityInterestingMoment, got)
	_, ok = b2b.ActivityTypeFromMarketoID(100001)
	require.False(t, ok)
	for _, tt := range []struct {
		in   string
		want bool
	}{{"g2:intent_surge", true}, {"webinar-poll.answer", true}, {"", false}, {"1st", false}, {"Visit", false}, {"a b", false}} {
		require.Equal(t, tt.want, b2b.ValidActivityType(tt.in), tt.in)
	}

	// A type too long, of characters that are all fine, is told so.
	long := b2b.Activity{ID: "a1", Type: strings.Repeat("a", 65), Person: "p1", Time: t0}
	require.ErrorContains(t, long.Validate(), `is not a valid activity type (lower-case letters, digits, _ . : -, starting with a letter): it has 65 characters, more than 64`)
}

func TestOpportunityValidate(t *testing.T) {
	t.Parallel()
	ok := b2b.Opportunity{ID: "o1", Account: "acme", Status: b2b.OpportunityWon, CreatedAt: t0, ClosedAt: t0.Add(time.Hour), Amount: 1000,
		ContactRoles: []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEconomicBuyer, Primary: true}}}
	require.NoError(t, ok.Validate())
	bad := b2b.Opportunity{Status: "closed/won", Amount: -1, CreatedAt: t0, ClosedAt: t0.Add(-time.Hour),
		ContactRoles: []b2b.ContactRole{{Person: "p1", Role: "x"}, {Person: "p1"}}}
	require.Equal(t, []string{"id", "accountId", "amount", "status", "contactRoles[1].personId", "contactRoles[1].role"}, paths(t, bad.Validate()))
	open := b2b.Opportunity{ID: "o", Account: "a", Status: b2b.OpportunityOpen, CreatedAt: t0, ClosedAt: t0}
	require.Equal(t, []string{"closedAt"}, paths(t, open.Validate()))
}

// TestOpportunityClosedBeforeCreated: a CRM's close date may come before
// the record's creation, and such a deal is kept: a close date is a date
// (midnight) for a deal created later that day, and a deal entered after
// it closed (a migration, a backfill) keeps its real close date.
func TestOpportunityClosedBeforeCreated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		created, closedAt time.Time
	}{
		{"closed on the day it was created, the close date a date", t0, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{"entered in the CRM a year after it closed", t0, t0.AddDate(-1, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := b2b.Opportunity{ID: "o1", Account: "acme", Status: b2b.OpportunityWon, Amount: 1000, CreatedAt: tc.created, ClosedAt: tc.closedAt}
			require.NoError(t, o.Validate())
		})
	}
}

func TestValidationErrorFormat(t *testing.T) {
	t.Parallel()
	var ps b2b.Problems
	require.NoError(t, ps.Err("x"))
	ps.Addf("name", "is required")
	inner := errors.New("line 1\ncaret")
	ps.Add("roles[0].rule", inner)
	ps.Add("ignored", nil)
	nested := (&b2b.Person{Email: "x"}).Validate()
	ps.Add("persons[2]", nested)
	err := ps.Err("template %q", "standard")
	require.Equal(t, `template "standard": 4 problems:
  name: is required
  roles[0].rule: line 1
    caret
  persons[2].id: is required
  persons[2].email: "x" is not a valid email address`, err.Error())
	require.ErrorIs(t, err, inner)
	require.Equal(t, "a[1]", b2b.JoinPath("a", "[1]"))
	require.Equal(t, "b", b2b.JoinPath("", "b"))
}

func TestPersonHelpers(t *testing.T) {
	t.Parallel()
	p := b2b.Person{Email: "ann@acme.com"}
	require.Equal(t, "ann@acme.com", p.Name())
	p.FirstName, p.LastName = "Ann", "Lee"
	require.Equal(t, "Ann Lee", p.Name())
	require.Equal(t, b2b.ConsentUnknown, p.ConsentFor(b2b.ChannelSMS).Status)
	p.Consent = map[string]b2b.Consent{b2b.ChannelSMS: {Status: b2b.ConsentOptOut}}
	require.True(t, p.ConsentFor(b2b.ChannelSMS).OptedOut())
	a := b2b.Account{TimeZone: "Europe/Berlin"}
	require.Equal(t, "Europe/Berlin", a.Location().String())
	require.Equal(t, time.UTC, (&b2b.Account{}).Location())
}

// TestOpportunityContactRolePerson: a contact role's person is an ID,
// required like every other: one of blanks names nobody.
func TestOpportunityContactRolePerson(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		roles []b2b.ContactRole
		want  []string
	}{
		{"a person", []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEvaluator}}, nil},
		{"no person", []b2b.ContactRole{{Role: b2b.ContactRoleEvaluator}}, []string{"contactRoles[0].personId"}},
		{"blanks", []b2b.ContactRole{{Person: " \t", Role: b2b.ContactRoleEvaluator}}, []string{"contactRoles[0].personId"}},
		{"twice", []b2b.ContactRole{{Person: "p1", Role: b2b.ContactRoleEvaluator}, {Person: "p1", Role: b2b.ContactRoleInfluencer}}, []string{"contactRoles[1].personId"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := b2b.Opportunity{ID: "o1", Account: "acme", Status: b2b.OpportunityOpen, CreatedAt: t0, ContactRoles: tt.roles}
			require.Empty(t, cmp.Diff(tt.want, paths(t, o.Validate())), "(-want +got)")
		})
	}
}

// kindError gives a validation error a kind, as a package's own error
// type does, and says nothing more.
type kindError struct{ *b2b.ValidationError }

func (e kindError) Unwrap() error { return e.ValidationError }

// TestProblemsAddKeepsWhatWrapsAValidationError: only a validation error
// itself is flattened into its problems; an error that wraps one, or
// joins it with others, is one problem whose text keeps everything it
// says.
func TestProblemsAddKeepsWhatWrapsAValidationError(t *testing.T) {
	t.Parallel()
	nested := (&b2b.Person{ID: "p1", Email: "x"}).Validate()
	other := errors.New("other")
	var ps b2b.Problems
	ps.Add("persons[0]", nested)
	ps.Add("persons[1]", fmt.Errorf("from crm: %w", nested))
	ps.Add("persons[2]", errors.Join(nested, other))
	var ve0 *b2b.ValidationError
	require.ErrorAs(t, nested, &ve0)
	ps.Add("persons[3]", kindError{ve0}) // says nothing more: flattened
	err := ps.Err("import")
	require.Equal(t, `import: 4 problems:
  persons[0].email: "x" is not a valid email address
  persons[1]: from crm: person "p1": email: "x" is not a valid email address
  persons[2]: person "p1": email: "x" is not a valid email address
    other
  persons[3].email: "x" is not a valid email address`, err.Error())
	require.ErrorIs(t, err, other)
	var ve *b2b.ValidationError
	require.ErrorAs(t, err, &ve)
}
