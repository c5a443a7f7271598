package escpos_test

import (
	"bytes"
	"testing"

	"lotse/devices/escpos"
)

func TestJobStartsWithInitInternationalSetAndCP858(t *testing.T) {
	got := escpos.New(48).Bytes()
	want := []byte{0x1B, '@', 0x1B, 'R', 0, 0x1B, 't', 19}
	if !bytes.Equal(got, want) {
		t.Fatalf("header % x, want % x", got, want)
	}
}

func TestGermanTextInCP858(t *testing.T) {
	got := escpos.Encode("äöüÄÖÜß€")
	want := []byte{0x84, 0x94, 0x81, 0x8E, 0x99, 0x9A, 0xE1, 0xD5}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	if back := escpos.Decode(got); back != "äöüÄÖÜß€" {
		t.Fatalf("round trip gave %q", back)
	}
}

func TestTextCannotInjectCommands(t *testing.T) {
	got := escpos.Encode("A\x1b@\x1dV\x00\nB")
	for _, b := range got {
		if b < 0x20 {
			t.Fatalf("control byte %#x passed through: % x", b, got)
		}
	}
	if string(escpos.Encode("日本")) != "??" {
		t.Errorf("unencodable runes not replaced by '?'")
	}
}

func TestStylesFeedAndCut(t *testing.T) {
	got := escpos.New(32).Align(escpos.Center).Bold(true).Size(4, 4).Line("A001").Feed(3).Cut().Bytes()[8:]
	want := []byte{0x1B, 'a', 1, 0x1B, 'E', 1, 0x1D, '!', 0x33, 'A', '0', '0', '1', 0x0A, 0x1B, 'd', 3, 0x1D, 'V', 66, 0}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x\nwant % x", got, want)
	}
}
