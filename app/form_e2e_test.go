package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"lotse/app/ui"
	"lotse/sync/portal"
)

// uiDriver taps the real window by label, reading where the targets are
// from the kiosk's --ui-map file.
type uiDriver struct {
	t    *testing.T
	x    *xserver
	g    geometry
	path string
	seq  uint64
}

func (d *uiDriver) read() (ui.UIMap, bool) {
	var m ui.UIMap
	b, err := os.ReadFile(d.path)
	return m, err == nil && json.Unmarshal(b, &m) == nil
}

// wait waits for a map newer than the last tap that shows screen (a
// prefix) and holds label.
func (d *uiDriver) wait(screen, label string) (ui.UIMap, ui.UITarget) {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var m ui.UIMap
	for time.Now().Before(deadline) {
		var ok bool
		if m, ok = d.read(); ok && m.Seq > d.seq && strings.HasPrefix(m.Screen, screen) {
			for _, tg := range m.Targets {
				if tg.Label == label {
					return m, tg
				}
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	d.t.Fatalf("no %q on screen %q within 20 s; last map: %+v", label, screen, m)
	return m, ui.UITarget{}
}

// tap taps the target labelled label on screen and remembers the map it
// acted on, so the next wait sees the kiosk's answer to this tap.
func (d *uiDriver) tap(screen, label string) {
	d.t.Helper()
	m, tg := d.wait(screen, label)
	sx := float32(d.g.w) / m.Canvas.Width
	sy := float32(d.g.h) / m.Canvas.Height
	px, py := d.g.x+int((tg.X+tg.W/2)*sx), d.g.y+int((tg.Y+tg.H/2)*sy)
	if d.seq == 0 {
		// The first tap waits until the window has painted the tile: a
		// click on a window that is not yet on screen goes nowhere.
		d.x.waitPixel(d.t, px, py-int(tg.H*sy/2)+4, tileBlue, false)
	}
	d.seq = m.Seq
	d.x.tap(d.t, px, py)
}

// typeText taps lower-case letters, digits and spaces on the keyboard.
func (d *uiDriver) typeText(screen, text string) {
	d.t.Helper()
	for _, r := range text {
		switch {
		case r == ' ':
			d.tap(screen, "Leerzeichen")
		case r >= '0' && r <= '9':
			d.tap(screen, "?123")
			d.tap(screen, string(r))
			d.tap(screen, "ABC")
		default:
			d.tap(screen, string(r))
		}
	}
}

// TestFormEndToEnd reports a defect with xdotool taps on the real kiosk
// in a real window: the sealed submission reaches the demo's portal, and
// `lotse-portal export` shows exactly the typed values; the receipt with
// the same code reaches the printer simulator.
func TestFormEndToEnd(t *testing.T) {
	k := startDemoKiosk(t, 120*time.Second)
	x, d, sim, ctx, home := k.x, k.d, k.sim, k.ctx, k.home
	portalBin := filepath.Join(t.TempDir(), "lotse-portal")
	if out, err := exec.Command("go", "build", "-o", portalBin, "../sync/portal/cmd/lotse-portal").CombinedOutput(); err != nil {
		t.Fatalf("build lotse-portal: %v\n%s", err, out)
	}

	d.tap("start", "Mangel melden")
	d.tap("mangel-00-intro", "Los geht’s")
	d.tap("mangel-01-art", "Straßenlaterne")
	d.typeText("mangel-02-wo", "markt 3")
	d.tap("mangel-02-wo", "Weiter")
	d.typeText("mangel-03-was", "licht aus")
	d.tap("mangel-03-was", "Weiter")
	d.tap("mangel-04-antwort", "Nein")
	d.tap("mangel-summary", "Absenden")
	waitScreen(t, d, "mangel-receipt")
	time.Sleep(500 * time.Millisecond) // the next frame, for the picture only
	x.screenshot(t, artifacts("e2e-form-receipt.png"))

	jobs, err := sim.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	receipt := jobs[0].Text()
	if !strings.Contains(receipt, "Mangel melden") || strings.Contains(receipt, "markt") {
		t.Errorf("receipt:\n%s", receipt)
	}

	// The demo portal lives in the kiosk's data folder; the kiosk syncs
	// in the background. Export until the submission is there.
	exported := t.TempDir()
	var files []string
	for deadline := time.Now().Add(60 * time.Second); len(files) == 0 && time.Now().Before(deadline); {
		out, err := exec.Command(portalBin, "export", "--data", filepath.Join(home, "data", "portal"),
			"--since", "2000-01-01", "--out", exported).CombinedOutput()
		if err != nil {
			t.Fatalf("lotse-portal export: %v\n%s", err, out)
		}
		files, _ = filepath.Glob(filepath.Join(exported, "*.json"))
		time.Sleep(500 * time.Millisecond)
	}
	if len(files) != 1 {
		t.Fatalf("exported %d submissions, want 1", len(files))
	}
	var sub portal.Exported
	b, _ := os.ReadFile(files[0])
	if err := json.Unmarshal(b, &sub); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"art": "laterne", "wo": "markt 3", "was": "licht aus", "antwort": "nein"}
	if sub.Service != "mangel" || len(sub.Data) != len(want) {
		t.Errorf("portal has %s %v", sub.Service, sub.Data)
	}
	for k, v := range want {
		if sub.Data[k] != v {
			t.Errorf("portal has %s = %q, want %q", k, sub.Data[k], v)
		}
	}
	if !strings.Contains(receipt, sub.Code) {
		t.Errorf("receipt does not carry the code %s the portal has:\n%s", sub.Code, receipt)
	}

	// The receipt as the simulator renders the paper: its QR code leads
	// to this case's status page at the portal.
	paper, err := jobs[0].PNG()
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(artifacts("x")), 0o755)
	os.WriteFile(artifacts("e2e-form-receipt-paper.png"), paper, 0o644)
	img, err := png.Decode(bytes.NewReader(paper))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	qr, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || !strings.HasSuffix(qr.GetText(), "/s/"+sub.Code) {
		t.Errorf("the receipt's QR code: %v %v", qr, err)
	}
}

// waitScreen waits until the kiosk shows screen (which may have no tiles).
func waitScreen(t *testing.T, d *uiDriver, screen string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(30 * time.Millisecond) {
		if m, ok := d.read(); ok && m.Screen == screen {
			return
		}
	}
	t.Fatalf("screen %s did not appear", screen)
}
