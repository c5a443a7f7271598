package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/reader"
	"lotse/devices/serialport"
)

const deviceUsage = `lotse device — check printers and card readers on real hardware.

Usage:
  lotse device print-test --port P [--baud B] [--profile NAME] [--no-status]
                                                                 print a test page; --no-status
                                                                 sends it without asking for status
  lotse device render --in FILE --out FILE.png [--profile NAME]  draw a captured print stream
  lotse device status --port P [--baud B]                        the printer's status as one JSON line
  lotse device read --port P --kind rdm6300|magstripe|line       one JSON line per card read

Profiles: TM-T20II (80 mm, default), TM-T88V (80 mm, 180 dpi), generic-58mm.
`

func runDevice(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, deviceUsage)
		return map[bool]int{true: 2, false: 0}[len(args) == 0]
	}
	fs := flag.NewFlagSet("device "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.String("port", "", "serial device, e.g. /dev/ttyUSB0")
	baud := fs.Int("baud", 9600, "serial speed")
	profileName := fs.String("profile", escpos.DefaultProfile, "printer profile")
	in := fs.String("in", "", "captured ESC/POS stream")
	out := fs.String("out", "", "PNG file to write")
	kind := fs.String("kind", "", "reader kind: rdm6300, magstripe or line")
	noStatus := fs.Bool("no-status", false, "print-test: do not ask the printer for its status (a one-way cable, status switched off)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "lotse device:", err)
		return 1
	}
	need := func(name, v string) bool {
		if v == "" {
			fmt.Fprintf(stderr, "lotse device %s: --%s is required\n", args[0], name)
			return false
		}
		return true
	}
	profile, err := escpos.BuiltinProfile(*profileName)
	if err != nil {
		return fail(err)
	}
	cfg := serialport.Config{Device: *port, Baud: *baud}
	switch args[0] {
	case "print-test":
		if !need("port", *port) {
			return 2
		}
		job, err := escpos.TestPage(profile)
		if err != nil {
			return fail(err)
		}
		mode := escpos.StatusAuto
		if *noStatus {
			mode = escpos.StatusOff
		}
		return printOnce(cfg, mode, job, stdout, stderr)
	case "render":
		if !need("in", *in) || !need("out", *out) {
			return 2
		}
		if err := renderFile(*in, *out, profile); err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, *out)
		return 0
	case "status":
		if !need("port", *port) {
			return 2
		}
		return printStatus(cfg, stdout)
	case "read":
		if !need("port", *port) || !need("kind", *kind) {
			return 2
		}
		return readCards(cfg, *kind, stdout, stderr)
	}
	fmt.Fprintf(stderr, "lotse device: unknown command %q\n\n%s", args[0], deviceUsage)
	return 2
}

// withDriver runs a printer driver for the length of fn.
func withDriver(cfg serialport.Config, mode escpos.StatusMode, fn func(ctx context.Context, d *escpos.Driver) int) int {
	ctx, cancel := context.WithCancel(context.Background())
	d := escpos.NewDriver(cfg, mode)
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	return fn(ctx, d)
}

func printOnce(cfg serialport.Config, mode escpos.StatusMode, job []byte, stdout, stderr io.Writer) int {
	return withDriver(cfg, mode, func(ctx context.Context, d *escpos.Driver) int {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if _, err := d.FirstStatus(ctx); err != nil {
			fmt.Fprintln(stderr, "lotse device: printer:", err)
			return 1
		}
		err := d.Print(ctx, job)
		if errors.Is(err, escpos.ErrUnconfirmed) {
			fmt.Fprintf(stdout, "sent %d bytes to %s; the printer does not report status: look at the paper\n", len(job), cfg.Device)
			return 0
		}
		if err != nil {
			fmt.Fprintln(stderr, "lotse device:", err)
			return 1
		}
		fmt.Fprintf(stdout, "printed %d bytes to %s\n", len(job), cfg.Device)
		return 0
	})
}

// statusLine is the JSON line of "lotse device status".
type statusLine struct {
	Port string `json:"port"`
	escpos.Status
	Ready   bool   `json:"ready"`
	Problem string `json:"problem"`
}

func printStatus(cfg serialport.Config, stdout io.Writer) int {
	return withDriver(cfg, escpos.StatusAuto, func(ctx context.Context, d *escpos.Driver) int {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		s, _ := d.FirstStatus(ctx)
		json.NewEncoder(stdout).Encode(statusLine{Port: cfg.Device, Status: s, Ready: s.Ready(), Problem: s.Problem()})
		if !s.Ready() {
			return 1
		}
		return 0
	})
}

func renderFile(in, out string, p escpos.Profile) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	cmds, used, perr := escpossim.Parse(b)
	if perr == nil && used != len(b) {
		perr = fmt.Errorf("ends inside a command at byte %d", used)
	}
	// What came before a bad byte is drawn all the same, as a printer
	// prints it: the picture shows where a stream went wrong.
	png, err := escpossim.NewJob(cmds, p).PNG()
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		return err
	}
	if perr != nil {
		return fmt.Errorf("%s: %w (the %d bytes before it are drawn in %s)", in, perr, used, out)
	}
	return nil
}

func readCards(cfg serialport.Config, kind string, stdout, stderr io.Writer) int {
	f, err := reader.New(kind)
	if err != nil {
		fmt.Fprintln(stderr, "lotse device:", err)
		return 2
	}
	port, err := serialport.Open(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "lotse device:", err)
		return 1
	}
	defer port.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	enc := json.NewEncoder(stdout)
	err = reader.Run(ctx, port, f, func(c reader.Card) { enc.Encode(c) })
	if d := f.Drops(); len(d) > 0 {
		fmt.Fprintln(stderr, "dropped:", reader.FormatDrops(d))
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "lotse device:", err)
		return 1
	}
	return 0
}
