// Package httpx is the portal's HTTP plumbing, shared by its surfaces
// (the kiosks' /v1, the residents' pages, the staff pages, the call-up
// display): the client's address, a token bucket per address, the
// security headers, JSON answers and refusals, and errors that carry
// their status.
package httpx

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ClientAddr is the peer's IP address (RealClient in front of a handler
// has put the resident's there when a trusted proxy forwards).
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Limits is a token bucket per address, forgetting addresses idle for an
// hour and never keeping more than 100,000 of them.
type Limits struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*limitEntry
	swept time.Time
}

type limitEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimits allows each address a request every 1/every after burst.
func NewLimits(every rate.Limit, burst int) *Limits {
	return &Limits{every: every, burst: burst, m: map[string]*limitEntry{}, swept: time.Now()}
}

func (l *Limits) entry(addr string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > time.Minute || len(l.m) > 100_000 {
		for k, e := range l.m {
			if now.Sub(e.seen) > time.Hour || len(l.m) > 100_000 {
				delete(l.m, k)
			}
		}
		l.swept = now
	}
	e, ok := l.m[addr]
	if !ok {
		e = &limitEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.m[addr] = e
	}
	e.seen = now
	return e.lim
}

// Allow takes a token of addr's, if there is one.
func (l *Limits) Allow(addr string) bool { return l.entry(addr).Allow() }

// Tokens is how many tokens addr has left.
func (l *Limits) Tokens(addr string) float64 { return l.entry(addr).Tokens() }

// Content security policies: the residents' status pages (inline styles,
// no scripts), and the staff pages and the display (this portal's own
// scripts and styles only).
const (
	PagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	AppPolicy  = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

// SecurityHeaders are the headers of every page: what it may load
// (policy), never in a frame, no referrer, never cached (a page on a
// shared computer).
func SecurityHeaders(h http.Header, policy string) {
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// Secured sets the security headers of policy on every answer of h.
func Secured(h http.Handler, policy string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SecurityHeaders(w.Header(), policy)
		h.ServeHTTP(w, r)
	})
}

// JSON answers v with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ErrorReply is the body of every refusal: {"error": "…"}.
type ErrorReply struct {
	Error string `json:"error"`
}

// Fail refuses with status and a message the caller can act on; the
// message is the reason the security log gives (Recorder).
func Fail(w http.ResponseWriter, status int, msg string) {
	Reason(w, msg)
	JSON(w, status, ErrorReply{Error: msg})
}

// Unavailable answers 503 with Retry-After: the database did not answer
// (restarting, failing over); a kiosk keeps what it has and comes back.
func Unavailable(w http.ResponseWriter, what string) {
	Write(w, Unavailability(what))
}

// TooMany answers 429 with when to come back.
func TooMany(w http.ResponseWriter, after time.Duration, msg string) {
	Write(w, &Error{Status: http.StatusTooManyRequests, Msg: msg, RetryAfter: after})
}

// Error is an error that carries the status it is answered with (as the
// errors of Berlin's and Munich's ZMS do), and when to come back.
type Error struct {
	Status     int
	Msg        string
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Msg }

// Unavailability is the 503 of storage that did not answer.
func Unavailability(what string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Msg: what + ": storage unavailable, try again", RetryAfter: 10 * time.Second}
}

// Write answers err: with its status when it carries one (*Error),
// otherwise as storage that did not answer (503).
func Write(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = Unavailability("request")
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	Fail(w, e.Status, e.Msg)
}

// Recorder remembers the status and the refusal reason of a response,
// for the security log.
type Recorder struct {
	http.ResponseWriter
	Status int
	Why    string
}

func (w *Recorder) WriteHeader(status int) {
	if w.Status == 0 {
		w.Status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *Recorder) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing
// event streams).
func (w *Recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Reason notes why a request was refused, where a Recorder listens.
func Reason(w http.ResponseWriter, msg string) {
	if rec, ok := w.(*Recorder); ok && rec.Why == "" {
		rec.Why = msg
	}
}

// LimitBodies bounds every request's body: limit bytes, or what larger
// names for a path (a profile bundle, a booking file).
func LimitBodies(h http.Handler, limit int64, larger map[string]int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := limit
		if l, ok := larger[r.URL.Path]; ok {
			n = l
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		h.ServeHTTP(w, r)
	})
}

// RefuseNUL refuses a form with a NUL byte in it (400): PostgreSQL refuses
// one, and the portal answered that with 503 and lost the sign-in from
// the audit log. Nobody types a NUL.
func RefuseNUL(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "%00") || strings.ContainsRune(r.URL.Path, 0) {
			http.Error(w, "Ungültige Eingabe.", http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseForm(); err != nil {
				var big *http.MaxBytesError
				if errors.As(err, &big) {
					http.Error(w, "Die Eingabe ist zu lang.", http.StatusRequestEntityTooLarge)
				} else {
					http.Error(w, "Ungültige Eingabe.", http.StatusBadRequest)
				}
				return
			}
			for _, vs := range r.PostForm {
				for _, v := range vs {
					if strings.ContainsRune(v, 0) {
						http.Error(w, "Ungültige Eingabe.", http.StatusBadRequest)
						return
					}
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}
