package engine

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIndexKeys checks that an index key is its prefix and name, the
// same for a name asked again, from goroutines at once.
func TestIndexKeys(t *testing.T) {
	k := indexKeys{prefix: "stage/"}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		wg.Go(func() {
			for i := range 100 {
				got[g] = append(got[g], k.of(fmt.Sprintf("interest-%d", (i+g)%10)))
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i, key := range got[g] {
			require.Equal(t, fmt.Sprintf("stage/interest-%d", (i+g)%10), key)
		}
	}
	require.Len(t, k.keys, 10)
	require.Equal(t, "stage/", k.of(""))
	require.Equal(t, "readiness/crm", readinessKeys.of("crm"))
}
