package main

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/ui"
)

// withOfflineKiosk runs fn with a kiosk in an offscreen window painted by
// Fyne's software renderer: `lotse screens`, `a11y-report` and
// `speech-script` show and measure screens without a display. The kiosk
// offers the configuration's services on a fixed day (pictures of date
// pickers do not change every night) and has the controls of a kiosk
// with a voice and guides.
func withOfflineKiosk(cfg config.Config, o offering, fn func(k *ui.Kiosk, win fyne.Window) int) int {
	// Fyne's test driver refuses UI calls from the main goroutine, which a
	// real driver keeps for its event loop: run from another one.
	done := make(chan int)
	go func() {
		a := test.NewApp()
		defer a.Quit()
		win := a.NewWindow("Lotse")
		win.Resize(fyne.NewSize(float32(cfg.Display.Width), float32(cfg.Display.Height)))
		day := time.Date(2026, 11, 19, 10, 30, 0, 0, cfg.Location())
		k := ui.New(a, win, ui.Deps{Catalogue: o.cat, Warnings: o.warnings, Texts: o.texts,
			Place: cfg.Kiosk.Name + " " + cfg.Kiosk.Municipality, Hours: cfg.Hours(), ReturnAfter: cfg.Display.ReturnAfter,
			Now: func() time.Time { return day }, Metrics: screenMetrics(cfg),
			Speech: silentVoice(), Gate: access.NewGate(nil, "", nil)})
		done <- fn(k, win)
	}()
	return <-done
}

// screenMetrics sizes screens for display.screen_mm, or a 96 dpi monitor;
// never by the EDID of the machine the pictures are made on.
func screenMetrics(cfg config.Config) ui.Metrics {
	if w, _ := cfg.Display.ScreenSize(); w > 0 {
		return ui.MetricsFor(cfg.Display.Width, w)
	}
	return ui.DesktopMetrics
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
