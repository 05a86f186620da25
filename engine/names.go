package engine

import (
	"strings"
	"sync"
	"sync/atomic"
)

// maxNames bounds a name table: a vocabulary larger than this is not
// small, and its strings beyond the bound are kept as they come.
const maxNames = 4096

// nameTable keeps one copy of each string of a small vocabulary (activity
// types, the persona classifier's reasons) that states hold many times
// over: millions of activity records name a dozen types, and a million
// persons a few hundred reasons. One copy is a string the collector marks
// once, where a copy per record is an object each. The table is bounded:
// it never grows past maxNames, so that input with ever new names (a
// reason naming a title's unknown words, say) cannot make it grow without
// end. It is safe for concurrent use; reads take no lock.
type nameTable struct {
	m sync.Map // string -> string, the copy kept
	n atomic.Int64
}

// intern returns the table's copy of s, keeping s if it has none and is
// not full.
func (t *nameTable) intern(s string) string {
	if c, ok := t.m.Load(s); ok {
		return c.(string)
	}
	if s == "" || t.n.Load() >= maxNames {
		return s
	}
	s = strings.Clone(s) // not a part of a larger string the table would keep
	c, loaded := t.m.LoadOrStore(s, s)
	if !loaded {
		t.n.Add(1)
	}
	return c.(string)
}
