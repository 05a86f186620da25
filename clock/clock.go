// Package clock is how time enters Quorum. Domain packages never read the
// wall clock: they take a time as an argument. The imperative shell (the
// engine, a runner, the dispatcher) asks a [Clock], which is the system clock
// in production and a [Manual] clock in simulations and tests, where a quarter
// of activity replays in seconds.
//
//	c := clock.NewManual(start)
//	eng.Advance(ctx, c.Now()) // runs everything due up to start
//	c.Advance(5 * 24 * time.Hour)
//	eng.Advance(ctx, c.Now()) // five days later, instantly
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time. Implementations are safe for concurrent use.
type Clock interface {
	Now() time.Time
}

// System is the wall clock. Its times are in UTC.
type System struct{}

// Now returns the current wall-clock time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that moves only when told to. The zero value reads the
// zero time; use [NewManual]. It is safe for concurrent use.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a manual clock that reads start.
func NewManual(start time.Time) *Manual { return &Manual{now: start} }

// Now returns the clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t, backwards too (a test may need it): the clock
// checks nothing, and an earlier time undoes nothing its readers did at a
// later one.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.now = t
	m.mu.Unlock()
}

// Advance moves the clock by d (backwards when d is negative, as Set
// may) and returns the new time.
func (m *Manual) Advance(d time.Duration) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
	return m.now
}

var (
	_ Clock = System{}
	_ Clock = (*Manual)(nil)
)
