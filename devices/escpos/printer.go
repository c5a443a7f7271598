package escpos

import (
	"context"
	"fmt"
	"sync"

	"lotse/devices/serialport"
)

// chunk is how much goes to the line in one write: small, so a cancelled
// job stops soon and a slow printer is not handed more than it can buffer.
const chunk = 256

// SerialPrinter sends jobs to a printer on a serial line. It opens the port
// on first use and again after a failure, so a printer unplugged and
// plugged back in works from the next job on.
type SerialPrinter struct {
	cfg  serialport.Config
	open func(serialport.Config) (serialport.Port, error)

	mu   sync.Mutex
	port serialport.Port
}

// NewSerialPrinter returns a printer on the device in cfg.
func NewSerialPrinter(cfg serialport.Config) *SerialPrinter {
	return &SerialPrinter{cfg: cfg, open: serialport.Open}
}

// Print writes job to the printer. Jobs never interleave.
func (p *SerialPrinter) Print(ctx context.Context, job []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.port == nil {
		port, err := p.open(p.cfg)
		if err != nil {
			return fmt.Errorf("print: %w", err)
		}
		p.port = port
	}
	for off := 0; off < len(job); off += chunk {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("print: %w", err)
		}
		end := min(off+chunk, len(job))
		if _, err := p.port.Write(job[off:end]); err != nil {
			p.port.Close()
			p.port = nil
			return fmt.Errorf("print to %s: %w", p.cfg.Device, err)
		}
	}
	return nil
}

// Close releases the port.
func (p *SerialPrinter) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.port == nil {
		return nil
	}
	err := p.port.Close()
	p.port = nil
	return err
}
