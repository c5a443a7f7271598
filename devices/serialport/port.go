// Package serialport is the one place that talks to serial hardware. Everything
// else in Lotse sees a Port, so tests and the demo can put a pty pair (or any
// io.ReadWriteCloser) where a USB-serial adapter would be.
package serialport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tarm/serial"
)

// ReadTimeout is how long a Read waits for a byte. It must never be zero: with
// VTIME=0 tarm/serial blocks in Read forever and Close never returns.
const ReadTimeout = 100 * time.Millisecond

// Port is a serial line. Read returns (0, nil) when no byte arrived within
// ReadTimeout, so callers can poll without treating silence as an error.
type Port interface {
	io.ReadWriteCloser
	// Name is the device path, for messages and logs.
	Name() string
}

// Config says which device to open and how.
type Config struct {
	Device string
	Baud   int
}

// ErrMissing reports that the device node does not exist: the adapter is
// unplugged or the configuration names the wrong path.
var ErrMissing = errors.New("serial device missing")

// Open opens a serial device at 8N1 with the read timeout above.
func Open(cfg Config) (Port, error) {
	if cfg.Baud == 0 {
		cfg.Baud = 9600
	}
	if _, err := os.Stat(cfg.Device); err != nil {
		return nil, fmt.Errorf("open serial port %s: %w", cfg.Device, ErrMissing)
	}
	p, err := serial.OpenPort(&serial.Config{Name: cfg.Device, Baud: cfg.Baud, ReadTimeout: ReadTimeout})
	if err != nil {
		return nil, fmt.Errorf("open serial port %s: %w", cfg.Device, err)
	}
	return &tarmPort{p: p, name: cfg.Device}, nil
}

type tarmPort struct {
	p    *serial.Port
	name string
}

func (t *tarmPort) Read(b []byte) (int, error) {
	n, err := t.p.Read(b)
	// On Linux a VTIME timeout surfaces as (0, io.EOF); that is silence, not
	// the end of the line.
	if n == 0 && errors.Is(err, io.EOF) {
		return 0, nil
	}
	return n, err
}

func (t *tarmPort) Write(b []byte) (int, error) { return t.p.Write(b) }
func (t *tarmPort) Close() error                { return t.p.Close() }
func (t *tarmPort) Name() string                { return t.name }
