package main

import (
	"encoding/json"
	"io"
)

func cmdStats(args []string, stdout, stderr io.Writer) int {
	f := newFlags("stats", "", stderr)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return f.bad()
	}
	s, _, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	json.NewEncoder(stdout).Encode(st)
	return 0
}
