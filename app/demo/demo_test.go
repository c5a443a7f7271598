package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"lotse/app/config"
	"lotse/app/internal/testutil"
	"lotse/app/kiosk"
	"lotse/app/store"
	"lotse/sync/identity"
	"lotse/sync/outbox"
)

// TestTheDemoFindsItsPortalAfterARestart: `make run` a second time must
// sync as the first did. The demo portal listens where it did before;
// where that port is taken, it takes another and the kiosk follows it.
func TestTheDemoFindsItsPortalAfterARestart(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := outbox.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	start := func() (string, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		cfg := config.Default()
		d, err := startDemo(ctx, &cfg, dir)
		if err != nil {
			t.Fatal(err)
		}
		c := kiosk.StartSync(ctx, cfg, db, out, d.enroll)
		if c == nil {
			t.Fatal("the demo kiosk does not sync")
		}
		id, err := identity.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := out.Submit(ctx, id, "mangel", map[string]string{"wo": "Markt 3"}, false); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, func() bool {
			c.SendOnce(ctx) // besides the background loop, which may be backing off
			counts, _ := out.Counts(ctx)
			return counts[outbox.Queued]+counts[outbox.Sending] == 0
		})
		return cfg.Portal.URL, cancel
	}

	// A restart: the old process has let go of its port.
	freed := func(url string) {
		t.Helper()
		testutil.WaitFor(t, func() bool {
			ln, err := net.Listen("tcp", strings.TrimPrefix(url, "http://"))
			if err == nil {
				ln.Close()
			}
			return err == nil
		})
	}
	first, stop := start()
	stop()
	freed(first)
	again, stop := start()
	stop()
	freed(again)
	if again != first {
		t.Errorf("second start: portal at %s, first at %s", again, first)
	}

	// Another program took the port meanwhile.
	busy, err := net.Listen("tcp", strings.TrimPrefix(first, "http://"))
	if err != nil {
		t.Fatalf("could not take the old port: %v", err)
	}
	defer busy.Close()
	moved, stop := start() // submits and waits until it is sent
	defer stop()
	if moved == first {
		t.Fatal("the demo portal listens on a port that is taken")
	}
	if id, _ := identity.Load(context.Background(), db); id.Portal != moved {
		t.Errorf("the kiosk still talks to %s, the portal moved to %s", id.Portal, moved)
	}
}
