package b2b

import "encoding/json"

// UnmarshalJSON decodes an account as encoding/json does, then gives a
// list attribute back as the []string that [Account.Validate] accepts
// (see [listAttributes]).
func (a *Account) UnmarshalJSON(data []byte) error {
	type plain Account
	if err := json.Unmarshal(data, (*plain)(a)); err != nil {
		return err
	}
	a.Attributes = listAttributes(a.Attributes)
	return nil
}

// UnmarshalJSON decodes a person as encoding/json does, then gives a list
// attribute back as the []string that [Person.Validate] accepts (see
// [listAttributes]).
func (p *Person) UnmarshalJSON(data []byte) error {
	type plain Person
	if err := json.Unmarshal(data, (*plain)(p)); err != nil {
		return err
	}
	p.Attributes = listAttributes(p.Attributes)
	return nil
}

// UnmarshalJSON decodes an activity as encoding/json does, then gives a
// list attribute back as the []string that [Activity.Validate] accepts
// (see [listAttributes]).
func (a *Activity) UnmarshalJSON(data []byte) error {
	type plain Activity
	if err := json.Unmarshal(data, (*plain)(a)); err != nil {
		return err
	}
	a.Attributes = listAttributes(a.Attributes)
	return nil
}

// listAttributes turns each attribute that encoding/json decoded as a
// list of strings ([]any) into the []string it was written from, so that
// a record sent as JSON validates and reads in rules as the same record
// built in Go. A list holding anything but strings stays as decoded, and
// Validate refuses it, saying so.
func listAttributes(attrs map[string]any) map[string]any {
	for k, v := range attrs {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		strs := make([]string, len(list))
		for i, x := range list {
			s, ok := x.(string)
			if !ok {
				strs = nil
				break
			}
			strs[i] = s
		}
		if strs != nil {
			attrs[k] = strs
		}
	}
	return attrs
}
