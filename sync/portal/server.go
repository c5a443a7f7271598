// Package portal is the reference central portal: the municipality's side
// that kiosks hand their sealed submissions to. The demo runs it in-process
// on loopback; lotse-portal runs it as a service.
package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// Server is one portal instance over a data folder.
type Server struct {
	DataDir string
	Version string
	started time.Time
}

// New prepares a portal keeping its state in dataDir.
func New(dataDir, version string) (*Server, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("portal data folder: %w", err)
	}
	return &Server{DataDir: dataDir, Version: version, started: time.Now()}, nil
}

// Handler routes the portal's HTTP API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", s.health)
	return mux
}

type healthReply struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Uptime  int64  `json:"uptime_s"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(healthReply{Status: "ok", Version: s.Version, Uptime: int64(time.Since(s.started).Seconds())})
}

// Listen binds addr ("127.0.0.1:0" picks a free port) and serves until ctx
// ends. It returns the base URL once the socket is bound, so callers can
// hand it to a kiosk before the first request.
func (s *Server) Listen(ctx context.Context, addr string) (string, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("portal listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	url := "http://" + ln.Addr().String()
	slog.Info("portal listening", "url", url)
	return url, done, nil
}
