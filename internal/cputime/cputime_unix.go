//go:build unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report it beside wall-clock time: a shared machine stretches the
// latter, not the former.
package cputime

import (
	"syscall"
	"time"
)

// Process returns the CPU time (user + system) the process has used over
// all its threads, or 0 where it cannot be read.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
