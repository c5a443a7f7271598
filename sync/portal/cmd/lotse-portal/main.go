// Command lotse-portal is the municipality's central portal kiosks sync to.
// Each command lives in a file of its own, with its own flags and --help;
// this file only dispatches.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

// command is one of lotse-portal's commands.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"serve":         {"serve the kiosk API and the residents' status pages", cmdServe},
	"enroll-code":   {"print one-time enrolment codes, one per kiosk", cmdEnrollCode},
	"revoke":        {"stop a kiosk's credential from working", cmdRevoke},
	"export":        {"decrypt submissions received since a time into a folder", cmdExport},
	"decide":        {"decide a case; the kiosk and the resident see it", cmdDecide},
	"stats":         {"counts as JSON", cmdStats},
	"profile":       {"publish a kiosk profile (profile publish FILE.zip)", cmdProfile},
	"site":          {"put a kiosk in a site", cmdSite},
	"kiosks":        {"the fleet: last seen, versions, alarms; exit 1 on any alarm", cmdKiosks},
	"hash-pin":      {"hash a guide's or the staff PIN for a profile", cmdHashPIN},
	"hash-card":     {"hash a guide's card id for a profile", cmdHashCard},
	"migrate-store": {"copy this portal's whole SQLite store into an empty PostgreSQL database", cmdMigrateStore},
	"user":          {"staff accounts: add, list, disable, reset (passwords from standard input)", cmdUser},
	"audit":         {"the audit log: sign-ins, cases opened and decided, kiosks, users, profiles", cmdAudit},
	"queue":         {"the office queue: call the next number, act on it, status (exit 3: nobody waits)", cmdQueue},
	"display":       {"call-up displays: add SITE prints a display's address, revoke SITE", cmdDisplay},
	"booking":       {"appointments: set a site's booking file, show it, list a day (no names)", cmdBooking},
	"version":       {"print the version", cmdVersion},
}

func usage() string {
	var b strings.Builder
	b.WriteString("lotse-portal — the municipality's central portal for Lotse kiosks.\n\nUsage: lotse-portal COMMAND [flags]\n\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-14s %s\n", n, commands[n].summary)
	}
	b.WriteString(`
lotse-portal COMMAND --help shows a command's flags. Every command reads the
configuration (` + "`/etc/lotse-portal/lotse-portal.toml`" + ` when present, or --config FILE);
--data and --database override its data_dir and database. Commands other
than serve may run while the portal serves.
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
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "lotse-portal: unknown command %q\n\n%s", args[0], usage())
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	return c.run(args[1:], stdout, stderr)
}

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	f := newFlags("version", "", stderr)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return f.bad()
	}
	fmt.Fprintln(stdout, version)
	return 0
}
