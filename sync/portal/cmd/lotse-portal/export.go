package main

import (
	"fmt"
	"io"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdExport(args []string, stdout, stderr io.Writer) int {
	f := newFlags("export", "--since T --out DIR", stderr)
	since := f.String("since", "", "received since (RFC 3339 or YYYY-MM-DD)")
	out := f.String("out", "", "folder to write to (made 0700; files 0600)")
	given := func([]string) bool { return *out != "" && *since != "" }
	return f.run(args, 0, given, func(s *portal.Server, _ config.Config, _ []string) int {
		t, err := parseSince(*since)
		if err != nil {
			return fail(stderr, err)
		}
		return export(s, t, *out, stdout, stderr)
	})
}

func export(s *portal.Server, t time.Time, out string, stdout, stderr io.Writer) int {
	n, problems, err := s.Cases().Export(ctx, t, out)
	if err != nil {
		return fail(stderr, err)
	}
	s.Store().Audit(ctx, auditEntry("lotse-portal", "cases_exported", fmt.Sprintf("%d since %s to %s", n, t.Format(time.RFC3339), out)))
	fmt.Fprintf(stdout, "%d submissions written to %s\n", n, out)
	for _, p := range problems {
		fmt.Fprintf(stderr, "lotse-portal: export: %s skipped: %v\n", p.Code, p.Err)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "lotse-portal: %d submissions could not be opened; the others are written\n", len(problems))
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
