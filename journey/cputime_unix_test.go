//go:build unix

package journey_test

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time, to report throughput per
// core on a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
