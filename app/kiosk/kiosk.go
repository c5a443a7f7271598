// Package kiosk builds the running kiosk from its configuration — the
// window, the database and outbox, the desk with its printer, the card
// reader, the fleet agent, the sync client — and runs it. "lotse run" and
// the demo only hand it their flags.
package kiosk

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/desk"
	"lotse/app/fleet"
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
	"lotse/sync/identity"
	"lotse/sync/outbox"
)

// Flags are what "lotse run" (and the demo, which takes the same) reads
// from its command line; each flag overrides its configuration key.
type Flags struct {
	ConfigPath string // the file read, "" for the built-in defaults
	UIMap      string
	Config     config.Config
}

// ErrDemoMoved answers "lotse run --demo": the demo is a program of its own.
var ErrDemoMoved = errors.New("the demo is its own program now: lotse-demo (make run starts it)")

// ParseFlags reads the flags of "lotse run" and the configuration file.
func ParseFlags(name string, args []string, stderr io.Writer) (Flags, error) {
	var f Flags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default "+config.SystemPath+" when it exists)")
	demo := fs.Bool("demo", false, "(moved: the demo is the program lotse-demo)")
	fullscreen := fs.Bool("fullscreen", false, "full screen, for a real kiosk (display.fullscreen)")
	dataDir := fs.String("data-dir", "", "folder for the kiosk's database (kiosk.data_dir)")
	port := fs.String("printer-port", "", "serial device of the ticket printer (printer.port)")
	baud := fs.Int("printer-baud", 0, "serial speed of the ticket printer (printer.baud)")
	portalURL := fs.String("portal-url", "", "the central portal (portal.url)")
	width := fs.Int("width", 0, "window width in pixels (display.width)")
	height := fs.Int("height", 0, "window height in pixels (display.height)")
	returnAfter := fs.Duration("return-after", 0, "how long the ticket screen stays (display.return_after)")
	fs.StringVar(&f.UIMap, "ui-map", "", "write the screen's touch targets (labels and positions, as JSON) to this file after every change, for acceptance tests")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if *demo {
		return f, ErrDemoMoved
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	var err error
	if f.Config, f.ConfigPath, err = config.Find(*configPath); err != nil {
		return f, err
	}
	// Only flags given on the command line override the file.
	fs.Visit(func(fl *flag.Flag) {
		c := &f.Config
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
	return f, f.Config.Validate("the command line")
}

// ErrConfig marks a configuration the kiosk cannot start with (exit 2).
var ErrConfig = errors.New("configuration")

// ErrNoDisplay is reported in one line instead of a GL driver's stack trace.
var ErrNoDisplay = errors.New("no display: DISPLAY and WAYLAND_DISPLAY are empty. " +
	"On a machine without a screen, run the demo under Xvfb: " +
	"xvfb-run -s '-screen 0 1280x800x24' bin/lotse-demo (or: make run-xvfb)")

// Options are what a program hands the kiosk: its flags and version, and
// what a demo adds beside it.
type Options struct {
	Flags
	Version string
	// Demo: the demo's data folder, and a portal that may have moved
	// since the kiosk enrolled there (the kiosk follows it).
	Demo bool
	// Enroll, when set, gives a one-time code to enrol with when the
	// kiosk is not enrolled (the demo's own portal).
	Enroll func(context.Context) (string, error)
	// Shown is called once the first screen is up.
	Shown func()
	// Printout returns the simulated printer's last page (the demo's).
	Printout func() image.Image
}

// Kiosk is a built kiosk: its window, screens, devices, fleet agent and
// sync client. Run shows it until the window closes or Stop is called.
type Kiosk struct {
	opt     Options
	ctx     context.Context
	cancel  context.CancelFunc
	app     fyne.App
	win     fyne.Window
	screens *ui.Kiosk
	db      *sql.DB
	out     *outbox.Outbox
	desk    *desk.Desk
	printer *escpos.Driver
	cards   *reader.Watcher
	agent   *fleet.Agent
	profile *profile.Profile
	fault   error       // out of service: the window says why
	running atomic.Bool // the window shows: Stop must close it
}

// New builds the kiosk: the window first (it opens while the services
// and texts load), then the database, the desk and its devices, the fleet
// agent and the screens. Nothing runs until Run. An error is one the
// window cannot show (a broken build); a kiosk whose database does not
// open is returned showing the fault.
func New(opt Options) (*Kiosk, error) {
	cfg := opt.Config
	k := &Kiosk{opt: opt}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	slog.Info("starting kiosk", "version", opt.Version, "config", orDefault(opt.ConfigPath, "built-in defaults"), "demo", opt.Demo)

	dataDir := cfg.DataDir(opt.Demo)
	// The services and their texts load while the window opens.
	offer := make(chan Offering, 1)
	go func() { offer <- LoadOffering(cfg, dataDir) }()

	k.app = fyneapp.NewWithID("de.lotse.kiosk")
	k.win = k.app.NewWindow("Lotse")
	k.win.Resize(fyne.NewSize(float32(cfg.Display.Width), float32(cfg.Display.Height)))
	k.win.SetFullScreen(cfg.Display.Fullscreen)
	o := <-offer
	if o.Err != nil {
		k.cancel()
		return nil, o.Err
	}
	k.profile = o.Profile

	dbPath := filepath.Join(dataDir, "kiosk.db")
	var err error
	if k.db, err = store.Open(dbPath); err != nil {
		return k.outOfService(o, fmt.Errorf("database: %w", err)), nil
	}
	slog.Info("database open", "path", dbPath)
	if k.out, err = outbox.Open(k.ctx, k.db); err != nil {
		return k.outOfService(o, fmt.Errorf("outbox: %w", err)), nil
	}
	k.out.Retention = cfg.Portal.KeepDecided
	if k.desk, err = NewDesk(cfg, k.db, k.out, o.Texts); err != nil {
		k.release()
		return nil, err // embedded and tested: a broken build
	}
	if cfg.Printer.Port != "" {
		k.printer = escpos.NewDriver(serialport.Config{Device: cfg.Printer.Port, Baud: cfg.Printer.Baud}, cfg.Printer.StatusMode())
		k.desk.Printer = k.printer
	} else {
		slog.Warn("no ticket printer configured (printer.port): numbers are shown, not printed")
	}
	if cfg.Reader.Port != "" {
		k.cards = reader.NewWatcher(serialport.Config{Device: cfg.Reader.Port, Baud: cfg.Reader.Baud}, cfg.Reader.Kind)
	}
	// Enrolment is enough to belong to an office: the identity names the
	// portal (a kiosk enrolled without portal.url in its configuration
	// once drew A001 from its own counter beside its site's queue).
	id, idErr := identity.Load(k.ctx, k.db)
	enrolled := idErr == nil
	if enrolled && !opt.Demo && cfg.Portal.URL != "" && !identity.SamePortal(cfg.Portal.URL, id.Portal) {
		k.release()
		return nil, fmt.Errorf("%w: portal.url in the configuration (%s) is not the portal this kiosk is enrolled at (%s): "+
			"leave portal.url empty, correct it, or enrol again with lotse enroll", ErrConfig, cfg.Portal.URL, id.Portal)
	}
	if enrolled && !opt.Demo { // the demo's portal may have moved; it follows it when syncing
		k.desk.SetPortal(id.StatusBase())
	}
	var queue *fleet.Office
	if cfg.Portal.URL != "" || enrolled {
		// Numbers from the site's office queue; the kiosk's own block
		// while the portal is out of reach.
		offline := store.NewOfflineTickets(k.db)
		queue = fleet.NewOffice(offline, store.NewHeldTimes(k.db))
		k.desk.Queue, k.desk.Offline, k.desk.Appointments = queue, offline, queue
	}
	k.agent = fleet.New(fleet.Options{Version: opt.Version, DataDir: dataDir, DB: k.db, Outbox: k.out, Desk: k.desk,
		Printer: k.printer, Reader: k.cards, Queue: queue})
	k.screens = ui.New(k.app, k.win, k.deps(o))
	k.screens.SetUIMap(opt.UIMap)
	if k.profile != nil {
		k.agent.SetProfile(k.profile)
		applyProfile(func(f func()) { f() }, k.screens, k.desk, k.profile, k.agent.Gate) // its settings: names, timeouts, guides
	}
	k.subscribe()
	return k, nil
}

// deps is what the screens work with: the offering, and this kiosk's
// desk, devices and fleet agent.
func (k *Kiosk) deps(o Offering) ui.Deps {
	cfg := k.opt.Config
	staffDesk := &staff.Desk{Config: cfg, DataDir: cfg.DataDir(k.opt.Demo), DB: k.db, Desk: k.desk, Agent: k.agent,
		Printer: k.printer, Reader: k.cards}
	speaker, headset := NewSpeaker(cfg)
	deps := o.Deps(cfg, metrics(cfg))
	// The office's clock: opening hours and appointments are in its time.
	loc := cfg.Location()
	deps.Now = func() time.Time { return time.Now().In(loc) }
	deps.Desk, deps.Calls, deps.Cases, deps.Reprints, deps.Staff = k.desk, k.agent, k.agent, staffDesk, staffDesk
	deps.Hours, deps.HeadsetPresent = k.desk.Hours, headset
	if k.desk.Appointments != nil {
		deps.Appointments = k.desk
	}
	if speaker != nil {
		deps.Speech = speaker // a nil *Speaker in the interface would not be nil
	}
	deps.Printout = k.opt.Printout
	return deps
}

// subscribe connects the devices to the screens and the fleet agent,
// which exist by now.
func (k *Kiosk) subscribe() {
	if k.cards != nil {
		k.cards.OnCard(func(c reader.Card) {
			fyne.Do(func() {
				if c.Unreadable {
					k.screens.CardUnreadable()
				} else {
					k.screens.CardSeen(c.ID)
				}
			})
		})
		k.cards.OnConnected(func(bool) { k.agent.Poke() }) // the fleet view learns of an unplugged reader at once
	}
	if k.printer != nil {
		k.printer.OnStatus(func(s escpos.Status) {
			k.agent.Poke() // paper near end reaches the fleet view within seconds
			fyne.Do(func() { k.screens.SetPrinterStatus(s) })
		})
	}
}

// outOfService is a kiosk whose window only says why it cannot serve.
func (k *Kiosk) outOfService(o Offering, err error) *Kiosk {
	slog.Error("kiosk out of service", "err", err)
	ui.ShowFault(k.app, k.win, o.Texts, k.opt.Config.Hours(), err.Error())
	k.fault = err
	return k
}

// Run starts the devices, the sync client and the fleet agent, shows the
// window and returns when it closes: 0, or 1 for a kiosk out of service.
func (k *Kiosk) Run() int {
	defer k.release()
	if k.fault != nil {
		k.show()
		return 1
	}
	ctx := k.ctx
	if k.printer != nil {
		go k.printer.Run(ctx)
	}
	if k.cards != nil {
		go k.cards.Run(ctx)
	}
	go func() {
		// Enrolment may wait for the demo portal: off the start-up path.
		c := StartSync(ctx, k.opt.Config, k.db, k.out, k.opt.Enroll)
		if c != nil {
			k.agent.SetClient(c)
			go k.agent.Run(ctx, func(p *profile.Profile) { applyProfile(fyne.Do, k.screens, k.desk, p, k.agent.Gate) })
		}
		watchSync(ctx, c, k.out, func(s ui.SyncStatus) { fyne.Do(func() { k.screens.SetSyncStatus(s) }) })
	}()
	k.screens.Home()
	go k.screens.RunIdle(ctx.Done())
	k.app.Lifecycle().SetOnStarted(func() {
		startWatchdog(ctx)
		if k.opt.Shown != nil {
			k.opt.Shown()
		}
		// Start-up parses every language, the catalogue and maybe a new
		// profile; the kiosk then runs for days. Hand that garbage back
		// to the system once the first screen is up.
		time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	})
	k.show()
	return 0
}

// show shows the window until it closes (Stop, SIGTERM, the window
// manager).
func (k *Kiosk) show() {
	k.running.Store(true)
	defer k.running.Store(false)
	k.win.ShowAndRun()
}

// Stop closes the window, when it shows, from any goroutine: Run then
// returns.
func (k *Kiosk) Stop() {
	k.cancel()
	if k.running.Load() {
		fyne.Do(k.app.Quit)
	}
}

// release ends what Run started and closes the database.
func (k *Kiosk) release() {
	k.cancel()
	if k.db != nil {
		k.db.Close()
	}
}

// Main is "lotse run" and the demo's main: flags, then the kiosk until
// its window closes; the exit code.
func Main(name string, args []string, opt Options, before func(*Options) error, stderr io.Writer) int {
	f, err := ParseFlags(name, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 2
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, "lotse:", ErrNoDisplay)
		return 3
	}
	// LOTSE_CPUPROFILE=FILE profiles the start until the first screen is
	// up: where a start's time goes.
	if path := os.Getenv("LOTSE_CPUPROFILE"); path != "" {
		if stop, err := profileStart(path); err != nil {
			fmt.Fprintln(stderr, "lotse: profile:", err)
		} else {
			shown := opt.Shown
			opt.Shown = func() {
				stop()
				if shown != nil {
					shown()
				}
			}
		}
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, nil)))
	opt.Flags = f
	if before != nil {
		if err := before(&opt); err != nil {
			slog.Error("set-up failed", "err", err)
		}
	}
	k, err := New(opt)
	if errors.Is(err, ErrConfig) {
		fmt.Fprintln(stderr, "lotse:", strings.TrimPrefix(err.Error(), ErrConfig.Error()+": "))
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 1
	}
	// systemd stops the kiosk with SIGTERM: stop the background work,
	// close the database (queries under way finish first) and exit 0.
	// Not through the window: Fyne quitting while GLFW still delivers a
	// mouse event for the window crashed (SIGSEGV) in one of our runs.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			slog.Info("stopping kiosk")
			k.release()
			os.Exit(0)
		}
	}()
	return k.Run()
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

// NewDesk is the kiosk's desk for tickets and receipts, over db and out,
// without a printer yet.
func NewDesk(cfg config.Config, db *sql.DB, out *outbox.Outbox, texts *i18n.Bundle) (*desk.Desk, error) {
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
	return &desk.Desk{
		Settings: desk.Settings{Logo: logo, Profile: cfg.PrinterProfile(), Municipality: cfg.Kiosk.Municipality,
			Place: cfg.Kiosk.Name, Hours: cfg.Hours(), German: texts.For(i18n.Default)},
		Counter: store.NewCounters(db), Spool: store.NewSpool(db), Layout: layout,
		ReceiptLayout: receipt, AppointmentLayout: appointment, Sealer: outbox.Sealer{DB: db, Out: out},
		Now: time.Now, Location: cfg.Location(), Portal: cfg.Portal.URL,
	}, nil
}

// applyProfile hands a checked profile to the kiosk, to take effect when
// nobody is using it: the screens' settings and the desk's (one value,
// swapped together). do runs on the UI goroutine: fyne.Do from other
// goroutines, a plain call before the window runs.
func applyProfile(do func(func()), k *ui.Kiosk, desk *desk.Desk, p *profile.Profile, gate func(profile.Settings) *access.Gate) {
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

// profileStart writes a CPU profile to path until the returned function
// is called.
func profileStart(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}, nil
}
