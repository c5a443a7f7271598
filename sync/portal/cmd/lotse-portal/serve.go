package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"
)

func cmdServe(args []string, _, stderr io.Writer) int {
	f := newFlags("serve", "[--addr HOST:PORT] [--config F] [--data DIR] [--database URL]", stderr)
	addr := f.String("addr", "", "address to listen on (overrides listen)")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return f.bad()
	}
	s, cfg, err := f.open()
	if err != nil {
		return fail(stderr, err)
	}
	defer s.Close()
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
}
