// Command lotse-demo is the kiosk with everything it needs beside it on
// one machine: an in-process portal on loopback (SQLite, the staff pages,
// the call-up display, the booking pages), a simulated ticket printer and
// card reader on pty pairs, demo accounts named in the log. It takes the
// flags of "lotse run". `make run` starts it; the kiosk itself (lotse)
// links no portal.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"lotse/app/config"
	"lotse/app/kiosk"
	"lotse/app/profile"
	"lotse/assets"
	"lotse/devices/escpossim"
	"lotse/devices/serialport"
	"lotse/sync/credential"
	"lotse/sync/portal"
	"lotse/sync/portal/staff"
	portalstore "lotse/sync/portal/store"
	"lotse/sync/portal/store/sqlite"
	"lotse/sync/portal/web"
	"lotse/sync/portal/web/display"
	"lotse/sync/portal/web/public"
	"lotse/sync/portal/web/termin"
)

// version is set at build time from git (see the Makefile).
var version = "dev"

func main() {
	os.Exit(kiosk.Main("lotse-demo", os.Args[1:], kiosk.Options{Version: version, Demo: true}, setUp, os.Stderr))
}

// setUp starts what the demo adds beside the kiosk and points the
// kiosk's options at it.
func setUp(opt *kiosk.Options) error {
	d, err := startDemo(context.Background(), &opt.Config, opt.Config.DataDir(true))
	opt.Enroll, opt.Shown = d.enroll, d.windowShown
	if d.printer != nil {
		opt.Printout = d.printer.LastPage
	}
	return err
}

// demo is what the demo adds: a simulated printer, and a way to enrol at
// the in-process portal.
type demo struct {
	printer *escpossim.Printer
	enroll  func(context.Context) (string, error)
	// shown closes when the window has shown its first screen: the demo
	// staff accounts' passwords (three bcrypt hashes) wait for it, so
	// they do not take the cores the window needs.
	shown     chan struct{}
	shownOnce *sync.Once
}

// windowShown tells the demo the window is up.
func (d demo) windowShown() {
	if d.shown != nil {
		d.shownOnce.Do(func() { close(d.shown) })
	}
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
		d.shown, d.shownOnce = make(chan struct{}), &sync.Once{}
		shown := d.shown
		go func() {
			p, st, err := openPortal(filepath.Join(dataDir, "portal"))
			if err != nil {
				slog.Error("demo portal", "err", err)
				ln.Close()
				close(ready)
				return
			}
			stopped := make(chan struct{})
			go func() { p.Run(ctx); close(stopped) }()
			defer func() { <-stopped; st.Close() }()
			publishDemoProfile(ctx, p)
			demoStaff(ctx, p, "http://"+ln.Addr().String()+"/staff/")
			ready <- p
			go func() {
				select {
				case <-shown:
					demoAccounts(ctx, p)
				case <-ctx.Done():
				}
			}()
			_, done, err := p.Serve(ctx, ln)
			if err != nil {
				slog.Error("demo portal", "err", err)
				return
			}
			if err := <-done; err != nil { // ctx ended and the last request is answered
				slog.Error("demo portal", "err", err)
			}
		}()
		d.enroll = func(ctx context.Context) (string, error) {
			select {
			case p, ok := <-ready:
				if !ok {
					return "", errors.New("demo portal did not start")
				}
				return p.Enrolment().EnrollCode(ctx, time.Minute)
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

// openPortal opens the demo's portal over SQLite in dir; its loops run
// once Run is called.
func openPortal(dir string) (*portal.Server, portalstore.Store, error) {
	keys, err := portal.LoadKeys(dir, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		return nil, nil, err
	}
	p, err := portal.New(st, keys, dir, portal.Options{Version: version})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	pub, err := public.New(p)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	p.Public = pub.Handler()
	return p, st, nil
}

// The demo's guide and staff credentials (README, and the log at start).
const (
	demoCard     = "1F00644BB6"
	demoGuidePIN = "471108"
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
	if v, b, err := p.Fleet().LatestProfile(ctx, ""); err != nil || (v > 0 && bytes.Contains(b, []byte("k1:"))) {
		return
	}
	text, err := demoProfileTOML(ctx, p)
	var bundle []byte
	if err == nil {
		bundle, err = profile.DemoBundle(map[string]string{"profile.toml": text})
	}
	if err == nil {
		_, err = p.Fleet().PublishProfile(ctx, "", bundle)
	}
	if err != nil {
		slog.Error("demo profile", "err", err)
	}
}

// demoAccounts makes a demo admin, caseworker and clerk whose fresh
// passwords the log names, so a newcomer can open the office's side in a
// browser beside the kiosk.
func demoAccounts(ctx context.Context, p *portal.Server) {
	acc := &staff.Accounts{St: p.Store()}
	for _, u := range []struct{ name, role string }{{"demo.admin", staff.Admin}, {"demo.sachbearbeitung", staff.Caseworker},
		{"demo.schalter", staff.Clerk}} {
		pw := "Demo-" + rand.Text()[:12]
		err := acc.Reset(ctx, u.name, pw)
		if errors.Is(err, portalstore.ErrNotFound) {
			err = acc.Add(ctx, portalstore.User{Name: u.name, Role: u.role, AllSites: true}, pw)
		}
		if err != nil {
			slog.Error("demo staff", "user", u.name, "err", err)
			continue
		}
		slog.Info("demo staff account (password new at every demo start)", "name", u.name, "role", u.role, "password", pw)
	}
}

// demoStaff puts the staff dashboard beside the demo portal's API, the
// waiting room's display and two counters; demoAccounts makes its
// accounts.
func demoStaff(ctx context.Context, p *portal.Server, url string) {
	dash, err := web.New(p, p.Store())
	if err != nil {
		slog.Error("demo staff dashboard", "err", err)
		return
	}
	disp, err := display.New(p)
	if err != nil {
		slog.Error("demo call-up display", "err", err)
		return
	}
	booking, err := termin.New(p)
	if err != nil {
		slog.Error("demo booking pages", "err", err)
		return
	}
	p.Staff, p.Display, p.Termin = dash.Handler(), disp.Handler(), booking.Handler()
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
	// Appointments at the demo site, from the documented example file.
	if _, err := p.Store().BookingConfig(ctx, ""); err != nil {
		if file, err := fs.ReadFile(assets.FS, "booking/buergerbuero.toml"); err == nil {
			_, err = p.Bookings().Set(ctx, "", file)
			if err != nil {
				slog.Error("demo booking", "err", err)
			}
		}
	}
	slog.Info("appointments", "booking_page", base+"/termin/_")
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
	card, err := p.Fleet().HashCard(ctx, "", demoCard)
	if err != nil {
		return "", err
	}
	guide, err := p.Fleet().HashPIN(ctx, "", credential.Guide, demoGuidePIN)
	if err != nil {
		return "", err
	}
	staff, err := p.Fleet().HashPIN(ctx, "", credential.Staff, demoStaffPIN)
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
