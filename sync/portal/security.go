package portal

import (
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// securityLog writes one structured line per refused or failed request:
// address, route, status and reason, never a token, code or body. It is
// rate-limited, so 6,000 failed enrolments cannot fill the disk; the
// lines left out are counted in the next one written.
type securityLog struct {
	log        *slog.Logger
	lim        *rate.Limiter
	suppressed atomic.Int64
}

func newSecurityLog(l *slog.Logger) *securityLog {
	return &securityLog{log: l, lim: rate.NewLimiter(20, 100)}
}

func (l *securityLog) refused(r *http.Request, status int, reason string) {
	if !l.lim.Allow() {
		l.suppressed.Add(1)
		return
	}
	args := []any{"addr", clientAddr(r), "method", r.Method, "route", route(r), "status", status, "reason", reason}
	if n := l.suppressed.Swap(0); n > 0 {
		args = append(args, "suppressed_before", n)
	}
	l.log.Warn("security: request refused", args...)
}

// route is the pattern a request matched (the path's ids left out), or
// its path cut short when none matched.
func route(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	p := r.URL.Path
	if len(p) > 64 {
		p = p[:64] + "…"
	}
	return strconv.Quote(p)
}

// clientAddr is the peer's IP address. A portal behind a reverse proxy
// sees the proxy's: throttles then apply to everyone behind it, which errs
// on the safe side.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// recorder remembers the status and the refusal reason of a response.
type recorder struct {
	http.ResponseWriter
	status int
	reason string
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing
// the staff pages' event stream).
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// reason notes why a request was refused, for the security log.
func reason(w http.ResponseWriter, msg string) {
	if rec, ok := w.(*recorder); ok && rec.reason == "" {
		rec.reason = msg
	}
}

// logRefusals wraps the portal's routes: every answer of 400 and above
// goes to the security log.
func (s *Server) logRefusals(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status >= 400 {
			s.security.refused(r, rec.status, rec.reason)
		}
	})
}

// failureLimits throttle what fails, per address and overall: each
// failure takes a token; with none left the address (or everyone) waits.
// Five wrong enrolment codes lock an address; after that one more try is
// allowed every three minutes. Overall, at most one failure a second is
// let through after a burst of 30, whoever tries: guessing a 40-bit secret
// at that pace takes longer than any code lives.
type failureLimits struct {
	perAddr *addrLimits
	overall *rate.Limiter
}

func newFailureLimits() *failureLimits {
	return &failureLimits{perAddr: newAddrLimits(rate.Every(3*time.Minute), 5), overall: rate.NewLimiter(1, 30)}
}

// blocked says whether addr may not try now.
func (f *failureLimits) blocked(addr string) bool {
	return f.overall.Tokens() < 1 || f.perAddr.tokens(addr) < 1
}

// failed takes a token from addr and from everyone.
func (f *failureLimits) failed(addr string) {
	f.overall.Allow()
	f.perAddr.allow(addr)
}

// addrLimits is a token bucket per address, forgetting addresses idle for
// an hour and never keeping more than 100,000 of them.
type addrLimits struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*addrEntry
	swept time.Time
}

type addrEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newAddrLimits(r rate.Limit, burst int) *addrLimits {
	return &addrLimits{every: r, burst: burst, m: map[string]*addrEntry{}, swept: time.Now()}
}

func (a *addrLimits) entry(addr string) *rate.Limiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if now.Sub(a.swept) > time.Minute || len(a.m) > 100_000 {
		for k, e := range a.m {
			if now.Sub(e.seen) > time.Hour || len(a.m) > 100_000 {
				delete(a.m, k)
			}
		}
		a.swept = now
	}
	e, ok := a.m[addr]
	if !ok {
		e = &addrEntry{lim: rate.NewLimiter(a.every, a.burst)}
		a.m[addr] = e
	}
	e.seen = now
	return e.lim
}

func (a *addrLimits) allow(addr string) bool     { return a.entry(addr).Allow() }
func (a *addrLimits) tokens(addr string) float64 { return a.entry(addr).Tokens() }

// tooMany answers 429 with when to come back.
func tooMany(w http.ResponseWriter, after time.Duration, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(after.Seconds())))
	fail(w, http.StatusTooManyRequests, msg)
}

// diskFull says whether the data folder's disk is below the free space
// the portal keeps in reserve.
func (s *Server) diskFull() bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.DataDir, &st); err != nil {
		return false
	}
	return int64(st.Bavail)*int64(st.Bsize) < s.minFree
}

// refuseWhenFull answers 503 with Retry-After when the disk is full, so
// kiosks keep their queue and come back; it reports whether it did.
func (s *Server) refuseWhenFull(w http.ResponseWriter) bool {
	if !s.diskFull() {
		return false
	}
	w.Header().Set("Retry-After", "300")
	fail(w, http.StatusServiceUnavailable, "the portal's disk is full; try again later")
	return true
}

// pageHeaders are the security headers of every HTML page: no scripts or
// styles from elsewhere, never in a frame, no referrer, never cached (a
// status page on a shared computer).
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}
