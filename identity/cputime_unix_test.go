//go:build unix

package identity_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used, over
// all its threads; the benchmark reports persons per CPU-second next to
// persons per wall-clock second, since a shared machine stretches the
// latter.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
