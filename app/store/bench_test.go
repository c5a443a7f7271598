package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkNextTicket draws numbers on a file on disk with synchronous=FULL:
// each draw is one fsync'ed transaction.
func BenchmarkNextTicket(b *testing.B) {
	c, done := openCounters(b, filepath.Join(b.TempDir(), "kiosk.db"))
	defer done()
	for b.Loop() {
		if _, err := c.Next(context.Background(), "2026-11-22", "A"); err != nil {
			b.Fatal(err)
		}
	}
}
