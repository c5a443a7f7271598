package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"lotse/app/config"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/profile"
	"lotse/app/sdnotify"
	"lotse/app/store"
	"lotse/app/ui"
	"lotse/assets"
	"lotse/devices/edid"
	"lotse/devices/escpos"
	"lotse/devices/escpossim"
	"lotse/devices/reader"
	"lotse/devices/serialport"
	"lotse/sync/client"
	"lotse/sync/credential"
	"lotse/sync/outbox"
	"lotse/sync/portal"
	"lotse/sync/portal/staff"
	portalstore "lotse/sync/portal/store"
	"lotse/sync/portal/web"
)

// runFlags are the flags of "lotse run"; each overrides its configuration key.
type runFlags struct {
	configPath string
	demo       bool
	uiMap      string
	cfg        config.Config
}

func parseRunFlags(args []string, stderr io.Writer) (runFlags, error) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.configPath, "config", "", "configuration file (default "+config.SystemPath+" when it exists)")
	fs.BoolVar(&f.demo, "demo", false, "demo mode: a local portal and a simulated printer on a virtual serial port")
	fullscreen := fs.Bool("fullscreen", false, "full screen, for a real kiosk (display.fullscreen)")
	dataDir := fs.String("data-dir", "", "folder for the kiosk's database (kiosk.data_dir)")
	port := fs.String("printer-port", "", "serial device of the ticket printer (printer.port)")
	baud := fs.Int("printer-baud", 0, "serial speed of the ticket printer (printer.baud)")
	portalURL := fs.String("portal-url", "", "the central portal (portal.url)")
	width := fs.Int("width", 0, "window width in pixels (display.width)")
	height := fs.Int("height", 0, "window height in pixels (display.height)")
	returnAfter := fs.Duration("return-after", 0, "how long the ticket screen stays (display.return_after)")
	fs.StringVar(&f.uiMap, "ui-map", "", "write the screen's touch targets (labels and positions, as JSON) to this file after every change, for acceptance tests")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("run: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if f.configPath != "" {
		f.cfg, err = config.Load(f.configPath)
	} else {
		f.cfg, f.configPath, err = config.LoadDefault()
	}
	if err != nil {
		return f, err
	}
	// Only flags given on the command line override the file.
	fs.Visit(func(fl *flag.Flag) {
		c := &f.cfg
		switch fl.Name {
		case "fullscreen":
			c.Display.Fullscreen = *fullscreen
		case "data-dir":
			c.Kiosk.DataDir = *dataDir
		case "printer-port":
			c.Printer.Port = *port
		case "printer-baud":
			c.Printer.Baud = *baud
		case "portal-url":
			c.Portal.URL = *portalURL
		case "width":
			c.Display.Width = *width
		case "height":
			c.Display.Height = *height
		case "return-after":
			c.Display.ReturnAfter = *returnAfter
		}
	})
	return f, f.cfg.Validate("the command line")
}

// errNoDisplay is reported in one line instead of a GL driver's stack trace.
var errNoDisplay = errors.New("no display: DISPLAY and WAYLAND_DISPLAY are empty. " +
	"On a machine without a screen, run the demo under Xvfb: " +
	"xvfb-run -s '-screen 0 1280x800x24' bin/lotse run --demo (or: make run-xvfb)")

func runKiosk(args []string, stderr io.Writer) int {
	f, err := parseRunFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 2
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, "lotse:", errNoDisplay)
		return 3
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	cfg := f.cfg
	slog.Info("starting kiosk", "version", version, "config", orDefault(f.configPath, "built-in defaults"), "demo", f.demo)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	dataDir := cfg.DataDir(f.demo)
	// The services and their texts load while the window opens.
	offer := make(chan offering, 1)
	go func() { offer <- loadOffering(cfg, dataDir) }()
	var d demo
	if f.demo {
		if d, err = startDemo(ctx, &cfg, dataDir); err != nil {
			slog.Error("demo set-up failed", "err", err)
		}
	}

	a := fyneapp.NewWithID("de.lotse.kiosk")
	win := a.NewWindow("Lotse")
	win.Resize(fyne.NewSize(float32(cfg.Display.Width), float32(cfg.Display.Height)))
	win.SetFullScreen(cfg.Display.Fullscreen)
	o := <-offer
	if o.err != nil {
		fmt.Fprintln(stderr, "lotse:", o.err)
		return 1
	}
	cur, texts, cat, warnings := o.profile, o.texts, o.cat, o.warnings

	dbPath := filepath.Join(dataDir, "kiosk.db")
	db, err := store.Open(dbPath)
	if err != nil {
		slog.Error("kiosk out of service: database", "err", err)
		ui.ShowFault(a, win, texts, cfg.Hours(), err.Error())
		win.ShowAndRun()
		return 1
	}
	defer db.Close()
	slog.Info("database open", "path", dbPath)
	out, err := outbox.Open(ctx, db)
	if err != nil {
		slog.Error("kiosk out of service: outbox", "err", err)
		ui.ShowFault(a, win, texts, cfg.Hours(), err.Error())
		win.ShowAndRun()
		return 1
	}
	out.Retention = cfg.Portal.KeepDecided

	desk, err := newDesk(cfg, db, out, texts)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err) // embedded and tested: a broken build
		return 1
	}
	var driver *escpos.Driver
	if cfg.Printer.Port != "" {
		driver = escpos.NewDriver(serialport.Config{Device: cfg.Printer.Port, Baud: cfg.Printer.Baud}, cfg.Printer.StatusMode())
		go driver.Run(ctx)
		desk.Printer = driver
	} else {
		slog.Warn("no ticket printer configured (printer.port): numbers are shown, not printed")
	}
	fl := newFleet(cfg, dataDir, db, out, desk, driver)
	if cfg.Portal.URL != "" {
		// Numbers from the site's office queue; the kiosk's own block
		// while the portal is out of reach.
		fl.offline = store.NewOfflineTickets(db)
		fl.queue = &officeQueue{offline: fl.offline}
		desk.Queue, desk.Offline = fl.queue, fl.offline
	}
	speaker, headset := newSpeaker(cfg)
	deps := ui.Deps{
		Catalogue: cat, Warnings: warnings, Desk: desk, Texts: texts, Calls: fl, Reprints: fl, Staff: fl,
		Place: cfg.Kiosk.Name + " " + cfg.Kiosk.Municipality, Hours: desk.Hours, ReturnAfter: cfg.Display.ReturnAfter,
		TicketsOnlyWhenOpen: cfg.Kiosk.TicketsOnlyWhenOpen,
		Metrics:             metrics(cfg), IdleAfter: cfg.Display.IdleAfter, IdleWarning: cfg.Display.IdleWarning,
		HeadsetPresent: headset,
	}
	if speaker != nil {
		deps.Speech = speaker // a nil *Speaker in the interface would not be nil
	}
	if d.printer != nil {
		deps.Printout = d.printer.LastPage
	}
	k := ui.New(a, win, deps)
	k.SetUIMap(f.uiMap)
	if cur != nil {
		fl.profile = cur
		applyProfile(func(f func()) { f() }, k, desk, cur, fl.gate) // its settings: names, timeouts, guides
	}
	if cfg.Reader.Port != "" {
		go fl.runReader(ctx, func(c reader.Card) {
			fyne.Do(func() {
				if c.Unreadable {
					k.CardUnreadable()
				} else {
					k.CardSeen(c.ID)
				}
			})
		})
	}
	go func() {
		// Enrolment may wait for the demo portal: off the start-up path.
		c := startSync(ctx, cfg, db, out, d.enroll)
		if c != nil {
			fl.setClient(c)
			if fl.queue != nil {
				fl.queue.set(c)
			}
			go fl.run(ctx, func(p *profile.Profile) { applyProfile(fyne.Do, k, desk, p, fl.gate) })
		}
		watchSync(ctx, c, out, func(s ui.SyncStatus) { fyne.Do(func() { k.SetSyncStatus(s) }) })
	}()
	if driver != nil {
		driver.OnStatus(func(s escpos.Status) {
			fl.poke() // paper near end reaches the fleet view within seconds
			fyne.Do(func() { k.SetPrinterStatus(s) })
		})
	}
	k.Home()
	go k.RunIdle(ctx.Done())
	a.Lifecycle().SetOnStarted(func() {
		startWatchdog(ctx)
		// Start-up parses every language, the catalogue and maybe a new
		// profile; the kiosk then runs for days. Hand that garbage back
		// to the system once the first screen is up.
		time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	})
	win.ShowAndRun()
	return 0
}

// startWatchdog tells systemd the kiosk is up and, when the unit has a
// watchdog, feeds it from the UI goroutine: if the interface freezes, the
// pings stop and systemd restarts the session.
func startWatchdog(ctx context.Context) {
	if _, err := sdnotify.Notify("READY=1"); err != nil {
		slog.Warn("systemd notify", "err", err)
	}
	iv := sdnotify.WatchdogInterval()
	if iv == 0 {
		return
	}
	go func() {
		t := time.NewTicker(iv / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(func() {
					if _, err := sdnotify.Notify("WATCHDOG=1"); err != nil {
						slog.Warn("systemd watchdog", "err", err)
					}
				})
			}
		}
	}()
}

// demo is what the demo adds: a simulated printer, and a way to enrol at
// the in-process portal.
type demo struct {
	printer *escpossim.Printer
	enroll  func(context.Context) (string, error)
}

// startDemo starts the in-process portal and, unless a printer port is
// configured, a simulated printer on a pty pair, and points cfg at them.
func startDemo(ctx context.Context, cfg *config.Config, dataDir string) (demo, error) {
	var d demo
	if cfg.Portal.URL == "" {
		// Bind now, open the portal in the background: making its key on
		// the first demo start takes a moment the window need not wait for.
		// The same address as last time, where it is free: the demo kiosk
		// enrolled there.
		addrFile := filepath.Join(dataDir, "demo-portal-address")
		var ln net.Listener
		last, err := os.ReadFile(addrFile)
		if err == nil && len(last) > 0 {
			ln, err = net.Listen("tcp", strings.TrimSpace(string(last)))
		}
		if ln == nil {
			ln, err = net.Listen("tcp", "127.0.0.1:0")
		}
		if err != nil {
			return d, fmt.Errorf("demo portal: %w", err)
		}
		os.MkdirAll(dataDir, 0o700) // the first demo start: nothing there yet
		if err := os.WriteFile(addrFile, []byte(ln.Addr().String()), 0o600); err != nil {
			slog.Warn("demo portal: remember its address", "err", err)
		}
		cfg.Portal.URL = "http://" + ln.Addr().String()
		ready := make(chan *portal.Server, 1)
		go func() {
			p, err := portal.New(filepath.Join(dataDir, "portal"), portal.Options{Version: version})
			if err != nil {
				slog.Error("demo portal", "err", err)
				ln.Close()
				close(ready)
				return
			}
			publishDemoProfile(ctx, p)
			demoStaff(ctx, p, "http://"+ln.Addr().String()+"/staff/")
			ready <- p
			_, done, err := p.Serve(ctx, ln)
			if err != nil {
				slog.Error("demo portal", "err", err)
				return
			}
			if err := <-done; err != nil { // ctx ended and the last request is answered
				slog.Error("demo portal", "err", err)
			}
			p.Close()
		}()
		d.enroll = func(ctx context.Context) (string, error) {
			select {
			case p, ok := <-ready:
				if !ok {
					return "", errors.New("demo portal did not start")
				}
				return p.EnrollCode(ctx, time.Minute)
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
	}
	if cfg.Reader.Port == "" {
		port, err := demoReader(ctx, dataDir)
		if err != nil {
			return d, err
		}
		cfg.Reader.Port = port
	}
	if cfg.Printer.Port == "" {
		pair, err := serialport.OpenPair()
		if err != nil {
			return d, fmt.Errorf("virtual serial port for the printer simulator: %w", err)
		}
		prints := filepath.Join(dataDir, "prints")
		if err := os.MkdirAll(prints, 0o700); err != nil {
			return d, fmt.Errorf("printer simulator folder: %w", err)
		}
		// A printer that takes bytes about as fast as 115200 baud brings
		// them, with a 4 KB buffer and XON/XOFF, like the real thing.
		sim := escpossim.NewPrinter(escpossim.Options{
			Profile: cfg.PrinterProfile(), Dir: prints, Rate: 11520, XonXoff: true, Keep: 10,
		})
		go func() {
			if err := sim.Serve(ctx, pair); err != nil && ctx.Err() == nil {
				slog.Error("printer simulator stopped", "err", err)
			}
		}()
		cfg.Printer.Port, cfg.Printer.Baud = pair.Device, 115200
		slog.Info("printer simulator ready", "port", pair.Device, "jobs", prints)
		d.printer = sim
	}
	return d, nil
}

// The demo's guide and staff credentials (README, and the log at start).
const (
	demoCard     = "1F00644BB6"
	demoGuidePIN = "4711"
	demoStaffPIN = "135790"
)

// publishDemoProfile gives the demo portal the demo profile (the built-in
// services and a demo guide), as staff would with lotse-portal profile
// publish, so the demo kiosk fetches and installs it like a real one. The
// guide's card and PINs are hashed with the demo portal's own site key,
// as lotse-portal hash-card and hash-pin do. A demo profile from before
// keyed hashes is replaced.
func publishDemoProfile(ctx context.Context, p *portal.Server) {
	slog.Info("demo accounts", "guide_card", demoCard, "guide_pin", demoGuidePIN, "staff_pin", demoStaffPIN,
		"staff_area", "five taps in the top-left corner within 3 s")
	if v, b, err := p.LatestProfile(ctx, ""); err != nil || (v > 0 && bytes.Contains(b, []byte("k1:"))) {
		return
	}
	text, err := demoProfileTOML(ctx, p)
	var bundle []byte
	if err == nil {
		bundle, err = profile.DemoBundle(map[string]string{"profile.toml": text})
	}
	if err == nil {
		_, err = p.PublishProfile(ctx, "", bundle)
	}
	if err != nil {
		slog.Error("demo profile", "err", err)
	}
}

// demoStaff puts the staff dashboard beside the demo portal's API, with a
// demo admin and caseworker whose fresh passwords the log names, so a
// newcomer can open the office's side in a browser beside the kiosk.
func demoStaff(ctx context.Context, p *portal.Server, url string) {
	dash, err := web.New(p)
	if err != nil {
		slog.Error("demo staff dashboard", "err", err)
		return
	}
	p.Staff, p.Display = dash.Handler(), dash.DisplayHandler()
	acc := &staff.Accounts{St: p.Store()}
	for _, u := range []struct{ name, role string }{{"demo.admin", staff.Admin}, {"demo.sachbearbeitung", staff.Caseworker},
		{"demo.schalter", staff.Clerk}} {
		pw := "Demo-" + rand.Text()[:12]
		err := acc.Reset(ctx, u.name, pw)
		if errors.Is(err, portalstore.ErrNotFound) {
			err = acc.Add(ctx, u.name, u.role, nil, pw)
		}
		if err != nil {
			slog.Error("demo staff", "user", u.name, "err", err)
			continue
		}
		slog.Info("demo staff account (password new at every demo start)", "name", u.name, "role", u.role, "password", pw)
	}
	slog.Info("staff dashboard", "url", url)
	// The waiting room's display of the demo site, with a fresh token.
	tok := rand.Text()
	p.Store().RevokeDisplays(ctx, "", time.Now())
	if err := p.Store().AddDisplay(ctx, portal.HashToken(tok), "", time.Now()); err != nil {
		slog.Error("demo display", "err", err)
		return
	}
	// Two counters: Schalter 1 for passports and registration, Schalter 2
	// for the rest (the demo catalogue's prefixes).
	if err := p.Queue().SetCounters(ctx, "", []portalstore.Counter{{Name: "Schalter 1", Prefixes: []string{"A", "B"}},
		{Name: "Schalter 2", Prefixes: []string{"C", "D"}}}); err != nil {
		slog.Error("demo counters", "err", err)
	}
	base := strings.TrimSuffix(url, "/staff/")
	slog.Info("office queue", "clerk_page", base+"/staff/queue",
		"call_up_display", base+"/display?token="+tok)
}

// demoProfileTOML is the example profile.toml with the demo guide's card
// and PIN and the staff PIN filled in.
func demoProfileTOML(ctx context.Context, p *portal.Server) (string, error) {
	b, err := fs.ReadFile(assets.FS, "profile/profile.toml")
	if err != nil {
		return "", err
	}
	text := string(b)
	if strings.Count(text, "cards = []") != 1 || strings.Count(text, `pin = ""`) != 2 {
		return "", errors.New("demo profile: the example's guide and staff entries changed shape")
	}
	card, err := p.HashCard(ctx, "", demoCard)
	if err != nil {
		return "", err
	}
	guide, err := p.HashPIN(ctx, "", credential.Guide, demoGuidePIN)
	if err != nil {
		return "", err
	}
	staff, err := p.HashPIN(ctx, "", credential.Staff, demoStaffPIN)
	if err != nil {
		return "", err
	}
	text = strings.Replace(text, "cards = []", fmt.Sprintf("cards = [%q]", card), 1)
	text = strings.Replace(text, `pin = ""`, fmt.Sprintf("pin = %q", guide), 1)
	return strings.Replace(text, `pin = ""`, fmt.Sprintf("pin = %q", staff), 1), nil
}

// demoReader is the demo's card reader: a pty pair whose far end is fed
// from a named pipe in the data folder, so a tester can hold a "card"
// to it: printf '\x021F00644BB686\x03' > DATA/card-reader.
func demoReader(ctx context.Context, dataDir string) (string, error) {
	pair, err := serialport.OpenPair()
	if err != nil {
		return "", fmt.Errorf("virtual serial port for the card reader: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	fifo := filepath.Join(dataDir, "card-reader")
	os.Remove(fifo)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		return "", fmt.Errorf("card reader pipe: %w", err)
	}
	go func() {
		for ctx.Err() == nil {
			f, err := os.Open(fifo) // blocks until someone writes
			if err != nil {
				return
			}
			io.Copy(pair.Far, f)
			f.Close()
		}
	}()
	slog.Info("card reader simulator ready", "port", pair.Device, "write frames to", fifo)
	return pair.Device, nil
}

// watchSync reports the outbox and the portal connection to the start
// screen every few seconds.
func watchSync(ctx context.Context, c *client.Client, out *outbox.Outbox, report func(ui.SyncStatus)) {
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		s := ui.SyncStatus{Known: true}
		if c != nil {
			st := c.Status()
			s.Online, s.Revoked = st.Online, st.Revoked
		}
		if counts, err := out.Counts(ctx); err == nil {
			s.Waiting = counts[outbox.Queued] + counts[outbox.Sending]
		}
		report(s)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// offering is what the kiosk offers: the installed profile's services and
// texts when there is one, else the configuration's (or built-in) ones —
// one set, not both.
type offering struct {
	profile  *profile.Profile
	texts    *i18n.Bundle
	cat      *flow.Catalogue
	warnings []string
	err      error
}

func loadOffering(cfg config.Config, dataDir string) offering {
	if err := profile.Clean(dataDir); err != nil {
		slog.Warn("profiles: leftovers of an interrupted installation not removed", "err", err)
	}
	cur, err := profile.Current(dataDir)
	if err != nil {
		slog.Error("the installed profile does not load; running on the configuration", "err", err)
	}
	if cur != nil {
		slog.Info("running profile", "version", cur.Version)
		return offering{profile: cur, texts: cur.Texts, cat: cur.Catalogue}
	}
	return configOffering(cfg)
}

// configOffering is the configuration's services (or the built-in ones)
// and their texts.
func configOffering(cfg config.Config) offering {
	o := offering{}
	o.texts, o.err = loadTexts(cfg)
	o.cat, o.warnings = loadCatalogue(cfg)
	return o
}

// loadTexts reads the screen texts and the catalogue's translations,
// which live in the catalogue folder's i18n/ beside the service files.
func loadTexts(cfg config.Config) (*i18n.Bundle, error) {
	texts, err := i18n.Load(assets.FS, "i18n")
	if err != nil {
		return nil, err
	}
	fsys, dir := fs.FS(assets.FS), "services/i18n"
	if cfg.Kiosk.Services != "" {
		fsys, dir = os.DirFS(cfg.Kiosk.Services), "i18n"
	}
	return texts, texts.AddDir(fsys, dir)
}

// metrics sizes the screen: display.screen_mm with the configured
// resolution, else what the display says of itself (EDID), else a 96 dpi
// monitor.
func metrics(cfg config.Config) ui.Metrics {
	if w, _ := cfg.Display.ScreenSize(); w > 0 {
		return ui.MetricsFor(cfg.Display.Width, w)
	}
	if in, err := edid.Detect("/sys"); err == nil {
		slog.Info("display size from EDID", "mm", fmt.Sprintf("%dx%d", in.WidthMM, in.HeightMM),
			"pixels", fmt.Sprintf("%dx%d", in.WidthPx, in.HeightPx))
		return ui.MetricsFor(in.WidthPx, float32(in.WidthMM))
	}
	slog.Info("display size unknown (display.screen_mm, EDID): sizing for a 96 dpi monitor")
	return ui.DesktopMetrics
}

// loadCatalogue reads the services from the configured folder, or the
// embedded demo catalogue. Broken files are left out and logged; their
// count is shown to staff on the start screen.
func loadCatalogue(cfg config.Config) (*flow.Catalogue, []string) {
	fsys, dir := fs.FS(assets.FS), "services"
	if cfg.Kiosk.Services != "" {
		fsys, dir = os.DirFS(cfg.Kiosk.Services), "."
	}
	cat, errs := flow.LoadCatalogue(fsys, dir)
	for _, e := range errs {
		slog.Warn("catalogue file left out", "err", e)
	}
	return cat, flow.BrokenFiles(errs)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// newDesk is the kiosk's desk for tickets and receipts, over db and out,
// without a printer yet.
func newDesk(cfg config.Config, db *sql.DB, out *outbox.Outbox, texts *i18n.Bundle) (*flow.Desk, error) {
	layout, err := escpos.LoadLayout(assets.FS, "print/ticket.tmpl")
	if err != nil {
		return nil, err
	}
	receipt, err := escpos.LoadLayout(assets.FS, "print/receipt.tmpl")
	if err != nil {
		return nil, err
	}
	logo, err := cfg.LogoImage()
	if err != nil {
		slog.Warn("printing without a logo", "err", err) // validated at load; the file may have gone since
	}
	return &flow.Desk{
		Logo:    logo,
		Counter: store.NewCounters(db), Spool: store.NewSpool(db), Layout: layout, Profile: cfg.PrinterProfile(),
		ReceiptLayout: receipt, Sealer: client.Queue{DB: db, Out: out},
		Now: time.Now, Location: cfg.Location(), Portal: cfg.Portal.URL,
		Municipality: cfg.Kiosk.Municipality, Place: cfg.Kiosk.Name, German: texts.For(i18n.Default),
		Hours: cfg.Hours(),
	}, nil
}
