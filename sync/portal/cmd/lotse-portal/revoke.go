package main

import (
	"fmt"
	"io"
	"strconv"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdRevoke(args []string, stdout, stderr io.Writer) int {
	f := newFlags("revoke", "KIOSK", stderr)
	return f.run(args, 1, nil, func(s *portal.Server, _ config.Config, pos []string) int {
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fail(stderr, fmt.Errorf("kiosk %q: want its number", pos[0]))
		}
		if err := s.Enrolment().Revoke(ctx, id); err != nil {
			return fail(stderr, err)
		}
		s.Store().Audit(ctx, auditEntry("lotse-portal", "kiosk_revoked", pos[0]))
		fmt.Fprintf(stdout, "kiosk %d revoked\n", id)
		return 0
	})
}
