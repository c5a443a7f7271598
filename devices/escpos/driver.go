package escpos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"lotse/devices/serialport"
)

// Flow-control bytes a serial printer sends when its buffer fills and
// empties again.
const (
	XON  = 0x11
	XOFF = 0x13
)

// Driver timing. Variables, not constants, so a test of a slow printer can
// shorten them; production code never changes them.
var (
	// chunkSize is how much goes to the line at once: small, so an XOFF
	// stops the flow before the printer's buffer overflows.
	chunkSize = 64
	// statusTimeout is how long the printer has to answer one DLE EOT.
	statusTimeout = time.Second
	// pollEvery is how often an idle printer is asked for its status.
	pollEvery = 3 * time.Second
	// xoffLimit is how long the printer may hold the line before the job
	// is given up.
	xoffLimit = 30 * time.Second
	// reopenMax caps the wait between attempts to reopen a lost port, so
	// a printer plugged back in works within seconds.
	reopenMax = 2 * time.Second
)

// StatusMode says whether the driver asks the printer for its status
// (printer.status in the kiosk's configuration).
type StatusMode string

const (
	// StatusAuto asks before and after every job; a printer that has
	// never answered (a one-way cable, status switched off, many cheap
	// 58 mm models) is used as with StatusOff.
	StatusAuto StatusMode = "auto"
	// StatusOff never asks: jobs are sent and not confirmed.
	StatusOff StatusMode = "off"
)

// ParseStatusMode reads "auto" (or "") and "off".
func ParseStatusMode(s string) (StatusMode, error) {
	switch StatusMode(s) {
	case "", StatusAuto:
		return StatusAuto, nil
	case StatusOff:
		return StatusOff, nil
	}
	return "", fmt.Errorf("%q is not a printer status mode (auto or off)", s)
}

// ErrUnconfirmed is returned by Print for a job sent to a printer that
// does not report status: it most likely came out, nobody can say. It
// does not wrap ErrNotPrinted.
var ErrUnconfirmed = errors.New("sent, not confirmed: the printer does not report status")

// ErrNotPrinted is wrapped by every error that means the job did not come
// out (completely).
var ErrNotPrinted = errors.New("not printed")

// NotPrintedError says why a job did not print, with the printer's status.
type NotPrintedError struct {
	Status Status
	Reason string
}

func (e *NotPrintedError) Error() string { return "not printed: " + e.Reason }
func (e *NotPrintedError) Unwrap() error { return ErrNotPrinted }

// Driver owns one printer on a serial line. One goroutine (Run) owns the
// port: it writes jobs, asks for status between jobs and reopens the port
// after an unplug. Print and Status are safe from any goroutine.
type Driver struct {
	cfg  serialport.Config
	mode StatusMode
	open func(serialport.Config) (serialport.Port, error)
	jobs chan printRequest

	// answered: the printer has answered a status query since the
	// driver started. Only Run's goroutine touches it.
	answered bool

	mu        sync.Mutex
	status    Status
	listeners []func(Status)
	known     chan struct{} // closed once the first status is known
	knownOnce sync.Once
}

type printRequest struct {
	job   []byte
	reply chan error
}

// NewDriver returns a driver for the printer on cfg's device that asks
// for status as mode says; call Run.
func NewDriver(cfg serialport.Config, mode StatusMode) *Driver {
	if cfg.Baud == 0 {
		cfg.Baud = 9600
	}
	if mode == "" {
		mode = StatusAuto
	}
	return &Driver{cfg: cfg, mode: mode, open: serialport.Open, jobs: make(chan printRequest), known: make(chan struct{})}
}

// FirstStatus waits until Run has found out the printer's status once
// (offline when the port cannot be opened) and returns it.
func (d *Driver) FirstStatus(ctx context.Context) (Status, error) {
	select {
	case <-d.known:
		return d.Status(), nil
	case <-ctx.Done():
		return d.Status(), ctx.Err()
	}
}

// Status returns the last known status.
func (d *Driver) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// OnStatus registers fn to be called (on the driver's goroutine) whenever
// the status changes.
func (d *Driver) OnStatus(fn func(Status)) {
	d.mu.Lock()
	d.listeners = append(d.listeners, fn)
	d.mu.Unlock()
}

func (d *Driver) setStatus(s Status) {
	defer d.knownOnce.Do(func() { close(d.known) })
	d.mu.Lock()
	old := d.status
	changed := s != old
	d.status = s
	ls := slices.Clone(d.listeners)
	d.mu.Unlock()
	if !changed {
		return
	}
	if s.NoStatus && !old.NoStatus && d.mode == StatusAuto {
		// Once, not at every poll: staff learn it from the staff screen
		// and the fleet view.
		slog.Warn("printer does not report status: jobs are sent, not confirmed", "port", d.cfg.Device)
	}
	slog.Info("printer status", "port", d.cfg.Device, "connected", s.Connected, "problem", s.Problem(), "paper_near_end", s.PaperNearEnd, "no_status", s.NoStatus)
	for _, fn := range ls {
		fn(s)
	}
}

// Print sends job and returns nil only when the printer took all of it and
// reported a clean status afterwards.
func (d *Driver) Print(ctx context.Context, job []byte) error {
	r := printRequest{job: job, reply: make(chan error, 1)}
	select {
	case d.jobs <- r:
	case <-ctx.Done():
		return fmt.Errorf("print: %w", ctx.Err())
	}
	select {
	case err := <-r.reply:
		return err
	case <-ctx.Done():
		// The driver finishes or abandons the job on its own; the caller
		// stops waiting.
		return fmt.Errorf("print: %w", ctx.Err())
	}
}

// Run owns the port until ctx ends.
func (d *Driver) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		port, err := d.open(d.cfg)
		if err != nil {
			d.setStatus(Status{})
			if !d.waitOffline(ctx, backoff, err) {
				return
			}
			backoff = min(backoff*2, reopenMax)
			continue
		}
		backoff = 100 * time.Millisecond
		d.serve(ctx, port)
		port.Close()
	}
}

// waitOffline refuses jobs while the port is missing, for d.
func (d *Driver) waitOffline(ctx context.Context, wait time.Duration, cause error) bool {
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case r := <-d.jobs:
			r.reply <- &NotPrintedError{Status: Status{}, Reason: fmt.Sprintf("printer port: %v", cause)}
		}
	}
}

// line is an open port with a goroutine reading it.
type line struct {
	port   serialport.Port
	answer chan byte     // status bytes
	dead   chan struct{} // closed when the port fails
	err    error

	mu      sync.Mutex
	paused  bool // XOFF received
	resumed chan struct{}
}

func newLine(port serialport.Port) *line {
	l := &line{port: port, answer: make(chan byte, 16), dead: make(chan struct{}), resumed: make(chan struct{})}
	go l.read()
	return l
}

func (l *line) read() {
	buf := make([]byte, 64)
	for {
		n, err := l.port.Read(buf)
		for _, b := range buf[:n] {
			switch {
			case b == XOFF:
				l.mu.Lock()
				l.paused = true
				l.mu.Unlock()
			case b == XON:
				l.mu.Lock()
				if l.paused {
					l.paused = false
					close(l.resumed)
					l.resumed = make(chan struct{})
				}
				l.mu.Unlock()
			case validStatus(b):
				select {
				case l.answer <- b:
				default: // nobody asked; drop
				}
			}
		}
		if err != nil {
			l.err = err
			close(l.dead)
			return
		}
	}
}

// waitXON blocks while the printer holds the line with XOFF.
func (l *line) waitXON(ctx context.Context) error {
	l.mu.Lock()
	paused, resumed := l.paused, l.resumed
	l.mu.Unlock()
	if !paused {
		return nil
	}
	t := time.NewTimer(xoffLimit)
	defer t.Stop()
	select {
	case <-resumed:
		return nil
	case <-l.dead:
		return fmt.Errorf("printer line lost: %w", l.err)
	case <-t.C:
		return fmt.Errorf("printer held the line (XOFF) for %s", xoffLimit)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *Driver) serve(ctx context.Context, port serialport.Port) {
	l := newLine(port)
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	d.setStatus(d.check(l, 0))
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.dead:
			slog.Warn("printer port lost", "port", d.cfg.Device, "err", l.err)
			d.setStatus(Status{})
			return
		case <-poll.C:
			if d.mode == StatusOff {
				continue
			}
			d.setStatus(d.check(l, 0))
			// Each question to a silent printer waits out its timeout,
			// and jobs wait behind it: ask it seldom.
			if d.Status().NoStatus {
				poll.Reset(10 * pollEvery)
			} else {
				poll.Reset(pollEvery)
			}
		case r := <-d.jobs:
			r.reply <- d.printJob(ctx, l, r.job)
			select {
			case <-l.dead:
				d.setStatus(Status{})
				return
			default:
			}
		}
	}
}

// printJob writes job when the printer is ready, then asks for the status:
// only a clean status after the job counts as printed.
func (d *Driver) printJob(ctx context.Context, l *line, job []byte) error {
	// A printer known not to answer is not asked again before each job:
	// every question would wait out its timeout.
	silent := d.Status().NoStatus
	if !silent {
		before := d.check(l, 0)
		d.setStatus(before)
		if !before.Ready() {
			return &NotPrintedError{Status: before, Reason: before.Problem()}
		}
		silent = before.NoStatus
	}
	// Pace the writes at the line's speed, as the wire would: write()
	// returns once bytes are in the kernel's buffer, and kilobytes queued
	// there would still flow after the printer's XOFF. Paced, at most one
	// chunk is in flight when it arrives.
	next := time.Now() // when the line is free for the next chunk
	for off := 0; off < len(job); off += chunkSize {
		if err := l.waitXON(ctx); err != nil {
			return &NotPrintedError{Status: d.Status(), Reason: err.Error()}
		}
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
		end := min(off+chunkSize, len(job))
		// After a pause the line was idle: no catching up in a burst.
		next = later(next, time.Now()).Add(wireTime(end-off, d.cfg.Baud))
		if _, err := l.port.Write(job[off:end]); err != nil {
			return &NotPrintedError{Status: Status{}, Reason: fmt.Sprintf("write to %s: %v", d.cfg.Device, err)}
		}
	}
	if silent {
		return ErrUnconfirmed
	}
	// The printer answers in order, after the job: give it the time the
	// job takes on the wire at this speed.
	after := d.query(l, wireTime(len(job), d.cfg.Baud))
	d.setStatus(after)
	if !after.Ready() {
		return &NotPrintedError{Status: after, Reason: after.Problem()}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// wireTime is how long n bytes take at baud with 8N1 framing.
func wireTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// check finds out the status as the mode says: never asking with
// StatusOff; asking with StatusAuto, where a printer that has not answered
// once since the driver started is taken as one that does not report
// status.
func (d *Driver) check(l *line, extra time.Duration) Status {
	if d.mode == StatusOff {
		return Status{Connected: true, NoStatus: true}
	}
	s := d.query(l, extra)
	switch {
	case s.Connected && !s.Stale:
		d.answered = true
	case s.Connected && !d.answered:
		return Status{Connected: true, NoStatus: true}
	}
	return s
}

// query asks DLE EOT 1, 2 and 4 (and 3 when 2 reports an error). extra is
// added to the first answer's timeout, for a job still on the wire.
func (d *Driver) query(l *line, extra time.Duration) Status {
	s := Status{Connected: true}
	// Answers to earlier, timed-out questions must not be taken for new ones.
	for len(l.answer) > 0 {
		<-l.answer
	}
	ask := []byte{statusPrinter, statusOffline, statusPaper}
	for i := 0; i < len(ask); i++ {
		n := ask[i]
		if err := l.waitXON(context.Background()); err != nil {
			return Status{Connected: true, Stale: true}
		}
		if _, err := l.port.Write(StatusQuery(n)); err != nil {
			return Status{}
		}
		t := time.NewTimer(statusTimeout + extra)
		extra = 0
		select {
		case b := <-l.answer:
			t.Stop()
			applyStatus(&s, n, b)
			if n == statusOffline && b&0x40 != 0 {
				ask = append(ask, statusError)
			}
		case <-l.dead:
			t.Stop()
			return Status{}
		case <-t.C:
			return Status{Connected: true, Stale: true}
		}
	}
	return s
}
