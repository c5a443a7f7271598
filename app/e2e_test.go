package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lotse/app/internal/testutil"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
)

// tileBlue is the primary tile colour (colTile in app/ui/theme.go).
const tileBlue = "0B4F8A"

// TestWaitingNumberEndToEnd starts the real kiosk in a real window, taps
// "Wartenummer ziehen" and "Ausweis & Pass" with xdotool (where the
// kiosk's --ui-map says they are), and reads the ticket off the far end of
// the pty pair the kiosk prints to.
func TestWaitingNumberEndToEnd(t *testing.T) {
	k := startDemoKiosk(t, 60*time.Second)
	x, d, sim, ctx, home := k.x, k.d, k.sim, k.ctx, k.home
	waitQueueBlock(t, filepath.Join(home, "data", "kiosk.db"))
	d.tap("start", "Wartenummer ziehen")
	d.tap("wartenummer", "Ausweis & Pass")

	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[0].Text()
	// From the office queue at the demo portal: it knows who waits before.
	for _, want := range []string{"Ihre Wartenummer", "A001", "Ausweis & Pass", "Uhr", "Vor Ihnen: 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("ticket lacks %q:\n%s", want, text)
		}
	}
	if errs := sim.Errors(); len(errs) > 0 {
		t.Errorf("printer simulator refused bytes: %v", errs)
	}
	waitScreen(t, d, "ticket-number")
	time.Sleep(500 * time.Millisecond) // the next frame, for the picture only
	x.screenshot(t, artifacts("e2e-waiting-number.png"))
}

// waitQueueBlock waits until the demo kiosk has its block of numbers from
// the portal: then it is enrolled and draws from the office queue.
func waitQueueBlock(t *testing.T, path string) {
	t.Helper()
	waitKioskDB(t, path, `SELECT block > 0 FROM queue_block WHERE id = 1`, "a block of numbers from its portal")
}

// waitKioskDB waits up to 60 s until query, on the kiosk's database at
// path (read-only, beside the running kiosk), answers true.
func waitKioskDB(t *testing.T, path, query, what string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			continue
		}
		var ok bool
		err = db.QueryRow(query).Scan(&ok)
		db.Close()
		if err == nil && ok {
			return
		}
	}
	t.Fatalf("the kiosk got no %s within 60 s", what)
}

// demoKiosk is the real kiosk binary in demo mode in a real window under
// Xvfb, printing to the printer simulator on a pty pair, driven by its
// --ui-map.
type demoKiosk struct {
	x    *xserver
	d    *uiDriver
	sim  *escpossim.Printer
	ctx  context.Context
	home string
}

// startDemoKiosk starts one for the test, which it gives timeout.
func startDemoKiosk(t *testing.T, timeout time.Duration) demoKiosk {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	x := startXvfb(t)
	bin := buildDemo(t)
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	sim := escpossim.NewPrinter(escpossim.Options{Profile: testutil.Profile(t, "TM-T20II"), XonXoff: true})
	ctx, cancel := withTimeout(timeout)
	t.Cleanup(cancel)
	go sim.Serve(ctx, pair)
	uiMap := filepath.Join(t.TempDir(), "ui.json")
	home := t.TempDir()
	startKioskIn(t, x, bin, home, "--printer-port", pair.Device, "--ui-map", uiMap)
	return demoKiosk{x: x, d: &uiDriver{t: t, x: x, g: x.waitWindow(t), path: uiMap}, sim: sim, ctx: ctx, home: home}
}
