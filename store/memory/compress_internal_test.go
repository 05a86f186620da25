package memory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/store"
)

// eventBlocks returns the engine's events in testdata/events.jsonl
// encoded into blocks as an account's log seals them: each account's
// events in Seq order, a block sealed once it holds blockBytes.
func eventBlocks(tb testing.TB) [][]byte {
	tb.Helper()
	f, err := os.Open("testdata/events.jsonl")
	require.NoError(tb, err)
	defer f.Close()
	type line struct {
		Seq     int64           `json:"seq"`
		Account b2b.AccountID   `json:"account"`
		Person  b2b.PersonID    `json:"person"`
		Time    time.Time       `json:"time"`
		Type    string          `json:"type"`
		Data    json.RawMessage `json:"data"`
	}
	tails := map[b2b.AccountID][]byte{}
	prev := map[b2b.AccountID]int64{}
	var blocks [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		require.NoError(tb, json.Unmarshal(sc.Bytes(), &l))
		e := store.Event{Seq: l.Seq, Account: l.Account, Person: l.Person, Time: l.Time, Type: l.Type, Data: l.Data}
		tails[l.Account] = appendEvent(tails[l.Account], prev[l.Account], &e)
		prev[l.Account] = l.Seq
		if len(tails[l.Account]) >= blockBytes {
			blocks = append(blocks, tails[l.Account])
			tails[l.Account], prev[l.Account] = nil, 0
		}
	}
	require.NoError(tb, sc.Err())
	require.NotEmpty(tb, blocks)
	return blocks
}

// BenchmarkCompressBlocks compresses sealed blocks of the engine's
// events as the store does (zstd's fastest level), beside S2, in the same
// run: the speed (MB/s of events) and the ratio of each.
func BenchmarkCompressBlocks(b *testing.B) {
	blocks := eventBlocks(b)
	raw := 0
	for _, bl := range blocks {
		raw += len(bl)
	}
	b.Run("zstd-fastest", func(b *testing.B) {
		var scratch []byte
		work := make([]sealed, len(blocks))
		b.SetBytes(int64(raw))
		zipped := 0
		for b.Loop() {
			for i := range work {
				work[i] = sealed{raw: blocks[i]}
			}
			zipped = 0
			for _, w := range compressWith(&scratch, work) {
				zipped += len(w.zip)
			}
		}
		b.ReportMetric(float64(raw)/float64(zipped), "ratio")
	})
	b.Run("s2", func(b *testing.B) {
		var out []byte
		b.SetBytes(int64(raw))
		zipped := 0
		for b.Loop() {
			zipped = 0
			for _, bl := range blocks {
				out = s2.Encode(out[:cap(out)], bl)
				zipped += len(bytes.Clone(out)) // kept, as the store keeps a block
			}
		}
		b.ReportMetric(float64(raw)/float64(zipped), "ratio")
	})
}

// TestEventBlocksRoundTrip: the benchmark's blocks, compressed as the
// store compresses them, read back as they were.
func TestEventBlocksRoundTrip(t *testing.T) {
	blocks := eventBlocks(t)
	work := make([]sealed, len(blocks))
	for i := range work {
		work[i] = sealed{raw: blocks[i]}
	}
	var scratch []byte
	for i, w := range compressWith(&scratch, work) {
		lg := accountLog{blocks: []block{{data: w.zip}}}
		require.Equal(t, blocks[i], lg.decoded(0, nil), "block %d", i)
		require.Less(t, len(w.zip), len(blocks[i])/3, "block %d compresses", i)
	}
}
