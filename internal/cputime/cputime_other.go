//go:build !unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report it beside wall-clock time: a shared machine stretches the
// latter, not the former.
package cputime

import "time"

// Process returns 0: the CPU time is not read on this platform.
func Process() time.Duration { return 0 }
