package reader

import "time"

// SetReopenEvery shortens the watcher's wait between attempts for a test.
func SetReopenEvery(d time.Duration) (restore func()) {
	old := reopenEvery
	reopenEvery = d
	return func() { reopenEvery = old }
}
