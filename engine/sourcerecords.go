package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/identity"
)

// decodeOrigin reads an origin a state keeps; nil when it keeps none.
func decodeOrigin(data json.RawMessage) (*origin, error) {
	if len(data) == 0 {
		return nil, nil
	}
	o := &origin{}
	if err := json.Unmarshal(data, o); err != nil {
		return nil, fmt.Errorf("decode origin: %w", err)
	}
	return o, nil
}

// recordEpoch is the time of a rebuilt record that gave its golden
// record no field, whose time the state does not keep: older than any
// version of it a source may send, so that none is taken for stale.
var recordEpoch = time.Unix(0, 0).UTC()

// personRecords rebuilds a person's source records, their own first, from
// an entry of an account's state and its origin; explicit are the
// account references of the person's explicit links (the account's ID or
// the other ID of it that made the link), the primary one first when
// primary is set.
func personRecords(pe *personEntry, o *origin, explicit []b2b.AccountID, primary bool) ([]identity.PersonRecord, error) {
	golden := pe.Person
	golden.Attributes = decodedAttributes(golden.Attributes)
	if o == nil {
		source, recordID, ok := strings.Cut(string(golden.ID), ":")
		if !ok {
			return nil, fmt.Errorf("person ID %q names no record (source:recordID)", golden.ID)
		}
		rec := identity.PersonRecord{Source: source, RecordID: recordID, Person: golden, Time: golden.UpdatedAt}
		p := &rec.Person
		p.ID, p.Source, p.UpdatedAt, p.AccountID = "", "", time.Time{}, ""
		p.Consent, p.Attributes = maps.Clone(p.Consent), maps.Clone(p.Attributes) // the state's are shared
		if pe.Filled&filledDepartment != 0 {
			p.Department = ""
		}
		if pe.Filled&filledSeniority != 0 {
			p.Seniority = ""
		}
		if primary {
			p.AccountID, explicit = explicit[0], explicit[1:]
		}
		rec.OtherAccounts = slices.Clone(explicit)
		return []identity.PersonRecord{rec}, nil
	}
	own := slices.IndexFunc(o.Records, func(r recordOrigin) bool { return r.Record.String() == string(golden.ID) })
	if own < 0 {
		return nil, fmt.Errorf("no record of the person's origin names its ID")
	}
	order := []int{own}
	for i := range o.Records {
		if i != own {
			order = append(order, i)
		}
	}
	if primary {
		// The record that gave the account reference gave the one that
		// made the primary link, which may be another ID of the account
		// than the golden record's (Link.Reference).
		golden.AccountID = explicit[0]
	}
	// The explicit links but the one a record's account reference makes
	// come from the records' other account references.
	given := slices.ContainsFunc(o.Records, func(r recordOrigin) bool { return slices.Contains(r.Fields, "accountId") })
	var others []b2b.AccountID
	for _, a := range explicit {
		if !given || a != golden.AccountID {
			others = append(others, a)
		}
	}
	out := make([]identity.PersonRecord, 0, len(o.Records))
	for _, i := range order {
		r := o.Records[i]
		rec := identity.PersonRecord{Source: r.Record.Source, RecordID: r.Record.RecordID, Time: r.Time}
		if rec.Time.IsZero() {
			rec.Time = recordEpoch
		}
		for _, f := range r.Fields {
			if !setPersonField(&rec.Person, &golden, f) {
				return nil, fmt.Errorf("record %s: unknown field %q", r.Record, f)
			}
		}
		if len(out) == 0 {
			rec.Identifiers = slices.Clone(o.Identifiers)
			rec.OtherAccounts = others
		}
		out = append(out, rec)
	}
	return out, nil
}

// setPersonField sets field f of dst to src's, as provenance names it.
func setPersonField(dst, src *b2b.Person, f string) bool {
	switch f {
	case "email":
		dst.Email = src.Email
	case "firstName":
		dst.FirstName = src.FirstName
	case "lastName":
		dst.LastName = src.LastName
	case "title":
		dst.Title = src.Title
	case "department":
		dst.Department = src.Department
	case "seniority":
		dst.Seniority = src.Seniority
	case "phone":
		dst.Phone = src.Phone
	case "company":
		dst.Company = src.Company
	case "accountId":
		dst.AccountID = src.AccountID
	default:
		if ch, ok := strings.CutPrefix(f, "consent."); ok {
			c, found := src.Consent[b2b.Channel(ch)]
			if !found {
				return false
			}
			if dst.Consent == nil {
				dst.Consent = map[b2b.Channel]b2b.Consent{}
			}
			dst.Consent[b2b.Channel(ch)] = c
			return true
		}
		return setAttribute(&dst.Attributes, src.Attributes, f)
	}
	return true
}

func setAttribute(dst *map[string]any, src map[string]any, f string) bool {
	k, ok := strings.CutPrefix(f, "attributes.")
	if !ok {
		return false
	}
	v, found := src[k]
	if !found {
		return false
	}
	if *dst == nil {
		*dst = map[string]any{}
	}
	(*dst)[k] = v
	return true
}

// decodedAttributes returns attributes as records give them: a list of
// strings that a state decoded from JSON holds as []any is a []string
// again.
func decodedAttributes(attrs map[string]any) map[string]any {
	var out map[string]any
	for k, v := range attrs {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		strs := make([]string, 0, len(list))
		for _, x := range list {
			if s, ok := x.(string); ok {
				strs = append(strs, s)
			}
		}
		if len(strs) != len(list) {
			continue
		}
		if out == nil {
			out = maps.Clone(attrs)
		}
		out[k] = strs
	}
	if out == nil {
		return attrs
	}
	return out
}

// accountRecords rebuilds an account's source records, its own first,
// from its state, and returns the origin it read them from (nil when the
// state keeps none).
func accountRecords(id b2b.AccountID, st *accountState) ([]identity.AccountRecord, *origin, error) {
	golden := st.Account
	golden.Attributes = decodedAttributes(golden.Attributes)
	if golden.ID != id {
		return nil, nil, fmt.Errorf("the state's account is %q", golden.ID)
	}
	o, err := decodeOrigin(st.Origin)
	if err != nil {
		return nil, nil, err
	}
	if o == nil {
		rec := identity.AccountRecord{Source: b2b.SourceQuorum, RecordID: string(golden.ID), Account: golden, Time: golden.UpdatedAt}
		rec.Account.Source, rec.Account.UpdatedAt = "", time.Time{}
		rec.Account.Attributes = maps.Clone(rec.Account.Attributes) // the state's are shared
		return []identity.AccountRecord{rec}, nil, nil
	}
	if len(o.Records) == 0 {
		return nil, nil, errors.New("the account's origin holds no record")
	}
	ids := map[string]bool{}
	for _, x := range o.Identifiers {
		if x.Namespace == identity.NSAccountID {
			ids[x.Value] = true
		}
	}
	out := make([]identity.AccountRecord, len(o.Records))
	for i, r := range o.Records {
		rec := &out[i]
		*rec = identity.AccountRecord{Source: r.Record.Source, RecordID: r.Record.RecordID, Time: r.Time}
		if rec.Time.IsZero() {
			rec.Time = recordEpoch
		}
		a := &rec.Account
		for _, f := range r.Fields {
			if !setAccountField(a, &golden, f) {
				return nil, nil, fmt.Errorf("record %s: unknown field %q", r.Record, f)
			}
		}
		switch {
		case i == 0:
			// The first record is the golden account's own: it holds
			// the golden ID, the domains of all and the identifiers.
			a.ID, a.Domains, rec.Identifiers = golden.ID, slices.Clone(golden.Domains), slices.Clone(o.Identifiers)
		case ids[r.Record.RecordID]:
			a.ID = b2b.AccountID(r.Record.RecordID)
		default:
			// Its own ID is among the identifiers the oldest holds:
			// the golden one finds the same account.
			a.ID = golden.ID
		}
		// A record needs a name or a domain: one that gave neither gets
		// the account's domains, which all records share anyway.
		if a.Name == "" && len(a.Domains) == 0 {
			if a.Domains = slices.Clone(golden.Domains); len(a.Domains) == 0 {
				a.Name = golden.Name
			}
		}
	}
	return out, o, nil
}

// setAccountField sets field f of dst to src's, as provenance names it.
func setAccountField(dst, src *b2b.Account, f string) bool {
	switch f {
	case "name":
		dst.Name = src.Name
	case "industry":
		dst.Industry = src.Industry
	case "employees":
		dst.Employees = src.Employees
	case "annualRevenue":
		dst.AnnualRevenue = src.AnnualRevenue
	case "country":
		dst.Country = src.Country
	case "region":
		dst.Region = src.Region
	case "timeZone":
		dst.TimeZone = src.TimeZone
	case "owner":
		dst.Owner = src.Owner
	case "territory":
		dst.Territory = src.Territory
	case "parentId":
		dst.ParentID = src.ParentID
	default:
		return setAttribute(&dst.Attributes, src.Attributes, f)
	}
	return true
}
