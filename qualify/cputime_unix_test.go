//go:build unix

package qualify_test

import (
	"syscall"
	"time"
)

// qCPUTime returns the CPU time (user + system) the process has used, so
// that benchmarks on a shared machine can report throughput per CPU second
// as well as per wall-clock second.
func qCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
