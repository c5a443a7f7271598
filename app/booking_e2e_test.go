package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lotse/app/ui"
	"lotse/devices/escpossim"
)

// firstTarget is the first target on screen whose label matches re.
func (d *uiDriver) firstTarget(screen string, re *regexp.Regexp) string {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var m ui.UIMap
	for time.Now().Before(deadline) {
		var ok bool
		if m, ok = d.read(); ok && m.Seq > d.seq && strings.HasPrefix(m.Screen, screen) {
			for _, tg := range m.Targets {
				if re.MatchString(tg.Label) {
					return tg.Label
				}
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	d.t.Fatalf("nothing like %s on screen %q within 20 s; last map: %+v", re, screen, m)
	return ""
}

// TestBookingEndToEnd books an appointment with xdotool taps on the real
// kiosk in a real window, against the demo's portal and its booking file:
// the first free day, the first free time, a name typed on the screen
// keyboard; the confirmation comes out of the printer (a pty) with the
// code the screen shows and a QR code that leads to the appointment's
// page, whose calendar file the portal gives.
func TestBookingEndToEnd(t *testing.T) {
	k := startDemoKiosk(t, 120*time.Second)
	x, d, sim, ctx := k.x, k.d, k.sim, k.ctx

	// The demo kiosk enrols at its portal in the background: until then
	// booking says it has no connection, and the resident tries again.
	for deadline := time.Now().Add(60 * time.Second); ; {
		d.tap("start", "Termin buchen")
		if d.firstTarget("buchen", regexp.MustCompile(`^(Personalausweis oder Reisepass beantragen|Termin anfragen)$`)) != "Termin anfragen" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the kiosk never reached its portal")
		}
		d.tap("buchen-offline", "Start")
		time.Sleep(time.Second)
	}
	d.tap("buchen-service", "Personalausweis oder Reisepass beantragen")
	d.tap("buchen-day", d.firstTarget("buchen-day", regexp.MustCompile(`^\d+(\.\d+\.)?$`)))
	d.tap("buchen-time", d.firstTarget("buchen-time", regexp.MustCompile(`^\d\d:\d\d$`)))
	d.typeText("buchen-name", "Anna")
	d.tap("buchen-name", "Weiter")
	d.tap("buchen-phone", "Überspringen")
	d.tap("buchen-summary", "Termin verbindlich buchen")
	waitScreen(t, d, "booking-done")
	time.Sleep(500 * time.Millisecond) // the next frame, for the picture only
	x.screenshot(t, artifacts("e2e-booking-done.png"))

	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[0].Text()
	code := regexp.MustCompile(`\b\d{9}\b`).FindString(text)
	if !strings.Contains(text, "Terminbestätigung") || code == "" || strings.Contains(text, "Anna") {
		t.Fatalf("the confirmation (no name on it):\n%s", text)
	}
	page, err := jobs[0].Image()
	if err != nil {
		t.Fatal(err)
	}
	paper, _ := jobs[0].PNG()
	os.MkdirAll(filepath.Dir(artifacts("x")), 0o755)
	os.WriteFile(artifacts("e2e-booking-paper.png"), paper, 0o644)
	qr, ok := escpossim.ScanQR(page)
	if !ok || !strings.Contains(qr, "/termin/_/"+code+"?s=") {
		t.Fatalf("the confirmation's QR code: %q", qr)
	}
	base, _, _ := strings.Cut(qr, "/termin/")
	resp, err := http.Get(base + "/v1/sites/_/appointments/" + code + "/ics?" + strings.SplitN(qr, "?", 2)[1])
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the calendar file: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(qr)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the appointment's page: %v %v", resp, err)
	}
	resp.Body.Close()
}
