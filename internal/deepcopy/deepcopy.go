// Package deepcopy copies tree-shaped Go values (structs, slices, maps and
// pointers of plain data) so that the copy shares no mutable memory with
// the original. The engine uses it to hand a private, mutable copy of a
// committed account state to each pass while the committed state stays
// unchanged for readers: a copy costs a fraction of an encoding round trip.
//
// What is copied, and what is shared on purpose:
//   - slices, maps, pointers and arrays are copied element by element;
//   - strings and time.Time values are immutable and shared;
//   - an interface holds its dynamic value: a copyable one is copied, a
//     value of another kind (a type with unexported references, a func, a
//     channel, or a pointer to such a type) is shared, as For cannot tell
//     from the interface's type that the value will be there: the copy
//     and the original then refer to the same value, and what one changes
//     through it (a *strings.Builder's contents, say) the other sees;
//   - a struct type with an unexported field that holds references (other
//     than time.Time's location) cannot be copied safely: [For] refuses it;
//   - a struct field tagged `deepcopy:"shared"` is copied shallowly: the
//     copy shares what it refers to. Tag a field so only when its contents
//     are never modified in place, only replaced as a whole;
//   - a slice or map field tagged `deepcopy:"shallow"` gets a slice or map
//     of its own, whose elements are copies of the original's values: what
//     those elements refer to is shared. Tag a field so when elements are
//     added, removed and replaced, but what an element refers to is never
//     modified in place (records that point to shared, unchanging data,
//     say).
//
// Values are copied as trees: two pointers to one object become two
// objects, and cyclic values are not supported.
package deepcopy

import (
	"fmt"
	"reflect"
	"sync"
	"time"
)

// For returns a function that deep-copies values of T, or an error naming
// the field that makes T impossible to copy safely.
func For[T any]() (func(*T) *T, error) {
	t := reflect.TypeFor[T]()
	fn, err := compile(t)
	if err != nil {
		return nil, err
	}
	return func(src *T) *T {
		if src == nil {
			return nil
		}
		dst := new(T)
		*dst = *src
		if fn != nil {
			fn(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem())
		}
		return dst
	}, nil
}

// copyFn fixes up dst, which already holds a shallow copy of src, so that
// it shares no mutable memory with src. A nil copyFn means the shallow
// copy is enough. dst and src are distinct values: a copyFn may replace a
// part of dst before it reads that part of src.
type copyFn func(dst, src reflect.Value)

var (
	mu       sync.Mutex
	compiled = map[reflect.Type]*entry{}
	// order lists the types of compiled in the order they were added.
	order []reflect.Type
)

type entry struct {
	fn  copyFn
	err error
	// done is false while the type is being compiled (a recursive type
	// refers to itself through the entry).
	done bool
}

var timeType = reflect.TypeFor[time.Time]()

// ready holds the compiled types (reflect.Type -> *entry) for lock-free
// reads on the copy path.
var ready sync.Map

func compile(t reflect.Type) (copyFn, error) {
	if e, ok := ready.Load(t); ok {
		return e.(*entry).fn, e.(*entry).err
	}
	mu.Lock()
	defer mu.Unlock()
	fn, err := compileLocked(t)
	for t, e := range compiled {
		if e.done {
			ready.Store(t, e)
		}
	}
	return fn, err
}

func compileLocked(t reflect.Type) (copyFn, error) {
	if e, ok := compiled[t]; ok {
		if !e.done {
			// Recursion: defer to the entry, which is complete by the
			// time a value is copied.
			return func(dst, src reflect.Value) {
				if e.fn != nil {
					e.fn(dst, src)
				}
			}, nil
		}
		return e.fn, e.err
	}
	e := &entry{}
	compiled[t] = e
	mark := len(order)
	order = append(order, t)
	e.fn, e.err = build(t)
	e.done = true
	if e.err != nil {
		// The types compiled while t was (a []T inside T) may have
		// deferred to t's entry before it failed, and would copy without
		// it: they are compiled again, with t's error, when asked for.
		for _, u := range order[mark+1:] {
			delete(compiled, u)
		}
		order = order[:mark+1]
	}
	return e.fn, e.err
}

func build(t reflect.Type) (copyFn, error) {
	if !hasRefs(t, map[reflect.Type]bool{}) {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem, err := compileLocked(t.Elem())
		if err != nil {
			return nil, err
		}
		et := t.Elem()
		return func(dst, src reflect.Value) {
			if src.IsNil() {
				return
			}
			n := reflect.New(et)
			n.Elem().Set(src.Elem())
			if elem != nil {
				elem(n.Elem(), src.Elem())
			}
			dst.Set(n)
		}, nil
	case reflect.Slice:
		elem, err := compileLocked(t.Elem())
		if err != nil {
			return nil, err
		}
		return func(dst, src reflect.Value) {
			if !copySlice(t, dst, src) || elem == nil {
				return
			}
			for i := range src.Len() {
				elem(dst.Index(i), src.Index(i))
			}
		}, nil
	case reflect.Array:
		elem, err := compileLocked(t.Elem())
		if err != nil || elem == nil {
			return nil, err
		}
		return func(dst, src reflect.Value) {
			for i := range src.Len() {
				elem(dst.Index(i), src.Index(i))
			}
		}, nil
	case reflect.Map:
		if hasRefs(t.Key(), map[reflect.Type]bool{}) {
			return nil, fmt.Errorf("deepcopy: %s: map keys with references are not supported", t)
		}
		elem, err := compileLocked(t.Elem())
		if err != nil {
			return nil, err
		}
		kt, et := t.Key(), t.Elem()
		// SetIterKey and SetIterValue copy into reusable values, where Key
		// and Value would allocate for each entry; the values wait in a
		// pool between copies, where making them for each map would be
		// two allocations a map.
		rooms := sync.Pool{New: func() any {
			return &mapRoom{reflect.New(kt).Elem(), reflect.New(et).Elem(), reflect.New(et).Elem()}
		}}
		return func(dst, src reflect.Value) {
			if src.IsNil() {
				return
			}
			n := reflect.MakeMapWithSize(t, src.Len())
			it := src.MapRange()
			r := rooms.Get().(*mapRoom)
			for it.Next() {
				r.k.SetIterKey(it)
				r.v.SetIterValue(it)
				if elem != nil {
					r.orig.SetIterValue(it)
					elem(r.v, r.orig)
				}
				n.SetMapIndex(r.k, r.v)
			}
			// The rooms keep nothing of the map alive in the pool.
			r.k.SetZero()
			r.v.SetZero()
			r.orig.SetZero()
			rooms.Put(r)
			dst.Set(n)
		}, nil
	case reflect.Interface:
		return copyInterface, nil
	case reflect.Struct:
		type field struct {
			i  int
			fn copyFn
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("deepcopy")
			if !hasRefs(f.Type, map[reflect.Type]bool{}) || tag == "shared" {
				continue
			}
			if !f.IsExported() {
				return nil, fmt.Errorf("deepcopy: %s.%s: unexported field holds references", t, f.Name)
			}
			var fn copyFn
			var err error
			if tag == "shallow" {
				fn, err = shallow(f.Type)
			} else {
				fn, err = compileLocked(f.Type)
			}
			if err != nil {
				return nil, fmt.Errorf("%w (in %s.%s)", err, t, f.Name)
			}
			if fn != nil {
				fields = append(fields, field{i, fn})
			}
		}
		return func(dst, src reflect.Value) {
			for _, f := range fields {
				f.fn(dst.Field(f.i), src.Field(f.i))
			}
		}, nil
	}
	return nil, fmt.Errorf("deepcopy: %s: a %s cannot be copied", t, t.Kind())
}

// shallow copies a slice or a map, not what its elements refer to.
func shallow(t reflect.Type) (copyFn, error) {
	switch t.Kind() {
	case reflect.Slice:
		return func(dst, src reflect.Value) {
			copySlice(t, dst, src)
		}, nil
	case reflect.Map:
		// Key and Value would allocate for each entry of a key or value
		// type that does not fit a word (a string, a slice): the entries
		// are read into reusable values, as a deep copy's are.
		kt, et := t.Key(), t.Elem()
		rooms := sync.Pool{New: func() any {
			return &mapRoom{k: reflect.New(kt).Elem(), v: reflect.New(et).Elem()}
		}}
		return func(dst, src reflect.Value) {
			if src.IsNil() {
				return
			}
			n := reflect.MakeMapWithSize(t, src.Len())
			it := src.MapRange()
			r := rooms.Get().(*mapRoom)
			for it.Next() {
				r.k.SetIterKey(it)
				r.v.SetIterValue(it)
				n.SetMapIndex(r.k, r.v)
			}
			r.k.SetZero()
			r.v.SetZero()
			rooms.Put(r)
			dst.Set(n)
		}, nil
	}
	return nil, fmt.Errorf("deepcopy: %s: only a slice or a map can be copied shallowly", t)
}

// mapRoom holds the values a map's copy reads its entries into: the key,
// the entry's copy and, for an element type with references, the original
// entry it is copied from.
type mapRoom struct{ k, v, orig reflect.Value }

// copySlice gives dst, a slice of type t, a backing array of its own
// holding src's elements, and reports whether it did: not when src is nil
// (dst is then nil too). dst and src are distinct values.
func copySlice(t reflect.Type, dst, src reflect.Value) bool {
	if src.IsNil() {
		return false
	}
	n := src.Len()
	if n == 0 {
		// An empty slice of no capacity, not nil.
		dst.Set(reflect.MakeSlice(t, 0, 0))
		return true
	}
	// Grown from nil in place, dst gets its new array in one allocation,
	// where MakeSlice would also allocate the slice header its Value
	// points to.
	dst.SetZero()
	dst.Grow(n)
	dst.SetLen(n)
	reflect.Copy(dst, src)
	return true
}

// copyInterface copies an interface's dynamic value when its type can be
// copied and shares it otherwise.
func copyInterface(dst, src reflect.Value) {
	if src.IsNil() {
		return
	}
	v := src.Elem()
	fn, err := compile(v.Type())
	if err != nil || fn == nil {
		return
	}
	n := reflect.New(v.Type()).Elem()
	n.Set(v)
	fn(n, v)
	dst.Set(n)
}

// hasRefs reports whether values of t can hold mutable memory that a
// shallow copy would share.
func hasRefs(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == timeType {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return hasRefs(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return false
		}
		seen[t] = true
		for i := range t.NumField() {
			if hasRefs(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// Shared reports the paths at which a and b, two values of one type,
// share mutable memory (a map, a slice's backing array or a pointer's
// target), as "field.sub[2]" paths. Interface values and fields tagged
// `deepcopy:"shared"` are not entered, nor the elements of fields tagged
// `deepcopy:"shallow"` (only the slice or map itself); a copy made by
// [For] shares nothing else, which is what tests check.
func Shared(a, b any) []string {
	var out []string
	shared(reflect.ValueOf(a), reflect.ValueOf(b), "", &out)
	return out
}

func shared(a, b reflect.Value, path string, out *[]string) {
	if !a.IsValid() || !b.IsValid() || a.Type() != b.Type() || a.Type() == timeType {
		return
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		shared(a.Elem(), b.Elem(), path, out)
	case reflect.Slice:
		if a.Len() == 0 || b.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		for i := range min(a.Len(), b.Len()) {
			shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Array:
		for i := range a.Len() {
			shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		if a.IsNil() || b.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		it := a.MapRange()
		for it.Next() {
			if bv := b.MapIndex(it.Key()); bv.IsValid() {
				shared(it.Value(), bv, fmt.Sprintf("%s[%v]", path, it.Key()), out)
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			tag := a.Type().Field(i).Tag.Get("deepcopy")
			if tag == "shared" {
				continue
			}
			name := a.Type().Field(i).Name
			if path != "" {
				name = path + "." + name
			}
			if tag == "shallow" {
				if sameContainer(a.Field(i), b.Field(i)) {
					*out = append(*out, name)
				}
				continue
			}
			shared(a.Field(i), b.Field(i), name, out)
		}
	}
}

// sameContainer reports whether two slices share a backing array or two
// maps are the same map.
func sameContainer(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Slice:
		return a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer()
	case reflect.Map:
		return !a.IsNil() && !b.IsNil() && a.Pointer() == b.Pointer()
	}
	return false
}
