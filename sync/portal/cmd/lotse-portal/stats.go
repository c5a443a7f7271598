package main

import (
	"encoding/json"
	"io"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdStats(args []string, stdout, stderr io.Writer) int {
	f := newFlags("stats", "", stderr)
	return f.run(args, 0, nil, func(s *portal.Server, _ config.Config, _ []string) int {
		st, err := s.Cases().Stats(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		json.NewEncoder(stdout).Encode(st)
		return 0
	})
}
