package engine

import (
	"reflect"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/quorumhq/quorum/audience"
	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/governance"
	"github.com/quorumhq/quorum/internal/deepcopy"
	"github.com/quorumhq/quorum/store"
)

// CopyCheck copies a state that a value-keeping store holds, as a pass
// does, and reports what the copy shares with the original, how it differs
// from it, and which of the state's fields are empty (so that a test can
// check that its states exercise every field).
func CopyCheck(value any) (shared []string, diff string, empty []string) {
	return copyCheck(value.(*accountState))
}

// CopyCheckFilled is CopyCheck on a copy of the state whose fields a
// simulated world leaves empty are filled in.
func CopyCheckFilled(value any) (shared []string, diff string, empty []string) {
	st := cloneState(value.(*accountState))
	st.Adjustments = map[string]float64{"g": 5}
	st.Account.Attributes = map[string]any{"tier": "gold", "tags": []any{"a", map[string]any{"k": 1.0}}}
	st.Attributes = map[string]string{"k": "v"}
	st.Audiences = audience.Membership{"stalled": time.Unix(0, 0).UTC()}
	st.Lists = []string{"webinar"}
	st.Opportunities = []b2b.Opportunity{{ID: "o1", ContactRoles: []b2b.ContactRole{{Person: "p", Role: "Champion"}}}}
	st.Requalify = true
	st.Rederive = true
	st.Consent = map[b2b.PersonID][]governance.Statement{"p": {{Person: "p", Channel: b2b.ChannelEmail, Status: b2b.ConsentOptOut,
		Source: b2b.SourceMarketo, At: time.Unix(0, 0).UTC(), Ref: "a-1"}}}
	st.ConsentDue = time.Unix(60, 0).UTC()
	st.ActivityDue = time.Unix(120, 0).UTC()
	st.Suppressed = []string{"5d41402abc4b2a76b9719d911017c592"}
	st.MergedInto = "globex"
	st.Absorbed = []b2b.AccountID{"mk-7"}
	st.Departed = []departedPerson{{Person: "p", Left: []leftAccount{{Account: "initech", At: time.Unix(0, 0).UTC(), IDs: []b2b.PersonID{"q"}}}}}
	return copyCheck(st)
}

func copyCheck(st *accountState) (shared []string, diff string, empty []string) {
	cp := cloneState(st)
	rv := reflect.ValueOf(*st)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			empty = append(empty, rv.Type().Field(i).Name)
		}
	}
	return deepcopy.Shared(*st, *cp), cmp.Diff(st, cp, cmp.Exporter(func(reflect.Type) bool { return true })), empty
}

// StateJSON returns a stored account's state as JSON, whether the store
// kept it as a value or as bytes.
func StateJSON(rec store.Account) string {
	if rec.Value != nil {
		data, err := rec.Value.(*accountState).encode()
		if err != nil {
			panic(err)
		}
		return string(data)
	}
	return string(rec.State)
}

// Redact redacts a JSON payload of the person with the given IDs and
// texts (emails, phones, names), as an erasure does.
func Redact(data []byte, persons []b2b.PersonID, texts []string) ([]byte, bool, error) {
	er := &erasure{persons: persons}
	for _, t := range texts {
		er.addText(t)
	}
	return redact(data, er)
}

// Mentioned reports whether a payload may name the person of the given
// texts, as an erasure's first look at an event does.
func Mentioned(data []byte, texts ...string) bool {
	er := &erasure{}
	for _, t := range texts {
		er.addText(t)
	}
	return er.mentioned(data)
}

// SuppressionHashes are the hashes an erasure keeps of these addresses.
func SuppressionHashes(emails []string, phone string) []string {
	return suppressionHashes(emails, phone)
}

// ActivityRecordTimes returns the times of the activity records of a
// state that a value-keeping store holds.
func ActivityRecordTimes(value any) []time.Time {
	var out []time.Time
	for _, r := range value.(*accountState).Activities {
		out = append(out, r.Time)
	}
	return out
}
