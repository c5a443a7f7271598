package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
)

func cmdServe(args []string, _, stderr io.Writer) int {
	f := newFlags("serve", "[--addr HOST:PORT]", stderr)
	addr := f.String("addr", "", "address to listen on (overrides listen)")
	return f.run(args, 0, nil, func(s *portal.Server, cfg config.Config, _ []string) int {
		if *addr != "" {
			cfg.Listen = *addr
		}
		sctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		_, done, err := s.Listen(sctx, cfg.Listen)
		if err != nil {
			return fail(stderr, err)
		}
		if err := <-done; err != nil {
			return fail(stderr, err)
		}
		return 0
	})
}
