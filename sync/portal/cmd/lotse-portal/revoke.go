package main

import (
	"fmt"
	"io"
	"strconv"
)

func cmdRevoke(args []string, stdout, stderr io.Writer) int {
	f := newFlags("revoke", "KIOSK", stderr)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
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
	if err := s.Revoke(ctx, id); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "kiosk %d revoked\n", id)
	return 0
}
