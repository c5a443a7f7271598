package main

import (
	"fmt"
	"io"
	"os"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdProfile(args []string, stdout, stderr io.Writer) int {
	f := newFlags("profile", "publish FILE.zip [--site S]", stderr)
	site := f.String("site", "", "the site the profile is for (default: every kiosk without a site profile)")
	publish := func(pos []string) bool { return pos[0] == "publish" }
	return f.run(args, 2, publish, func(s *portal.Server, _ config.Config, pos []string) int {
		return publishProfile(s, pos[1], *site, stdout, stderr)
	})
}

func publishProfile(s *portal.Server, path, site string, stdout, stderr io.Writer) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return fail(stderr, err)
	}
	v, err := s.Fleet().PublishProfile(ctx, site, b)
	if err != nil {
		return fail(stderr, err)
	}
	s.Store().Audit(ctx, auditEntry("lotse-portal", "profile_published", fmt.Sprintf("%d site=%s", v, site)))
	where := "all kiosks"
	if site != "" {
		where = "site " + site
	}
	fmt.Fprintf(stdout, "profile %d published for %s; kiosks take it at their next heartbeat\n", v, where)
	return 0
}
