package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestNameTable: the table gives back one copy of each name, its own (not
// a part of a larger string), from many goroutines at once, and stops
// keeping new names once full.
func TestNameTable(t *testing.T) {
	t.Parallel()
	// data is where a string's bytes are: pointers compared as numbers
	// (require compares what pointers point to).
	data := func(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }
	var tb nameTable
	big := "visit_web_page and more"
	first := tb.intern(big[:14])
	require.Equal(t, "visit_web_page", first)
	require.NotEqual(t, data(big), data(first), "a part of a larger string is copied")
	again := tb.intern(strings.Clone("visit_web_page"))
	require.Equal(t, data(first), data(again), "one copy per name")
	require.Equal(t, "", tb.intern(""))

	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		wg.Go(func() {
			for i := range 100 {
				got[g] = append(got[g], tb.intern(fmt.Sprintf("type-%d", i)))
			}
		})
	}
	wg.Wait()
	for g := 1; g < len(got); g++ {
		for i := range got[g] {
			require.Equal(t, data(got[0][i]), data(got[g][i]), "goroutines share the copy of type-%d", i)
		}
	}

	for i := 0; tb.n.Load() < maxNames; i++ {
		tb.intern(fmt.Sprintf("filler-%d", i))
	}
	late := fmt.Sprintf("late-%d", 1)
	require.Equal(t, data(late), data(tb.intern(late)), "a full table keeps nothing new")
	require.Equal(t, data(first), data(tb.intern("visit_web_page")), "and still gives back what it holds")
	require.EqualValues(t, maxNames, tb.n.Load())
}
