package review

import (
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"

	"lotse/app/i18n"
	"lotse/app/ui"
	"lotse/app/ui/widgets"
)

// Screens renders every screen of every service to PNG with Fyne's
// software renderer, without a display: for reviewers, translators and the
// README.
func Screens(args []string, stdout, stderr io.Writer) int {
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
	cfg, o, code := reviewSetup("screens", *cfgPath, *pixels, *screenMM, stderr)
	if code != 0 {
		return code
	}
	langs := []string{*lang}
	if *lang == "all" {
		langs = o.Texts.Languages()
	} else if !slices.Contains(o.Texts.Languages(), *lang) {
		fmt.Fprintf(stderr, "lotse screens: no language %q (have: %v)\n", *lang, o.Texts.Languages())
		return 2
	}
	var themes []widgets.Look
	if *themeName == "all" {
		themes = widgets.Looks()
	} else if l, ok := widgets.LookNamed(*themeName); ok {
		themes = []widgets.Look{l}
	} else {
		fmt.Fprintf(stderr, "lotse screens: no theme %q (standard, large, contrast, large-contrast, or all)\n", *themeName)
		return 2
	}
	for _, w := range o.Warnings {
		fmt.Fprintln(stderr, "lotse screens: left out:", w)
	}
	return withReviewKiosk(cfg, o, func(k *ui.Kiosk, win fyne.Window) int {
		n := 0
		for _, l := range langs {
			k.SetLanguage(l)
			for _, th := range themes {
				k.SetLook(th)
				dir := filepath.Join(*out, l, th.Name())
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
		fmt.Fprintf(stdout, "%d screens written to %s\n", n, *out)
		return 0
	})
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
