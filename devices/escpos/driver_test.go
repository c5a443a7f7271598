package escpos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
)

// bigRasterJob is a receipt-sized job with a raster QR code: several
// kilobytes, more than a 4 KB printer buffer holds.
func bigRasterJob(t *testing.T, p escpos.Profile) []byte {
	d := escpos.New(p).Line("Eingangsbestätigung")
	if err := d.QR(strings.Repeat("https://portal.example/s/LT-7K3M-9QPD?", 4), 8); err != nil {
		t.Fatal(err)
	}
	job := d.Feed(3).Cut().Bytes()
	if len(job) < 8000 {
		t.Fatalf("job only %d bytes: too small to overflow the buffer", len(job))
	}
	return job
}

// simOnPair runs a simulated printer on a new pty pair.
func simOnPair(t *testing.T, opt escpossim.Options) (*serialport.Pair, *escpossim.Printer) {
	t.Helper()
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	sim := escpossim.NewPrinter(opt)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); sim.Serve(ctx, pair) }()
	t.Cleanup(func() { cancel(); wg.Wait(); pair.Close() })
	return pair, sim
}

func runDriver(t *testing.T, device string) *escpos.Driver {
	t.Helper()
	d := escpos.NewDriver(serialport.Config{Device: device, Baud: 115200}, escpos.StatusAuto)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
}

func waitJobs(t *testing.T, sim *escpossim.Printer, n int) []escpossim.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	jobs, err := sim.WaitJobs(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestFlowControlDeliversABigRasterJobWhole(t *testing.T) {
	p := profile(t, "generic-58mm")
	job := bigRasterJob(t, p)
	// A printer taking 9,600 bytes a second with a 4 KB buffer: the job
	// arrives faster than it prints, so only XON/XOFF keeps it whole.
	pair, sim := simOnPair(t, escpossim.Options{Profile: p, Rate: 9600, Buffer: 4096, XonXoff: true})
	d := runDriver(t, pair.Device)
	if err := d.Print(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	jobs := waitJobs(t, sim, 1)
	if !bytes.Equal(jobs[0].Raw, job) || sim.Dropped() != 0 {
		t.Fatalf("job arrived with %d of %d bytes, %d dropped", len(jobs[0].Raw), len(job), sim.Dropped())
	}
}

func TestWithoutFlowControlTheBufferOverflows(t *testing.T) {
	// The same job written straight to the line, ignoring the printer:
	// the simulator loses bytes as real hardware does, which is what the
	// test above guards against.
	p := profile(t, "generic-58mm")
	job := bigRasterJob(t, p)
	pair, sim := simOnPair(t, escpossim.Options{Profile: p, Rate: 9600, Buffer: 4096})
	port, err := serialport.Open(serialport.Config{Device: pair.Device, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	if _, err := port.Write(job); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sim.Dropped() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if sim.Dropped() == 0 {
		t.Fatal("no bytes lost without flow control: the simulated buffer is not limited")
	}
}

func runDriverMode(t *testing.T, device string, mode escpos.StatusMode) *escpos.Driver {
	t.Helper()
	d := escpos.NewDriver(serialport.Config{Device: device, Baud: 115200}, mode)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
}

// A printer that never answers status (a one-way cable, status switched
// off): with status = "auto" the ticket is sent all the same, reported as
// sent and not confirmed, and the status says why — before, residents got
// no ticket ("not printed: no answer").
func TestPrinterThatNeverAnswersStillPrints(t *testing.T) {
	p := profile(t, "generic-58mm")
	pair, sim := simOnPair(t, escpossim.Options{Profile: p, NoStatus: true})
	d := runDriver(t, pair.Device)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := d.FirstStatus(ctx); err != nil {
		t.Fatal(err)
	}
	job := escpos.New(p).Line("A017").Cut().Bytes()
	for i := 0; i < 2; i++ {
		if err := d.Print(ctx, job); !errors.Is(err, escpos.ErrUnconfirmed) || errors.Is(err, escpos.ErrNotPrinted) {
			t.Fatalf("job %d: got %v, want sent, not confirmed", i, err)
		}
	}
	jobs := waitJobs(t, sim, 2)
	if !strings.Contains(jobs[1].Text(), "A017") {
		t.Errorf("the paper says %q", jobs[1].Text())
	}
	s := d.Status()
	if !s.NoStatus || !s.Ready() || s.Problem() != "" {
		t.Errorf("status %+v (problem %q), want ready, does not report status", s, s.Problem())
	}
}

// With status = "off" the driver never asks: not even a printer that
// would answer gets a status request, and every job is unconfirmed.
func TestStatusOffNeverAsks(t *testing.T) {
	p := profile(t, "TM-T20II")
	pair, sim := simOnPair(t, escpossim.Options{Profile: p})
	d := runDriverMode(t, pair.Device, escpos.StatusOff)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Print(ctx, escpos.New(p).Line("B002").Cut().Bytes()); !errors.Is(err, escpos.ErrUnconfirmed) {
		t.Fatalf("got %v, want sent, not confirmed", err)
	}
	waitJobs(t, sim, 1)
	if n := sim.Queries(); n != 0 {
		t.Errorf("%d status requests reached a printer with status off", n)
	}
}

// A printer that answered once and then falls silent (switched off behind
// a USB adapter) is a problem, not a silent printer: nothing is sent into
// the void, and the call returns before its deadline.
func TestPrinterThatStopsAnsweringIsNotPrinted(t *testing.T) {
	pair, err := serialport.OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	answering := make(chan bool, 1)
	answering <- true
	// Answers status requests while answering is true, then only reads.
	go func() {
		on := true
		buf := make([]byte, 256)
		for {
			select {
			case on = <-answering:
			default:
			}
			n, err := pair.ReadFar(buf, 100*time.Millisecond)
			if err != nil {
				return
			}
			for i := 0; on && i+2 < n; i++ {
				if buf[i] == escpos.DLE && buf[i+1] == escpos.EOT {
					pair.Write([]byte{0x12})
				}
			}
		}
	}()
	d := runDriver(t, pair.Device)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s, _ := d.FirstStatus(ctx); s.Stale || s.NoStatus {
		t.Fatalf("first status %+v, want an answering printer", s)
	}
	answering <- false
	err = d.Print(ctx, escpos.New(profile(t, "TM-T20II")).Line("x").Cut().Bytes())
	var np *escpos.NotPrintedError
	if !errors.As(err, &np) || !np.Status.Stale || ctx.Err() != nil {
		t.Fatalf("got %v, want not printed: stale, before the deadline", err)
	}
	if d.Status().Problem() != "no answer" {
		t.Errorf("status problem %q", d.Status().Problem())
	}
}

func TestUnplugAndPlugBackIn(t *testing.T) {
	// The configured device is a symlink, as a udev rule makes for a USB
	// adapter; replugging points it at a new pty.
	p := profile(t, "TM-T20II")
	link := filepath.Join(t.TempDir(), "ttyPrinter")
	pair1, _ := simOnPair(t, escpossim.Options{Profile: p})
	if err := os.Symlink(pair1.Device, link); err != nil {
		t.Fatal(err)
	}
	d := runDriver(t, link)
	waitStatus(t, d, func(s escpos.Status) bool { return s.Ready() })

	pair1.Close()
	os.Remove(link)
	waitStatus(t, d, func(s escpos.Status) bool { return !s.Connected })
	if err := d.Print(context.Background(), []byte("x")); !errors.Is(err, escpos.ErrNotPrinted) {
		t.Fatalf("print while unplugged: %v", err)
	}

	pair2, sim2 := simOnPair(t, escpossim.Options{Profile: p})
	if err := os.Symlink(pair2.Device, link); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, d, func(s escpos.Status) bool { return s.Ready() })
	job := escpos.New(p).Line("wieder da").Cut().Bytes()
	if err := d.Print(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if jobs := waitJobs(t, sim2, 1); !strings.Contains(jobs[0].Text(), "wieder da") {
		t.Fatalf("after replug: %q", jobs[0].Text())
	}
}

func TestStatusReportsNearEndAndCoverOpen(t *testing.T) {
	p := profile(t, "TM-T20II")
	pair, sim := simOnPair(t, escpossim.Options{Profile: p})
	d := runDriver(t, pair.Device)
	waitStatus(t, d, func(s escpos.Status) bool { return s.Ready() })
	sim.SetPaperNearEnd(true)
	if err := d.Print(context.Background(), escpos.New(p).Line("a").Cut().Bytes()); err != nil {
		t.Fatalf("near end still prints: %v", err)
	}
	if s := d.Status(); !s.PaperNearEnd || !s.Ready() {
		t.Errorf("status %+v, want ready with paper near end", s)
	}
	sim.SetCoverOpen(true)
	err := d.Print(context.Background(), escpos.New(p).Line("b").Cut().Bytes())
	var np *escpos.NotPrintedError
	if !errors.As(err, &np) || !np.Status.CoverOpen {
		t.Fatalf("cover open: %v", err)
	}
}

func waitStatus(t *testing.T, d *escpos.Driver, ok func(escpos.Status) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok(d.Status()) {
		if time.Now().After(deadline) {
			t.Fatalf("status stuck at %+v", d.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A simulator that runs for days keeps only its latest pages, but counts
// them all: the demo's memory stays flat and soak runs can still count.
func TestSimulatorKeepsTheLatestPagesAndCountsAll(t *testing.T) {
	p := profile(t, "TM-T20II")
	pair, sim := simOnPair(t, escpossim.Options{Profile: p, Keep: 2})
	d := runDriver(t, pair.Device)
	for i := range 5 {
		job := escpos.New(p).Line(fmt.Sprintf("Ticket %d", i+1)).Cut().Bytes()
		if err := d.Print(context.Background(), job); err != nil {
			t.Fatal(err)
		}
	}
	jobs := waitJobs(t, sim, 5)
	if len(jobs) != 2 || jobs[0].Seq != 4 || !strings.Contains(jobs[1].Text(), "Ticket 5") {
		t.Errorf("kept %d jobs, first #%d", len(jobs), jobs[0].Seq)
	}
	if whole, cut := sim.Printed(); whole != 5 || cut != 0 {
		t.Errorf("counted %d whole, %d cut; printed 5 whole", whole, cut)
	}
}
