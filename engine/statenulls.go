package engine

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// nullIn returns the path of the first null a decoded state holds where
// the engine needs a value (a map's value or a list's element of pointer
// type: a score ledger, a group's score, a readiness verdict), or "" when
// there is none. The engine writes none; a state a durable store hands
// back damaged or written by hand may hold one, and is refused with its
// path rather than failing a pass with a nil pointer.
func nullIn(v any) string {
	return nullAt(reflect.ValueOf(v), "")
}

func nullAt(v reflect.Value, path string) string {
	if !mayHoldNull(v.Type()) {
		return ""
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return nullAt(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if p := nullAt(v.Field(i), join(path, jsonName(f))); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		elemPtr := v.Type().Elem().Kind() == reflect.Pointer
		for i := range v.Len() {
			e := v.Index(i)
			p := path + "[" + strconv.Itoa(i) + "]"
			if elemPtr && e.IsNil() {
				return p
			}
			if p := nullAt(e, p); p != "" {
				return p
			}
		}
	case reflect.Map:
		elemPtr := v.Type().Elem().Kind() == reflect.Pointer
		// In key order: the path named is the same at every reading.
		type entry struct {
			text string
			val  reflect.Value
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{fmt.Sprint(it.Key().Interface()), it.Value()})
		}
		slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.text, b.text) })
		for _, e := range entries {
			p := join(path, e.text)
			if elemPtr && e.val.IsNil() {
				return p
			}
			if p := nullAt(e.val, p); p != "" {
				return p
			}
		}
	}
	return ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// holders caches, by type, whether a value of it can hold a null the
// engine would follow (see nullIn); the walk skips the parts that cannot,
// such as the activity records, most of a state.
var holders sync.Map // reflect.Type -> bool

func mayHoldNull(t reflect.Type) bool {
	if v, ok := holders.Load(t); ok {
		return v.(bool)
	}
	holders.Store(t, true) // a recursive type, while it is being decided
	r := decideHolds(t)
	holders.Store(t, r)
	return r
}

func decideHolds(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer:
		return mayHoldNull(t.Elem())
	case reflect.Slice, reflect.Array, reflect.Map:
		return t.Elem().Kind() == reflect.Pointer || mayHoldNull(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && mayHoldNull(f.Type) {
				return true
			}
		}
	}
	return false
}
