package deepcopy_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestShallowMapEntriesDoNotAllocate: a shallow map's entries are read
// into reusable values, so a copy allocates the new map, not one key and
// one value per entry (a map of 64 entries took 133 allocations).
func TestShallowMapEntriesDoNotAllocate(t *testing.T) {
	cp, err := deepcopy.For[withShallow]()
	require.NoError(t, err)
	src := &withShallow{Index: map[string]record{}}
	for i := range 64 {
		id := "record-" + strconv.Itoa(i)
		src.Index[id] = record{ID: id}
	}
	var dst *withShallow
	allocs := testing.AllocsPerRun(50, func() { dst = cp(src) })
	require.Equal(t, src, dst)
	require.LessOrEqual(t, allocs, 8.0, "the copy and its map, not an allocation per entry")
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

type holder struct {
	Empty  []string
	Nil    []string
	Values map[string]leaf
}

func TestEmptySlicesAndMapValues(t *testing.T) {
	cp, err := deepcopy.For[holder]()
	require.NoError(t, err)
	room := make([]string, 1, 4)
	src := &holder{
		Empty:  room[:0],
		Values: map[string]leaf{"a": {Name: "a", Tags: []string{"x", "y"}}, "b": {Name: "b", Tags: []string{"z"}}},
	}
	dst := cp(src)
	require.Empty(t, cmp.Diff(src, dst), "a copy equals its original")
	require.NotNil(t, dst.Empty, "an empty slice stays empty, not nil")
	require.Nil(t, dst.Nil)
	require.Empty(t, deepcopy.Shared(*src, *dst), "a copy shares no mutable memory")

	// Appending to the copy's empty slice does not write into the
	// original's room; the copies of the map's values have arrays of
	// their own.
	dst.Empty = append(dst.Empty, "new")
	require.Empty(t, room[0])
	dst.Values["a"].Tags[0] = "changed"
	require.Equal(t, []string{"x", "y"}, src.Values["a"].Tags)
	require.Equal(t, []string{"z"}, dst.Values["b"].Tags)
}

// badTree is a recursive type that cannot be copied: its unexported field
// comes after the field through which it refers to itself.
type badTree struct {
	Kids  []badTree
	Ptr   *badTree
	Map   map[string]badTree
	cache map[string]int
}

// TestRefusedRecursiveTypeStaysRefused: the types built on a type that
// cannot be copied are refused too, also after the type itself was
// refused first (its compilation saw them while it was incomplete).
func TestRefusedRecursiveTypeStaysRefused(t *testing.T) {
	_ = badTree{cache: map[string]int{}}
	_, err := deepcopy.For[badTree]()
	require.ErrorContains(t, err, "badTree.cache: unexported field holds references")
	_, err = deepcopy.For[[]badTree]()
	require.ErrorContains(t, err, "badTree.cache: unexported field holds references")
	_, err = deepcopy.For[*badTree]()
	require.ErrorContains(t, err, "badTree.cache: unexported field holds references")
	_, err = deepcopy.For[map[string]badTree]()
	require.ErrorContains(t, err, "badTree.cache: unexported field holds references")
}

// TestInterfaceSharesWhatItCannotCopy: a value in an interface that For
// could not copy (a pointer to a type with unexported references, a
// channel) is shared by the copy, so writing through one is seen by the
// other, as the package doc says.
func TestInterfaceSharesWhatItCannotCopy(t *testing.T) {
	cp, err := deepcopy.For[map[string]any]()
	require.NoError(t, err)
	b := &strings.Builder{}
	ch := make(chan int, 1)
	src := map[string]any{"builder": b, "chan": ch, "list": []any{"a"}}
	dst := *cp(&src)
	dst["builder"].(*strings.Builder).WriteString("seen by both")
	require.Equal(t, "seen by both", b.String())
	require.Equal(t, src["chan"], dst["chan"])
	dst["list"].([]any)[0] = "copied"
	require.Equal(t, "a", src["list"].([]any)[0])
}
