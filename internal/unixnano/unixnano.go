// Package unixnano reads a time as Unix nanoseconds without wrapping
// around: t.UnixNano() is undefined for times before 1678 or after 2262,
// which user data may hold (a typo in a year), and a wrapped value would
// put a far-future time in the past.
package unixnano

import (
	"math"
	"time"
)

// lim is the last whole second t.UnixNano() can represent at either end
// (9,223,372,035 s: 2262-04-11), less one.
const lim = math.MaxInt64/int64(time.Second) - 1

// Of is t.UnixNano() for the times it can represent (from 1678 to 2262,
// but for the last second at either end); a later time is math.MaxInt64
// and an earlier one math.MinInt64, so that the order of times is kept.
func Of(t time.Time) int64 {
	switch sec := t.Unix(); {
	case sec > lim:
		return math.MaxInt64
	case sec < -lim:
		return math.MinInt64
	default:
		return sec*int64(time.Second) + int64(t.Nanosecond())
	}
}
