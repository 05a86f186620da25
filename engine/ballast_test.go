package engine_test

import (
	"os"
	"strconv"
)

type ballastNode struct {
	a, b *ballastNode
	s    string
	pad  [24]byte
}

var ballastKeep []*ballastNode
var ballastBytes [][]byte

func init() {
	gb, _ := strconv.ParseFloat(os.Getenv("QUORUM_BALLAST_GB"), 64)
	if gb > 0 {
		n := int(gb * (1 << 30) / 64)
		ballastKeep = make([]*ballastNode, 0, n/64)
		var prev *ballastNode
		for i := 0; i < n; i++ {
			nd := &ballastNode{a: prev}
			if i%64 == 0 {
				ballastKeep = append(ballastKeep, nd)
				prev = nil
			} else {
				prev = nd
			}
		}
	}
	nb, _ := strconv.ParseFloat(os.Getenv("QUORUM_BALLAST_NOSCAN_GB"), 64)
	if nb > 0 {
		for i := 0; i < int(nb*1024); i++ {
			ballastBytes = append(ballastBytes, make([]byte, 1<<20))
		}
	}
}
