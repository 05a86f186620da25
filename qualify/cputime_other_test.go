//go:build !unix

package qualify_test

import "time"

// qCPUTime is not measured on this platform.
func qCPUTime() time.Duration { return 0 }
