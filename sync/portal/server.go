// Package portal is the reference central portal: the municipality's side
// that kiosks hand their sealed submissions to. The demo runs it in-process
// on loopback; lotse-portal runs it as a service.
package portal

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"lotse/sync/portal/booking"
	"lotse/sync/portal/hub"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
	"lotse/sync/seal"
)

// Server is one portal instance over a data folder.
type Server struct {
	DataDir string
	Version string
	// Staff, when set before serving, answers /staff/ beside the kiosk
	// API (the staff dashboard, sync/portal/web).
	Staff http.Handler
	// Display, when set, answers /display: the waiting room's call-up
	// display (sync/portal/web).
	Display http.Handler
	// Termin, when set, answers /termin/: the residents' booking pages
	// (sync/portal/web).
	// Public, when set, answers /w/ and /s/: the residents' pages behind
	// the QR codes (sync/portal/web/public).
	Public  http.Handler
	Termin  http.Handler
	started time.Time
	now     func() time.Time // the clock (Options.Now)
	proxies []netip.Prefix   // Options.TrustedProxies
	mailer  booking.Mailer   // Options.Mailer
	// publicURL is Options.PublicURL.
	publicURL string
	st        store.Store
	queue     *queue.Service // the office queue of every site
	hub       *hub.Hub       // live changes: queues, guide calls
	fleet     *Fleet
	enrolment *Enrolment
	cases     *Cases
	callers   *callers
	key       *rsa.PrivateKey
	kid       string
	sign      ed25519.PrivateKey // signs profiles
	quota     int64
	minFree   int64

	security    *securityLog
	enrolLimits *failureLimits // enrolment attempts that failed
	residents   *Residents     // residents' budgets per network
	pace        *kioskPace     // draws and bookings per kiosk
	bookings    *booking.Office
	bigBatches  chan struct{} // batches over 1 MiB being read at once
	// The public keys as SPKI DER, as kiosks receive them at enrolment.
	pubDER, signPubDER []byte

	commits *groupCommitter // stores the kiosks' batches
	opt     Options
}

// kioskAPI and bookingAPI are the portal's own HTTP surfaces: the
// kiosks' /v1 (enrolment, envelopes, heartbeats, profiles, waiting
// numbers, held times, health) and booking for kiosks and residents,
// over the portal's services. The pages are packages of their own
// (sync/portal/web/...), mounted through the handler fields.
type (
	kioskAPI   struct{ *Server }
	bookingAPI struct{ *Server }
)

// Options tune a portal.
type Options struct {
	Version string
	// Quota bounds the bytes of undecided submissions one kiosk may keep
	// at the portal (DefaultQuota when 0): a broken or stolen kiosk cannot
	// fill the portal's disk.
	Quota int64
	// MinFreeBytes is the free disk below which the portal takes nothing
	// more in (503 with Retry-After) and health says "degraded"
	// (DefaultMinFree when 0).
	MinFreeBytes int64
	// Log receives the security log (slog.Default() when nil).
	Log *slog.Logger
	// RetentionIdempotency is how long keys are remembered
	// (IdempotencyRetention when 0); RetentionDecided how long decided
	// cases are kept (0: for good).
	RetentionIdempotency time.Duration
	RetentionDecided     time.Duration
	// TrustedProxies are the reverse proxies in front of the portal: from
	// them, the client is the last address in X-Forwarded-For that is not
	// one of them. Without, every resident behind the proxy would share
	// one address's budgets.
	TrustedProxies []netip.Prefix
	// BookingsPerNetwork is the residents' hourly booking budget per
	// network (DefaultBookingsPerNetwork when 0).
	BookingsPerNetwork int
	// KioskDrawPace and KioskBookingPace are how often one kiosk may draw
	// a number (after 20 at once) and book (after 5), 3 s and 20 s when 0.
	KioskDrawPace, KioskBookingPace time.Duration
	// Mailer sends the mail that confirms a booking where a site asks for
	// it (nil: no mail).
	Mailer booking.Mailer
	// PublicURL is the address residents reach the portal at (the QR
	// codes' status pages), sent to kiosks with every heartbeat.
	PublicURL string
	// Now is the portal's clock (time.Now when nil): tests run the
	// booking, queue and opening-hours logic on any day they choose.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultQuota   = 1 << 30
	DefaultMinFree = 64 << 20
)

// New is a portal over st with keys, in the data folder dataDir (whose
// free space it watches). It starts nothing: Run runs its background
// loops, and batches from kiosks wait for them.
func New(st store.Store, keys *Keys, dataDir string, opt Options) (*Server, error) {
	kid, err := seal.KeyID(&keys.Seal.PublicKey)
	if err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&keys.Seal.PublicKey)
	if err != nil {
		return nil, err
	}
	signPubDER, err := x509.MarshalPKIXPublicKey(keys.Sign.Public())
	if err != nil {
		return nil, err
	}
	if opt.RetentionIdempotency == 0 {
		opt.RetentionIdempotency = IdempotencyRetention
	}
	if opt.Quota == 0 {
		opt.Quota = DefaultQuota
	}
	if opt.MinFreeBytes == 0 {
		opt.MinFreeBytes = DefaultMinFree
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BookingsPerNetwork == 0 {
		opt.BookingsPerNetwork = DefaultBookingsPerNetwork
	}
	s := &Server{opt: opt, now: opt.Now, mailer: opt.Mailer, proxies: opt.TrustedProxies, publicURL: strings.TrimRight(opt.PublicURL, "/"),
		DataDir: dataDir, Version: opt.Version, started: time.Now(), st: st, key: keys.Seal, kid: kid,
		quota: opt.Quota, minFree: opt.MinFreeBytes, security: newSecurityLog(opt.Log),
		enrolLimits: newFailureLimits(), bigBatches: make(chan struct{}, maxBigBatches),
		sign: keys.Sign, pubDER: pubDER, signPubDER: signPubDER,
		commits: newGroupCommitter(st, opt.Now)}
	s.hub = hub.New(st)
	s.queue = &queue.Service{St: st, Loc: officeTime, Now: opt.Now, Hub: s.hub}
	s.residents = &Residents{st: st, now: opt.Now, requests: httpx.NewLimits(rate.Every(6*time.Second), 30), perHour: opt.BookingsPerNetwork}
	s.pace = newKioskPace(opt.KioskDrawPace, opt.KioskBookingPace)
	s.fleet = &Fleet{st: st, now: opt.Now, queue: s.queue, pace: s.pace}
	s.enrolment = &Enrolment{st: st, now: opt.Now, pubDER: pubDER, signPubDER: signPubDER}
	s.callers = &callers{enrolment: s.enrolment, st: st, residents: s.residents, security: s.security}
	s.cases = &Cases{st: st, now: opt.Now, key: keys.Seal, kid: kid}
	s.bookings = s.newBookingOffice()
	return s, nil
}

// Run runs the portal's background work until ctx ends: first the
// expiry of old idempotency keys and decided cases, then the group
// committer that stores the kiosks' batches, the live hub's listening
// for other instances, the daily housekeeping and the minutely no-shows. It
// returns when all of them have stopped; a batch still waiting then gets
// a 503 and its kiosk sends it again.
func (s *Server) Run(ctx context.Context) error {
	if err := expire(ctx, s.st, s.opt); err != nil {
		close(s.commits.done)
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.hub.Run(ctx) })
	wg.Go(func() { s.housekeeping(ctx) })
	wg.Go(func() { s.noShows(ctx) })
	s.commits.run(ctx)
	wg.Wait()
	return nil
}

// officeTime is the offices' time zone: a waiting number's day is the
// calendar day in Germany.
var officeTime = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return l
}()

// expire forgets idempotency keys past their retention and deletes
// decided cases past theirs.
func expire(ctx context.Context, st store.Store, opt Options) error {
	if err := st.ExpireIdempotency(ctx, time.Now().Add(-opt.RetentionIdempotency)); err != nil {
		return fmt.Errorf("portal: expire idempotency keys: %w", err)
	}
	if opt.RetentionDecided > 0 {
		n, err := st.PurgeDecided(ctx, time.Now().Add(-opt.RetentionDecided))
		if err != nil {
			return fmt.Errorf("portal: delete old decided cases: %w", err)
		}
		if n > 0 {
			slog.Info("decided cases past their retention deleted", "cases", n, "retention", opt.RetentionDecided)
		}
	}
	return nil
}

// every runs fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func(ctx context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}

// housekeeping expires once a day while the portal runs: idempotency keys
// and decided cases past retention, names and contacts of past
// appointments.
func (s *Server) housekeeping(ctx context.Context) {
	every(ctx, 24*time.Hour, func(ctx context.Context) {
		if err := expire(ctx, s.st, s.opt); err != nil {
			slog.Error("housekeeping", "err", err)
		}
		if n, err := s.bookings.Forget(ctx); err != nil {
			slog.Error("housekeeping: appointments", "err", err)
		} else if n > 0 {
			slog.Info("housekeeping: names and contacts of past appointments deleted", "appointments", n)
		}
	})
}

// noShows marks, every minute, the appointments nobody checked in for as
// no-shows: the clerk's day view and the figures say so, and nobody waits
// for them. Every instance may do it: the update is conditional.
func (s *Server) noShows(ctx context.Context) {
	every(ctx, time.Minute, func(ctx context.Context) {
		if n, err := s.bookings.ReleaseUnconfirmed(ctx); err != nil {
			slog.Error("appointments: unconfirmed", "err", err)
		} else if n > 0 {
			slog.Info("appointments nobody confirmed: times freed", "appointments", n)
		}
		if n, err := s.bookings.MarkNoShows(ctx); err != nil {
			slog.Error("appointments: no-shows", "err", err)
		} else if n > 0 {
			slog.Info("appointments marked as no-shows", "count", n)
		}
	})
}

// Handler routes the portal's HTTP API.
func (s *Server) Handler() http.Handler {
	// The surfaces: the kiosks' API, booking (kiosks and residents), the
	// residents' status pages.
	k, b := &kioskAPI{s}, &bookingAPI{s}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", k.health)
	mux.HandleFunc("POST /v1/enroll", k.handleEnroll)
	mux.HandleFunc("POST /v1/envelopes", k.handleEnvelopes)
	mux.HandleFunc("GET /v1/kiosks/{id}/changes", k.handleChanges)
	mux.HandleFunc("GET /v1/kiosks/{id}/profile", k.handleProfile)
	mux.HandleFunc("POST /v1/kiosks/{id}/heartbeat", k.handleHeartbeat)
	mux.HandleFunc("POST /v1/kiosks/{id}/tickets", k.handleDraw)
	mux.HandleFunc("POST /v1/kiosks/{id}/checkin", k.handleCheckIn)
	mux.HandleFunc("GET /v1/kiosks/{id}/bookable", b.handleBookableServices)
	mux.HandleFunc("GET /v1/kiosks/{id}/slots", b.handleSlots)
	mux.HandleFunc("POST /v1/kiosks/{id}/appointments", b.handleBook)
	mux.HandleFunc("GET /v1/kiosks/{id}/cases/{code}", k.handleCaseStatus)
	mux.HandleFunc("GET /v1/kiosks/{id}/held", k.handleHeld)
	mux.HandleFunc("POST /v1/kiosks/{id}/held/{code}", k.handleReportHeld)
	mux.HandleFunc("DELETE /v1/kiosks/{id}/held/{code}", k.handleGiveBack)
	mux.HandleFunc("GET /v1/sites/{site}/services", b.handleBookableServices)
	mux.HandleFunc("GET /v1/sites/{site}/slots", b.handleSlots)
	mux.HandleFunc("POST /v1/sites/{site}/appointments", b.handleBook)
	mux.HandleFunc("POST /v1/sites/{site}/appointments/{code}/cancel", b.handleCancelAppointment)
	mux.HandleFunc("GET /v1/sites/{site}/appointments/{code}/ics", b.handleAppointmentICS)
	if s.Public != nil {
		mux.Handle("GET /w/", s.Public)
		mux.Handle("GET /s/", s.Public)
	}
	if s.Display != nil {
		mux.Handle("/display", s.Display)
		mux.Handle("/display/", s.Display)
	}
	if s.Termin != nil {
		mux.Handle("/termin/", s.Termin)
		mux.Handle("/termin-static/", s.Termin)
	}
	if s.Staff != nil {
		mux.Handle("/staff/", s.Staff)
		mux.Handle("GET /staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	}
	return s.RealClient(s.logRefusals(mux))
}

type healthReply struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Uptime  int64  `json:"uptime_s"`
}

func (s *kioskAPI) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	status := "ok"
	if s.diskFull() {
		status = "degraded: disk full"
	}
	json.NewEncoder(w).Encode(healthReply{Status: status, Version: s.Version, Uptime: int64(time.Since(s.started).Seconds())})
}

// Listen binds addr ("127.0.0.1:0" picks a free port) and serves until ctx
// ends. It returns the base URL once the socket is bound, so callers can
// hand it to a kiosk before the first request.
func (s *Server) Listen(ctx context.Context, addr string) (string, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("portal listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) (string, <-chan error, error) {
	return ServeHandler(ctx, ln, s.Handler())
}

// ServeHandler serves h on ln until ctx ends, with the portal's limits
// (the staff pages on a listener of their own use it too).
func ServeHandler(ctx context.Context, ln net.Listener, h http.Handler) (string, <-chan error, error) {
	// A batch of 5 MB over a slow line takes a while; a client that sends
	// nothing for a minute, or headers for 10 s, is cut off.
	// Requests live in base: event streams (the display, the staff
	// pages) end when it is cancelled, two seconds into a shutdown, after
	// ordinary requests had their chance to finish.
	base, cancelBase := context.WithCancel(context.Background())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		BaseContext: func(net.Listener) context.Context { return base }}
	done := make(chan error, 1)
	shutDown := make(chan struct{})
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			// Serve returns at once; the handlers still running finish
			// before Shutdown does, and only then may the caller Close.
			<-shutDown
			err = nil
		}
		done <- err
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		streams := time.AfterFunc(2*time.Second, cancelBase)
		srv.Shutdown(shut)
		streams.Stop()
		cancelBase()
		close(shutDown)
	}()
	url := "http://" + ln.Addr().String()
	slog.Info("portal listening", "url", url)
	return url, done, nil
}

// Folder is the portal's data folder.
func (s *Server) Folder() string { return s.DataDir }

// Queue is the office queue of every site.
func (s *Server) Queue() *queue.Service { return s.queue }

// Hub is the portal's live hub: queue changes (queue.Topic) and guide
// calls (CallsTopic) reach the pages that show them.
func (s *Server) Hub() *hub.Hub { return s.hub }

// CallsTopic is the hub's topic of guide calls: a kiosk called a guide,
// or took the call back.
const CallsTopic = "calls"
