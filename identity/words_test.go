package identity

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The ASCII path of companyWords must split every name as the general one
// does.
func TestSplitASCIIWordsMatchesSplitWords(t *testing.T) {
	t.Parallel()
	names := []string{"", ".", "ACME, Inc.", "S. A.", "Amazon.com", "a.b.c.d", "AT&T", "Wal-Mart",
		"McDonald's", "Procter + Gamble", "  the  Company  ", "x.", ".com", "A.B.", "IBM (UK) Ltd/plc", "`q`", "\x00a"}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aZm09 .,'-`&+()/\x00\t"
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	for _, s := range names {
		require.True(t, isASCII(s))
		require.Equal(t, splitWords(s), splitASCIIWords(s), "%q", s)
	}
}
