package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"lotse/app/store"
)

func openCounters(t testing.TB, path string) (*store.Counters, func()) {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return store.NewCounters(db), func() { db.Close() }
}

func TestConcurrentDrawsAreDistinctAndGapless(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	c, done := openCounters(t, path)
	defer done()
	const workers, draws = 8, 100
	var mu sync.Mutex
	var got []int
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range draws {
				n, err := c.Next(context.Background(), "2026-11-22", "A")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Ints(got)
	if len(got) != workers*draws {
		t.Fatalf("got %d numbers, want %d", len(got), workers*draws)
	}
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("numbers not 1..%d without gaps or repeats: position %d holds %d", workers*draws, i, n)
		}
	}
}

func TestTwoProcessesShareOneCounter(t *testing.T) {
	// Two connections pools on one file stand in for two kiosk processes
	// (a crash-restart overlap): the file, not the pool, serialises them.
	path := filepath.Join(t.TempDir(), "kiosk.db")
	a, doneA := openCounters(t, path)
	defer doneA()
	b, doneB := openCounters(t, path)
	defer doneB()
	seen := map[int]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range []*store.Counters{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				n, err := c.Next(context.Background(), "2026-11-22", "B")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("number %d handed out twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 100 {
		t.Fatalf("got %d distinct numbers, want 100", len(seen))
	}
}

func TestRestartContinuesAndNextDayStartsAtOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	ctx := context.Background()
	c, done := openCounters(t, path)
	for range 3 {
		if _, err := c.Next(ctx, "2026-11-22", "A"); err != nil {
			t.Fatal(err)
		}
	}
	done()

	c, done = openCounters(t, path)
	defer done()
	if n, err := c.Next(ctx, "2026-11-22", "A"); err != nil || n != 4 {
		t.Fatalf("after restart: got %d, %v; want 4", n, err)
	}
	if n, err := c.Next(ctx, "2026-11-22", "C"); err != nil || n != 1 {
		t.Fatalf("other series: got %d, %v; want 1", n, err)
	}
	if n, err := c.Next(ctx, "2026-11-23", "A"); err != nil || n != 1 {
		t.Fatalf("next day: got %d, %v; want 1", n, err)
	}
}

func TestUnwritableDataFolderFailsAtOpen(t *testing.T) {
	// A file where the data folder should be cannot be written even by
	// root, unlike a chmod'ed folder.
	blocker := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(filepath.Join(blocker, "kiosk.db"))
	if err == nil {
		t.Fatal("Open under a file succeeded; want an error staff can see")
	}
	if !strings.Contains(err.Error(), blocker) {
		t.Errorf("error %q does not name the folder", err)
	}
}
