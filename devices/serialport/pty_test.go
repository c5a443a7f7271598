package serialport_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"lotse/devices/serialport"
)

func TestBytesCrossThePtyBothWaysThroughTarmSerial(t *testing.T) {
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	port, err := serialport.Open(serialport.Config{Device: pair.Device, Baud: 9600})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()

	// Every byte value, as ESC/POS raster data would use them.
	out := make([]byte, 256)
	for i := range out {
		out[i] = byte(i)
	}
	if _, err := port.Write(out); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 512)
	for deadline := time.Now().Add(5 * time.Second); len(got) < len(out) && time.Now().Before(deadline); {
		n, err := pair.ReadFar(buf, 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if !bytes.Equal(got, out) {
		t.Fatalf("far end got % x", got)
	}

	// Silence on the line reads as (0, nil), not an error.
	n, err := port.Read(buf)
	if n != 0 || err != nil {
		t.Fatalf("silent line: %d, %v", n, err)
	}
	// The printer answers a status byte.
	if _, err := pair.Write([]byte{0x12}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		n, err = port.Read(buf)
		if n > 0 || err != nil {
			break
		}
	}
	if n != 1 || buf[0] != 0x12 || err != nil {
		t.Fatalf("status read: %d % x %v", n, buf[:n], err)
	}
}

func TestMissingDeviceSaysSo(t *testing.T) {
	_, err := serialport.Open(serialport.Config{Device: filepath.Join(t.TempDir(), "ttyUSB0")})
	if !errors.Is(err, serialport.ErrMissing) {
		t.Fatalf("got %v, want ErrMissing", err)
	}
}
