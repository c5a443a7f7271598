package main

import (
	"fmt"
	"io"
)

func cmdDecide(args []string, stdout, stderr io.Writer) int {
	f := newFlags("decide", "CODE accept|reject [--reason R]", stderr)
	reason := f.String("reason", "", "the reason, shown to staff at the kiosk")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 2 || (pos[1] != "accept" && pos[1] != "reject") {
		return f.bad()
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	state := map[string]string{"accept": "accepted", "reject": "rejected"}[pos[1]]
	if err := s.Decide(ctx, pos[0], state, *reason); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s %s\n", pos[0], state)
	return 0
}
