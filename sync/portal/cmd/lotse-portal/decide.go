package main

import (
	"fmt"
	"io"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdDecide(args []string, stdout, stderr io.Writer) int {
	f := newFlags("decide", "CODE accept|reject [--reason R]", stderr)
	reason := f.String("reason", "", "the reason, shown to staff at the kiosk")
	valid := func(pos []string) bool { return pos[1] == "accept" || pos[1] == "reject" }
	return f.run(args, 2, valid, func(s *portal.Server, _ config.Config, pos []string) int {
		state := map[string]string{"accept": "accepted", "reject": "rejected"}[pos[1]]
		if err := s.Cases().Decide(ctx, pos[0], state, *reason); err != nil {
			return fail(stderr, err)
		}
		s.Store().Audit(ctx, auditEntry("lotse-portal", "case_decided_"+state, pos[0]))
		fmt.Fprintf(stdout, "%s %s\n", pos[0], state)
		return 0
	})
}
