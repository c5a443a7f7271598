package review

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"fyne.io/fyne/v2"

	"lotse/app/ui"
	"lotse/app/ui/widgets"
)

const a11yUsage = `lotse a11y-report — measure every screen in every language and look.

For each screen × language × look it lays the screen out for the given
display and measures, from the widget tree: the smallest touch target and
the narrowest gap between targets (mm), the smallest cap height of any text
(mm), the lowest text/background contrast, texts that are clipped or leave
the screen, texts left untranslated, a chosen option marked by colour
alone (no tick of 10 mm shown) and controls without words. It prints a
table and exits 1 on any of these or any breach of: targets 15 mm, gaps
3 mm, cap height 5 mm (6.1 mm in large text, so large text never makes a
label smaller than standard text), contrast 4.5:1 (7:1 in high contrast).
The question count never growing is the form engine's (app/flow,
Position counts the longest path) and tested there.

Usage:
  lotse a11y-report [--screen-mm WxH] [--pixels WxH] [--out FILE] [--config F]
`

func A11yReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("a11y-report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, a11yUsage); fs.PrintDefaults() }
	cfgPath := fs.String("config", "", "configuration file (service folder, display size)")
	screenMM := fs.String("screen-mm", "", "the display's visible size in millimetres, e.g. 344x194 (default: display.screen_mm)")
	pixels := fs.String("pixels", "", "the display's resolution, e.g. 1920x1080 (default: display.width × display.height)")
	out := fs.String("out", "", "also write the table to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, o, code := reviewSetup("a11y-report", *cfgPath, *pixels, *screenMM, stderr)
	if code != 0 {
		return code
	}
	mmW, mmH := cfg.Display.ScreenSize()
	if mmW == 0 {
		fmt.Fprintln(stderr, "lotse a11y-report: the display's size is unknown: give --screen-mm WxH or display.screen_mm")
		return 2
	}
	return withReviewKiosk(cfg, o, func(k *ui.Kiosk, _ fyne.Window) int {
		return a11yReport(k, o.Texts.Languages(), mmW, mmH, cfg.Display.Width, cfg.Display.Height, *out, stdout, stderr)
	})
}

// a11yReport measures every screen of k in every language and look.
func a11yReport(k *ui.Kiosk, langs []string, mmW, mmH float32, wPx, hPx int, outPath string, stdout, stderr io.Writer) int {
	capRatio := ui.CapRatio()
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "screen\tlanguage\tlook\ttarget mm\tgap mm\tcap mm\tcontrast\tproblems\n")
	screens, breaches := 0, 0
	for _, lang := range langs {
		// The same screen without large text, by contrast and name.
		small := map[string]ui.Measure{}
		for _, look := range widgets.Looks() {
			k.SetLanguage(lang)
			k.SetLook(look)
			lim := ui.LimitsFor(look)
			progress := ui.Progress{}
			for _, s := range k.Screens() {
				s.Show()
				m := k.Measure(capRatio)
				screens++
				problems := m.Breaches(lim)
				key := fmt.Sprint(look.Contrast, s.Name)
				if look.Large {
					problems = append(problems, m.Shrunk(small[key])...)
				} else {
					small[key] = m
				}
				if p := progress.Grows(m.Step); p != "" {
					problems = append(problems, p)
				}
				if len(problems) > 0 {
					breaches++
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%.2f\t%.1f:1\t%s\n", s.Name, lang, look.Name(),
					m.MinTarget, orDash(m.MinGap), m.MinCap, m.MinContrast, strings.Join(problems, "; "))
			}
		}
	}
	tw.Flush()
	summary := fmt.Sprintf("%d screens measured (%d languages × %d looks) on a %.0f×%.0f mm display at %d×%d: %d with problems\n",
		screens, len(langs), len(widgets.Looks()), mmW, mmH, wPx, hPx, breaches)
	fmt.Fprint(stdout, table.String())
	fmt.Fprint(stdout, summary)
	if outPath != "" {
		if err := os.WriteFile(outPath, []byte(table.String()+summary), 0o644); err != nil {
			fmt.Fprintln(stderr, "lotse a11y-report:", err)
			return 1
		}
	}
	if breaches > 0 {
		return 1
	}
	return 0
}

func orDash(v float64) string {
	if v > 1e6 {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}
