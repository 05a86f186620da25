package channel

import (
	"fmt"
	"reflect"
	"strings"
)

func fieldType(t reflect.Type, name string) (reflect.Type, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if f, ok := t.FieldByName(name); ok && f.IsExported() {
			return f.Type, ""
		}
		if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
			mt := m.Type
			if mt.NumIn() == 1 && (mt.NumOut() == 1 || (mt.NumOut() == 2 && mt.Out(1) == errorType)) && mt.Out(0) != errorType {
				return mt.Out(0), ""
			}
		}
		return nil, fmt.Sprintf("%s has no field %s (it has %s)", describe(t), name, strings.Join(fieldNames(t), ", "))
	}
	return nil, fmt.Sprintf("%s has no fields", describe(t))
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			names = append(names, f.Name)
		}
	}
	return names
}

func printable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64,
		reflect.Interface:
		return true
	}
	return false
}

func printHint(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return ` (join it: {{join ", " ...}})`
	case t.Kind() == reflect.Slice:
		return " (print its elements with {{range ...}} ... {{end}})"
	case t.Kind() == reflect.Map:
		return ` (read an entry: {{attr "key" "default" ...}})`
	case t.String() == "time.Time":
		return ` (format it: {{date "2 Jan 2006" ...}})`
	}
	return " (print one of its fields)"
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func describe(t reflect.Type) string {
	if t == nil {
		return "a value of unknown type"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "a list (" + t.String() + ")"
	case reflect.Map:
		return "a map (" + t.String() + ")"
	case reflect.Struct:
		return t.String()
	}
	return t.String()
}

func joinToken(base, name string) string {
	if base == "" {
		return name
	}
	return base + "." + name
}

func tokenName(path string) string {
	if path == "" {
		return "."
	}
	return "." + path
}
