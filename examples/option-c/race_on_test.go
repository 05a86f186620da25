//go:build race

package main

// raceEnabled: under the race detector the simulation runs several times
// slower, so the test runs a small world and checks the output's shape only.
const raceEnabled = true
