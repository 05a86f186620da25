package engine

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// The event log, the outbox and the states a durable store keeps are
// JSON, which writes a time as RFC 3339: a year of four digits and a zone
// offset under 24 hours. An input that carries a time JSON cannot write
// (the year 12000, a zone 25 hours east) would fail the commit of every
// account it reaches, each time it is tried, and the call's other inputs
// with it: it is refused as invalid, naming the field.

// storableTime reports whether JSON can write t.
func storableTime(t time.Time) bool {
	if y := t.Year(); y < 0 || y > 9999 {
		return false
	}
	_, off := t.Zone()
	return off > -24*3600 && off < 24*3600
}

// timeProblem adds a problem at path when JSON cannot write t.
func timeProblem(ps *b2b.Problems, path string, t time.Time) {
	if !storableTime(t) {
		ps.Addf(path, "%s cannot be stored (a year from 0 to 9999 and a zone offset under 24 hours can)", t.Format(time.RFC3339))
	}
}

// attributeTimes adds a problem for each time.Time attribute JSON cannot
// write.
func attributeTimes(ps *b2b.Problems, prefix string, attrs map[string]any) {
	for k, v := range attrs {
		if t, ok := v.(time.Time); ok && !storableTime(t) {
			timeProblem(ps, prefix+"attributes["+strconv.Quote(k)+"]", t)
		}
	}
}

// The states keep their records' origin as JSON too (origin.go): their
// sources and record IDs, by which Recover rebuilds each record and
// finds it again. JSON writes text that is not UTF-8 with U+FFFD for each
// byte that is not, so a record so named would be rebuilt under another
// name, and the record sent again would be a second record of its golden
// account or person: it is refused as invalid too.

// keyProblem adds a problem at path when a record's key is not UTF-8.
func keyProblem(ps *b2b.Problems, path, key string) {
	if !utf8.ValidString(key) {
		ps.Addf(path, "%q is not UTF-8, which the account states cannot store", key)
	}
}

// storableAccountRecord refuses an account record with a time JSON cannot
// write, or a source, record ID, account ID or identifier it cannot
// write as given.
func storableAccountRecord(rec *identity.AccountRecord) error {
	var ps b2b.Problems
	keyProblem(&ps, "source", string(rec.Source))
	keyProblem(&ps, "recordId", rec.RecordID)
	keyProblem(&ps, "account.id", string(rec.Account.ID))
	identifierProblems(&ps, rec.Identifiers)
	timeProblem(&ps, "time", rec.Time)
	timeProblem(&ps, "account.updatedAt", rec.Account.UpdatedAt)
	attributeTimes(&ps, "account.", rec.Account.Attributes)
	return ps.Err("account record %s:%s", rec.Source, rec.RecordID)
}

// storablePersonRecord refuses a person record with a time JSON cannot
// write, or a source, record ID or identifier (an email, a phone, an
// account ID, another identifier) it cannot write as given: the person
// is found again by them.
func storablePersonRecord(rec *identity.PersonRecord) error {
	var ps b2b.Problems
	keyProblem(&ps, "source", string(rec.Source))
	keyProblem(&ps, "recordId", rec.RecordID)
	keyProblem(&ps, "person.email", rec.Person.Email)
	keyProblem(&ps, "person.phone", rec.Person.Phone)
	keyProblem(&ps, "person.accountId", string(rec.Person.AccountID))
	for i, a := range rec.OtherAccounts {
		if !utf8.ValidString(string(a)) {
			keyProblem(&ps, "otherAccounts["+strconv.Itoa(i)+"]", string(a))
		}
	}
	identifierProblems(&ps, rec.Identifiers)
	timeProblem(&ps, "time", rec.Time)
	timeProblem(&ps, "person.updatedAt", rec.Person.UpdatedAt)
	for ch, c := range rec.Person.Consent {
		if !storableTime(c.At) { // the path only then: no allocation per record
			timeProblem(&ps, "person.consent["+strconv.Quote(string(ch))+"].at", c.At)
		}
	}
	attributeTimes(&ps, "person.", rec.Person.Attributes)
	return ps.Err("person record %s:%s", rec.Source, rec.RecordID)
}

// identifierProblems adds a problem for each identifier whose value is
// not UTF-8.
func identifierProblems(ps *b2b.Problems, ids []identity.Identifier) {
	for i, x := range ids {
		if !utf8.ValidString(x.Value) { // the path only then: no allocation per record
			keyProblem(ps, "identifiers["+strconv.Itoa(i)+"].value", x.Value)
		}
	}
}

// storableOpportunity refuses an opportunity with a time JSON cannot write,
// or an ID it cannot write as given (Recover finds the account holding
// an opportunity by the ID its state keeps).
func storableOpportunity(o *b2b.Opportunity) error {
	var ps b2b.Problems
	keyProblem(&ps, "id", string(o.ID))
	timeProblem(&ps, "createdAt", o.CreatedAt)
	timeProblem(&ps, "closedAt", o.ClosedAt)
	timeProblem(&ps, "updatedAt", o.UpdatedAt)
	return ps.Err("opportunity %q", o.ID)
}

// storableActivity refuses an activity with a time JSON cannot write, or an
// ID it cannot write as given (a state keeps its activities' IDs, by
// which the activity sent again is found a duplicate). It runs for every
// activity: a valid one costs a look at its ID, its time and its
// attributes, with no allocation.
func storableActivity(a *b2b.Activity) error {
	if utf8.ValidString(string(a.ID)) && storableTime(a.Time) && !hasUnstorableTime(a.Attributes) {
		return nil
	}
	var ps b2b.Problems
	keyProblem(&ps, "id", string(a.ID))
	timeProblem(&ps, "time", a.Time)
	attributeTimes(&ps, "", a.Attributes)
	return ps.Err("activity %q", a.ID)
}

func hasUnstorableTime(attrs map[string]any) bool {
	for _, v := range attrs {
		if t, ok := v.(time.Time); ok && !storableTime(t) {
			return true
		}
	}
	return false
}
