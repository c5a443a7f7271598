package main

import (
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lotse/app/access"
	"lotse/app/config"
	"lotse/app/flow"
	"lotse/app/i18n"
	"lotse/app/ui"
)

// runScreens renders every screen of every service to PNG with Fyne's
// software renderer, without a display: for reviewers, translators and the
// README.
func runScreens(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("screens", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder for the pictures (required): DIR/<language>/<theme>/<screen>.png")
	lang := fs.String("lang", i18n.Default, "language code, or all")
	themeName := fs.String("theme", "standard", "theme, or all")
	cfgPath := fs.String("config", "", "configuration file, for the service folder and window size")
	screenMM := fs.String("screen-mm", "", "the display's size in millimetres, e.g. 344x194 (default: display.screen_mm, else 96 dpi)")
	pixels := fs.String("pixels", "", "the window's size, e.g. 1920x1080 (default: display.width × display.height)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "lotse screens: --out is required")
		return 2
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 2
	}
	texts, err := loadTexts(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "lotse:", err)
		return 1
	}
	langs := []string{*lang}
	if *lang == "all" {
		langs = texts.Languages()
	} else if !slices.Contains(texts.Languages(), *lang) {
		fmt.Fprintf(stderr, "lotse screens: no language %q (have: %v)\n", *lang, texts.Languages())
		return 2
	}
	var themes []ui.Look
	if *themeName == "all" {
		themes = ui.Looks()
	} else if l, ok := ui.LookNamed(*themeName); ok {
		themes = []ui.Look{l}
	} else {
		fmt.Fprintf(stderr, "lotse screens: no theme %q (standard, large, contrast, large-contrast, or all)\n", *themeName)
		return 2
	}
	if *pixels != "" {
		if cfg.Display.Width, cfg.Display.Height, err = config.ParseWxH(*pixels); err != nil {
			fmt.Fprintln(stderr, "lotse screens: --pixels:", err)
			return 2
		}
	}
	if *screenMM != "" {
		if _, _, err := config.ParseWxH(*screenMM); err != nil {
			fmt.Fprintln(stderr, "lotse screens: --screen-mm:", err)
			return 2
		}
		cfg.Display.ScreenMM = *screenMM
	}
	cat, warnings := loadCatalogue(cfg)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "lotse screens: left out:", w)
	}

	// Fyne's test driver refuses UI calls from the main goroutine, which
	// a real driver keeps for its event loop: render from another one.
	done := make(chan int)
	go func() { done <- renderScreens(cfg, cat, texts, langs, themes, *out, stdout, stderr) }()
	return <-done
}

func renderScreens(cfg config.Config, cat *flow.Catalogue, texts *i18n.Bundle, langs []string, themes []ui.Look, out string, stdout, stderr io.Writer) int {
	a := test.NewApp()
	defer a.Quit()
	win := a.NewWindow("Lotse")
	win.Resize(fyne.NewSize(float32(cfg.Display.Width), float32(cfg.Display.Height)))
	// A fixed day, so pictures of date pickers do not change every night.
	day := time.Date(2026, 11, 19, 10, 30, 0, 0, cfg.Location())
	k := ui.New(a, win, ui.Deps{Catalogue: cat, Texts: texts, Place: cfg.Kiosk.Name + " " + cfg.Kiosk.Municipality,
		ReturnAfter: cfg.Display.ReturnAfter, Now: func() time.Time { return day }, Metrics: screenMetrics(cfg), Speech: silentVoice(), Gate: access.NewGate(nil, "", nil)})
	n := 0
	for _, l := range langs {
		k.SetLanguage(l)
		for _, th := range themes {
			k.SetLook(th)
			dir := filepath.Join(out, l, th.Name())
			if err := os.MkdirAll(dir, 0o755); err != nil {
				fmt.Fprintln(stderr, "lotse screens:", err)
				return 1
			}
			for _, s := range k.Screens() {
				s.Show()
				if err := writePNG(filepath.Join(dir, s.Name+".png"), win); err != nil {
					fmt.Fprintln(stderr, "lotse screens:", err)
					return 1
				}
				n++
			}
		}
	}
	fmt.Fprintf(stdout, "%d screens written to %s\n", n, out)
	return 0
}

func writePNG(path string, win fyne.Window) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, win.Canvas().Capture()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// screenMetrics sizes pictures for display.screen_mm, or a 96 dpi monitor;
// never the EDID of the machine the pictures are made on.
func screenMetrics(cfg config.Config) ui.Metrics {
	if w, _ := cfg.Display.ScreenSize(); w > 0 {
		return ui.MetricsFor(cfg.Display.Width, w)
	}
	return ui.DesktopMetrics
}
