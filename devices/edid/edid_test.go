package edid

import (
	"os"
	"path/filepath"
	"testing"
)

// sample builds a valid EDID for a 344×194 mm panel at 1920×1080.
func sample() []byte {
	b := make([]byte, 128)
	copy(b, header)
	b[21], b[22] = 34, 19 // cm
	d := b[54:72]
	d[0], d[1] = 0x3A, 0x02 // 148.5 MHz
	d[2], d[4] = 1920&0xFF, byte(1920>>8)<<4
	d[5], d[7] = 1080&0xFF, byte(1080>>8)<<4
	d[12], d[13], d[14] = 344&0xFF, 194&0xFF, byte(344>>8)<<4|byte(194>>8)
	var sum byte
	for _, c := range b[:127] {
		sum += c
	}
	b[127] = -sum
	return b
}

func TestParse(t *testing.T) {
	in, err := Parse(sample())
	if err != nil {
		t.Fatal(err)
	}
	if in != (Info{WidthMM: 344, HeightMM: 194, WidthPx: 1920, HeightPx: 1080}) {
		t.Errorf("got %+v", in)
	}
	bad := sample()
	bad[60] ^= 1
	if _, err := Parse(bad); err == nil {
		t.Error("a wrong checksum was accepted")
	}
	if _, err := Parse(sample()[:100]); err == nil {
		t.Error("a short EDID was accepted")
	}
}

func TestDetectReadsConnectedDisplay(t *testing.T) {
	sys := t.TempDir()
	off := filepath.Join(sys, "class", "drm", "card0-HDMI-A-1")
	on := filepath.Join(sys, "class", "drm", "card0-eDP-1")
	os.MkdirAll(off, 0o755)
	os.MkdirAll(on, 0o755)
	os.WriteFile(filepath.Join(off, "status"), []byte("disconnected\n"), 0o644)
	os.WriteFile(filepath.Join(on, "status"), []byte("connected\n"), 0o644)
	os.WriteFile(filepath.Join(on, "edid"), sample(), 0o644)
	in, err := Detect(sys)
	if err != nil || in.WidthMM != 344 {
		t.Fatalf("%+v %v", in, err)
	}
	if _, err := Detect(t.TempDir()); err == nil {
		t.Error("detected a display where there is none")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Add(make([]byte, 128))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := Parse(b)
		if err == nil && (in.WidthMM <= 0 || in.HeightMM <= 0 || in.WidthPx <= 0) {
			t.Errorf("accepted %+v", in)
		}
	})
}
