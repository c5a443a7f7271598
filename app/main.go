// Command lotse is the Lotse kiosk. main only reads the command line: the
// kiosk is built and run by app/kiosk, the offscreen review commands are
// app/review's, the work happens in app/flow, app/ui, sync and devices.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"lotse/app/kiosk"
	"lotse/app/review"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

// command is one of lotse's commands: its synopsis lines for the usage,
// and what runs it.
type command struct {
	name  string
	usage string
	run   func(args []string, stdout, stderr io.Writer) int
}

// commands is the command table, in the order the usage lists them.
var commands = []command{
	{"run", "lotse run [flags]   start the kiosk (the demo, with a local portal and simulated devices: lotse-demo)",
		func(args []string, _, stderr io.Writer) int {
			return kiosk.Main("run", args, kiosk.Options{Version: version}, nil, stderr)
		}},
	{"device", "lotse device ...    check printers and card readers: print-test, render, status, read", runDevice},
	{"enroll", "lotse enroll --portal URL --code CODE\n                      register this kiosk at the portal (one-time code from lotse-portal enroll-code)", runEnroll},
	{"outbox", "lotse outbox status submissions on this kiosk by state, as JSON", runOutbox},
	{"ticket", "lotse ticket draw --prefix A [--no-print]\n                      draw a waiting number as the tile does; one JSON line (number, ahead, wait, offline)", runTicket},
	{"sync", "lotse sync --once   send waiting submissions now and pull decisions\n  lotse sync selftest --count N\n                      N synthetic test submissions through the whole path", runSync},
	{"screens", "lotse screens --out DIR [--lang L|all] [--theme T|all]\n                      render every screen of every service to PNG, without a display", review.Screens},
	{"a11y-report", "lotse a11y-report [--screen-mm WxH] [--pixels WxH] [--out FILE]\n                      measure every screen × language × look; exit 1 on any breach", review.A11yReport},
	{"say", "lotse say [--lang L] [--out FILE.wav] TEXT\n                      speak a text as the kiosk would (espeak-ng), or write it as WAV", review.Say},
	{"speech-script", "lotse speech-script --screen NAME [--lang L]\n                      what a screen says when read aloud (--list: the screens)", review.SpeechScript},
	{"version", "lotse version       print the version", func(_ []string, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, version)
		return 0
	}},
}

// usage is the help text, from the command table.
func usage() string {
	var b strings.Builder
	b.WriteString("lotse — the self-service kiosk for town halls, citizens' offices and libraries.\n\nUsage:\n")
	for _, c := range commands {
		b.WriteString("  " + c.usage + "\n")
	}
	b.WriteString(`
Run "lotse COMMAND --help" for a command's flags. The configuration file is
/etc/lotse/lotse.toml (or --config FILE); every key is documented in
assets/config/lotse.toml.
`)
	return b.String()
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "lotse: unknown command %q\n\n%s", args[0], usage())
	return 2
}
