package escpossim

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"lotse/devices/escpos"
)

// Job is one print job as it reached the printer: from ESC @ to the cut.
type Job struct {
	Seq  int
	Raw  []byte
	Cmds []Cmd
}

// Text is what a person would read on the printed paper, one printed line per
// line, decoded from the code page.
func (j Job) Text() string {
	var sb strings.Builder
	for _, c := range j.Cmds {
		switch c.Name {
		case "text":
			sb.WriteString(escpos.Decode(c.Data))
		case "lf":
			sb.WriteByte('\n')
		case "feed":
			sb.WriteString(strings.Repeat("\n", int(c.Args[0])))
		}
	}
	return sb.String()
}

// Line is a serial line as the simulator sees it from the printer's side.
type Line interface {
	// ReadFar reads with a deadline and returns (0, nil) on silence.
	ReadFar(b []byte, d time.Duration) (int, error)
	Write(b []byte) (int, error)
}

// Printer is a simulated ESC/POS printer on the far end of a line. It keeps
// each job in Dir (when set) as job-NNNN.bin with a .txt transcript beside it.
type Printer struct {
	Dir string

	mu   sync.Mutex
	jobs []Job
	errs []error
	cond *sync.Cond
}

// NewPrinter returns a simulated printer that saves jobs in dir ("" keeps
// them in memory only).
func NewPrinter(dir string) *Printer {
	p := &Printer{Dir: dir}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// farWriter is the part of a Line the printer answers on.
type farWriter interface {
	Write(b []byte) (int, error)
}

// Serve interprets what arrives on the line until ctx ends or the line fails.
func (p *Printer) Serve(ctx context.Context, line Line) error {
	var pending []byte
	var job []byte
	buf := make([]byte, 4096)
	for ctx.Err() == nil {
		n, err := line.ReadFar(buf, 100*time.Millisecond)
		if err != nil {
			return fmt.Errorf("printer simulator read: %w", err)
		}
		if n == 0 {
			continue
		}
		pending = append(pending, buf[:n]...)
		cmds, used, perr := Parse(pending)
		consumed := pending[:used]
		off := 0
		for _, c := range cmds {
			size := cmdSize(c)
			raw := consumed[off : off+size]
			off += size
			switch c.Name {
			case "status":
				p.answerStatus(line, c.Args[0])
				continue
			case "init":
				if len(job) > 0 {
					// A job that never reached its cut is kept as it was.
					p.finish(job)
				}
				job = nil
			}
			job = append(job, raw...)
			if c.Name == "cut" {
				p.finish(job)
				job = nil
			}
		}
		pending = append([]byte(nil), pending[used:]...)
		if perr != nil {
			p.fail(perr)
			slog.Warn("printer simulator: unknown command, dropping buffered input", "err", perr)
			pending, job = nil, nil
		}
	}
	return ctx.Err()
}

// cmdSize is the encoded length of a parsed command.
func cmdSize(c Cmd) int {
	switch c.Name {
	case "text":
		return len(c.Data)
	case "lf":
		return 1
	}
	return 2 + len(c.Args)
}

// answerStatus replies to DLE EOT n. The simulator is an idle, healthy
// printer: fixed bits 0xx1xx10 with no error bit set.
func (p *Printer) answerStatus(w farWriter, n byte) {
	_, _ = w.Write([]byte{0x12})
}

func (p *Printer) finish(raw []byte) {
	cmds, _, _ := Parse(raw)
	p.mu.Lock()
	job := Job{Seq: len(p.jobs) + 1, Raw: bytes.Clone(raw), Cmds: cmds}
	p.jobs = append(p.jobs, job)
	p.cond.Broadcast()
	p.mu.Unlock()
	if p.Dir == "" {
		return
	}
	base := filepath.Join(p.Dir, fmt.Sprintf("job-%04d", job.Seq))
	if err := os.WriteFile(base+".bin", job.Raw, 0o600); err != nil {
		slog.Error("printer simulator: save job", "err", err)
		return
	}
	if err := os.WriteFile(base+".txt", []byte(job.Text()), 0o600); err != nil {
		slog.Error("printer simulator: save transcript", "err", err)
		return
	}
	slog.Info("printer simulator: job printed", "file", base+".bin")
}

func (p *Printer) fail(err error) {
	p.mu.Lock()
	p.errs = append(p.errs, err)
	p.cond.Broadcast()
	p.mu.Unlock()
}

// Jobs returns the jobs printed so far.
func (p *Printer) Jobs() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Job(nil), p.jobs...)
}

// Errors returns the protocol errors seen so far.
func (p *Printer) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// WaitJobs blocks until at least n jobs were printed or ctx ends.
func (p *Printer) WaitJobs(ctx context.Context, n int) ([]Job, error) {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.jobs) < n && ctx.Err() == nil {
		p.cond.Wait()
	}
	if len(p.jobs) < n {
		return append([]Job(nil), p.jobs...), fmt.Errorf("wait for %d print jobs, got %d: %w", n, len(p.jobs), ctx.Err())
	}
	return append([]Job(nil), p.jobs...), nil
}
