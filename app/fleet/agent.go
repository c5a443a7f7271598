// Package fleet is the kiosk's side of the fleet: the Agent reports to
// the portal every minute and on every change (a heartbeat without
// personal data), installs the profile the portal names, keeps the site's
// key for guides' cards and PINs, passes on guide calls, and feeds the
// office queue its number block and the numbers drawn offline.
package fleet

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"lotse/app/access"
	"lotse/app/desk"
	"lotse/app/profile"
	"lotse/app/store"
	"lotse/devices/escpos"
	"lotse/devices/reader"
	"lotse/sync/client"
	"lotse/sync/identity"
	"lotse/sync/outbox"
	"lotse/sync/wire"
)

// Options are what the Agent reports on and works with.
type Options struct {
	Version string // the kiosk's version, reported
	DataDir string // where profiles are installed
	DB      *sql.DB
	Outbox  *outbox.Outbox
	Desk    *desk.Desk
	Printer *escpos.Driver  // nil: no printer
	Reader  *reader.Watcher // nil: no card reader configured
	Queue   *Office         // nil: waiting numbers are the kiosk's own
}

// Agent is the kiosk's fleet agent. Its methods are safe from any
// goroutine.
type Agent struct {
	o       Options
	calls   *store.Calls
	started time.Time
	changed chan struct{}

	mu         sync.Mutex
	client     *client.Client
	profile    *profile.Profile
	profileErr string
	refused    refusal // the profile version the portal named that was refused
	siteKey    []byte  // keys the profile's card and PIN hashes
	publicURL  string  // the portal's address for residents, as it named it
	lastCalls  time.Time
}

// New returns an agent; it reports once a client is set (SetClient) and
// Run runs.
func New(o Options) *Agent {
	key, err := identity.LoadSiteKey(context.Background(), o.DB)
	if err != nil {
		slog.Warn("site key", "err", err) // the next heartbeat brings it
	}
	return &Agent{o: o, calls: store.NewCalls(o.DB), started: time.Now(), lastCalls: time.Now(),
		changed: make(chan struct{}, 1), siteKey: key}
}

// SetProfile names the profile the kiosk started with.
func (a *Agent) SetProfile(p *profile.Profile) {
	a.mu.Lock()
	a.profile = p
	a.mu.Unlock()
}

// SiteKey is the key the profile's card and PIN hashes are keyed with
// (nil until the portal sent it).
func (a *Agent) SiteKey() []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.siteKey
}

// Gate checks guides and staff of a profile's settings, with the site's
// key and the lockout kept in the kiosk's database.
func (a *Agent) Gate(s profile.Settings) *access.Gate {
	return access.New(access.Config{Guides: s.Guides, StaffPIN: s.Staff.PIN, Key: a.SiteKey, Locks: store.NewLocks(a.o.DB)})
}

// keepSiteKey stores a site key the portal sent when it is new.
// keepPublicURL keeps the address residents reach the portal at, as it
// named it, and points the desk's QR codes there.
func (a *Agent) keepPublicURL(ctx context.Context, u string) {
	a.mu.Lock()
	same := u == a.publicURL
	a.mu.Unlock()
	if u == "" || same {
		return
	}
	if err := identity.SavePublicURL(ctx, a.o.DB, u); err != nil {
		slog.Warn("the portal's public address", "err", err)
		return
	}
	a.mu.Lock()
	a.publicURL = u
	a.mu.Unlock()
	if a.o.Desk != nil {
		a.o.Desk.SetPortal(u)
	}
}

func (a *Agent) keepSiteKey(ctx context.Context, key []byte) {
	a.mu.Lock()
	same := bytes.Equal(key, a.siteKey)
	a.mu.Unlock()
	if len(key) == 0 || same {
		return
	}
	if err := identity.SaveSiteKey(ctx, a.o.DB, key); err != nil {
		slog.Error("site key", "err", err)
		return
	}
	a.mu.Lock()
	a.siteKey = key
	a.mu.Unlock()
	slog.Info("site key received")
}

// Poke sends a heartbeat soon: something staff should know changed.
func (a *Agent) Poke() {
	select {
	case a.changed <- struct{}{}:
	default:
	}
}

// SetClient connects the agent to the portal (enrolment may come after
// the window opened).
func (a *Agent) SetClient(c *client.Client) {
	a.mu.Lock()
	a.client = c
	a.mu.Unlock()
	if a.o.Queue != nil {
		a.o.Queue.Set(c)
	}
	a.Poke()
}

// Client is the portal's client, nil before enrolment.
func (a *Agent) Client() *client.Client {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.client
}

// CallGuide records a call and reports it at once.
func (a *Agent) CallGuide(ctx context.Context, where string) error {
	err := a.calls.CallGuide(ctx, where)
	a.Poke()
	return err
}

// WithdrawCall reports at once that the resident took the call back, so
// nobody walks over for nothing.
func (a *Agent) WithdrawCall(ctx context.Context) error {
	err := a.calls.WithdrawCall(ctx)
	a.Poke()
	return err
}

// Heartbeat is the kiosk's report; it holds no personal data.
func (a *Agent) Heartbeat(ctx context.Context) wire.Heartbeat {
	a.mu.Lock()
	defer a.mu.Unlock()
	hb := wire.Heartbeat{Version: a.o.Version, UptimeSeconds: int64(time.Since(a.started).Seconds()),
		ProfileError: a.profileErr, FreeDiskBytes: freeDisk(a.o.DataDir)}
	if a.profile != nil {
		hb.ProfileVersion = a.profile.Version
	}
	if counts, err := a.o.Outbox.Counts(ctx); err == nil {
		hb.Outbox = map[string]int{}
		for s, n := range counts {
			hb.Outbox[string(s)] = n
		}
	}
	if a.client != nil {
		hb.LastSync = a.client.Status().LastSync
	}
	if a.o.Printer != nil {
		s := a.o.Printer.Status()
		hb.Printer = wire.DeviceStatus{Configured: true, Connected: s.Connected, Problem: problem(s), PaperNearEnd: s.PaperNearEnd,
			NoStatus: s.Connected && s.NoStatus}
	}
	if r := a.o.Reader; r != nil {
		hb.Reader = wire.DeviceStatus{Configured: true, Connected: r.Connected()}
		if !r.Connected() {
			hb.Reader.Problem = "offline"
		}
	}
	if a.o.Queue != nil {
		day := time.Now().In(a.o.Desk.Location).Format(time.DateOnly)
		if used, err := store.NewCounters(a.o.DB).Day(ctx, day); err == nil && len(used) > 0 {
			hb.OfflineUsed = used
		}
	}
	if calls, err := a.calls.Since(ctx, a.lastCalls); err == nil {
		for _, c := range calls {
			hb.GuideCalls = append(hb.GuideCalls, wire.GuideCall{At: c.At, Screen: c.Screen, Withdrawn: c.Withdrawn})
		}
	}
	return hb
}

func problem(s escpos.Status) string {
	if s.Ready() {
		return ""
	}
	return s.Problem()
}

// Run reports every minute and on every change, and installs the profile
// the portal names. apply hands a new profile to the kiosk.
func (a *Agent) Run(ctx context.Context, apply func(*profile.Profile)) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		a.Beat(ctx, apply)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.changed:
		}
	}
}

// Beat sends one heartbeat now and acts on the reply: the site key, the
// queue's block, the profile version.
func (a *Agent) Beat(ctx context.Context, apply func(*profile.Profile)) {
	c := a.Client()
	if c == nil || c.Status().Revoked {
		return
	}
	sent := time.Now()
	hb := a.Heartbeat(ctx)
	reply, err := c.Heartbeat(ctx, hb)
	if err != nil {
		slog.Warn("heartbeat", "err", err)
		return
	}
	a.keepSiteKey(ctx, reply.SiteKey)
	a.keepPublicURL(ctx, reply.PublicURL)
	if a.o.Queue != nil {
		a.o.Queue.keepBlock(ctx, reply.QueueBlock, reply.QueueBlockSize)
		if _, err := a.o.Queue.Report(ctx); err != nil {
			slog.Warn("offline numbers", "err", err)
		}
		if _, err := a.o.Queue.SyncHeld(ctx); err != nil {
			slog.Warn("appointments booked offline", "err", err)
		}
	}
	a.mu.Lock()
	a.lastCalls = sent
	have := 0
	if a.profile != nil {
		have = a.profile.Version
	}
	refused := a.refused
	a.mu.Unlock()
	// The kiosk runs the version the portal names, older or newer than its
	// own (a version only a forger issued must not stick). A version it
	// refused is remembered under the number the portal named (the
	// bundle may carry another: then it was downloaded 6,756 times in 65
	// s) and asked for again only after a pause that grows, in case the
	// portal mends it without a new number.
	want := reply.ProfileVersion
	if want == 0 || want == have || refused.holds(want, time.Now()) {
		return
	}
	v, bundle, err := c.Profile(ctx, have)
	var bad *client.ProfileRefusedError
	if errors.As(err, &bad) {
		a.refuse(want, err)
		return
	}
	if err != nil || bundle == nil {
		if err != nil {
			slog.Warn("profile", "err", err) // the next heartbeat tries again
		}
		return
	}
	if v != want {
		a.refuse(want, fmt.Errorf("the portal named profile version %d but sent version %d", want, v))
		return
	}
	p, err := profile.Install(a.o.DataDir, v, bundle)
	if err != nil {
		a.refuse(want, err)
		return
	}
	a.mu.Lock()
	a.profile, a.profileErr, a.refused = p, "", refusal{}
	a.mu.Unlock()
	slog.Info("profile installed", "version", v)
	apply(p)
	a.Poke()
}

// refuse remembers a profile version the kiosk will not run and reports
// why once; the old profile keeps running.
// refusal is a profile version the portal named and the kiosk refused:
// how often in a row, and not before when to ask for it again.
type refusal struct {
	version, times int
	retry          time.Time
}

// holds says version is refused and its pause not over at now.
func (r refusal) holds(version int, now time.Time) bool {
	return r.version == version && now.Before(r.retry)
}

// Pauses before a refused version is asked for again: 10 minutes,
// doubling up to 6 hours.
const (
	refusedPause    = 10 * time.Minute
	refusedPauseMax = 6 * time.Hour
)

func (a *Agent) refuse(named int, err error) {
	a.mu.Lock()
	r := a.refused
	if r.version != named {
		r = refusal{version: named}
	}
	r.times++
	r.retry = time.Now().Add(min(refusedPause<<min(r.times-1, 10), refusedPauseMax))
	a.profileErr, a.refused = err.Error(), r
	a.mu.Unlock()
	slog.Error("new profile refused; the old one keeps running", "version", named, "err", err)
	a.Poke()
}

func freeDisk(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
