package main

import (
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
	if testing.Short() {
		t.Skip("starts Xvfb and the real binary")
	}
	x := startXvfb(t)
	bin := buildLotse(t)
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	sim := escpossim.NewPrinter(escpossim.Options{Profile: testutil.Profile(t, "TM-T20II"), XonXoff: true})
	ctx, cancel := withTimeout(60 * time.Second)
	defer cancel()
	go sim.Serve(ctx, pair)

	uiMap := filepath.Join(t.TempDir(), "ui.json")
	startKiosk(t, x, bin, "--demo", "--printer-port", pair.Device, "--ui-map", uiMap)
	d := &uiDriver{t: t, x: x, g: x.waitWindow(t), path: uiMap}
	d.tap("start", "Wartenummer ziehen")
	d.tap("wartenummer", "Ausweis & Pass")

	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[0].Text()
	for _, want := range []string{"Ihre Wartenummer", "A001", "Ausweis & Pass", "Uhr"} {
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
