package ui

import (
	"image/color"
	"lotse/app/ui/widgets"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"lotse/app/flow"
)

func TestCapRatioOfTheFont(t *testing.T) {
	test.NewTempApp(t)
	if r := CapRatio(); r < 0.68 || r > 0.75 {
		t.Errorf("cap ratio %.3f, Noto Sans has 0.714", r)
	}
}

// brokenTheme is the kiosk's theme with keys of 8 mm and grey text: the
// report must catch both.
type brokenTheme struct{ widgets.Theme }

func (t brokenTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == widgets.SizeKey {
		return t.Metrics.MM(8)
	}
	return t.Theme.Size(n)
}

func (t brokenTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameForeground {
		return color.NRGBA{0xAA, 0xAA, 0xAA, 0xFF}
	}
	return t.Theme.Color(n, v)
}

func TestReportFailsOnABrokenTheme(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	r := CapRatio()
	svc, _ := v.k.deps.Catalogue.Service("mangel")
	v.k.fillTo(svc, map[string]string{"art": "laterne"}, flow.Step{ID: "wo"}, "")
	if b := v.k.Measure(r).Breaches(LimitsFor(widgets.Look{})); len(b) != 0 {
		t.Fatalf("the real theme breaches: %v", b)
	}
	fyne.CurrentApp().Settings().SetTheme(brokenTheme{widgets.Theme{Metrics: widgets.DesktopMetrics}})
	v.k.cur.redraw()
	b := strings.Join(v.k.Measure(r).Breaches(LimitsFor(widgets.Look{})), "\n")
	if !strings.Contains(b, "touch target") || !strings.Contains(b, "contrast") {
		t.Errorf("a broken theme passes: %s", b)
	}
}
