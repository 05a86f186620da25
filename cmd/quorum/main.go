// Command quorum validates Quorum programs, simulates them on synthetic B2B
// worlds and reports the KPIs, explains one account's buying groups, and
// classifies job titles. Run "quorum help" for the commands.
package main

import (
	"context"
	"os"
	"runtime/debug"

	// Accounts' time zones read the same on a host without zone files
	// (a container built from scratch): see b2b.Account.TimeZone.
	_ "time/tzdata"
)

func main() {
	// A simulation builds and drops many short-lived values; with memory to
	// spare, collecting less often is the better trade for a command line
	// run (a host embedding the engine makes its own choice). GOGC set in
	// the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
