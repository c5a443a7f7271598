package main

import (
	"fmt"
	"io"
	"strconv"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdSite(args []string, stdout, stderr io.Writer) int {
	f := newFlags("site", "KIOSK SITE", stderr)
	return f.run(args, 2, nil, func(s *portal.Server, _ config.Config, pos []string) int {
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fail(stderr, fmt.Errorf("kiosk %q: want its number", pos[0]))
		}
		if err := s.Fleet().SetSite(ctx, id, pos[1]); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "kiosk %d is in site %s; it takes the site's profile at its next heartbeat\n", id, pos[1])
		return 0
	})
}
