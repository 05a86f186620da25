//go:build unix

package engine_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used, over
// all its threads; BenchmarkRecover reports CPU seconds next to
// wall-clock seconds, since a shared machine stretches the latter.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
