// Command lotse is the Lotse kiosk. main only reads the command line: the
// kiosk is built and run by app/kiosk, the offscreen review commands are
// app/review's, the work happens in app/flow, app/ui, sync and devices.
package main

import (
	"fmt"
	"io"
	"os"

	"lotse/app/kiosk"
	"lotse/app/review"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

const usage = `lotse — the self-service kiosk for town halls, citizens' offices and libraries.

Usage:
  lotse run [flags]   start the kiosk (the demo, with a local portal and simulated devices: lotse-demo)
  lotse device ...    check printers and card readers: print-test, render, status, read
  lotse enroll --portal URL --code CODE
                      register this kiosk at the portal (one-time code from lotse-portal enroll-code)
  lotse outbox status submissions on this kiosk by state, as JSON
  lotse ticket draw --prefix A [--no-print]
                      draw a waiting number as the tile does; one JSON line (number, ahead, wait, offline)
  lotse sync --once   send waiting submissions now and pull decisions
  lotse sync selftest --count N
                      N synthetic test submissions through the whole path
  lotse screens --out DIR [--lang L|all] [--theme T|all]
                      render every screen of every service to PNG, without a display
  lotse a11y-report [--screen-mm WxH] [--pixels WxH] [--out FILE]
                      measure every screen × language × look; exit 1 on any breach
  lotse say [--lang L] [--out FILE.wav] TEXT
                      speak a text as the kiosk would (espeak-ng), or write it as WAV
  lotse speech-script --screen NAME [--lang L]
                      what a screen says when read aloud (--list: the screens)
  lotse version       print the version

Run "lotse COMMAND --help" for a command's flags. The configuration file is
/etc/lotse/lotse.toml (or --config FILE); every key is documented in
assets/config/lotse.toml.
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
	case "run":
		return kiosk.Main("run", args[1:], kiosk.Options{Version: version}, nil, stderr)
	case "enroll":
		return runEnroll(args[1:], stdout, stderr)
	case "ticket":
		return runTicket(args[1:], stdout, stderr)
	case "outbox":
		return runOutbox(args[1:], stdout, stderr)
	case "sync":
		return runSync(args[1:], stdout, stderr)
	case "device":
		return runDevice(args[1:], stdout, stderr)
	case "a11y-report":
		return review.A11yReport(args[1:], stdout, stderr)
	case "say":
		return review.Say(args[1:], stdout, stderr)
	case "speech-script":
		return review.SpeechScript(args[1:], stdout, stderr)
	case "screens":
		return review.Screens(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return 0
	}
	fmt.Fprintf(stderr, "lotse: unknown command %q\n\n%s", args[0], usage)
	return 2
}
