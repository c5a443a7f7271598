package main

import (
	"fmt"
	"io"
	"time"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdEnrollCode(args []string, stdout, stderr io.Writer) int {
	f := newFlags("enroll-code", "[--count N] [--site S] [--valid 24h]", stderr)
	count := f.Int("count", 1, "how many codes, one per line (1 to 1000)")
	site := f.String("site", "", "the site the kiosks using the codes join (and whose profile they get)")
	valid := f.Duration("valid", 24*time.Hour, "how long the codes work (at most 168h)")
	return f.run(args, 0, nil, func(s *portal.Server, _ config.Config, _ []string) int {
		if *valid <= 0 || *valid > portal.MaxEnrollValid {
			return fail(stderr, fmt.Errorf("enroll-code: --valid %s: want more than 0 and at most 168h (7 days)", *valid))
		}
		if *count < 1 || *count > 1000 {
			return fail(stderr, fmt.Errorf("enroll-code: --count %d: want 1 to 1000", *count))
		}
		for range *count {
			c, err := s.Enrolment().EnrollCodeFor(ctx, *valid, *site)
			if err != nil {
				return fail(stderr, err)
			}
			fmt.Fprintln(stdout, c)
		}
		s.Store().Audit(ctx, auditEntry("lotse-portal", "enrolment_codes_made", fmt.Sprintf("%d site=%s", *count, *site)))
		return 0
	})
}
