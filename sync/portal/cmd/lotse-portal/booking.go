package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

// cmdBooking sets and shows a site's booking file (the bookable services,
// their hours and counters, the rules), and lists a day's appointments
// without names.
func cmdBooking(args []string, stdout, stderr io.Writer) int {
	f := newFlags("booking", "set --site S FILE.toml | show --site S | day --site S [--date YYYY-MM-DD]", stderr)
	site := f.String("site", "", "the site (\"\": the default site)")
	date := f.String("date", "", "day: the date (default today)")
	known := func(pos []string) bool {
		switch pos[0] {
		case "set":
			return len(pos) == 2
		case "show", "day":
			return len(pos) == 1
		}
		return false
	}
	return f.run(args, -1, known, func(s *portal.Server, _ config.Config, pos []string) int {
		b := s.Bookings()
		switch pos[0] {
		case "set":
			text, err := os.ReadFile(pos[1])
			if err != nil {
				return fail(stderr, err)
			}
			cfg, err := b.Set(ctx, *site, text)
			if err != nil {
				return fail(stderr, fmt.Errorf("%s: %w", pos[1], err))
			}
			s.Store().Audit(ctx, auditEntry("lotse-portal", "booking_set", *site))
			fmt.Fprintf(stdout, "site %q offers %d bookable services\n", *site, len(cfg.Services))
			return 0
		case "show":
			text, err := s.Store().BookingConfig(ctx, *site)
			if err != nil {
				return fail(stderr, fmt.Errorf("site %q: %w", *site, err))
			}
			fmt.Fprint(stdout, text)
			return 0
		}
		day := time.Now().In(b.Loc)
		if *date != "" {
			d, err := time.ParseInLocation(time.DateOnly, *date, b.Loc)
			if err != nil {
				return fail(stderr, fmt.Errorf("--date %q: want 2026-12-08", *date))
			}
			day = d
		}
		from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, b.Loc)
		list, err := s.Store().Appointments(ctx, *site, from, from.AddDate(0, 0, 1))
		if err != nil {
			return fail(stderr, err)
		}
		for _, a := range list {
			fmt.Fprintf(stdout, "%s  %-12s %s  %s\n", a.Start.In(b.Loc).Format("15:04"), a.Service, a.Code, a.State)
		}
		return 0
	})
}
