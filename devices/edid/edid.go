// Package edid reads a display's physical size from its EDID, so the
// kiosk can size touch targets and text in millimetres without being told.
package edid

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Info is what the kiosk needs from a display: its visible size and the
// resolution of its preferred mode.
type Info struct {
	WidthMM, HeightMM int
	WidthPx, HeightPx int
}

var header = []byte{0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}

// Parse reads an EDID base block (128 bytes; extensions are ignored). The
// size comes from the first detailed timing descriptor, in millimetres;
// panels that leave it empty fall back to the basic block's centimetres.
func Parse(b []byte) (Info, error) {
	if len(b) < 128 {
		return Info{}, fmt.Errorf("edid: %d bytes, want at least 128", len(b))
	}
	if !bytes.Equal(b[:8], header) {
		return Info{}, errors.New("edid: no EDID header")
	}
	var sum byte
	for _, c := range b[:128] {
		sum += c
	}
	if sum != 0 {
		return Info{}, errors.New("edid: checksum mismatch")
	}
	var in Info
	d := b[54:72] // the first descriptor: a timing when its pixel clock is not 0
	if d[0] != 0 || d[1] != 0 {
		in.WidthPx = int(d[2]) | int(d[4]&0xF0)<<4
		in.HeightPx = int(d[5]) | int(d[7]&0xF0)<<4
		in.WidthMM = int(d[12]) | int(d[14]&0xF0)<<4
		in.HeightMM = int(d[13]) | int(d[14]&0x0F)<<8
	}
	if in.WidthMM == 0 || in.HeightMM == 0 {
		in.WidthMM, in.HeightMM = int(b[21])*10, int(b[22])*10
	}
	if in.WidthMM == 0 || in.HeightMM == 0 {
		return in, errors.New("edid: the display does not say its size")
	}
	if in.WidthPx == 0 || in.HeightPx == 0 {
		return in, errors.New("edid: the display names no preferred mode")
	}
	return in, nil
}

// Detect reads the EDID of the first connected display under sysfs
// (/sys/class/drm). It fails where there is none, as in a virtual screen.
func Detect(sysfs string) (Info, error) {
	dirs, _ := filepath.Glob(filepath.Join(sysfs, "class", "drm", "card*-*"))
	for _, dir := range dirs {
		status, err := os.ReadFile(filepath.Join(dir, "status"))
		if err != nil || strings.TrimSpace(string(status)) != "connected" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "edid"))
		if err != nil || len(b) == 0 {
			continue
		}
		if in, err := Parse(b); err == nil {
			return in, nil
		}
	}
	return Info{}, errors.New("edid: no connected display reports its size")
}
