package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// An origin is what identity resolution holds of a golden record beyond
// its values: its source records in order of arrival, each with the
// fields it gave the golden record and its time, and the identifiers that
// no field holds. An account's state keeps its account's origin, and a
// person entry its person's when the golden record does not tell it, so
// that Recover can rebuild each record with the values it gave.
type origin struct {
	Records     []recordOrigin        `json:"records"`
	Identifiers []identity.Identifier `json:"identifiers,omitempty"`
	// Unindexed are a person's identifiers (the email too) that find
	// another person, which held them first and which a conflict kept
	// apart, or no one, their holder erased; and an account's (its IDs
	// and domains too) that find another account, which held them first
	// and which a conflict kept apart. Which record held an identifier
	// first is in no record, so Recover needs it to give each identifier
	// back to its holder. An origin without it (of a state written before
	// it was kept) has none.
	Unindexed []identity.Identifier `json:"unindexed,omitempty"`
}

type recordOrigin struct {
	Record identity.RecordRef `json:"record"`
	// Time is the record's time, when it gave the golden record a field;
	// zero when it gave none.
	Time time.Time `json:"time,omitzero"`
	// Fields are the fields it gave, as provenance names them ("title",
	// "consent.email", "attributes.plan"), sorted.
	Fields []string `json:"fields,omitempty"`
}

// encode returns the origin's JSON, which a state keeps: one pointer
// for the collector where the origin's lists and strings are many. It is
// nil for an origin JSON cannot hold (a time past the year 9999, which a
// state encoded as JSON cannot hold either).
func (o *origin) encode() json.RawMessage {
	data, err := json.Marshal(o)
	if err != nil {
		return nil
	}
	return data
}

// originOf builds an origin from a golden record's records, provenance,
// identifiers and time (its newest record's). A field resolved by
// identity ("accountId" from a link) names no record. The time of a
// record that gave no field is known when it is the golden record's and
// no other record's: it is then kept too.
func originOf(records []identity.RecordRef, prov map[string]identity.Provenance, idents []identity.Identifier, updated time.Time) *origin {
	o := &origin{Records: make([]recordOrigin, len(records)), Identifiers: idents}
	for i, r := range records {
		o.Records[i].Record = r
	}
	for _, k := range slices.Sorted(maps.Keys(prov)) {
		p := prov[k]
		i := slices.IndexFunc(records, func(r identity.RecordRef) bool { return r.Source == p.Source && r.RecordID == p.RecordID })
		if i < 0 {
			continue
		}
		o.Records[i].Fields = append(o.Records[i].Fields, k)
		o.Records[i].Time = p.Time
	}
	if !slices.ContainsFunc(o.Records, func(r recordOrigin) bool { return r.Time.Equal(updated) }) {
		unknown := -1
		for i, r := range o.Records {
			if r.Time.IsZero() {
				if unknown >= 0 {
					return o // two candidates: neither is known
				}
				unknown = i
			}
		}
		if unknown >= 0 {
			o.Records[unknown].Time = updated
		}
	}
	return o
}

// accountOrigin is a golden account's origin, encoded; its identifiers
// leave out its ID and domains, which the golden record holds. unindexed
// are the account's identifiers that find another account or none.
func accountOrigin(ga *identity.GoldenAccount, unindexed []identity.Identifier) json.RawMessage {
	var idents []identity.Identifier
	for _, id := range ga.Identifiers {
		switch {
		case id.Namespace == identity.NSAccountID && id.Value == string(ga.ID):
		case id.Namespace == identity.NSAccountDomain && slices.Contains(ga.Account.Domains, id.Value):
		default:
			idents = append(idents, id)
		}
	}
	o := originOf(ga.Records, ga.Provenance, idents, ga.Account.UpdatedAt)
	o.Unindexed = unindexed
	return o.encode()
}

// personScalars are the person fields a record gives as they are, in
// identity's names (the account reference is resolved into a link).
var personScalars = []string{"email", "firstName", "lastName", "title", "department", "seniority", "phone", "company"}

// personOrigin is a golden person's origin, encoded, or nil when the
// golden record tells it: one record, named by the person's ID, that gave
// every field the golden record has (the account reference when the
// primary link is explicit) at the person's time, and no identifier but
// the email, which finds the person. unindexed are the person's
// identifiers that find another person or no one.
func personOrigin(gp *identity.GoldenPerson, unindexed []identity.Identifier) json.RawMessage {
	var idents []identity.Identifier
	for _, id := range gp.Identifiers {
		if id != (identity.Identifier{Namespace: identity.NSEmail, Value: gp.Person.Email}) {
			idents = append(idents, id)
		}
	}
	if len(idents) == 0 && len(unindexed) == 0 && len(gp.Records) == 1 && gp.Records[0].String() == string(gp.ID) && plainProvenance(gp) {
		return nil
	}
	o := originOf(gp.Records, gp.Provenance, idents, gp.Person.UpdatedAt)
	o.Unindexed = unindexed
	return o.encode()
}

// plainProvenance reports whether the one record of a golden person gave
// it every field it has, at the person's time.
func plainProvenance(gp *identity.GoldenPerson) bool {
	p := &gp.Person
	want := len(p.Consent) + len(p.Attributes)
	for _, f := range personScalars {
		if personField(p, f) != "" {
			want++
		}
	}
	if len(gp.Links) > 0 && gp.Links[0].Method == identity.MethodExplicit {
		want++
	}
	own := gp.Records[0]
	n := 0
	for k, pv := range gp.Provenance {
		if k == "accountId" && pv.Source == b2b.SourceQuorum {
			continue
		}
		if pv.Source != own.Source || pv.RecordID != own.RecordID || !pv.Time.Equal(p.UpdatedAt) {
			return false
		}
		n++
	}
	return n == want
}

func personField(p *b2b.Person, f string) string {
	switch f {
	case "email":
		return p.Email
	case "firstName":
		return p.FirstName
	case "lastName":
		return p.LastName
	case "title":
		return p.Title
	case "department":
		return string(p.Department)
	case "seniority":
		return string(p.Seniority)
	case "phone":
		return p.Phone
	case "company":
		return p.Company
	}
	return ""
}

// filledFields are the fields the persona classifier filled in a
// person, as bits (no pointer for the collector); JSON names them.
type filledFields uint8

const (
	filledDepartment filledFields = 1 << iota
	filledSeniority
)

var filledNames = []struct {
	bit  filledFields
	name string
}{{filledDepartment, "department"}, {filledSeniority, "seniority"}}

// filledOf tells what the persona classifier filled in p to make filled.
func filledOf(p, filled *b2b.Person) filledFields {
	var f filledFields
	if p.Department != filled.Department {
		f |= filledDepartment
	}
	if p.Seniority != filled.Seniority {
		f |= filledSeniority
	}
	return f
}

// MarshalJSON writes the fields' names, as provenance names them.
func (f filledFields) MarshalJSON() ([]byte, error) {
	var names []string
	for _, n := range filledNames {
		if f&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return json.Marshal(names)
}

// UnmarshalJSON reads the fields' names.
func (f *filledFields) UnmarshalJSON(data []byte) error {
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return err
	}
	*f = 0
next:
	for _, name := range names {
		for _, n := range filledNames {
			if n.name == name {
				*f |= n.bit
				continue next
			}
		}
		return fmt.Errorf("filled fields: unknown field %q", name)
	}
	return nil
}

// keepSuppressed adds an erasure's suppression hashes to the state: when
// the person was erased from it here, or (here false) when it keeps some
// of them already, from an earlier round of the erasure. It reports
// whether it added any.
func (ps *pass) keepSuppressed(hashes []string, here bool) bool {
	st := ps.st
	if len(hashes) == 0 || !here && !slices.ContainsFunc(hashes, func(h string) bool { return slices.Contains(st.Suppressed, h) }) {
		return false
	}
	next := slices.Clone(st.Suppressed)
	for _, h := range hashes {
		if !slices.Contains(next, h) {
			next = append(next, h)
		}
	}
	if len(next) == len(st.Suppressed) {
		return false
	}
	slices.Sort(next)
	st.Suppressed = next
	return true
}
