// Package hourstest holds the days every date-dependent test runs over,
// so that the suite gives the same answer on every day of the year: the
// first and last day of a month, a Sunday, after closing time, both days
// the clocks change in Germany, and New Year's Eve.
package hourstest

import (
	"sync"
	"time"
)

// Berlin is the offices' time zone.
var Berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err) // tests need the zone database; tzdata is a Debian base package
	}
	return l
}()

// Day is one instant a test pretends it is, with a name for its output.
type Day struct {
	Name string
	At   time.Time
}

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Berlin)
}

// Days are the awkward days, at the office's wall-clock time.
var Days = []Day{
	{"first of a month, morning", at(2027, time.February, 1, 9, 15)},
	{"last of a month, afternoon", at(2027, time.January, 31, 15, 40)},
	{"a Sunday", at(2027, time.March, 14, 11, 0)},
	{"a Friday after closing time", at(2026, time.December, 4, 19, 30)},
	{"the day clocks go forward", at(2027, time.March, 28, 10, 5)},
	{"the day clocks go back", at(2027, time.October, 31, 10, 5)},
	{"the eve before clocks go back", at(2027, time.October, 30, 22, 50)},
	{"New Year's Eve", at(2026, time.December, 31, 16, 45)},
	{"a weekday before opening", at(2027, time.June, 8, 6, 30)},
}

// Clock is a clock that reads t0 now and runs from there at the real
// pace (so timeouts and orderings still see time pass).
func Clock(t0 time.Time) func() time.Time {
	start := time.Now()
	return func() time.Time { return t0.Add(time.Since(start)) }
}

// Manual is a clock that moves only when told.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual is a manual clock reading t.
func NewManual(t time.Time) *Manual { return &Manual{t: t} }

// Now reads it.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Add moves it on by d.
func (m *Manual) Add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

// Set sets it to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
}
