package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/fleet"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/profile"
	"lotse/app/sdnotify"
	"lotse/app/staff"
	"lotse/app/store"
	"lotse/app/ui"
	"lotse/app/ui/widgets"
	"lotse/assets"
	"lotse/devices/edid"
	"lotse/devices/escpos"
	"lotse/devices/reader"
	"lotse/devices/serialport"
	"lotse/sync/client"
	"lotse/sync/outbox"
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
	cur, texts := o.profile, o.texts

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
	// The screens and the agent are made below; the card reader reaches
	// them once it runs.
	var k *ui.Kiosk
	var agent *fleet.Agent
	var cards *reader.Watcher
	if cfg.Reader.Port != "" {
		cards = reader.NewWatcher(serialport.Config{Device: cfg.Reader.Port, Baud: cfg.Reader.Baud}, cfg.Reader.Kind,
			func(c reader.Card) {
				fyne.Do(func() {
					if c.Unreadable {
						k.CardUnreadable()
					} else {
						k.CardSeen(c.ID)
					}
				})
			},
			func(bool) { agent.Poke() }) // the fleet view learns of an unplugged reader at once
	}
	// Enrolment is enough to belong to an office: the identity names the
	// portal (a kiosk enrolled without portal.url in its configuration
	// once drew A001 from its own counter beside its site's queue).
	id, idErr := client.LoadIdentity(ctx, db)
	enrolled := idErr == nil
	if enrolled && !f.demo && cfg.Portal.URL != "" && !client.SamePortal(cfg.Portal.URL, id.Portal) {
		fmt.Fprintf(stderr, "lotse: portal.url in the configuration (%s) is not the portal this kiosk is enrolled at (%s): "+
			"leave portal.url empty, correct it, or enrol again with lotse enroll\n", cfg.Portal.URL, id.Portal)
		return 2
	}
	if enrolled && !f.demo { // the demo's portal may have moved; it follows it below
		desk.SetPortal(id.StatusBase())
	}
	var queue *fleet.Office
	if cfg.Portal.URL != "" || enrolled {
		// Numbers from the site's office queue; the kiosk's own block
		// while the portal is out of reach.
		offline := store.NewOfflineTickets(db)
		queue = fleet.NewOffice(offline, store.NewHeldTimes(db))
		desk.Queue, desk.Offline, desk.Appointments = queue, offline, queue
	}
	agent = fleet.New(fleet.Options{Version: version, DataDir: dataDir, DB: db, Outbox: out, Desk: desk,
		Printer: driver, Reader: cards, Queue: queue})
	staffDesk := &staff.Desk{Config: cfg, DataDir: dataDir, DB: db, Desk: desk, Agent: agent, Printer: driver, Reader: cards}
	speaker, headset := newSpeaker(cfg)
	deps := o.deps(cfg, metrics(cfg))
	// The office's clock: opening hours and appointments are in its time.
	loc := cfg.Location()
	deps.Now = func() time.Time { return time.Now().In(loc) }
	deps.Desk, deps.Calls, deps.Cases, deps.Reprints, deps.Staff = desk, agent, agent, staffDesk, staffDesk
	deps.Hours, deps.HeadsetPresent = desk.Hours, headset
	if desk.Appointments != nil {
		deps.Appointments = desk
	}
	if speaker != nil {
		deps.Speech = speaker // a nil *Speaker in the interface would not be nil
	}
	if d.printer != nil {
		deps.Printout = d.printer.LastPage
	}
	k = ui.New(a, win, deps)
	k.SetUIMap(f.uiMap)
	if cur != nil {
		agent.SetProfile(cur)
		applyProfile(func(f func()) { f() }, k, desk, cur, agent.Gate) // its settings: names, timeouts, guides
	}
	if cards != nil {
		go cards.Run(ctx)
	}
	go func() {
		// Enrolment may wait for the demo portal: off the start-up path.
		c := startSync(ctx, cfg, db, out, d.enroll)
		if c != nil {
			agent.SetClient(c)
			go agent.Run(ctx, func(p *profile.Profile) { applyProfile(fyne.Do, k, desk, p, agent.Gate) })
		}
		watchSync(ctx, c, out, func(s ui.SyncStatus) { fyne.Do(func() { k.SetSyncStatus(s) }) })
	}()
	if driver != nil {
		driver.OnStatus(func(s escpos.Status) {
			agent.Poke() // paper near end reaches the fleet view within seconds
			fyne.Do(func() { k.SetPrinterStatus(s) })
		})
	}
	k.Home()
	go k.RunIdle(ctx.Done())
	a.Lifecycle().SetOnStarted(func() {
		startWatchdog(ctx)
		d.windowShown()
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

// metrics sizes the screen: display.screen_mm with the configured
// resolution, else what the display says of itself (EDID), else a 96 dpi
// monitor.
func metrics(cfg config.Config) widgets.Metrics {
	if w, _ := cfg.Display.ScreenSize(); w > 0 {
		return widgets.MetricsFor(cfg.Display.Width, w)
	}
	if in, err := edid.Detect("/sys"); err == nil {
		slog.Info("display size from EDID", "mm", fmt.Sprintf("%dx%d", in.WidthMM, in.HeightMM),
			"pixels", fmt.Sprintf("%dx%d", in.WidthPx, in.HeightPx))
		return widgets.MetricsFor(in.WidthPx, float32(in.WidthMM))
	}
	slog.Info("display size unknown (display.screen_mm, EDID): sizing for a 96 dpi monitor")
	return widgets.DesktopMetrics
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
	appointment, err := escpos.LoadLayout(assets.FS, "print/appointment.tmpl")
	if err != nil {
		return nil, err
	}
	logo, err := cfg.LogoImage()
	if err != nil {
		slog.Warn("printing without a logo", "err", err) // validated at load; the file may have gone since
	}
	return &flow.Desk{
		Settings: flow.Settings{Logo: logo, Profile: cfg.PrinterProfile(), Municipality: cfg.Kiosk.Municipality,
			Place: cfg.Kiosk.Name, Hours: cfg.Hours(), German: texts.For(i18n.Default)},
		Counter: store.NewCounters(db), Spool: store.NewSpool(db), Layout: layout,
		ReceiptLayout: receipt, AppointmentLayout: appointment, Sealer: client.Sealer{DB: db, Out: out},
		Now: time.Now, Location: cfg.Location(), Portal: cfg.Portal.URL,
	}, nil
}

// applyProfile hands a checked profile to the kiosk, to take effect when
// nobody is using it: the screens' settings and the desk's (one value,
// swapped together). do runs on the UI goroutine: fyne.Do from other
// goroutines, a plain call before the window runs.
func applyProfile(do func(func()), k *ui.Kiosk, desk *flow.Desk, p *profile.Profile, gate func(profile.Settings) *access.Gate) {
	s := p.Settings
	set := desk.Current()
	set.Municipality, set.Place, set.German = s.Municipality, s.Name, p.Texts.For("de")
	if p.Hours.Known() {
		set.Hours = p.Hours
	}
	if p.Logo != nil {
		set.Logo = p.Logo
	}
	if p.Printer.ID != "" {
		set.Profile = p.Printer
	}
	do(func() {
		k.Reconfigure(func(d *ui.Deps) {
			d.Catalogue, d.Warnings, d.Texts = p.Catalogue, nil, p.Texts
			d.Place = s.Name + " " + s.Municipality
			if p.Logo != nil {
				d.Logo = p.Logo
			}
			d.Languages = s.Languages
			if p.Hours.Known() {
				d.Hours = p.Hours
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
			desk.Configure(set)
		})
	})
}
