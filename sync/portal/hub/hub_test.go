package hub_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lotse/sync/portal/hub"
	"lotse/sync/portal/store/postgres"
	"lotse/sync/portal/store/postgres/pgtest"
	"lotse/sync/portal/store/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// woken says whether ch has a wake-up within d.
func woken(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// A change reaches the subscribers of its topic, and no one else.
func TestPublishWakesTheTopicOnly(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := hub.New(st) // SQLite: this instance only
	rathaus, stop := h.Subscribe("queue/rathaus")
	defer stop()
	bib, stopBib := h.Subscribe("queue/bibliothek")
	defer stopBib()
	h.Publish("queue/rathaus")
	if !woken(rathaus, 5*time.Second) {
		t.Fatal("the topic's subscriber was not woken")
	}
	if woken(bib, 100*time.Millisecond) {
		t.Error("another topic's subscriber was woken")
	}
	stop()
	h.Publish("queue/rathaus") // nobody listens: nothing blocks
}

// Two instances on one PostgreSQL database: a change at one wakes the
// other's subscribers.
func TestPublishReachesAnotherInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := pgtest.DSN(t)
	var hubs []*hub.Hub
	for range 2 {
		st, err := postgres.Open(ctx, dsn, 4)
		if err != nil {
			t.Fatal(err)
		}
		// LISTEN holds a connection until ctx ends: end it first.
		defer func() { cancel(); st.Close() }()
		h := hub.New(st)
		go h.Run(ctx)
		hubs = append(hubs, h)
	}
	ch, stop := hubs[1].Subscribe("calls")
	defer stop()
	// The other instance's LISTEN may still be on its way.
	for deadline := time.Now().Add(10 * time.Second); ; {
		hubs[0].Publish("calls")
		if woken(ch, 200*time.Millisecond) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the other instance never heard of the change")
		}
	}
}

// A feed is computed once per change, however many pages show it, and
// every page gets the new value.
func TestFeedComputesOncePerChangeForEveryone(t *testing.T) {
	h := hub.New(nil)
	var computed atomic.Int64
	var version atomic.Int64
	compute := func(context.Context) (any, error) {
		computed.Add(1)
		return fmt.Sprint("state ", version.Load()), nil
	}
	const pages = 500
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var seen sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(pages)
	seen.Add(pages)
	for range pages {
		go func() {
			defer seen.Done()
			f := h.Feed("display/rathaus", "queue/rathaus", time.Hour, compute)
			defer f.Release()
			v, changed, _ := f.Value(ctx)
			ready.Done()
			for v != "state 1" {
				select {
				case <-changed:
				case <-ctx.Done():
					t.Errorf("a page never saw the change; it shows %v", v)
					return
				}
				v, changed, _ = f.Value(ctx)
			}
		}()
	}
	ready.Wait()
	before := computed.Load()
	version.Store(1)
	h.Publish("queue/rathaus")
	seen.Wait()
	if before != 1 {
		t.Errorf("%d pages opening made %d computations, want 1", pages, before)
	}
	if n := computed.Load() - before; n != 1 {
		t.Errorf("one change made %d computations for %d pages, want 1", n, pages)
	}
}

// A feed without subscribers stops; the next subscriber starts it anew
// with a fresh value.
func TestFeedStopsWithItsLastSubscriber(t *testing.T) {
	h := hub.New(nil)
	var computed atomic.Int64
	compute := func(context.Context) (any, error) { return computed.Add(1), nil }
	f := h.Feed("k", "t", time.Hour, compute)
	if v, _, _ := f.Value(context.Background()); v != int64(1) {
		t.Fatalf("first value %v", v)
	}
	f.Release()
	h.Publish("t")
	time.Sleep(50 * time.Millisecond)
	if n := computed.Load(); n != 1 {
		t.Errorf("a stopped feed computed %d times", n)
	}
	g := h.Feed("k", "t", time.Hour, compute)
	defer g.Release()
	if v, _, _ := g.Value(context.Background()); v != int64(2) {
		t.Errorf("a new subscriber got %v, want a fresh value", v)
	}
}
