package rules

import "reflect"

// MissingElement returns what a rule reads for an element of type t that
// a map does not hold, when t says it: t is a type (not a pointer or an
// interface) with a method Missing() t, and the value is what that method
// returns for the zero value of t. A map of b2b.Consent, whose Missing
// gives the status unknown, is one: person.consent.email.status reads
// "unknown" for a person with no statement about email. For any other
// type ok is false and a missing element reads as the zero value of t.
// The values that explain a decision read a missing element the same
// way.
//
// A string field that the Missing value sets is taken to be set in every
// element a map holds too, as b2b.(*Person).Validate requires a
// consent's status: such a field is never "", and a rule that compares
// it with "" (person.consent.email.status == "", or in [""], or given a
// default, (person.consent.email.status ?? "") == "") is refused when it
// is loaded, as always false.
func MissingElement(t reflect.Type) (v any, ok bool) {
	if t == nil || t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return nil, false
	}
	m, ok := t.MethodByName("Missing")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || m.Type.Out(0) != t {
		return nil, false
	}
	return m.Func.Call([]reflect.Value{reflect.Zero(t)})[0].Interface(), true
}
