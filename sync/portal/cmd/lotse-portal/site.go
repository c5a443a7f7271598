package main

import (
	"fmt"
	"io"
	"strconv"
)

func cmdSite(args []string, stdout, stderr io.Writer) int {
	f := newFlags("site", "KIOSK SITE", stderr)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		return f.bad()
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fail(stderr, fmt.Errorf("kiosk %q: want its number", pos[0]))
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	if err := s.SetSite(ctx, id, pos[1]); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "kiosk %d is in site %s; it takes the site's profile at its next heartbeat\n", id, pos[1])
	return 0
}
