// Command lotse-portal is the reference central portal kiosks sync to.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"lotse/sync/portal"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

const usage = `lotse-portal — the municipality's central portal for Lotse kiosks.

Usage:
  lotse-portal serve [--addr HOST:PORT] [--data DIR]   serve the portal API
  lotse-portal version                                 print the version

Run "lotse-portal COMMAND --help" for a command's flags.
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
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return 0
	}
	fmt.Fprintf(stderr, "lotse-portal: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8470", "address to listen on")
	data := fs.String("data", "/var/lib/lotse-portal", "folder for the portal's data")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	s, err := portal.New(*data, portal.Options{Version: version})
	if err != nil {
		fmt.Fprintln(stderr, "lotse-portal:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, done, err := s.Listen(ctx, *addr)
	if err != nil {
		fmt.Fprintln(stderr, "lotse-portal:", err)
		return 1
	}
	if err := <-done; err != nil {
		fmt.Fprintln(stderr, "lotse-portal:", err)
		return 1
	}
	return 0
}
