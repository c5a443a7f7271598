package main

import (
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"lotse/sync/portal"
	"lotse/sync/portal/config"
	"lotse/sync/portal/web"
	"lotse/sync/portal/web/display"
	"lotse/sync/portal/web/termin"
)

func cmdServe(args []string, _, stderr io.Writer) int {
	f := newFlags("serve", "[--addr HOST:PORT] [--staff-addr HOST:PORT]", stderr)
	addr := f.String("addr", "", "address to listen on (overrides listen)")
	staffAddr := f.String("staff-addr", "", "address of the staff dashboard (overrides staff_addr; default: beside the API)")
	return f.run(args, 0, nil, func(s *portal.Server, cfg config.Config, _ []string) int {
		if *addr != "" {
			cfg.Listen = *addr
		}
		if *staffAddr != "" {
			cfg.StaffAddr = *staffAddr
		}
		dash, err := web.New(s, s.Store())
		if err != nil {
			return fail(stderr, err)
		}
		sctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		disp, err := display.New(s)
		if err != nil {
			return fail(stderr, err)
		}
		booking, err := termin.New(s)
		if err != nil {
			return fail(stderr, err)
		}
		s.Display, s.Termin = disp.Handler(), booking.Handler()
		var staffDone <-chan error
		if cfg.StaffAddr == "" {
			s.Staff = dash.Handler()
		} else {
			ln, err := net.Listen("tcp", cfg.StaffAddr)
			if err != nil {
				return fail(stderr, err)
			}
			url, done, err := portal.ServeHandler(sctx, ln, s.RealClient(dash.Handler()))
			if err != nil {
				return fail(stderr, err)
			}
			staffDone = done
			slog.Info("staff dashboard", "url", url+"/staff/")
		}
		url, done, err := s.Listen(sctx, cfg.Listen)
		if err != nil {
			return fail(stderr, err)
		}
		if cfg.StaffAddr == "" {
			slog.Info("staff dashboard", "url", url+"/staff/")
		}
		err = <-done
		if staffDone != nil {
			<-staffDone
		}
		if err != nil {
			return fail(stderr, err)
		}
		return 0
	})
}
