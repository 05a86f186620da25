package qualify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quorumhq/quorum/b2b"
)

// MarshalJSON writes the model as indented JSON; see [ModelFromJSON].
func (m *Model) MarshalJSON() ([]byte, error) {
	type plain Model
	return json.MarshalIndent((*plain)(m), "", "  ")
}

// ModelFromJSON reads a model saved with json.Marshal and validates it.
// Unknown fields are refused, so a typo in a hand-edited file is an error,
// not a silently ignored value: `model: terms[3]: unknown field "wieght"
// (line 36, column 7)`. A value of the wrong type is placed the same way,
// by its path with the index of each list it is in and its line and
// column: `model: terms[1].scale: a JSON string is not a number (line 12,
// column 16)`, `model: training.seed: a JSON number -1 is not a
// non-negative integer (line 40, column 14)`. What [Model.Validate] finds
// in the model read is placed where the value begins: `model:
// terms[0].scale: must be a positive finite number, got 0 (line 8,
// column 16)`; a problem of a value the JSON does not hold (no version)
// has its path alone.
func ModelFromJSON(data []byte) (*Model, error) {
	type plain Model
	var m plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, modelJSONError(data, err)
	}
	// Not dec.More, which takes a stray '}' or ']' for the end of a value.
	// Only JSON's blanks may follow: a form feed or a no-break space is
	// something else.
	if rest := data[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		at := dec.InputOffset() + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		return nil, fmt.Errorf("model: unexpected data after the model (%s)", modelJSONPosition(data, at+1))
	}
	model := Model(m)
	if err := model.Validate(); err != nil {
		return nil, modelPlaceProblems(data, reflect.TypeFor[Model](), err)
	}
	return &model, nil
}

// modelPlaceProblems adds to each problem of err, what Validate found in
// the value of type root read from data, the line and column where the
// value at its path begins ("terms[0].scale: must be a positive finite
// number, got 0 (line 3, column 35)"). A problem whose value the JSON does
// not hold keeps its path alone.
func modelPlaceProblems(data []byte, root reflect.Type, err error) error {
	var ve *b2b.ValidationError
	if !errors.As(err, &ve) || err != error(ve) {
		return err
	}
	placed := &b2b.ValidationError{Subject: ve.Subject, Problems: slices.Clone(ve.Problems)}
	for i, p := range placed.Problems {
		if p.Path == "" {
			continue
		}
		if start, ok := modelValueStart(json.NewDecoder(bytes.NewReader(data)), data, root, modelPathSteps(p.Path)); ok {
			placed.Problems[i].Err = fmt.Errorf("%w (%s)", p.Err, modelJSONPosition(data, start+1))
		}
	}
	return placed
}

// modelPathSteps splits a path into its keys and list indexes:
// "terms[1].scale" is "terms", "[1]", "scale".
func modelPathSteps(path string) []string {
	var steps []string
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			steps = append(steps, key)
		}
		for rest != "" {
			index, after, _ := strings.Cut(rest, "]")
			steps = append(steps, "["+index+"]")
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return steps
}

// modelValueStart reads the JSON value dec is at as a value of type t and
// returns the offset where the value at steps in it begins: of the value
// the decoder keeps, so of a key written twice the last one not null, of
// an object written twice the last one that holds the rest of the path,
// and of a list written twice the last one (it replaces the others). ok
// is false when the JSON holds no such value or is not JSON.
func modelValueStart(dec *json.Decoder, data []byte, t reflect.Type, steps []string) (start int64, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// Between the end of the previous token and this value lie only
	// blanks, a ':' or ','.
	begin := dec.InputOffset()
	for begin < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[begin]) >= 0 {
		begin++
	}
	if len(steps) == 0 {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return 0, false
		}
		return begin, string(raw) != "null"
	}
	tok, err := dec.Token()
	if err != nil {
		return 0, false
	}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		return 0, false // a scalar: nothing in it
	}
	index := -1
	if n, isIndex := strings.CutPrefix(steps[0], "["); isIndex {
		index, err = strconv.Atoi(strings.TrimSuffix(n, "]"))
		if err != nil {
			index = -1
		}
	}
	skip := func() bool {
		var raw json.RawMessage
		return dec.Decode(&raw) == nil
	}
	switch {
	case d == '[':
		isList := t.Kind() == reflect.Slice || t.Kind() == reflect.Array
		for i := 0; dec.More(); i++ {
			if !isList || i != index {
				if !skip() {
					return 0, false
				}
				continue
			}
			start, ok = modelValueStart(dec, data, t.Elem(), steps[1:])
		}
	case d == '{':
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return 0, false
			}
			name, _ := tok.(string)
			f, found := reflect.StructField{}, false
			if t.Kind() == reflect.Struct && index < 0 {
				f, found = modelJSONField(t, name)
			}
			if !found || modelJSONName(f) != steps[0] {
				if !skip() {
					return 0, false
				}
				continue
			}
			at, held := modelValueStart(dec, data, f.Type, steps[1:])
			switch {
			case held:
				start, ok = at, true
			case f.Type.Kind() == reflect.Slice:
				ok = false // this list replaces the one that held it
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return 0, false
	}
	return start, ok
}

// modelJSONName is the name of a struct field in JSON: its tag's, else
// its own.
func modelJSONName(f reflect.StructField) string {
	if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
		return tag
	}
	return f.Name
}

// modelJSONError says what is wrong with the JSON of a model in the
// model's terms: the field path and the line and column, not the Go types
// that decode it.
func modelJSONError(data []byte, err error) error {
	return jsonReadError(jsonDoc{subject: "model", noun: "a model", root: reflect.TypeFor[Model]()}, data, err)
}

// jsonDoc is a value read from JSON, as its errors name it.
type jsonDoc struct {
	subject string       // what the errors begin with: "model"
	noun    string       // what a JSON value of another kind is not: "a model"
	root    reflect.Type // the type read, whose fields name the paths
	// of says what the line and column count in when the JSON may be
	// part of a larger value (" of the features"), or is "".
	of string
}

// position is the line and column before offset in data (see
// modelJSONPosition), and what they count in.
func (d jsonDoc) position(data []byte, offset int64) string {
	return modelJSONPosition(data, offset) + d.of
}

// placeValue says where raw, the value read of key, is in data, as
// jsonReadError places a value of the wrong type: " (line 1, column 14 of
// the features)", at the last character of a scalar or the opening
// bracket of a list or object; of a key written twice, at the value read,
// the last. It is "" when data holds no such value.
func (d jsonDoc) placeValue(data []byte, key string, raw []byte) string {
	start, ok := modelValueStart(json.NewDecoder(bytes.NewReader(data)), data, d.root, []string{key})
	if !ok || len(raw) == 0 {
		return ""
	}
	end := start + int64(len(raw))
	if raw[0] == '[' || raw[0] == '{' {
		end = start + 1
	}
	return " (" + d.position(data, end) + ")"
}

// jsonReadError says what is wrong with the JSON of a value in the
// value's terms: the field path and the line and column, not the Go types
// that decode it.
func jsonReadError(d jsonDoc, data []byte, err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: no JSON data", d.subject)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: unexpected end of JSON data", d.subject)
	case errors.As(err, &syntax):
		return fmt.Errorf("%s: %w (%s)", d.subject, err, d.position(data, syntax.Offset))
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("%s: a JSON %s is not %s (%s)", d.subject, typ.Value, d.noun, d.position(data, typ.Offset))
	case errors.As(err, &typ):
		// The decoder's path has no list indexes ("terms.scale"): find
		// the value it stopped at to say which term ("terms[1].scale").
		path := typ.Field
		dec := json.NewDecoder(bytes.NewReader(data))
		if where, ok := modelValueAt(dec, d.root, "", typ.Offset-1); ok && modelPathWithoutIndexes(where) == typ.Field {
			path = where
		}
		return fmt.Errorf("%s: %s: a JSON %s is not %s (%s)", d.subject, path, typ.Value, modelJSONWant(typ.Type, typ.Value), d.position(data, typ.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The decoder names the field but not where it is: find it.
		dec := json.NewDecoder(bytes.NewReader(data))
		if path, key, start, ok := modelUnknownField(dec, data, d.root, ""); ok {
			if path != "" {
				path += ": "
			}
			return fmt.Errorf("%s: %sunknown field %q (%s)", d.subject, path, key, d.position(data, start+1))
		}
	}
	return fmt.Errorf("%s: %w", d.subject, err)
}

// modelUnknownField reads the JSON value dec is at as a value of type t
// and returns the first object key in it that names no field, as
// encoding/json matches names (exactly or, failing that, whatever their
// case): its path in the model ("terms[3]"), the key, and the offset of its
// opening quote. ok is false when every key is known or data is not JSON.
func modelUnknownField(dec *json.Decoder, data []byte, t reflect.Type, path string) (where, key string, start int64, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return "", "", 0, false
	}
	d, isDelim := tok.(json.Delim)
	switch {
	case !isDelim:
		return "", "", 0, false // a scalar: no keys
	case d == '[':
		var elem reflect.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if elem == nil {
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return "", "", 0, false
				}
				continue
			}
			if where, key, start, ok := modelUnknownField(dec, data, elem, fmt.Sprintf("%s[%d]", path, i)); ok {
				return where, key, start, ok
			}
		}
	case d == '{':
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", "", 0, false
			}
			name, _ := tok.(string)
			end := dec.InputOffset() // just after the key's closing quote
			if t.Kind() != reflect.Struct {
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return "", "", 0, false
				}
				continue
			}
			f, found := modelJSONField(t, name)
			if !found {
				return path, name, modelKeyStart(data, end), true
			}
			sub := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
				sub = tag
			}
			if path != "" {
				sub = path + "." + sub
			}
			if where, key, start, ok := modelUnknownField(dec, data, f.Type, sub); ok {
				return where, key, start, ok
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return "", "", 0, false
	}
	return "", "", 0, false
}

// modelValueAt reads the JSON value dec is at as a value of type t and
// returns the path in the model ("terms[1].scale") of the innermost value
// in it that holds the byte at offset at: a scalar any of whose bytes is
// at, or a list or object whose opening bracket is (where the decoder
// reports a value of the wrong type). ok is false when no value does or
// data is not JSON.
func modelValueAt(dec *json.Decoder, t reflect.Type, path string, at int64) (where string, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// Between the end of the previous token and the end of this one lie
	// only blanks, a ':' or ',', and this token.
	before := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	after := dec.InputOffset()
	d, isDelim := tok.(json.Delim)
	switch {
	case !isDelim:
		return path, before <= at && at < after
	case after-1 == at:
		return path, true
	case d == '[':
		var elem reflect.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if elem == nil {
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return "", false
				}
				continue
			}
			if where, ok := modelValueAt(dec, elem, fmt.Sprintf("%s[%d]", path, i), at); ok || dec.InputOffset() > at {
				return where, ok
			}
		}
	case d == '{':
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", false
			}
			name, _ := tok.(string)
			f, found := reflect.StructField{}, false
			if t.Kind() == reflect.Struct {
				f, found = modelJSONField(t, name)
			}
			if !found {
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return "", false
				}
				continue
			}
			sub := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
				sub = tag
			}
			if path != "" {
				sub = path + "." + sub
			}
			if where, ok := modelValueAt(dec, f.Type, sub, at); ok || dec.InputOffset() > at {
				return where, ok
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return "", false
	}
	return "", false
}

// modelPathWithoutIndexes drops the list indexes of a path, as the
// decoder writes it: terms[1].scale is terms.scale.
func modelPathWithoutIndexes(path string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:i])
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			return b.String()
		}
		path = path[i+j+1:]
	}
}

// modelJSONField returns the field of struct type t that encoding/json
// decodes a key name into: the one whose JSON name is name, else the
// first whose name equals it whatever the case.
func modelJSONField(t reflect.Type, name string) (reflect.StructField, bool) {
	var folded *reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f, true
		}
		if folded == nil && strings.EqualFold(tag, name) {
			folded = &f
		}
	}
	if folded != nil {
		return *folded, true
	}
	return reflect.StructField{}, false
}

// modelKeyStart returns the offset of the opening quote of the JSON
// string that ends just before end.
func modelKeyStart(data []byte, end int64) int64 {
	for i := end - 2; i >= 0; i-- {
		if data[i] != '"' {
			continue
		}
		backslashes := 0
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
	}
	return 0
}

// modelJSONPosition is the line and column (1-based, in characters) of the
// last character the decoder read before offset: the one that breaks the
// syntax, or the end of a value of the wrong type.
func modelJSONPosition(data []byte, offset int64) string {
	off := int(min(max(offset-1, 0), int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// modelJSONWant names the JSON a field of type t holds, told a JSON value
// (as an UnmarshalTypeError describes it: "string", "number -1") that it
// does not hold: an integer too large for t says the integers it holds,
// and a number too large for a float the numbers it holds.
func modelJSONWant(t reflect.Type, value string) string {
	if t == nil {
		return "what the field holds"
	}
	digits, isNumber := strings.CutPrefix(value, "number ")
	negative := strings.HasPrefix(digits, "-")
	// Written as a whole number, the value is out of t's range.
	whole := isNumber && strings.Trim(strings.TrimPrefix(digits, "-"), "0123456789") == ""
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if whole {
			return fmt.Sprintf("an integer from %d to %d", int64(-1)<<(t.Bits()-1), int64(uint64(1)<<(t.Bits()-1)-1))
		}
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if whole && !negative {
			return fmt.Sprintf("an integer from 0 to %d", uint64(math.MaxUint64)>>(64-t.Bits()))
		}
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		if isNumber {
			// A JSON number that is not a float's is out of its range.
			limit := strconv.FormatFloat(math.MaxFloat64, 'g', -1, 64)
			if t.Kind() == reflect.Float32 {
				limit = strconv.FormatFloat(math.MaxFloat32, 'g', -1, 32)
			}
			return fmt.Sprintf("a number from -%s to %s", limit, limit)
		}
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}
