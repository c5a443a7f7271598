package escpossim

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"lotse/devices/escpos"
)

// Job is one print job as it reached the paper: from ESC @ to the cut.
type Job struct {
	Seq  int
	Raw  []byte
	Cmds []Cmd
	// Complete is false for a job cut short, by paper end for example.
	Complete bool
	profile  escpos.Profile
}

// NewJob wraps commands printed on a profile, for rendering a captured
// stream.
func NewJob(cmds []Cmd, p escpos.Profile) Job { return Job{Cmds: cmds, Complete: true, profile: p} }

// Text is what a person would read on the paper, one printed line per line.
func (j Job) Text() string {
	var sb strings.Builder
	_, cm := j.profile.CodePage()
	hri := false
	for _, c := range j.Cmds {
		switch c.Name {
		case "init":
			hri = false
		case "hri_position":
			hri = c.Args[0]%48 != 0
		case "barcode":
			// The human-readable line under (or over) the bars.
			if hri {
				sb.WriteString("\n" + strings.TrimPrefix(strings.TrimPrefix(string(c.Data), "{B"), "{A") + "\n")
			}
		case "codepage":
			if _, listed := j.profile.CodePages[int(c.Args[0])]; listed {
				cm, _ = j.profile.CharmapFor(int(c.Args[0]))
			}
		case "text":
			sb.WriteString(escpos.DecodeWith(cm, c.Data))
		case "lf":
			sb.WriteByte('\n')
		case "feed":
			sb.WriteString(strings.Repeat("\n", int(c.Args[0])))
		}
	}
	return sb.String()
}

// Image renders the job as the printer would print it.
func (j Job) Image() (*image.Gray, error) { return Render(j.Cmds, j.profile) }

// PNG renders the job as the printer would print it, as PNG.
func (j Job) PNG() ([]byte, error) {
	img, err := j.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Line is a serial line as the printer sees it.
type Line interface {
	// ReadFar reads with a deadline and returns (0, nil) on silence.
	ReadFar(b []byte, d time.Duration) (int, error)
	Write(b []byte) (int, error)
}

// Options shape the simulated printer.
type Options struct {
	Profile escpos.Profile
	// Dir, when set, receives job-NNNN.bin, .txt and .png for every job.
	Dir string
	// Rate is how many bytes a second the printer takes from its buffer;
	// 0 takes them at once. A real printer prints about as fast as 9600
	// baud delivers (960 bytes/s).
	Rate int
	// Buffer is the receive buffer; bytes arriving when it is full are
	// lost, as on real hardware. 0 means 4096.
	Buffer int
	// XonXoff makes the printer send XOFF at three quarters full and XON
	// at one quarter.
	XonXoff bool
	// Keep is how many of the latest jobs Jobs returns; 0 keeps all. A
	// demo or a soak that runs for days keeps a few, not every page.
	Keep int
	// NoStatus makes a printer that never answers a status request: a
	// one-way cable, status switched off, many cheap 58 mm models.
	NoStatus bool
}

// Printer is a simulated ESC/POS printer on the far end of a line. Its
// state (paper, cover) can be scripted by tests.
type Printer struct {
	opt Options

	mu    sync.Mutex
	cond  *sync.Cond
	jobs  []Job
	errs  []error
	state escpos.Status
	// paperLeft counts the job bytes the paper lasts for; -1 is endless.
	paperLeft int
	dropped   int
	buf       []byte // received, not yet processed
	pending   []byte // taken from buf, not yet a whole command
	job       []byte
	xoff      bool
	// total and whole count every job and those not cut short.
	total, whole int
	// queries counts the status requests received.
	queries int
}

// NewPrinter returns a simulated printer with paper, lid shut, online.
func NewPrinter(opt Options) *Printer {
	if opt.Buffer == 0 {
		opt.Buffer = 4096
	}
	p := &Printer{opt: opt, paperLeft: -1, state: escpos.Status{Connected: true, Online: true}}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// PaperEndAfter makes the paper run out after n more job bytes.
func (p *Printer) PaperEndAfter(n int) {
	p.mu.Lock()
	p.paperLeft = n
	p.mu.Unlock()
}

// SetPaperNearEnd sets the near-end sensor.
func (p *Printer) SetPaperNearEnd(on bool) {
	p.mu.Lock()
	p.state.PaperNearEnd = on
	p.mu.Unlock()
}

// SetCoverOpen opens or shuts the lid.
func (p *Printer) SetCoverOpen(open bool) {
	p.mu.Lock()
	p.state.CoverOpen = open
	p.mu.Unlock()
}

// Refill puts in a new roll: the printer resets, dropping the unprinted
// rest of the interrupted job.
func (p *Printer) Refill() {
	p.mu.Lock()
	p.state.PaperEnd, p.state.PaperNearEnd = false, false
	p.paperLeft = -1
	p.buf, p.pending, p.job = nil, nil, nil
	p.mu.Unlock()
}

// Dropped is how many bytes were lost to a full buffer.
func (p *Printer) Dropped() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

func (p *Printer) stopped() bool { return p.state.PaperEnd || p.state.CoverOpen }

// Serve runs the printer until ctx ends or the line fails.
func (p *Printer) Serve(ctx context.Context, line Line) error {
	read := make([]byte, 4096)
	last := time.Now()
	credit := 0.0
	for ctx.Err() == nil {
		n, err := line.ReadFar(read, 5*time.Millisecond)
		if err != nil {
			return fmt.Errorf("printer simulator read: %w", err)
		}
		now := time.Now()
		credit += now.Sub(last).Seconds() * float64(p.opt.Rate)
		last = now
		out := p.step(read[:n], &credit)
		if len(out) > 0 {
			if _, err := line.Write(out); err != nil {
				return fmt.Errorf("printer simulator write: %w", err)
			}
		}
	}
	return ctx.Err()
}

// step takes in received bytes, processes what the rate allows, and
// returns the bytes to send back (status answers, XON/XOFF).
func (p *Printer) step(in []byte, credit *float64) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []byte
	if p.stopped() {
		out = p.realTime(in)
	}
	room := p.opt.Buffer - len(p.buf)
	if len(in) > room {
		p.dropped += len(in) - room
		in = in[:max(room, 0)]
	}
	p.buf = append(p.buf, in...)
	if !p.stopped() {
		take := len(p.buf)
		if p.opt.Rate > 0 {
			take = min(take, int(*credit))
			*credit -= float64(take)
		}
		p.pending = append(p.pending, p.buf[:take]...)
		p.buf = p.buf[take:]
		out = append(out, p.process()...)
	}
	if p.opt.Rate > 0 && len(p.buf) == 0 {
		*credit = min(*credit, float64(p.opt.Rate)/10) // no saving up while idle
	}
	if p.opt.XonXoff {
		switch {
		case !p.xoff && len(p.buf) >= p.opt.Buffer*3/4:
			p.xoff = true
			out = append(out, escpos.XOFF)
		case p.xoff && len(p.buf) <= p.opt.Buffer/4:
			p.xoff = false
			out = append(out, escpos.XON)
		}
	}
	return out
}

// process interprets p.pending command by command until it runs out or
// the printer stops; unprocessed bytes go back to the buffer.
func (p *Printer) process() []byte {
	var out []byte
	cmds, used, err := Parse(p.pending)
	off := 0
	for _, c := range cmds {
		raw := p.pending[off : off+c.Len]
		off += c.Len
		switch c.Name {
		case "status":
			p.queries++
			if !p.opt.NoStatus {
				out = append(out, escpos.StatusByte(p.state, c.Args[0]))
			}
			continue
		case "init":
			if len(p.job) > 0 {
				p.finish(p.job, false)
			}
			p.job = nil
		}
		if p.paperLeft >= 0 {
			if c.Len > p.paperLeft {
				// The paper runs out inside this command.
				p.state.PaperEnd = true
				p.finish(p.job, false)
				p.job = nil
				p.buf = append(append([]byte(nil), p.pending[off-c.Len:]...), p.buf...)
				p.pending = nil
				// Status requests queued behind the stalled job are
				// answered at once, as a real printer does.
				return append(out, p.realTime(p.buf)...)
			}
			p.paperLeft -= c.Len
		}
		p.job = append(p.job, raw...)
		if c.Name == "cut" || c.Name == "cut_legacy" {
			p.finish(p.job, true)
			p.job = nil
		}
	}
	p.pending = append([]byte(nil), p.pending[used:]...)
	if err != nil {
		p.errs = append(p.errs, err)
		p.cond.Broadcast()
		slog.Warn("printer simulator: unknown command, dropping buffered input", "err", err)
		p.pending, p.job = nil, nil
	}
	return out
}

// realTime answers the DLE EOT requests in b, as a stopped printer does
// for bytes it cannot process.
func (p *Printer) realTime(b []byte) []byte {
	var out []byte
	for i := 0; i+2 < len(b); i++ {
		if b[i] == escpos.DLE && b[i+1] == escpos.EOT && !p.opt.NoStatus {
			out = append(out, escpos.StatusByte(p.state, b[i+2]))
		}
	}
	return out
}

func (p *Printer) finish(raw []byte, complete bool) {
	if len(raw) == 0 {
		return
	}
	cmds, _, _ := Parse(raw)
	p.total++
	if complete {
		p.whole++
	}
	job := Job{Seq: p.total, Raw: bytes.Clone(raw), Cmds: cmds, Complete: complete, profile: p.opt.Profile}
	p.jobs = append(p.jobs, job)
	if p.opt.Keep > 0 && len(p.jobs) > p.opt.Keep {
		p.jobs = append([]Job(nil), p.jobs[len(p.jobs)-p.opt.Keep:]...)
	}
	p.cond.Broadcast()
	if p.opt.Dir != "" {
		// Rendering the PNG takes a while: not under the lock that the
		// line's bytes wait for.
		go p.save(job)
	}
}

func (p *Printer) save(job Job) {
	base := filepath.Join(p.opt.Dir, fmt.Sprintf("job-%04d", job.Seq))
	files := map[string][]byte{".bin": job.Raw, ".txt": []byte(job.Text())}
	if img, err := job.PNG(); err == nil {
		files[".png"] = img
	} else {
		slog.Warn("printer simulator: render", "job", job.Seq, "err", err)
	}
	for ext, b := range files {
		if err := os.WriteFile(base+ext, b, 0o600); err != nil {
			slog.Error("printer simulator: save job", "err", err)
			return
		}
	}
	slog.Info("printer simulator: job printed", "file", base+".png", "complete", job.Complete)
}

// Queries counts the status requests (DLE EOT) the printer received.
func (p *Printer) Queries() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queries
}

// Printed counts every job so far: those that came out whole and those
// cut short, kept or not.
func (p *Printer) Printed() (whole, cut int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.whole, p.total - p.whole
}

// Jobs returns the jobs printed so far (the latest Keep of them).
func (p *Printer) Jobs() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Job(nil), p.jobs...)
}

// LastPage renders the most recent job, or returns nil when there is none
// or it cannot be drawn.
func (p *Printer) LastPage() image.Image {
	p.mu.Lock()
	if len(p.jobs) == 0 {
		p.mu.Unlock()
		return nil
	}
	job := p.jobs[len(p.jobs)-1]
	p.mu.Unlock()
	img, err := Render(job.Cmds, job.profile)
	if err != nil {
		return nil
	}
	return img
}

// Errors returns the protocol errors seen so far.
func (p *Printer) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// WaitJobs blocks until at least n jobs were printed or ctx ends, and
// returns the jobs kept.
func (p *Printer) WaitJobs(ctx context.Context, n int) ([]Job, error) {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.total < n && ctx.Err() == nil {
		p.cond.Wait()
	}
	if p.total < n {
		return append([]Job(nil), p.jobs...), fmt.Errorf("wait for %d print jobs, got %d: %w", n, p.total, ctx.Err())
	}
	return append([]Job(nil), p.jobs...), nil
}
