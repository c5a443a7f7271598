package portal

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"lotse/sync/portal/internal/httpx"

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
	args := []any{"addr", httpx.ClientAddr(r), "method", r.Method, "route", route(r), "status", status, "reason", reason}
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

// RealClient hands h requests whose RemoteAddr is the resident's: a
// request from a trusted proxy names its client in X-Forwarded-For, read
// from the right and past every trusted proxy (a client may write any
// address of its own at the left). From anyone else the header is
// ignored.
func (s *Server) RealClient(h http.Handler) http.Handler {
	if len(s.proxies) == 0 {
		return h
	}
	trusted := func(a netip.Addr) bool {
		for _, p := range s.proxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil || !trusted(peer.Addr()) {
			h.ServeHTTP(w, r)
			return
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // garbage: the proxy itself is the client
			}
			if !trusted(a) {
				r2 := r.Clone(r.Context())
				r2.RemoteAddr = netip.AddrPortFrom(a.Unmap(), 0).String()
				h.ServeHTTP(w, r2)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// network is the part of an address one household or one bot holds: an
// IPv4 /24, an IPv6 /64. Budgets for residents are kept per network, so
// ten addresses of one network share one.
func network(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// logRefusals wraps the portal's routes: every answer of 400 and above
// goes to the security log.
func (s *Server) logRefusals(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &httpx.Recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.Status >= 400 {
			s.security.refused(r, rec.Status, rec.Why)
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
	perAddr *httpx.Limits
	overall *rate.Limiter
}

func newFailureLimits() *failureLimits {
	return &failureLimits{perAddr: httpx.NewLimits(rate.Every(3*time.Minute), 5), overall: rate.NewLimiter(1, 30)}
}

// blocked says whether addr may not try now.
func (f *failureLimits) blocked(addr string) bool {
	return f.overall.Tokens() < 1 || f.perAddr.Tokens(addr) < 1
}

// failed takes a token from addr and from everyone.
func (f *failureLimits) failed(addr string) {
	f.overall.Allow()
	f.perAddr.Allow(addr)
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
	httpx.Fail(w, http.StatusServiceUnavailable, "the portal's disk is full; try again later")
	return true
}

// kioskPace keeps each kiosk at a resident's pace: one person at a time
// taps, waits for the paper and leaves. A kiosk far faster than that is
// broken or in the wrong hands (one drew 998 numbers in 11.5 s, another
// booked every seat of a site in 5.7 s): it is refused and staff see an
// alarm on the fleet page for an hour.
type kioskPace struct {
	draws, books *httpx.Limits
	mu           sync.Mutex
	over         map[int64]paceAlarm
}

type paceAlarm struct {
	what string // "draws", "bookings"
	at   time.Time
}

// Paces: by default a number every 3 s after a burst of 20 (a queue at
// the kiosk in the morning); a booking every 20 s after 5.
func newKioskPace(draw, book time.Duration) *kioskPace {
	if draw <= 0 {
		draw = 3 * time.Second
	}
	if book <= 0 {
		book = 20 * time.Second
	}
	return &kioskPace{draws: httpx.NewLimits(rate.Every(draw), 20), books: httpx.NewLimits(rate.Every(book), 5),
		over: map[int64]paceAlarm{}}
}

// allow takes one of what ("draws", "bookings") for kiosk; false records
// the alarm.
func (k *kioskPace) allow(what string, kiosk int64, now time.Time) bool {
	lim := k.draws
	if what == "bookings" {
		lim = k.books
	}
	if lim.Allow(strconv.FormatInt(kiosk, 10)) {
		return true
	}
	k.mu.Lock()
	first := now.Sub(k.over[kiosk].at) > time.Minute
	k.over[kiosk] = paceAlarm{what: what, at: now}
	k.mu.Unlock()
	if first {
		slog.Warn("alarm: a kiosk goes faster than residents can", "kiosk", kiosk, "what", what)
	}
	return false
}

// alarm is kiosk's pace alarm of the last hour ("" for none).
func (k *kioskPace) alarm(kiosk int64, now time.Time) string {
	k.mu.Lock()
	a, ok := k.over[kiosk]
	k.mu.Unlock()
	if !ok || now.Sub(a.at) > time.Hour {
		return ""
	}
	return fmt.Sprintf("too fast: %s refused at %s", a.what, a.at.In(officeTime).Format("15:04"))
}
