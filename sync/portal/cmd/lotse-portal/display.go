package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdDisplay(args []string, stdout, stderr io.Writer) int {
	f := newFlags("display", "add SITE | revoke SITE   (\"\" for the default site)", stderr)
	known := func(pos []string) bool { return pos[0] == "add" || pos[0] == "revoke" }
	return f.run(args, 2, known, func(s *portal.Server, cfg config.Config, pos []string) int {
		site := pos[1]
		if pos[0] == "revoke" {
			n, err := s.Store().RevokeDisplays(ctx, site, time.Now())
			if err != nil {
				return fail(stderr, err)
			}
			s.Store().Audit(ctx, auditEntry("lotse-portal", "displays_revoked", site))
			fmt.Fprintf(stdout, "%d displays of site %q revoked\n", n, site)
			return 0
		}
		tok := rand.Text()
		if err := s.Store().AddDisplay(ctx, portal.HashToken(tok), site, time.Now()); err != nil {
			return fail(stderr, err)
		}
		s.Store().Audit(ctx, auditEntry("lotse-portal", "display_added", site))
		fmt.Fprintf(stdout, "http://%s/display?token=%s\n", cfg.Listen, tok)
		fmt.Fprintln(stderr, "Open this address in the waiting room's browser in kiosk mode (behind your TLS proxy: its https:// address with the same path).")
		return 0
	})
}
