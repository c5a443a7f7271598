package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/flow"
	"lotse/app/profile"
	"lotse/app/store"
	"lotse/app/ui"
	"lotse/devices/escpos"
	"lotse/devices/reader"
	"lotse/devices/serialport"
	"lotse/sync/client"
	"lotse/sync/outbox"
	"lotse/sync/wire"
)

// fleet is the kiosk's side of the fleet: it reports to the portal every
// minute and on every change, installs new profiles, and serves the
// staff area and the guides' reprints.
type fleet struct {
	cfg     config.Config
	dataDir string
	db      *sql.DB
	out     *outbox.Outbox
	desk    *flow.Desk
	driver  *escpos.Driver // nil: no printer
	calls   *store.Calls
	started time.Time

	mu         sync.Mutex
	client     *client.Client
	profile    *profile.Profile
	profileErr string
	refused    int                   // the newest profile version refused: not downloaded again
	queue      *officeQueue          // nil: waiting numbers are the kiosk's own
	offline    *store.OfflineTickets // numbers drawn while the portal was out of reach
	siteKey    []byte                // keys the profile's card and PIN hashes
	lastCard   string
	readerOK   bool
	lastCalls  time.Time
	changed    chan struct{}
}

func newFleet(cfg config.Config, dataDir string, db *sql.DB, out *outbox.Outbox, desk *flow.Desk, driver *escpos.Driver) *fleet {
	key, err := client.LoadSiteKey(context.Background(), db)
	if err != nil {
		slog.Warn("site key", "err", err) // the next heartbeat brings it
	}
	return &fleet{cfg: cfg, dataDir: dataDir, db: db, out: out, desk: desk, driver: driver, calls: store.NewCalls(db),
		started: time.Now(), lastCalls: time.Now(), changed: make(chan struct{}, 1), siteKey: key}
}

// SiteKey is the key the profile's card and PIN hashes are keyed with
// (nil until the portal sent it).
func (f *fleet) SiteKey() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.siteKey
}

// gate checks guides and staff of a profile's settings, with the site's
// key and the lockout kept in the kiosk's database.
func (f *fleet) gate(s profile.Settings) *access.Gate {
	return access.New(access.Config{Guides: s.Guides, StaffPIN: s.Staff.PIN, Key: f.SiteKey, Locks: store.NewLocks(f.db)})
}

// keepSiteKey stores a site key the portal sent when it is new.
func (f *fleet) keepSiteKey(ctx context.Context, key []byte) {
	f.mu.Lock()
	same := bytes.Equal(key, f.siteKey)
	f.mu.Unlock()
	if len(key) == 0 || same {
		return
	}
	if err := client.SaveSiteKey(ctx, f.db, key); err != nil {
		slog.Error("site key", "err", err)
		return
	}
	f.mu.Lock()
	f.siteKey = key
	f.mu.Unlock()
	slog.Info("site key received")
}

// poke sends a heartbeat soon: something staff should know changed.
func (f *fleet) poke() {
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fleet) setClient(c *client.Client) {
	f.mu.Lock()
	f.client = c
	f.mu.Unlock()
	f.poke()
}

// CallGuide records a call and reports it at once.
func (f *fleet) CallGuide(ctx context.Context, where string) error {
	err := f.calls.CallGuide(ctx, where)
	f.poke()
	return err
}

// heartbeat is the kiosk's report; it holds no personal data.
func (f *fleet) heartbeat(ctx context.Context) wire.Heartbeat {
	f.mu.Lock()
	defer f.mu.Unlock()
	hb := wire.Heartbeat{Version: version, UptimeSeconds: int64(time.Since(f.started).Seconds()),
		ProfileError: f.profileErr, FreeDiskBytes: freeDisk(f.dataDir)}
	if f.profile != nil {
		hb.ProfileVersion = f.profile.Version
	}
	if counts, err := f.out.Counts(ctx); err == nil {
		hb.Outbox = map[string]int{}
		for s, n := range counts {
			hb.Outbox[string(s)] = n
		}
	}
	if f.client != nil {
		hb.LastSync = f.client.Status().LastSync
	}
	if f.driver != nil {
		s := f.driver.Status()
		hb.Printer = wire.DeviceStatus{Configured: true, Connected: s.Connected, Problem: problem(s), PaperNearEnd: s.PaperNearEnd,
			NoStatus: s.Connected && s.NoStatus}
	}
	hb.Reader = wire.DeviceStatus{Configured: f.cfg.Reader.Port != "", Connected: f.readerOK}
	if hb.Reader.Configured && !f.readerOK {
		hb.Reader.Problem = "offline"
	}
	if f.queue != nil {
		day := time.Now().In(f.desk.Location).Format(time.DateOnly)
		if used, err := store.NewCounters(f.db).Day(ctx, day); err == nil && len(used) > 0 {
			hb.OfflineUsed = used
		}
	}
	if calls, err := f.calls.Since(ctx, f.lastCalls); err == nil {
		for _, c := range calls {
			hb.GuideCalls = append(hb.GuideCalls, wire.GuideCall{At: c.At, Screen: c.Screen})
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

// run reports every minute and on every change, and installs the profile
// the portal names. apply hands a new profile to the kiosk.
func (f *fleet) run(ctx context.Context, apply func(*profile.Profile)) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		f.beat(ctx, apply)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.changed:
		}
	}
}

func (f *fleet) beat(ctx context.Context, apply func(*profile.Profile)) {
	f.mu.Lock()
	c := f.client
	f.mu.Unlock()
	if c == nil || c.Status().Revoked {
		return
	}
	sent := time.Now()
	hb := f.heartbeat(ctx)
	reply, err := c.Heartbeat(ctx, hb)
	if err != nil {
		slog.Warn("heartbeat", "err", err)
		return
	}
	f.keepSiteKey(ctx, reply.SiteKey)
	if f.queue != nil {
		f.queue.keepBlock(ctx, reply.QueueBlock, reply.QueueBlockSize)
		f.queue.report(ctx, f.offline)
	}
	f.mu.Lock()
	f.lastCalls = sent
	have := 0
	if f.profile != nil {
		have = f.profile.Version
	}
	refused := f.refused
	f.mu.Unlock()
	// The kiosk runs the version the portal names, older or newer than its
	// own (a version only a forger issued must not stick); a version it
	// refused once is not fetched again until the portal names another.
	want := reply.ProfileVersion
	if want == 0 || want == have || want == refused {
		return
	}
	v, bundle, err := c.Profile(ctx, have)
	var bad *client.ProfileRefusedError
	if errors.As(err, &bad) {
		f.refuse(bad.Version, err)
		return
	}
	if err != nil || bundle == nil {
		if err != nil {
			slog.Warn("profile", "err", err) // the next heartbeat tries again
		}
		return
	}
	p, err := profile.Install(f.dataDir, v, bundle)
	if err != nil {
		f.refuse(v, err)
		return
	}
	f.mu.Lock()
	f.profile, f.profileErr, f.refused = p, "", 0
	f.mu.Unlock()
	slog.Info("profile installed", "version", v)
	apply(p)
	f.poke()
}

// refuse remembers a profile version the kiosk will not run and reports
// why once; the old profile keeps running.
func (f *fleet) refuse(v int, err error) {
	f.mu.Lock()
	f.profileErr, f.refused = err.Error(), v
	f.mu.Unlock()
	slog.Error("new profile refused; the old one keeps running", "version", v, "err", err)
	f.poke()
}

// runReader reads guides' cards and hands each to the kiosk, and those
// held to it that could not be read.
func (f *fleet) runReader(ctx context.Context, card func(reader.Card)) {
	kind, err := reader.New(f.cfg.Reader.Kind)
	if err != nil {
		slog.Error("card reader", "err", err)
		return
	}
	for ctx.Err() == nil {
		port, err := serialport.Open(serialport.Config{Device: f.cfg.Reader.Port, Baud: f.cfg.Reader.Baud})
		if err != nil {
			f.setReader(false)
			sleepFor(ctx, 2*time.Second)
			continue
		}
		f.setReader(true)
		err = reader.Run(ctx, port, kind, func(c reader.Card) {
			if !c.Unreadable {
				f.mu.Lock()
				f.lastCard = tail(c.ID)
				f.mu.Unlock()
			}
			card(c)
		})
		port.Close()
		f.setReader(false)
		if ctx.Err() == nil {
			slog.Warn("card reader lost", "err", err)
			sleepFor(ctx, 2*time.Second)
		}
	}
}

func (f *fleet) setReader(ok bool) {
	f.mu.Lock()
	changed := f.readerOK != ok
	f.readerOK = ok
	f.mu.Unlock()
	if changed {
		f.poke()
	}
}

// tail is the end of a card id, enough for staff to tell cards apart.
func tail(id string) string {
	if len(id) <= 4 {
		return "…"
	}
	return "…" + id[len(id)-4:]
}

func sleepFor(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func freeDisk(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// Status serves the staff area.
func (f *fleet) Status(ctx context.Context) ui.StaffStatus {
	hb := f.heartbeat(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	st := ui.StaffStatus{Kiosk: f.desk.Place, Municipality: f.desk.Municipality, PrinterProfile: f.desk.Profile.ID,
		ProfileVersion: hb.ProfileVersion, ProfileError: f.profileErr, Portal: f.cfg.Portal.URL,
		Outbox: hb.Outbox, FreeDiskMB: hb.FreeDiskBytes >> 20}
	if f.client != nil {
		s := f.client.Status()
		st.Online, st.Revoked, st.LastSync = s.Online, s.Revoked, s.LastSync
	}
	switch {
	case f.driver == nil:
		st.Printer = "kein Drucker eingerichtet"
	case hb.Printer.Problem != "":
		st.Printer = hb.Printer.Problem
	case hb.Printer.NoStatus:
		st.Printer = "bereit, meldet keinen Status: Drucke werden nicht bestätigt"
	case hb.Printer.PaperNearEnd:
		st.Printer = "bereit, Papier geht zu Ende"
	default:
		st.Printer = "bereit"
	}
	switch {
	case f.cfg.Reader.Port == "":
		st.Reader = "keiner eingerichtet"
	case !f.readerOK:
		st.Reader = fmt.Sprintf("%s an %s: nicht verbunden", f.cfg.Reader.Kind, f.cfg.Reader.Port)
	default:
		st.Reader = fmt.Sprintf("%s an %s: bereit, letzte Karte %s", f.cfg.Reader.Kind, f.cfg.Reader.Port, orDefault(f.lastCard, "–"))
	}
	return st
}

// TestPage prints the printer's test page.
func (f *fleet) TestPage(ctx context.Context) error {
	if f.driver == nil {
		return flow.ErrNoPrinter
	}
	job, err := escpos.TestPage(f.desk.Profile)
	if err != nil {
		return err
	}
	return f.driver.Print(ctx, job)
}

// Diagnostics writes a support bundle: versions, the configuration
// without secrets, device and queue state, today's print jobs by number
// and state. No answers, no names, no card numbers.
func (f *fleet) Diagnostics(ctx context.Context) (string, error) {
	path := filepath.Join(f.dataDir, "diagnostics-"+time.Now().Format("20060102-150405")+".zip")
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("diagnostics: %w", err)
	}
	zw := zip.NewWriter(file)
	add := func(name string, v any) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	jobs, _ := f.Today(ctx)
	cfg := f.cfg
	err = firstErr(
		add("heartbeat.json", f.heartbeat(ctx)),
		add("staff.json", f.Status(ctx)),
		add("config.json", cfg), // the kiosk's token lives in its database, not here
		add("print-jobs-today.json", jobs),
	)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("diagnostics: %w", err)
	}
	slog.Info("diagnostics written", "path", path)
	return path, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Today lists today's tickets and receipts for a guide's reprint.
func (f *fleet) Today(ctx context.Context) ([]ui.PrintedJob, error) {
	now := time.Now().In(f.desk.Location)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	entries, err := store.NewSpool(f.db).Since(ctx, midnight)
	if err != nil {
		return nil, err
	}
	var jobs []ui.PrintedJob
	for _, e := range entries {
		if e.Kind == "ticket" || e.Kind == "receipt" {
			jobs = append(jobs, ui.PrintedJob{ID: e.ID, Kind: e.Kind, Label: e.Label, At: e.Created, State: e.State})
		}
	}
	return jobs, nil
}

// Reprint prints a spooled job again.
func (f *fleet) Reprint(ctx context.Context, id int64) error { return f.desk.Reprint(ctx, id) }

// applyProfile hands a checked profile to the kiosk, to take effect when
// nobody is using it. do runs on the UI goroutine: fyne.Do from other
// goroutines, a plain call before the window runs.
func applyProfile(do func(func()), k *ui.Kiosk, desk *flow.Desk, p *profile.Profile, gate func(profile.Settings) *access.Gate) {
	do(func() {
		k.Reconfigure(func(d *ui.Deps) {
			s := p.Settings
			d.Catalogue, d.Warnings, d.Texts = p.Catalogue, nil, p.Texts
			d.Place = s.Name + " " + s.Municipality
			d.Languages = s.Languages
			if p.Hours.Known() {
				d.Hours, desk.Hours = p.Hours, p.Hours
				d.TicketsOnlyWhenOpen = s.TicketsOnlyWhenOpen
			}
			if s.ReturnAfter.Duration > 0 {
				d.ReturnAfter = s.ReturnAfter.Duration
			}
			if s.IdleAfter.Duration > 0 {
				d.IdleAfter = s.IdleAfter.Duration
			}
			if s.IdleWarning.Duration > 0 {
				d.IdleWarning = s.IdleWarning.Duration
			}
			if s.GuideTimeout.Duration > 0 {
				d.GuideTimeout = s.GuideTimeout.Duration
			}
			d.Gate = gate(s)
			desk.Municipality, desk.Place = s.Municipality, s.Name
			if p.Logo != nil {
				desk.Logo = p.Logo
			}
			if p.Printer.ID != "" {
				desk.Profile = p.Printer
			}
			desk.German = p.Texts.For("de")
		})
	})
}
