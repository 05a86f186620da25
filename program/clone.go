package program

import "reflect"

// cloneDefinitions deep-copies definitions, so that a program shares no
// slice, map or pointer with the definitions it was compiled from nor with
// those it hands out: a host that edits either leaves the program as it
// was compiled. Definitions are plain data (no interfaces or functions);
// a struct with unexported fields, as time.Time, is copied as a value.
// Nil and empty slices and maps stay as they were, so a copy is equal to
// its original field by field.
func cloneDefinitions(d Definitions) Definitions {
	var out Definitions
	deepCopy(reflect.ValueOf(&out).Elem(), reflect.ValueOf(d))
	return out
}

// deepCopy sets dst, which is settable, to a deep copy of src.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Array:
		for i := range src.Len() {
			deepCopy(dst.Index(i), src.Index(i))
		}
	case reflect.Struct:
		dst.Set(src)
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}
