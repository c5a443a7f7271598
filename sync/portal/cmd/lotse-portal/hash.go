package main

import (
	"fmt"
	"io"

	"lotse/sync/credential"
)

func cmdHashPIN(args []string, stdout, stderr io.Writer) int {
	f := newFlags("hash-pin", "[--staff] [--site S] PIN", stderr)
	staff := f.Bool("staff", false, "the staff PIN (6 to 12 digits) instead of a guide's (4 to 12)")
	site := f.String("site", "", "the site whose key hashes it (the profile's site; default: all kiosks without one)")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.bad()
	}
	kind := credential.Guide
	if *staff {
		kind = credential.Staff
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	h, err := s.HashPIN(ctx, *site, kind, pos[0])
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, h)
	return 0
}

func cmdHashCard(args []string, stdout, stderr io.Writer) int {
	f := newFlags("hash-card", "[--site S] ID", stderr)
	site := f.String("site", "", "the site whose key hashes it (the profile's site; default: all kiosks without one)")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.bad()
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	h, err := s.HashCard(ctx, *site, pos[0])
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, h)
	return 0
}
