// Package review shows and measures what the kiosk shows and says,
// without a display: `lotse screens` (every screen as PNG), `lotse
// a11y-report`, `lotse speech-script` and `lotse say`, for reviewers,
// translators and the accessibility report.
package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/desk"
	"lotse/app/fleet"
	"lotse/app/i18n"
	"lotse/app/kiosk"
	"lotse/app/staff"
	"lotse/app/store"
	"lotse/app/ui"
	"lotse/app/ui/widgets"
	"lotse/sync/outbox"
)

// withReviewKiosk runs fn with a kiosk in an offscreen window painted by
// Fyne's software renderer: `lotse screens`, `a11y-report` and
// `speech-script` show and measure screens without a display. The kiosk
// offers the configuration's services on a fixed day (pictures of date
// pickers do not change every night) and has the controls of a kiosk
// with a voice and guides.
func withReviewKiosk(cfg config.Config, o kiosk.Offering, fn func(k *ui.Kiosk, win fyne.Window) int) int {
	// Fyne's test driver refuses UI calls from the main goroutine, which a
	// real driver keeps for its event loop: run from another one.
	done := make(chan int)
	go func() {
		a := test.NewApp()
		defer a.Quit()
		win := a.NewWindow("Lotse")
		win.Resize(fyne.NewSize(float32(cfg.Display.Width), float32(cfg.Display.Height)))
		day := time.Date(2026, 11, 19, 10, 30, 0, 0, cfg.Location())
		deps := o.Deps(cfg, screenMetrics(cfg))
		deps.Now = func() time.Time { return day }
		deps.Speech, deps.Gate = silentVoice(), access.New(access.Config{})
		if f, cleanup, err := reviewStaff(cfg, o); err != nil {
			slog.Warn("the staff area and the guide menu are left out", "err", err)
		} else {
			defer cleanup()
			deps.Staff, deps.Reprints, deps.Cases = f, f, f.Agent
		}
		done <- fn(ui.New(a, win, deps), win)
	}()
	return <-done
}

// reviewStaff serves the staff area and the guides' reprint menu of the
// offscreen kiosk: the kiosk's own code over a database of its own in a
// temporary folder, no printer, and a printed ticket and a failed
// receipt in today's spool.
func reviewStaff(cfg config.Config, o kiosk.Offering) (*staff.Desk, func(), error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lotse-review-")
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup := func() { db.Close(); os.RemoveAll(dir) }
	fail := func(err error) (*staff.Desk, func(), error) { cleanup(); return nil, nil, err }
	out, err := outbox.Open(ctx, db)
	if err != nil {
		return fail(err)
	}
	front, err := kiosk.NewDesk(cfg, db, out, o.Texts)
	if err != nil {
		return fail(err)
	}
	de := o.Texts.For(i18n.Default)
	ticket, _, err := front.TicketJob(desk.Ticket{Number: "B017", Service: "Wohnsitz melden", Issued: time.Now()}, de)
	if err != nil {
		return fail(err)
	}
	receipt, _, err := front.ReceiptJob(desk.Receipt{Service: "Sperrmüll anmelden", Code: "LT-7K3M-9QPD", Issued: time.Now()}, de)
	if err != nil {
		return fail(err)
	}
	for _, j := range []struct {
		kind, label string
		job         []byte
		err         error
	}{{"ticket", "B017", ticket, nil}, {"receipt", "LT-7K3M-9QPD", receipt, errors.New("paper end")}} {
		id, err := front.Spool.Add(ctx, j.kind, j.label, "", j.job)
		if err == nil {
			err = front.Spool.Mark(ctx, id, j.err)
		}
		if err != nil {
			return fail(err)
		}
	}
	agent := fleet.New(fleet.Options{Version: "review", DataDir: dir, DB: db, Outbox: out, Desk: front})
	return &staff.Desk{Config: cfg, DataDir: dir, DB: db, Desk: front, Agent: agent}, cleanup, nil
}

// reviewSetup loads the configuration at cfgPath, applies --pixels and
// --screen-mm, and loads its services and texts, for the commands that
// show screens offscreen. A non-zero code means it said why on stderr.
func reviewSetup(cmd, cfgPath, pixels, screenMM string, stderr io.Writer) (config.Config, kiosk.Offering, int) {
	cfg, _, err := config.Find(cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return cfg, kiosk.Offering{}, 2
	}
	if err := reviewDisplay(&cfg, pixels, screenMM); err != nil {
		fmt.Fprintf(stderr, "lotse %s: %v\n", cmd, err)
		return cfg, kiosk.Offering{}, 2
	}
	o := kiosk.ConfigOffering(cfg)
	if o.Err != nil {
		fmt.Fprintln(stderr, "lotse:", o.Err)
		return cfg, o, 1
	}
	return cfg, o, 0
}

// screenMetrics sizes screens for display.screen_mm, or a 96 dpi monitor;
// never by the EDID of the machine the pictures are made on.
func screenMetrics(cfg config.Config) widgets.Metrics {
	if w, _ := cfg.Display.ScreenSize(); w > 0 {
		return widgets.MetricsFor(cfg.Display.Width, w)
	}
	return widgets.DesktopMetrics
}

// reviewDisplay applies --pixels WxH and --screen-mm WxH to cfg.
func reviewDisplay(cfg *config.Config, pixels, screenMM string) error {
	if pixels != "" {
		w, h, err := config.ParseWxH(pixels)
		if err != nil {
			return fmt.Errorf("--pixels: %w", err)
		}
		cfg.Display.Width, cfg.Display.Height = w, h
	}
	if screenMM != "" {
		if _, _, err := config.ParseWxH(screenMM); err != nil {
			return fmt.Errorf("--screen-mm: %w", err)
		}
		cfg.Display.ScreenMM = screenMM
	}
	return nil
}
