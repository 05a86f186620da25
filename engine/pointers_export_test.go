package engine

import (
	"reflect"
	"time"
)

// StatePointers counts the pointer words of a state a value-keeping store
// holds, by the state's field: the non-nil pointers, interfaces, maps and
// slices, and the non-empty strings, that the collector follows when it
// marks the state (a map's entries and a slice's elements included, a
// map's own internal pointers not; a time's location once, not what it
// points to, which the time package shares).
func StatePointers(value any) map[string]int {
	rv := reflect.ValueOf(value.(*accountState)).Elem()
	out := map[string]int{}
	for i := range rv.NumField() {
		if n := pointerWords(rv.Field(i)); n > 0 {
			out[rv.Type().Field(i).Name] = n
		}
	}
	return out
}

var timeType = reflect.TypeFor[time.Time]()

func pointerWords(v reflect.Value) int {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > 0 {
			return 1
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return 1 + pointerWords(v.Elem())
		}
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := 1
		for i := range v.Len() {
			n += pointerWords(v.Index(i))
		}
		return n
	case reflect.Array:
		n := 0
		for i := range v.Len() {
			n += pointerWords(v.Index(i))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		n := 1
		for it := v.MapRange(); it.Next(); {
			n += pointerWords(it.Key()) + pointerWords(it.Value())
		}
		return n
	case reflect.Struct:
		if v.Type() == timeType {
			if v.FieldByName("loc").IsNil() {
				return 0
			}
			return 1
		}
		n := 0
		for i := range v.NumField() {
			n += pointerWords(v.Field(i))
		}
		return n
	}
	return 0
}
