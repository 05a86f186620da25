package deepcopy_test

import (
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/internal/deepcopy"
)

type leaf struct {
	Name  string
	Tags  []string
	At    time.Time
	Count [2]int
}

type tree struct {
	Leaves   []leaf
	ByName   map[string]*leaf
	Scores   map[string]float64
	Attrs    map[string]any
	Ptr      *leaf
	Nested   [][]int
	Children []*tree
	Nil      map[string]int
	Plain    int
}

func sample() *tree {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("X", 3600))
	l := &leaf{Name: "a", Tags: []string{"x", "y"}, At: at, Count: [2]int{1, 2}}
	return &tree{
		Leaves:   []leaf{*l, {Name: "b", Tags: []string{"z"}}},
		ByName:   map[string]*leaf{"a": l},
		Scores:   map[string]float64{"a": 1.5},
		Attrs:    map[string]any{"s": "v", "n": 2.0, "list": []any{"p", map[string]any{"k": 1.0}}, "m": map[string]any{"k": "v"}},
		Ptr:      l,
		Nested:   [][]int{{1, 2}, {3}},
		Children: []*tree{{Plain: 7, Scores: map[string]float64{"c": 3}}},
		Plain:    42,
	}
}

func TestCopyIsEqualAndIndependent(t *testing.T) {
	cp, err := deepcopy.For[tree]()
	require.NoError(t, err)
	src := sample()
	want := sample()
	dst := cp(src)
	require.Empty(t, cmp.Diff(src, dst), "a copy equals its original")
	require.Empty(t, deepcopy.Shared(*src, *dst), "a copy shares no mutable memory")

	// Mutating every part of the copy leaves the original as it was.
	dst.Leaves[0].Tags[0] = "changed"
	dst.Leaves = append(dst.Leaves, leaf{})
	dst.ByName["a"].Name = "changed"
	dst.ByName["new"] = &leaf{}
	dst.Scores["a"] = 99
	dst.Attrs["list"].([]any)[0] = "changed"
	dst.Attrs["m"].(map[string]any)["k"] = "changed"
	dst.Ptr.Tags[1] = "changed"
	dst.Nested[0][0] = 99
	dst.Children[0].Scores["c"] = 99
	require.Empty(t, cmp.Diff(want, src), "the original is unchanged")
	require.Nil(t, cp(nil))
}

func TestSharedFindsAliases(t *testing.T) {
	a := sample()
	b := *a
	b.Scores = map[string]float64{"a": 1.5}
	got := deepcopy.Shared(*a, b)
	require.Contains(t, got, "Leaves")
	require.Contains(t, got, "ByName")
	require.Contains(t, got, "Ptr")
	require.NotContains(t, got, "Scores")
}

type unsafeCopy struct {
	Name  string
	cache map[string]int
}

type withFunc struct{ F func() }

func TestRefusesWhatItCannotCopy(t *testing.T) {
	_ = unsafeCopy{cache: map[string]int{}} // what makes the type uncopyable
	_, err := deepcopy.For[unsafeCopy]()
	require.ErrorContains(t, err, "unsafeCopy.cache: unexported field holds references")
	_, err = deepcopy.For[withFunc]()
	require.ErrorContains(t, err, "cannot be copied")
	// Plain data without references is copied by value.
	cp, err := deepcopy.For[struct {
		A int
		B string
		T time.Time
	}]()
	require.NoError(t, err)
	require.Equal(t, 1, cp(&struct {
		A int
		B string
		T time.Time
	}{A: 1}).A)
}

type node struct {
	Name string
	Next []node
}

func TestRecursiveTypes(t *testing.T) {
	cp, err := deepcopy.For[node]()
	require.NoError(t, err)
	src := &node{Name: "root", Next: []node{{Name: "a", Next: []node{{Name: "b"}}}}}
	dst := cp(src)
	require.Empty(t, cmp.Diff(src, dst))
	require.Empty(t, deepcopy.Shared(*src, *dst))
	dst.Next[0].Next[0].Name = "changed"
	require.Equal(t, "b", src.Next[0].Next[0].Name)
}

type withShared struct {
	Copied []string
	Kept   []string `deepcopy:"shared"`
}

func TestSharedFields(t *testing.T) {
	cp, err := deepcopy.For[withShared]()
	require.NoError(t, err)
	src := &withShared{Copied: []string{"a"}, Kept: []string{"b"}}
	dst := cp(src)
	require.Equal(t, src, dst)
	require.NotSame(t, &src.Copied[0], &dst.Copied[0])
	require.Same(t, &src.Kept[0], &dst.Kept[0], "a shared field is copied shallowly")
	require.Empty(t, deepcopy.Shared(*src, *dst), "and Shared does not report it")
}

type withShallow struct {
	Records []record          `deepcopy:"shallow"`
	Index   map[string]record `deepcopy:"shallow"`
}

type record struct {
	ID    string
	Attrs map[string]string
}

func TestShallowFields(t *testing.T) {
	cp, err := deepcopy.For[withShallow]()
	require.NoError(t, err)
	attrs := map[string]string{"k": "v"}
	src := &withShallow{Records: []record{{ID: "a", Attrs: attrs}}, Index: map[string]record{"a": {ID: "a", Attrs: attrs}}}
	dst := cp(src)
	require.Equal(t, src, dst)
	require.NotSame(t, &src.Records[0], &dst.Records[0], "the slice is the copy's own")
	dst.Records = append(dst.Records[:0], record{ID: "b"})
	dst.Index["b"] = record{ID: "b"}
	delete(dst.Index, "a")
	require.Equal(t, "a", src.Records[0].ID, "replacing an element leaves the original alone")
	require.Contains(t, src.Index, "a")
	require.NotContains(t, src.Index, "b")
	require.Empty(t, deepcopy.Shared(*src, *cp(src)), "Shared does not enter the elements")
	same := *src
	require.Equal(t, []string{"Records", "Index"}, deepcopy.Shared(*src, same), "but reports a shared container")

	_, err = deepcopy.For[struct {
		P *record `deepcopy:"shallow"`
	}]()
	require.ErrorContains(t, err, "only a slice or a map can be copied shallowly")
}

// counts holds no text: a map of pointers to it is copied into one slab.
type counts struct {
	N    int
	Hist []float64
	By   map[int]int64
	At   time.Time
}

type ledgers struct {
	Counts map[string]*counts
	Leaves map[string]*leaf // text: a value of its own for each
}

// TestSlabMap: a map of pointers to values without text gets its copies
// in one allocation (adjacent slots), equal to and independent of the
// original; a nil pointer stays nil.
func TestSlabMap(t *testing.T) {
	cp, err := deepcopy.For[ledgers]()
	require.NoError(t, err)
	mk := func() *ledgers {
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("X", 3600))
		return &ledgers{
			Counts: map[string]*counts{"a": {N: 1, Hist: []float64{1, 2}, By: map[int]int64{1: 2}, At: at}, "b": {N: 2}, "none": nil},
			Leaves: map[string]*leaf{"x": {Name: "x"}},
		}
	}
	src, want := mk(), mk()
	dst := cp(src)
	require.Empty(t, cmp.Diff(src, dst), "a copy equals its original")
	require.Empty(t, deepcopy.Shared(*src, *dst), "a copy shares no mutable memory")
	require.Nil(t, dst.Counts["none"])
	require.Contains(t, dst.Counts, "none")

	a, b := uintptr(unsafe.Pointer(dst.Counts["a"])), uintptr(unsafe.Pointer(dst.Counts["b"]))
	require.Equal(t, unsafe.Sizeof(counts{}), max(a, b)-min(a, b), "the two values are adjacent slots")

	dst.Counts["a"].N = 9
	dst.Counts["a"].Hist[0] = 9
	dst.Counts["a"].By[1] = 9
	dst.Counts["b"].Hist = append(dst.Counts["b"].Hist, 1)
	dst.Counts["c"] = &counts{}
	dst.Leaves["x"].Name = "changed"
	require.Empty(t, cmp.Diff(want, src), "the original is unchanged")

	again := cp(dst)
	require.Empty(t, cmp.Diff(dst, again), "a copy of a copy (whose values are slab slots and a new value) equals it")
	require.Empty(t, deepcopy.Shared(*dst, *again))
}

type point struct {
	X, Y float64
	At   time.Time
}

// TestSlabMapAllocations: the copies of a map's targets without text are
// one allocation, however many there are; those with text one each.
func TestSlabMapAllocations(t *testing.T) {
	cp, err := deepcopy.For[map[string]*point]()
	require.NoError(t, err)
	allocs := func(n int) float64 {
		m := map[string]*point{}
		for i := range n {
			m[strconv.Itoa(i)] = &point{X: float64(i)}
		}
		return testing.AllocsPerRun(20, func() { _ = cp(&m) })
	}
	// (A map of more than 8 entries is laid out otherwise than a
	// smaller one: both sizes here are larger.)
	require.Equal(t, allocs(10), allocs(100), "copying 100 targets allocates as much as copying 10")

	// Values with text get an allocation each: a value dropped from the
	// map must not stay in memory behind the others.
	named, err := deepcopy.For[map[string]*struct{ Name string }]()
	require.NoError(t, err)
	withText := func(n int) float64 {
		m := map[string]*struct{ Name string }{}
		for i := range n {
			m[strconv.Itoa(i)] = &struct{ Name string }{Name: strconv.Itoa(i)}
		}
		return testing.AllocsPerRun(20, func() { _ = named(&m) })
	}
	require.Equal(t, withText(10)+90, withText(100), "a target with text is an allocation of its own")
}
