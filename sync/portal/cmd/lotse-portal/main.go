// Command lotse-portal is the reference central portal kiosks sync to.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"lotse/sync/portal"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

const usage = `lotse-portal — the municipality's central portal for Lotse kiosks.

Usage:
  lotse-portal serve [--addr HOST:PORT] [--data DIR]        serve the portal API
  lotse-portal enroll-code [--data DIR] [--valid 24h]       print a one-time enrolment code for a kiosk
  lotse-portal revoke KIOSK [--data DIR]                    stop a kiosk's credential from working
  lotse-portal export --since T --out DIR [--data DIR]      decrypt submissions received since T
                                                           (RFC 3339 or YYYY-MM-DD) into DIR, one JSON each
  lotse-portal decide CODE accept|reject [--reason R] [--data DIR]
                                                           decide a case; the kiosk and the resident see it
  lotse-portal stats [--data DIR]                           counts as JSON
  lotse-portal version                                      print the version

The data folder (default /var/lib/lotse-portal) holds the database and the
private key. Commands other than serve may run while the portal serves.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, args := args[0], args[1:]
	if cmd == "version" {
		fmt.Fprintln(stdout, version)
		return 0
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "/var/lib/lotse-portal", "folder for the portal's data")
	addr := fs.String("addr", "127.0.0.1:8470", "serve: address to listen on")
	valid := fs.Duration("valid", 24*time.Hour, "enroll-code: how long the code works")
	since := fs.String("since", "", "export: received since (RFC 3339 or YYYY-MM-DD)")
	out := fs.String("out", "", "export: folder to write to")
	reason := fs.String("reason", "", "decide: the reason, shown to staff at the kiosk")
	// Positional arguments may come before or after the flags.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "lotse-portal:", err)
		return 1
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	switch cmd {
	case "serve", "enroll-code", "revoke", "export", "decide", "stats":
	default:
		fmt.Fprintf(stderr, "lotse-portal: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	s, err := portal.New(*data, portal.Options{Version: version})
	if err != nil {
		return fail(err)
	}
	defer s.Close()
	ctx := context.Background()
	switch cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		_, done, err := s.Listen(ctx, *addr)
		if err != nil {
			return fail(err)
		}
		if err := <-done; err != nil {
			return fail(err)
		}
	case "enroll-code":
		code, err := s.EnrollCode(ctx, *valid)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, code)
	case "revoke":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "usage: lotse-portal revoke KIOSK")
			return 2
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fail(fmt.Errorf("kiosk %q: want its number", pos[0]))
		}
		if err := s.Revoke(ctx, id); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "kiosk %d revoked\n", id)
	case "export":
		if *out == "" || *since == "" {
			fmt.Fprintln(stderr, "usage: lotse-portal export --since T --out DIR")
			return 2
		}
		t, err := parseSince(*since)
		if err != nil {
			return fail(err)
		}
		n, err := s.Export(ctx, t, *out)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%d submissions written to %s\n", n, *out)
	case "decide":
		if len(pos) != 2 || (pos[1] != "accept" && pos[1] != "reject") {
			fmt.Fprintln(stderr, "usage: lotse-portal decide CODE accept|reject [--reason R]")
			return 2
		}
		state := map[string]string{"accept": "accepted", "reject": "rejected"}[pos[1]]
		if err := s.Decide(ctx, pos[0], state, *reason); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%s %s\n", pos[0], state)
	case "stats":
		st, err := s.Stats(ctx)
		if err != nil {
			return fail(err)
		}
		json.NewEncoder(stdout).Encode(st)
	}
	return 0
}

func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want RFC 3339 or YYYY-MM-DD", s)
}
