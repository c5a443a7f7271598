package main

import (
	"fmt"
	"io"
	"os"
)

func cmdProfile(args []string, stdout, stderr io.Writer) int {
	f := newFlags("profile", "publish FILE.zip [--site S]", stderr)
	site := f.String("site", "", "the site the profile is for (default: every kiosk without a site profile)")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 2 || pos[0] != "publish" {
		return f.bad()
	}
	b, err := os.ReadFile(pos[1])
	if err != nil {
		return fail(stderr, err)
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	v, err := s.PublishProfile(ctx, *site, b)
	if err != nil {
		return fail(stderr, err)
	}
	where := "all kiosks"
	if *site != "" {
		where = "site " + *site
	}
	fmt.Fprintf(stdout, "profile %d published for %s; kiosks take it at their next heartbeat\n", v, where)
	return 0
}
