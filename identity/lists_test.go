package identity

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLists checks the list store against one Go slice per list, through
// growth, moves between lists, removals and reuse of freed blocks.
func TestLists(t *testing.T) {
	t.Parallel()
	var s lists
	const n = 50
	ls := make([]list, n)
	want := make([][]int32, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 30000 {
		x := rng.IntN(n)
		v := int32(rng.IntN(40))
		switch op := rng.IntN(20); {
		case op < 12:
			s.add(&ls[x], v)
			want[x] = append(want[x], v)
		case op < 15:
			s.removeOne(&ls[x], v)
			want[x] = removeOne(want[x], v)
		case op == 15:
			y := rng.IntN(n)
			if y != x {
				s.addAll(&ls[x], s.items(ls[y]))
				want[x] = append(want[x], want[y]...)
				s.clear(&ls[y])
				want[y] = nil
			}
		case op == 16:
			s.keep(&ls[x], func(p int32) bool { return p%3 != 0 })
			var out []int32
			for _, p := range want[x] {
				if p%3 != 0 {
					out = append(out, p)
				}
			}
			want[x] = out
		case op == 17 && i%500 == 0:
			for range 70000 { // past a chunk
				s.add(&ls[x], v)
				want[x] = append(want[x], v)
			}
		default:
			s.clear(&ls[x])
			want[x] = nil
		}
		for y := range n {
			if y != x && i%100 != 0 {
				continue
			}
			if len(want[y]) == 0 {
				require.Zero(t, ls[y].len())
				continue
			}
			require.Equal(t, want[y], s.items(ls[y]), "list %d after step %d", y, i)
		}
	}
}
