package profile_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"lotse/app/profile"
)

// Attack: a 16000² logo that compresses to a few KB (it took the kiosk
// from 177 to 455 MB). Refused from its header, before it is decoded.
func TestAHugeLogoIsRefusedBeforeDecoding(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 16000, 16000))); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", buf.Len())
	}
	toml := "municipality = \"M\"\nname = \"N\"\nlogo = \"logo.png\"\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := profile.Install(t.TempDir(), 1, validBundle(t, map[string]string{"profile.toml": toml, "logo.png": buf.String()}))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "16000×16000 pixels") {
		t.Fatalf("a 16000² logo: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 100<<20 {
		t.Errorf("checking the logo allocated %d MB", grew>>20)
	}
	var small bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 400, 120)))
	if _, err := profile.Install(t.TempDir(), 1, validBundle(t, map[string]string{"profile.toml": toml, "logo.png": small.String()})); err != nil {
		t.Errorf("a 400×120 logo: %v", err)
	}
}

// What a power cut during an installation leaves is gone at the next start.
func TestCleanRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	if _, err := profile.Install(dir, 3, validBundle(t, nil)); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "profiles")
	for _, d := range []string{"incoming-123", "4", "2"} {
		os.MkdirAll(filepath.Join(root, d), 0o700)
	}
	if err := profile.Clean(dir); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, " ") != "2 3 current" {
		t.Errorf("left: %v", left)
	}
	if cur, err := profile.Current(dir); err != nil || cur.Version != 3 {
		t.Errorf("current: %v %v", cur, err)
	}
}
