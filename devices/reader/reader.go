// Package reader turns the byte streams of serial card readers into card
// events: RDM6300/EM4100 RFID readers, magnetic stripe readers and line
// (barcode) scanners. Garbage and partial frames are dropped and counted
// by reason; neither a reason nor a log line ever carries card data.
package reader

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"lotse/devices/serialport"
)

// Card is one card read, or one held to the reader that could not be
// read (Unreadable, no ID): whoever holds it should hear so and try again.
type Card struct {
	Kind       string `json:"kind"` // "rfid", "magstripe", "barcode"
	ID         string `json:"id,omitempty"`
	Unreadable bool   `json:"unreadable,omitempty"`
}

// Framer cuts one reader's byte stream into cards.
type Framer interface {
	// Feed takes bytes received at now and returns the cards they complete.
	Feed(b []byte, now time.Time) []Card
	// Idle tells the framer nothing arrived for a while; a scanner that
	// ends its lines with a pause completes one here.
	Idle(now time.Time) []Card
	// Drops counts dropped input by reason.
	Drops() map[string]int
}

// New returns the framer for kind: "rdm6300", "magstripe" or "line".
func New(kind string) (Framer, error) {
	switch kind {
	case "rdm6300":
		return NewRDM6300(), nil
	case "magstripe":
		return NewMagstripe(), nil
	case "line":
		return NewLine(), nil
	}
	return nil, fmt.Errorf("unknown reader kind %q (rdm6300, magstripe, line)", kind)
}

// drops counts dropped input by reason, safely across goroutines.
type drops struct {
	mu sync.Mutex
	n  map[string]int
}

func (d *drops) add(reason string) {
	d.mu.Lock()
	if d.n == nil {
		d.n = map[string]int{}
	}
	d.n[reason]++
	d.mu.Unlock()
	slog.Debug("card reader input dropped", "reason", reason)
}

func (d *drops) Drops() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.n))
	for k, v := range d.n {
		out[k] = v
	}
	return out
}

// FormatDrops renders drop counts for a status line: "checksum=2 noise=1".
func FormatDrops(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// idleGap is how long a pause must be to end a scanner's line.
const idleGap = 100 * time.Millisecond

// Run reads port until ctx ends or the port fails, passing each card to
// emit.
func Run(ctx context.Context, port serialport.Port, f Framer, emit func(Card)) error {
	buf := make([]byte, 256)
	for ctx.Err() == nil {
		n, err := port.Read(buf)
		now := time.Now()
		var cards []Card
		if n > 0 {
			cards = f.Feed(buf[:n], now)
		} else {
			cards = f.Idle(now)
		}
		for _, c := range cards {
			emit(c)
		}
		if err != nil {
			return fmt.Errorf("card reader %s: %w", port.Name(), err)
		}
	}
	return ctx.Err()
}
