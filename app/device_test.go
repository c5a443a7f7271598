package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"lotse/app/internal/testutil"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
)

// simPrinter runs a simulated printer on a pty pair for a CLI test.
func simPrinter(t *testing.T, profile string) (*serialport.Pair, *escpossim.Printer) {
	t.Helper()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	sim := escpossim.NewPrinter(escpossim.Options{Profile: testutil.Profile(t, profile), XonXoff: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sim.Serve(ctx, pair); close(done) }()
	t.Cleanup(func() { cancel(); <-done; pair.Close() })
	return pair, sim
}

func TestDevicePrintTestPage(t *testing.T) {
	for _, profile := range []string{"TM-T20II", "generic-58mm"} {
		t.Run(profile, func(t *testing.T) {
			pair, sim := simPrinter(t, profile)
			var out, errb bytes.Buffer
			code := run([]string{"device", "print-test", "--port", pair.Device, "--baud", "115200", "--profile", profile}, &out, &errb)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			jobs := testutil.WaitJobs(t, sim, 1)
			text := jobs[0].Text()
			if !strings.Contains(strings.ReplaceAll(text, "\n", ""), escpos.TestURL) {
				t.Errorf("test page lacks the URL:\n%s", text)
			}
			for _, want := range []string{"ÄÖÜ äöü ß", "Fett: Wartenummer A001"} {
				if !strings.Contains(text, want) {
					t.Errorf("test page lacks %q:\n%s", want, text)
				}
			}
			euro := "€"
			if profile == "generic-58mm" {
				euro = "EUR" // CP850 has no euro sign
			}
			if !strings.Contains(text, "ß "+euro) {
				t.Errorf("test page lacks %q", "ß "+euro)
			}
			img, err := jobs[0].PNG()
			if err != nil {
				t.Fatal(err)
			}
			// Render the PNG to disk through the render command as well.
			raw := filepath.Join(t.TempDir(), "job.bin")
			os.WriteFile(raw, jobs[0].Raw, 0o600)
			pngPath := filepath.Join(t.TempDir(), "job.png")
			if code := run([]string{"device", "render", "--in", raw, "--out", pngPath, "--profile", profile}, &out, &errb); code != 0 {
				t.Fatalf("render exit %d: %s", code, errb.String())
			}
			onDisk, _ := os.ReadFile(pngPath)
			if !bytes.Equal(onDisk, img) {
				t.Error("render command and simulator disagree")
			}
			decoded, err := png.Decode(bytes.NewReader(img))
			if err != nil {
				t.Fatal(err)
			}
			if w := decoded.Bounds().Dx(); w != testutil.Profile(t, profile).Dots() {
				t.Errorf("paper %d dots wide", w)
			}
			bmp, _ := gozxing.NewBinaryBitmapFromImage(decoded)
			res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
			if err != nil || res.GetText() != escpos.TestURL {
				t.Errorf("QR on the test page: %v %v", res, err)
			}
		})
	}
}

func TestDeviceRenderRefusesUnknownCommands(t *testing.T) {
	in := filepath.Join(t.TempDir(), "bad.bin")
	os.WriteFile(in, []byte("\x1b@Hallo\n\x1bZ\x01"), 0o600)
	var out, errb bytes.Buffer
	pic := filepath.Join(t.TempDir(), "x.png")
	if code := run([]string{"device", "render", "--in", in, "--out", pic}, &out, &errb); code == 0 {
		t.Fatal("rendered a stream with an unknown command")
	}
	if !strings.Contains(errb.String(), "offset 8") {
		t.Errorf("error does not name the offset: %s", errb.String())
	}
	// "Hallo", before the bad bytes, is on the picture.
	f, err := os.Open(pic)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dy() == 0 {
		t.Errorf("no picture of the good part: %v", err)
	}
}

func TestDeviceStatusAsJSON(t *testing.T) {
	pair, sim := simPrinter(t, "TM-T20II")
	sim.SetPaperNearEnd(true)
	var out, errb bytes.Buffer
	if code := run([]string{"device", "status", "--port", pair.Device}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	var s map[string]any
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("not one JSON line: %q", out.String())
	}
	if s["ready"] != true || s["paper_near_end"] != true || s["problem"] != "" {
		t.Errorf("status %v", s)
	}

	out.Reset()
	code := run([]string{"device", "status", "--port", filepath.Join(t.TempDir(), "ttyUSB0")}, &out, &errb)
	if code == 0 || !strings.Contains(out.String(), `"connected":false`) || !strings.Contains(out.String(), `"problem":"offline"`) {
		t.Errorf("missing port: exit %d, %s", code, out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDeviceReadPrintsOneJSONLinePerCard(t *testing.T) {
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run([]string{"device", "read", "--port", pair.Device, "--kind", "rdm6300"}, &out, &errb)
	}()
	pair.Write([]byte("\x021F00644BB687\x03")) // bad checksum
	pair.Write([]byte("\x021F00644BB686\x03"))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	pair.Close() // unplugged: the command ends
	<-done
	if got := out.String(); got != "{\"kind\":\"rfid\",\"id\":\"1F00644BB6\"}\n" {
		t.Errorf("output %q", got)
	}
	if !strings.Contains(errb.String(), "dropped: checksum=1") {
		t.Errorf("stderr %q", errb.String())
	}
}
