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
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode"

	"lotse/sync/credential"
	"lotse/sync/portal"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

const usage = `lotse-portal — the municipality's central portal for Lotse kiosks.

Usage:
  lotse-portal serve [--addr HOST:PORT] [--data DIR]        serve the portal API
  lotse-portal enroll-code [--count N] [--site S] [--valid 24h] [--data DIR]
                                                           print one-time enrolment codes, one per
                                                           kiosk; with --site, each kiosk enrolling
                                                           joins site S (and gets its profile)
  lotse-portal revoke KIOSK [--data DIR]                    stop a kiosk's credential from working
  lotse-portal export --since T --out DIR [--data DIR]      decrypt submissions received since T
                                                           (RFC 3339 or YYYY-MM-DD) into DIR, one JSON each
  lotse-portal decide CODE accept|reject [--reason R] [--data DIR]
                                                           decide a case; the kiosk and the resident see it
  lotse-portal stats [--data DIR]                           counts as JSON
  lotse-portal profile publish FILE.zip [--site S] [--data DIR]
                                                           publish a kiosk profile (profile.toml, services/,
                                                           logo) to every kiosk, or to those of site S
  lotse-portal site KIOSK SITE [--data DIR]                 put a kiosk in a site
  lotse-portal kiosks [--json] [--data DIR]                 the fleet: last seen, versions, alarms
                                                           (offline > 10 min, printer, stuck outbox,
                                                           guide called); exit 1 when any alarm
  lotse-portal hash-pin [--staff] [--site S] PIN [--data DIR]
                                                           a guide's PIN (4-12 digits) or, with --staff, the
                                                           staff PIN (6-12 digits) hashed for a profile of site S,
                                                           keyed with the site's secret
  lotse-portal hash-card [--site S] ID [--data DIR]         a guide's card id hashed for a profile of site S
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
	site := fs.String("site", "", "profile publish: the site the profile is for (default: all); enroll-code: the site of the kiosks using the codes; hash-pin, hash-card: the site whose key hashes them")
	count := fs.Int("count", 1, "enroll-code: how many codes, one per line")
	asJSON := fs.Bool("json", false, "kiosks: JSON instead of a table")
	staff := fs.Bool("staff", false, "hash-pin: the staff PIN (6 to 12 digits) instead of a guide's (4 to 12)")
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
	case "serve", "enroll-code", "revoke", "export", "decide", "stats", "profile", "site", "kiosks", "hash-pin", "hash-card":
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
	case "hash-pin":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "usage: lotse-portal hash-pin [--staff] [--site S] PIN")
			return 2
		}
		kind := credential.Guide
		if *staff {
			kind = credential.Staff
		}
		h, err := s.HashPIN(ctx, *site, kind, pos[0])
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, h)
	case "hash-card":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "usage: lotse-portal hash-card [--site S] ID")
			return 2
		}
		h, err := s.HashCard(ctx, *site, pos[0])
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, h)
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
	case "profile":
		if len(pos) != 2 || pos[0] != "publish" {
			fmt.Fprintln(stderr, "usage: lotse-portal profile publish FILE.zip [--site S]")
			return 2
		}
		b, err := os.ReadFile(pos[1])
		if err != nil {
			return fail(err)
		}
		v, err := s.PublishProfile(ctx, *site, b)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "profile %d published for %s; kiosks take it at their next heartbeat\n", v, orAll(*site))
	case "site":
		if len(pos) != 2 {
			fmt.Fprintln(stderr, "usage: lotse-portal site KIOSK SITE")
			return 2
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fail(fmt.Errorf("kiosk %q: want its number", pos[0]))
		}
		if err := s.SetSite(ctx, id, pos[1]); err != nil {
			return fail(err)
		}
	case "kiosks":
		list, err := s.Kiosks(ctx, time.Now())
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			enc.Encode(list)
		} else {
			printKiosks(stdout, list)
		}
		for _, k := range list {
			if len(k.Alarms) > 0 {
				return 1
			}
		}
	case "enroll-code":
		if *valid <= 0 || *valid > portal.MaxEnrollValid {
			return fail(fmt.Errorf("enroll-code: --valid %s: want more than 0 and at most 168h (7 days)", *valid))
		}
		if *count < 1 || *count > 1000 {
			return fail(fmt.Errorf("enroll-code: --count %d: want 1 to 1000", *count))
		}
		for range *count {
			code, err := s.EnrollCodeFor(ctx, *valid, *site)
			if err != nil {
				return fail(err)
			}
			fmt.Fprintln(stdout, code)
		}
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
		n, problems, err := s.Export(ctx, t, *out)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%d submissions written to %s\n", n, *out)
		for _, p := range problems {
			fmt.Fprintf(stderr, "lotse-portal: export: %s skipped: %v\n", p.Code, p.Err)
		}
		if len(problems) > 0 {
			fmt.Fprintf(stderr, "lotse-portal: %d submissions could not be opened; the others are written\n", len(problems))
		}
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

func orAll(site string) string {
	if site == "" {
		return "all kiosks"
	}
	return "site " + site
}

// printKiosks writes the fleet as a table staff read at a glance.
func printKiosks(w io.Writer, list []portal.KioskInfo) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIOSK\tNAME\tSITE\tLAST SEEN\tVERSION\tPROFILE\tOUTBOX\tALARMS")
	for _, k := range list {
		seen := "never"
		if !k.LastSeen.IsZero() {
			seen = k.LastSeen.Local().Format("2006-01-02 15:04")
		}
		waiting := k.Status.Outbox["queued"] + k.Status.Outbox["sending"]
		alarms := strings.Join(k.Alarms, "; ")
		if alarms == "" {
			alarms = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d waiting\t%s\n", k.ID, printable(k.Name), printable(orDash(k.Site)), seen,
			printable(orDash(k.Status.Version)), k.Status.ProfileVersion, waiting, printable(alarms))
	}
	tw.Flush()
}

// printable escapes what a terminal would act on instead of show: what
// kiosks report (names, versions, reasons) must not forge rows in an
// admin's terminal or move its cursor.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) && r != ' ' }) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
