package main

import (
	"fmt"
	"io"

	"lotse/sync/credential"
	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

const siteUsage = "the site whose key hashes it (the profile's site; default: all kiosks without one)"

func cmdHashPIN(args []string, stdout, stderr io.Writer) int {
	f := newFlags("hash-pin", "[--staff] [--site S] PIN", stderr)
	staff := f.Bool("staff", false, "the staff PIN (6 to 12 digits) instead of a guide's (4 to 12)")
	site := f.String("site", "", siteUsage)
	return f.run(args, 1, nil, func(s *portal.Server, _ config.Config, pos []string) int {
		kind := credential.Guide
		if *staff {
			kind = credential.Staff
		}
		return printHash(stdout, stderr)(s.Fleet().HashPIN(ctx, *site, kind, pos[0]))
	})
}

func cmdHashCard(args []string, stdout, stderr io.Writer) int {
	f := newFlags("hash-card", "[--site S] ID", stderr)
	site := f.String("site", "", siteUsage)
	return f.run(args, 1, nil, func(s *portal.Server, _ config.Config, pos []string) int {
		return printHash(stdout, stderr)(s.Fleet().HashCard(ctx, *site, pos[0]))
	})
}

func printHash(stdout, stderr io.Writer) func(string, error) int {
	return func(h string, err error) int {
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintln(stdout, h)
		return 0
	}
}
