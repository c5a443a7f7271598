package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdKiosks(args []string, stdout, stderr io.Writer) int {
	f := newFlags("kiosks", "[--json]", stderr)
	asJSON := f.Bool("json", false, "JSON instead of a table")
	return f.run(args, 0, nil, func(s *portal.Server, _ config.Config, _ []string) int {
		return kiosks(s, *asJSON, stdout, stderr)
	})
}

func kiosks(s *portal.Server, asJSON bool, stdout, stderr io.Writer) int {
	list, err := s.Fleet().Kiosks(ctx, time.Now())
	if err != nil {
		return fail(stderr, err)
	}
	if asJSON {
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
	return 0
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

// cell is s printable and at most n characters wide, for a table column:
// an entry stored before names were checked may be megabytes long.
func cell(s string, n int) string {
	s = printable(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
