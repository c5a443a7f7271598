package main

import (
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
// "Wartenummer ziehen" and "Ausweis & Pass" with xdotool, and reads the
// ticket off the far end of the pty pair the kiosk prints to.
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

	startKiosk(t, x, bin, "--demo", "--printer-port", pair.Device)
	g := x.waitWindow(t)

	// Start screen: the first tile, "Wartenummer ziehen", fills the left
	// half of the first tile row.
	tx, ty := g.at(0.25, 0.35)
	x.waitPixel(t, tx, ty, tileBlue, false)
	x.tap(t, tx, ty)

	// The choice screen: "Ausweis & Pass" is the first option, higher up.
	ox, oy := g.at(0.25, 0.2)
	x.waitPixel(t, ox, oy, tileBlue, false)
	x.tap(t, ox, oy)

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
	// The number screen has no tile where the option was.
	x.waitPixel(t, ox, oy, tileBlue, true)
	x.screenshot(t, artifacts("e2e-waiting-number.png"))
}
